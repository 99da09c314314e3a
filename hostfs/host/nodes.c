// SPDX-License-Identifier: GPL-2.0-only
/*
 * One mount's node table: slots with generations, a hash by (dev, ino)
 * so that a file has one node id, lookup counts; see hostfs-int.h.
 *
 * A node id is the slot's generation in the high 32 bits and its index
 * plus one in the low 32: a slot freed and used again gets a new
 * generation, so an old id is stale, never another file's.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "hostfs-int.h"

static uint64_t node_id(const struct zh_hostfs_nodes *t, uint32_t i)
{
	return ((uint64_t)t->v[i].gen << 32) | ((uint64_t)i + 1);
}

static uint32_t node_hash(const struct zh_hostfs_nodes *t, dev_t dev,
			  ino_t ino)
{
	uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)dev;

	return (uint32_t)(h ^ (h >> 32)) & (t->nbuckets - 1);
}

int zh_nodes_init(struct zh_hostfs_nodes *t, uint32_t max)
{
	uint32_t nb = 16;

	*t = (struct zh_hostfs_nodes){ .max = max ? max : 1,
				       .free = ZH_NODE_NONE };
	while (nb < t->max && nb < (1U << 16))
		nb <<= 1;
	t->bucket = malloc(nb * sizeof(*t->bucket));
	if (!t->bucket)
		return -ENOMEM;
	for (uint32_t i = 0; i < nb; i++)
		t->bucket[i] = ZH_NODE_NONE;
	t->nbuckets = nb;
	return 0;
}

static void node_close(struct zh_hostfs_node *n)
{
	if (n->fd >= 0)
		close(n->fd);
	if (n->iofd >= 0)
		close(n->iofd);
	n->fd = n->iofd = -1;
}

void zh_nodes_destroy(struct zh_hostfs_nodes *t)
{
	for (uint32_t i = 0; i < t->nr; i++)
		node_close(&t->v[i]);
	free(t->v);
	free(t->bucket);
	*t = (struct zh_hostfs_nodes){ .free = ZH_NODE_NONE };
}

uint64_t zh_nodes_find(struct zh_hostfs_nodes *t, dev_t dev, ino_t ino)
{
	if (!t->nbuckets)
		return 0;
	for (uint32_t i = t->bucket[node_hash(t, dev, ino)]; i != ZH_NODE_NONE;
	     i = t->v[i].hnext)
		if (t->v[i].dev == dev && t->v[i].ino == ino)
			return node_id(t, i);
	return 0;
}

/* A free slot, growing the array within the bound; ZH_NODE_NONE if full. */
static uint32_t node_slot(struct zh_hostfs_nodes *t)
{
	struct zh_hostfs_node *v;
	uint32_t i, cap;

	if (t->used >= t->max)
		return ZH_NODE_NONE;
	if (t->free != ZH_NODE_NONE) {
		i = t->free;
		t->free = t->v[i].hnext;
		return i;
	}
	cap = t->nr ? t->nr * 2 : 64;
	if (cap > t->max)
		cap = t->max;
	v = realloc(t->v, (size_t)cap * sizeof(*v));
	if (!v)
		return ZH_NODE_NONE;
	t->v = v;
	for (i = t->nr; i < cap; i++) {
		v[i] = (struct zh_hostfs_node){ .fd = -1, .iofd = -1, .gen = 1 };
		v[i].hnext = i + 1 < cap ? i + 1 : ZH_NODE_NONE;
	}
	i = t->nr;
	t->free = i + 1 < cap ? i + 1 : ZH_NODE_NONE;
	t->nr = cap;
	return i;
}

int zh_nodes_add(struct zh_hostfs_nodes *t, int fd, const struct stat *st,
		 uint64_t *id)
{
	uint64_t old = zh_nodes_find(t, st->st_dev, st->st_ino);
	uint32_t i, b;

	if (old) {
		close(fd);
		t->v[(uint32_t)old - 1].nlookup++;
		*id = old;
		return 0;
	}
	i = node_slot(t);
	if (i == ZH_NODE_NONE) {
		close(fd);
		return ENOMEM;
	}
	b = node_hash(t, st->st_dev, st->st_ino);
	t->v[i].fd = fd;
	t->v[i].iofd = -1;
	t->v[i].io_rw = false;
	t->v[i].dev = st->st_dev;
	t->v[i].ino = st->st_ino;
	t->v[i].mode = st->st_mode;
	t->v[i].nlookup = 1;
	t->v[i].hnext = t->bucket[b];
	t->bucket[b] = i;
	t->used++;
	*id = node_id(t, i);
	return 0;
}

struct zh_hostfs_node *zh_nodes_get(struct zh_hostfs_nodes *t, uint64_t id)
{
	uint32_t low = (uint32_t)id, i;

	if (!low || low > t->nr)
		return NULL;
	i = low - 1;
	if (t->v[i].fd < 0 || t->v[i].gen != (uint32_t)(id >> 32))
		return NULL;
	return &t->v[i];
}

int zh_nodes_forget(struct zh_hostfs_nodes *t, uint64_t id, uint64_t n)
{
	struct zh_hostfs_node *node = zh_nodes_get(t, id);
	uint32_t i, *pp;

	if (!node)
		return ESTALE;
	node->nlookup -= n < node->nlookup ? n : node->nlookup;
	if (node->nlookup || id == t->root)
		return 0;
	i = (uint32_t)id - 1;
	for (pp = &t->bucket[node_hash(t, node->dev, node->ino)]; *pp != i;
	     pp = &t->v[*pp].hnext)
		;
	*pp = node->hnext;
	node_close(node);
	/* Never 0 again: a forged id of zeroes stays stale. */
	node->gen = node->gen + 1 ? node->gen + 1 : 1;
	node->hnext = t->free;
	t->free = i;
	t->used--;
	return 0;
}
