// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_pattern: data in ZONE_HOST survives the host taking the memory
 * back. Guest side of tests/e2e/test-resize-pattern.sh.
 *
 * Writes a pattern (every 8-byte word holds its own address and a seed) into
 * an anonymous mapping of zonehost.pattern=MIB MiB, prints
 * "pattern-guest: written", then checks the whole pattern about once a
 * second while the host shrinks and grows the guest, until the host says
 * it is done (the host channel, tests/lib/vm.sh). Then it checks once more
 * and reports: the pattern is intact, pages were really migrated
 * (pgmigrate_success grew), and nothing was OOM-killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "host_channel.h"
#include "zone_host_util.h"

#define SEED		0x5a5aa5a5deadbeefULL
#define WAIT_S		900

/* Words that do not hold their pattern. */
static size_t check(const uint64_t *p, size_t words)
{
	size_t bad = 0;

	for (size_t i = 0; i < words; i++)
		if (p[i] != ((uint64_t)(uintptr_t)&p[i] ^ SEED))
			bad++;
	return bad;
}

int main(void)
{
	const size_t bytes = (size_t)cmdline_value("zonehost.pattern=", 256) << 20;
	const size_t words = bytes / sizeof(uint64_t);
	long long mig0, oom0, host0;
	size_t bad = 0, checks = 0;
	int i, host = host_channel_open();
	uint64_t *p;

	ksft_print_header();
	if (host < 0)
		ksft_exit_skip("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	ksft_set_plan(4);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		ksft_exit_fail_msg("mmap %zu MiB: %s\n", bytes >> 20, strerror(errno));
	mig0 = vmstat("pgmigrate_success");
	oom0 = vmstat("oom_kill");
	host0 = vmstat("pgalloc_host");
	for (size_t w = 0; w < words; w++)
		p[w] = (uint64_t)(uintptr_t)&p[w] ^ SEED;
	ksft_print_msg("%zu MiB written, %lld MiB of it from ZONE_HOST\n",
		       bytes >> 20, (vmstat("pgalloc_host") - host0) / 256);
	ksft_test_result(vmstat("pgalloc_host") - host0 > (long long)(bytes >> 13),
			 "most of the pattern landed in ZONE_HOST\n");
	printf("pattern-guest: written\n");
	fflush(stdout);

	for (i = 0; i < WAIT_S; i++) {
		bad += check(p, words);
		checks++;
		if (!host_channel_wait(host, "done", 1000))
			break;
	}
	/* Once more, after the host is done. */
	bad += check(p, words);
	checks++;
	ksft_print_msg("%zu checks of %zu MiB, %zu bad words; pgmigrate_success +%lld, oom_kill +%lld\n",
		       checks, bytes >> 20, bad, vmstat("pgmigrate_success") - mig0,
		       vmstat("oom_kill") - oom0);
	ksft_test_result(i < WAIT_S, "the host said it was done\n");
	ksft_test_result(!bad, "the pattern survived every shrink and grow\n");
	ksft_test_result(vmstat("pgmigrate_success") > mig0 &&
			 vmstat("oom_kill") == oom0,
			 "pages were migrated, nothing was OOM-killed\n");
	printf("pattern-guest: done\n");
	ksft_finished();
}
