// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state file and QEMU's descriptors; see recover-fds.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "recover-fds.h"

#define RECOVER_TMP	ZH_RECOVER_FILE ".tmp"

/* Read a small file (at @at, not following a link) into @buf. */
static int read_small(int at, const char *path, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;
	int fd;

	fd = openat(at, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	while (got < len - 1) {
		n = read(fd, buf + got, len - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = 0;
	n = n < 0 ? -errno : 0;
	close(fd);
	return (int)n;
}

int zh_recover_state_write(int vm_dir, const struct zh_recover_state *s)
{
	char buf[ZH_RECOVER_FILE_MAX];
	int fd, len, ret = 0;

	len = zh_recover_state_format(s, buf, sizeof(buf));
	if (len < 0)
		return -ENOSPC;
	fd = openat(vm_dir, RECOVER_TMP, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, (size_t)len) != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(vm_dir, RECOVER_TMP, vm_dir, ZH_RECOVER_FILE))
		ret = -errno;
	if (ret)
		unlinkat(vm_dir, RECOVER_TMP, 0);
	return ret;
}

int zh_recover_state_read(int vm_dir, struct zh_recover_state *s, char *err,
			  size_t errlen)
{
	char buf[ZH_RECOVER_FILE_MAX];
	int ret;

	ret = read_small(vm_dir, ZH_RECOVER_FILE, buf, sizeof(buf));
	if (ret) {
		snprintf(err, errlen, "%s", ret == -ENOENT ?
			 "no state file: no zhostd was serving a running QEMU" :
			 strerror(-ret));
		return ret;
	}
	return zh_recover_state_parse(buf, s, err, errlen);
}

void zh_recover_state_remove(int vm_dir)
{
	unlinkat(vm_dir, ZH_RECOVER_FILE, 0);
}

/* Field 22 of /proc/PID/stat, after the command name in parentheses. */
static int proc_start(int pid, uint64_t *start)
{
	char path[64], buf[1024], *p;
	unsigned int field;
	int ret;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	ret = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (ret)
		return ret;
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	/* Field 3 follows ") "; 19 more fields to the start time. */
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu", (unsigned long *)start) != 1)
		return -EINVAL;
	return 0;
}

/* The eventfd-id of our own descriptor @fd. */
static int own_eventfd_id(int fd, uint64_t *id)
{
	char path[64], buf[512];
	struct zh_fdinfo fi;
	int ret;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	ret = read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (ret)
		return ret;
	if (zh_fdinfo_parse(buf, &fi) || !fi.is_eventfd)
		return -EINVAL;
	*id = fi.eventfd_id;
	return 0;
}

int zh_recover_state_fill(struct zh_recover_state *s, int pid, int memfd,
			  const int *host_fd, const int *guest_fd)
{
	struct stat st;
	unsigned int v;
	int ret;

	s->qemu_pid = pid;
	ret = proc_start(pid, &s->qemu_start);
	if (ret)
		return ret;
	if (fstat(memfd, &st))
		return -errno;
	s->memfd_ino = st.st_ino;
	s->echo = host_fd[VMRPC_HVEC_ECHO] >= 0 && guest_fd[VMRPC_GVEC_ECHO] >= 0;
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		if (v == VMRPC_HVEC_ECHO && !s->echo)
			continue;
		ret = own_eventfd_id(host_fd[v], &s->host_id[v]);
		if (!ret)
			ret = own_eventfd_id(guest_fd[v], &s->guest_id[v]);
		if (ret)
			return ret;
	}
	return 0;
}

void zh_recover_adopted_init(struct vmrpc_host_adopted *a)
{
	unsigned int v;

	a->memfd = a->pidfd = -1;
	a->pid = 0;
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		a->host_fd[v] = a->guest_fd[v] = -1;
}

void zh_recover_adopted_close(struct vmrpc_host_adopted *a)
{
	unsigned int v;

	if (a->memfd >= 0)
		close(a->memfd);
	if (a->pidfd >= 0)
		close(a->pidfd);
	a->memfd = a->pidfd = -1;
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		if (a->host_fd[v] >= 0)
			close(a->host_fd[v]);
		if (a->guest_fd[v] >= 0)
			close(a->guest_fd[v]);
		a->host_fd[v] = a->guest_fd[v] = -1;
	}
}

/* Which of QEMU's descriptors are ours, from /proc/PID/fdinfo. */
static int find_fds(const struct zh_recover_state *s,
		    struct zh_recover_fds *m)
{
	char path[64], buf[512];
	struct dirent *de;
	struct zh_fdinfo fi;
	DIR *d;
	int ret = 0;

	zh_recover_fds_init(m);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", s->qemu_pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd < 0 || fd > INT32_MAX)
			continue;
		/* A descriptor closed meanwhile is not ours to miss. */
		ret = read_small(dirfd(d), de->d_name, buf, sizeof(buf));
		if (ret == -EACCES || ret == -EPERM)
			break;
		ret = 0;
		if (!zh_fdinfo_parse(buf, &fi))
			zh_recover_match(s, (int)fd, &fi, m);
	}
	closedir(d);
	return ret;
}

/* pidfd_getfd() of one descriptor, close-on-exec. */
static int take_one(int pidfd, int fd, int *out)
{
	long r = syscall(SYS_pidfd_getfd, pidfd, fd, 0);

	if (r < 0)
		return -errno;
	*out = (int)r;
	return 0;
}

static const char *perm_hint =
	"zhostd needs ptrace access to QEMU to take its descriptors back: run it as QEMU's user (with kernel.yama.ptrace_scope 0) or with CAP_SYS_PTRACE";

/* Open a pidfd of the recorded QEMU, checking it is still that process. */
static int open_qemu(const struct zh_recover_state *s, char *err,
		     size_t errlen)
{
	struct pollfd pfd;
	uint64_t start;
	long pidfd;
	int ret;

	pidfd = syscall(SYS_pidfd_open, s->qemu_pid, 0);
	if (pidfd < 0) {
		ret = -errno;
		snprintf(err, errlen, "QEMU (pid %d) is gone: %s; nothing to recover, start the VM again",
			 s->qemu_pid, strerror(-ret));
		return ret == -ESRCH ? -ESRCH : ret;
	}
	ret = proc_start(s->qemu_pid, &start);
	pfd = (struct pollfd){ .fd = (int)pidfd, .events = POLLIN };
	if (ret || start != s->qemu_start || poll(&pfd, 1, 0) != 0) {
		close((int)pidfd);
		snprintf(err, errlen, "QEMU (pid %d) has exited (or its pid is another process now); nothing to recover, start the VM again",
			 s->qemu_pid);
		return -ESRCH;
	}
	return (int)pidfd;
}

int zh_recover_take(const struct zh_recover_state *s,
		    struct vmrpc_host_adopted *a, char *err, size_t errlen)
{
	struct zh_recover_fds m;
	struct stat st;
	unsigned int v;
	int ret;

	zh_recover_adopted_init(a);
	ret = open_qemu(s, err, errlen);
	if (ret < 0)
		return ret;
	a->pidfd = ret;
	a->pid = s->qemu_pid;
	ret = find_fds(s, &m);
	if (ret) {
		snprintf(err, errlen, "cannot read QEMU's descriptors (pid %d): %s; %s",
			 s->qemu_pid, strerror(-ret), perm_hint);
		goto fail;
	}
	if (!zh_recover_match_done(&m, err, errlen)) {
		ret = -ENOENT;
		goto fail;
	}
	ret = take_one(a->pidfd, m.memfd, &a->memfd);
	for (v = 0; !ret && v < VMRPC_NR_VECTORS; v++) {
		/* The echo vector's pair, if QEMU kept it (vectors=4). */
		if (v >= VMRPC_NR_VECTORS_MIN &&
		    (m.host_fd[v] < 0 || m.guest_fd[v] < 0))
			continue;
		ret = take_one(a->pidfd, m.host_fd[v], &a->host_fd[v]);
		if (!ret)
			ret = take_one(a->pidfd, m.guest_fd[v], &a->guest_fd[v]);
	}
	if (ret) {
		snprintf(err, errlen, "pidfd_getfd on QEMU (pid %d): %s%s%s",
			 s->qemu_pid, strerror(-ret),
			 ret == -EPERM ? "; " : "", ret == -EPERM ? perm_hint : "");
		goto fail;
	}
	/* The inode told us which; the descriptor itself must agree. */
	if (fstat(a->memfd, &st) || st.st_ino != s->memfd_ino) {
		snprintf(err, errlen, "QEMU's memfd changed while zhostd looked at it");
		ret = -ENOENT;
		goto fail;
	}
	return 0;
fail:
	zh_recover_adopted_close(a);
	return ret;
}
