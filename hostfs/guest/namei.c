// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: names in a directory. Each call carries one name, which the
 * host resolves beneath the directory's node; the guest's VFS walks
 * paths, follows symbolic links and handles "..", so nothing the guest
 * sends can name a host file outside the export.
 *
 * A dentry is trusted for the mount's attr_timeout (d_time), then looked
 * up again.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/namei.h>
#include <linux/slab.h>

#include "hostfs.h"

struct hostfs_name_req {
	struct vmrpc_hostfs_name hdr;
	char name[VMRPC_HOSTFS_NAME_MAX];
};

static int hostfs_name_req(struct inode *dir, const struct qstr *name,
			   struct hostfs_name_req *req)
{
	int ret = hostfs_check_name(name->name, name->len);

	if (ret)
		return ret;
	memset(&req->hdr, 0, sizeof(req->hdr));
	req->hdr.mount = cpu_to_le32(HOSTFS_SB(dir->i_sb)->mount);
	req->hdr.len = cpu_to_le32(name->len);
	req->hdr.dir = cpu_to_le64(HOSTFS_I(dir)->node);
	memcpy(req->name, name->name, name->len);
	return sizeof(req->hdr) + name->len;
}

/**
 * hostfs_entry_inode() - the inode an entry reply names
 * @sb: the mount
 * @entry: a successful reply of LOOKUP, CREATE, MKDIR or SYMLINK
 *
 * Return: a referenced inode or an ERR_PTR; the lookup the reply counted
 * is the inode's or given back.
 */
struct inode *hostfs_entry_inode(struct super_block *sb,
				 const struct vmrpc_hostfs_entry *entry)
{
	u64 node = le64_to_cpu(entry->node);
	struct hostfs_attr attr;
	int ret;

	ret = hostfs_attr_from_wire(&entry->attr, &attr);
	if (ret || !node) {
		hostfs_forget(HOSTFS_SB(sb), node, 1);
		return ERR_PTR(-EIO);
	}
	return hostfs_iget(sb, node, &attr);
}

static int hostfs_lookup_name(struct inode *dir, const struct qstr *name,
			      struct vmrpc_hostfs_entry *entry)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(dir->i_sb);
	struct hostfs_name_req req;
	int len = hostfs_name_req(dir, name, &req);

	if (len < 0)
		return len;
	len = hostfs_call(sbi, VMRPC_HOSTFS_LOOKUP, &req, len, entry,
			  sizeof(*entry), sizeof(*entry));
	return len < 0 ? len : 0;
}

static struct dentry *hostfs_lookup(struct inode *dir, struct dentry *dentry,
				    unsigned int flags)
{
	struct vmrpc_hostfs_entry entry;
	struct inode *inode = NULL;
	int ret;

	ret = hostfs_lookup_name(dir, &dentry->d_name, &entry);
	if (ret && ret != -ENOENT)
		return ERR_PTR(ret);
	if (!ret) {
		inode = hostfs_entry_inode(dir->i_sb, &entry);
		if (IS_ERR(inode))
			return ERR_CAST(inode);
	}
	dentry->d_time = jiffies;
	return d_splice_alias(inode, dentry);
}

static int hostfs_d_revalidate(struct dentry *dentry, unsigned int flags)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(dentry->d_sb);
	struct vmrpc_hostfs_entry entry;
	struct inode *inode, *found;
	struct dentry *parent;
	int ret;

	/* The root is the mount's, never looked up by name. */
	if (IS_ROOT(dentry) ||
	    time_before(jiffies, dentry->d_time + sbi->attr_timeout))
		return 1;
	if (flags & LOOKUP_RCU)
		return -ECHILD;
	parent = dget_parent(dentry);
	ret = hostfs_lookup_name(d_inode(parent), &dentry->d_name, &entry);
	dput(parent);
	inode = d_inode(dentry);
	if (ret == -ENOENT)
		return inode ? 0 : 1;
	if (ret)
		return ret;
	found = hostfs_entry_inode(dentry->d_sb, &entry);
	if (IS_ERR(found))
		return 0;
	/* Another file under the name now: look it up afresh. */
	ret = found == inode;
	iput(found);
	if (ret)
		dentry->d_time = jiffies;
	return ret;
}

const struct dentry_operations hostfs_dentry_ops = {
	.d_revalidate	= hostfs_d_revalidate,
};

static int hostfs_make(struct inode *dir, struct dentry *dentry, u16 proc,
		       umode_t mode, const char *target)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(dir->i_sb);
	size_t tlen = target ? strlen(target) : 0;
	const struct qstr *name = &dentry->d_name;
	struct vmrpc_hostfs_create *req;
	struct vmrpc_hostfs_entry entry;
	struct inode *inode;
	int ret;

	ret = hostfs_check_name(name->name, name->len);
	if (ret)
		return ret;
	if (target && (!tlen || tlen > VMRPC_HOSTFS_SYMLINK_MAX))
		return -ENAMETOOLONG;
	req = kzalloc(sizeof(*req) + name->len + tlen, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->mount = cpu_to_le32(sbi->mount);
	req->mode = cpu_to_le32(mode & 07777);
	req->dir = cpu_to_le64(HOSTFS_I(dir)->node);
	req->len = cpu_to_le32(name->len);
	req->target_len = cpu_to_le32(tlen);
	memcpy(req->data, name->name, name->len);
	if (tlen)
		memcpy(req->data + name->len, target, tlen);
	ret = hostfs_call(sbi, proc, req, sizeof(*req) + name->len + tlen,
			  &entry, sizeof(entry), sizeof(entry));
	kfree(req);
	if (ret < 0)
		return ret;
	hostfs_mark_stale(dir);
	inode = hostfs_entry_inode(dir->i_sb, &entry);
	if (IS_ERR(inode))
		return PTR_ERR(inode);
	dentry->d_time = jiffies;
	d_instantiate(dentry, inode);
	return 0;
}

static int hostfs_create(struct mnt_idmap *idmap, struct inode *dir,
			 struct dentry *dentry, umode_t mode, bool excl)
{
	return hostfs_make(dir, dentry, VMRPC_HOSTFS_CREATE, mode, NULL);
}

static int hostfs_mkdir(struct mnt_idmap *idmap, struct inode *dir,
			struct dentry *dentry, umode_t mode)
{
	return hostfs_make(dir, dentry, VMRPC_HOSTFS_MKDIR, mode, NULL);
}

static int hostfs_symlink(struct mnt_idmap *idmap, struct inode *dir,
			  struct dentry *dentry, const char *target)
{
	return hostfs_make(dir, dentry, VMRPC_HOSTFS_SYMLINK, 0, target);
}

static int hostfs_remove(struct inode *dir, struct dentry *dentry, u16 proc)
{
	struct hostfs_name_req req;
	struct vmrpc_hostfs_reply reply;
	struct inode *inode = d_inode(dentry);
	int len = hostfs_name_req(dir, &dentry->d_name, &req);

	if (len < 0)
		return len;
	len = hostfs_call(HOSTFS_SB(dir->i_sb), proc, &req, len, &reply,
			  sizeof(reply), sizeof(reply));
	if (len < 0)
		return len;
	hostfs_mark_stale(dir);
	if (proc == VMRPC_HOSTFS_RMDIR)
		clear_nlink(inode);
	else
		drop_nlink(inode);
	/* The host's ctime and link count changed: fetch them when asked. */
	hostfs_mark_stale(inode);
	return 0;
}

static int hostfs_unlink(struct inode *dir, struct dentry *dentry)
{
	return hostfs_remove(dir, dentry, VMRPC_HOSTFS_UNLINK);
}

static int hostfs_rmdir(struct inode *dir, struct dentry *dentry)
{
	return hostfs_remove(dir, dentry, VMRPC_HOSTFS_RMDIR);
}

static int hostfs_rename(struct mnt_idmap *idmap, struct inode *old_dir,
			 struct dentry *old_dentry, struct inode *new_dir,
			 struct dentry *new_dentry, unsigned int flags)
{
	const struct qstr *on = &old_dentry->d_name, *nn = &new_dentry->d_name;
	struct hostfs_sb_info *sbi = HOSTFS_SB(old_dir->i_sb);
	struct inode *target = d_inode(new_dentry);
	struct vmrpc_hostfs_rename *req;
	struct vmrpc_hostfs_reply reply;
	u32 wflags = 0;
	int ret;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if (flags & RENAME_NOREPLACE)
		wflags |= VMRPC_HOSTFS_RENAME_NOREPLACE;
	if (flags & RENAME_EXCHANGE)
		wflags |= VMRPC_HOSTFS_RENAME_EXCHANGE;
	ret = hostfs_check_name(on->name, on->len);
	if (!ret)
		ret = hostfs_check_name(nn->name, nn->len);
	if (ret)
		return ret;
	req = kzalloc(sizeof(*req) + on->len + nn->len, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	req->mount = cpu_to_le32(sbi->mount);
	req->flags = cpu_to_le32(wflags);
	req->old_dir = cpu_to_le64(HOSTFS_I(old_dir)->node);
	req->new_dir = cpu_to_le64(HOSTFS_I(new_dir)->node);
	req->old_len = cpu_to_le32(on->len);
	req->new_len = cpu_to_le32(nn->len);
	memcpy(req->names, on->name, on->len);
	memcpy(req->names + on->len, nn->name, nn->len);
	ret = hostfs_call(sbi, VMRPC_HOSTFS_RENAME, req,
			  sizeof(*req) + on->len + nn->len, &reply,
			  sizeof(reply), sizeof(reply));
	kfree(req);
	if (ret < 0)
		return ret;
	hostfs_mark_stale(old_dir);
	hostfs_mark_stale(new_dir);
	if (target && !(flags & RENAME_EXCHANGE)) {
		if (S_ISDIR(target->i_mode))
			clear_nlink(target);
		else
			drop_nlink(target);
	}
	return 0;
}

const struct inode_operations hostfs_dir_iops = {
	.lookup		= hostfs_lookup,
	.create		= hostfs_create,
	.mkdir		= hostfs_mkdir,
	.symlink	= hostfs_symlink,
	.unlink		= hostfs_unlink,
	.rmdir		= hostfs_rmdir,
	.rename		= hostfs_rename,
	.getattr	= hostfs_getattr,
	.setattr	= hostfs_setattr,
};
