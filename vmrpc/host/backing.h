/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What backs BAR2 on the host: shmem with small pages, shmem with
 * transparent huge pages, or hugetlb. Creating the file is all this knows;
 * what each backing means for plugging and freeing memory is the memory
 * backend's business (mm-host/memory.c). Documentation/design/zone-host.rst
 * has the measurements behind these choices.
 */
#ifndef ZONEHOST_VMRPC_BACKING_H
#define ZONEHOST_VMRPC_BACKING_H

#include <stddef.h>
#include <stdint.h>

enum vmrpc_backing_kind {
	VMRPC_BACKING_SHM,	/* memfd, the host's shmem_enabled decides */
	VMRPC_BACKING_THP,	/* memfd, MADV_HUGEPAGE on the host's mapping */
	VMRPC_BACKING_HUGETLB,	/* MFD_HUGETLB memfd or a file on hugetlbfs */
};

/* Longest hugetlbfs directory --backing hugetlb=PATH takes. */
#define VMRPC_BACKING_PATH_MAX	4096

/**
 * struct vmrpc_backing - the backing asked for
 * @kind: which
 * @path: HUGETLB only: a hugetlbfs directory to create the file in;
 *	NULL for a memfd of the host's default huge page size. Not owned.
 */
struct vmrpc_backing {
	enum vmrpc_backing_kind kind;
	const char *path;
};

/**
 * vmrpc_backing_parse() - "shm", "thp", "hugetlb" or "hugetlb=PATH"
 * @s: the text; @b->path points into it
 * @b: filled in on success
 *
 * Return: 0, or -EINVAL for anything else (an empty or too long PATH too).
 */
int vmrpc_backing_parse(const char *s, struct vmrpc_backing *b);

/* "shm", "thp" or "hugetlb". */
const char *vmrpc_backing_name(enum vmrpc_backing_kind kind);

/**
 * vmrpc_backing_open() - create the file behind BAR2, @size bytes, sparse
 * @b: the backing
 * @size: its size
 * @unit: the size every hole and preallocation must be a multiple of (the
 *	subblock size); a huge page larger than this, or not dividing it, is
 *	refused
 * @page_size: set to the backing's page size (huge page size for HUGETLB)
 * @err: on failure, why, for the administrator
 * @errlen: size of @err
 *
 * A memfd is sealed against growing and shrinking (QEMU maps all of it);
 * a file on hugetlbfs cannot be sealed and is unlinked at once instead.
 *
 * Return: the file descriptor (close-on-exec), or a negative errno with
 * @err set.
 */
int vmrpc_backing_open(const struct vmrpc_backing *b, uint64_t size,
		       uint64_t unit, uint64_t *page_size, char *err,
		       size_t errlen);

/* mmap() flags the host adds for @kind: MAP_NORESERVE for HUGETLB. */
int vmrpc_backing_map_flags(enum vmrpc_backing_kind kind);

#endif /* ZONEHOST_VMRPC_BACKING_H */
