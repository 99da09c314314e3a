/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd --recover: serve again the VM of a zhostd that was killed, while
 * its QEMU and guest kept running. Two steps around zhostd_vm_open():
 *
 *   zhostd_recover_take()     the state file, QEMU's descriptors
 *   zhostd_recover_rebuild()  once the host runs, with the guest's calls
 *                             held: the plugged map and the pins, from
 *                             the guest; then the calls are released
 *
 * Anything that does not add up refuses the recovery before zhostd
 * changes anything of the VM. Documentation/design/recovery.rst has the
 * design and what cannot be recovered.
 */
#ifndef ZHOSTD_RECOVER_H
#define ZHOSTD_RECOVER_H

#include "options.h"
#include "zhostd.h"

/**
 * zhostd_recover_take() - the dead zhostd's VM, from its state file
 * @o: the options; the geometry must be the one recorded
 * @vm_dir: the VM directory
 * @a: filled with QEMU's pidfd and the VM's descriptors
 *
 * Logs why it fails, with what the administrator can do.
 *
 * Return: 0, -ENOENT without a state file, or another negative errno.
 */
int zhostd_recover_take(const struct zhostd_options *o, int vm_dir,
			struct vmrpc_host_adopted *a);

/**
 * zhostd_recover_rebuild() - the plugged map and the pins, from the guest
 * @zd: a daemon whose host was adopted and has started
 *
 * Reads the guest's plugged map twice (the guest cannot change it while
 * its calls are held: the two must agree) and the subblocks holding its
 * mlocked pages, checks them, then takes the map as zhostd's and pins
 * those subblocks again. Logs what it found or why it refused.
 *
 * Return: 0, or a negative errno with nothing of the VM changed.
 */
int zhostd_recover_rebuild(struct zhostd *zd);

/**
 * zhostd_recover_record() - QEMU connected: write the state file
 * @zd: the daemon; nothing without @zd->keep_state
 *
 * On the VMRPC host's event thread (the QEMU_CONNECTED event). A failure
 * is logged: the VM runs, only a later recovery would be refused.
 */
void zhostd_recover_record(struct zhostd *zd);

/**
 * zhostd_recover_forget() - QEMU left, or zhostd stops: remove the file
 * @zd: the daemon; nothing without @zd->keep_state
 */
void zhostd_recover_forget(struct zhostd *zd);

#endif /* ZHOSTD_RECOVER_H */
