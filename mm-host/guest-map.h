/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's view of which subblocks it has plugged, read with
 * VMRPC_MEM_MAP: for check-memory, and for zhostd --recover, which
 * rebuilds its own map from it.
 */
#ifndef ZHOSTD_GUEST_MAP_H
#define ZHOSTD_GUEST_MAP_H

#include <stdint.h>

#include "errors.h"
#include "zhostd.h"

/**
 * zhostd_guest_map_read() - the guest's plugged map of the whole data area
 * @zd: the daemon, with its VMRPC host
 * @err: why, on failure
 *
 * As many VMRPC_MEM_MAP calls as the slot's payload needs; a reply of
 * the wrong length is an error.
 *
 * Return: a bitmap of zhostd_memory_nr_subblocks() bits (bit i % 8 of
 * byte i / 8 is subblock i) to free(), or NULL with @err set.
 */
uint8_t *zhostd_guest_map_read(struct zhostd *zd, struct zhostd_error *err);

#endif /* ZHOSTD_GUEST_MAP_H */
