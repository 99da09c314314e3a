/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The runtime directory of zhostd, balloon-ctl and zhost-run: where VM
 * directories live (RUNTIME/NAME/ holds a VM's sockets, pid files and
 * logs), and the checks that keep other users out of it.
 *
 * Whoever can write to RUNTIME or RUNTIME/NAME can replace zhostd's sockets
 * (balloon-ctl then talks to an impostor, QEMU hands its guest's memory to
 * it) or plant symbolic links where pid and log files are written. So both
 * must belong to the user (the effective uid), RUNTIME must not be writable
 * by group or others and RUNTIME/NAME must be private (no group or other
 * access at all); neither may be a symbolic link. Directories above RUNTIME
 * are not checked: /tmp is world-writable by design, its sticky bit keeps
 * others from replacing our /tmp/zonehost. mm-host/zhost-run makes the same
 * checks in bash.
 */
#ifndef ZH_RUNTIME_DIR_H
#define ZH_RUNTIME_DIR_H

#include <stdbool.h>
#include <stddef.h>

/* RUNTIME for root; others get ${XDG_RUNTIME_DIR:-/tmp}/zonehost. */
#define ZH_RUNTIME_DIR_ROOT	"/run/zonehost"

/* A buffer that holds any message of zh_vm_dir_open(). */
#define ZH_DIR_ERR_MAX		1024

/**
 * zh_runtime_dir() - the default RUNTIME
 *
 * $ZHOST_RUNTIME_DIR if set and not empty, else ZH_RUNTIME_DIR_ROOT when
 * the effective uid is 0, else ${XDG_RUNTIME_DIR:-/tmp}/zonehost.
 *
 * Return: the path; a static buffer or the environment's string.
 */
const char *zh_runtime_dir(void);

/**
 * zh_vm_dir_open() - open RUNTIME/NAME after checking it and RUNTIME
 * @runtime: RUNTIME
 * @name: the VM name (vm-paths.h)
 * @create: create what is missing with mode 0700 (only the last component
 *          of @runtime; its parent must exist)
 * @err: where a message for the user goes on failure: what is wrong and
 *       how to fix it, without a program name or a trailing newline
 * @len: size of @err, ZH_DIR_ERR_MAX to never truncate it
 *
 * Neither directory may be a symbolic link; both must belong to the
 * effective uid; @runtime may not be writable by its group or others, and
 * RUNTIME/NAME must not be open to them at all.
 *
 * Return: an O_PATH, close-on-exec descriptor of RUNTIME/NAME for openat()
 * and friends; or -ENOENT when a directory is missing (and not @create),
 * -ELOOP for a symbolic link, -ENOTDIR, -EPERM for a wrong owner or mode,
 * -EINVAL for a name zh_vm_name_valid() refuses, or another negative
 * errno. Each failure writes
 * @err.
 */
int zh_vm_dir_open(const char *runtime, const char *name, bool create,
		   char *err, size_t len);

#endif /* ZH_RUNTIME_DIR_H */
