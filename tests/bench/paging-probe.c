// SPDX-License-Identifier: GPL-2.0-only
/*
 * paging-probe: which way of paging out a memfd works when two processes
 * map it, as QEMU (which touches the guest's memory) and zhostd (which
 * maps it read-only, touches nothing, and mlock()s pinned subblocks) do.
 * The evidence of Documentation/design/paging.rst.
 *
 *   paging-probe [MIB]      (default 64; needs swap enabled, and root or
 *                            CAP_SYS_NICE for process_madvise())
 *
 * A child ("QEMU") maps a memfd of MIB MiB shared and writes every page.
 * The parent ("zhostd") maps it read-only, mlock()s the first 2 MiB (a
 * pinned subblock) and reads one page of each of the next 2 MiB (a page it
 * faulted in by mistake). Then, printing the memfd's residency
 * (cachestat()) and /proc/vmstat's pswpout after each:
 *   1. madvise(MADV_PAGEOUT) over the parent's own mapping;
 *   2. process_madvise(pidfd, MADV_PAGEOUT) over the child's mapping of
 *      everything;
 * and last the child reads every page back and checks it. Exit status 0
 * when step 1 paged nothing, step 2 paged everything but the pinned and
 * the doubly mapped pages, and no data was lost.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mm-syscalls.h"

#define SB		((uint64_t)2 << 20)
#define PAGE		((uint64_t)4096)

struct cs_range { uint64_t off, len; };
struct cs { uint64_t cache, dirty, writeback, evicted, recently_evicted; };

static uint64_t pswp(const char *key)
{
	char name[64];
	unsigned long long v, r = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fscanf(f, "%63s %llu", name, &v) == 2)
		if (!strcmp(name, key))
			r = v;
	if (f)
		fclose(f);
	return r;
}

/* Resident and swapped pages of the memfd, and the host's pswpout. */
static void show(int fd, uint64_t size, const char *what, struct cs *out)
{
	struct cs_range r = { 0, size };
	struct cs c = { 0 };

	if (syscall(__NR_cachestat, fd, &r, &c, 0))
		perror("cachestat");
	printf("%-44s resident %6" PRIu64 " swapped %6" PRIu64 " pages, pswpout %" PRIu64 "\n",
	       what, c.cache, c.evicted, pswp("pswpout"));
	*out = c;
}

/* The child: write every page, wait for a byte, check, exit 0 when intact. */
static int child(int fd, uint64_t size, int in, int out)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	uintptr_t addr = (uintptr_t)p;
	char c;

	if (p == MAP_FAILED)
		return 1;
	for (uint64_t i = 0; i < size; i += PAGE)
		memset(p + i, (int)(i / PAGE * 7 + 1), PAGE);
	if (write(out, &addr, sizeof(addr)) != sizeof(addr) ||
	    read(in, &c, 1) != 1)
		return 1;
	for (uint64_t i = 0; i < size; i += PAGE)
		for (uint64_t j = 0; j < PAGE; j++)
			if (p[i + j] != (uint8_t)(i / PAGE * 7 + 1))
				return 2;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t mib = argc > 1 ? strtoull(argv[1], NULL, 0) : 64;
	uint64_t size = mib << 20, pages = size / PAGE, before, after;
	int to[2], from[2], fd, pidfd, st, ok = 1;
	struct cs c0, c1, c2;
	volatile uint8_t sink;
	uintptr_t addr;
	struct iovec iov;
	uint8_t *mine;
	pid_t pid;
	long ret;

	if (mib < 8) {
		fprintf(stderr, "paging-probe: at least 8 MiB\n");
		return 2;
	}
	fd = memfd_create("paging-probe", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, (off_t)size) || pipe(to) || pipe(from)) {
		perror("paging-probe");
		return 1;
	}
	pid = fork();
	if (pid == 0)
		_exit(child(fd, size, to[0], from[1]));
	if (read(from[0], &addr, sizeof(addr)) != sizeof(addr)) {
		fprintf(stderr, "paging-probe: the child failed\n");
		return 1;
	}
	mine = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (mine == MAP_FAILED || mlock(mine, SB)) {
		perror("paging-probe: mmap/mlock");
		return 1;
	}
	for (uint64_t i = SB; i < 2 * SB; i += PAGE)
		sink = mine[i];
	(void)sink;
	show(fd, size, "written; 2 MiB mlocked, 2 MiB read by parent", &c0);

	ret = madvise(mine, size, MADV_PAGEOUT);
	show(fd, size, "1. madvise(MADV_PAGEOUT), own mapping", &c1);
	if (ret)
		printf("   madvise: %s\n", strerror(errno));
	if (c1.cache != c0.cache)
		ok = 0;

	pidfd = (int)syscall(__NR_pidfd_open, pid, 0);
	iov.iov_base = (void *)addr;
	iov.iov_len = size;
	before = pswp("pswpout");
	ret = pidfd < 0 ? -1 : syscall(__NR_process_madvise, pidfd, &iov, 1,
					MADV_PAGEOUT, 0);
	after = pswp("pswpout");
	if (ret < 0)
		printf("   process_madvise: %s\n", strerror(errno));
	show(fd, size, "2. process_madvise(MADV_PAGEOUT), QEMU's", &c2);
	printf("   advised %ld bytes; pswpout +%" PRIu64 "; expected to stay resident: %" PRIu64 " pages (pinned and doubly mapped)\n",
	       ret, after - before, 2 * SB / PAGE);
	if (ret < 0 || c2.cache > 2 * SB / PAGE + pages / 100 ||
	    c2.cache < 2 * SB / PAGE)
		ok = 0;

	if (write(to[1], "x", 1) != 1 || waitpid(pid, &st, 0) != pid ||
	    !WIFEXITED(st) || WEXITSTATUS(st)) {
		printf("the child's data check failed\n");
		ok = 0;
	} else {
		printf("the child read every page back intact (pswpin %" PRIu64 ")\n",
		       pswp("pswpin"));
	}
	printf("%s\n", ok ? "ok" : "NOT as expected");
	return ok ? 0 : 1;
}
