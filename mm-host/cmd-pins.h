/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "pins" object of query-status: what the host keeps locked, and the
 * guest's own view of its pins.
 */
#ifndef ZHOSTD_CMD_PINS_H
#define ZHOSTD_CMD_PINS_H

#include "commands.h"

/**
 * zhostd_pins_json() - the pinned set's totals and counters as JSON
 * @zd: the daemon
 *
 * With a guest connected, "guest" holds its VMRPC_PIN_STATUS (a reverse
 * call, bounded as zhostd_guest_status_call() says), else JSON null; an
 * older guest that does not know the call gives null too.
 *
 * Return: a new object, or NULL when out of memory.
 */
json_t *zhostd_pins_json(struct zhostd *zd);

#endif /* ZHOSTD_CMD_PINS_H */
