// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd as a library (mm-host/vm.c): one VM's parts built from parsed
 * options, started, driven through the control commands and the VMRPC
 * host's events with a fake QEMU, stopped and taken apart; and every
 * failure of the build unwound in reverse order, leaving nothing behind
 * (ASan reports a leak, the tests check the state).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/tap.h"
#include "commands.h"
#include "events.h"
#include "fake-qemu.h"
#include "options.h"
#include "vm.h"

#define MIB	(1ULL << 20)

static char dir[80];

/* Options for VM "vm" in the test's runtime directory, plus @extra. */
static bool options(struct zhostd_options *o, const char *const *extra)
{
	char *argv[32] = { "zhostd", "--runtime-dir", dir, "-n", "vm",
			   "--bar-size", "256M", "--check-interval", "0" };
	char msg[ZHOSTD_OPTIONS_MSG_MAX];
	int argc = 9;

	while (*extra && argc < 31)
		argv[argc++] = (char *)*extra++;
	argv[argc] = NULL;
	if (zhostd_options_parse(argc, argv, o, msg, sizeof(msg)) ==
	    ZHOSTD_OPTIONS_RUN)
		return true;
	tap_diag("options refused: %s", msg);
	return false;
}

/* The VMRPC host's events, as daemon.c passes them on. */
static void on_event(void *opaque, enum vmrpc_host_event ev,
		     const char *detail)
{
	zhostd_vmrpc_event(opaque, ev, detail);
}

static json_t *execute(struct zhostd *zd, const char *text)
{
	json_t *req = json_loads(text, 0, NULL), *reply;

	reply = zhostd_cmd_execute(zd, req);
	json_decref(req);
	return reply;
}

static bool qemu_connected(struct zhostd *zd)
{
	bool c;

	pthread_mutex_lock(&zd->lock);
	c = zd->qemu_connected;
	pthread_mutex_unlock(&zd->lock);
	return c;
}

static uint64_t requested(struct zhostd *zd)
{
	struct zhostd_memory_info mi;

	zhostd_memory_get(&zd->mem, &mi);
	return mi.requested;
}

static bool all_gone(const struct zhostd *zd)
{
	return !zd->ctl && !zd->vh && !zd->wss && !zd->guard && !zd->rl;
}

static void test_serve(void)
{
	struct zhostd zd = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct zhostd_options o;
	struct fake_qemu q;
	json_t *r;
	bool ok;

	if (!tap_ok(options(&o, (const char *[]){ "--initial", "64M",
						   "--max", "96M", NULL }),
		    "options for one VM"))
		return;
	ok = zhostd_vm_open(&zd, &o, on_event, &zd) == 0;
	tap_ok(ok && zd.ctl && zd.vh && zd.wss && zd.guard && zd.rl &&
	       requested(&zd) == 64 * MIB && zd.mem.info.max == 96 * MIB,
	       "zhostd_vm_open builds the rate limit, control socket, host, memory, poller and guard");
	if (!ok)
		goto out;
	tap_ok(zhostd_vm_start(&zd, &o) == 0, "zhostd_vm_start listens for QEMU");

	r = execute(&zd, "{\"execute\": \"query-status\"}");
	tap_ok(!strcmp(json_string_value(json_object_get(json_object_get(r, "return"), "name")) ?: "", "vm") &&
	       json_is_false(json_object_get(json_object_get(r, "return"), "qemu_connected")),
	       "query-status names the VM, no QEMU yet");
	json_decref(r);
	r = execute(&zd, "{\"execute\": \"set-memory\", \"arguments\": {\"size\": 33554432}}");
	tap_ok(json_is_false(json_object_get(json_object_get(r, "return"), "guest_notified")) &&
	       requested(&zd) == 32 * MIB,
	       "set-memory goes through the resize service, without a guest to tell");
	json_decref(r);

	if (fq_connect(&q, o.socket_path) == 0)
		FQ_WAIT_FOR(ok, qemu_connected(&zd), FQ_TIMEOUT_MS);
	else
		ok = false;
	tap_ok(ok, "a QEMU connecting is seen through the VMRPC host's event");
	fq_close(&q);
	FQ_WAIT_FOR(ok, !qemu_connected(&zd), FQ_TIMEOUT_MS);
	tap_ok(ok, "and its going away");

	zhostd_vm_stop(&zd);
	zhostd_vm_close(&zd);
	tap_ok(all_gone(&zd) && access(o.control_path, F_OK) && errno == ENOENT,
	       "zhostd_vm_close takes it all apart, the control socket too");
out:
	zhostd_options_free(&o);
}

/* zhostd_vm_open() fails with @want after its first parts were built. */
static void test_unwind(const char *what, const char *const *extra, int want)
{
	struct zhostd zd = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct zhostd_options o;
	int ret;

	if (!options(&o, extra)) {
		tap_ok(false, "%s", what);
		return;
	}
	ret = zhostd_vm_open(&zd, &o, on_event, &zd);
	tap_ok(ret == want && all_gone(&zd) &&
	       access(o.control_path, F_OK) && errno == ENOENT,
	       "%s: %d, everything built before is gone", what, ret);
	zhostd_options_free(&o);
}

static void test_second_zhostd(void)
{
	struct zhostd zd = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct zhostd zd2 = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct zhostd_options o;

	if (!options(&o, (const char *[]){ NULL }) ||
	    !tap_ok(zhostd_vm_open(&zd, &o, on_event, &zd) == 0,
		    "a first zhostd for the VM"))
		goto out;
	tap_ok(zhostd_vm_open(&zd2, &o, on_event, &zd2) == -EADDRINUSE &&
	       all_gone(&zd2) && !access(o.control_path, F_OK),
	       "a second one is refused (-EADDRINUSE), the first keeps its socket");
	zhostd_vm_close(&zd);
out:
	zhostd_options_free(&o);
}

int main(void)
{
	char vm[96];

	tap_plan(13);
	/* In the runner's private directory: it sees what is left behind. */
	if (!fq_mkdtemp(dir, sizeof(dir))) {
		tap_diag("mkdtemp: %s", strerror(errno));
		return 1;
	}
	snprintf(vm, sizeof(vm), "%s/vm", dir);
	mkdir(vm, 0700);
	test_serve();
	test_unwind("--min 3M (not a multiple of the subblock)",
		    (const char *[]){ "--min", "3M", NULL }, -EINVAL);
	test_unwind("--initial 1G (above the data area)",
		    (const char *[]){ "--initial", "1G", NULL }, -EINVAL);
	test_unwind("--shrink-step 1M (below the subblock)",
		    (const char *[]){ "--shrink-step", "1M", NULL }, -EINVAL);
	test_second_zhostd();
	rmdir(vm);
	rmdir(dir);
	return tap_done();
}
