// SPDX-License-Identifier: GPL-2.0-only
/*
 * The runtime directory and its checks (runtime-dir.h). Each directory is
 * opened once, without following a symbolic link, and the checks look at
 * what the descriptor refers to, so the directory checked is the one used:
 * RUNTIME/NAME is opened relative to RUNTIME's descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime-dir.h"
#include "vm-paths.h"

/* Which of the two directories; they differ in what they forbid. */
enum zh_dir_kind {
	ZH_DIR_RUNTIME,		/* RUNTIME: no group or other write */
	ZH_DIR_VM,		/* RUNTIME/NAME: no group or other access */
};

const char *zh_runtime_dir(void)
{
	static char buf[PATH_MAX];
	const char *env = getenv("ZHOST_RUNTIME_DIR");

	if (env && *env)
		return env;
	if (geteuid() == 0)
		return ZH_RUNTIME_DIR_ROOT;
	env = getenv("XDG_RUNTIME_DIR");
	snprintf(buf, sizeof(buf), "%s/zonehost", env && *env ? env : "/tmp");
	return buf;
}

/* Write the message into @err; return @ret, a negative errno. */
__attribute__((format(printf, 4, 5)))
static int dir_fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}

/* "alice (uid 1000)", or "uid 1000" without a passwd entry. */
static void user_name(uid_t uid, char *buf, size_t len)
{
	const struct passwd *pw = getpwuid(uid);

	if (pw && pw->pw_name)
		snprintf(buf, len, "%s (uid %u)", pw->pw_name, (unsigned int)uid);
	else
		snprintf(buf, len, "uid %u", (unsigned int)uid);
}

static const char *kind_name(enum zh_dir_kind kind)
{
	return kind == ZH_DIR_VM ? "VM directory" : "runtime directory";
}

/* A directory owned by someone else: say whose, and what to do instead. */
static int wrong_owner(const struct stat *st, const char *shown,
		       enum zh_dir_kind kind, char *err, size_t len)
{
	char owner[64], me[64];

	user_name(st->st_uid, owner, sizeof(owner));
	user_name(geteuid(), me, sizeof(me));
	if (kind == ZH_DIR_VM)
		return dir_fail(err, len, -EPERM,
				"VM directory %s belongs to %s, not to you, %s: refusing to use it; remove it (as its owner or root)",
				shown, owner, me);
	/* Root's default ignores XDG_RUNTIME_DIR. */
	return dir_fail(err, len, -EPERM,
			"runtime directory %s belongs to %s, not to you, %s: refusing to use it; its owner could replace the sockets in it, so use a directory of your own: set %s",
			shown, owner, me,
			geteuid() ? "XDG_RUNTIME_DIR (its zonehost/ is used) or ZHOST_RUNTIME_DIR" :
			"ZHOST_RUNTIME_DIR");
}

/* Mode bits that let others change (or, for a VM, see) what is inside. */
static int wrong_mode(const struct stat *st, const char *shown,
		      enum zh_dir_kind kind, char *err, size_t len)
{
	unsigned int mode = st->st_mode & 07777;

	if (kind == ZH_DIR_VM)
		return dir_fail(err, len, -EPERM,
				"VM directory %s is open to its group or others (mode %04o): refusing to use it; make it private: chmod 0700 %s",
				shown, mode, shown);
	return dir_fail(err, len, -EPERM,
			"runtime directory %s is writable by its group or others (mode %04o): refusing to use it; they could replace the sockets in it, so chmod go-w %s",
			shown, mode, shown);
}

/* The checks of runtime-dir.h on what @st describes. */
static int dir_check(const struct stat *st, const char *shown,
		     enum zh_dir_kind kind, char *err, size_t len)
{
	const mode_t forbidden = kind == ZH_DIR_VM ? 0077 : 0022;

	if (S_ISLNK(st->st_mode))
		return dir_fail(err, len, -ELOOP,
				"%s %s is a symbolic link, which zonehost does not follow: remove it%s",
				kind_name(kind), shown,
				kind == ZH_DIR_RUNTIME ?
				", or set ZHOST_RUNTIME_DIR to the real directory" : "");
	if (!S_ISDIR(st->st_mode))
		return dir_fail(err, len, -ENOTDIR, "%s %s is not a directory",
				kind_name(kind), shown);
	if (st->st_uid != geteuid())
		return wrong_owner(st, shown, kind, err, len);
	if (st->st_mode & forbidden)
		return wrong_mode(st, shown, kind, err, len);
	return 0;
}

/*
 * Open @path (relative to @at) as a directory of @kind, creating it first
 * if @create; @shown is its name for messages. Returns an O_PATH fd.
 */
static int dir_open(int at, const char *path, const char *shown,
		    enum zh_dir_kind kind, bool create, char *err, size_t len)
{
	struct stat st;
	int fd, ret;

	if (create && mkdirat(at, path, 0700) && errno != EEXIST)
		return dir_fail(err, len, -errno, "cannot create %s %s: %s",
				kind_name(kind), shown, strerror(errno));
	/* O_PATH: the owner of a directory we may not read is still shown. */
	fd = openat(at, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return dir_fail(err, len, -errno, "cannot open %s %s: %s",
				kind_name(kind), shown, strerror(errno));
	if (fstat(fd, &st)) {
		ret = dir_fail(err, len, -errno, "cannot stat %s %s: %s",
			       kind_name(kind), shown, strerror(errno));
		close(fd);
		return ret;
	}
	ret = dir_check(&st, shown, kind, err, len);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int zh_vm_dir_open(const char *runtime, const char *name, bool create,
		   char *err, size_t len)
{
	char shown[PATH_MAX];
	int rfd, vfd;

	if (!zh_vm_name_valid(name))
		return dir_fail(err, len, -EINVAL, "bad VM name '%s': %s", name,
				ZH_VM_NAME_RULE);
	rfd = dir_open(AT_FDCWD, runtime, runtime, ZH_DIR_RUNTIME, create,
		       err, len);
	if (rfd < 0)
		return rfd;
	snprintf(shown, sizeof(shown), "%s/%s", runtime, name);
	vfd = dir_open(rfd, name, shown, ZH_DIR_VM, create, err, len);
	close(rfd);
	return vfd;
}
