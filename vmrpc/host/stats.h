/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Counters of one VMRPC host. One mutex covers them all, so a change to
 * several counters at once (a call completing with an error) is never
 * seen half done by vmrpc_host_get_stats().
 */
#ifndef ZONEHOST_VMRPC_STATS_H
#define ZONEHOST_VMRPC_STATS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vmrpc-host.h"

/**
 * struct vmrpc_stats - the counters and their lock
 * @lock: protects @v
 * @v: the counters
 */
struct vmrpc_stats {
	pthread_mutex_t lock;
	struct vmrpc_host_stats v;
};

/* What happened to a host->guest call, for vmrpc_stats_h2g_end(). */
enum vmrpc_stats_h2g {
	VMRPC_STATS_H2G_REPLY,		/* the guest answered */
	VMRPC_STATS_H2G_MALFORMED,	/* the guest's reply was refused */
	VMRPC_STATS_H2G_TIMEOUT,	/* no answer in time */
	VMRPC_STATS_H2G_FAILED,		/* disconnect or shutdown */
};

/**
 * vmrpc_stats_init() - zero the counters
 * @s: the counters
 *
 * Return: 0 or a negative errno.
 */
int vmrpc_stats_init(struct vmrpc_stats *s);

/**
 * vmrpc_stats_destroy() - release the lock
 * @s: the counters, initialized
 */
void vmrpc_stats_destroy(struct vmrpc_stats *s);

/**
 * vmrpc_stats_get() - consistent snapshot
 * @s: the counters
 * @out: filled in
 */
void vmrpc_stats_get(struct vmrpc_stats *s, struct vmrpc_host_stats *out);

/**
 * vmrpc_stats_g2h_begin() - a guest->host call went to a worker
 * @s: the counters
 */
void vmrpc_stats_g2h_begin(struct vmrpc_stats *s);

/**
 * vmrpc_stats_g2h_end() - a guest->host call was answered or dropped
 * @s: the counters
 * @began: the call was counted by vmrpc_stats_g2h_begin()
 * @replied: a reply was written (false: dropped, the guest went away)
 * @status: the status written
 * @malformed: the call was refused by validation
 */
void vmrpc_stats_g2h_end(struct vmrpc_stats *s, bool began, bool replied,
			 uint32_t status, bool malformed);

/**
 * vmrpc_stats_h2g_begin() - a host->guest call was posted
 * @s: the counters
 */
void vmrpc_stats_h2g_begin(struct vmrpc_stats *s);

/**
 * vmrpc_stats_h2g_end() - a host->guest call finished
 * @s: the counters
 * @how: how it finished
 * @status: the guest's status, for VMRPC_STATS_H2G_REPLY
 */
void vmrpc_stats_h2g_end(struct vmrpc_stats *s, enum vmrpc_stats_h2g how,
			 uint32_t status);

/**
 * vmrpc_stats_h2g_timeout() - a call timed out before it was posted
 * (no free slot)
 * @s: the counters
 */
void vmrpc_stats_h2g_timeout(struct vmrpc_stats *s);

/**
 * vmrpc_stats_h2g_malformed() - a late reply to a call that already
 * timed out was refused by validation
 * @s: the counters
 */
void vmrpc_stats_h2g_malformed(struct vmrpc_stats *s);

/**
 * vmrpc_stats_connection() - QEMU connected (@accepted) or was refused
 * @s: the counters
 * @accepted: true for a connection, false for a refusal
 */
void vmrpc_stats_connection(struct vmrpc_stats *s, bool accepted);

/**
 * vmrpc_stats_doorbells() - the event thread woke for doorbells
 * @s: the counters
 * @rung: doorbells the eventfd had counted since the last wake-up
 */
void vmrpc_stats_doorbells(struct vmrpc_stats *s, uint64_t rung);

#endif /* ZONEHOST_VMRPC_STATS_H */
