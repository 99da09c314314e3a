// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_bench: the guest side of tests/bench/hostfs.sh. Reads one host
 * file, bench.bin, through hostfs (export "bench") and through virtio-9p
 * (mount tag "bench9p", cache=loose), three ways: sequential read() in
 * 1 MiB calls, sequential mmap reads (one byte of each 4 KiB page, in
 * order) and random mmap reads (one byte of each page, in a random
 * order, every page once), each cold and then warm.
 *
 * Cold: the guest drops its caches, prints "hostfs-bench: cold FS ACCESS"
 * and waits for "cold" on the host channel (the host drops its own page
 * cache of the file meanwhile). Warm: the same again at once. Each
 * measurement, timed with clock_gettime(CLOCK_MONOTONIC), prints
 *
 *   hostfs-bench: result FS ACCESS STATE mbps M ns N bytes B sum S
 *
 * with MB/s as 10^6 bytes a second and S a sum of the bytes it touched
 * (the same for every row of one access, or a read went wrong). The
 * kernel command line may say zonehost.bench_passes=N: each row is then
 * the best of N passes (each cold pass cold again).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host_channel.h"
#include "zone_host_util.h"

#define TAG		"hostfs-bench: "
#define PAGE		4096
#define CHUNK		(1 << 20)
#define HOST_WAIT_MS	(600 * 1000)

enum access { SEQ_READ, SEQ_MMAP, RAND_MMAP, NR_ACCESS };

static const char *const access_name[NR_ACCESS] = {
	"read", "mmap-seq", "mmap-rand",
};

static const struct {
	const char *name;	/* as the report shows it */
	const char *source;
	const char *type;
	const char *opts;
	const char *dir;
} fses[] = {
	{ "hostfs", "bench", "hostfs", NULL, "/mnt/bench-hostfs" },
	{ "9p", "bench9p", "9p", "trans=virtio,version=9p2000.L,cache=loose",
	  "/mnt/bench-9p" },
};

static int chan = -1;
static size_t *order;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Every page index below @pages once, in a random order (Fisher-Yates). */
static int make_order(size_t pages)
{
	uint64_t x = 0x9E3779B97F4A7C15ULL;

	order = malloc(pages * sizeof(*order));
	if (!order)
		return -1;
	for (size_t i = 0; i < pages; i++)
		order[i] = i;
	for (size_t i = pages - 1; i > 0; i--) {
		size_t j, t;

		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		j = (size_t)((x * 0x2545F4914F6CDD1DULL) % (i + 1));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	return 0;
}

/*
 * One pass of @a over @path; bytes in @bytes, the sum in @sum. Returns
 * the nanoseconds it took, 0 on failure.
 */
static uint64_t measure(const char *path, enum access a, uint64_t *bytes,
			uint64_t *sum)
{
	static char buf[CHUNK];
	uint64_t t0, t1, s = 0;
	struct stat st;
	ssize_t n;
	char *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		printf(TAG "error open %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return 0;
	}
	*bytes = st.st_size;
	t0 = now_ns();
	if (a == SEQ_READ) {
		uint64_t total = 0;

		while ((n = read(fd, buf, CHUNK)) > 0) {
			/* The first byte of each page, as the mappings read. */
			for (ssize_t off = (PAGE - total % PAGE) % PAGE; off < n;
			     off += PAGE)
				s += (unsigned char)buf[off];
			total += n;
		}
		if (n < 0 || total != *bytes) {
			printf(TAG "error read %s: %s\n", path,
			       n < 0 ? strerror(errno) : "short");
			close(fd);
			return 0;
		}
	} else {
		size_t pages = (*bytes + PAGE - 1) / PAGE;

		p = mmap(NULL, *bytes, PROT_READ, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			printf(TAG "error mmap %s: %s\n", path, strerror(errno));
			close(fd);
			return 0;
		}
		for (size_t i = 0; i < pages; i++) {
			size_t pg = a == SEQ_MMAP ? i : order[i];

			s += *(volatile unsigned char *)(p + pg * PAGE);
		}
		munmap(p, *bytes);
	}
	t1 = now_ns();
	close(fd);
	*sum = s;
	return t1 - t0 ? t1 - t0 : 1;
}

/* Drop the guest's caches and let the host drop its own. */
static int go_cold(const char *fs, enum access a)
{
	sync();
	if (write_str("/proc/sys/vm/drop_caches", "3"))
		printf(TAG "error drop_caches: %s\n", strerror(errno));
	printf(TAG "cold %s %s\n", fs, access_name[a]);
	fflush(stdout);
	return host_channel_wait(chan, "cold", HOST_WAIT_MS);
}

static void report(const char *fs, enum access a, const char *state,
		   uint64_t ns, uint64_t bytes, uint64_t sum)
{
	printf(TAG "result %s %s %s mbps %.1f ns %llu bytes %llu sum %llu\n", fs,
	       access_name[a], state, bytes * 1e3 / ns,
	       (unsigned long long)ns, (unsigned long long)bytes,
	       (unsigned long long)sum);
	fflush(stdout);
}

/* Every access of one file system, cold and warm, best of @passes. */
static void bench_fs(int i, int passes)
{
	char path[300];
	struct stat st;

	mkdir(fses[i].dir, 0755);
	if (mount(fses[i].source, fses[i].dir, fses[i].type, MS_RDONLY,
		  fses[i].opts)) {
		printf(TAG "error mount %s: %s\n", fses[i].name, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/bench.bin", fses[i].dir);
	if (stat(path, &st) || (!order && make_order((st.st_size + PAGE - 1) / PAGE))) {
		printf(TAG "error %s: %s\n", path, strerror(errno));
		umount(fses[i].dir);
		return;
	}
	for (int a = 0; a < NR_ACCESS; a++) {
		uint64_t best_cold = 0, best_warm = 0, bytes = 0, sum = 0, ns;

		for (int p = 0; p < passes; p++) {
			if (go_cold(fses[i].name, a)) {
				printf(TAG "error the host did not answer\n");
				umount(fses[i].dir);
				return;
			}
			ns = measure(path, a, &bytes, &sum);
			if (ns && (!best_cold || ns < best_cold))
				best_cold = ns;
			ns = measure(path, a, &bytes, &sum);
			if (ns && (!best_warm || ns < best_warm))
				best_warm = ns;
		}
		if (best_cold)
			report(fses[i].name, a, "cold", best_cold, bytes, sum);
		if (best_warm)
			report(fses[i].name, a, "warm", best_warm, bytes, sum);
	}
	if (umount(fses[i].dir))
		printf(TAG "error umount %s: %s\n", fses[i].dir, strerror(errno));
}

int main(void)
{
	int passes = (int)cmdline_value("zonehost.bench_passes=", 1);

	chan = host_channel_open();
	if (chan < 0) {
		printf(TAG "error no host channel: run by tests/bench/hostfs.sh\n");
		return 4;
	}
	if (passes < 1)
		passes = 1;
	for (size_t i = 0; i < sizeof(fses) / sizeof(fses[0]); i++)
		bench_fs((int)i, passes);
	printf(TAG "done\n");
	return 0;
}
