// SPDX-License-Identifier: GPL-2.0-only
/*
 * The export table: parsing "TAG=DIR[,ro]", adding, removing, listing;
 * see hostfs.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostfs-int.h"

int zh_hostfs_create(struct zh_hostfs **out, struct zhostd_memory *mem,
		     int memfd, const struct vmrpc_host_data_area *area,
		     bool hugetlb, struct zhostd_ratelimit *rl)
{
	struct zh_hostfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return -ENOMEM;
	pthread_mutex_init(&fs->lock, NULL);
	fs->next_id = 1;
	fs->max_nodes = ZH_HOSTFS_MAX_NODES_DEFAULT;
	fs->mem = mem;
	fs->memfd = memfd;
	if (area)
		fs->area = *area;
	fs->hugetlb = hugetlb;
	fs->rl = rl;
	*out = fs;
	return 0;
}

void zh_hostfs_set_max_nodes(struct zh_hostfs *fs, uint32_t max)
{
	pthread_mutex_lock(&fs->lock);
	fs->max_nodes = max;
	pthread_mutex_unlock(&fs->lock);
}

void zh_hostfs_export_put_locked(struct zh_hostfs_export *e)
{
	if (--e->refs)
		return;
	close(e->dirfd);
	free(e->dir);
	free(e);
}

/* Unlink @e from the list and drop the table's reference. */
static void export_unlink_locked(struct zh_hostfs *fs,
				 struct zh_hostfs_export *e)
{
	struct zh_hostfs_export **pp;

	for (pp = &fs->exports; *pp != e; pp = &(*pp)->next)
		;
	*pp = e->next;
	e->removed = true;
	/* Its counters are gone with it: keep them in the totals. */
	for (size_t i = 0; i < sizeof(e->c) / sizeof(uint64_t); i++)
		zh_hostfs_add(&((uint64_t *)&fs->orphan)[i],
			      ((uint64_t *)&e->c)[i]);
	zh_hostfs_export_put_locked(e);
}

/* Drop every mount of @e (all with @e NULL). */
static void mounts_drop_locked(struct zh_hostfs *fs,
			       struct zh_hostfs_export *e, bool keep_stale)
{
	for (size_t i = 0; i < ZH_HOSTFS_MAX_MOUNTS; i++) {
		struct zh_hostfs_mount *m = fs->mounts[i];

		if (!m || (e && m->exp != e))
			continue;
		zh_nodes_destroy(&m->nodes);
		if (keep_stale) {
			m->stale = true;
			continue;
		}
		zh_hostfs_export_put_locked(m->exp);
		free(m);
		fs->mounts[i] = NULL;
	}
}

void zh_hostfs_reset(struct zh_hostfs *fs)
{
	if (!fs)
		return;
	pthread_mutex_lock(&fs->lock);
	mounts_drop_locked(fs, NULL, false);
	pthread_mutex_unlock(&fs->lock);
}

void zh_hostfs_destroy(struct zh_hostfs *fs)
{
	if (!fs)
		return;
	zh_hostfs_reset(fs);
	while (fs->exports)
		export_unlink_locked(fs, fs->exports);
	pthread_mutex_destroy(&fs->lock);
	free(fs);
}

struct zh_hostfs_export *zh_hostfs_export_find_locked(struct zh_hostfs *fs,
						      const char *tag)
{
	for (struct zh_hostfs_export *e = fs->exports; e; e = e->next)
		if (!strcmp(e->tag, tag))
			return e;
	return NULL;
}

int zh_hostfs_export_add(struct zh_hostfs *fs, const struct zh_hostfs_spec *sp,
			 char *err, size_t errlen)
{
	const char *tag = sp->tag, *dir = sp->dir;
	struct zh_hostfs_export *e, **pp;
	struct zh_hostfs_creds saved;
	unsigned int n = 0;
	int fd, ret;

	if (!zh_hostfs_tag_valid(tag, strlen(tag))) {
		snprintf(err, errlen, "'%s' is not a tag: 1 to %d characters of A-Z a-z 0-9 _ . -",
			 tag, VMRPC_HOSTFS_TAG_MAX - 1);
		return -EINVAL;
	}
	/* Tried on this thread now, not found out at the guest's first call. */
	if (sp->creds) {
		if (zh_hostfs_creds_enter(sp->uid, sp->gid, &saved)) {
			snprintf(err, errlen, "cannot act as uid %u gid %u (needs CAP_SETUID and CAP_SETGID)",
				 sp->uid, sp->gid);
			return -EPERM;
		}
		zh_hostfs_creds_leave(&saved);
	}
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot export %s: %s", dir, strerror(-ret));
		return ret;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->dir = strdup(dir))) {
		free(e);
		close(fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(e->tag, sizeof(e->tag), "%s", tag);
	e->dirfd = fd;
	e->ro = sp->ro;
	e->creds = sp->creds;
	e->uid = sp->uid;
	e->gid = sp->gid;
	e->refs = 1;
	pthread_mutex_lock(&fs->lock);
	for (pp = &fs->exports; *pp; pp = &(*pp)->next)
		n++;
	ret = zh_hostfs_export_find_locked(fs, tag) ? -EEXIST :
	      n >= ZH_HOSTFS_MAX_EXPORTS ? -ENOSPC : 0;
	if (!ret)
		*pp = e;
	pthread_mutex_unlock(&fs->lock);
	if (ret) {
		snprintf(err, errlen, ret == -EEXIST ? "the tag %s is exported already" :
			 "%s: no more than %d exports", tag, ZH_HOSTFS_MAX_EXPORTS);
		zh_hostfs_export_put_locked(e);
	}
	return ret;
}

int zh_hostfs_export_remove(struct zh_hostfs *fs, const char *tag)
{
	struct zh_hostfs_export *e;

	pthread_mutex_lock(&fs->lock);
	e = zh_hostfs_export_find_locked(fs, tag);
	if (e) {
		mounts_drop_locked(fs, e, true);
		export_unlink_locked(fs, e);
	}
	pthread_mutex_unlock(&fs->lock);
	return e ? 0 : -ENOENT;
}

static void counters_read(struct zh_hostfs_counters *to,
			  const struct zh_hostfs_counters *from, bool add)
{
	const uint64_t *f = (const uint64_t *)from;
	uint64_t *t = (uint64_t *)to;

	for (size_t i = 0; i < sizeof(*to) / sizeof(uint64_t); i++)
		t[i] = (add ? t[i] : 0) +
		       __atomic_load_n(&f[i], __ATOMIC_RELAXED);
}

int zh_hostfs_exports(struct zh_hostfs *fs, struct zh_hostfs_export_info **out,
		      size_t *nr)
{
	struct zh_hostfs_export_info *v;
	size_t n = 0, i = 0;

	*out = NULL;
	*nr = 0;
	pthread_mutex_lock(&fs->lock);
	for (struct zh_hostfs_export *e = fs->exports; e; e = e->next)
		n++;
	v = n ? calloc(n, sizeof(*v)) : NULL;
	if (n && !v) {
		pthread_mutex_unlock(&fs->lock);
		return -ENOMEM;
	}
	for (struct zh_hostfs_export *e = fs->exports; e; e = e->next, i++) {
		snprintf(v[i].tag, sizeof(v[i].tag), "%s", e->tag);
		snprintf(v[i].dir, sizeof(v[i].dir), "%s", e->dir);
		v[i].ro = e->ro;
		v[i].creds = e->creds;
		v[i].uid = e->uid;
		v[i].gid = e->gid;
		counters_read(&v[i].c, &e->c, false);
		for (size_t j = 0; j < ZH_HOSTFS_MAX_MOUNTS; j++) {
			struct zh_hostfs_mount *m = fs->mounts[j];

			if (m && m->exp == e) {
				v[i].mounts++;
				v[i].nodes += m->nodes.used;
			}
		}
	}
	pthread_mutex_unlock(&fs->lock);
	*out = v;
	*nr = n;
	return 0;
}

void zh_hostfs_totals(struct zh_hostfs *fs, struct zh_hostfs_counters *c,
		      uint32_t *exports, uint32_t *mounts)
{
	*exports = *mounts = 0;
	pthread_mutex_lock(&fs->lock);
	counters_read(c, &fs->orphan, false);
	for (struct zh_hostfs_export *e = fs->exports; e; e = e->next) {
		counters_read(c, &e->c, true);
		(*exports)++;
	}
	for (size_t j = 0; j < ZH_HOSTFS_MAX_MOUNTS; j++)
		*mounts += fs->mounts[j] != NULL;
	pthread_mutex_unlock(&fs->lock);
}
