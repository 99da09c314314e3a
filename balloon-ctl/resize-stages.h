/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl set|grow|shrink --wait --stages: where a resize's time went,
 * from the guest's report of it (query-memory's last_resize.stages, ABI
 * 1.7): the guest's stages, zhostd's own handling of its calls and what
 * VMRPC's round trips cost.
 */
#ifndef BALLOON_CTL_RESIZE_STAGES_H
#define BALLOON_CTL_RESIZE_STAGES_H

#include <stdint.h>

#include <jansson.h>

#include "client.h"

/**
 * bctl_stages_wait() - wait for the guest's report of a resize
 * @c: the connection the resize was asked on (its events wake the wait)
 * @count0: last_resize.count before set-memory (0 when there was none)
 * @target: the size the resize worked towards
 * @wait_s: how long to wait at most
 * @report: set to that resize's last_resize object (a new reference), or
 *	NULL when none came in time
 *
 * The report may come a little after the guest turned idle. A report of
 * another size (one asked before ours) is passed over.
 *
 * Return: BCTL_EXIT_OK whether or not it came, or the status of a failed
 * query-memory (already printed).
 */
int bctl_stages_wait(struct bctl_client *c, uint64_t count0, uint64_t target,
		     double wait_s, json_t **report);

/**
 * bctl_stages_print() - the breakdown for humans, on stdout
 * @report: a last_resize object, or NULL when none came
 * @wait_s: how long bctl_stages_wait() waited, for the message then
 *
 * One line per stage with milliseconds and share of the guest's total,
 * the host calls split into zhostd's handling and VMRPC's round trips;
 * or a line saying why there is no breakdown.
 */
void bctl_stages_print(const json_t *report, double wait_s);

#endif /* BALLOON_CTL_RESIZE_STAGES_H */
