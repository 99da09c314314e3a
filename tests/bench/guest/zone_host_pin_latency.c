// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_pin_latency: the guest side of tests/bench/pin.sh. How long
 * one read of a page of a 32 MiB working set takes while the host is
 * short of memory.
 *
 * The kernel command line says zonehost.pin_lat=MODE,PASSES,HOG_MIB[,gate]:
 * MODE "mlock" mlocks the working set (zonehost pins it on the host),
 * "plain" does not. The program writes the working set, then a hog region
 * of HOG_MIB, both in ZONE_HOST. Each pass writes the whole hog region
 * once, which in a host cgroup smaller than the VM pushes whatever the
 * host may swap out of memory, then reads the working set page by page,
 * timing each read with clock_gettime(). It prints per pass and over all
 * passes the percentiles of those times:
 *
 *   zone-host-pin-lat: pass N p50_ns A p99_ns B max_ns C over_2us D
 *	over_10us E over_100us F reads_ns G
 *   zone-host-pin-lat: result mode MODE p50_ns A p99_ns B p999_ns C max_ns D
 *	samples N zone_host_pct P pinned_mib M
 *
 * and then waits for "done" on the host channel, so that the host can
 * read what QEMU and zhostd lock while the guest still holds it.
 *
 * With "gate", the host records QEMU's page faults during the reads only:
 * before each pass's reads the program prints "reading N" and waits for
 * "go" on the host channel, then prints "start N" right before the reads
 * and "read N" right after them, and waits for "go" again: the host
 * records between the two "go"s and finds the reads between the two
 * lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "host_channel.h"
#include "zone_host_pagemap.h"
#include "zone_host_util.h"

#define MIB		((size_t)1 << 20)
#define WS_MIB		32
#define PLUG_WAIT_S	120
#define PIN_WAIT_S	120
#define HOST_WAIT_MS	(600 * 1000)
#define TAG		"zone-host-pin-lat: "
#define PIN_DIR		"/sys/kernel/mm/zone_host/pin"
/* With "gate": reads slower than this are listed, at most SLOW_MAX a pass. */
#define SLOW_NS		5000
#define SLOW_MAX	4096

static void write_pages(char *p, size_t len, uint64_t v)
{
	for (size_t off = 0; off < len; off += ZH_PAGE)
		*(volatile uint64_t *)(p + off) = v + off;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The @per_mille'th value of sorted @v (@n > 0). */
static uint64_t pct(const uint64_t *v, size_t n, unsigned int per_mille)
{
	size_t i = n * per_mille / 1000;

	return v[i < n ? i : n - 1];
}

/*
 * Time one read of each page of @ws into @t, and when each began, in ns
 * after @base, into @at.
 */
static void timed_pass(const char *ws, size_t len, uint64_t *t, uint64_t *at,
		       uint64_t base)
{
	for (size_t off = 0, i = 0; off < len; off += ZH_PAGE, i++) {
		uint64_t t0 = now_ns();

		(void)*(const volatile uint64_t *)(ws + off);
		t[i] = now_ns() - t0;
		at[i] = t0 - base;
	}
}

/*
 * One byte to the console: the serial driver puts it into the idle UART
 * within this write(), and QEMU writes it to its console file at once,
 * from the vCPU thread, so the host sees to a few microseconds where the
 * reads begin and end. A CR, which the console's readers drop. Only
 * while nothing else is on its way out (tcdrain() before).
 */
static void console_mark(void)
{
	if (write(STDOUT_FILENO, "\r", 1) != 1)
		printf(TAG "error console mark: %s\n", strerror(errno));
}

/* With "gate": each read of pass @p slower than SLOW_NS, "AT:NS" a word. */
static void print_slow(size_t p, const uint64_t *t, const uint64_t *at,
		       size_t n)
{
	size_t listed = 0, on_line = 0;

	for (size_t i = 0; i < n && listed < SLOW_MAX; i++) {
		if (t[i] <= SLOW_NS)
			continue;
		if (!on_line)
			printf(TAG "slow %zu", p);
		printf(" %llu:%llu", (unsigned long long)at[i],
		       (unsigned long long)t[i]);
		listed++;
		if (++on_line == 16) {
			printf("\n");
			on_line = 0;
		}
	}
	if (on_line)
		printf("\n");
	printf(TAG "slow-end %zu listed %zu\n", p, listed);
	fflush(stdout);
}

/* Reads of sorted @t (@n values) that took more than @ns. */
static size_t over(const uint64_t *t, size_t n, uint64_t ns)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid] > ns)
			hi = mid;
		else
			lo = mid + 1;
	}
	return n - lo;
}

/* With @gate, say @what pass @p and wait for the host's "go". */
static int host_gate(bool gate, int chan, const char *what, size_t p)
{
	if (!gate)
		return 0;
	printf(TAG "%s %zu\n", what, p);
	fflush(stdout);
	/*
	 * Look every millisecond, not host_channel_wait()'s 100: the host
	 * records while the guest waits here, and the reads are what it
	 * measures.
	 */
	for (long long us = 0; chan >= 0 && us < HOST_WAIT_MS * 1000; us += 1000) {
		int r = host_channel_poll(chan, "go");

		if (r > 0)
			return 0;
		if (r < 0)
			break;
		usleep(1000);
	}
	printf(TAG "error the host did not say go after %s %zu\n", what, p);
	fflush(stdout);
	return -1;
}

static int fail(const char *what)
{
	printf(TAG "error %s: %s\n", what, strerror(errno));
	fflush(stdout);
	return 1;
}

int main(void)
{
	char arg[64], mode[16] = "plain", gate_word[8] = "";
	size_t ws_len = WS_MIB * MIB, hog_len, per, passes = 6, hog_mib = 384;
	struct zh_geometry g;
	unsigned char *sbs;
	uint64_t *all, *at, *t, t0;
	long n = 0, pages = 0;
	long long pinned = 0;
	char *ws, *hog;
	bool lock, gate;
	int chan = host_channel_open();

	cmdline_string("zonehost.pin_lat=", "plain,6,384", arg, sizeof(arg));
	if (sscanf(arg, "%15[a-z],%zu,%zu,%7s", mode, &passes, &hog_mib,
		   gate_word) < 1 || !passes || passes > 1000 ||
	    hog_mib > 65536 || (*gate_word && strcmp(gate_word, "gate"))) {
		printf(TAG "error bad zonehost.pin_lat=%s\n", arg);
		return 1;
	}
	lock = !strcmp(mode, "mlock");
	gate = !strcmp(gate_word, "gate");
	hog_len = hog_mib * MIB;
	per = ws_len / ZH_PAGE;
	if (wait_plugged(PLUG_WAIT_S * 10) || zh_geometry_read(&g)) {
		printf(TAG "error ZONE_HOST was not plugged\n");
		return 1;
	}
	sbs = calloc(g.nsbs, 1);
	all = calloc(per * passes, sizeof(*all));
	at = calloc(per, sizeof(*at));
	ws = zh_map_region(ws_len);
	hog = zh_map_region(hog_len);
	if (!sbs || !all || !at || !ws || !hog)
		return fail("memory");
	write_pages(ws, ws_len, 1);
	if (lock && mlock(ws, ws_len))
		return fail("mlock");
	n = zh_subblocks_of(&g, ws, ws_len, sbs, &pages);
	if (lock && !access(PIN_DIR, F_OK))
		pinned = wait_ll(PIN_DIR "/pinned_bytes", n * g.sb_size,
				 PIN_WAIT_S * 10);
	write_pages(hog, hog_len, 2);
	printf(TAG "start mode %s ws_mib %d hog_mib %zu passes %zu subblocks %ld\n",
	       mode, WS_MIB, hog_mib, passes, n);
	fflush(stdout);

	for (size_t p = 0; p < passes; p++) {
		write_pages(hog, hog_len, 3 + p);
		t = all + p * per;
		if (host_gate(gate, chan, "reading", p + 1))
			return 1;
		if (gate) {
			printf(TAG "start %zu\n", p + 1);
			fflush(stdout);
			tcdrain(STDOUT_FILENO);
			console_mark();
		}
		t0 = now_ns();
		timed_pass(ws, ws_len, t, at, t0);
		t0 = now_ns() - t0;
		if (gate)
			console_mark();
		if (host_gate(gate, chan, "read", p + 1))
			return 1;
		if (gate)
			print_slow(p + 1, t, at, per);
		qsort(t, per, sizeof(*t), cmp_u64);
		printf(TAG "pass %zu p50_ns %llu p99_ns %llu max_ns %llu over_2us %zu over_10us %zu over_100us %zu reads_ns %llu\n",
		       p + 1, (unsigned long long)pct(t, per, 500),
		       (unsigned long long)pct(t, per, 990),
		       (unsigned long long)t[per - 1], over(t, per, 2000),
		       over(t, per, 10000), over(t, per, 100000),
		       (unsigned long long)t0);
		fflush(stdout);
	}
	qsort(all, per * passes, sizeof(*all), cmp_u64);
	printf(TAG "result mode %s p50_ns %llu p99_ns %llu p999_ns %llu max_ns %llu samples %zu zone_host_pct %ld pinned_mib %lld\n",
	       mode, (unsigned long long)pct(all, per * passes, 500),
	       (unsigned long long)pct(all, per * passes, 990),
	       (unsigned long long)pct(all, per * passes, 999),
	       (unsigned long long)all[per * passes - 1], per * passes,
	       pages * 100 / (long)per, pinned / (long long)MIB);
	fflush(stdout);
	if (chan >= 0 && host_channel_wait(chan, "done", HOST_WAIT_MS))
		printf(TAG "the host did not say done\n");
	return 0;
}
