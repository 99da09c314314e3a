// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations on one node: GETATTR, SETATTR, READLINK, FSYNC, STATFS,
 * READ, WRITE (through the payload); see hostfs-int.h.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "hostfs-int.h"

void zh_hostfs_attr(struct vmrpc_hostfs_attr *a, const struct stat *st)
{
	*a = (struct vmrpc_hostfs_attr){
		.ino = htole64((uint64_t)st->st_ino),
		.size = htole64((uint64_t)st->st_size),
		.blocks = htole64((uint64_t)st->st_blocks),
		.atime_sec = htole64((uint64_t)st->st_atim.tv_sec),
		.mtime_sec = htole64((uint64_t)st->st_mtim.tv_sec),
		.ctime_sec = htole64((uint64_t)st->st_ctim.tv_sec),
		.atime_nsec = htole32((uint32_t)st->st_atim.tv_nsec),
		.mtime_nsec = htole32((uint32_t)st->st_mtim.tv_nsec),
		.ctime_nsec = htole32((uint32_t)st->st_ctim.tv_nsec),
		.mode = htole32((uint32_t)st->st_mode),
		.nlink = htole32((uint32_t)st->st_nlink),
		.uid = htole32((uint32_t)st->st_uid),
		.gid = htole32((uint32_t)st->st_gid),
		.blksize = htole32((uint32_t)st->st_blksize),
	};
}

int zh_hostfs_reply_attr(struct zh_hostfs_call *c, int fd,
			 struct vmrpc_hostfs_attr *a)
{
	struct stat st;

	(void)c;
	if (fstat(fd, &st))
		return errno;
	zh_hostfs_attr(a, &st);
	return 0;
}

static struct vmrpc_hostfs_attr *reply_attr(struct zh_hostfs_call *c)
{
	return &((struct vmrpc_hostfs_attr_reply *)c->resp)->attr;
}

int zh_hostfs_getattr(struct zh_hostfs_call *c, uint32_t mount, uint64_t node)
{
	struct zh_hostfs_ref ref;
	int err = zh_hostfs_take(c->fs, mount, node, 0, &ref);

	if (!err)
		err = zh_hostfs_reply_attr(c, ref.fd, reply_attr(c));
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

/* The times of SETATTR as utimensat() takes them. */
static int setattr_times(const struct vmrpc_hostfs_setattr *s, uint32_t valid,
			 struct timespec ts[2])
{
	uint32_t ans = le32toh(s->atime_nsec), mns = le32toh(s->mtime_nsec);
	uint64_t as = le64toh(s->atime_sec), ms = le64toh(s->mtime_sec);

	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	if ((valid & VMRPC_HOSTFS_SET_ATIME && (ans >= 1000000000 || as > INT64_MAX)) ||
	    (valid & VMRPC_HOSTFS_SET_MTIME && (mns >= 1000000000 || ms > INT64_MAX)))
		return EINVAL;
	if (valid & VMRPC_HOSTFS_SET_ATIME_NOW)
		ts[0].tv_nsec = UTIME_NOW;
	else if (valid & VMRPC_HOSTFS_SET_ATIME)
		ts[0] = (struct timespec){ (time_t)as, ans };
	if (valid & VMRPC_HOSTFS_SET_MTIME_NOW)
		ts[1].tv_nsec = UTIME_NOW;
	else if (valid & VMRPC_HOSTFS_SET_MTIME)
		ts[1] = (struct timespec){ (time_t)ms, mns };
	return 0;
}

/*
 * chmod() of the file an O_PATH fd is open on: through /proc, which names
 * that very inode (fchmod() refuses O_PATH fds, and glibc's fchmodat()
 * takes no AT_EMPTY_PATH). Never for a symlink: chmod() would follow it.
 */
static int fd_chmod(int fd, mode_t mode)
{
	char path[40];

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return chmod(path, mode);
}

int zh_hostfs_setattr(struct zh_hostfs_call *c,
		      const struct vmrpc_hostfs_setattr *s)
{
	uint32_t valid = le32toh(s->valid), mode = le32toh(s->mode);
	uint64_t size = le64toh(s->size);
	struct zh_hostfs_ref ref;
	struct timespec ts[2];
	int err;

	if ((valid & ~0xffU) || s->reserved || (mode & ~07777U) ||
	    setattr_times(s, valid, ts)) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "setattr fields", NULL, 0);
		return EINVAL;
	}
	if ((valid & VMRPC_HOSTFS_SET_SIZE) && size > INT64_MAX) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_RANGE, "a size", NULL, 0);
		return EFBIG;
	}
	err = zh_hostfs_take(c->fs, le32toh(s->mount), le64toh(s->node),
			     ZH_TAKE_WRITE | (valid & VMRPC_HOSTFS_SET_SIZE ?
					      ZH_TAKE_IO : 0), &ref);
	if (err)
		goto out;
	if ((valid & VMRPC_HOSTFS_SET_MODE) && S_ISLNK(ref.mode)) {
		err = EOPNOTSUPP;
		goto out;
	}
	if ((valid & VMRPC_HOSTFS_SET_MODE) && fd_chmod(ref.fd, (mode_t)mode)) {
		err = errno;
		goto out;
	}
	if ((valid & (VMRPC_HOSTFS_SET_UID | VMRPC_HOSTFS_SET_GID)) &&
	    fchownat(ref.fd, "",
		     valid & VMRPC_HOSTFS_SET_UID ? (uid_t)le32toh(s->uid) : (uid_t)-1,
		     valid & VMRPC_HOSTFS_SET_GID ? (gid_t)le32toh(s->gid) : (gid_t)-1,
		     AT_EMPTY_PATH)) {
		err = errno;
		goto out;
	}
	if ((valid & VMRPC_HOSTFS_SET_SIZE) && ftruncate(ref.iofd, (off_t)size)) {
		err = errno;
		goto out;
	}
	if ((ts[0].tv_nsec != UTIME_OMIT || ts[1].tv_nsec != UTIME_OMIT) &&
	    utimensat(ref.fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		err = errno;
		goto out;
	}
	err = zh_hostfs_reply_attr(c, ref.fd, reply_attr(c));
out:
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_readlink(struct zh_hostfs_call *c, uint32_t mount, uint64_t node)
{
	uint32_t room = c->resp_cap - (uint32_t)sizeof(struct vmrpc_hostfs_reply);
	struct zh_hostfs_ref ref;
	ssize_t n;
	int err;

	err = zh_hostfs_take(c->fs, mount, node, 0, &ref);
	if (!err && !S_ISLNK(ref.mode))
		err = EINVAL;
	if (err)
		goto out;
	if (room > VMRPC_HOSTFS_SYMLINK_MAX + 1)
		room = VMRPC_HOSTFS_SYMLINK_MAX + 1;
	n = readlinkat(ref.fd, "", (char *)c->resp + sizeof(struct vmrpc_hostfs_reply),
		       room);
	if (n < 0)
		err = errno;
	else if ((size_t)n >= room)
		err = ENAMETOOLONG;
	else {
		((struct vmrpc_hostfs_reply *)c->resp)->count = htole32((uint32_t)n);
		c->resp_len += (uint32_t)n;
	}
out:
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_fsync(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		    uint32_t flags)
{
	struct zh_hostfs_ref ref;
	int err, fd = -1;

	err = zh_hostfs_take(c->fs, mount, node, 0, &ref);
	if (err)
		goto out;
	/* A directory is synced too: what was created in it. */
	if (S_ISREG(ref.mode) || S_ISDIR(ref.mode))
		fd = openat(ref.fd, ".", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (S_ISREG(ref.mode)) {
		zh_hostfs_ref_put(c->fs, &ref);
		err = zh_hostfs_take(c->fs, mount, node, ZH_TAKE_IO, &ref);
		fd = err ? -1 : fcntl(ref.iofd, F_DUPFD_CLOEXEC, 0);
	}
	if (err)
		goto out;
	if (fd < 0)
		err = S_ISREG(ref.mode) || S_ISDIR(ref.mode) ? errno : EINVAL;
	else if (flags & VMRPC_HOSTFS_FSYNC_DATA ? fdatasync(fd) : fsync(fd))
		err = errno;
out:
	if (fd >= 0)
		close(fd);
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_statfs(struct zh_hostfs_call *c, uint32_t mount, uint64_t node)
{
	struct vmrpc_hostfs_statfs *r = (void *)c->resp;
	struct zh_hostfs_ref ref;
	struct statvfs v;
	int err;

	err = zh_hostfs_take(c->fs, mount, node, 0, &ref);
	if (!err && fstatvfs(ref.fd, &v))
		err = errno;
	if (!err) {
		r->blocks = htole64(v.f_blocks);
		r->bfree = htole64(v.f_bfree);
		r->bavail = htole64(v.f_bavail);
		r->files = htole64(v.f_files);
		r->ffree = htole64(v.f_ffree);
		r->bsize = htole32((uint32_t)v.f_bsize);
		r->namelen = htole32((uint32_t)v.f_namemax);
	}
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

/*
 * pread() or pwrite() of @len bytes at @offset until done, end of file or
 * an error; *@done counts what moved. Return: 0 or the errno.
 */
static int io_loop(int fd, uint8_t *buf, uint32_t len, uint64_t offset,
		   bool write, uint32_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write ?
			pwrite(fd, buf + *done, len - *done, (off_t)(offset + *done)) :
			pread(fd, buf + *done, len - *done, (off_t)(offset + *done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		*done += (uint32_t)n;
	}
	return 0;
}

int zh_hostfs_read(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		   uint64_t offset, uint32_t len)
{
	uint8_t *data = c->resp + sizeof(struct vmrpc_hostfs_attr_reply);
	struct zh_hostfs_ref ref;
	uint32_t done = 0;
	int err;

	err = zh_hostfs_take(c->fs, mount, node, ZH_TAKE_IO, &ref);
	if (!err)
		err = io_loop(ref.iofd, data, len, offset, false, &done);
	if (!err)
		err = zh_hostfs_reply_attr(c, ref.iofd, reply_attr(c));
	if (!err) {
		((struct vmrpc_hostfs_reply *)c->resp)->count = htole32(done);
		c->resp_len += done;
		zh_hostfs_add(&zh_hostfs_counters_of(c)->bytes_read, done);
	}
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_write(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		    uint64_t offset, const void *data, uint32_t len)
{
	struct zh_hostfs_ref ref;
	uint32_t done = 0;
	int err;

	err = zh_hostfs_take(c->fs, mount, node, ZH_TAKE_IO | ZH_TAKE_WRITE, &ref);
	if (!err)
		err = io_loop(ref.iofd, (void *)data, len, offset, true, &done);
	/* A short write is the guest's to see; a failure after some too. */
	if (err && done)
		err = 0;
	if (!err)
		err = zh_hostfs_reply_attr(c, ref.iofd, reply_attr(c));
	if (!err) {
		((struct vmrpc_hostfs_reply *)c->resp)->count = htole32(done);
		zh_hostfs_add(&zh_hostfs_counters_of(c)->bytes_written, done);
	}
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}
