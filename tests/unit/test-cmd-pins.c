// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pinning through zhostd's parts with a fake guest: VMRPC_PIN_UPDATE
 * batches over real call slots, the PIN_REFUSED event on the control
 * socket, query-pins listing the locked ranges and the guest processes
 * that hold them (VMRPC_PIN_HOLDERS, asked again after a truncated reply),
 * and the listing when the guest cannot say: an older guest that does not
 * know the call, a reply that breaks the rules. Then the "pins" object of
 * query-status with the guest's VMRPC_PIN_STATUS, and without it when the
 * guest says nonsense.
 */
#include "../lib/tap.h"
#include "commands.h"
#include "control.h"
#include "events.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "pin-serve.h"

#define MIB	(1ULL << 20)
#define SB	(2 * MIB)

static struct fq_env e;
static struct fq_server sv;
static struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* What the fake guest answers. */
static enum {
	G_GOOD,		/* holders and status as a guest would */
	G_OLD,		/* an older guest: no module 4 */
	G_BAD,		/* replies that break the rules */
} mode;
static int holder_calls;

static void cleanup(void)
{
	if (ctl_path[0])
		unlink(ctl_path);
	fq_cleanup_paths();
}

static void put_holder(uint8_t *resp, uint32_t i, uint64_t sb, uint32_t pid,
		       uint32_t pages, const char *comm)
{
	struct vmrpc_pin_holder h = {
		.subblock = htole64(sb), .pid = htole32(pid),
		.pages = htole32(pages),
	};

	memcpy(h.comm, comm, strnlen(comm, sizeof(h.comm)));
	memcpy(resp + sizeof(struct vmrpc_pin_holders) + i * sizeof(h), &h,
	       sizeof(h));
}

/*
 * Holders of subblocks 2-5: "locker" (pid 100) holds each; an escape
 * sequence in the name of pid 7 in subblock 3. The first reply stops
 * after subblock 3 (truncated), so the host must ask again from 4.
 */
static uint32_t answer_holders(const uint8_t *req, uint32_t req_len,
			       uint8_t *resp, uint32_t resp_max,
			       uint32_t *resp_len)
{
	struct vmrpc_pin_holders_request r;
	struct vmrpc_pin_holders h = { 0 };
	uint64_t first, sb;
	uint32_t n = 0;

	if (req_len != sizeof(r) || resp_max < 16 + 8 * 32)
		return VMRPC_EINVAL;
	memcpy(&r, req, sizeof(r));
	first = le64toh(r.first);
	holder_calls++;
	if (mode == G_BAD) {
		/* A holder outside the range asked about. */
		put_holder(resp, 0, first + le32toh(r.count), 1, 1, "x");
		h.nr = htole32(1);
		memcpy(resp, &h, sizeof(h));
		*resp_len = 16 + 32;
		return VMRPC_OK;
	}
	for (sb = first; sb < first + le32toh(r.count); sb++) {
		if (sb < 2 || sb > 5)
			continue;
		if (first == 2 && sb == 4) {
			h.flags = htole32(VMRPC_PIN_HOLDERS_F_TRUNCATED);
			h.next_first = htole64(4);
			break;
		}
		put_holder(resp, n++, sb, 100, 512, "locker");
		if (sb == 3)
			put_holder(resp, n++, sb, 7, 3, "ev\033[2Jil");
	}
	h.nr = htole32(n);
	memcpy(resp, &h, sizeof(h));
	*resp_len = 16 + 32 * n;
	return VMRPC_OK;
}

static uint32_t answer(void *arg, uint16_t module, uint16_t proc,
		       const uint8_t *req, uint32_t req_len, uint8_t *resp,
		       uint32_t resp_max, uint32_t *resp_len)
{
	struct vmrpc_pin_status st = {
		.mlocked_pages = htole64(2051), .wanted = htole64(6),
		.pinned = htole64(4), .short_sb = htole64(2),
		.updates = htole64(3), .refused = htole64(1),
		.reason = htole32(VMRPC_PIN_R_CEILING), .enabled = htole32(1),
	};

	(void)arg;
	if (module != VMRPC_MOD_PIN || mode == G_OLD)
		return VMRPC_ENOMOD;
	if (proc == VMRPC_PIN_HOLDERS)
		return answer_holders(req, req_len, resp, resp_max, resp_len);
	if (proc != VMRPC_PIN_STATUS || resp_max < sizeof(st))
		return VMRPC_ENOPROC;
	if (mode == G_BAD)
		st.reason = htole32(99);
	memcpy(resp, &st, sizeof(st));
	*resp_len = sizeof(st);
	return VMRPC_OK;
}

static json_t *run(const char *cmd)
{
	json_t *req = json_pack("{s:s}", "execute", cmd);
	json_t *reply = zhostd_cmd_execute(&zd, req);
	json_t *ret = json_incref(json_object_get(reply, "return"));

	json_decref(req);
	json_decref(reply);
	return ret;
}

/* A guest's VMRPC_PIN_UPDATE of one run over a real slot. */
static bool guest_pin(uint64_t first, uint32_t count, uint16_t op,
		      struct vmrpc_pin_result *res, struct fq_reply *rep)
{
	static uint64_t seq;
	struct {
		struct vmrpc_pin_batch b;
		struct vmrpc_pin_op o;
	} req = {
		.b = { .nr = htole32(1) },
		.o = { .first = htole64(first), .count = htole32(count),
		       .op = htole16(op) },
	};

	return fq_call(&e.q, 0, ++seq, VMRPC_MOD_PIN, VMRPC_PIN_UPDATE, &req,
		       sizeof(req), res, sizeof(*res), rep);
}

static void test_update_and_event(void)
{
	struct vmrpc_pin_result res;
	struct fq_reply rep;
	json_t *ev;

	tap_ok(guest_pin(2, 4, VMRPC_PIN_OP_PIN, &res, &rep) &&
	       rep.status == VMRPC_OK && rep.len == sizeof(res) &&
	       le32toh(res.done) == 4 && le16toh(res.reason) == VMRPC_PIN_R_NONE,
	       "a guest's pin of 2+4 over a slot: all pinned");
	tap_ok(guest_pin(6, 4, VMRPC_PIN_OP_PIN, &res, &rep) &&
	       rep.status == VMRPC_OK && le32toh(res.done) == 2 &&
	       le16toh(res.reason) == VMRPC_PIN_R_NOT_PLUGGED,
	       "a pin of 6+4 with 8 plugged: 2 pinned, not-plugged");
	ev = next_event("PIN_REFUSED", FQ_TIMEOUT_MS);
	tap_ok(ev && json_integer_value(json_object_get(ev, "not_pinned")) == 4 * MIB &&
	       json_integer_value(json_object_get(ev, "pinned")) == 2 &&
	       json_integer_value(json_object_get(ev, "first")) == 6 &&
	       !strcmp(json_string_value(json_object_get(ev, "reason")) ?: "", "not-plugged"),
	       "PIN_REFUSED: 4 MiB not pinned, not-plugged");
	json_decref(ev);
}

static json_t *range_at(json_t *ret, size_t i)
{
	return json_array_get(json_object_get(ret, "ranges"), i);
}

static void test_query_pins(void)
{
	json_t *ret, *r, *h;

	mode = G_GOOD;
	holder_calls = 0;
	ret = run("query-pins");
	r = range_at(ret, 0);
	h = json_object_get(r, "holders");
	tap_ok(json_integer_value(json_object_get(ret, "locked")) == 6 * SB &&
	       json_integer_value(json_object_get(ret, "guest_pinned")) == 6 * SB &&
	       json_integer_value(json_object_get(ret, "shortfall")) == 2 * SB &&
	       json_is_null(json_object_get(ret, "max_pinned")),
	       "query-pins: 12 MiB locked and guest-pinned, 4 MiB short, no ceiling");
	tap_ok(json_array_size(json_object_get(ret, "ranges")) == 2 &&
	       json_integer_value(json_object_get(r, "first")) == 2 &&
	       json_integer_value(json_object_get(r, "count")) == 6 &&
	       json_integer_value(json_object_get(r, "bytes")) == 6 * SB &&
	       json_is_true(json_object_get(r, "guest_pinned")) &&
	       json_integer_value(json_object_get(range_at(ret, 1), "first")) == 8 &&
	       json_is_true(json_object_get(range_at(ret, 1), "short")) &&
	       json_is_false(json_object_get(range_at(ret, 1), "locked")),
	       "ranges coalesced: 2-7 pinned, 8-9 short and not locked");
	tap_ok(json_array_size(h) == 5 && holder_calls == 3 &&
	       json_is_true(json_object_get(ret, "holders_available")),
	       "holders of 2-7 over 2 calls (the first truncated), then 8-9: 5 holders, 3 calls (%d)",
	       holder_calls);
	tap_ok(!strcmp(json_string_value(json_object_get(json_array_get(h, 2), "comm")) ?: "",
		       "ev?[2Jil") &&
	       json_integer_value(json_object_get(json_array_get(h, 2), "pid")) == 7,
	       "a guest's command name is sanitised to printable ASCII");
	json_decref(ret);

	mode = G_OLD;
	ret = run("query-pins");
	tap_ok(json_is_false(json_object_get(ret, "holders_available")) &&
	       strstr(json_string_value(json_object_get(ret, "holders_error")) ?: "",
		      "older guest") &&
	       json_array_size(json_object_get(ret, "ranges")) == 2 &&
	       !json_object_get(range_at(ret, 0), "holders"),
	       "an older guest: holders unavailable, the ranges still listed");
	json_decref(ret);

	mode = G_BAD;
	ret = run("query-pins");
	tap_ok(json_is_false(json_object_get(ret, "holders_available")) &&
	       strstr(json_string_value(json_object_get(ret, "holders_error")) ?: "",
		      "malformed") &&
	       json_array_size(json_object_get(ret, "ranges")) == 2,
	       "a holder outside the range asked about: the reply is refused, the ranges listed");
	json_decref(ret);
}

static void test_status(void)
{
	json_t *ret, *pins, *g;

	mode = G_GOOD;
	ret = run("query-status");
	pins = json_object_get(ret, "pins");
	g = json_object_get(pins, "guest");
	tap_ok(json_integer_value(json_object_get(pins, "locked")) == 6 * SB &&
	       json_integer_value(json_object_get(json_object_get(pins, "stats"),
						  "refused_runs")) == 1 &&
	       !strcmp(json_string_value(json_object_get(json_object_get(pins, "last_refusal"),
							 "reason")) ?: "", "not-plugged"),
	       "query-status pins: 12 MiB locked, one refused run, why");
	tap_ok(json_integer_value(json_object_get(g, "mlocked_pages")) == 2051 &&
	       json_integer_value(json_object_get(g, "wanted")) == 6 * SB &&
	       json_integer_value(json_object_get(g, "short")) == 2 * SB &&
	       !strcmp(json_string_value(json_object_get(g, "last_reason")) ?: "", "ceiling"),
	       "and the guest's own view (VMRPC_PIN_STATUS)");
	json_decref(ret);
	mode = G_BAD;
	ret = run("query-status");
	tap_ok(json_is_null(json_object_get(json_object_get(ret, "pins"), "guest")),
	       "a status reply with an unknown reason: the guest's view is left out");
	json_decref(ret);
}

int main(void)
{
	struct vmrpc_host_data_area area;
	struct zhostd_control *ctl = NULL;
	char err[160];
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(12);
	up = fq_env_create(&e, 4, 1) == 0;
	if (up) {
		zd.vh = e.h;
		zd.cfg = fq_config(&e, 4, 1);
		zd.call_timeout_ms = 2000;
		vmrpc_host_data_area(e.h, &area);
		up = zhostd_memory_init(&zd.mem, vmrpc_host_memfd(e.h), &area,
					area.size, area.size, err, sizeof(err)) == 0 &&
		     zhostd_pin_init(&zd.pin, vmrpc_host_memfd(e.h), &area,
				     ZHOSTD_PIN_NO_CEILING, false) == 0;
	}
	if (up) {
		zd.pin.on_refused = zhostd_pin_event;
		zd.pin.opaque = &zd;
		zhostd_memory_set_pin(&zd.mem, &zd.pin);
		snprintf(ctl_path, sizeof(ctl_path), "%s/zhostd.sock", e.dir);
		up = vmrpc_host_register(e.h, VMRPC_MOD_PIN, zhostd_pin_serve,
					 &zd.mem) == 0 &&
		     zhostd_control_open(&zd, ctl_path, &ctl) == 0;
		zd.ctl = ctl;
	}
	up = up && client_open(ctl, ctl_path) && fq_env_connect(&e) == 0 &&
	     fq_env_guest_ready(&e, 1) == 0 &&
	     fq_server_start(&sv, &e.q, answer, NULL);
	if (up) {
		struct vmrpc_mem_range r = { .count = htole32(8) };
		uint32_t len;

		up = zhostd_memory_serve(&zd.mem, VMRPC_MEM_PLUG, &r, sizeof(r),
					 NULL, 0, &len) == VMRPC_OK;
	}
	if (!up) {
		printf("Bail out! cannot set up a host, a guest, the memory and a control socket\n");
	} else {
		test_update_and_event();
		test_query_pins();
		test_status();
	}
	fq_server_stop(&sv);
	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	unlink(ctl_path);
	fq_env_teardown(&e);
	zhostd_memory_destroy(&zd.mem);
	zhostd_pin_destroy(&zd.pin);
	return up ? tap_done() : 1;
}
