/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One VM served: zhostd's parts put together in the order they use each
 * other, started, stopped and taken apart in reverse. What it builds:
 *
 *   control socket    commands and events for balloon-ctl (control.h)
 *   VMRPC host        shared memory, ivshmem server, calls (vmrpc-host.h)
 *   memory backend    the guest's ZONE_HOST memory (memory.h)
 *   pinned set        what is locked on the host, and why (pin.h)
 *   working-set poller and policy (wss-poller.h)
 *   memory guard      (guard.h)
 *
 * Failures are logged here, with what the user can do about them.
 */
#ifndef ZHOSTD_VM_H
#define ZHOSTD_VM_H

#include "options.h"
#include "zhostd.h"

/**
 * zhostd_vm_open() - build what serves the VM, without starting it
 * @zd: zeroed, with its lock initialized; filled in
 * @o: the options
 * @on_event: the VMRPC host's event callback (zhostd_vmrpc_event() and
 *	whatever the caller adds to it)
 * @opaque: its argument
 *
 * The control socket listens already: a second zhostd for the VM fails
 * here, before it touches anything. On failure @zd is taken apart again.
 *
 * Return: 0, or a negative errno.
 */
int zhostd_vm_open(struct zhostd *zd, const struct zhostd_options *o,
		   void (*on_event)(void *opaque, enum vmrpc_host_event ev,
				    const char *detail),
		   void *opaque);

/**
 * zhostd_vm_start() - listen for QEMU, start the poller and the guard
 * @zd: opened by zhostd_vm_open()
 * @o: the same options
 *
 * On failure what started is stopped again; @zd still needs
 * zhostd_vm_close().
 *
 * Return: 0, or a negative errno.
 */
int zhostd_vm_start(struct zhostd *zd, const struct zhostd_options *o);

/* Stop the guard, the poller and the VMRPC host; the reverse of start. */
void zhostd_vm_stop(struct zhostd *zd);

/* Take apart what zhostd_vm_open() built; stops it first if needed. */
void zhostd_vm_close(struct zhostd *zd);

#endif /* ZHOSTD_VM_H */
