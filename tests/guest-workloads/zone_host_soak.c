// SPDX-License-Identifier: GPL-2.0-only
/*
 * zone_host_soak: the guest side of the soak (tests/e2e/test-soak.sh,
 * `make soak`). While the host resizes the guest at random and polls its
 * working set, this program keeps three things running until the host says
 * it is done (the host channel, tests/lib/vm.sh):
 *
 *  - a pattern of zonehost.soak_pattern=MIB MiB (every 8-byte word holds
 *    its own address and a seed), checked whole again and again;
 *  - pin/unpin: a thread mlock()s a random range of a second patterned
 *    mapping of zonehost.soak_pin=MIB MiB, which pins the host memory
 *    behind it, checks the range, and munlock()s it again;
 *  - stress-ng's verifying stressors (--vm and --mmap with --verify).
 *
 * Host file I/O (hostfs) joins as one more thread of this kind when the
 * hostfs module lands: it starts in main() beside the pin thread, counts
 * its verified operations and its mismatches the same way, and gets its
 * own result line.
 *
 * Prints "soak-guest: running" once everything runs, a progress line
 * after each pattern check, and at the end the counts the host checks
 * ("soak-guest: done checks=N pins=N pin_bad=N bad=N"), then TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host_channel.h"
#include "kselftest.h"
#include "zone_host_util.h"

#define MIB		((size_t)1 << 20)
#define PAGE		4096UL
#define SEED_PATTERN	0x5a5aa5a5deadbeefULL
#define SEED_PIN	0x0123456789abcdefULL
/* The longest the host may take to say it is done; the host bounds it. */
#define WAIT_S		(24 * 3600)
#define STRESS_LOG	"/tmp/soak-stress.log"

struct region {
	uint64_t *p;
	size_t words;
	uint64_t seed;
};

static atomic_bool stop;
static atomic_ulong pin_cycles, pin_bad, pin_errors;

static uint64_t *map_patterned(size_t bytes, uint64_t seed)
{
	uint64_t *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ksft_exit_fail_msg("mmap %zu MiB: %s\n", bytes / MIB, strerror(errno));
	for (size_t i = 0; i < bytes / sizeof(*p); i++)
		p[i] = (uint64_t)(uintptr_t)&p[i] ^ seed;
	return p;
}

/* Words of p[from, to) that do not hold their pattern. */
static size_t check_words(const struct region *r, size_t from, size_t to)
{
	size_t bad = 0;

	for (size_t i = from; i < to; i++)
		if (r->p[i] != ((uint64_t)(uintptr_t)&r->p[i] ^ r->seed))
			bad++;
	return bad;
}

/*
 * Pin and unpin random page ranges of the region until told to stop; each
 * locked range is checked while it is pinned.
 */
static void *pin_loop(void *arg)
{
	const struct region *r = arg;
	const size_t pages = r->words * sizeof(uint64_t) / PAGE;
	unsigned int seed = (unsigned int)time(NULL) ^ 0x50a4;

	while (!atomic_load(&stop)) {
		size_t first = (size_t)rand_r(&seed) % pages;
		size_t n = 1 + (size_t)rand_r(&seed) % (pages - first);
		char *start = (char *)r->p + first * PAGE;
		const size_t wpp = PAGE / sizeof(uint64_t);

		if (mlock(start, n * PAGE)) {
			atomic_fetch_add(&pin_errors, 1);
			continue;
		}
		atomic_fetch_add(&pin_bad, check_words(r, first * wpp, (first + n) * wpp));
		if (munlock(start, n * PAGE))
			atomic_fetch_add(&pin_errors, 1);
		atomic_fetch_add(&pin_cycles, 1);
	}
	return NULL;
}

/* stress-ng's verifying memory stressors, output to STRESS_LOG. */
static pid_t start_stress(long long vm_mib, long long mmap_mib)
{
	char vm[32], mm[32];
	pid_t pid;

	snprintf(vm, sizeof(vm), "%lldM", vm_mib);
	snprintf(mm, sizeof(mm), "%lldM", mmap_mib);
	pid = fork();
	if (pid == 0) {
		int fd = open(STRESS_LOG, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execlp("stress-ng", "stress-ng", "--vm", "1", "--vm-bytes", vm,
		       "--verify", "--mmap", "1", "--mmap-bytes", mm,
		       "--timeout", "86400s", "--metrics-brief", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* stress-ng's log as diagnostics; 1 if it mentions a failure. */
static int stress_report(void)
{
	char line[512];
	int failed = 0;
	FILE *f = fopen(STRESS_LOG, "r");

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		ksft_print_msg("stress-ng: %s", line);
		if (strcasestr(line, "fail") || strcasestr(line, "corrupt") ||
		    (strcasestr(line, "verif") && strcasestr(line, "error")))
			failed = 1;
	}
	fclose(f);
	return failed;
}

int main(void)
{
	const size_t pat_bytes = (size_t)cmdline_value("zonehost.soak_pattern=", 64) * MIB;
	const size_t pin_bytes = (size_t)cmdline_value("zonehost.soak_pin=", 16) * MIB;
	const long long vm_mib = cmdline_value("zonehost.soak_vm=", 48);
	const long long mmap_mib = cmdline_value("zonehost.soak_mmap=", 32);
	struct region pat = { .seed = SEED_PATTERN }, pin = { .seed = SEED_PIN };
	int host = host_channel_open(), st = -1, done = 0;
	long long oom0, mig0;
	size_t bad = 0, checks = 0;
	pthread_t pin_thread;
	pid_t stress;

	ksft_print_header();
	if (host < 0)
		ksft_exit_skip("no host channel: run by tests/e2e (tests/lib/vm.sh)\n");
	if (pat_bytes < PAGE || pin_bytes < PAGE)
		ksft_exit_fail_msg("zonehost.soak_pattern and soak_pin must be at least 1\n");
	ksft_set_plan(5);
	wait_plugged(1200);
	oom0 = vmstat("oom_kill");
	mig0 = vmstat("pgmigrate_success");
	pat.p = map_patterned(pat_bytes, pat.seed);
	pat.words = pat_bytes / sizeof(uint64_t);
	pin.p = map_patterned(pin_bytes, pin.seed);
	pin.words = pin_bytes / sizeof(uint64_t);
	stress = start_stress(vm_mib, mmap_mib);
	if (stress < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pthread_create(&pin_thread, NULL, pin_loop, &pin))
		ksft_exit_fail_msg("pthread_create failed\n");
	ksft_print_msg("pattern %zu MiB, pin range %zu MiB, stress-ng --vm %lldM --mmap %lldM\n",
		       pat_bytes / MIB, pin_bytes / MIB, vm_mib, mmap_mib);
	printf("soak-guest: running\n");
	fflush(stdout);

	for (time_t end = time(NULL) + WAIT_S; time(NULL) < end;) {
		bad += check_words(&pat, 0, pat.words);
		checks++;
		printf("soak-guest: progress checks=%zu pins=%lu bad=%zu\n",
		       checks, atomic_load(&pin_cycles), bad);
		fflush(stdout);
		if (host_channel_poll(host, "done") > 0) {
			done = 1;
			break;
		}
	}
	atomic_store(&stop, true);
	pthread_join(pin_thread, NULL);
	/* Once more, after the host is done, and the pin range whole. */
	bad += check_words(&pat, 0, pat.words);
	checks++;
	atomic_fetch_add(&pin_bad, check_words(&pin, 0, pin.words));
	/* On SIGINT stress-ng stops its stressors and exits 0 if all passed. */
	kill(stress, SIGINT);
	if (waitpid(stress, &st, 0) != stress)
		st = -1;

	printf("soak-guest: done checks=%zu pins=%lu pin_bad=%lu bad=%zu\n", checks,
	       atomic_load(&pin_cycles), atomic_load(&pin_bad), bad);
	ksft_print_msg("pgmigrate_success +%lld, oom_kill +%lld, mlock/munlock errors %lu\n",
		       vmstat("pgmigrate_success") - mig0, vmstat("oom_kill") - oom0,
		       atomic_load(&pin_errors));
	ksft_test_result(done, "the host said it was done\n");
	ksft_test_result(!bad, "the %zu MiB pattern survived %zu checks\n",
			 pat_bytes / MIB, checks);
	ksft_test_result(!atomic_load(&pin_bad) && !atomic_load(&pin_errors) &&
			 atomic_load(&pin_cycles) > 0,
			 "%lu pin/unpin cycles, every pinned range intact\n",
			 atomic_load(&pin_cycles));
	ksft_test_result(!stress_report() && WIFEXITED(st) && WEXITSTATUS(st) == 0,
			 "stress-ng --vm --mmap --verify: no verification error (status %d)\n", st);
	ksft_test_result(vmstat("oom_kill") == oom0, "nothing was OOM-killed\n");
	ksft_finished();
}
