// SPDX-License-Identifier: GPL-2.0-only
/*
 * An export's credentials (",uid=N,gid=M") for one call: the serving
 * thread's file-system uid and gid and its supplementary groups switched
 * for the call and back after it. setfsuid(), setfsgid() and the raw
 * setgroups system call change only the calling thread (glibc's
 * setgroups() would change every thread), so calls of other exports on
 * other workers keep theirs. Moving the fsuid off 0 also drops root's
 * file capabilities (CAP_DAC_OVERRIDE, CAP_CHOWN, CAP_FOWNER, ...) from
 * the thread until it moves back; see hostfs-int.h.
 */
#include <errno.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hostfs-int.h"

int zh_hostfs_creds_enter(uint32_t uid, uint32_t gid,
			  struct zh_hostfs_creds *saved)
{
	gid_t g = (gid_t)gid;
	int n = getgroups(ZH_HOSTFS_GROUPS_MAX, saved->groups);

	if (n < 0)
		return EPERM;
	saved->nr_groups = n;
	saved->fsgid = (gid_t)setfsgid(g);
	saved->fsuid = (uid_t)setfsuid((uid_t)uid);
	if (syscall(SYS_setgroups, 1, &g) ||
	    (uid_t)setfsuid((uid_t)-1) != (uid_t)uid ||
	    (gid_t)setfsgid((gid_t)-1) != g) {
		zh_hostfs_creds_leave(saved);
		return EPERM;
	}
	return 0;
}

void zh_hostfs_creds_leave(const struct zh_hostfs_creds *saved)
{
	setfsuid(saved->fsuid);
	setfsgid(saved->fsgid);
	syscall(SYS_setgroups, (size_t)saved->nr_groups, saved->groups);
}
