// SPDX-License-Identifier: GPL-2.0-only
/*
 * memfd-resident: how much of each chunk of a file is resident in host
 * memory, for the tests and benchmarks that put a VM under host memory
 * pressure (tests/e2e/test-pin-pressure.sh, tests/bench/pin.sh).
 *
 *   memfd-resident FILE OFFSET SIZE CHUNK
 *
 * prints, for each CHUNK bytes of [OFFSET, OFFSET + SIZE) of FILE, a line
 * "INDEX RESIDENT_BYTES" (INDEX counted from OFFSET). FILE is zhostd's
 * memfd reached through /proc/PID/fd/N. The file is mapped afresh, shared
 * and read-only, and never touched: mincore() of a shared mapping reports
 * the file's pages that are in memory whoever mapped them, so the answer
 * is about the memfd, not about this process, and asking faults nothing
 * in. A page of shared memory that was swapped out is not resident.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Parse a decimal or 0x number that fits in 63 bits; -1 if it is not one. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return (errno || end == s || *end || *s == '-' || *v > INT64_MAX) ? -1 : 0;
}

/* Per @chunk bytes of the @pages pages in @vec (mincore()), the resident bytes. */
static int report(const unsigned char *vec, uint64_t pages, uint64_t chunk,
		  uint64_t page)
{
	uint64_t per = chunk / page;

	for (uint64_t c = 0; c * per < pages; c++) {
		uint64_t n = 0, end = (c + 1) * per;

		if (end > pages)
			end = pages;
		for (uint64_t i = c * per; i < end; i++)
			n += vec[i] & 1;
		if (printf("%" PRIu64 " %" PRIu64 "\n", c, n * page) < 0)
			return -1;
	}
	return fflush(stdout) ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t off, size, chunk, page = (uint64_t)sysconf(_SC_PAGESIZE);
	unsigned char *vec;
	struct stat st;
	void *map;
	int fd;

	if (argc != 5 || parse_u64(argv[2], &off) || parse_u64(argv[3], &size) ||
	    parse_u64(argv[4], &chunk)) {
		fprintf(stderr, "usage: memfd-resident FILE OFFSET SIZE CHUNK\n");
		return 2;
	}
	if (!size || !chunk || off % page || chunk % page) {
		fprintf(stderr, "memfd-resident: SIZE and CHUNK must be non-zero, OFFSET and CHUNK multiples of %" PRIu64 "\n",
			page);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "memfd-resident: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (off > (uint64_t)st.st_size || size > (uint64_t)st.st_size - off) {
		fprintf(stderr, "memfd-resident: %s holds %lld bytes, not %" PRIu64 " from %" PRIu64 "\n",
			argv[1], (long long)st.st_size, size, off);
		return 1;
	}
	map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, (off_t)off);
	if (map == MAP_FAILED) {
		fprintf(stderr, "memfd-resident: mmap: %s\n", strerror(errno));
		return 1;
	}
	vec = malloc((size + page - 1) / page);
	if (!vec || mincore(map, size, vec)) {
		fprintf(stderr, "memfd-resident: mincore: %s\n", strerror(errno));
		return 1;
	}
	if (report(vec, (size + page - 1) / page, chunk, page))
		return 1;
	free(vec);
	munmap(map, size);
	close(fd);
	return 0;
}
