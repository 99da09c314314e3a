// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: a test hook in debugfs, hostfs/TAG.MOUNT/lookup_raw. Whatever a
 * write(2) to it holds goes to the host as a LOOKUP name in the export's
 * directory, unchecked: a slash, a NUL, "..", 16 KiB. The VFS never sends
 * such names, so this is how a test shows that the host refuses them. The
 * write returns its length when the host found a file (whose lookup is
 * given back at once), else the host's errno.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hostfs.h"

#define HOSTFS_RAW_MAX	16384

static struct dentry *hostfs_debugfs_dir;

static ssize_t hostfs_lookup_raw_write(struct file *file,
				       const char __user *ubuf, size_t count,
				       loff_t *ppos)
{
	struct hostfs_sb_info *sbi = file->private_data;
	struct vmrpc_hostfs_entry entry;
	struct vmrpc_hostfs_name *req;
	int ret;

	if (!count || count > HOSTFS_RAW_MAX)
		return -EINVAL;
	req = kvzalloc(sizeof(*req) + count, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	if (copy_from_user(req->name, ubuf, count)) {
		kvfree(req);
		return -EFAULT;
	}
	req->mount = cpu_to_le32(sbi->mount);
	req->len = cpu_to_le32(count);
	req->dir = cpu_to_le64(sbi->root);
	ret = hostfs_call(sbi, VMRPC_HOSTFS_LOOKUP, req, sizeof(*req) + count,
			  &entry, sizeof(entry), sizeof(entry));
	kvfree(req);
	if (ret < 0)
		return ret;
	hostfs_forget(sbi, le64_to_cpu(entry.node), 1);
	return count;
}

static const struct file_operations hostfs_lookup_raw_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.write	= hostfs_lookup_raw_write,
	.llseek	= noop_llseek,
};

/**
 * hostfs_debugfs_add() - the mount's directory in debugfs
 * @sbi: a mount, mounted
 */
void hostfs_debugfs_add(struct hostfs_sb_info *sbi)
{
	char name[VMRPC_HOSTFS_TAG_MAX + 12];

	if (IS_ERR_OR_NULL(hostfs_debugfs_dir))
		return;
	snprintf(name, sizeof(name), "%s.%u", sbi->tag, sbi->mount);
	sbi->debugfs = debugfs_create_dir(name, hostfs_debugfs_dir);
	debugfs_create_file("lookup_raw", 0200, sbi->debugfs, sbi,
			    &hostfs_lookup_raw_fops);
}

/**
 * hostfs_debugfs_remove() - remove it; waits for writes in progress
 * @sbi: the mount
 */
void hostfs_debugfs_remove(struct hostfs_sb_info *sbi)
{
	debugfs_remove_recursive(sbi->debugfs);
	sbi->debugfs = NULL;
}

/**
 * hostfs_debugfs_init() - create debugfs's hostfs/
 */
void hostfs_debugfs_init(void)
{
	hostfs_debugfs_dir = debugfs_create_dir("hostfs", NULL);
}

/**
 * hostfs_debugfs_exit() - remove it
 */
void hostfs_debugfs_exit(void)
{
	debugfs_remove_recursive(hostfs_debugfs_dir);
}
