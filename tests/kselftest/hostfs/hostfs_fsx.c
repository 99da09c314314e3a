// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_fsx: random operations on one file, each checked against a model
 * of the file kept in memory.
 *
 *	hostfs_fsx [-s SEED] [-n OPS] [-l MAXLEN] [-o MAXOP] [-D]
 *		   [-e EXPECTED] FILE
 *
 * The operations, drawn from a seeded generator: read (pread), write
 * (pwrite, anywhere below MAXLEN, extending the file), truncate to a size
 * above or below the current one, mmap read and mmap write (MAP_SHARED,
 * then msync; a write beyond the end first extends the file with
 * ftruncate), fsync, close and reopen, and with -D dropping the guest's
 * caches after fsync (so the next reads come from the host). After every
 * operation the file's size (fstat) must be the model's, and the bytes of
 * the range the operation touched must read back as the model holds
 * them; every 500 operations, after a reopen, and at the end the whole
 * file is compared, through read and through a mapping.
 *
 * On a mismatch it prints the first differing offset, both bytes, and
 * the last operations, then exits 1. The same SEED replays the same run.
 * With -e, the model at the end is written to EXPECTED, so that the
 * host can compare its copy of FILE with it. Output is TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"
#include "zone_host_util.h"

#define PAGE		4096L
#define LOG_OPS		32
#define FULL_EVERY	500

enum op { OP_READ, OP_WRITE, OP_TRUNC, OP_MAPREAD, OP_MAPWRITE, OP_FSYNC,
	  OP_REOPEN, OP_NR };

static const char *const op_names[OP_NR] = {
	"read", "write", "truncate", "mapread", "mapwrite", "fsync", "reopen",
};

/* Relative weights of the operations. */
static const int op_weight[OP_NR] = { 20, 20, 8, 15, 15, 3, 2 };

struct logged {
	long n;
	enum op op;
	long long off, len;	/* len: the new size for truncate */
	long long size;		/* the model's size after it */
};

static const char *file;
static char *model;		/* the file's bytes as they should be */
static long long size;		/* and its size */
static long long maxlen = 256 * 1024, maxop = 64 * 1024;
static char *buf;
static int fd = -1;
static uint64_t rng;
static bool drop;
static struct logged oplog[LOG_OPS];
static long done;

/* xorshift64*: the same seed gives the same run everywhere. */
static uint64_t next_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

static long long rand_below(long long n)
{
	return n > 0 ? (long long)(next_rand() % (uint64_t)n) : 0;
}

static void log_op(enum op op, long long off, long long len)
{
	struct logged *l = &oplog[done % LOG_OPS];

	l->n = done;
	l->op = op;
	l->off = off;
	l->len = len;
	l->size = size;
}

static void dump_log(void)
{
	long first = done >= LOG_OPS ? done - LOG_OPS + 1 : 0;

	ksft_print_msg("the last %ld operations (number, op, offset, length, size after):\n",
		       done - first + 1);
	for (long i = first; i <= done; i++) {
		struct logged *l = &oplog[i % LOG_OPS];

		ksft_print_msg("  %6ld %-8s %8lld %8lld -> %lld\n", l->n,
			       op_names[l->op], l->off, l->len, l->size);
	}
}

static void __attribute__((noreturn)) fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	va_end(ap);
	dump_log();
	ksft_test_result_fail("fsx on %s: operation %ld failed\n", file, done);
	ksft_exit_fail();
}

/* Compare @got (from file offset @off, @len bytes) with the model. */
static void check_bytes(const char *how, const char *got, long long off,
			long long len)
{
	if (!memcmp(got, model + off, len))
		return;
	for (long long i = 0; i < len; i++)
		if (got[i] != model[off + i])
			fail("%s: first difference at offset %lld (0x%llx): file 0x%02x, model 0x%02x; checked [%lld, %lld), size %lld\n",
			     how, off + i, off + i, (unsigned char)got[i],
			     (unsigned char)model[off + i], off, off + len,
			     size);
}

static void check_size(void)
{
	struct stat st;

	if (fstat(fd, &st))
		fail("fstat: %s\n", strerror(errno));
	if (st.st_size != size)
		fail("size %lld, model %lld\n", (long long)st.st_size, size);
}

/* Read [@off, @off + @len) with pread and compare. */
static void check_range(const char *how, long long off, long long len)
{
	ssize_t n;

	if (off >= size)
		return;
	if (off + len > size)
		len = size - off;
	n = pread(fd, buf, len, off);
	if (n != len)
		fail("%s: pread of %lld at %lld: %zd (%s)\n", how, len, off, n,
		     n < 0 ? strerror(errno) : "short");
	check_bytes(how, buf, off, len);
}

static void do_read(void)
{
	long long off = rand_below(maxlen), len = 1 + rand_below(maxop);

	log_op(OP_READ, off, len);
	check_range("read", off, len);
}

static void do_write(void)
{
	long long off = rand_below(maxlen), len = 1 + rand_below(maxop);
	ssize_t n;

	if (off + len > maxlen)
		len = maxlen - off;
	for (long long i = 0; i < len; i++)
		buf[i] = (char)(next_rand() >> 56);
	n = pwrite(fd, buf, len, off);
	if (n != len)
		fail("pwrite of %lld at %lld: %zd (%s)\n", len, off, n,
		     n < 0 ? strerror(errno) : "short");
	if (off > size)
		memset(model + size, 0, off - size);
	memcpy(model + off, buf, len);
	if (off + len > size)
		size = off + len;
	log_op(OP_WRITE, off, len);
}

static void do_truncate(void)
{
	long long to = rand_below(maxlen + 1);

	if (ftruncate(fd, to))
		fail("ftruncate to %lld: %s\n", to, strerror(errno));
	if (to > size)
		memset(model + size, 0, to - size);
	size = to;
	log_op(OP_TRUNC, to, to);
}

static void do_mapread(void)
{
	long long off, len, moff;
	char *p;

	if (!size) {
		log_op(OP_MAPREAD, 0, 0);
		return;
	}
	off = rand_below(size);
	len = 1 + rand_below(maxop);
	if (off + len > size)
		len = size - off;
	moff = off & ~(PAGE - 1);
	p = mmap(NULL, len + off - moff, PROT_READ, MAP_SHARED, fd, moff);
	if (p == MAP_FAILED)
		fail("mmap of %lld at %lld: %s\n", len + off - moff, moff,
		     strerror(errno));
	log_op(OP_MAPREAD, off, len);
	check_bytes("mapread", p + (off - moff), off, len);
	munmap(p, len + off - moff);
}

static void do_mapwrite(void)
{
	long long off = rand_below(maxlen), len = 1 + rand_below(maxop), moff;
	char *p;

	if (off + len > maxlen)
		len = maxlen - off;
	/* A mapping cannot extend the file: ftruncate first. */
	if (off + len > size) {
		if (ftruncate(fd, off + len))
			fail("ftruncate to %lld: %s\n", off + len,
			     strerror(errno));
		memset(model + size, 0, off + len - size);
		size = off + len;
	}
	moff = off & ~(PAGE - 1);
	p = mmap(NULL, len + off - moff, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, moff);
	if (p == MAP_FAILED)
		fail("mmap of %lld at %lld: %s\n", len + off - moff, moff,
		     strerror(errno));
	for (long long i = 0; i < len; i++)
		model[off + i] = (char)(next_rand() >> 56);
	memcpy(p + (off - moff), model + off, len);
	if (msync(p, len + off - moff, MS_SYNC))
		fail("msync: %s\n", strerror(errno));
	munmap(p, len + off - moff);
	log_op(OP_MAPWRITE, off, len);
}

static void do_fsync(void)
{
	log_op(OP_FSYNC, 0, 0);
	if (fsync(fd))
		fail("fsync: %s\n", strerror(errno));
	/* Clean now: dropping the caches makes the next reads the host's. */
	if (drop && write_str("/proc/sys/vm/drop_caches", "3"))
		fail("drop_caches: %s\n", strerror(errno));
}

static void open_file(int flags)
{
	fd = open(file, O_RDWR | flags, 0644);
	if (fd < 0)
		fail("open %s: %s\n", file, strerror(errno));
}

/* The whole file, through read and through a mapping. */
static void check_all(void)
{
	char *p;

	check_size();
	check_range("full read", 0, size);
	if (!size)
		return;
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		fail("mmap of the whole file: %s\n", strerror(errno));
	check_bytes("full mapread", p, 0, size);
	munmap(p, size);
}

static void do_reopen(void)
{
	log_op(OP_REOPEN, 0, 0);
	if (close(fd))
		fail("close: %s\n", strerror(errno));
	open_file(0);
	check_all();
}

static enum op pick(void)
{
	int total = 0, r;

	for (int i = 0; i < OP_NR; i++)
		total += op_weight[i];
	r = (int)rand_below(total);
	for (int i = 0; i < OP_NR; i++) {
		if (r < op_weight[i])
			return i;
		r -= op_weight[i];
	}
	return OP_READ;
}

/* The range the last operation touched, read back. */
static void check_op(void)
{
	struct logged *l = &oplog[done % LOG_OPS];

	check_size();
	switch (l->op) {
	case OP_WRITE:
	case OP_MAPWRITE:
		check_range("after write", l->off, l->len);
		break;
	case OP_TRUNC:
		/* Around the new end: what was cut is gone, zeroes appear. */
		check_range("after truncate", l->off > PAGE ? l->off - PAGE : 0,
			    2 * PAGE);
		break;
	default:
		break;
	}
}

static void write_expected(const char *path)
{
	int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (out < 0 || write(out, model, size) != size || close(out))
		fail("writing the model to %s: %s\n", path, strerror(errno));
}

static void usage(void)
{
	fprintf(stderr, "usage: hostfs_fsx [-s SEED] [-n OPS] [-l MAXLEN] [-o MAXOP] [-D] [-e EXPECTED] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = (uint64_t)time(NULL);
	long ops = 10000;
	const char *expected = NULL;
	struct timespec t0, t1;
	long counts[OP_NR] = { 0 };
	int c;

	while ((c = getopt(argc, argv, "s:n:l:o:De:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': ops = atol(optarg); break;
		case 'l': maxlen = atoll(optarg); break;
		case 'o': maxop = atoll(optarg); break;
		case 'D': drop = true; break;
		case 'e': expected = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || ops < 1 || maxlen < 1 || maxop < 1 ||
	    maxop > maxlen)
		usage();
	file = argv[optind];
	rng = seed ? seed : 1;
	model = calloc(1, maxlen);
	buf = malloc(maxlen);
	if (!model || !buf)
		ksft_exit_fail_msg("out of memory\n");

	ksft_print_header();
	ksft_set_plan(1);
	ksft_print_msg("fsx %s: seed %" PRIu64 ", %ld operations, file up to %lld bytes, operations up to %lld\n",
		       file, seed, ops, maxlen, maxop);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	open_file(O_CREAT | O_TRUNC);
	for (done = 0; done < ops; done++) {
		enum op op = pick();

		counts[op]++;
		switch (op) {
		case OP_READ: do_read(); break;
		case OP_WRITE: do_write(); break;
		case OP_TRUNC: do_truncate(); break;
		case OP_MAPREAD: do_mapread(); break;
		case OP_MAPWRITE: do_mapwrite(); break;
		case OP_FSYNC: do_fsync(); break;
		case OP_REOPEN: do_reopen(); break;
		default: break;
		}
		check_op();
		if (done % FULL_EVERY == FULL_EVERY - 1)
			check_all();
		if (done % 5000 == 4999) {
			printf("hostfs-fsx: %ld operations\n", done + 1);
			fflush(stdout);
		}
	}
	done--;
	if (close(fd))
		fail("close: %s\n", strerror(errno));
	open_file(0);
	check_all();
	close(fd);
	if (expected)
		write_expected(expected);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("%ld operations in %.1f s:", ops,
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (int i = 0; i < OP_NR; i++)
		printf(" %s %ld", op_names[i], counts[i]);
	printf("; final size %lld\n", size);
	ksft_test_result_pass("fsx on %s: %ld operations, seed %" PRIu64 ", no mismatch\n",
			      file, ops, seed);
	ksft_finished();
}
