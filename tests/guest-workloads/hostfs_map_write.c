// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_map_write: write TEXT into FILE at OFFSET through a MAP_SHARED
 * mapping, msync it, and keep the mapping until killed (the guest side of
 * the hostfs step of `make demo`, scripts/initramfs/bin/hostfs_demo).
 *
 *	hostfs_map_write FILE OFFSET TEXT
 *
 * Prints what it mapped and "hostfs-map: msynced" once the bytes went to
 * the file; exits 1 (with the reason) if TEXT does not fit in FILE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	size_t off, len;
	sigset_t set;
	char *p;
	int fd, sig;

	if (argc != 4) {
		fprintf(stderr, "usage: hostfs_map_write FILE OFFSET TEXT\n");
		return 2;
	}
	off = strtoul(argv[2], NULL, 0);
	len = strlen(argv[3]);
	fd = open(argv[1], O_RDWR);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hostfs-map: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (off > (size_t)st.st_size || len > (size_t)st.st_size - off) {
		fprintf(stderr, "hostfs-map: %zu bytes at %zu do not fit in %lld\n",
			len, off, (long long)st.st_size);
		return 1;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "hostfs-map: mmap: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	printf("hostfs-map: %s mapped MAP_SHARED, %lld bytes at %p\n", argv[1],
	       (long long)st.st_size, (void *)p);
	memcpy(p + off, argv[3], len);
	printf("hostfs-map: wrote %zu bytes at offset %zu through the mapping\n",
	       len, off);
	if (msync(p, st.st_size, MS_SYNC)) {
		fprintf(stderr, "hostfs-map: msync: %s\n", strerror(errno));
		return 1;
	}
	printf("hostfs-map: msynced\n");
	fflush(stdout);
	/* Keep the mapping while the host looks. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigwait(&set, &sig);
	munmap(p, st.st_size);
	return 0;
}
