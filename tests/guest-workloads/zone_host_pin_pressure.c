// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_pin_pressure: the guest side of tests/e2e/test-pin-pressure.sh,
 * which runs the VM in a host memory cgroup smaller than the VM, with
 * swap on the host.
 *
 * It mlocks 32 MiB in ZONE_HOST and waits until the host pinned exactly
 * the subblocks holding it, then writes a pattern over a larger unlocked
 * region (zonehost.pressure_mib=, default 384) which pushes the host
 * cgroup past its limit; the host swaps out what it may. It prints which
 * subblocks hold each region:
 *
 *   zone-host-pin-pressure: locked SUBBLOCKS
 *   zone-host-pin-pressure: unlocked SUBBLOCKS
 *   zone-host-pin-pressure: ready
 *
 * (SUBBLOCKS as "FIRST-LAST,...") and waits for the host to look. When
 * the host says "done" it checks that both patterns survived, and reports
 * in TAP. The locked region is written first, so that without the pin it
 * would be the coldest memory and the first the host swaps out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host_channel.h"
#include "kselftest.h"
#include "zone_host_pagemap.h"
#include "zone_host_util.h"

#define PIN_DIR		"/sys/kernel/mm/zone_host/pin"
#define MIB		((size_t)1 << 20)
#define LOCK_MIB	32
#define PLUG_WAIT_S	120
#define PIN_WAIT_S	120
#define HOST_WAIT_MS	(600 * 1000)

/* A value per page that depends on the region and the page. */
static uint64_t pattern(uint64_t seed, size_t off)
{
	return (seed << 40) ^ (off / ZH_PAGE) ^ 0x5a5a0000;
}

static void fill(char *p, size_t len, uint64_t seed)
{
	for (size_t off = 0; off < len; off += ZH_PAGE)
		*(uint64_t *)(p + off) = pattern(seed, off);
}

/* Pages of [@p, +@len) whose pattern is not what fill() wrote. */
static size_t count_bad(const char *p, size_t len, uint64_t seed)
{
	size_t bad = 0;

	for (size_t off = 0; off < len; off += ZH_PAGE)
		bad += *(const uint64_t *)(p + off) != pattern(seed, off);
	return bad;
}

/* Print "zone-host-pin-pressure: WHAT SUBBLOCKS" for [@p, +@len). */
static long announce(const struct zh_geometry *g, const char *what,
		     const char *p, size_t len, unsigned char *sbs, long *pages)
{
	long n = zh_subblocks_of(g, p, len, sbs, pages);

	printf("zone-host-pin-pressure: %s ", what);
	zh_print_subblocks(stdout, sbs, g->nsbs);
	printf("\n");
	fflush(stdout);
	return n;
}

int main(void)
{
	size_t lock_len = LOCK_MIB * MIB, big_len;
	struct zh_geometry g;
	unsigned char *sbs;
	long n, pages, big_pages;
	long long pinned;
	char *locked, *big;
	int chan;

	ksft_print_header();
	if (access(PIN_DIR, F_OK))
		ksft_exit_skip("no %s: kernel without ZONE_HOST pinning\n", PIN_DIR);
	chan = host_channel_open();
	if (chan < 0)
		ksft_exit_skip("no host channel: run by tests/e2e/test-pin-pressure.sh\n");
	ksft_set_plan(4);
	if (wait_plugged(PLUG_WAIT_S * 10) || zh_geometry_read(&g))
		ksft_exit_fail_msg("ZONE_HOST was not plugged\n");
	sbs = calloc(g.nsbs, 1);
	big_len = cmdline_value("zonehost.pressure_mib=", 384) * MIB;
	locked = zh_map_region(lock_len);
	big = zh_map_region(big_len);
	if (!sbs || !locked || !big)
		ksft_exit_fail_msg("out of memory\n");

	fill(locked, lock_len, 1);
	if (mlock(locked, lock_len))
		ksft_exit_fail_msg("mlock %d MiB: %s\n", LOCK_MIB, strerror(errno));
	n = announce(&g, "locked", locked, lock_len, sbs, &pages);
	pinned = wait_ll(PIN_DIR "/pinned_bytes", n * g.sb_size, PIN_WAIT_S * 10);
	ksft_print_msg("mlocked %d MiB: %ld of %zu pages in ZONE_HOST over %ld subblocks; the host pinned %lld MiB\n",
		       LOCK_MIB, pages, lock_len / ZH_PAGE, n,
		       pinned / (long long)MIB);
	ksft_test_result(n > 0 && pages >= (long)(lock_len / ZH_PAGE) * 9 / 10 &&
			 pinned == n * g.sb_size,
			 "%d MiB mlocked in ZONE_HOST, the host pinned exactly its %ld subblocks\n",
			 LOCK_MIB, n);

	fill(big, big_len, 2);
	n = announce(&g, "unlocked", big, big_len, sbs, &big_pages);
	ksft_test_result(n > 0 && big_pages > (long)(big_len / ZH_PAGE) / 2,
			 "%zu MiB unlocked written, %ld pages in ZONE_HOST over %ld subblocks\n",
			 big_len / MIB, big_pages, n);
	printf("zone-host-pin-pressure: ready\n");
	fflush(stdout);

	if (host_channel_wait(chan, "done", HOST_WAIT_MS))
		ksft_print_msg("the host did not say done\n");
	ksft_test_result(!count_bad(locked, lock_len, 1),
			 "the locked region kept its pattern\n");
	ksft_test_result(!count_bad(big, big_len, 2),
			 "the unlocked region kept its pattern through the host's swap\n");
	munlock(locked, lock_len);
	ksft_finished();
}
