// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mounts: handles, and a node's fds taken out of the table for one call,
 * dup()ed under the lock so that a FORGET or an unmount on another
 * worker thread never closes an fd a call still uses; see hostfs-int.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostfs-int.h"

static struct zh_hostfs_mount *mount_find_locked(struct zh_hostfs *fs,
						 uint32_t id)
{
	for (size_t i = 0; i < ZH_HOSTFS_MAX_MOUNTS; i++)
		if (fs->mounts[i] && fs->mounts[i]->id == id)
			return fs->mounts[i];
	return NULL;
}

int zh_hostfs_mount_new(struct zh_hostfs *fs, const char *tag, uint32_t *id,
			uint64_t *root, bool *ro, struct stat *st,
			struct zh_hostfs_export **exp)
{
	struct zh_hostfs_mount *m = NULL;
	struct zh_hostfs_export *e;
	size_t slot;
	int ret, fd = -1;

	*exp = NULL;
	pthread_mutex_lock(&fs->lock);
	e = zh_hostfs_export_find_locked(fs, tag);
	if (!e) {
		ret = ENOENT;
		goto out;
	}
	e->refs++;
	*exp = e;
	for (slot = 0; slot < ZH_HOSTFS_MAX_MOUNTS && fs->mounts[slot]; slot++)
		;
	if (slot == ZH_HOSTFS_MAX_MOUNTS) {
		ret = ENOSPC;
		goto out;
	}
	m = calloc(1, sizeof(*m));
	fd = fcntl(e->dirfd, F_DUPFD_CLOEXEC, 0);
	if (!m || fd < 0 || zh_nodes_init(&m->nodes, fs->max_nodes)) {
		ret = fd < 0 ? errno : ENOMEM;
		goto out;
	}
	if (fstat(fd, st)) {
		ret = errno;
		goto out;
	}
	ret = zh_nodes_add(&m->nodes, fd, st, root);
	fd = -1;
	if (ret)
		goto out;
	m->nodes.root = *root;
	m->id = fs->next_id++;
	if (!fs->next_id)
		fs->next_id = 1;
	m->exp = e;
	e->refs++;
	fs->mounts[slot] = m;
	*id = m->id;
	*ro = e->ro;
	m = NULL;
out:
	if (fd >= 0)
		close(fd);
	if (m) {
		zh_nodes_destroy(&m->nodes);
		free(m);
	}
	pthread_mutex_unlock(&fs->lock);
	return ret;
}

int zh_hostfs_mount_drop(struct zh_hostfs *fs, uint32_t id,
			 struct zh_hostfs_export **exp)
{
	int ret = ESTALE;

	*exp = NULL;
	pthread_mutex_lock(&fs->lock);
	for (size_t i = 0; i < ZH_HOSTFS_MAX_MOUNTS; i++) {
		struct zh_hostfs_mount *m = fs->mounts[i];

		if (!m || m->id != id)
			continue;
		/* The mount's reference becomes the caller's. */
		*exp = m->exp;
		zh_nodes_destroy(&m->nodes);
		free(m);
		fs->mounts[i] = NULL;
		ret = 0;
		break;
	}
	pthread_mutex_unlock(&fs->lock);
	return ret;
}

/* Reopen the node for I/O through /proc: the O_PATH fd cannot read. */
static int node_reopen(struct zh_hostfs_node *n, bool ro, bool write)
{
	char path[40];
	int fd;

	if (n->iofd >= 0 && (n->io_rw || !write))
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", n->fd);
	/* O_NONBLOCK: a file type check above already keeps FIFOs out. */
	fd = ro ? -1 : open(path, O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && !write)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	else if (fd >= 0)
		n->io_rw = true;
	if (fd < 0)
		return errno;
	if (n->iofd >= 0)
		close(n->iofd);
	n->iofd = fd;
	return 0;
}

int zh_hostfs_take(struct zh_hostfs *fs, uint32_t mount, uint64_t node,
		   unsigned int how, struct zh_hostfs_ref *ref)
{
	struct zh_hostfs_mount *m;
	struct zh_hostfs_node *n;
	int ret = ESTALE;

	*ref = (struct zh_hostfs_ref){ .fd = -1, .iofd = -1 };
	pthread_mutex_lock(&fs->lock);
	m = mount_find_locked(fs, mount);
	if (!m)
		goto out;
	ref->exp = m->exp;
	m->exp->refs++;
	n = m->stale ? NULL : zh_nodes_get(&m->nodes, node);
	if (!n)
		goto out;
	ref->mode = n->mode;
	if ((how & ZH_TAKE_WRITE) && m->exp->ro) {
		ret = EROFS;
		goto out;
	}
	if (how & ZH_TAKE_IO) {
		ret = S_ISDIR(n->mode) ? EISDIR : !S_ISREG(n->mode) ? EINVAL :
		      node_reopen(n, m->exp->ro, how & ZH_TAKE_WRITE);
		if (ret)
			goto out;
		ref->iofd = fcntl(n->iofd, F_DUPFD_CLOEXEC, 0);
		ref->io_rw = n->io_rw;
	}
	ref->fd = fcntl(n->fd, F_DUPFD_CLOEXEC, 0);
	ret = ref->fd < 0 || ((how & ZH_TAKE_IO) && ref->iofd < 0) ? EMFILE : 0;
out:
	pthread_mutex_unlock(&fs->lock);
	if (ret && ret != ESTALE && ref->fd >= 0) {
		close(ref->fd);
		ref->fd = -1;
	}
	return ret;
}

void zh_hostfs_ref_put(struct zh_hostfs *fs, struct zh_hostfs_ref *ref)
{
	if (ref->fd >= 0)
		close(ref->fd);
	if (ref->iofd >= 0)
		close(ref->iofd);
	ref->fd = ref->iofd = -1;
	if (ref->exp) {
		pthread_mutex_lock(&fs->lock);
		zh_hostfs_export_put_locked(ref->exp);
		pthread_mutex_unlock(&fs->lock);
		ref->exp = NULL;
	}
}

int zh_hostfs_add_node(struct zh_hostfs *fs, uint32_t mount, int fd,
		       const struct stat *st, uint64_t *id)
{
	struct zh_hostfs_mount *m;
	int ret;

	pthread_mutex_lock(&fs->lock);
	m = mount_find_locked(fs, mount);
	if (!m || m->stale) {
		close(fd);
		ret = ESTALE;
	} else {
		ret = zh_nodes_add(&m->nodes, fd, st, id);
	}
	pthread_mutex_unlock(&fs->lock);
	return ret;
}

int zh_hostfs_forget(struct zh_hostfs *fs, uint32_t mount, uint64_t node,
		     uint64_t n)
{
	struct zh_hostfs_mount *m;
	int ret = ESTALE;

	pthread_mutex_lock(&fs->lock);
	m = mount_find_locked(fs, mount);
	if (m && !m->stale)
		ret = zh_nodes_forget(&m->nodes, node, n);
	pthread_mutex_unlock(&fs->lock);
	return ret;
}

int zh_hostfs_invalidate_targets(struct zh_hostfs *fs, const char *tag,
				 const char *path, struct zh_hostfs_target *out,
				 size_t *nr, char *err, size_t errlen)
{
	struct open_how how = { .flags = O_PATH | O_NOFOLLOW | O_CLOEXEC,
				.resolve = ZH_HOSTFS_RESOLVE };
	struct zh_hostfs_export *e;
	struct stat st;
	int fd = -1, ret = 0;

	*nr = 0;
	pthread_mutex_lock(&fs->lock);
	e = zh_hostfs_export_find_locked(fs, tag);
	if (!e) {
		snprintf(err, errlen, "no export has the tag %s", tag);
		ret = -ENOENT;
		goto out;
	}
	if (path && *path) {
		/* The admin's path, but under the guest's rules all the same. */
		fd = (int)syscall(SYS_openat2, e->dirfd, path, &how, sizeof(how));
		if (fd < 0 || fstat(fd, &st)) {
			ret = -errno;
			if (ret == -EXDEV || ret == -ELOOP)
				snprintf(err, errlen, "%s leaves the export %s or goes through a symbolic link",
					 path, tag);
			else
				snprintf(err, errlen, "%s in %s: %s", path, tag,
					 strerror(-ret));
			goto out;
		}
	}
	for (size_t i = 0; i < ZH_HOSTFS_MAX_MOUNTS; i++) {
		struct zh_hostfs_mount *m = fs->mounts[i];
		uint64_t id = 0;

		if (!m || m->exp != e || m->stale)
			continue;
		if (fd >= 0 && !(id = zh_nodes_find(&m->nodes, st.st_dev, st.st_ino)))
			continue;
		out[(*nr)++] = (struct zh_hostfs_target){ m->id, id };
	}
out:
	pthread_mutex_unlock(&fs->lock);
	if (fd >= 0)
		close(fd);
	return ret;
}
