// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_wss_test: the working-set estimator's interface and the
 * kinds of memory it must see, inside the guest (tests/e2e/test-wss.sh).
 *
 *   - /sys/kernel/mm/zone_host/wss/ refuses bad settings and keeps the old
 *     ones; stopping it forgets everything, starting it starts over;
 *   - page cache read with read() and never mapped counts as accessed
 *     file memory (PG_idle, not page tables);
 *   - memory touched once ages: three windows later it is idle for 2 to 7
 *     windows (the writes may straddle a window's end);
 *   - mlocked memory counts as pinned.
 *
 * The window is 1 s here so that the test is short; sizes are 64 MiB so
 * that sampling noise stays well under the 20% the checks allow.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define WSS		"/sys/kernel/mm/zone_host/wss"
#define MIB		(1LL << 20)
#define SET		(64 * MIB)

static long page_size;

/* The idle histogram of a region: VMRPC_WSS_NR_AGES numbers. */
static int read_idle(const char *region, long long idle[8])
{
	char path[128];
	FILE *f;
	int n;

	snprintf(path, sizeof(path), WSS "/%s/idle_bytes", region);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%lld %lld %lld %lld %lld %lld %lld %lld", &idle[0],
		   &idle[1], &idle[2], &idle[3], &idle[4], &idle[5], &idle[6],
		   &idle[7]);
	fclose(f);
	return n == 8 ? 0 : -1;
}

/* Wait until @n more windows have ended; 0, or -1 after 60 s. */
static int windows(int n)
{
	long long w = read_ll(WSS "/windows");

	for (int i = 0; i < 600; i++) {
		if (read_ll(WSS "/windows") >= w + n)
			return 0;
		usleep(100000);
	}
	return -1;
}

static int near(long long v, long long want)
{
	return v >= want * 8 / 10 && v <= want * 12 / 10;
}

static void test_settings(void)
{
	long long w = read_ll(WSS "/window_ms");
	long long s = read_ll(WSS "/stride");
	int bad;

	bad = !write_str(WSS "/window_ms", "50") ||
	      !write_str(WSS "/window_ms", "3600001") ||
	      !write_str(WSS "/window_ms", "x") ||
	      !write_str(WSS "/stride", "65537") ||
	      !write_str(WSS "/enabled", "maybe");
	ksft_test_result(!bad && read_ll(WSS "/window_ms") == w &&
			 read_ll(WSS "/stride") == s,
			 "bad settings refused, old ones kept (window %lld ms, stride %lld)\n",
			 w, s);

	write_str(WSS "/enabled", "0");
	ksft_test_result(read_ll(WSS "/enabled") == 0 &&
			 read_ll(WSS "/windows") == 0 && read_ll(WSS "/valid") == 0 &&
			 read_ll(WSS "/guest/samples") == 0,
			 "stopped: no windows, no samples, not valid\n");
	write_str(WSS "/enabled", "1");
	ksft_test_result(!windows(2) && read_ll(WSS "/valid") == 1 &&
			 read_ll(WSS "/guest/samples") > 0 &&
			 read_ll(WSS "/guest/size_bytes") > 0,
			 "started again: valid after two windows, %lld samples\n",
			 read_ll(WSS "/guest/samples"));
}

/* Page cache nobody maps, read with pread() every 200 ms for 3 windows. */
static void test_unmapped_page_cache(void)
{
	int fd = memfd_create("wss-file", 0);
	char *buf = malloc(page_size);
	long long base, got = -1;

	if (fd < 0 || !buf || ftruncate(fd, SET)) {
		ksft_test_result_fail("memfd: %s\n", strerror(errno));
		goto out;
	}
	memset(buf, 1, page_size);
	for (long long off = 0; off < SET; off += page_size)
		if (pwrite(fd, buf, page_size, off) != page_size) {
			ksft_test_result_fail("pwrite: %s\n", strerror(errno));
			goto out;
		}
	windows(3);		/* the writes are old news */
	base = read_ll(WSS "/guest/file_bytes");
	long long w = read_ll(WSS "/windows");

	while (read_ll(WSS "/windows") < w + 3) {
		for (long long off = 0; off < SET; off += page_size)
			if (pread(fd, buf, page_size, off) != page_size)
				break;
		usleep(200000);
	}
	got = read_ll(WSS "/guest/file_bytes") - base;
	ksft_test_result(near(got, SET),
			 "64 MiB of page cache read with pread(): %lld MiB more accessed file memory\n",
			 got / MIB);
out:
	free(buf);
	if (fd >= 0)
		close(fd);
}

/*
 * Memory touched once, then left alone: from the third window after the
 * one that saw the writes it must be idle for 2 to 7 windows. It lands in
 * ZONE_HOST, where nothing else of the guest ages beside it (guest-wide,
 * the initramfs' page cache moving between age buckets hid part of it on
 * a busy machine), and the check waits for the windows, up to the fifth,
 * rather than reading once: windows stretch under load.
 */
static void test_ageing(void)
{
	long long before[8], after[8], aged = 0, w;
	char *p = mmap(NULL, SET, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int n;

	if (p == MAP_FAILED || read_idle("host", before)) {
		ksft_test_result_fail("mmap or idle_bytes: %s\n", strerror(errno));
		return;
	}
	for (long long off = 0; off < SET; off += page_size)
		p[off] = 1;
	windows(1);		/* the window that saw the writes */
	w = read_ll(WSS "/windows");
	for (n = 3; n <= 5; n++) {
		if (windows((int)(w + n - read_ll(WSS "/windows"))) ||
		    read_idle("host", after))
			break;
		/* Idle for less than 8 windows, not less than 2. */
		aged = (after[3] - after[1]) - (before[3] - before[1]);
		if (near(aged, SET))
			break;
	}
	ksft_test_result(near(aged, SET),
			 "64 MiB touched once: %lld MiB idle for 2-7 windows after %d windows\n",
			 aged / MIB, n > 5 ? 5 : n);
	munmap(p, SET);
}

static void test_pinned(void)
{
	long long base = read_ll(WSS "/guest/pinned_bytes"), got;
	char *p = mmap(NULL, SET, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || mlock(p, SET)) {
		ksft_test_result_fail("mmap, mlock: %s\n", strerror(errno));
		return;
	}
	windows(2);
	got = read_ll(WSS "/guest/pinned_bytes") - base;
	ksft_test_result(near(got, SET), "64 MiB mlocked: %lld MiB more pinned\n",
			 got / MIB);
	munlock(p, SET);
	munmap(p, SET);
}

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	ksft_print_header();
	ksft_set_plan(6);
	if (read_ll(WSS "/enabled") < 0)
		ksft_exit_skip("no %s: CONFIG_ZONE_HOST_WSS is off\n", WSS);
	if (wss_configure(1000, 0))
		ksft_exit_fail_msg("cannot set the estimator up\n");
	test_settings();
	test_unmapped_page_cache();
	test_ageing();
	test_pinned();
	ksft_finished();
}
