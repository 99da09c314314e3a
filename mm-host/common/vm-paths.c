// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's name and the files in its directory (vm-paths.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "vm-paths.h"

#define VM_NAME_FIRST	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

bool zh_vm_name_valid(const char *name)
{
	size_t len = strlen(name);

	return len >= 1 && len <= ZH_VM_NAME_MAX &&
	       strchr(VM_NAME_FIRST, name[0]) &&
	       strspn(name, VM_NAME_FIRST "_.-") == len;
}

int zh_vm_path(char *buf, size_t len, const char *runtime, const char *name,
	       const char *file)
{
	int n;

	if (len)
		buf[0] = '\0';
	if (!zh_vm_name_valid(name))
		return -EINVAL;
	n = snprintf(buf, len, "%s/%s/%s", runtime, name, file);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}
