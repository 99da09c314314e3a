/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The I/O of zhostd --recover's first step: the state file in the VM
 * directory, and the descriptors taken back from the running QEMU with
 * pidfd_getfd(2) (see Documentation/design/recovery.rst for why QEMU and
 * not a holder process). Reading QEMU's fdinfo and taking its descriptors
 * need ptrace access to QEMU: the same user without a Yama restriction,
 * or CAP_SYS_PTRACE.
 */
#ifndef ZHOSTD_RECOVER_FDS_H
#define ZHOSTD_RECOVER_FDS_H

#include "recover-match.h"
#include "vmrpc-host.h"

/**
 * zh_recover_state_write() - record QEMU and the shared descriptors
 * @vm_dir: the checked VM directory
 * @s: what to record
 *
 * Written to a temporary file and renamed over ZH_RECOVER_FILE, so that
 * a zhostd killed meanwhile leaves the old file or the new one.
 *
 * Return: 0 or a negative errno.
 */
int zh_recover_state_write(int vm_dir, const struct zh_recover_state *s);

/**
 * zh_recover_state_read() - read and parse ZH_RECOVER_FILE
 * @vm_dir: the checked VM directory
 * @s: filled in
 * @err: why, on failure
 * @errlen: size of @err
 *
 * Return: 0, -ENOENT when there is none, or another negative errno.
 */
int zh_recover_state_read(int vm_dir, struct zh_recover_state *s, char *err,
			  size_t errlen);

/* Remove ZH_RECOVER_FILE: QEMU left, or zhostd stops for good. */
void zh_recover_state_remove(int vm_dir);

/**
 * zh_recover_state_fill() - the state of a connected QEMU
 * @s: filled in but for the geometry, which the caller sets
 * @pid: QEMU's pid
 * @memfd: our memfd
 * @host_fd: our peer-0 eventfds
 * @guest_fd: our guest eventfds
 *
 * Return: 0 or a negative errno (from /proc).
 */
int zh_recover_state_fill(struct zh_recover_state *s, int pid, int memfd,
			  const int *host_fd, const int *guest_fd);

/**
 * zh_recover_take() - take the VM's descriptors back from QEMU
 * @s: the state file's record
 * @a: filled in; its descriptors are ours on success, all -1 on failure
 * @err: why, on failure (with what the administrator can do)
 * @errlen: size of @err
 *
 * Checks that the process with the recorded pid is the QEMU recorded
 * (its start time), finds the memfd and every eventfd among its
 * descriptors and duplicates them with pidfd_getfd(); the memfd must be
 * the recorded inode. Changes nothing in QEMU.
 *
 * Return: 0, -ESRCH when QEMU is gone, -EPERM without ptrace access,
 * -ENOENT when a descriptor is missing, or another negative errno.
 */
int zh_recover_take(const struct zh_recover_state *s,
		    struct vmrpc_host_adopted *a, char *err, size_t errlen);

/* Nothing held: every descriptor of @a -1. */
void zh_recover_adopted_init(struct vmrpc_host_adopted *a);

/* Close what @a holds and set it all to -1. */
void zh_recover_adopted_close(struct vmrpc_host_adopted *a);

#endif /* ZHOSTD_RECOVER_FDS_H */
