// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_pin_test: a guest mlock() pins the host memory behind it
 * (zhost-run -H SIZE -Z --max-pinned=SIZE; tests/e2e/test-pin.sh).
 *
 * Each step mlocks memory that lands in ZONE_HOST, finds through
 * /proc/self/pagemap which subblocks hold it, and waits until
 * /sys/kernel/mm/zone_host/pin/ says exactly those subblocks are wanted
 * and pinned by the host; then undoes it and waits for the count to
 * return. Steps: mlock and munlock, a shrink by the host below what the
 * pins allow, a process that exits with its pages
 * mlocked, mlockall(MCL_FUTURE) faults, MCL_ONFAULT (only touched pages
 * count), compaction moving mlocked pages, a pin beyond the host's
 * ceiling (the shortfall is shown and mlock() still succeeds), and a
 * long-term pin (io_uring fixed buffers), which must migrate its pages
 * out of ZONE_HOST.
 *
 * Where the host checks its side (zhostd's locked memory, balloon-ctl),
 * the program prints "zone-host-pin: STEP N" with the number of subblocks
 * and waits for the host to send "STEP" on the host channel; with no host
 * channel it goes on at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/io_uring.h>

#include "host_channel.h"
#include "kselftest.h"
#include "zone_host_pagemap.h"
#include "zone_host_util.h"

#define SYSFS		"/sys/kernel/mm/zone_host"
#define PIN		SYSFS "/pin"
#define MIB		((size_t)1 << 20)
#define LOCK_MIB	32
#define PLUG_WAIT_S	120
#define PIN_WAIT_S	60
#define HOST_WAIT_MS	(300 * 1000)

static struct zh_geometry geo;
static int chan = -1;

/* The subblocks holding [@p, @p + @len); see zh_subblocks_of(). */
static long count_subblocks(const char *p, size_t len, unsigned char *sbs,
			    long *pages)
{
	return zh_subblocks_of(&geo, p, len, sbs, pages);
}

static long long pin_bytes(const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), PIN "/%s", file);
	return read_ll(path);
}

/* Wait until pin/@file reads @want; the last value read otherwise. */
static long long wait_pin(const char *file, long long want)
{
	long long v = -1;

	for (int i = 0; i < PIN_WAIT_S * 10; i++) {
		v = pin_bytes(file);
		if (v == want)
			break;
		usleep(100000);
	}
	return v;
}

/* Tell the host what to check and wait until it has. */
static void host_step(const char *step, long nsb)
{
	printf("zone-host-pin: %s %ld\n", step, nsb);
	fflush(stdout);
	if (chan >= 0 && host_channel_wait(chan, step, HOST_WAIT_MS))
		ksft_print_msg("the host did not answer %s\n", step);
}

static char *map_touch(size_t len, bool touch)
{
	char *p = zh_map_region(len);

	if (p && touch)
		for (size_t off = 0; off < len; off += ZH_PAGE)
			p[off] = (char)off | 1;
	return p;
}

/*
 * Check that exactly the subblocks holding [@p, +@len) are wanted and
 * pinned, on top of @base_sb already wanted. Returns that number of
 * subblocks, or -1.
 */
static long check_pinned(const char *what, const char *p, size_t len,
			 unsigned char *sbs, long base_sb,
			 long long sb_size)
{
	long pages, n = count_subblocks(p, len, sbs, &pages);
	long long want = (n + base_sb) * sb_size;
	long long wanted = wait_pin("wanted_bytes", want);
	long long pinned = wait_pin("pinned_bytes", want);

	ksft_print_msg("%s: %ld pages in ZONE_HOST over %ld subblocks; wanted %lld MiB, pinned %lld MiB\n",
		       what, pages, n, wanted / (long long)MIB,
		       pinned / (long long)MIB);
	if (n <= 0 || pages < (long)(len / ZH_PAGE) / 2 || wanted != want ||
	    pinned != want)
		return -1;
	return n;
}

/* Wait until pin/@file reads more than @floor; the last value read. */
static long long wait_pin_above(const char *file, long long floor)
{
	long long v = -1;

	for (int i = 0; i < PIN_WAIT_S * 10; i++) {
		v = pin_bytes(file);
		if (v > floor)
			break;
		usleep(100000);
	}
	return v;
}

static bool back_to(long long base_bytes)
{
	return wait_pin("wanted_bytes", base_bytes) == base_bytes &&
	       wait_pin("pinned_bytes", base_bytes) == base_bytes;
}

static void test_mlock(unsigned char *sbs, long long sb_size)
{
	size_t len = LOCK_MIB * MIB;
	char *p = map_touch(len, true);
	long n;

	if (!p || mlock(p, len)) {
		ksft_test_result_fail("mlock %d MiB: %s\n", LOCK_MIB, strerror(errno));
		return;
	}
	n = check_pinned("mlock", p, len, sbs, 0, sb_size);
	ksft_test_result(n > 0, "mlock of %d MiB pins exactly its subblocks\n",
			 LOCK_MIB);
	host_step("locked", n);
	munlock(p, len);
	ksft_test_result(back_to(0), "munlock unpins them\n");
	host_step("unlocked", 0);
	munmap(p, len);
}

/*
 * The host shrinks the guest below what its pins allow: the pinned
 * subblocks stay plugged and pinned, and the resize says "pinned".
 */
static void test_shrink(unsigned char *sbs, long long sb_size)
{
	size_t len = 48 * MIB;
	char *p = map_touch(len, true);
	long n;

	if (!p || mlock(p, len)) {
		ksft_test_result_fail("mlock: %s\n", strerror(errno));
		return;
	}
	n = check_pinned("before the shrink", p, len, sbs, 0, sb_size);
	host_step("shrink", n);
	n = check_pinned("after the shrink", p, len, sbs, 0, sb_size);
	ksft_print_msg("after the shrink: plugged %lld MiB, reason %s\n",
		       read_ll(SYSFS "/plugged_bytes") / (long long)MIB,
		       "see " SYSFS "/reason");
	ksft_test_result(n > 0 && read_ll(SYSFS "/plugged_bytes") >= n * sb_size,
			 "a shrink leaves the pinned subblocks plugged and pinned\n");
	munlock(p, len);
	munmap(p, len);
	ksft_test_result(back_to(0), "and they unpin after munlock\n");
	host_step("shrink-done", 0);
}

static void test_exit(unsigned char *sbs, long long sb_size)
{
	size_t len = LOCK_MIB * MIB;
	int go[2], done[2], st;
	long n = -1;
	pid_t pid;

	if (pipe(go) || pipe(done))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = fork();
	if (pid == 0) {
		char *p = map_touch(len, true);
		char c;

		close(go[1]);
		close(done[0]);
		if (p && !mlock(p, len))
			n = check_pinned("child", p, len, sbs, 0, sb_size);
		/* Tell the parent what is pinned, then wait to exit. */
		if (write(done[1], &n, sizeof(n)) != sizeof(n) ||
		    read(go[0], &c, 1) < 0)
			_exit(1);
		_exit(n > 0 ? 0 : 2);
	}
	close(go[0]);
	close(done[1]);
	/* The child checked its pins; the host looks, then it exits. */
	if (read(done[0], &n, sizeof(n)) != sizeof(n))
		n = -1;
	host_step("child-locked", n);
	close(go[1]);
	close(done[0]);
	waitpid(pid, &st, 0);
	ksft_test_result(WIFEXITED(st) && !WEXITSTATUS(st),
			 "a process's mlocked pages are pinned\n");
	ksft_test_result(back_to(0), "its exit unpins them\n");
	host_step("child-exited", 0);
}

static void test_mcl(unsigned char *sbs, int flags,
		     const char *name)
{
	size_t len = 16 * MIB, touched = flags & MCL_ONFAULT ? 4 * MIB : len;
	long long mlocked0 = pin_bytes("mlocked_bytes");
	long pages, n;
	char *p;
	bool ok;

	if (mlockall(flags)) {
		ksft_test_result_fail("mlockall(%s): %s\n", name, strerror(errno));
		return;
	}
	/* Mapped after the call: only MCL_FUTURE locks it. */
	p = map_touch(len, false);
	if (!p) {
		munlockall();
		ksft_test_result_fail("mmap: %s\n", strerror(errno));
		return;
	}
	for (size_t off = 0; off < touched; off += ZH_PAGE)
		p[off] = 1;
	n = count_subblocks(p, len, sbs, &pages);
	/* With MCL_ONFAULT only the touched pages are there and mlocked. */
	ok = pages > 0 && pages <= (long)(touched / ZH_PAGE);
	ok = ok && pin_bytes("mlocked_bytes") >= mlocked0 + pages * (long long)ZH_PAGE;
	ok = ok && wait_pin_above("pinned_bytes", 0) > 0;
	ksft_print_msg("%s: %ld of %zu touched pages in ZONE_HOST over %ld subblocks; mlocked %lld MiB, pinned %lld MiB\n",
		       name, pages, touched / ZH_PAGE, n,
		       pin_bytes("mlocked_bytes") / (long long)MIB,
		       pin_bytes("pinned_bytes") / (long long)MIB);
	munlockall();
	munmap(p, len);
	ksft_test_result(ok && back_to(0),
			 "mlockall(%s): pages faulted in later are pinned, and unpinned after munlockall\n",
			 name);
}

/* Compaction migrates mlocked pages: the pins must follow them. */
static void test_migration(unsigned char *sbs, long long sb_size)
{
	size_t len = LOCK_MIB * MIB;
	char *p = map_touch(len, true);
	long long moved0 = vmstat("pgmigrate_success");
	long n;

	if (!p || mlock(p, len)) {
		ksft_test_result_fail("mlock: %s\n", strerror(errno));
		return;
	}
	write_str("/proc/sys/vm/compact_unevictable_allowed", "1");
	write_str("/proc/sys/vm/compact_memory", "1");
	n = check_pinned("after compaction", p, len, sbs, 0, sb_size);
	ksft_print_msg("compaction migrated %lld pages\n",
		       vmstat("pgmigrate_success") - moved0);
	ksft_test_result(n > 0,
			 "after compaction the pins are exactly the subblocks the mlocked pages are in now\n");
	munlock(p, len);
	munmap(p, len);
	ksft_test_result(back_to(0), "and munlock unpins them all\n");
}

/* The host pins up to its ceiling; mlock() succeeds and the rest shows. */
static void test_ceiling(unsigned char *sbs, long long sb_size,
			 long long ceiling)
{
	size_t len = (size_t)ceiling + 32 * MIB;
	char *p = map_touch(len, true);
	long pages, n;
	long long pinned, shortfall;

	if (!p) {
		ksft_test_result_fail("mmap: %s\n", strerror(errno));
		return;
	}
	ksft_test_result(!mlock(p, len),
			 "mlock of %zu MiB beyond the host's ceiling of %lld MiB succeeds\n",
			 len / MIB, ceiling / (long long)MIB);
	n = count_subblocks(p, len, sbs, &pages);
	wait_pin("wanted_bytes", n * sb_size);
	for (int i = 0; i < PIN_WAIT_S * 10; i++) {
		if (pin_bytes("pinned_bytes") + pin_bytes("shortfall_bytes") ==
		    n * sb_size)
			break;
		usleep(100000);
	}
	pinned = pin_bytes("pinned_bytes");
	shortfall = pin_bytes("shortfall_bytes");
	ksft_print_msg("ceiling: %ld subblocks wanted; pinned %lld MiB, shortfall %lld MiB (%s)\n",
		       n, pinned / (long long)MIB, shortfall / (long long)MIB,
		       "see pin/last_refusal");
	ksft_test_result(pinned <= ceiling && pinned > 0 && shortfall > 0 &&
			 pinned + shortfall == n * sb_size,
			 "the host pins up to its ceiling and the guest shows the shortfall\n");
	host_step("short", shortfall / sb_size);
	munlock(p, len);
	munmap(p, len);
	ksft_test_result(back_to(0) && pin_bytes("shortfall_bytes") == 0,
			 "munlock clears the pins and the shortfall\n");
}

/*
 * io_uring fixed buffers pin their pages long-term (FOLL_LONGTERM): such
 * pages must not stay in ZONE_HOST, which must stay movable.
 */
static void test_longterm(unsigned char *sbs)
{
	struct io_uring_params prm = { 0 };
	size_t len = 8 * MIB;
	char *p = map_touch(len, true);
	struct iovec iov = { p, len };
	long before, after, n;
	int ring;

	if (!p) {
		ksft_test_result_fail("mmap: %s\n", strerror(errno));
		return;
	}
	n = count_subblocks(p, len, sbs, &before);
	ring = syscall(__NR_io_uring_setup, 4, &prm);
	if (ring < 0) {
		ksft_test_result_skip("io_uring: %s\n", strerror(errno));
		munmap(p, len);
		return;
	}
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS,
		    &iov, 1)) {
		ksft_test_result_fail("IORING_REGISTER_BUFFERS: %s\n",
				      strerror(errno));
		close(ring);
		munmap(p, len);
		return;
	}
	n = count_subblocks(p, len, sbs, &after);
	ksft_print_msg("io_uring fixed buffer: %ld of %zu pages in ZONE_HOST before, %ld after (%ld subblocks)\n",
		       before, len / ZH_PAGE, after, n);
	ksft_test_result(before > 0 && after == 0,
			 "a long-term pin (io_uring fixed buffer) moves its pages out of ZONE_HOST\n");
	syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS,
		NULL, 0);
	close(ring);
	munmap(p, len);
}

int main(void)
{
	long long sb_size, ceiling;
	unsigned char *sbs;

	ksft_print_header();
	ksft_set_plan(16);
	if (access(PIN, F_OK))
		ksft_exit_skip("no %s: kernel without ZONE_HOST pinning\n", PIN);
	if (wait_plugged(PLUG_WAIT_S * 10) || zh_geometry_read(&geo))
		ksft_exit_fail_msg("ZONE_HOST was not plugged\n");
	sb_size = geo.sb_size;
	sbs = calloc(geo.nsbs, 1);
	if (!sbs)
		ksft_exit_fail_msg("calloc\n");
	ceiling = cmdline_value("zonehost.pin_ceiling_mib=", 64) * (long long)MIB;
	chan = host_channel_open();
	if (wait_pin("enabled", 1) != 1)
		ksft_exit_fail_msg("pinning is not enabled: %s/enabled\n", PIN);
	ksft_test_result(back_to(0), "nothing is pinned at the start\n");

	test_mlock(sbs, sb_size);
	test_shrink(sbs, sb_size);
	test_exit(sbs, sb_size);
	test_mcl(sbs, MCL_CURRENT | MCL_FUTURE, "MCL_FUTURE");
	test_mcl(sbs, MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT,
		 "MCL_ONFAULT");
	test_migration(sbs, sb_size);
	test_ceiling(sbs, sb_size, ceiling);
	test_longterm(sbs);
	ksft_test_result(read_ll(PIN "/underflows") == 0,
			 "no mlock count went below zero\n");
	ksft_finished();
}
