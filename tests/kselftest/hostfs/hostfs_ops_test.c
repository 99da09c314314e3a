// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs_ops_test: every operation of hostfs and the errno of each
 * failure, through the guest's VFS.
 *
 *	hostfs_ops_test [RW [RO [TINY]]]
 *
 * RW is a writable export, RO a read-only one, TINY a writable export on
 * a file system of about 1 MiB (the e2e test makes a tmpfs of that size).
 * Each is a tag, mounted here (default tags zht, zht-ro, zht-tiny), or an
 * absolute path used as it is, so that the program can be checked on any
 * file system. The tests of RO and TINY are skipped when those cannot be
 * mounted. Run as root: the EACCES and EPERM tests run in a child that
 * becomes uid 65534.
 *
 * The tests work in a directory of their own, ops-PID, in RW, and remove
 * it at the end.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hostfs_util.h"
#include "kselftest.h"

#define NOBODY		65534
#define MANY		1000

static struct hostfs_target rw, ro, tiny;
static bool have_ro, have_tiny;
static char work[300];

/* @name in the work directory. */
static const char *wp(const char *name)
{
	static char buf[4][600];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", work, name);
	return b;
}

/* Whether @ret failed with @want; says what happened if not. */
static bool fails_with(long ret, int want, const char *what)
{
	int e = errno;

	if (ret >= 0 || e != want) {
		ksft_print_msg("%s: returned %ld, errno %s; wanted %s\n", what,
			       ret, ret < 0 ? strerror(e) : "-",
			       strerror(want));
		return false;
	}
	return true;
}

/* Whether @ret succeeded; says why not if it did not. */
static bool works(long ret, const char *what)
{
	if (ret < 0) {
		ksft_print_msg("%s: %s\n", what, strerror(errno));
		return false;
	}
	return true;
}

static int put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	if (close(fd) || n != (ssize_t)strlen(text))
		return -1;
	return 0;
}

/* The file's contents in @buf (NUL-terminated); bytes read or -1. */
static ssize_t get_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

static bool has_text(const char *path, const char *text)
{
	char buf[256];

	if (get_file(path, buf, sizeof(buf)) < 0) {
		ksft_print_msg("read %s: %s\n", path, strerror(errno));
		return false;
	}
	if (strcmp(buf, text)) {
		ksft_print_msg("%s holds \"%s\", not \"%s\"\n", path, buf, text);
		return false;
	}
	return true;
}

/* Remove @path and everything below it. */
static void remove_tree(const char *path)
{
	struct dirent *e;
	char sub[1024];
	DIR *d = opendir(path);

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		if (e->d_type == DT_DIR)
			remove_tree(sub);
		else
			unlink(sub);
	}
	closedir(d);
	rmdir(path);
}

/*
 * Run @fn(@arg) in a child as uid and gid 65534; returns the errno it
 * returned (0 for success), or -1 if the child could not run.
 */
static int as_nobody(int (*fn)(const char *), const char *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(255);
		_exit(fn(arg) < 0 ? errno : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -1;
	return WEXITSTATUS(status);
}

static bool t_create_write_read(void)
{
	const char *f = wp("data");
	char buf[64];
	struct stat st;
	int fd = open(f, O_RDWR | O_CREAT | O_EXCL, 0640);
	bool ok = works(fd, "open O_CREAT");

	if (!ok)
		return false;
	ok = pwrite(fd, "hello, host", 11, 0) == 11 &&
	     pwrite(fd, "!", 1, 11) == 1 && pread(fd, buf, 12, 0) == 12 &&
	     !memcmp(buf, "hello, host!", 12);
	ok &= works(fstat(fd, &st), "fstat") && st.st_size == 12 &&
	      S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0640;
	ok &= works(close(fd), "close");
	/* Again through a new open: the data went to the host and back. */
	return ok && has_text(f, "hello, host!");
}

static bool t_lookup_enoent(void)
{
	struct stat st;

	return fails_with(stat(wp("missing"), &st), ENOENT, "stat missing") &&
	       fails_with(open(wp("missing"), O_RDONLY), ENOENT,
			  "open missing") &&
	       fails_with(unlink(wp("missing")), ENOENT, "unlink missing") &&
	       fails_with(stat(wp("missing/below"), &st), ENOENT,
			  "stat missing/below");
}

static bool t_eexist(void)
{
	return works(put_file(wp("exists"), "x"), "create") &&
	       works(mkdir(wp("exists-dir"), 0755), "mkdir") &&
	       fails_with(open(wp("exists"), O_CREAT | O_EXCL | O_WRONLY, 0644),
			  EEXIST, "open O_EXCL on a file") &&
	       fails_with(mkdir(wp("exists"), 0755), EEXIST, "mkdir on a file") &&
	       fails_with(mkdir(wp("exists-dir"), 0755), EEXIST,
			  "mkdir on a directory") &&
	       fails_with(symlink("t", wp("exists")), EEXIST,
			  "symlink on a file");
}

static bool t_mkdir_rmdir(void)
{
	struct stat st;
	bool ok = works(mkdir(wp("d"), 0750), "mkdir d") &&
		  works(stat(wp("d"), &st), "stat d") && S_ISDIR(st.st_mode) &&
		  (st.st_mode & 07777) == 0750 &&
		  works(mkdir(wp("d/e"), 0755), "mkdir d/e") &&
		  works(put_file(wp("d/e/f"), "deep"), "create d/e/f") &&
		  has_text(wp("d/e/f"), "deep") &&
		  fails_with(rmdir(wp("d")), ENOTEMPTY, "rmdir d (not empty)") &&
		  works(unlink(wp("d/e/f")), "unlink d/e/f") &&
		  works(rmdir(wp("d/e")), "rmdir d/e") &&
		  works(rmdir(wp("d")), "rmdir d");

	return ok && fails_with(stat(wp("d"), &st), ENOENT, "stat removed d");
}

static bool t_notdir_isdir(void)
{
	struct stat st;

	return works(put_file(wp("plain"), "p"), "create") &&
	       works(mkdir(wp("dir"), 0755), "mkdir") &&
	       fails_with(stat(wp("plain/x"), &st), ENOTDIR, "stat plain/x") &&
	       fails_with(open(wp("plain/x"), O_CREAT | O_WRONLY, 0644),
			  ENOTDIR, "create plain/x") &&
	       fails_with(rmdir(wp("plain")), ENOTDIR, "rmdir a file") &&
	       fails_with(open(wp("dir"), O_WRONLY), EISDIR,
			  "open a directory for writing") &&
	       fails_with(unlink(wp("dir")), EISDIR, "unlink a directory") &&
	       fails_with(rename(wp("plain"), wp("dir")), EISDIR,
			  "rename a file over a directory") &&
	       fails_with(rename(wp("dir"), wp("plain")), ENOTDIR,
			  "rename a directory over a file");
}

static bool t_unlink(void)
{
	struct stat st;
	char buf[16];
	int fd;
	bool ok;

	if (!works(put_file(wp("gone"), "still here"), "create"))
		return false;
	/* An open file outlives its name. */
	fd = open(wp("gone"), O_RDONLY);
	ok = works(fd, "open") && works(unlink(wp("gone")), "unlink") &&
	     fails_with(stat(wp("gone"), &st), ENOENT, "stat after unlink") &&
	     pread(fd, buf, 10, 0) == 10 && !memcmp(buf, "still here", 10);
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool t_chmod_chown(void)
{
	struct stat st;
	bool ok = works(put_file(wp("perm"), "p"), "create") &&
		  works(chmod(wp("perm"), 0604), "chmod") &&
		  works(stat(wp("perm"), &st), "stat");

	if (!ok || (st.st_mode & 07777) != 0604) {
		ksft_print_msg("mode %o after chmod 0604\n", st.st_mode & 07777);
		return false;
	}
	/* Root may give the file away; the host's stat shows it. */
	ok = works(chown(wp("perm"), NOBODY, NOBODY), "chown to 65534") &&
	     works(stat(wp("perm"), &st), "stat");
	if (ok && (st.st_uid != NOBODY || st.st_gid != NOBODY)) {
		ksft_print_msg("owner %u:%u after chown 65534:65534\n",
			       st.st_uid, st.st_gid);
		ok = false;
	}
	return ok && works(chown(wp("perm"), 0, 0), "chown back to root");
}

static int nobody_chown(const char *path)
{
	return chown(path, NOBODY, NOBODY);
}

static bool t_eperm(void)
{
	int e;

	if (!works(put_file(wp("rootfile"), "r"), "create") ||
	    !works(chmod(wp("rootfile"), 0666), "chmod"))
		return false;
	e = as_nobody(nobody_chown, wp("rootfile"));
	if (e != EPERM) {
		ksft_print_msg("chown of root's file by uid 65534: %s, wanted EPERM\n",
			       e < 0 ? "child failed" : strerror(e));
		return false;
	}
	return true;
}

static int nobody_open(const char *path)
{
	int fd = open(path, O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

static int nobody_create(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0644);

	if (fd >= 0)
		close(fd);
	return fd;
}

static bool t_eacces(void)
{
	int e0, e1, e2, e3;

	if (!works(put_file(wp("public"), "p"), "create") ||
	    !works(put_file(wp("secret"), "s"), "create") ||
	    !works(chmod(wp("secret"), 0600), "chmod 0600") ||
	    !works(mkdir(wp("closed"), 0700), "mkdir 0700") ||
	    !works(put_file(wp("closed/inner"), "i"), "create closed/inner"))
		return false;
	/* The control: uid 65534 reaches the work directory. */
	e0 = as_nobody(nobody_open, wp("public"));
	e1 = as_nobody(nobody_open, wp("secret"));
	e2 = as_nobody(nobody_open, wp("closed/inner"));
	e3 = as_nobody(nobody_create, wp("closed/new"));
	ksft_print_msg("uid 65534: open 0644 file: %s; open 0600 file: %s; open in 0700 dir: %s; create in it: %s\n",
		       strerror(e0), strerror(e1), strerror(e2), strerror(e3));
	return e0 == 0 && e1 == EACCES && e2 == EACCES && e3 == EACCES;
}

static bool t_truncate(void)
{
	char buf[8192], zero[4096] = { 0 };
	struct stat st;
	int fd;
	bool ok;

	memset(buf, 'x', sizeof(buf));
	fd = open(wp("trunc"), O_RDWR | O_CREAT, 0644);
	if (!works(fd, "create"))
		return false;
	ok = pwrite(fd, buf, sizeof(buf), 0) == sizeof(buf) &&
	     works(ftruncate(fd, 100), "ftruncate down") &&
	     works(fstat(fd, &st), "fstat") && st.st_size == 100 &&
	     works(ftruncate(fd, 100 + 4096), "ftruncate up") &&
	     pread(fd, buf, sizeof(buf), 0) == 100 + 4096;
	/* The bytes cut off come back as zeroes. */
	ok = ok && !memcmp(buf + 100, zero, 4096);
	close(fd);
	ok = ok && works(truncate(wp("trunc"), 7), "truncate(2)") &&
	     works(stat(wp("trunc"), &st), "stat") && st.st_size == 7;
	return ok && has_text(wp("trunc"), "xxxxxxx");
}

static bool t_utimes(void)
{
	struct timespec ts[2] = {
		{ .tv_sec = 1000000000, .tv_nsec = 123456789 },
		{ .tv_sec = 1234567890, .tv_nsec = 987654321 },
	};
	struct stat st;
	bool ok = works(put_file(wp("times"), "t"), "create") &&
		  works(utimensat(AT_FDCWD, wp("times"), ts, 0), "utimensat") &&
		  works(stat(wp("times"), &st), "stat");

	if (!ok)
		return false;
	ksft_print_msg("atime %lld.%09ld mtime %lld.%09ld\n",
		       (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec,
		       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
	/* Checked at the second: the host's file system keeps what it can. */
	return st.st_atim.tv_sec == ts[0].tv_sec &&
	       st.st_mtim.tv_sec == ts[1].tv_sec &&
	       works(utimensat(AT_FDCWD, wp("times"), NULL, 0), "utimensat now") &&
	       works(stat(wp("times"), &st), "stat") &&
	       st.st_mtim.tv_sec > ts[1].tv_sec;
}

/* Read the directory @path; its names (but . and ..) go to @seen[i]. */
static int list_dir(const char *path, char (*seen)[32], int max, int *dups)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir(path);

	*dups = 0;
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		for (int i = 0; i < n && i < max; i++)
			if (!strcmp(seen[i], e->d_name)) {
				(*dups)++;
				break;
			}
		if (n < max) {
			size_t l = strnlen(e->d_name, sizeof(seen[0]) - 1);

			memcpy(seen[n], e->d_name, l);
			seen[n][l] = '\0';
		}
		n++;
	}
	closedir(d);
	return n;
}

static bool t_readdir_small(void)
{
	char seen[8][32];
	int dups, n, found = 0;
	const char *want[] = { "one", "two", "three", "sub" };

	if (!works(mkdir(wp("small"), 0755), "mkdir") ||
	    !works(put_file(wp("small/one"), "1"), "create one") ||
	    !works(put_file(wp("small/two"), "2"), "create two") ||
	    !works(put_file(wp("small/three"), "3"), "create three") ||
	    !works(mkdir(wp("small/sub"), 0755), "mkdir sub"))
		return false;
	n = list_dir(wp("small"), seen, 8, &dups);
	for (int i = 0; i < n && i < 8; i++)
		for (size_t j = 0; j < sizeof(want) / sizeof(want[0]); j++)
			found += !strcmp(seen[i], want[j]);
	ksft_print_msg("small directory: %d entries, %d expected names, %d duplicates\n",
		       n, found, dups);
	return n == 4 && found == 4 && !dups;
}

static bool t_readdir_many(void)
{
	static char seen[MANY + 16][32];
	char name[32];
	bool named[MANY] = { false };
	int dups, n, ours = 0;

	if (!works(mkdir(wp("many"), 0755), "mkdir"))
		return false;
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "many/entry-%04d", i);
		if (!works(put_file(wp(name), ""), name))
			return false;
	}
	n = list_dir(wp("many"), seen, MANY + 16, &dups);
	for (int i = 0; i < n && i < MANY + 16; i++) {
		int k;

		if (sscanf(seen[i], "entry-%d", &k) == 1 && k >= 0 && k < MANY &&
		    !named[k]) {
			named[k] = true;
			ours++;
		}
	}
	ksft_print_msg("%d files created; readdir gave %d entries, %d of them distinct names of ours, %d duplicates\n",
		       MANY, n, ours, dups);
	return n == MANY && ours == MANY && !dups;
}

static bool t_rename(void)
{
	struct stat st;

	return works(put_file(wp("old"), "moved"), "create old") &&
	       works(put_file(wp("target"), "replaced"), "create target") &&
	       works(mkdir(wp("to"), 0755), "mkdir to") &&
	       works(rename(wp("old"), wp("new")), "rename old new") &&
	       fails_with(stat(wp("old"), &st), ENOENT, "stat old") &&
	       has_text(wp("new"), "moved") &&
	       works(rename(wp("new"), wp("target")), "rename over target") &&
	       has_text(wp("target"), "moved") &&
	       works(rename(wp("target"), wp("to/there")),
		     "rename into a subdirectory") &&
	       has_text(wp("to/there"), "moved") &&
	       fails_with(rename(wp("nothing"), wp("x")), ENOENT,
			  "rename a missing name");
}

static bool t_rename_noreplace(void)
{
	return works(put_file(wp("nr-a"), "a"), "create a") &&
	       works(put_file(wp("nr-b"), "b"), "create b") &&
	       fails_with(renameat2(AT_FDCWD, wp("nr-a"), AT_FDCWD, wp("nr-b"),
				    RENAME_NOREPLACE),
			  EEXIST, "RENAME_NOREPLACE onto a file") &&
	       has_text(wp("nr-a"), "a") && has_text(wp("nr-b"), "b") &&
	       works(renameat2(AT_FDCWD, wp("nr-a"), AT_FDCWD, wp("nr-c"),
			       RENAME_NOREPLACE),
		     "RENAME_NOREPLACE to a free name") &&
	       has_text(wp("nr-c"), "a");
}

static bool t_rename_exchange(void)
{
	struct stat st;

	return works(put_file(wp("x-a"), "first"), "create a") &&
	       works(mkdir(wp("x-d"), 0755), "mkdir d") &&
	       works(put_file(wp("x-d/in"), "inside"), "create d/in") &&
	       works(renameat2(AT_FDCWD, wp("x-a"), AT_FDCWD, wp("x-d"),
			       RENAME_EXCHANGE),
		     "RENAME_EXCHANGE a file and a directory") &&
	       has_text(wp("x-d"), "first") &&
	       has_text(wp("x-a/in"), "inside") &&
	       works(stat(wp("x-a"), &st), "stat") && S_ISDIR(st.st_mode) &&
	       fails_with(renameat2(AT_FDCWD, wp("x-d"), AT_FDCWD,
				    wp("x-none"), RENAME_EXCHANGE),
			  ENOENT, "RENAME_EXCHANGE with a missing name");
}

static bool t_symlink(void)
{
	char buf[256];
	struct stat st;
	ssize_t n;
	bool ok = works(put_file(wp("pointee"), "through the link"), "create") &&
		  works(symlink("pointee", wp("link")), "symlink") &&
		  works(lstat(wp("link"), &st), "lstat") &&
		  S_ISLNK(st.st_mode) && st.st_size == 7;

	if (!ok)
		return false;
	n = readlink(wp("link"), buf, sizeof(buf));
	if (n != 7 || memcmp(buf, "pointee", 7)) {
		ksft_print_msg("readlink: %zd bytes\n", n);
		return false;
	}
	/* The guest follows it, in its own name space. */
	return has_text(wp("link"), "through the link") &&
	       works(symlink("nowhere", wp("dangling")), "dangling symlink") &&
	       fails_with(open(wp("dangling"), O_RDONLY), ENOENT,
			  "open a dangling symlink") &&
	       fails_with(open(wp("link"), O_RDONLY | O_NOFOLLOW), ELOOP,
			  "open O_NOFOLLOW");
}

static bool t_long_symlink(void)
{
	char target[4096], buf[4200];
	ssize_t n;

	memset(target, 'L', 4095);
	target[4095] = '\0';
	for (int i = 100; i < 4095; i += 100)
		target[i] = '/';
	if (!works(symlink(target, wp("longlink")), "symlink of 4095 bytes"))
		return false;
	n = readlink(wp("longlink"), buf, sizeof(buf));
	if (n != 4095 || memcmp(buf, target, 4095)) {
		ksft_print_msg("readlink: %zd bytes (%s), wanted the 4095 given\n",
			       n, n < 0 ? strerror(errno) : "read");
		return false;
	}
	return true;
}

static bool t_fsync(void)
{
	int fd = open(wp("synced"), O_RDWR | O_CREAT, 0644);
	bool ok = works(fd, "create") && pwrite(fd, "durable", 7, 0) == 7 &&
		  works(fsync(fd), "fsync") &&
		  pwrite(fd, "!", 1, 7) == 1 &&
		  works(fdatasync(fd), "fdatasync");

	if (fd >= 0)
		ok &= works(close(fd), "close");
	return ok && has_text(wp("synced"), "durable!");
}

static bool t_statfs(void)
{
	struct statfs s;

	if (!works(statfs(work, &s), "statfs"))
		return false;
	ksft_print_msg("statfs: type %#lx bsize %ld blocks %llu bfree %llu bavail %llu files %llu ffree %llu namelen %ld\n",
		       (long)s.f_type, (long)s.f_bsize,
		       (unsigned long long)s.f_blocks,
		       (unsigned long long)s.f_bfree,
		       (unsigned long long)s.f_bavail,
		       (unsigned long long)s.f_files,
		       (unsigned long long)s.f_ffree, (long)s.f_namelen);
	return s.f_bsize > 0 && s.f_blocks > 0 && s.f_bfree <= s.f_blocks &&
	       s.f_bavail <= s.f_bfree && s.f_ffree <= s.f_files &&
	       s.f_namelen > 0 && s.f_namelen <= 255;
}

static bool t_nametoolong(void)
{
	char name[300];
	struct stat st;

	memset(name, 'n', 256);
	name[256] = '\0';
	if (!fails_with(open(wp(name), O_CREAT | O_WRONLY, 0644), ENAMETOOLONG,
			"create a 256-byte name") ||
	    !fails_with(stat(wp(name), &st), ENAMETOOLONG,
			"stat a 256-byte name") ||
	    !fails_with(mkdir(wp(name), 0755), ENAMETOOLONG,
			"mkdir a 256-byte name"))
		return false;
	/* 255 bytes is a name like any other. */
	name[255] = '\0';
	return works(put_file(wp(name), "long"), "create a 255-byte name") &&
	       has_text(wp(name), "long") && works(unlink(wp(name)), "unlink it");
}

static bool t_exdev(void)
{
	char there[600];

	snprintf(there, sizeof(there), "%s/exdev-%d", tiny.dir, getpid());
	return works(put_file(wp("crossing"), "c"), "create") &&
	       fails_with(rename(wp("crossing"), there), EXDEV,
			  "rename to another hostfs mount") &&
	       has_text(wp("crossing"), "c");
}

static bool t_erofs(void)
{
	char path[600], buf[256];
	struct dirent *e;
	struct stat st;
	bool ok = true, read_one = false;
	DIR *d = opendir(ro.dir);

	if (!works(d ? 0 : -1, "opendir the read-only export"))
		return false;
	/* Reading works: every regular file at its top. */
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s", ro.dir, e->d_name);
		if (lstat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		if (get_file(path, buf, sizeof(buf)) < 0) {
			ksft_print_msg("read %s: %s\n", path, strerror(errno));
			ok = false;
		}
		read_one = true;
		ok &= fails_with(open(path, O_WRONLY), EROFS, "open O_WRONLY") &&
		      fails_with(truncate(path, 0), EROFS, "truncate") &&
		      fails_with(chmod(path, 0600), EROFS, "chmod") &&
		      fails_with(unlink(path), EROFS, "unlink");
	}
	closedir(d);
	if (!read_one) {
		ksft_print_msg("the read-only export has no file at its top\n");
		ok = false;
	}
	snprintf(path, sizeof(path), "%s/new-%d", ro.dir, getpid());
	return ok &&
	       fails_with(open(path, O_CREAT | O_WRONLY, 0644), EROFS, "create") &&
	       fails_with(mkdir(path, 0755), EROFS, "mkdir") &&
	       fails_with(symlink("x", path), EROFS, "symlink");
}

static bool t_enospc(void)
{
	char path[600];
	static char buf[256 << 10];
	int fd, e = 0;
	long long done = 0;
	bool ok;

	snprintf(path, sizeof(path), "%s/fill-%d", tiny.dir, getpid());
	memset(buf, 'f', sizeof(buf));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!works(fd, "create on the tiny export"))
		return false;
	/*
	 * 4 MiB into a 1 MiB file system: the page cache takes it, the host
	 * refuses it when it is written back, at the latest on fsync.
	 */
	for (int i = 0; i < 16 && !e; i++) {
		if (write(fd, buf, sizeof(buf)) < 0)
			e = errno;
		else
			done += sizeof(buf);
	}
	if (!e && fsync(fd))
		e = errno;
	if (close(fd) && !e)
		e = errno;
	ksft_print_msg("tiny export: %lld bytes accepted, then %s\n", done,
		       e ? strerror(e) : "no error");
	ok = e == ENOSPC;
	/* The space comes back. */
	ok &= works(unlink(path), "unlink");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ok &= works(fd, "create again") && write(fd, buf, 65536) == 65536 &&
	      works(fsync(fd), "fsync 64 KiB");
	if (fd >= 0)
		close(fd);
	unlink(path);
	return ok;
}

enum need { RW, RO, TINY, ROOT_RW };

static const struct {
	const char *name;
	bool (*fn)(void);
	enum need need;
} tests[] = {
	{ "create, write, read back", t_create_write_read, RW },
	{ "lookup of a missing name: ENOENT", t_lookup_enoent, RW },
	{ "EEXIST", t_eexist, RW },
	{ "mkdir, rmdir, ENOTEMPTY", t_mkdir_rmdir, RW },
	{ "ENOTDIR and EISDIR", t_notdir_isdir, RW },
	{ "unlink", t_unlink, RW },
	{ "chmod and chown (setattr)", t_chmod_chown, ROOT_RW },
	{ "chown by uid 65534: EPERM", t_eperm, ROOT_RW },
	{ "uid 65534 in a 0700 directory or a 0600 file: EACCES", t_eacces,
	  ROOT_RW },
	{ "truncate down and up", t_truncate, RW },
	{ "utimensat", t_utimes, RW },
	{ "readdir of a small directory", t_readdir_small, RW },
	{ "readdir of 1000 entries: complete, no duplicates", t_readdir_many,
	  RW },
	{ "rename", t_rename, RW },
	{ "rename RENAME_NOREPLACE", t_rename_noreplace, RW },
	{ "rename RENAME_EXCHANGE", t_rename_exchange, RW },
	{ "symlink, readlink, following in the guest", t_symlink, RW },
	{ "a symlink of 4095 bytes", t_long_symlink, RW },
	{ "fsync, fdatasync", t_fsync, RW },
	{ "statfs", t_statfs, RW },
	{ "a 256-byte name: ENAMETOOLONG", t_nametoolong, RW },
	{ "rename across two mounts: EXDEV", t_exdev, TINY },
	{ "read-only export: reads work, writes EROFS", t_erofs, RO },
	{ "a full export: ENOSPC, then space again", t_enospc, TINY },
};

/* Open target @t from @arg; false (and a message) if it cannot be had. */
static bool open_target(struct hostfs_target *t, const char *arg)
{
	if (hostfs_target_open(t, arg, NULL)) {
		ksft_print_msg("%s: %s\n", arg, strerror(errno));
		return false;
	}
	ksft_print_msg("%s on %s\n", arg, t->dir);
	return true;
}

int main(int argc, char **argv)
{
	const char *arg_rw = argc > 1 ? argv[1] : "zht";
	const char *arg_ro = argc > 2 ? argv[2] : "zht-ro";
	const char *arg_tiny = argc > 3 ? argv[3] : "zht-tiny";
	const int n = sizeof(tests) / sizeof(tests[0]);
	bool root = geteuid() == 0;

	ksft_print_header();
	if ((arg_rw[0] != '/' || arg_ro[0] != '/' || arg_tiny[0] != '/') &&
	    !hostfs_supported())
		ksft_exit_skip("no hostfs in /proc/filesystems (kernel without CONFIG_ZHOSTFS?)\n");
	if (!open_target(&rw, arg_rw))
		ksft_exit_fail_msg("cannot use the writable export %s\n", arg_rw);
	have_ro = open_target(&ro, arg_ro);
	have_tiny = open_target(&tiny, arg_tiny);
	snprintf(work, sizeof(work), "%s/ops-%d", rw.dir, getpid());
	if (mkdir(work, 0755))
		ksft_exit_fail_msg("mkdir %s: %s\n", work, strerror(errno));
	umask(0);
	ksft_set_plan(n);
	for (int i = 0; i < n; i++) {
		if ((tests[i].need == RO && !have_ro) ||
		    (tests[i].need == TINY && !have_tiny)) {
			ksft_test_result_skip("%s: export not mounted\n",
					      tests[i].name);
			continue;
		}
		if (tests[i].need == ROOT_RW && !root) {
			ksft_test_result_skip("%s: needs root\n", tests[i].name);
			continue;
		}
		ksft_print_msg("[RUN] %s\n", tests[i].name);
		ksft_test_result(tests[i].fn(), "%s\n", tests[i].name);
	}
	remove_tree(work);
	hostfs_target_close(&tiny);
	hostfs_target_close(&ro);
	if (hostfs_target_close(&rw))
		ksft_print_msg("umount %s: %s\n", rw.dir, strerror(errno));
	ksft_finished();
}
