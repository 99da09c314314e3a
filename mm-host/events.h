/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What zhostd tells its control clients and its log: the events of the
 * control protocol (Documentation/reference/control-protocol.rst), from
 * the VMRPC host's events, the memory backend's and zhostd's own parts.
 */
#ifndef ZHOSTD_EVENTS_H
#define ZHOSTD_EVENTS_H

#include <jansson.h>

#include "memory.h"
#include "pin.h"
#include "ratelimit.h"
#include "vmrpc-host.h"
#include "zhostd.h"

/**
 * zhostd_event() - send an event to every control client of @zd
 * @zd: the daemon; with no control server (@zd->ctl NULL) it is dropped
 * @name: the event's name (WSS_UPDATED, ...)
 * @data: its data, the reference is stolen; may be NULL
 *
 * For zhostd's background parts, which know nothing of the control
 * socket. Safe from any thread.
 */
void zhostd_event(struct zhostd *zd, const char *name, json_t *data);

/**
 * zhostd_vmrpc_event() - a VMRPC host event: state, log line, event
 * @zd: the daemon
 * @ev: what happened
 * @detail: the host's words on it, or NULL
 *
 * Tracks @zd->qemu_connected, @zd->guest_ready and @zd->guest_abi, logs
 * the event and sends it (the guest driver's, within @zd->rl), and gives the host all of the data area back when
 * QEMU went away. Call it from the VMRPC host's on_event callback.
 */
void zhostd_vmrpc_event(struct zhostd *zd, enum vmrpc_host_event ev,
			const char *detail);

/*
 * The memory backend's on_event callback (@opaque is the daemon): a log
 * line and MEMORY_CHANGED, MEMORY_REQUESTED, GUEST_ASKED or RESIZE_DONE;
 * those the guest triggers within @zd->rl.
 */
void zhostd_memory_event(void *opaque, const struct zhostd_memory_event *ev);

/*
 * The pinned set's on_refused callback (@opaque is the daemon): a log
 * line and PIN_REFUSED, saying how many bytes were not pinned and why,
 * within @zd->rl.
 */
void zhostd_pin_event(void *opaque, const struct zhostd_pin_refusal *r);

/*
 * The rate limiter's report callback (@opaque is the daemon): one log line
 * and EVENTS_SUPPRESSED for a guest flood that ended or goes on.
 */
void zhostd_suppressed_event(void *opaque, const struct zhostd_rl_report *r);

#endif /* ZHOSTD_EVENTS_H */
