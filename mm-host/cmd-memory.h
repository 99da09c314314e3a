/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "memory" object of query-memory and query-status, and the reverse
 * calls a status makes.
 */
#ifndef ZHOSTD_CMD_MEMORY_H
#define ZHOSTD_CMD_MEMORY_H

#include "commands.h"

/**
 * zhostd_memory_json() - the VM's ZONE_HOST memory as a JSON object
 * @zd: the daemon
 * @err: filled in on failure
 *
 * Has a reverse call in it when a guest is connected (at most a second;
 * none for a few seconds after the guest left one unanswered).
 *
 * Return: a new object, or NULL with @err set.
 */
json_t *zhostd_memory_json(struct zhostd *zd, struct zhostd_error *err);

/**
 * zhostd_guest_status_call() - a reverse call without a request, for a
 *	status: bounded to a second, skipped for a few seconds after the
 *	guest left one unanswered (or until its driver binds again)
 * @zd: the daemon
 * @module: VMRPC_MOD_*
 * @proc: its procedure (VMRPC_MEM_STATUS, VMRPC_PIN_STATUS)
 * @resp: reply buffer
 * @cap: its size
 * @len: set to the reply's length
 * @status: set to the guest's status
 *
 * Return: as vmrpc_host_call(), -ETIMEDOUT when skipped.
 */
int zhostd_guest_status_call(struct zhostd *zd, uint16_t module, uint16_t proc,
			     void *resp, uint32_t cap, uint32_t *len,
			     uint32_t *status);

#endif /* ZHOSTD_CMD_MEMORY_H */
