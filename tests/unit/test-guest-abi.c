// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's ABI version is read from shared memory once: a guest that
 * rewrites it right after the host checked it (while the host reports
 * GUEST_READY) does not change what the host reports ("57005.7" was seen
 * when the host read it again).
 */
#include "../lib/tap.h"
#include "fake-qemu.h"

static struct fq_env e;
static uint32_t reported;	/* vmrpc_host_guest_abi() in the callback */

static void cleanup(void)
{
	fq_cleanup_paths();
}

/* On GUEST_READY: the guest changes its version, then zhostd asks. */
static void on_event(void *arg, enum vmrpc_host_event ev)
{
	(void)arg;
	if (ev != VMRPC_HOST_EV_GUEST_READY)
		return;
	fq_sb(&e.q)->guest_abi_version = htole32(0xdead0007);
	__atomic_store_n(&reported, vmrpc_host_guest_abi(e.h), __ATOMIC_RELEASE);
}

int main(void)
{
	char detail[128], want[32];
	bool up;

	tap_timeout(30, cleanup);
	tap_plan(2);
	up = fq_env_create(&e, 4, 1) == 0;
	e.log.hook = on_event;
	up = up && fq_env_connect(&e) == 0 && fq_env_guest_ready(&e, 1) == 0;
	if (!up) {
		printf("Bail out! cannot set up a host and a fake QEMU\n");
		fq_env_teardown(&e);
		return 1;
	}
	tap_ok(__atomic_load_n(&reported, __ATOMIC_ACQUIRE) == VMRPC_ABI_VERSION,
	       "the version checked is the one reported (0x%x)",
	       __atomic_load_n(&reported, __ATOMIC_ACQUIRE));
	ev_log_detail(&e.log, VMRPC_HOST_EV_GUEST_READY, detail, sizeof(detail));
	snprintf(want, sizeof(want), "guest ABI %u.%u", VMRPC_ABI_MAJOR,
		 VMRPC_ABI_MINOR);
	tap_ok(strstr(detail, want) && !strstr(detail, "57005"),
	       "and the event's detail says it ('%s')", detail);
	fq_env_teardown(&e);
	return tap_done();
}
