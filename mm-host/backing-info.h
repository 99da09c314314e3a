/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd --backing as the host allows it: checked before the shared memory
 * is created, logged with what the host's settings make of it, and shown
 * in query-status (the backing, its page size, how much of it is huge).
 */
#ifndef ZHOSTD_BACKING_INFO_H
#define ZHOSTD_BACKING_INFO_H

#include <stdint.h>

#include <jansson.h>

#include "backing.h"

struct zhostd;

/**
 * zhostd_backing_check() - can @b back @bar_size bytes here?
 * @b: the backing asked for
 * @bar_size: BAR2's size
 *
 * Creates the file and closes it again, so that a refusal (no hugetlb, a
 * hugetlbfs with pages larger than a subblock) is logged with its reason
 * before anything else is set up; then logs what the host's settings
 * make of the backing (shmem_enabled, the hugetlb pool).
 *
 * Return: 0, or a negative errno after logging why.
 */
int zhostd_backing_check(const struct vmrpc_backing *b, uint64_t bar_size);

/**
 * zhostd_backing_json() - the backing for query-status
 * @zd: the daemon
 * @backed: bytes allocated in the data area (zhostd_memory_backed())
 *
 * Return: a new object, or NULL when out of memory.
 */
json_t *zhostd_backing_json(struct zhostd *zd, uint64_t backed);

#endif /* ZHOSTD_BACKING_INFO_H */
