// SPDX-License-Identifier: GPL-2.0-only
/*
 * Names from the guest: the checks made before any system call, and the
 * safe form a log line shows; see hostfs-int.h.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hostfs-int.h"

int zh_hostfs_name_check(const char *name, size_t len)
{
	if (!len)
		return EINVAL;
	if (len > VMRPC_HOSTFS_NAME_MAX)
		return ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return EINVAL;
	if ((len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return EINVAL;
	return 0;
}

int zh_hostfs_target_check(const char *t, size_t len)
{
	if (!len)
		return EINVAL;
	if (len > VMRPC_HOSTFS_SYMLINK_MAX)
		return ENAMETOOLONG;
	return memchr(t, '\0', len) ? EINVAL : 0;
}

char *zh_hostfs_print(const char *s, size_t len, char *out)
{
	size_t n = len < ZH_HOSTFS_PRINT_MAX ? len : ZH_HOSTFS_PRINT_MAX;
	char *p = out;

	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\' && ch != '"')
			*p++ = (char)ch;
		else
			p += sprintf(p, "\\x%02x", ch);
	}
	if (n < len)
		p += snprintf(p, 32, "...(%zu)", len);
	*p = '\0';
	return out;
}
