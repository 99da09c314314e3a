// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd: the zonehost host daemon. One process serves one VM: it creates
 * the shared memory, is the ivshmem server QEMU's ivshmem-doorbell device
 * connects to, answers the guest's VMRPC calls, and serves balloon-ctl on
 * a control socket. The parts are a library (vm.h, daemon.h); this is
 * only the command line.
 */
#include <stdio.h>

#include "daemon.h"
#include "options.h"
#include "zhostd.h"

int main(int argc, char **argv)
{
	char msg[ZHOSTD_OPTIONS_MSG_MAX];
	struct zhostd_options o;
	int status;

	switch (zhostd_options_parse(argc, argv, &o, msg, sizeof(msg))) {
	case ZHOSTD_OPTIONS_RUN:
		break;
	case ZHOSTD_OPTIONS_HELP:
		zhostd_usage(stdout);
		return 0;
	case ZHOSTD_OPTIONS_VERSION:
		printf("zhostd %s (VMRPC ABI %u.%u)\n", ZHOSTD_VERSION,
		       VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR);
		return 0;
	case ZHOSTD_OPTIONS_BAD:
		fprintf(stderr, "zhostd: %s (see --help)\n", msg);
		return 2;
	case ZHOSTD_OPTIONS_UNKNOWN:
		/* As getopt_long() says it: after the name it was run as. */
		fprintf(stderr, "%s: %s\n", argv[0], msg);
		zhostd_usage(stderr);
		return 2;
	case ZHOSTD_OPTIONS_NOMEM:
		fprintf(stderr, "zhostd: %s\n", msg);
		return 1;
	}
	status = zhostd_daemon_run(&o);
	zhostd_options_free(&o);
	return status;
}
