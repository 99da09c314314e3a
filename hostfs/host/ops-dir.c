// SPDX-License-Identifier: GPL-2.0-only
/*
 * Directory operations: LOOKUP, CREATE, MKDIR, SYMLINK, UNLINK, RMDIR,
 * RENAME, READDIR. Every name is checked before any system call and used
 * as one component beneath the directory node's O_PATH fd; see
 * hostfs-int.h.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostfs-int.h"

/* Directory entries read per getdents64() call, and calls per READDIR. */
#define DIRENT_BUF	8192
#define DIRENT_CALLS	64

/* The guest's name, checked: 0 or the errno, refused and logged. */
static int name_ok(struct zh_hostfs_call *c, const char *name, uint32_t len)
{
	int err = zh_hostfs_name_check(name, len);

	if (err)
		zh_hostfs_refuse(c, ZH_HOSTFS_R_NAME, "the name", name, len);
	return err;
}

/* @name, checked, as a C string in @buf. */
static int name_take(struct zh_hostfs_call *c, const char *name,
		     uint32_t len, char *buf)
{
	int err = name_ok(c, name, len);

	if (!err) {
		memcpy(buf, name, len);
		buf[len] = '\0';
	}
	return err;
}

/* @name beneath @dirfd as an O_PATH fd: no symlink followed, none out. */
static int open_beneath(int dirfd, const char *name, int *fd)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = ZH_HOSTFS_RESOLVE };

	*fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	return *fd < 0 ? errno : 0;
}

/* The entry reply for the file @fd is open on (owned): a new lookup. */
static int entry_reply(struct zh_hostfs_call *c, uint32_t mount, int fd)
{
	struct vmrpc_hostfs_entry *r = (void *)c->resp;
	uint64_t id = 0;
	struct stat st;
	int err;

	if (fstat(fd, &st)) {
		err = errno;
		close(fd);
		return err;
	}
	err = zh_hostfs_add_node(c->fs, mount, fd, &st, &id);
	if (err == ENOMEM)
		zh_hostfs_refuse(c, ZH_HOSTFS_R_NODES, "a lookup past the mount's node bound",
				 NULL, 0);
	if (err)
		return err;
	r->node = htole64(id);
	zh_hostfs_attr(&r->attr, &st);
	return 0;
}

/* The directory node @dir of @mount, for a change when @write. */
static int take_dir(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
		    bool write, struct zh_hostfs_ref *ref)
{
	int err = zh_hostfs_take(c->fs, mount, dir, write ? ZH_TAKE_WRITE : 0, ref);

	if (!err && !S_ISDIR(ref->mode))
		err = ENOTDIR;
	return err;
}

int zh_hostfs_lookup(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
		     const char *name, uint32_t len)
{
	char buf[VMRPC_HOSTFS_NAME_MAX + 1];
	struct zh_hostfs_ref ref;
	int err, fd;

	err = name_take(c, name, len, buf);
	if (err)
		return err;
	err = take_dir(c, mount, dir, false, &ref);
	if (!err)
		err = open_beneath(ref.fd, buf, &fd);
	if (err == EXDEV)
		zh_hostfs_refuse(c, ZH_HOSTFS_R_NAME, "a lookup leaving the export",
				 name, len);
	if (!err)
		err = entry_reply(c, mount, fd);
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_create_op(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
			uint32_t mode, const char *name, uint32_t len,
			const char *target, uint32_t target_len)
{
	char buf[VMRPC_HOSTFS_NAME_MAX + 1], tbuf[VMRPC_HOSTFS_SYMLINK_MAX + 1];
	struct zh_hostfs_ref ref;
	int err, fd = -1;

	err = name_take(c, name, len, buf);
	if (err)
		return err;
	if (c->proc == VMRPC_HOSTFS_SYMLINK) {
		err = zh_hostfs_target_check(target, target_len);
		if (err) {
			zh_hostfs_refuse(c, ZH_HOSTFS_R_NAME, "the link target",
					 target, target_len);
			return err;
		}
		/* Only text on the host: stored as given, never resolved. */
		memcpy(tbuf, target, target_len);
		tbuf[target_len] = '\0';
	}
	err = take_dir(c, mount, dir, true, &ref);
	if (err)
		goto out;
	switch (c->proc) {
	case VMRPC_HOSTFS_CREATE:
		/* O_EXCL: never opens what is there, a symlink least of all. */
		fd = openat(ref.fd, buf, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW |
			    O_CLOEXEC | O_NONBLOCK, (mode_t)mode);
		/* The mode as asked, not as zhostd's umask leaves it. */
		if (fd < 0 || fchmod(fd, (mode_t)mode))
			err = errno;
		if (fd >= 0)
			close(fd);
		break;
	case VMRPC_HOSTFS_MKDIR:
		err = mkdirat(ref.fd, buf, (mode_t)mode) ? errno : 0;
		break;
	default:
		err = symlinkat(tbuf, ref.fd, buf) ? errno : 0;
		break;
	}
	if (!err)
		err = open_beneath(ref.fd, buf, &fd);
	if (!err)
		err = entry_reply(c, mount, fd);
out:
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_remove(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
		     const char *name, uint32_t len)
{
	char buf[VMRPC_HOSTFS_NAME_MAX + 1];
	struct zh_hostfs_ref ref;
	int err;

	err = name_take(c, name, len, buf);
	if (err)
		return err;
	err = take_dir(c, mount, dir, true, &ref);
	if (!err && unlinkat(ref.fd, buf, c->proc == VMRPC_HOSTFS_RMDIR ?
			     AT_REMOVEDIR : 0))
		err = errno;
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}

int zh_hostfs_rename(struct zh_hostfs_call *c,
		     const struct vmrpc_hostfs_rename *r, const char *old_name,
		     const char *new_name)
{
	char obuf[VMRPC_HOSTFS_NAME_MAX + 1], nbuf[VMRPC_HOSTFS_NAME_MAX + 1];
	uint32_t flags = le32toh(r->flags), mount = le32toh(r->mount);
	struct zh_hostfs_ref from, to = { .fd = -1, .iofd = -1 };
	int err;

	if (flags & ~(VMRPC_HOSTFS_RENAME_NOREPLACE | VMRPC_HOSTFS_RENAME_EXCHANGE) ||
	    flags == (VMRPC_HOSTFS_RENAME_NOREPLACE | VMRPC_HOSTFS_RENAME_EXCHANGE)) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "rename flags", NULL, 0);
		return EINVAL;
	}
	err = name_take(c, old_name, le32toh(r->old_len), obuf);
	if (!err)
		err = name_take(c, new_name, le32toh(r->new_len), nbuf);
	if (err)
		return err;
	/* Both of the same mount: the handle is the request's one. */
	err = take_dir(c, mount, le64toh(r->old_dir), true, &from);
	if (!err)
		err = take_dir(c, mount, le64toh(r->new_dir), true, &to);
	/* The VMRPC flags are renameat2()'s RENAME_NOREPLACE, _EXCHANGE. */
	if (!err && syscall(SYS_renameat2, from.fd, obuf, to.fd, nbuf, flags))
		err = errno;
	zh_hostfs_ref_put(c->fs, &to);
	zh_hostfs_ref_put(c->fs, &from);
	return err;
}

/* The ABI's types are readdir(3)'s; any other (DT_WHT) is unknown. */
static uint16_t dirent_type(unsigned char t)
{
	switch (t) {
	case DT_FIFO: case DT_CHR: case DT_DIR: case DT_BLK:
	case DT_REG: case DT_LNK: case DT_SOCK:
		return t;
	default:
		return VMRPC_HOSTFS_DT_UNKNOWN;
	}
}

/* Pack one entry at @out if it fits in @room: its size, or 0. */
static uint32_t dirent_pack(uint8_t *out, uint32_t room,
			    const struct dirent64 *d)
{
	size_t len = strnlen(d->d_name, VMRPC_HOSTFS_NAME_MAX + 1);
	uint32_t size = (uint32_t)((sizeof(struct vmrpc_hostfs_dirent) + len + 7) & ~7UL);
	struct vmrpc_hostfs_dirent e = {
		.ino = htole64((uint64_t)d->d_ino),
		.next = htole64((uint64_t)d->d_off),
		.type = htole16(dirent_type(d->d_type)),
		.len = htole16((uint16_t)len),
	};

	if (size > room)
		return 0;
	memset(out, 0, size);
	memcpy(out, &e, sizeof(e));
	memcpy(out + sizeof(e), d->d_name, len);
	return size;
}

int zh_hostfs_readdir(struct zh_hostfs_call *c,
		      const struct vmrpc_hostfs_readdir *r)
{
	uint64_t cookie = le64toh(r->cookie);
	uint32_t max = le32toh(r->max), room, used = 0, count = 0;
	uint8_t *out = c->resp + sizeof(struct vmrpc_hostfs_reply);
	char buf[DIRENT_BUF] __attribute__((aligned(8)));
	struct zh_hostfs_ref ref;
	bool full = false;
	int err, fd = -1;

	room = c->resp_cap - (uint32_t)sizeof(struct vmrpc_hostfs_reply);
	if (max < room)
		room = max;
	if (cookie > INT64_MAX) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_RANGE, "a readdir cookie", NULL, 0);
		return EINVAL;
	}
	err = take_dir(c, le32toh(r->mount), le64toh(r->dir), false, &ref);
	if (err)
		goto out;
	/* A fresh fd per call: the cookie alone says where to go on. */
	fd = openat(ref.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || lseek(fd, (off_t)cookie, SEEK_SET) < 0) {
		err = errno;
		goto out;
	}
	for (int calls = 0; !full && calls < DIRENT_CALLS; calls++) {
		long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0)
			break;
		for (long pos = 0; pos < n;) {
			const struct dirent64 *d = (const void *)(buf + pos);
			uint32_t size;

			pos += d->d_reclen;
			if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
				continue;
			size = dirent_pack(out + used, room - used, d);
			if (!size) {
				full = true;
				break;
			}
			used += size;
			count++;
		}
	}
	/* Entries packed before a failure are still good to the guest. */
	if (err && count)
		err = 0;
	/* Count 0 would say "the end": a @max too small for one entry. */
	if (!err && full && !count)
		err = EINVAL;
	if (!err) {
		((struct vmrpc_hostfs_reply *)c->resp)->count = htole32(count);
		c->resp_len += used;
	}
out:
	if (fd >= 0)
		close(fd);
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}
