// SPDX-License-Identifier: GPL-2.0-only
/*
 * "TAG=DIR[,ro]" and the rule of a tag; see hostfs-spec.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostfs-spec.h"

bool zh_hostfs_tag_valid(const char *tag, size_t len)
{
	if (!len || len >= VMRPC_HOSTFS_TAG_MAX)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = tag[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		      ch == '-'))
			return false;
	}
	return true;
}

int zh_hostfs_spec_parse(const char *s, struct zh_hostfs_spec *spec,
			 char *err, size_t errlen)
{
	const char *eq = strchr(s, '='), *dir;
	size_t len;

	memset(spec, 0, sizeof(*spec));
	if (!eq || !zh_hostfs_tag_valid(s, (size_t)(eq - s))) {
		snprintf(err, errlen,
			 "'%s' is not TAG=DIR[,ro] with a TAG of 1 to %d characters of A-Z a-z 0-9 _ . -",
			 s, VMRPC_HOSTFS_TAG_MAX - 1);
		return -EINVAL;
	}
	dir = eq + 1;
	len = strlen(dir);
	if (len >= 3 && !strcmp(dir + len - 3, ",ro")) {
		spec->ro = true;
		len -= 3;
	}
	if (!len) {
		snprintf(err, errlen, "'%s': no directory after '='", s);
		return -EINVAL;
	}
	spec->dir = strndup(dir, len);
	if (!spec->dir) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	memcpy(spec->tag, s, (size_t)(eq - s));
	return 0;
}
