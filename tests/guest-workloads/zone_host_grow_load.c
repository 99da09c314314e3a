// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_grow_load: a workload that outgrows the guest, for
 * tests/e2e/test-resize-ask.sh. It allocates and touches 16 MiB every
 * 250 ms up to zonehost.grow=MIB MiB (more than the guest had at boot),
 * with the provider asking the host for more as ZONE_HOST fills up. Then it
 * reports: it got all its memory, nothing was OOM-killed, the guest asked
 * and the requested size grew.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define SYSFS		"/sys/kernel/mm/zone_host"
#define CHUNK_MIB	16

int main(void)
{
	const long long goal = cmdline_value("zonehost.grow=", 448);
	long long req0, req1, asks, oom0, got = 0;
	char *p;

	ksft_print_header();
	ksft_set_plan(3);
	wait_plugged(600);
	req0 = read_ll(SYSFS "/requested_bytes");
	oom0 = vmstat("oom_kill");
	while (got < goal) {
		p = mmap(NULL, CHUNK_MIB << 20, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			break;
		memset(p, 0x33, CHUNK_MIB << 20);
		got += CHUNK_MIB;
		usleep(250000);
	}
	/* The host's last grant: plugged once the provider is done with it. */
	wait_plugged(600);
	req1 = read_ll(SYSFS "/requested_bytes");
	asks = read_ll(SYSFS "/stats/asks");
	ksft_print_msg("touched %lld of %lld MiB; requested %lld -> %lld MiB after %lld asks (%lld refused); plugged now %lld MiB\n",
		       got, goal, req0 >> 20, req1 >> 20, asks,
		       read_ll(SYSFS "/stats/asks_refused"),
		       (read_ll(SYSFS "/plugged_bytes") >> 20));
	ksft_test_result(got == goal, "the workload got all its %lld MiB\n", goal);
	ksft_test_result(vmstat("oom_kill") == oom0, "nothing was OOM-killed\n");
	ksft_test_result(asks > 0 && req1 > req0,
			 "the guest asked the host for more and got it\n");
	printf("grow-guest: done\n");
	ksft_finished();
}
