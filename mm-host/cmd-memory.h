/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "memory" object of query-memory and query-status.
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

#endif /* ZHOSTD_CMD_MEMORY_H */
