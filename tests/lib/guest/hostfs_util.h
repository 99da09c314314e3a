/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the hostfs guest programs share: mounting an export (or using a
 * directory as it is, so that the programs can be checked on any file
 * system), the host channel a script passes down, the text pattern the
 * host writes with seq(1), dropping caches.
 *
 * A target is named on the command line either by a host export's tag,
 * which the program mounts with `mount -t hostfs TAG DIR` on a directory
 * of its own and unmounts at the end, or by an absolute path, used as it
 * is.
 *
 * The pattern: record i (16 bytes, at offset 16 * i) is the variant
 * letter, i in 14 decimal digits, and a newline, which is what
 *	seq -f 'a%014.0f' 0 $((N - 1))
 * prints for variant 'a'. The host writes and checks files with it
 * (tests/e2e/test-hostfs.sh), the guest with the functions below.
 */
#ifndef HOSTFS_UTIL_H
#define HOSTFS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "host_channel.h"
#include "zone_host_util.h"

#define HOSTFS_DEBUGFS		"/sys/kernel/debug/hostfs"
#define HOSTFS_REC		16

struct hostfs_target {
	char dir[256];		/* where the files are */
	char tag[64];		/* the export's tag, "" for a directory */
	bool mounted;		/* we mounted it: unmount at the end */
};

/*
 * Name @t after @arg: an absolute path is used as it is, anything else is
 * an export's tag mounted on /mnt/hostfs-TAG-PID with the mount options
 * @opts (may be NULL). Returns 0, or -1 with errno from mkdir or mount(2).
 */
static inline int hostfs_target_open(struct hostfs_target *t, const char *arg,
				     const char *opts)
{
	memset(t, 0, sizeof(*t));
	if (arg[0] == '/') {
		snprintf(t->dir, sizeof(t->dir), "%s", arg);
		return 0;
	}
	snprintf(t->tag, sizeof(t->tag), "%s", arg);
	snprintf(t->dir, sizeof(t->dir), "/mnt/hostfs-%s-%d", arg, getpid());
	if (mkdir(t->dir, 0755) && errno != EEXIST)
		return -1;
	if (mount(t->tag, t->dir, "hostfs", 0, opts)) {
		int e = errno;

		rmdir(t->dir);
		errno = e;
		return -1;
	}
	t->mounted = true;
	return 0;
}

/* Unmount @t if we mounted it. Returns 0, or -1 with umount2's errno. */
static inline int hostfs_target_close(struct hostfs_target *t)
{
	if (!t->mounted)
		return 0;
	if (umount2(t->dir, 0))
		return -1;
	t->mounted = false;
	rmdir(t->dir);
	return 0;
}

/* @name below @t's directory, in @buf. */
static inline const char *hostfs_path(const struct hostfs_target *t,
				      const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", t->dir, name);
	return buf;
}

/*
 * The host channel (host_channel.h): the descriptor a guest shell script
 * that holds the port passed down in ZH_HOST_CHANNEL_FD (the port opens
 * only once), made non-blocking, else the port opened here; -1 if none.
 */
static inline int hostfs_host_channel(void)
{
	const char *s = getenv("ZH_HOST_CHANNEL_FD");
	int fd, fl;

	if (!s)
		return host_channel_open();
	fd = atoi(s);
	fl = fcntl(fd, F_GETFL);
	if (fd < 0 || fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -1;
	return fd;
}

/* Whether the kernel knows the file system type hostfs. */
static inline bool hostfs_supported(void)
{
	char line[128];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strcmp(line, "nodev\thostfs\n");
	fclose(f);
	return found;
}

/* Write back and drop the page cache, dentries and inodes. 0, or -1. */
static inline int hostfs_drop_caches(void)
{
	sync();
	return write_str("/proc/sys/vm/drop_caches", "3");
}

/* Fill [@off, @off + @len) of a pattern file of variant @v into @buf. */
static inline void hostfs_pattern_fill(char *buf, long long off, size_t len,
				       char v)
{
	char rec[HOSTFS_REC];
	long long i = off / HOSTFS_REC;
	size_t done = 0;

	while (done < len) {
		size_t from = (size_t)((off + (long long)done) % HOSTFS_REC);
		size_t n = HOSTFS_REC - from;

		long long k = i++;

		rec[0] = v;
		for (int d = 14; d >= 1; d--, k /= 10)
			rec[d] = (char)('0' + k % 10);
		rec[15] = '\n';
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, rec + from, n);
		done += n;
	}
}

/*
 * The first offset in [@off, @off + @len) where @buf differs from the
 * pattern of variant @v, or -1 if it does not.
 */
static inline long long hostfs_pattern_check(const char *buf, long long off,
					     size_t len, char v)
{
	char want[4096];

	for (size_t done = 0; done < len; done += sizeof(want)) {
		size_t n = len - done < sizeof(want) ? len - done : sizeof(want);

		hostfs_pattern_fill(want, off + (long long)done, n, v);
		if (memcmp(want, buf + done, n))
			for (size_t i = 0; i < n; i++)
				if (want[i] != buf[done + i])
					return off + (long long)(done + i);
	}
	return -1;
}

#endif /* HOSTFS_UTIL_H */
