// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory commands (mm-host/cmd-memory.c) against a fake guest:
 * a guest that never answers holds up one status by at most a second,
 * not every status after it, and is asked again later; check-memory runs
 * under ulimit -s 1024 (its map buffer is on the heap).
 */
#include <sys/resource.h>

#include "../lib/tap.h"
#include "commands.h"
#include "fake-qemu.h"
#include "memory.h"

/* ulimit -s 1024: less than the 1 MiB a slot may hold. */
#define SMALL_STACK	(1024 * 1024)

static struct fq_env e;
static struct fq_server sv;	/* the guest, once it answers */
static struct zhostd zd = { .name = "unit", .lock = PTHREAD_MUTEX_INITIALIZER };

static void cleanup(void)
{
	fq_cleanup_paths();
}

/* A guest driver that answers MEM_STATUS and MEM_MAP: nothing plugged. */
static uint32_t answer(void *arg, uint16_t module, uint16_t proc,
		       const uint8_t *req, uint32_t req_len, uint8_t *resp,
		       uint32_t resp_max, uint32_t *resp_len)
{
	struct vmrpc_mem_status st = { 0 };
	struct vmrpc_mem_range r;
	uint32_t bytes;

	(void)arg;
	if (module != VMRPC_MOD_MEM)
		return VMRPC_ENOMOD;
	if (proc == VMRPC_MEM_STATUS && resp_max >= sizeof(st)) {
		memcpy(resp, &st, sizeof(st));
		*resp_len = sizeof(st);
		return VMRPC_OK;
	}
	if (proc == VMRPC_MEM_MAP && req_len == sizeof(r)) {
		memcpy(&r, req, sizeof(r));
		bytes = (le32toh(r.count) + 7) / 8;
		if (bytes > resp_max)
			return VMRPC_E2BIG;
		memset(resp, 0, bytes);
		*resp_len = bytes;
		return VMRPC_OK;
	}
	return VMRPC_ENOPROC;
}

/* Run @name and return its reply; *@ms gets how long it took. */
static json_t *run(const char *name, long long *ms)
{
	json_t *req = json_pack("{s:s}", "execute", name), *reply;
	long long t0 = fq_now_ms();

	reply = zhostd_cmd_execute(&zd, req);
	*ms = fq_now_ms() - t0;
	json_decref(req);
	return reply;
}

static bool guest_is_null(json_t *reply)
{
	return json_is_null(json_object_get(json_object_get(reply, "return"),
					    "guest"));
}

static void test_silent_guest(void)
{
	long long a, b, c;
	json_t *r1, *r2, *r3;

	tap_diag("[RUN] a guest that never answers");
	r1 = run("query-memory", &a);
	r2 = run("query-memory", &b);
	tap_ok(guest_is_null(r1) && guest_is_null(r2) && a >= 900 && b < 300,
	       "the first status waits for it (%lld ms), the next does not (%lld ms)",
	       a, b);
	json_decref(r1);
	json_decref(r2);

	/* It answers again: after the back-off it is asked again. */
	if (!fq_server_start(&sv, &e.q, answer, NULL)) {
		tap_ok(false, "cannot start the fake guest");
		return;
	}
	fq_sleep_ms(5100);
	r3 = run("query-memory", &c);
	tap_ok(json_is_object(json_object_get(json_object_get(r3, "return"), "guest")),
	       "a few seconds later it is asked again and answers (%lld ms)", c);
	json_decref(r3);
}

/*
 * check-memory on the main thread with its stack limited as by
 * "ulimit -s 1024": the stack grows only up to the limit, so a frame of
 * 1 MiB faults (the threads' fixed stacks could hide it in a neighbour).
 */
static void test_check_small_stack(void)
{
	struct rlimit old, small;
	json_t *reply, *ret;
	long long ms;
	bool limited;

	tap_diag("[RUN] check-memory under ulimit -s %d", SMALL_STACK / 1024);
	limited = !getrlimit(RLIMIT_STACK, &old);
	small = old;
	small.rlim_cur = SMALL_STACK;
	limited = limited && !setrlimit(RLIMIT_STACK, &small);
	reply = run("check-memory", &ms);
	if (limited)
		setrlimit(RLIMIT_STACK, &old);
	ret = json_object_get(reply, "return");
	tap_ok(limited && json_is_true(json_object_get(ret, "consistent")) &&
	       json_is_true(json_object_get(ret, "guest_checked")),
	       "check-memory compares the guest's map within a %d KiB stack",
	       SMALL_STACK / 1024);
	json_decref(reply);
}

int main(void)
{
	struct vmrpc_host_data_area area;
	char err[160];
	bool up;

	tap_timeout(60, cleanup);
	tap_plan(3);
	up = fq_env_create(&e, 4, 1) == 0 && fq_env_connect(&e) == 0 &&
	     fq_env_guest_ready(&e, 1) == 0;
	if (up) {
		zd.vh = e.h;
		zd.cfg = fq_config(&e, 4, 1);
		zd.call_timeout_ms = 2000;
		vmrpc_host_data_area(e.h, &area);
		up = zhostd_memory_init(&zd.mem, vmrpc_host_memfd(e.h), &area, 0,
					area.size, err, sizeof(err)) == 0;
	}
	if (!up) {
		printf("Bail out! cannot set up a host, a guest and the memory\n");
	} else {
		test_silent_guest();
		test_check_small_stack();
	}
	fq_server_stop(&sv);
	fq_env_teardown(&e);
	if (up)
		zhostd_memory_destroy(&zd.mem);
	return up ? tap_done() : 1;
}
