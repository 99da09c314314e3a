// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmrpc_calls: VMRPC from inside the guest.
 *
 * Guest->host: a null call, host_info, 8 threads calling at once with the
 * counters checked, and payloads echoed intact (debugfs vmrpc/bench); the
 * channel's floor, raw doorbell round trips (debugfs vmrpc/floor).
 * Then it prepares for the host side of tests/e2e/test-vmrpc.sh: it fills
 * the page cache of an ext2 RAM disk, prints its own /proc/meminfo, and
 * waits until the host says it is done with its reverse calls and the
 * drop of the guest's caches (the host channel, tests/lib/vm.sh; the two
 * tests skip without it), and checks that none of the calls failed and
 * that the page cache really went.
 *
 * Markers on the console for the host: "vmrpc-guest: meminfo <key> <kB>",
 * "vmrpc-guest: ready for host calls".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "host_channel.h"
#include "zone_host_util.h"

#define DEBUGFS		"/sys/kernel/debug/vmrpc"
#define THREADS		8
#define CALLS_PER_THREAD 100
#define CACHE_MIB	64

/*
 * Reverse calls tests/e2e/test-vmrpc.sh makes: a ping, meminfo twice, 8 x 10
 * pings, vmstat, loadavg, cpuinfo, meminfo, drop-caches and meminfo again.
 */
#define HOST_CALLS_EXPECTED	89
#define HOST_WAIT_S		240
/* The host's drop-caches must free at least this much of our cache. */
#define DROPPED_MIN_KB		(48 * 1024)

static char sysfs_dir[256];	/* the device's vmrpc/ counters */

static bool find_sysfs(void)
{
	glob_t g;
	bool ok;

	if (glob("/sys/bus/pci/drivers/vmrpc/*/vmrpc", 0, NULL, &g))
		return false;
	ok = g.gl_pathc == 1;
	if (ok)
		snprintf(sysfs_dir, sizeof(sysfs_dir), "%s", g.gl_pathv[0]);
	globfree(&g);
	return ok;
}

static long long read_counter(const char *name)
{
	char path[320], buf[32];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysfs_dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f))
		v = atoll(buf);
	fclose(f);
	return v;
}

/* Read a debugfs file; returns bytes read or -errno. */
static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

static void test_ping(void)
{
	char buf[64];
	int n = read_file(DEBUGFS "/ping", buf, sizeof(buf));

	if (n > 0)
		ksft_print_msg("null call round trip %lld ns\n", atoll(buf));
	else
		ksft_print_msg("ping: %s\n", strerror(-n));
	ksft_test_result(n > 0 && atoll(buf) > 0, "guest->host null call\n");
}

/* 100 echo round trips; the driver times out each after 5 s. */
static void test_floor(void)
{
	char buf[256], *p;
	long long median = 0;
	int fd, n = -EIO;

	fd = open(DEBUGFS "/floor", O_WRONLY);
	if (fd >= 0) {
		n = write(fd, "100", 3) == 3 ? 0 : -errno;
		close(fd);
	}
	if (!n)
		n = read_file(DEBUGFS "/floor", buf, sizeof(buf));
	if (n > 0) {
		ksft_print_msg("floor: %s", buf);
		p = strstr(buf, "median_ns ");
		if (p)
			median = atoll(p + 10);
	} else {
		ksft_print_msg("floor: %s\n", strerror(-n));
	}
	ksft_test_result(n > 0 && !strncmp(buf, "rounds 100 ", 11) &&
			 median > 0,
			 "the floor: 100 doorbell round trips through the host's echo\n");
}

static void test_host_info(void)
{
	char buf[512], *p;
	unsigned long long memfd = 0;
	struct stat st;
	char res[300];
	int n = read_file(DEBUGFS "/host_info", buf, sizeof(buf));

	if (n > 0) {
		ksft_print_msg("host_info: %s", buf);
		p = strstr(buf, "memfd_size ");
		if (p)
			memfd = strtoull(p + 11, NULL, 10);
	}
	/* The BAR2 the guest sees is the host's memfd. */
	snprintf(res, sizeof(res), "%s/../resource2", sysfs_dir);
	ksft_test_result(n > 0 && !stat(res, &st) &&
			 memfd == (unsigned long long)st.st_size &&
			 strstr(buf, "page_size 4096"),
			 "host_info: page size, memfd size equals BAR2\n");
}

static void *caller(void *arg)
{
	long *fails = arg;
	char buf[64];

	for (int i = 0; i < CALLS_PER_THREAD; i++)
		if (read_file(DEBUGFS "/ping", buf, sizeof(buf)) <= 0)
			(*fails)++;
	return NULL;
}

static void test_concurrent(void)
{
	long long before = read_counter("calls"), errs = read_counter("errors");
	long fails[THREADS] = { 0 }, total = 0;
	pthread_t t[THREADS];
	long long after;
	int i;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, caller, &fails[i]);
	for (i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		total += fails[i];
	}
	after = read_counter("calls");
	ksft_print_msg("%d threads x %d calls: %ld failed; calls %lld -> %lld\n",
		       THREADS, CALLS_PER_THREAD, total, before, after);
	ksft_test_result(!total && after - before >= THREADS * CALLS_PER_THREAD &&
			 read_counter("errors") == errs &&
			 read_counter("in_flight") == 0,
			 "8 concurrent guest->host callers all complete\n");
}

static void test_payload(void)
{
	char buf[256];
	int fd = open(DEBUGFS "/bench", O_RDWR), n = -1;
	const char *cmd = "200 60000";

	if (fd >= 0 && write(fd, cmd, strlen(cmd)) == (ssize_t)strlen(cmd)) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			ksft_print_msg("bench: %s", buf);
		}
	}
	if (fd >= 0)
		close(fd);
	ksft_test_result(n > 0, "60000-byte payloads echoed intact\n");
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Page cache the host can drop: a file on an ext2 RAM disk, read back. */
static void test_page_cache(void)
{
	char cmd[256];
	bool ok;

	snprintf(cmd, sizeof(cmd),
		 "mke2fs -q /dev/ram0 && mkdir -p /mnt/cache && "
		 "mount -t ext2 /dev/ram0 /mnt/cache && "
		 "dd if=/dev/zero of=/mnt/cache/file bs=1M count=%d 2>/dev/null && "
		 "sync && cat /mnt/cache/file >/dev/null", CACHE_MIB);
	ok = run(cmd) == 0;
	ksft_test_result(ok, "%d MiB of page cache on an ext2 RAM disk\n",
			 CACHE_MIB);
}

static void print_meminfo(void)
{
	char line[128], key[64];
	long long kb;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %lld", key, &kb) == 2)
			printf("vmrpc-guest: meminfo %s %lld\n", key, kb);
	fclose(f);
	fflush(stdout);
}

/*
 * Serve the host side of the e2e test: its reverse calls, ending with
 * drop-caches 3 and one more call, the host reading our meminfo to see the
 * drop. We are done when the host says so, or at the timeout.
 */
static void test_host_calls(void)
{
	long long start = read_counter("reverse_calls");
	long long errs = read_counter("reverse_errors");
	long long cached = meminfo_kb("Cached"), calls, dropped;
	int host = host_channel_open();

	if (host < 0) {
		ksft_test_result_skip("host->guest calls: no host channel\n");
		ksft_test_result_skip("the host's drop-caches: no host channel\n");
		return;
	}
	printf("vmrpc-guest: ready for host calls\n");
	fflush(stdout);
	if (host_channel_wait(host, "done", HOST_WAIT_S * 1000LL))
		ksft_print_msg("the host did not say it was done\n");
	calls = read_counter("reverse_calls") - start;
	dropped = cached - meminfo_kb("Cached");
	ksft_print_msg("host made %lld reverse calls, %lld failed\n",
		       calls, read_counter("reverse_errors") - errs);
	ksft_test_result(calls >= HOST_CALLS_EXPECTED &&
			 read_counter("reverse_errors") == errs,
			 "host->guest calls served without error\n");
	ksft_print_msg("Cached went from %lld to %lld kB\n", cached,
		       cached - dropped);
	ksft_test_result(dropped >= DROPPED_MIN_KB,
			 "the host's drop-caches freed our page cache\n");
}

int main(void)
{
	ksft_print_header();
	if (access(DEBUGFS "/ping", R_OK) || !find_sysfs())
		ksft_exit_skip("no VMRPC device bound (boot with zhostd)\n");
	ksft_set_plan(8);
	test_ping();
	test_floor();
	test_host_info();
	test_concurrent();
	test_payload();
	test_page_cache();
	print_meminfo();
	test_host_calls();
	ksft_finished();
}
