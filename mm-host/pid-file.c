// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's pid file; see pid-file.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pid-file.h"
#include "vm-paths.h"

const char *zhostd_open_strerror(int err)
{
	return err == ELOOP ?
	       "it is a symbolic link, which zhostd does not follow; remove it" :
	       strerror(err);
}

const char *zhostd_pid_file_at(const struct zhostd_options *o, int vm_dir,
			       int *at)
{
	*at = o->pid_in_vm_dir ? vm_dir : AT_FDCWD;
	return o->pid_in_vm_dir ? ZH_VM_ZHOSTD_PID : o->pid_file;
}

int zhostd_pid_file_write(int at, const char *path)
{
	char buf[32];
	int fd, len;

	fd = openat(at, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)len) != len) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}
