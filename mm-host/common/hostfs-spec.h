/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hostfs export as zhostd's --export and balloon-ctl export add take
 * it: "TAG=DIR[,ro]", and the rule of a tag (VMRPC_HOSTFS_TAG_MAX).
 */
#ifndef ZH_HOSTFS_SPEC_H
#define ZH_HOSTFS_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vmrpc.h>

/**
 * struct zh_hostfs_spec - an export as the command line gives it
 * @tag: the tag, NUL-terminated
 * @dir: the directory, allocated: free() it
 * @ro: ",ro" was given
 * @creds: ",uid=N,gid=M" were given: the export's files are opened as
 *	that user and group
 * @uid: N
 * @gid: M
 */
struct zh_hostfs_spec {
	char tag[VMRPC_HOSTFS_TAG_MAX];
	char *dir;
	bool ro;
	bool creds;
	uint32_t uid;
	uint32_t gid;
};

/**
 * zh_hostfs_spec_parse() - parse "TAG=DIR[,ro][,uid=N,gid=M]"
 * @s: the string; DIR runs to the end, or to the options at its end
 *	(",ro", ",uid=N", ",gid=M", in any order, each once; uid and gid
 *	together)
 * @spec: filled in; @spec->dir allocated (without the options)
 * @err: why not, on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL or -ENOMEM with @err set.
 */
int zh_hostfs_spec_parse(const char *s, struct zh_hostfs_spec *spec,
			 char *err, size_t errlen);

/**
 * zh_hostfs_tag_valid() - 1 to VMRPC_HOSTFS_TAG_MAX - 1 bytes of
 *	[A-Za-z0-9_.-]
 * @tag: the bytes
 * @len: how many
 *
 * Return: true when valid.
 */
bool zh_hostfs_tag_valid(const char *tag, size_t len);

#endif /* ZH_HOSTFS_SPEC_H */
