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
 *   zonehost.dp_swap=DEV   swapon DEV first (default /dev/vda, which the
 *                          host made a swap area; a device without a swap
 *                          signature, such as /dev/ram0, gets mkswap);
 *                          none: no guest swap
 *   zonehost.dp_fallback=N write N to the host paging fallback_priority
 *                          first (-1: reclaim never writes ZONE_HOST to
 *                          the guest's swap, even under severe pressure)
 *
 * After "ready" it waits for the host to say "go" on the host channel
 * (tests/lib/guest/host_channel.h): the host first sets up what it
 * measures (and, for host paging, waits until the guest is in host mode).
 * Without the channel it starts at once; with it, it waits for "done"
 * after its result, so that the host can still ask zhostd. It fills the working set (every page written whole), then each pass
 * reads, checks and rewrites every page in order, then as many pages at
 * random (xorshift, fixed seed). It prints, for the host to collect:
 *
 *   double-paging: ready ws_mib=N passes=N swap=DEV paging=yes|no
 *   double-paging: phase NAME ms=MS
 *   double-paging: paging mode=M reason=R kept=N guest_swapped=N hinted=N
 *                  hint_calls=N dropped=N
 *   double-paging: result ms=MS bad=N pswpin=N pswpout=N
 *
 * (pswpin and pswpout are the guest's /proc/vmstat deltas over the run;
 * the paging line is /sys/kernel/mm/zone_host/paging/, or "paging none"
 * without it), and TAP: the data was intact.
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
#define PAGING_DIR	"/sys/kernel/mm/zone_host/paging"

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

/* The guest's side of host paging, as its sysfs says, on one line. */
static void print_paging(void)
{
	static const char *const files[] = {
		"mode", "reason", "kept", "guest_swapped", "hinted",
		"hint_calls", "dropped",
	};
	char path[128], buf[32];
	FILE *f;

	if (access(PAGING_DIR, F_OK)) {
		printf("double-paging: paging none\n");
		return;
	}
	printf("double-paging: paging");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), PAGING_DIR "/%s", files[i]);
		f = fopen(path, "r");
		if (!f || !fgets(buf, sizeof(buf), f))
			strcpy(buf, "?");
		if (f)
			fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		printf(" %s=%s", files[i], buf);
	}
	printf("\n");
}

/* swapon @dev, giving it a swap signature first when it has none. */
static int swap_on(const char *dev)
{
	char cmd[160];

	if (!swapon(dev, 0))
		return 0;
	if (errno != EINVAL)
		return -1;
	snprintf(cmd, sizeof(cmd), "mkswap %s >/dev/null", dev);
	if (system(cmd))
		return -1;
	return swapon(dev, 0);
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
	char swap[64], fallback[16];
	long long in0, out0;
	int chan = host_channel_open();
	uint64_t x = 88172645463325252ULL, t0, t;

	cmdline_string("zonehost.dp_swap=", "/dev/vda", swap, sizeof(swap));
	ksft_print_header();
	ksft_set_plan(1);
	if (ws < 1 || passes < 1)
		ksft_exit_fail_msg("bad zonehost.dp_ws_mib or dp_passes\n");
	if (strcmp(swap, "none") && swap_on(swap))
		ksft_exit_fail_msg("swapon %s: %s\n", swap, strerror(errno));
	cmdline_string("zonehost.dp_fallback=", "", fallback, sizeof(fallback));
	if (fallback[0] &&
	    write_str(PAGING_DIR "/fallback_priority", fallback))
		ksft_exit_fail_msg("fallback_priority %s: %s\n", fallback,
				   strerror(errno));
	pages = (size_t)ws * (1 << 20) / PAGE;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	version = calloc(pages, 1);
	if (mem == MAP_FAILED || !version)
		ksft_exit_fail_msg("cannot map %lld MiB\n", ws);
	printf("double-paging: ready ws_mib=%lld passes=%lld swap=%s paging=%s\n",
	       ws, passes, swap, access(PAGING_DIR, F_OK) ? "no" : "yes");
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
	print_paging();
	printf("double-paging: result ms=%llu bad=%zu pswpin=%lld pswpout=%lld\n",
	       (unsigned long long)(now_ms() - t0), bad,
	       vmstat("pswpin") - in0, vmstat("pswpout") - out0);
	fflush(stdout);
	ksft_test_result(bad == 0, "every page read back as written (%zu bad of %zu)\n",
			 bad, pages);
	if (chan >= 0 && host_channel_wait(chan, "done", 600 * 1000))
		ksft_print_msg("the host never said done\n");
	ksft_finished();
}
