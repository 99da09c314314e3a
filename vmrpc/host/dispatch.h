/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest->host calls: find posted slots, validate them, run the module's
 * handler on a worker thread, write the reply.
 */
#ifndef ZONEHOST_VMRPC_DISPATCH_H
#define ZONEHOST_VMRPC_DISPATCH_H

#include <stdint.h>

#include "layout.h"
#include "stats.h"
#include "vmrpc-host.h"

/**
 * vmrpc_raise_fn - raise a guest vector (VMRPC_GVEC_*)
 * @opaque: the pointer given with the function
 * @vector: guest vector
 *
 * Called from any thread, without the caller's locks held.
 */
typedef void (*vmrpc_raise_fn)(void *opaque, unsigned int vector);

struct vmrpc_dispatch;

/**
 * vmrpc_dispatch_create() - set up the dispatcher; no threads yet
 * @out: the new dispatcher
 * @layout: BAR2, must outlive the dispatcher
 * @stats: counters, must outlive the dispatcher
 * @workers: worker threads to start (>= 1)
 * @raise: raises VMRPC_GVEC_DONE when a call completes
 * @raise_opaque: passed to @raise
 *
 * Module VMRPC_MOD_CORE is registered with the built-in handlers.
 *
 * Return: 0, -EINVAL, -ENOMEM or another negative errno.
 */
int vmrpc_dispatch_create(struct vmrpc_dispatch **out,
			  const struct vmrpc_layout *layout,
			  struct vmrpc_stats *stats, unsigned int workers,
			  vmrpc_raise_fn raise, void *raise_opaque);

/**
 * vmrpc_dispatch_register() - serve the calls of one module
 * @d: the dispatcher, not started
 * @module: < VMRPC_NR_MODULES
 * @fn: the handler
 * @opaque: passed to @fn
 *
 * Return: 0, -EINVAL for a bad module or NULL @fn, -EEXIST if the module
 * has a handler, -EBUSY once started.
 */
int vmrpc_dispatch_register(struct vmrpc_dispatch *d, uint16_t module,
			    vmrpc_handler_fn fn, void *opaque);

/**
 * vmrpc_dispatch_start() - start the worker threads
 * @d: the dispatcher
 *
 * Return: 0 or a negative errno (no thread left running).
 */
int vmrpc_dispatch_start(struct vmrpc_dispatch *d);

/**
 * vmrpc_dispatch_scan() - the guest rang VMRPC_HVEC_CALL: look at every
 * guest->host slot
 * @d: the dispatcher, started
 *
 * Malformed calls and calls of unknown modules are answered at once; valid
 * ones are set TAKEN and queued to a worker. A slot whose call is still
 * being handled is left alone and looked at again when its handler ends.
 */
void vmrpc_dispatch_scan(struct vmrpc_dispatch *d);

/**
 * vmrpc_dispatch_fail_stale() - answer the calls a host that died had
 * taken and never answered
 * @d: the dispatcher, before its first scan
 *
 * A slot left TAKEN may hold half a reply over its request, so the call
 * cannot be run again: it is completed with VMRPC_EBUSY (the guest's
 * caller, if it still waits, may retry). POSTED calls are left for the
 * next scan, which runs them.
 *
 * Return: the number of calls failed; the caller raises VMRPC_GVEC_DONE
 * when it is not 0.
 */
uint32_t vmrpc_dispatch_fail_stale(struct vmrpc_dispatch *d);

/**
 * vmrpc_dispatch_reset() - a new guest (or driver instance) took over:
 * forget the sequence numbers, drop the replies of calls still running
 * @d: the dispatcher
 */
void vmrpc_dispatch_reset(struct vmrpc_dispatch *d);

/**
 * vmrpc_dispatch_stop() - answer queued calls with VMRPC_ESHUTDOWN, let
 * running handlers finish, join the workers
 * @d: the dispatcher; no-op if not started
 *
 * Must not run concurrently with vmrpc_dispatch_scan().
 */
void vmrpc_dispatch_stop(struct vmrpc_dispatch *d);

/**
 * vmrpc_dispatch_destroy() - free the dispatcher
 * @d: stopped or never started; may be NULL
 */
void vmrpc_dispatch_destroy(struct vmrpc_dispatch *d);

#endif /* ZONEHOST_VMRPC_DISPATCH_H */
