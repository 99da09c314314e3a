// SPDX-License-Identifier: GPL-2.0-only
/*
 * double_paging: the guest side of tests/bench/double-paging.sh, the same
 * in both configurations (stock guest RAM with a guest swap device, and
 * ZONE_HOST with host paging). It keeps a working set larger than the
 * memory the host allows the VM and checks every page it reads.
 *
 * Kernel command line:
 *   zonehost.dp_ws_mib=N   the working set, MiB (default 320)
 *   zonehost.dp_passes=N   sequential and random passes (default 2)
 *   zonehost.dp_swap=1     swapon /dev/vda first (the host made it a swap
 *                          area); 0: no guest swap (default 1)
 *
 * After "ready" it waits for the host to say "go" on the host channel
 * (tests/lib/guest/host_channel.h): the host first sets up what it
 * measures (and, for host paging, waits until the guest is in host mode).
 * Without the channel it starts at once. It fills the working set (every page written whole), then each pass
 * reads, checks and rewrites every page in order, then as many pages at
 * random (xorshift, fixed seed). It prints, for the host to collect:
 *
 *   double-paging: ready
 *   double-paging: phase NAME ms=MS
 *   double-paging: result ms=MS bad=N pswpin=N pswpout=N
 *
 * (pswpin and pswpout are the guest's /proc/vmstat deltas over the run),
 * and TAP: the data was intact.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <time.h>

#include "host_channel.h"
#include "kselftest.h"
#include "zone_host_util.h"

#define PAGE		4096UL
#define MAGIC		0x9e3779b97f4a7c15ULL

static uint8_t *mem;
static uint8_t *version;	/* per page: how often it was rewritten */
static size_t pages;
static size_t bad;

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t word(size_t page, uint8_t v, int end)
{
	return ((uint64_t)page << 9 | (uint64_t)v << 1 | (uint64_t)end) ^ MAGIC;
}

/* Write page @i whole: its words at both ends say which page and version. */
static void write_page(size_t i)
{
	uint64_t *p = (uint64_t *)(mem + i * PAGE);

	memset(p, (int)(i & 0xff), PAGE);
	p[0] = word(i, version[i], 0);
	p[PAGE / 8 - 1] = word(i, version[i], 1);
}

/* Check page @i, then rewrite it with the next version. */
static void touch(size_t i)
{
	uint64_t *p = (uint64_t *)(mem + i * PAGE);

	if (p[0] != word(i, version[i], 0) ||
	    p[PAGE / 8 - 1] != word(i, version[i], 1) ||
	    mem[i * PAGE + 8] != (uint8_t)(i & 0xff))
		bad++;
	version[i]++;
	p[0] = word(i, version[i], 0);
	p[PAGE / 8 - 1] = word(i, version[i], 1);
}

static void phase(const char *name, uint64_t t0)
{
	printf("double-paging: phase %s ms=%llu\n", name,
	       (unsigned long long)(now_ms() - t0));
	fflush(stdout);
}

int main(void)
{
	long long ws = cmdline_value("zonehost.dp_ws_mib=", 320);
	long long passes = cmdline_value("zonehost.dp_passes=", 2);
	long long swap = cmdline_value("zonehost.dp_swap=", 1);
	long long in0, out0;
	int chan = host_channel_open();
	uint64_t x = 88172645463325252ULL, t0, t;

	ksft_print_header();
	ksft_set_plan(1);
	if (ws < 1 || passes < 1)
		ksft_exit_fail_msg("bad zonehost.dp_ws_mib or dp_passes\n");
	if (swap && swapon("/dev/vda", 0))
		ksft_exit_fail_msg("swapon /dev/vda: %s\n", strerror(errno));
	pages = (size_t)ws * (1 << 20) / PAGE;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	version = calloc(pages, 1);
	if (mem == MAP_FAILED || !version)
		ksft_exit_fail_msg("cannot map %lld MiB\n", ws);
	printf("double-paging: ready ws_mib=%lld passes=%lld swap=%lld\n",
	       ws, passes, swap);
	fflush(stdout);
	if (chan >= 0 && host_channel_wait(chan, "go", 600 * 1000))
		ksft_exit_fail_msg("the host never said go\n");
	in0 = vmstat("pswpin");
	out0 = vmstat("pswpout");
	t0 = now_ms();
	t = t0;
	for (size_t i = 0; i < pages; i++)
		write_page(i);
	phase("fill", t);
	for (long long p = 0; p < passes; p++) {
		t = now_ms();
		for (size_t i = 0; i < pages; i++)
			touch(i);
		phase("sequential", t);
		t = now_ms();
		for (size_t n = 0; n < pages; n++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			touch((size_t)(x % pages));
		}
		phase("random", t);
	}
	/* A last sequential read checks every page's final version. */
	t = now_ms();
	for (size_t i = 0; i < pages; i++)
		touch(i);
	phase("check", t);
	printf("double-paging: result ms=%llu bad=%zu pswpin=%lld pswpout=%lld\n",
	       (unsigned long long)(now_ms() - t0), bad,
	       vmstat("pswpin") - in0, vmstat("pswpout") - out0);
	fflush(stdout);
	ksft_test_result(bad == 0, "every page read back as written (%zu bad of %zu)\n",
			 bad, pages);
	ksft_finished();
}
