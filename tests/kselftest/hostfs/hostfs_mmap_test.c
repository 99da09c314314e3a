// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_mmap_test: host files mapped by guest processes, and what the
 * guest sees when the host changes a file.
 *
 *	hostfs_mmap_test [EXPORT]
 *
 * EXPORT is a tag, mounted here (default zht), or an absolute path. The
 * host put three files at its top, in the pattern of hostfs_util.h,
 * variant 'a': host-pattern.bin (several MiB), host-map.bin and inval.bin.
 *
 * The tests: read() and mmap() reads of host-pattern.bin; MAP_SHARED
 * writes (variant 'g') over host-map.bin and over a new file,
 * guest-mapped.bin, msync()ed, in the file after the caches are dropped;
 * MAP_PRIVATE writes that never reach host-pattern.bin; a file the host
 * rewrote (variant 'b') read correctly after reopen; cached pages of a
 * mapping dropped by the host's invalidate (variant 'c').
 *
 * Where the host takes part (tests/e2e/test-hostfs.sh), the program
 * prints "hostfs-mmap: STEP" and waits until the host sends STEP on the
 * host channel: "msynced" (the host checks the bytes written through the
 * mappings while they are still mapped), "reopen" (the host checks
 * host-pattern.bin is unchanged and rewrites it), "rewritten" and
 * "invalidated" (the host rewrites inval.bin keeping its size and mtime,
 * then invalidates it). Without a host channel those tests are skipped.
 * A shell script that holds the channel passes it in ZH_HOST_CHANNEL_FD.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs_util.h"
#include "kselftest.h"

#define PAGE		4096
#define HOST_WAIT_MS	(300 * 1000)
/* guest-mapped.bin: not a whole number of pages. */
#define NEW_SIZE	((3 << 20) + 1008)

static struct hostfs_target exp;
static int chan = -1;

static const char *path(const char *name)
{
	static char buf[2][512];
	static int next;

	return hostfs_path(&exp, name, buf[next++ % 2], sizeof(buf[0]));
}

/* Tell the host what to do or check, and wait until it has. */
static bool host_step(const char *step)
{
	printf("hostfs-mmap: %s\n", step);
	fflush(stdout);
	if (host_channel_wait(chan, step, HOST_WAIT_MS)) {
		ksft_print_msg("the host did not answer %s\n", step);
		return false;
	}
	return true;
}

/* Whether @buf holds variant @v at file offset @off; says where not. */
static bool is_pattern(const char *what, const char *buf, long long off,
		       size_t len, char v)
{
	long long bad = hostfs_pattern_check(buf, off, len, v);

	if (bad < 0)
		return true;
	ksft_print_msg("%s: first byte unlike variant '%c' at offset %lld: 0x%02x\n",
		       what, v, bad, (unsigned char)buf[bad - off]);
	return false;
}

/* The whole file @name read with read(2), checked against variant @v. */
static bool read_is(const char *name, char v)
{
	struct stat st;
	char *buf;
	ssize_t n = 0, r;
	bool ok;
	int fd = open(path(name), O_RDONLY);

	if (fd < 0 || fstat(fd, &st)) {
		ksft_print_msg("open %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	buf = malloc(st.st_size + 1);
	/* Odd-sized reads, so that they cross pages. */
	while (buf && n < st.st_size &&
	       (r = read(fd, buf + n, st.st_size - n < 40000 ?
				      st.st_size - n : 40000)) > 0)
		n += r;
	close(fd);
	ok = buf && n == st.st_size && st.st_size > 0 &&
	     is_pattern(name, buf, 0, n, v);
	if (buf && n != st.st_size)
		ksft_print_msg("%s: read %zd of %lld bytes\n", name, n,
			       (long long)st.st_size);
	free(buf);
	return ok;
}

/* Map @name whole (@prot, @flags); its size in @size. NULL on failure. */
static char *map_file(const char *name, int oflags, int prot, int flags,
		      size_t *size)
{
	struct stat st;
	char *p;
	int fd = open(path(name), oflags);

	if (fd < 0 || fstat(fd, &st) || st.st_size == 0) {
		ksft_print_msg("open %s: %s\n", name, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	p = mmap(NULL, st.st_size, prot, flags, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		ksft_print_msg("mmap %s: %s\n", name, strerror(errno));
		return NULL;
	}
	*size = st.st_size;
	return p;
}

static bool map_is(const char *name, char v)
{
	size_t size;
	char *p = map_file(name, O_RDONLY, PROT_READ, MAP_SHARED, &size);
	bool ok;

	if (!p)
		return false;
	ok = is_pattern(name, p, 0, size, v);
	if (ok)
		ksft_print_msg("%s: %zu bytes mapped, all variant '%c'\n", name,
			       size, v);
	munmap(p, size);
	return ok;
}

static bool t_read(void)
{
	return read_is("host-pattern.bin", 'a');
}

static bool t_map_read(void)
{
	return map_is("host-pattern.bin", 'a');
}

static char *shared_map, *new_map;
static size_t shared_size;

/* Variant 'g' through MAP_SHARED over host-map.bin; stays mapped. */
static bool t_shared_write(void)
{
	char *check;
	bool ok;
	int fd;

	shared_map = map_file("host-map.bin", O_RDWR, PROT_READ | PROT_WRITE,
			      MAP_SHARED, &shared_size);
	if (!shared_map)
		return false;
	hostfs_pattern_fill(shared_map, 0, shared_size, 'g');
	if (msync(shared_map, shared_size, MS_SYNC)) {
		ksft_print_msg("msync: %s\n", strerror(errno));
		return false;
	}
	/* The same file through read(2): the same page cache. */
	check = malloc(shared_size);
	fd = open(path("host-map.bin"), O_RDONLY);
	ok = check && fd >= 0 &&
	     pread(fd, check, shared_size, 0) == (ssize_t)shared_size &&
	     is_pattern("host-map.bin by pread", check, 0, shared_size, 'g');
	if (fd >= 0)
		close(fd);
	free(check);
	return ok;
}

/* A new file, extended with ftruncate, filled through MAP_SHARED. */
static bool t_new_shared(void)
{
	int fd = open(path("guest-mapped.bin"), O_RDWR | O_CREAT | O_TRUNC,
		      0644);

	if (fd < 0 || ftruncate(fd, NEW_SIZE)) {
		ksft_print_msg("create guest-mapped.bin: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	new_map = mmap(NULL, NEW_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       0);
	close(fd);
	if (new_map == MAP_FAILED) {
		new_map = NULL;
		ksft_print_msg("mmap: %s\n", strerror(errno));
		return false;
	}
	hostfs_pattern_fill(new_map, 0, NEW_SIZE, 'g');
	if (msync(new_map, NEW_SIZE, MS_SYNC)) {
		ksft_print_msg("msync: %s\n", strerror(errno));
		return false;
	}
	return true;
}

/* While both are still mapped, the host compares the files. */
static bool t_host_sees_msync(void)
{
	bool ok = host_step("msynced");

	if (shared_map)
		munmap(shared_map, shared_size);
	if (new_map)
		munmap(new_map, NEW_SIZE);
	shared_map = new_map = NULL;
	return ok;
}

/* What went through the mappings is in the files, not only cached. */
static bool t_shared_persists(void)
{
	if (hostfs_drop_caches())
		ksft_print_msg("drop_caches: %s\n", strerror(errno));
	return read_is("host-map.bin", 'g') && read_is("guest-mapped.bin", 'g');
}

static bool t_private_write(void)
{
	size_t size;
	char *p = map_file("host-pattern.bin", O_RDONLY, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE, &size);
	bool ok;

	if (!p)
		return false;
	/* Every fourth page, and the last byte. */
	for (size_t off = 0; off < size; off += 4 * PAGE)
		memset(p + off, 'P', PAGE < size - off ? PAGE : size - off);
	p[size - 1] = 'P';
	ok = p[0] == 'P' && p[size - 1] == 'P' && p[PAGE] != 'P';
	if (msync(p, size, MS_SYNC))
		ksft_print_msg("msync of a private mapping: %s\n",
			       strerror(errno));
	munmap(p, size);
	if (hostfs_drop_caches())
		ksft_print_msg("drop_caches: %s\n", strerror(errno));
	return ok && read_is("host-pattern.bin", 'a');
}

/* The host rewrites host-pattern.bin (variant 'b'); reopen sees it. */
static bool t_reopen_sees_host(void)
{
	/* host-pattern.bin is cached, and mapped too. */
	size_t size;
	char *p = map_file("host-pattern.bin", O_RDONLY, PROT_READ, MAP_SHARED,
			   &size);
	bool ok = p && is_pattern("host-pattern.bin", p, 0, size, 'a');

	if (p)
		munmap(p, size);
	return ok && read_is("host-pattern.bin", 'a') && host_step("reopen") &&
	       read_is("host-pattern.bin", 'b') &&
	       map_is("host-pattern.bin", 'b');
}

/* The host rewrites inval.bin behind the guest's back, then invalidates. */
static bool t_invalidate(void)
{
	size_t size;
	char *p = map_file("inval.bin", O_RDONLY, PROT_READ, MAP_SHARED, &size);
	bool ok = p && is_pattern("inval.bin", p, 0, size, 'a');

	if (!ok || !host_step("rewritten")) {
		if (p)
			munmap(p, size);
		return false;
	}
	/* Size and mtime are as before: nothing tells the guest yet. */
	ksft_print_msg("inval.bin after the host rewrote it, before invalidate: variant '%c' in the mapping\n",
		       p[0]);
	ok = host_step("invalidated") &&
	     is_pattern("inval.bin mapped after invalidate", p, 0, size, 'c');
	munmap(p, size);
	return ok && read_is("inval.bin", 'c');
}

static const struct {
	const char *name;
	bool (*fn)(void);
	bool host;		/* needs the host's part */
} tests[] = {
	{ "read() of a file the host wrote", t_read, false },
	{ "mmap read of a file the host wrote", t_map_read, false },
	{ "MAP_SHARED writes and msync over a host file", t_shared_write,
	  false },
	{ "MAP_SHARED writes and msync in a new file", t_new_shared, false },
	{ "the host sees the bytes msync wrote, still mapped",
	  t_host_sees_msync, true },
	{ "the bytes written through the mappings after drop_caches",
	  t_shared_persists, false },
	{ "MAP_PRIVATE writes never reach the file", t_private_write, false },
	{ "a file the host rewrote is read correctly after reopen",
	  t_reopen_sees_host, true },
	{ "the host's invalidate drops a mapping's cached pages", t_invalidate,
	  true },
};

int main(int argc, char **argv)
{
	const char *arg = argc > 1 ? argv[1] : "zht";
	const int n = sizeof(tests) / sizeof(tests[0]);

	ksft_print_header();
	if (arg[0] != '/' && !hostfs_supported())
		ksft_exit_skip("no hostfs in /proc/filesystems (kernel without CONFIG_ZHOSTFS?)\n");
	if (hostfs_target_open(&exp, arg, NULL))
		ksft_exit_fail_msg("mount %s: %s\n", arg, strerror(errno));
	chan = hostfs_host_channel();
	ksft_set_plan(n);
	for (int i = 0; i < n; i++) {
		if (tests[i].host && chan < 0) {
			ksft_test_result_skip("%s: no host channel\n",
					      tests[i].name);
			continue;
		}
		ksft_print_msg("[RUN] %s\n", tests[i].name);
		ksft_test_result(tests[i].fn(), "%s\n", tests[i].name);
	}
	/* Mappings a skipped or failed test left. */
	if (shared_map)
		munmap(shared_map, shared_size);
	if (new_map)
		munmap(new_map, NEW_SIZE);
	if (hostfs_target_close(&exp))
		ksft_print_msg("umount %s: %s\n", exp.dir, strerror(errno));
	ksft_finished();
}
