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

/*
 * One option at the end of the directory, "ro", "uid=N" or "gid=N":
 * 1 taken, 0 not an option (the rest is the directory), -1 bad.
 */
static int spec_option(const char *opt, size_t len, struct zh_hostfs_spec *sp,
		       bool *has_uid, bool *has_gid)
{
	bool is_uid = len > 4 && !strncmp(opt, "uid=", 4);
	bool is_gid = len > 4 && !strncmp(opt, "gid=", 4);
	unsigned long long v = 0;

	if (len == 2 && !strncmp(opt, "ro", 2)) {
		if (sp->ro)
			return -1;
		sp->ro = true;
		return 1;
	}
	if (!is_uid && !is_gid)
		return 0;
	for (size_t i = 4; i < len; i++) {
		if (opt[i] < '0' || opt[i] > '9' || v > 0xfffffffeULL / 10)
			return -1;
		v = v * 10 + (unsigned long long)(opt[i] - '0');
	}
	/* (uid_t)-1 means "unchanged" to the kernel: not an id. */
	if (v > 0xfffffffeULL || (is_uid ? *has_uid : *has_gid))
		return -1;
	if (is_uid) {
		sp->uid = (uint32_t)v;
		*has_uid = true;
	} else {
		sp->gid = (uint32_t)v;
		*has_gid = true;
	}
	return 1;
}

int zh_hostfs_spec_parse(const char *s, struct zh_hostfs_spec *spec,
			 char *err, size_t errlen)
{
	const char *eq = strchr(s, '='), *dir, *comma;
	bool has_uid = false, has_gid = false;
	size_t len;
	int r;

	memset(spec, 0, sizeof(*spec));
	if (!eq || !zh_hostfs_tag_valid(s, (size_t)(eq - s))) {
		snprintf(err, errlen,
			 "'%s' is not TAG=DIR[,ro][,uid=N,gid=M] with a TAG of 1 to %d characters of A-Z a-z 0-9 _ . -",
			 s, VMRPC_HOSTFS_TAG_MAX - 1);
		return -EINVAL;
	}
	dir = eq + 1;
	len = strlen(dir);
	/* Options from the end, while the last comma starts one. */
	while ((comma = memrchr(dir, ',', len))) {
		r = spec_option(comma + 1, len - (size_t)(comma + 1 - dir), spec,
				&has_uid, &has_gid);
		if (r < 0) {
			snprintf(err, errlen, "'%s': a bad or repeated option '%.*s'", s,
				 (int)(len - (size_t)(comma + 1 - dir)), comma + 1);
			return -EINVAL;
		}
		if (!r)
			break;
		len = (size_t)(comma - dir);
	}
	if (has_uid != has_gid) {
		snprintf(err, errlen, "'%s': uid= and gid= go together", s);
		return -EINVAL;
	}
	spec->creds = has_uid;
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
