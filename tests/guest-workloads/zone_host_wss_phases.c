// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_wss_phases: a workload whose working set moves, for the
 * automatic policy (tests/e2e/test-wss-policy.sh, make demo).
 *
 * zonehost.phases=MIB:SECONDS,... (default "100:40,600:60,100:150") lists
 * phases: the working set goes to MIB MiB and stays there for SECONDS,
 * every byte of it written once a second. It grows and shrinks in 16 MiB
 * chunks, growing by at most zonehost.ramp= MiB per second (default 50),
 * so the host has to keep up. Each phase prints a "wss-phase:" line with
 * the guest's size when it began. zonehost.linger=SECONDS (default 0) keeps
 * the last working set that long after "wss-phase: done", so that the host
 * can read its history before the guest powers off.
 *
 * The estimator gets a 2 s window (zonehost.wss_window= sets another).
 *
 * It reports: every chunk could be allocated, nothing was OOM-killed, and
 * ZONE_HOST served at least the part of the largest working set that the
 * guest's own RAM could not hold (pgalloc_host). The guest has no swap
 * device, so "nothing swapped" could not fail; this can.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define CHUNK_MIB	16
#define MAX_CHUNKS	4096

static char *chunks[MAX_CHUNKS];
static int nr_chunks, max_chunks;
static long page_size;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void touch_all(void)
{
	static unsigned char gen;

	gen++;
	for (int i = 0; i < nr_chunks; i++)
		for (long off = 0; off < (CHUNK_MIB << 20); off += page_size)
			chunks[i][off] = gen;
}

/* One chunk more; 0, or -1 when mmap failed. */
static int grow_one(void)
{
	char *p;

	if (nr_chunks == MAX_CHUNKS)
		return -1;
	p = mmap(NULL, CHUNK_MIB << 20, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	chunks[nr_chunks++] = p;
	if (nr_chunks > max_chunks)
		max_chunks = nr_chunks;
	return 0;
}

static void shrink_one(void)
{
	munmap(chunks[--nr_chunks], CHUNK_MIB << 20);
}

/* Run one phase; returns the number of chunks that could not be had. */
static int phase(long long mib, long long secs, long long ramp)
{
	int want = (mib + CHUNK_MIB - 1) / CHUNK_MIB, failed = 0;
	double end, next = now();

	printf("wss-phase: %lld MiB for %lld s, plugged %lld MiB, requested %lld MiB\n",
	       mib, secs,
	       read_ll("/sys/kernel/mm/zone_host/plugged_bytes") >> 20,
	       read_ll("/sys/kernel/mm/zone_host/requested_bytes") >> 20);
	fflush(stdout);
	while (nr_chunks > want)
		shrink_one();
	/* Grow at most @ramp MiB a second, touching what is there meanwhile. */
	while (nr_chunks < want) {
		for (int i = 0; i < ramp / CHUNK_MIB && nr_chunks < want; i++) {
			if (grow_one()) {
				failed++;
				want--;	/* do not try that chunk again */
			}
		}
		touch_all();
		next += 1;
		while (now() < next)
			usleep(50000);
	}
	end = now() + secs;
	while (now() < end) {
		touch_all();
		next += 1;
		while (now() < next && now() < end)
			usleep(50000);
	}
	return failed;
}

int main(void)
{
	long long ramp = cmdline_value("zonehost.ramp=", 50);
	long long linger = cmdline_value("zonehost.linger=", 0);
	long long oom0, host0, own_ram, need, mib, secs;
	char spec[256], *tok, *save;
	int failed = 0;

	page_size = sysconf(_SC_PAGESIZE);
	cmdline_string("zonehost.phases=", "100:40,600:60,100:150", spec,
		       sizeof(spec));
	ksft_print_header();
	ksft_set_plan(3);
	if (wss_configure(2000, 0))
		ksft_exit_fail_msg("cannot set the working-set estimator up\n");
	oom0 = vmstat("oom_kill");
	host0 = vmstat("pgalloc_host");
	/* MemTotal counts ZONE_HOST too; what is left is the guest's own. */
	own_ram = meminfo_kb("MemTotal") * 1024 -
		  read_ll("/sys/kernel/mm/zone_host/plugged_bytes");
	for (tok = strtok_r(spec, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sscanf(tok, "%lld:%lld", &mib, &secs) != 2 || mib < 0 ||
		    secs < 0)
			ksft_exit_fail_msg("bad phase '%s' (MIB:SECONDS)\n", tok);
		failed += phase(mib, secs, ramp < CHUNK_MIB ? CHUNK_MIB : ramp);
	}
	printf("wss-phase: done, plugged %lld MiB, requested %lld MiB\n",
	       read_ll("/sys/kernel/mm/zone_host/plugged_bytes") >> 20,
	       read_ll("/sys/kernel/mm/zone_host/requested_bytes") >> 20);
	fflush(stdout);
	if (linger > 0)
		phase(nr_chunks * CHUNK_MIB, linger, ramp);
	ksft_test_result(!failed, "every chunk allocated (%d failed)\n", failed);
	ksft_test_result(vmstat("oom_kill") == oom0, "no OOM kill\n");
	need = (long long)max_chunks * (CHUNK_MIB << 20) - own_ram;
	ksft_print_msg("largest working set %d MiB, own RAM %lld MiB, ZONE_HOST served %lld MiB\n",
		       max_chunks * CHUNK_MIB, own_ram >> 20,
		       (vmstat("pgalloc_host") - host0) * page_size >> 20);
	ksft_test_result((vmstat("pgalloc_host") - host0) * page_size >= need,
			 "ZONE_HOST served what the guest's own RAM could not hold\n");
	ksft_finished();
}
