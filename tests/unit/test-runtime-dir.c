// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runtime directory checks zhostd and balloon-ctl share
 * (mm-host/common/runtime-dir.c): what is missing is created with mode 0700;
 * a directory of another user, one others can write to (the runtime
 * directory) or use at all (a VM's), a symbolic link and a file are refused
 * with a message saying what to do; the default path follows
 * ZHOST_RUNTIME_DIR, root's /run/zonehost and XDG_RUNTIME_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/tap.h"
#include "runtime-dir.h"

#define NOBODY	65534	/* uid and gid of "another user" */
#define TPATH	256

static char base[TPATH - 32];		/* our private temporary directory */
static char rt[TPATH], vm[TPATH];	/* base/rt and base/rt/vm1 */
static char other[TPATH], other_vm[TPATH];	/* base/other: nobody's */
static char link_rt[TPATH], link_vm[TPATH];	/* symbolic links */
static char file[TPATH];		/* a plain file */

/* Async-signal-safe: tap_timeout() calls it too. */
static void cleanup(void)
{
	unlink(link_vm);
	unlink(link_rt);
	unlink(file);
	rmdir(other_vm);
	rmdir(other);
	rmdir(vm);
	rmdir(rt);
	rmdir(base);
}

/* zh_vm_dir_open() of @name in @dir; returns the fd or -errno, @err set. */
static int vm_open(const char *dir, const char *name, bool create,
		   char *err)
{
	int fd;

	err[0] = '\0';
	fd = zh_vm_dir_open(dir, name, create, err, ZH_DIR_ERR_MAX);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? fd : 0;
}

/* A refusal with @ret and a message holding @part1 and @part2. */
static bool refused(int got, int ret, const char *err, const char *part1,
		    const char *part2)
{
	bool ok = got == ret && strstr(err, part1) && strstr(err, part2);

	if (!ok)
		tap_diag("got %d (%s), wanted %d naming '%s' and '%s'", got,
			 err, ret, part1, part2);
	return ok;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? (mode_t)-1 : st.st_mode;
}

static void test_create(void)
{
	char err[ZH_DIR_ERR_MAX];
	struct stat a, b;
	int fd;

	tap_diag("[RUN] creating what is missing");
	fd = zh_vm_dir_open(rt, "vm1", true, err, sizeof(err));
	tap_ok(fd >= 0 && mode_of(rt) == (S_IFDIR | 0700) &&
	       mode_of(vm) == (S_IFDIR | 0700),
	       "a fresh runtime and VM directory are created with mode 0700");
	tap_ok(fd >= 0 && !fstat(fd, &a) && !stat(vm, &b) &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev &&
	       (fcntl(fd, F_GETFD) & FD_CLOEXEC),
	       "the descriptor returned is the VM directory's, close-on-exec");
	if (fd >= 0)
		close(fd);
	else
		tap_diag("%s", err);

	tap_ok(vm_open(rt, "vm1", false, err) == 0,
	       "both are accepted again as they are");
	chmod(rt, 0755);
	tap_ok(vm_open(rt, "vm1", false, err) == 0,
	       "a runtime directory others may read (0755) is accepted");
	tap_ok(vm_open(rt, "vm2", false, err) == -ENOENT,
	       "a missing VM directory is -ENOENT without create");
	tap_ok(vm_open(other, "vm1", false, err) == -ENOENT &&
	       mode_of(other) == (mode_t)-1,
	       "a missing runtime directory is -ENOENT, and not created");
}

static void test_mode(void)
{
	char err[ZH_DIR_ERR_MAX];

	tap_diag("[RUN] modes");
	chmod(rt, 0775);
	tap_ok(refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "writable by its group or others (mode 0775)", "chmod go-w"),
	       "a group-writable runtime directory is refused");
	chmod(rt, 0757);
	tap_ok(refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "writable by its group or others", "0757"),
	       "a world-writable runtime directory is refused");
	chmod(rt, 01777);
	tap_ok(refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "writable by its group or others", "1777"),
	       "a sticky, world-writable one (like /tmp) too");
	chmod(rt, 0700);

	chmod(vm, 0750);
	tap_ok(refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "VM directory", "open to its group or others (mode 0750)"),
	       "a VM directory its group may read is refused");
	chmod(vm, 0701);
	tap_ok(refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "VM directory", "chmod 0700"),
	       "a VM directory others may search is refused");
	chmod(vm, 0700);
}

/* Run zh_vm_dir_open(@dir, "vm1") as nobody; its return value, or 1. */
static int open_as_nobody(const char *dir, char *err)
{
	int pfd[2], ws, ret = 1;
	pid_t pid;

	if (pipe(pfd))
		return 1;
	pid = fork();
	if (pid == 0) {
		char msg[ZH_DIR_ERR_MAX] = "";

		close(pfd[0]);
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(125);
		ret = zh_vm_dir_open(dir, "vm1", true, msg, sizeof(msg));
		if (write(pfd[1], msg, strlen(msg) + 1) < 0)
			_exit(126);
		_exit(ret < 0 ? -ret : 0);
	}
	close(pfd[1]);
	err[0] = '\0';
	if (pid > 0 && read(pfd[0], err, ZH_DIR_ERR_MAX - 1) >= 0 &&
	    waitpid(pid, &ws, 0) == pid && WIFEXITED(ws))
		ret = WEXITSTATUS(ws) == 0 ? 0 : -WEXITSTATUS(ws);
	err[ZH_DIR_ERR_MAX - 1] = '\0';
	close(pfd[0]);
	return ret;
}

static void test_owner(void)
{
	char err[ZH_DIR_ERR_MAX];

	tap_diag("[RUN] owners");
	if (geteuid() != 0) {
		for (int i = 0; i < 4; i++)
			tap_skip("needs root to make a directory another user's",
				 "owner checks");
		return;
	}
	if (mkdir(other, 0777) || chmod(other, 0777) ||
	    chown(other, NOBODY, NOBODY)) {
		printf("Bail out! cannot make %s another user's: %s\n", other,
		       strerror(errno));
		cleanup();
		exit(1);
	}
	tap_ok(refused(vm_open(other, "vm1", true, err), -EPERM, err,
		       "belongs to", "uid 65534") &&
	       strstr(err, "ZHOST_RUNTIME_DIR") &&
	       mode_of(other_vm) == (mode_t)-1,
	       "a runtime directory of another user is refused, nothing created in it");

	tap_ok(!chown(vm, NOBODY, NOBODY) &&
	       refused(vm_open(rt, "vm1", true, err), -EPERM, err,
		       "VM directory", "belongs to"),
	       "a VM directory of another user is refused");
	if (chown(vm, 0, 0))
		tap_diag("chown %s back: %s", vm, strerror(errno));

	/* Another user against ours: base must let them in to look. */
	chmod(base, 0711);
	chmod(rt, 0755);
	tap_ok(refused(open_as_nobody(rt, err), -EPERM, err, "belongs to root",
		       "XDG_RUNTIME_DIR"),
	       "as another user, root's runtime directory is refused");
	chmod(rt, 0777);
	tap_ok(refused(open_as_nobody(rt, err), -EPERM, err, "belongs to root",
		       "XDG_RUNTIME_DIR"),
	       "... even world-writable (as a planted /tmp/zonehost would be)");
	chmod(rt, 0700);
	chmod(base, 0700);
}

static void test_links(void)
{
	char err[ZH_DIR_ERR_MAX];
	int fd;

	tap_diag("[RUN] symbolic links and files");
	if (symlink(rt, link_rt) || symlink("vm1", link_vm)) {
		tap_diag("symlink: %s", strerror(errno));
		return;
	}
	tap_ok(refused(vm_open(link_rt, "vm1", true, err), -ELOOP, err,
		       "is a symbolic link", "ZHOST_RUNTIME_DIR"),
	       "a symbolic link as the runtime directory is refused");
	tap_ok(refused(vm_open(rt, "vmlink", true, err), -ELOOP, err,
		       "VM directory", "is a symbolic link"),
	       "a symbolic link as the VM directory is refused");

	fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0)
		close(fd);
	tap_ok(refused(vm_open(file, "vm1", true, err), -ENOTDIR, err,
		       file, "is not a directory"),
	       "a file as the runtime directory is refused");
	tap_ok(vm_open(rt, "..", true, err) == -EINVAL &&
	       vm_open(rt, "a/b", true, err) == -EINVAL &&
	       vm_open(rt, "", true, err) == -EINVAL,
	       "a VM name that is not one path component is refused");
}

/* zh_runtime_dir() as nobody with @xdg (NULL: unset) is @want. */
static bool default_as_nobody(const char *xdg, const char *want)
{
	int ws;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
			_exit(125);
		if (xdg)
			setenv("XDG_RUNTIME_DIR", xdg, 1);
		else
			unsetenv("XDG_RUNTIME_DIR");
		_exit(strcmp(zh_runtime_dir(), want) ? 1 : 0);
	}
	return pid > 0 && waitpid(pid, &ws, 0) == pid && WIFEXITED(ws) &&
	       WEXITSTATUS(ws) == 0;
}

static void test_default(void)
{
	tap_diag("[RUN] the default path");
	setenv("ZHOST_RUNTIME_DIR", "/some/where", 1);
	tap_ok(!strcmp(zh_runtime_dir(), "/some/where"),
	       "ZHOST_RUNTIME_DIR wins");
	setenv("ZHOST_RUNTIME_DIR", "", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/0", 1);
	if (geteuid() != 0) {
		tap_skip("not root", "root: /run/zonehost");
		tap_skip("not root", "others: XDG_RUNTIME_DIR/zonehost or /tmp/zonehost");
		return;
	}
	tap_ok(!strcmp(zh_runtime_dir(), "/run/zonehost"),
	       "root, ZHOST_RUNTIME_DIR empty: /run/zonehost, not XDG_RUNTIME_DIR");
	tap_ok(default_as_nobody("/run/user/65534", "/run/user/65534/zonehost") &&
	       default_as_nobody(NULL, "/tmp/zonehost") &&
	       default_as_nobody("", "/tmp/zonehost"),
	       "others: $XDG_RUNTIME_DIR/zonehost, else /tmp/zonehost");
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, sizeof(base), "%s/runtime-dir.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(rt, sizeof(rt), "%s/rt", base);
	snprintf(vm, sizeof(vm), "%s/rt/vm1", base);
	snprintf(other, sizeof(other), "%s/other", base);
	snprintf(other_vm, sizeof(other_vm), "%s/other/vm1", base);
	snprintf(link_rt, sizeof(link_rt), "%s/link", base);
	snprintf(link_vm, sizeof(link_vm), "%s/rt/vmlink", base);
	snprintf(file, sizeof(file), "%s/file", base);
	tap_timeout(30, cleanup);
	umask(022);
	tap_plan(22);

	test_create();
	test_mode();
	test_owner();
	test_links();
	test_default();

	cleanup();
	return tap_done();
}
