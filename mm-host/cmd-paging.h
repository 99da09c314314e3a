/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "paging" object of query-status and query-paging: the host's paging
 * mode, where the data area's pages are (resident, in host swap, pinned,
 * hinted), the guest's view and the counters.
 */
#ifndef ZHOSTD_CMD_PAGING_H
#define ZHOSTD_CMD_PAGING_H

#include "commands.h"

/**
 * zhostd_paging_json() - host paging as JSON
 * @zd: the daemon
 *
 * Makes no call into the guest: "guest" is the guest's status as the
 * paging thread last read it (null when unknown).
 *
 * Return: a new object, or NULL when out of memory.
 */
json_t *zhostd_paging_json(struct zhostd *zd);

#endif /* ZHOSTD_CMD_PAGING_H */
