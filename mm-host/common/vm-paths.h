/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A VM's name and the files in its directory RUNTIME/NAME/ (runtime-dir.h),
 * the same for zhostd, balloon-ctl and zhost-run (which writes the rule and
 * the file names again in bash).
 *
 * A VM name is a directory name and part of socket paths, so it is short
 * and plain: 1 to 32 letters, digits, '.', '_' and '-', the first a letter
 * or digit (so never ".", ".." or an option).
 */
#ifndef ZH_VM_PATHS_H
#define ZH_VM_PATHS_H

#include <stdbool.h>
#include <stddef.h>

#define ZH_VM_NAME_MAX		32
/* The rule in words, for messages that refuse a name. */
#define ZH_VM_NAME_RULE		"letters, digits, '.', '_' and '-', at most 32, the first a letter or digit"

/* The files of RUNTIME/NAME/: who creates each is in zhostd(8), FILES. */
#define ZH_VM_CONTROL_SOCK	"zhostd.sock"	/* zhostd's control socket */
#define ZH_VM_IVSHMEM_SOCK	"ivshmem.sock"	/* zhostd's ivshmem server */
#define ZH_VM_QMP_SOCK		"qmp.sock"	/* QEMU's QMP, from zhost-run */
#define ZH_VM_ZHOSTD_PID	"zhostd.pid"
#define ZH_VM_QEMU_PID		"qemu.pid"
#define ZH_VM_ZHOSTD_LOG	"zhostd.log"
#define ZH_VM_CONSOLE_LOG	"console.log"	/* a detached VM's console */

/**
 * zh_vm_name_valid() - whether @name is a VM name by the rule above
 * @name: the name
 *
 * Return: true if it is.
 */
bool zh_vm_name_valid(const char *name);

/**
 * zh_vm_path() - the path of a file in a VM's directory
 * @buf: where RUNTIME/NAME/FILE goes
 * @len: size of @buf; sizeof(sun_path) for a socket, so that a path too
 *	long to bind or connect to is refused here
 * @runtime: RUNTIME, zh_runtime_dir() or a --runtime-dir
 * @name: the VM name, checked by zh_vm_name_valid()
 * @file: one of the ZH_VM_* file names
 *
 * Return: 0; -EINVAL for a bad @name or -ENAMETOOLONG when the path does
 * not fit in @buf (@buf then holds no path).
 */
int zh_vm_path(char *buf, size_t len, const char *runtime, const char *name,
	       const char *file);

#endif /* ZH_VM_PATHS_H */
