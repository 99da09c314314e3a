// SPDX-License-Identifier: GPL-2.0-only
/*
 * The working-set poller end to end in one process: a fake guest answers
 * VMRPC_WSS_REPORT with a crafted report through the fake QEMU; the poller
 * keeps the samples in its history (wrapping around), query-wss and
 * query-wss-history return them, a control client receives WSS_UPDATED
 * and the policy's POLICY_DECISION (and the guest its new size); a
 * malformed report and a guest without the module are counted, logged and
 * reported as WSS_ERROR, rate-limited, and never reach the history.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include "../lib/tap.h"
#include "commands.h"
#include "control.h"
#include "fake-qemu.h"
#include "control-client.h"
#include "fake-wss.h"
#include "wss-poller.h"

#define MIB		(1ULL << 20)

static struct fq_env e;
static char ctl_path[sizeof(((struct sockaddr_un *)0)->sun_path)];

/* What the fake guest answers, under glock. */
static pthread_mutex_t glock = PTHREAD_MUTEX_INITIALIZER;
static struct vmrpc_wss_report report;
static uint32_t report_status = VMRPC_OK;
static int set_requested_calls;
static uint64_t guest_requested;

static uint32_t answer(void *arg, uint16_t module, uint16_t proc,
		       const uint8_t *req, uint32_t req_len, uint8_t *resp,
		       uint32_t resp_max, uint32_t *resp_len)
{
	struct vmrpc_mem_request r;
	uint32_t st = VMRPC_ENOMOD;

	(void)arg;
	pthread_mutex_lock(&glock);
	if (module == VMRPC_MOD_WSS && proc == VMRPC_WSS_REPORT) {
		st = report_status;
		if (st == VMRPC_OK && resp_max >= sizeof(report)) {
			memcpy(resp, &report, sizeof(report));
			*resp_len = sizeof(report);
		}
	} else if (module == VMRPC_MOD_MEM && proc == VMRPC_MEM_SET_REQUESTED &&
		   req_len == sizeof(r)) {
		memcpy(&r, req, sizeof(r));
		guest_requested = le64toh(r.requested_size);
		set_requested_calls++;
		st = VMRPC_OK;
	}
	pthread_mutex_unlock(&glock);
	return st;
}

static void cleanup(void)
{
	unlink(ctl_path);
	fq_cleanup_paths();
}

/* --- helpers ----------------------------------------------------------- */

static json_t *execute(struct zhostd *zd, const char *text)
{
	json_t *req = json_loads(text, 0, NULL), *reply;

	reply = zhostd_cmd_execute(zd, req);
	json_decref(req);
	return reply;
}

static json_int_t path_int(json_t *obj, const char *a, const char *b)
{
	json_t *v = json_object_get(obj, a);

	return json_integer_value(b ? json_object_get(v, b) : v);
}

/* query-wss's stats.@name. */
static json_int_t wss_stat(struct zhostd *zd, const char *name)
{
	json_t *r = execute(zd, "{\"execute\": \"query-wss\"}");
	json_int_t v = path_int(json_object_get(r, "return"), "stats", name);

	json_decref(r);
	return v;
}

static uint64_t requested_now(struct zhostd *zd)
{
	struct zhostd_memory_info mi;

	zhostd_memory_get(&zd->mem, &mi);
	return mi.requested;
}

static void set_report(uint32_t reserved0, uint32_t status)
{
	pthread_mutex_lock(&glock);
	report.reserved0 = htole32(reserved0);
	report_status = status;
	pthread_mutex_unlock(&glock);
}

/* The fake guest was told a requested size of @bytes (a reverse call). */
static bool guest_told(uint64_t bytes)
{
	bool told;

	pthread_mutex_lock(&glock);
	told = set_requested_calls >= 1 && guest_requested == bytes;
	pthread_mutex_unlock(&glock);
	return told;
}

static void test_poller(struct zhostd *zd)
{
	json_t *ev, *r, *ret, *samples;
	json_int_t n, before;
	bool ok;

	ev = next_event("WSS_UPDATED", FQ_TIMEOUT_MS);
	tap_ok(ev && path_int(ev, "guest", "wss") == (json_int_t)(600 * MIB) &&
	       path_int(ev, "host", "wss") == (json_int_t)(160 * MIB) &&
	       json_is_true(json_object_get(ev, "valid")) &&
	       json_array_size(json_object_get(json_object_get(ev, "guest"), "idle")) == 8,
	       "WSS_UPDATED carries the guest's report");
	json_decref(ev);

	ev = next_event("POLICY_DECISION", FQ_TIMEOUT_MS);
	tap_ok(ev && !strcmp(json_string_value(json_object_get(ev, "action")), "grow") &&
	       path_int(ev, "to", NULL) == (json_int_t)(128 * MIB) &&
	       path_int(ev, "target", NULL) == (json_int_t)(128 * MIB) &&
	       path_int(ev, "wss", NULL) == (json_int_t)(600 * MIB) &&
	       !strcmp(json_string_value(json_object_get(ev, "reason")), "above-requested"),
	       "the policy grows to max (128M): POLICY_DECISION");
	json_decref(ev);
	/* The reverse call follows the new size: wait for it, not for time. */
	FQ_WAIT_FOR(ok, requested_now(zd) == 128 * MIB && guest_told(128 * MIB),
		    FQ_TIMEOUT_MS);
	tap_ok(ok, "zhostd requests 128M and tells the guest");

	FQ_WAIT_FOR(ok, wss_stat(zd, "samples") >= 6, FQ_TIMEOUT_MS);
	r = execute(zd, "{\"execute\": \"query-wss-history\"}");
	samples = json_object_get(json_object_get(r, "return"), "samples");
	n = path_int(json_array_get(samples, 3), "seq", NULL);
	tap_ok(ok && json_array_size(samples) == 4 && n >= 6 &&
	       path_int(json_array_get(samples, 0), "seq", NULL) == n - 3 &&
	       path_int(json_array_get(samples, 3), "requested", NULL) ==
	       (json_int_t)(128 * MIB) &&
	       path_int(json_array_get(samples, 3), "backed", NULL) == 0 &&
	       path_int(json_array_get(samples, 3), "plugged", NULL) == 0,
	       "history: the newest 4 of %lld samples, oldest first, with plugged, requested, backed",
	       (long long)n);
	json_decref(r);
	r = execute(zd, "{\"execute\": \"query-wss-history\", \"arguments\": {\"limit\": 2}}");
	samples = json_object_get(json_object_get(r, "return"), "samples");
	tap_ok(json_array_size(samples) == 2, "history with limit 2: 2 samples");
	json_decref(r);
	r = execute(zd, "{\"execute\": \"query-wss-history\", \"arguments\": {\"limit\": -1}}");
	tap_ok(json_object_get(r, "error") != NULL, "history with limit -1: refused");
	json_decref(r);

	r = execute(zd, "{\"execute\": \"query-wss\"}");
	ret = json_object_get(r, "return");
	tap_ok(path_int(ret, "sample", "window_ms") == 10000 &&
	       json_real_value(json_object_get(json_object_get(ret, "derived"), "scan_cpu_share")) > 0.0024 &&
	       json_is_real(json_object_get(json_object_get(ret, "derived"), "pgfault_per_s")) &&
	       path_int(ret, "history", "capacity") == 4 &&
	       !strcmp(json_string_value(json_object_get(json_object_get(ret, "policy"), "mode")), "auto") &&
	       json_is_object(json_object_get(json_object_get(ret, "policy"), "last_decision")) &&
	       json_is_null(json_object_get(json_object_get(ret, "stats"), "last_error")),
	       "query-wss: the latest sample, derived values, the policy");
	json_decref(r);

	/* A malformed report: counted, WSS_ERROR, kept out of the history. */
	set_report(1, VMRPC_OK);
	ev = next_event("WSS_ERROR", FQ_TIMEOUT_MS);
	tap_ok(ev && !strcmp(json_string_value(json_object_get(ev, "reason")), "malformed") &&
	       strstr(json_string_value(json_object_get(ev, "desc")), "reserved") &&
	       path_int(ev, "failures", NULL) == 1,
	       "a malformed report: WSS_ERROR, reason malformed, why");
	json_decref(ev);
	before = wss_stat(zd, "samples");
	FQ_WAIT_FOR(ok, wss_stat(zd, "rejected") >= 3, FQ_TIMEOUT_MS);
	tap_ok(ok && wss_stat(zd, "samples") == before,
	       "malformed reports are counted as rejected and never stored");
	r = execute(zd, "{\"execute\": \"query-wss\", \"arguments\": {\"refresh\": true}}");
	tap_ok(!strcmp(json_string_value(json_object_get(json_object_get(r, "error"), "class")),
		       ZERR_GUEST_ERROR), "query-wss refresh on a malformed report: GuestError");
	json_decref(r);

	/* A guest without the module: errors, but no second event so soon. */
	set_report(0, VMRPC_ENOMOD);
	before = wss_stat(zd, "errors");
	FQ_WAIT_FOR(ok, wss_stat(zd, "errors") >= before + 3, FQ_TIMEOUT_MS);
	ev = next_event("WSS_ERROR", 300);
	tap_ok(ok && !ev, "failed calls are counted; WSS_ERROR is not repeated within a minute");
	json_decref(ev);

	set_report(0, VMRPC_OK);
	ev = next_event("WSS_UPDATED", FQ_TIMEOUT_MS);
	tap_ok(ev && wss_stat(zd, "failures") == 0, "a good report again: samples resume");
	json_decref(ev);
}

int main(void)
{
	struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };
	struct zhostd_wss_config cfg = { .interval_ms = 20, .history = 4,
					 .policy = true };
	struct vmrpc_host_data_area area;
	struct zhostd_control *ctl = NULL;
	struct fq_server sv = { 0 };
	char err[160];
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(12);
	/* A 700M guest with a 512M ZONE_HOST: its 600M working set needs more. */
	fw_report(&report, 3);
	report.region[VMRPC_WSS_REGION_GUEST].size = htole64(700 * MIB);
	report.region[VMRPC_WSS_REGION_GUEST].free = htole64(50 * MIB);
	report.region[VMRPC_WSS_REGION_GUEST].user = htole64(450 * MIB);
	for (int i = 0; i < VMRPC_WSS_NR_AGES; i++)
		report.region[VMRPC_WSS_REGION_GUEST].idle[i] =
			htole64(400 * MIB + 7 * MIB * (uint64_t)i);
	report.region[VMRPC_WSS_REGION_GUEST].pinned = htole64(4 * MIB);

	up = fq_env_create(&e, 4, 1) == 0 && fq_env_connect(&e) == 0 &&
	     fq_env_guest_ready(&e, 1) == 0 &&
	     fq_server_start(&sv, &e.q, answer, NULL);
	if (up) {
		zd.vh = e.h;
		zd.cfg = fq_config(&e, 4, 1);
		zd.call_timeout_ms = 2000;
		vmrpc_host_data_area(e.h, &area);
		snprintf(ctl_path, sizeof(ctl_path), "%s/zhostd.sock", e.dir);
		up = zhostd_memory_init(&zd.mem, vmrpc_host_memfd(e.h), &area, 0,
					area.size, err, sizeof(err)) == 0 &&
		     area.size == 128 * MIB &&
		     zhostd_control_open(&zd, ctl_path, &ctl) == 0;
		zd.ctl = ctl;
	}
	if (up) {
		zhostd_policy_defaults(&cfg.params, area.subblock_size, area.size);
		up = zhostd_wss_create(&zd, &cfg, &zd.wss) == 0 &&
		     client_open(ctl, ctl_path) && zhostd_wss_start(zd.wss) == 0;
	}
	if (!up)
		printf("Bail out! cannot set up a host, a guest and a poller\n");
	else
		test_poller(&zd);

	zhostd_wss_stop(zd.wss);
	if (cfd >= 0)
		close(cfd);
	zhostd_control_close(ctl);
	zhostd_wss_destroy(zd.wss);
	fq_server_stop(&sv);
	if (zd.mem.map)
		zhostd_memory_destroy(&zd.mem);
	fq_env_teardown(&e);
	return up ? tap_done() : 1;
}
