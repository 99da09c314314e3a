/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host's paging mode kept and told: a thread (ticker.h) that every
 * ZHOSTD_PAGING_TICK_MS reads the host's swap, decides the mode
 * (paging.h), asks a ready guest its VMRPC_PAGING_STATUS and calls
 * VMRPC_PAGING_SET_MODE when the guest's mode is not the host's. A guest
 * that answers "no such module" does not support host paging: it is left
 * alone until its driver binds again. See paging.h for the layers.
 */
#ifndef ZHOSTD_PAGING_MODE_H
#define ZHOSTD_PAGING_MODE_H

#include "zhostd.h"

#define ZHOSTD_PAGING_TICK_MS	1000

/**
 * zhostd_paging_tick() - decide the mode and tell the guest, once
 * @zd: the daemon
 *
 * The thread's work; the paging command runs it too, so that a switch
 * takes effect before the command returns. Sends PAGING_MODE when the
 * host's or the guest's mode changed. Safe from any thread.
 */
void zhostd_paging_tick(struct zhostd *zd);

/* Set up (not started) the thread of @zd; Return: 0 or -errno. */
int zhostd_paging_thread_init(struct zhostd *zd);

/* Start it. Return: 0 or -errno. */
int zhostd_paging_thread_start(struct zhostd *zd);

/* Stop it (nothing when it does not run). */
void zhostd_paging_thread_stop(struct zhostd *zd);

#endif /* ZHOSTD_PAGING_MODE_H */
