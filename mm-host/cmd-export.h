/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostfs exports as control commands: query-exports, export-add,
 * export-remove, export-invalidate, and the "hostfs" object of
 * query-status.
 */
#ifndef ZHOSTD_CMD_EXPORT_H
#define ZHOSTD_CMD_EXPORT_H

#include "commands.h"

/**
 * zhostd_hostfs_json() - the totals of every export, for query-status
 * @zd: the daemon
 *
 * Return: a new object ({"exports", "mounts", then the counters as query-exports
 * shows them per export), or NULL when
 * out of memory.
 */
json_t *zhostd_hostfs_json(struct zhostd *zd);

#endif /* ZHOSTD_CMD_EXPORT_H */
