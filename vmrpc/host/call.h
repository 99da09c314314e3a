/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host->guest calls ("reverse calls"): callers on any thread post into the
 * host->guest slots and sleep; the event thread collects the replies.
 */
#ifndef ZONEHOST_VMRPC_CALL_H
#define ZONEHOST_VMRPC_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include "dispatch.h"
#include "layout.h"
#include "stats.h"

struct vmrpc_calls;

/**
 * vmrpc_calls_create() - set up reverse calls; not ready until a guest is
 * @out: the new object
 * @layout: BAR2, must outlive the object
 * @stats: counters, must outlive the object
 * @raise: raises VMRPC_GVEC_CALL after a post
 * @raise_opaque: passed to @raise
 *
 * Return: 0, -ENOMEM or another negative errno.
 */
int vmrpc_calls_create(struct vmrpc_calls **out,
		       const struct vmrpc_layout *layout,
		       struct vmrpc_stats *stats, vmrpc_raise_fn raise,
		       void *raise_opaque);

/**
 * vmrpc_calls_call() - vmrpc_host_call(), see vmrpc-host.h
 * @c: the reverse calls
 * @module: module number
 * @proc: procedure number
 * @req: request bytes
 * @req_len: bytes at @req
 * @resp: response buffer
 * @resp_cap: bytes at @resp
 * @resp_len: set to the response bytes received
 * @status: set to the guest's status
 * @timeout_ms: time limit, waiting for a free slot included
 *
 * Return: 0 when the guest answered, -ENOTCONN, -ESHUTDOWN, -ETIMEDOUT,
 * -EPROTO or -EINVAL.
 */
int vmrpc_calls_call(struct vmrpc_calls *c, uint16_t module, uint16_t proc,
		     const void *req, uint32_t req_len, void *resp,
		     uint32_t resp_cap, uint32_t *resp_len, uint32_t *status,
		     unsigned int timeout_ms);

/**
 * vmrpc_calls_collect() - the guest rang VMRPC_HVEC_DONE: collect the
 * replies of posted calls and wake their callers
 * @c: the reverse calls
 *
 * A late reply to a call that timed out frees its slot and is dropped.
 */
void vmrpc_calls_collect(struct vmrpc_calls *c);

/**
 * vmrpc_calls_set_ready() - whether a guest driver can take calls
 * @c: the reverse calls
 * @ready: true once a driver with our ABI is bound; false fails every
 *	waiting call with -ENOTCONN and takes back every slot
 */
void vmrpc_calls_set_ready(struct vmrpc_calls *c, bool ready);

/**
 * vmrpc_calls_ready() - whether calls can be made now
 * @c: the reverse calls
 *
 * Return: the last value given to vmrpc_calls_set_ready().
 */
bool vmrpc_calls_ready(const struct vmrpc_calls *c);

/**
 * vmrpc_calls_adopt() - take over the slots of a host that died
 * @c: the reverse calls, none made yet
 *
 * A slot the dead host had posted (in any state but FREE in shared
 * memory) becomes ORPHANED: the guest may still be running it, and its
 * late reply is dropped when it comes. Every slot's next sequence number
 * follows the last one used in it.
 *
 * Return: the number of slots orphaned.
 */
uint32_t vmrpc_calls_adopt(struct vmrpc_calls *c);

/**
 * vmrpc_calls_shutdown() - fail waiting and future calls with -ESHUTDOWN
 * @c: the reverse calls
 */
void vmrpc_calls_shutdown(struct vmrpc_calls *c);

/**
 * vmrpc_calls_destroy() - free the object
 * @c: no call may be running; may be NULL
 */
void vmrpc_calls_destroy(struct vmrpc_calls *c);

#endif /* ZONEHOST_VMRPC_CALL_H */
