// SPDX-License-Identifier: GPL-2.0-only
/*
 * Refusals of hostile requests: counted per export, logged within the
 * rate limit with the name printed safely; see hostfs-int.h.
 */
#include "hostfs-int.h"
#include "log.h"
#include "ratelimit.h"

const char *zh_hostfs_refusal_name(enum zh_hostfs_refusal r)
{
	static const char *const names[ZH_HOSTFS_R_NR] = {
		[ZH_HOSTFS_R_MALFORMED] = "malformed",
		[ZH_HOSTFS_R_NAME] = "bad_name",
		[ZH_HOSTFS_R_STALE] = "stale",
		[ZH_HOSTFS_R_READ_ONLY] = "read_only",
		[ZH_HOSTFS_R_NODES] = "too_many_nodes",
		[ZH_HOSTFS_R_RANGE] = "bad_range",
		[ZH_HOSTFS_R_FRAMES] = "outside_data_area",
		[ZH_HOSTFS_R_UNPLUGGED] = "unplugged",
	};

	return (unsigned int)r < ZH_HOSTFS_R_NR ? names[r] : "unknown";
}

const char *zh_hostfs_proc_name(uint16_t proc)
{
	static const char *const names[] = {
		[VMRPC_HOSTFS_MOUNT] = "MOUNT",
		[VMRPC_HOSTFS_UNMOUNT] = "UNMOUNT",
		[VMRPC_HOSTFS_LOOKUP] = "LOOKUP",
		[VMRPC_HOSTFS_FORGET] = "FORGET",
		[VMRPC_HOSTFS_GETATTR] = "GETATTR",
		[VMRPC_HOSTFS_SETATTR] = "SETATTR",
		[VMRPC_HOSTFS_READDIR] = "READDIR",
		[VMRPC_HOSTFS_CREATE] = "CREATE",
		[VMRPC_HOSTFS_MKDIR] = "MKDIR",
		[VMRPC_HOSTFS_SYMLINK] = "SYMLINK",
		[VMRPC_HOSTFS_UNLINK] = "UNLINK",
		[VMRPC_HOSTFS_RMDIR] = "RMDIR",
		[VMRPC_HOSTFS_RENAME] = "RENAME",
		[VMRPC_HOSTFS_READLINK] = "READLINK",
		[VMRPC_HOSTFS_READ] = "READ",
		[VMRPC_HOSTFS_WRITE] = "WRITE",
		[VMRPC_HOSTFS_READ_FRAMES] = "READ_FRAMES",
		[VMRPC_HOSTFS_WRITE_FRAMES] = "WRITE_FRAMES",
		[VMRPC_HOSTFS_FSYNC] = "FSYNC",
		[VMRPC_HOSTFS_STATFS] = "STATFS",
	};

	if (proc == VMRPC_HOSTFS_INVALIDATE)
		return "INVALIDATE";
	return proc < sizeof(names) / sizeof(names[0]) && names[proc] ?
	       names[proc] : "unknown";
}

struct zh_hostfs_counters *zh_hostfs_counters_of(struct zh_hostfs_call *c)
{
	return c->exp ? &c->exp->c : &c->fs->orphan;
}

void zh_hostfs_refuse(struct zh_hostfs_call *c, enum zh_hostfs_refusal r,
		      const char *what, const char *name, size_t len)
{
	char buf[ZH_HOSTFS_PRINT_LEN];

	zh_hostfs_add(&zh_hostfs_counters_of(c)->refused[r], 1);
	if (!zhostd_ratelimit_allow(c->fs->rl, ZHOSTD_RL_HOSTFS))
		return;
	if (name)
		zlog_warn("hostfs: refused %s from the guest (%s): %s \"%s\"",
			  zh_hostfs_proc_name(c->proc), zh_hostfs_refusal_name(r),
			  what, zh_hostfs_print(name, len, buf));
	else
		zlog_warn("hostfs: refused %s from the guest (%s): %s",
			  zh_hostfs_proc_name(c->proc), zh_hostfs_refusal_name(r),
			  what);
}
