/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's one way to resize the guest's ZONE_HOST: a new requested size,
 * passed on to the guest. The set-memory command and the automatic
 * policy of the working-set poller both come here.
 */
#ifndef ZHOSTD_RESIZE_H
#define ZHOSTD_RESIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "errors.h"
#include "zhostd.h"

/**
 * zhostd_resize() - set the requested size and tell the guest
 * @zd: the daemon
 * @bytes: the new size: a multiple of the subblock size, at most max
 * @notified: set to whether the guest was told (a guest that is not
 *	connected reads the size when its driver binds)
 * @err: filled in on failure
 *
 * Makes a reverse call (up to @zd->call_timeout_ms) when a guest is ready.
 *
 * Return: 0, or -1 with @err set (InvalidParameter for a size the memory
 * backend refuses, else as zhostd_error_from_call()).
 */
int zhostd_resize(struct zhostd *zd, uint64_t bytes, bool *notified,
		  struct zhostd_error *err);

#endif /* ZHOSTD_RESIZE_H */
