// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_wss_hot: how close the working-set estimator comes to a known
 * working set, for tests/e2e/test-wss-accuracy.sh and tests/bench/wss.sh.
 *
 * For every pair H:T of zonehost.wss_pairs= (MiB; default
 * "64:512,256:512,32:1024"; a pair written H:T:thp backs T with
 * transparent huge pages, MADV_HUGEPAGE, so that each sample may land in a
 * 2 MiB folio that other samples share):
 *   1. the guest's own baseline B is measured first: the mean estimate of
 *      two windows with nothing of this test allocated;
 *   2. a child allocates and touches T MiB, then keeps writing to the
 *      first H MiB, one byte per page, every 100 ms. It is pinned to the
 *      last CPU and this program to the others: a task alone on its CPU
 *      keeps its translations cached in that CPU's TLB (no other address
 *      space is switched to), the case in which an estimator that clears
 *      accessed bits without flushing the TLB goes blind;
 *   3. the estimate E is read at the end of the zonehost.wss_windows-th
 *      window (default 3) after the allocation was complete, and again at
 *      the end of each of the zonehost.wss_hold= windows after it
 *      (default 3): an estimate must not drift once it is right.
 * It passes when |E - B - H| <= 10% of H at every one of those windows,
 * for the whole guest and, when all of T fit in ZONE_HOST, for ZONE_HOST
 * too; the line printed gives E at the stated window and the worst. zonehost.wss_window= and
 * zonehost.wss_stride= set the estimator first (defaults: 2000 ms, the
 * kernel's stride).
 *
 * Each pair prints "wss-accuracy: phase baseline|hot" when those phases
 * begin, so that the host can measure alongside (tests/bench/wss.sh), and
 * a "wss-accuracy:" result line the benchmark collects.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define WSS		"/sys/kernel/mm/zone_host/wss"
#define MIB		(1LL << 20)

struct estimate {
	double guest, guest_err, host, host_err;
	long long host_samples;
};

/* Wait for the end of window @w; 0 on time, -1 if it never came. */
static int wait_window(long long w, long long window_ms)
{
	for (long long t = 0; t < 20 * window_ms + 60000; t += 100) {
		if (read_ll(WSS "/windows") >= w)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* The estimate of one window, read while no new window ended. */
static struct estimate read_estimate(void)
{
	struct estimate e;
	long long w;

	do {
		w = read_ll(WSS "/windows");
		e.guest = read_ll(WSS "/guest/wss_bytes") / (double)MIB;
		e.guest_err = read_ll(WSS "/guest/wss_error_bytes") / (double)MIB;
		e.host = read_ll(WSS "/host/wss_bytes") / (double)MIB;
		e.host_err = read_ll(WSS "/host/wss_error_bytes") / (double)MIB;
		e.host_samples = read_ll(WSS "/host/samples");
	} while (read_ll(WSS "/windows") != w);
	return e;
}

/* Leave the last CPU to the child, when there is another one. */
static void pin_away_from_last_cpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t cpus;

	if (n < 2)
		return;
	CPU_ZERO(&cpus);
	for (long i = 0; i < n - 1; i++)
		CPU_SET(i, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
}

#define THP_SIZE	(2 * MIB)
#define THP_ENABLED	"/sys/kernel/mm/transparent_hugepage/enabled"

/* T MiB of anonymous memory; with @thp, 2 MiB aligned and MADV_HUGEPAGE. */
static char *map_t(long long t, int thp)
{
	char *p;

	if (!thp) {
		p = mmap(NULL, t * MIB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		return p == MAP_FAILED ? NULL : p;
	}
	p = mmap(NULL, t * MIB + THP_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	p = (char *)(((unsigned long)p + THP_SIZE - 1) & ~(THP_SIZE - 1));
	return madvise(p, t * MIB, MADV_HUGEPAGE) ? NULL : p;
}

/* AnonHugePages of process @pid, in MiB; -1 if unknown. */
static long long anon_huge_mib(pid_t pid)
{
	char path[64], line[256];
	long long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb >> 10;
}

/* THP for MADV_HUGEPAGE regions, whatever the boot default was. */
static int thp_allow_madvise(void)
{
	FILE *f = fopen(THP_ENABLED, "r");
	char cur[128] = "";
	int ret;

	if (!f)
		return -1;
	ret = fgets(cur, sizeof(cur), f) ? 0 : -1;
	fclose(f);
	if (ret || strstr(cur, "[always]") || strstr(cur, "[madvise]"))
		return ret;
	f = fopen(THP_ENABLED, "w");
	if (!f)
		return -1;
	ret = fputs("madvise", f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

/* The child: T MiB touched once, then the first H MiB touched for ever. */
static void hot_child(long long h, long long t, int thp, int ready)
{
	long page = sysconf(_SC_PAGESIZE);
	cpu_set_t cpus;
	char *p;

	CPU_ZERO(&cpus);
	CPU_SET(sysconf(_SC_NPROCESSORS_ONLN) - 1, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		_exit(1);
	p = map_t(t, thp);
	if (!p)
		_exit(1);
	/* Write every page: MAP_POPULATE alone may map the zero page. */
	for (long long off = 0; off < t * MIB; off += page)
		p[off] = 1;
	if (write(ready, "r", 1) != 1)
		_exit(1);
	for (unsigned char n = 0;; n++) {
		for (long long off = 0; off < h * MIB; off += page)
			p[off] = n;
		usleep(100000);
	}
}

/* Free pages of ZONE_HOST ("zone Host" in /proc/zoneinfo), 0 if none. */
static long long host_zone_free(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	long long v = 0;
	int in = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "Node ", 5))
			in = strstr(line, "zone     Host") != NULL;
		else if (in && sscanf(line, " pages free %lld", &v) == 1)
			break;
	}
	fclose(f);
	return in ? v : 0;
}

static int within(double est, double base, double h)
{
	double err = est - base - h;

	return err <= 0.1 * h && err >= -0.1 * h;
}

/* The error of @e against @base + @h that is furthest from 0. */
static void worst(double *w, double est, double base, double h)
{
	double err = est - base - h;

	if (err * err > *w * *w)
		*w = err;
}

static void run_pair(long long h, long long t, int thp, long long window_ms,
		     long long windows, long long hold)
{
	const char *kind = thp ? " (THP)" : "";
	long long huge = 0;
	double worst_guest = 0, worst_host = 0;
	long page = sysconf(_SC_PAGESIZE);
	struct estimate b1, b2, base, e;
	int ready[2], fit, ok;
	long long w;
	pid_t pid;
	char c;

	/* Baseline: two fresh windows with nothing of ours allocated. */
	printf("wss-accuracy: phase baseline H=%lld T=%lld%s\n", h, t, kind);
	fflush(stdout);
	w = read_ll(WSS "/windows");
	if (wait_window(w + 2, window_ms))
		goto timeout;
	b1 = read_estimate();
	if (wait_window(w + 3, window_ms))
		goto timeout;
	b2 = read_estimate();
	base.guest = (b1.guest + b2.guest) / 2;
	base.host = (b1.host + b2.host) / 2;

	/* T is judged in ZONE_HOST only if it fits there with room to spare. */
	fit = host_zone_free() * page >= (t + 64) * MIB;
	if (pipe(ready))
		ksft_exit_fail_msg("pipe: %m\n");
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %m\n");
	if (!pid) {
		close(ready[0]);
		hot_child(h, t, thp, ready[1]);
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		waitpid(pid, NULL, 0);
		ksft_test_result_fail("H=%lld T=%lld: the child could not allocate T\n",
				      h, t);
		return;
	}
	close(ready[0]);
	if (thp) {
		/* Without huge pages this pair would test nothing new. */
		huge = anon_huge_mib(pid);
		if (huge < t / 2) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			ksft_test_result_fail("H=%lld T=%lld: only %lld MiB of T in huge pages\n",
					      h, t, huge);
			return;
		}
	}
	printf("wss-accuracy: phase hot H=%lld T=%lld%s\n", h, t, kind);
	fflush(stdout);
	w = read_ll(WSS "/windows");
	if (wait_window(w + windows, window_ms)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto timeout;
	}
	e = read_estimate();
	ok = within(e.guest, base.guest, h);
	if (fit)
		ok &= within(e.host, base.host, h);
	worst(&worst_guest, e.guest, base.guest, h);
	worst(&worst_host, e.host, base.host, h);
	for (long long i = 1; i <= hold; i++) {
		struct estimate later;

		if (wait_window(w + windows + i, window_ms))
			break;
		later = read_estimate();
		ok &= within(later.guest, base.guest, h);
		if (fit)
			ok &= within(later.host, base.host, h);
		worst(&worst_guest, later.guest, base.guest, h);
		worst(&worst_host, later.host, base.host, h);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);

	printf("wss-accuracy: H=%lld T=%lld windows=%lld window_ms=%lld stride=%lld"
	       " guest_base=%.1f guest_est=%.1f guest_err=%+.1f guest_bound=%.1f"
	       " host_base=%.1f host_est=%.1f host_err=%+.1f host_bound=%.1f"
	       " host_fit=%d hold=%lld guest_worst=%+.1f host_worst=%+.1f"
	       " host_samples=%lld thp=%d huge_mib=%lld\n",
	       h, t, windows, window_ms, read_ll(WSS "/stride"),
	       base.guest, e.guest, e.guest - base.guest - h, e.guest_err,
	       base.host, e.host, e.host - base.host - h, e.host_err, fit, hold,
	       worst_guest, worst_host, e.host_samples, thp, huge);
	ksft_test_result(ok, "H=%lld MiB of T=%lld MiB%s: estimate - baseline = %.1f MiB (guest), %.1f MiB (ZONE_HOST%s); worst error over %lld more windows %+.1f, %+.1f MiB\n",
			 h, t, kind, e.guest - base.guest, e.host - base.host,
			 fit ? "" : ", T did not fit, not judged", hold,
			 worst_guest, worst_host);
	return;
timeout:
	ksft_test_result_fail("H=%lld T=%lld%s: no new window came\n", h, t,
			      kind);
}

int main(void)
{
	char pairs[256], *tok, *save;
	long long window_ms = cmdline_value("zonehost.wss_window=", 2000);
	long long windows = cmdline_value("zonehost.wss_windows=", 3);
	long long hold = cmdline_value("zonehost.wss_hold=", 3);
	int n = 1, ok;

	cmdline_string("zonehost.wss_pairs=", "64:512,256:512,32:1024",
		       pairs, sizeof(pairs));
	pin_away_from_last_cpu();
	for (char *q = pairs; *q; q++)
		n += *q == ',';
	ksft_print_header();
	if (access(WSS, F_OK))
		ksft_exit_skip("no %s: CONFIG_ZONE_HOST_WSS is off\n", WSS);
	ksft_set_plan(n + 1);

	ok = wss_configure(window_ms, 0) == 0;
	ksft_test_result(ok, "estimator set: window %lld ms, stride %lld pages\n",
			 window_ms, read_ll(WSS "/stride"));

	for (tok = strtok_r(pairs, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char mode[8] = "";
		long long h, t;
		int got, thp;

		got = sscanf(tok, "%lld:%lld:%7s", &h, &t, mode);
		thp = got == 3 && !strcmp(mode, "thp");
		if (got < 2 || (got == 3 && !thp) || h <= 0 || t < h)
			ksft_exit_fail_msg("bad pair '%s' (H:T or H:T:thp in MiB, H <= T)\n",
					   tok);
		if (thp && thp_allow_madvise())
			ksft_exit_fail_msg("cannot allow THP in %s: %m\n",
					   THP_ENABLED);
		run_pair(h, t, thp, window_ms, windows, hold);
	}
	ksft_finished();
}
