/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pinned set (pin.h) as the rest of zhostd uses it: the guest's
 * VMRPC_MOD_PIN calls, and snapshots for the control commands, each under
 * the memory backend's lock (memory.h), so that a pin never races with a
 * plug, an unplug or a punch.
 *
 * Layers, each calling only those below it:
 *   pin-serve.c   this file: decodes (pin-wire.h), takes the lock
 *                 (zhostd_memory_locked()), applies (pin.h)
 *   memory.c      the plugged map; calls pin.h's hooks on plug and unplug
 *   pin.c         the pinned set: state bits, mlock(), munlock()
 *   pin-wire.c    the wire format, checked
 */
#ifndef ZHOSTD_PIN_SERVE_H
#define ZHOSTD_PIN_SERVE_H

#include <stddef.h>
#include <stdint.h>

#include "memory.h"
#include "pin.h"

/**
 * zhostd_pin_serve() - the vmrpc_handler_fn of VMRPC_MOD_PIN
 * @opaque: the struct zhostd_memory, with its pinned set attached
 *	(zhostd_memory_set_pin())
 * @proc: VMRPC_PIN_UPDATE (the only guest->host procedure)
 * @req: validated private copy of the request
 * @req_len: its length
 * @resp: reply buffer: one struct vmrpc_pin_result per run
 * @resp_cap: its size
 * @resp_len: set to the reply length
 *
 * A malformed batch (zh_pin_batch_decode()) changes nothing and is
 * counted as a bad call. Each run that is not pinned in full is reported
 * through the set's on_refused, after the lock is dropped.
 *
 * Return: VMRPC_OK, VMRPC_EINVAL, VMRPC_ERANGE, VMRPC_ENOMEM or
 * VMRPC_ENOPROC.
 */
uint32_t zhostd_pin_serve(void *opaque, uint16_t proc, const void *req,
			  uint32_t req_len, void *resp, uint32_t resp_cap,
			  uint32_t *resp_len);

/* A snapshot of @m's pinned set; zeroed when it has none. */
void zhostd_pin_get(struct zhostd_memory *m, struct zhostd_pin_info *info);

/**
 * zhostd_pin_ranges() - the coalesced ranges of @m's pinned set
 * @m: the backend
 * @nr: set to the number of ranges
 *
 * Return: a malloc()ed array of *@nr ranges (NULL when there are none),
 * or NULL with *@nr set to SIZE_MAX when out of memory.
 */
struct zhostd_pin_range *zhostd_pin_ranges(struct zhostd_memory *m,
					   size_t *nr);

#endif /* ZHOSTD_PIN_SERVE_H */
