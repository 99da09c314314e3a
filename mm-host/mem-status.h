/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's reply to VMRPC_MEM_STATUS (struct vmrpc_mem_status) as the
 * "guest" object of query-memory, validated on a buffer without the
 * daemon (tests/fuzz/fuzz-mem-replies.c runs it on any bytes).
 */
#ifndef ZHOSTD_MEM_STATUS_H
#define ZHOSTD_MEM_STATUS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <linux/vmrpc.h>

/**
 * zhostd_mem_status_json() - decode a VMRPC_MEM_STATUS reply
 * @buf: the reply (a private copy, not shared memory)
 * @len: its length
 *
 * Return: {"plugged", "requested", ..., "state", "reason", "floor"}, a new
 * reference; NULL when @len is not the size of struct vmrpc_mem_status or
 * zhostd_mem_status_valid() refuses it (or out of memory).
 */
json_t *zhostd_mem_status_json(const void *buf, size_t len);

/**
 * zhostd_mem_status_valid() - is a VMRPC_MEM_STATUS reply as the ABI says?
 * @st: the reply, a private copy
 *
 * Return: true when the state is a VMRPC_MEM_S_*, the reserved fields are
 * zero and every size fits a signed 64-bit JSON integer.
 */
bool zhostd_mem_status_valid(const struct vmrpc_mem_status *st);

#endif /* ZHOSTD_MEM_STATUS_H */
