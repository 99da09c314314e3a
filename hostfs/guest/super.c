// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: mounting an export, and the module.
 *
 *   mount -t hostfs TAG /mnt [-o attr_timeout=SECONDS,timeout=SECONDS]
 *
 * TAG names a directory zhostd exports (zhostd --export TAG=DIR). The
 * host's mount handle lives as long as the super block; an export the
 * host marks read-only is mounted read-only whatever the options say.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/backing-dev.h>
#include <linux/ctype.h>
#include <linux/fs_context.h>
#include <linux/fs_parser.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/statfs.h>

#include "hostfs.h"

/* Readahead window: one frames call of frames.c's largest size. */
#define HOSTFS_RA_PAGES		256

/**
 * struct hostfs_fs_context - mount options being parsed
 * @attr_timeout: seconds attributes and names are trusted
 * @timeout: seconds a call may take
 */
struct hostfs_fs_context {
	unsigned int attr_timeout;
	unsigned int timeout;
};

enum { HOSTFS_OPT_ATTR_TIMEOUT, HOSTFS_OPT_TIMEOUT };

static const struct fs_parameter_spec hostfs_params[] = {
	fsparam_u32("attr_timeout", HOSTFS_OPT_ATTR_TIMEOUT),
	fsparam_u32("timeout", HOSTFS_OPT_TIMEOUT),
	{}
};

static int hostfs_parse_param(struct fs_context *fc, struct fs_parameter *param)
{
	struct hostfs_fs_context *ctx = fc->fs_private;
	struct fs_parse_result result;
	int opt;

	opt = fs_parse(fc, hostfs_params, param, &result);
	if (opt < 0)
		return opt;
	switch (opt) {
	case HOSTFS_OPT_ATTR_TIMEOUT:
		if (result.uint_32 > 86400)
			return invalfc(fc, "attr_timeout is at most 86400 seconds");
		ctx->attr_timeout = result.uint_32;
		break;
	case HOSTFS_OPT_TIMEOUT:
		if (!result.uint_32 || result.uint_32 > 3600)
			return invalfc(fc, "timeout is 1 to 3600 seconds");
		ctx->timeout = result.uint_32;
		break;
	}
	return 0;
}

static int hostfs_check_tag(struct fs_context *fc, const char *tag)
{
	size_t i, len = tag ? strlen(tag) : 0;

	if (!len)
		return invalfc(fc, "no tag: mount -t hostfs TAG DIR");
	if (len >= VMRPC_HOSTFS_TAG_MAX)
		return invalfc(fc, "tag longer than %d bytes",
			       VMRPC_HOSTFS_TAG_MAX - 1);
	for (i = 0; i < len; i++)
		if (!isalnum(tag[i]) && !strchr("_.-", tag[i]))
			return invalfc(fc, "tag %s: only [A-Za-z0-9_.-]", tag);
	return 0;
}

static int hostfs_statfs(struct dentry *dentry, struct kstatfs *buf)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(dentry->d_sb);
	struct vmrpc_hostfs_node req = {
		.mount = cpu_to_le32(sbi->mount),
		.node = cpu_to_le64(HOSTFS_I(d_inode(dentry))->node),
	};
	struct vmrpc_hostfs_statfs reply;
	u32 bsize, namelen;
	int ret;

	ret = hostfs_call(sbi, VMRPC_HOSTFS_STATFS, &req, sizeof(req), &reply,
			  sizeof(reply), sizeof(reply));
	if (ret < 0)
		return ret;
	bsize = le32_to_cpu(reply.bsize);
	namelen = le32_to_cpu(reply.namelen);
	buf->f_type = HOSTFS_SUPER_MAGIC;
	buf->f_bsize = bsize && bsize <= SZ_1M ? bsize : PAGE_SIZE;
	buf->f_frsize = buf->f_bsize;
	buf->f_blocks = le64_to_cpu(reply.blocks);
	buf->f_bfree = min(le64_to_cpu(reply.bfree), buf->f_blocks);
	buf->f_bavail = min(le64_to_cpu(reply.bavail), buf->f_bfree);
	buf->f_files = le64_to_cpu(reply.files);
	buf->f_ffree = min(le64_to_cpu(reply.ffree), buf->f_files);
	buf->f_namelen = min_t(u32, namelen ? namelen : VMRPC_HOSTFS_NAME_MAX,
			       VMRPC_HOSTFS_NAME_MAX);
	return 0;
}

static int hostfs_show_options(struct seq_file *m, struct dentry *root)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(root->d_sb);

	seq_printf(m, ",attr_timeout=%u,timeout=%u",
		   jiffies_to_msecs(sbi->attr_timeout) / 1000U,
		   sbi->timeout_ms / 1000U);
	return 0;
}

static const struct super_operations hostfs_sops = {
	.alloc_inode	= hostfs_alloc_inode,
	.free_inode	= hostfs_free_inode,
	.evict_inode	= hostfs_evict_inode,
	.statfs		= hostfs_statfs,
	.show_options	= hostfs_show_options,
};

static void hostfs_unmount(struct hostfs_sb_info *sbi)
{
	struct vmrpc_hostfs_node req = { .mount = cpu_to_le32(sbi->mount) };
	struct vmrpc_hostfs_reply reply;

	hostfs_call(sbi, VMRPC_HOSTFS_UNMOUNT, &req, sizeof(req), &reply,
		    sizeof(reply), sizeof(reply));
}

static int hostfs_mount_call(struct fs_context *fc, struct hostfs_sb_info *sbi,
			     struct hostfs_attr *attr)
{
	struct vmrpc_hostfs_mount req = {};
	struct vmrpc_hostfs_mounted reply;
	int ret;

	strscpy(req.tag, sbi->tag, sizeof(req.tag));
	ret = hostfs_call(sbi, VMRPC_HOSTFS_MOUNT, &req, sizeof(req), &reply,
			  sizeof(reply), sizeof(reply));
	if (ret == -ENOENT)
		return errorfc(fc, "the host exports no %s", sbi->tag), ret;
	if (ret < 0)
		return errorfc(fc, "the host did not mount %s: %d", sbi->tag,
			       ret), ret;
	sbi->mount = le32_to_cpu(reply.mount);
	sbi->root = le64_to_cpu(reply.root);
	sbi->ro = le32_to_cpu(reply.flags) & VMRPC_HOSTFS_MOUNT_RO;
	ret = hostfs_attr_from_wire(&reply.attr, attr);
	if (!ret && (!sbi->root || !S_ISDIR(attr->mode)))
		ret = -EIO;
	if (ret) {
		hostfs_unmount(sbi);
		return errorfc(fc, "the host's answer to mounting %s is bad",
			       sbi->tag), ret;
	}
	return 0;
}

static int hostfs_fill_super(struct super_block *sb, struct fs_context *fc)
{
	struct hostfs_fs_context *ctx = fc->fs_private;
	struct hostfs_sb_info *sbi = sb->s_fs_info;
	struct hostfs_attr attr;
	struct inode *root;
	int ret;

	sbi->attr_timeout = msecs_to_jiffies(ctx->attr_timeout * MSEC_PER_SEC);
	sbi->timeout_ms = ctx->timeout * MSEC_PER_SEC;
	ret = hostfs_mount_call(fc, sbi, &attr);
	if (ret)
		return ret;
	/* From here on, kill_sb gives the host's mount back. */
	sbi->sb = sb;
	sb->s_magic = HOSTFS_SUPER_MAGIC;
	sb->s_op = &hostfs_sops;
	sb->s_d_op = &hostfs_dentry_ops;
	sb->s_maxbytes = MAX_LFS_FILESIZE;
	sb->s_blocksize = PAGE_SIZE;
	sb->s_blocksize_bits = PAGE_SHIFT;
	sb->s_time_gran = 1;
	if (sbi->ro)
		sb->s_flags |= SB_RDONLY;
	ret = super_setup_bdi(sb);
	if (ret)
		return ret;
	sb->s_bdi->ra_pages = HOSTFS_RA_PAGES;
	sb->s_bdi->io_pages = HOSTFS_RA_PAGES;
	root = hostfs_iget(sb, sbi->root, &attr);
	if (IS_ERR(root))
		return PTR_ERR(root);
	sb->s_root = d_make_root(root);
	if (!sb->s_root)
		return -ENOMEM;
	mutex_lock(&hostfs_mounts_lock);
	list_add_tail(&sbi->link, &hostfs_mounts);
	mutex_unlock(&hostfs_mounts_lock);
	hostfs_debugfs_add(sbi);
	return 0;
}

static int hostfs_get_tree(struct fs_context *fc)
{
	struct hostfs_sb_info *sbi;
	int ret;

	ret = hostfs_check_tag(fc, fc->source);
	if (ret)
		return ret;
	if (!vmrpc_host_ready())
		return errorfc(fc, "no zonehost device or its host is gone"),
		       -ENODEV;
	sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	if (!sbi)
		return -ENOMEM;
	strscpy(sbi->tag, fc->source, sizeof(sbi->tag));
	INIT_LIST_HEAD(&sbi->link);
	fc->s_fs_info = sbi;
	/* Each mount is its own: the host hands out a handle per mount. */
	return get_tree_nodev(fc, hostfs_fill_super);
}

static void hostfs_free_fc(struct fs_context *fc)
{
	kfree(fc->s_fs_info);
	kfree(fc->fs_private);
}

static const struct fs_context_operations hostfs_context_ops = {
	.parse_param	= hostfs_parse_param,
	.get_tree	= hostfs_get_tree,
	.free		= hostfs_free_fc,
};

static int hostfs_init_fs_context(struct fs_context *fc)
{
	struct hostfs_fs_context *ctx;

	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	ctx->attr_timeout = 1;
	ctx->timeout = HOSTFS_TIMEOUT_MS / MSEC_PER_SEC;
	fc->fs_private = ctx;
	fc->ops = &hostfs_context_ops;
	return 0;
}

static void hostfs_kill_sb(struct super_block *sb)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(sb);

	if (sbi) {
		mutex_lock(&hostfs_mounts_lock);
		list_del_init(&sbi->link);
		mutex_unlock(&hostfs_mounts_lock);
		/* An invalidation the host asked for may still run. */
		hostfs_invalidate_flush();
		hostfs_debugfs_remove(sbi);
		WRITE_ONCE(sbi->dying, true);
	}
	kill_anon_super(sb);
	if (sbi) {
		if (sbi->sb)
			hostfs_unmount(sbi);
		kfree(sbi);
	}
}

static struct file_system_type hostfs_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "hostfs",
	.init_fs_context	= hostfs_init_fs_context,
	.parameters		= hostfs_params,
	.kill_sb		= hostfs_kill_sb,
};
MODULE_ALIAS_FS("hostfs");

static int __init hostfs_init(void)
{
	int ret;

	ret = hostfs_inode_cache_init();
	if (ret)
		return ret;
	ret = hostfs_stats_init();
	if (ret)
		goto out_cache;
	ret = hostfs_server_init();
	if (ret)
		goto out_stats;
	ret = hostfs_area_init();
	if (ret)
		goto out_server;
	hostfs_debugfs_init();
	ret = register_filesystem(&hostfs_fs_type);
	if (ret)
		goto out_area;
	return 0;
out_area:
	hostfs_debugfs_exit();
	hostfs_area_exit();
out_server:
	hostfs_server_exit();
out_stats:
	hostfs_stats_exit();
out_cache:
	hostfs_inode_cache_exit();
	return ret;
}

static void __exit hostfs_exit(void)
{
	unregister_filesystem(&hostfs_fs_type);
	hostfs_debugfs_exit();
	hostfs_area_exit();
	hostfs_server_exit();
	hostfs_stats_exit();
	hostfs_inode_cache_exit();
}

module_init(hostfs_init);
module_exit(hostfs_exit);
MODULE_DESCRIPTION("hostfs: directories the host exports, over VMRPC");
MODULE_LICENSE("GPL");
