// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: inodes and their attributes.
 *
 * Attributes come from the host; the guest's copy is trusted for the
 * mount's attr_timeout, and open() always fetches them again
 * (close-to-open). The size is special: while the guest has dirty pages
 * of a file, its own i_size is ahead of the host's, so the host's size is
 * applied only to new inodes, under the inode lock by hostfs_revalidate(),
 * and by a truncate.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/writeback.h>

#include "hostfs.h"

static struct kmem_cache *hostfs_inode_cachep;

static bool hostfs_mode_ok(umode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFSOCK:
		return true;
	default:
		return false;
	}
}

static int hostfs_ts(u64 sec, u32 nsec, struct timespec64 *ts)
{
	if (nsec >= NSEC_PER_SEC || sec > (u64)KTIME_SEC_MAX)
		return -EIO;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

/**
 * hostfs_attr_from_wire() - check attributes the host sent and copy them
 * @wire: as the reply has them
 * @attr: the checked copy
 *
 * Return: 0, or -EIO when the host sent what no file has: an unknown file
 * type, a negative size, nanoseconds past a second.
 */
int hostfs_attr_from_wire(const struct vmrpc_hostfs_attr *wire,
			  struct hostfs_attr *attr)
{
	u64 size = le64_to_cpu(wire->size);
	u32 mode = le32_to_cpu(wire->mode);
	u32 blksize = le32_to_cpu(wire->blksize);
	kuid_t uid = make_kuid(&init_user_ns, le32_to_cpu(wire->uid));
	kgid_t gid = make_kgid(&init_user_ns, le32_to_cpu(wire->gid));

	if (mode & ~(S_IFMT | 07777) || !hostfs_mode_ok(mode) ||
	    size > MAX_LFS_FILESIZE)
		return -EIO;
	if (hostfs_ts(le64_to_cpu(wire->atime_sec),
		      le32_to_cpu(wire->atime_nsec), &attr->atime) ||
	    hostfs_ts(le64_to_cpu(wire->mtime_sec),
		      le32_to_cpu(wire->mtime_nsec), &attr->mtime) ||
	    hostfs_ts(le64_to_cpu(wire->ctime_sec),
		      le32_to_cpu(wire->ctime_nsec), &attr->ctime))
		return -EIO;
	attr->ino = le64_to_cpu(wire->ino);
	attr->size = size;
	attr->blocks = le64_to_cpu(wire->blocks);
	attr->mode = mode;
	attr->nlink = le32_to_cpu(wire->nlink);
	/* Ids this guest cannot map show as the overflow ids, as in NFS. */
	attr->uid = uid_valid(uid) ? uid : make_kuid(&init_user_ns, overflowuid);
	attr->gid = gid_valid(gid) ? gid : make_kgid(&init_user_ns, overflowgid);
	attr->blksize = blksize && is_power_of_2(blksize) && blksize <= SZ_1M ?
			blksize : PAGE_SIZE;
	return 0;
}

static void hostfs_apply(struct inode *inode, const struct hostfs_attr *a,
			 bool size)
{
	inode->i_mode = (inode->i_mode & S_IFMT) | (a->mode & 07777);
	inode->i_uid = a->uid;
	inode->i_gid = a->gid;
	set_nlink(inode, a->nlink);
	inode_set_atime_to_ts(inode, a->atime);
	inode_set_mtime_to_ts(inode, a->mtime);
	inode_set_ctime_to_ts(inode, a->ctime);
	inode->i_blocks = a->blocks;
	if (size)
		i_size_write(inode, a->size);
}

/**
 * hostfs_apply_attr() - take the host's attributes, size included
 * @inode: the inode; the caller holds its lock or has it to itself
 * @attr: checked attributes of the same file type
 */
void hostfs_apply_attr(struct inode *inode, const struct hostfs_attr *attr)
{
	hostfs_apply(inode, attr, true);
}

/**
 * hostfs_note_host_attr() - remember what the host's file looks like now
 * @inode: the inode
 * @attr: attributes of a reply, also one to this guest's own write
 *
 * hostfs_revalidate() compares the next attributes with these to find
 * changes made on the host.
 */
void hostfs_note_host_attr(struct inode *inode,
			   const struct hostfs_attr *attr)
{
	struct hostfs_inode_info *hi = HOSTFS_I(inode);

	spin_lock(&inode->i_lock);
	hi->host_mtime = attr->mtime;
	hi->host_size = attr->size;
	hi->attr_time = jiffies;
	hi->attr_stale = false;
	spin_unlock(&inode->i_lock);
}

/* The inode cache's hash of a node id. */
static unsigned long hostfs_hash(u64 node)
{
	return (unsigned long)(node ^ (node >> 32));
}

static int hostfs_iget_test(struct inode *inode, void *data)
{
	return HOSTFS_I(inode)->node == *(u64 *)data;
}

static int hostfs_iget_set(struct inode *inode, void *data)
{
	HOSTFS_I(inode)->node = *(u64 *)data;
	return 0;
}

static void hostfs_init_new(struct inode *inode, const struct hostfs_attr *a)
{
	inode->i_ino = a->ino;
	inode->i_mode = a->mode;
	inode->i_blkbits = ilog2(a->blksize);
	switch (a->mode & S_IFMT) {
	case S_IFREG:
		inode->i_op = &hostfs_file_iops;
		inode->i_fop = &hostfs_file_fops;
		inode->i_mapping->a_ops = &hostfs_aops;
		break;
	case S_IFDIR:
		inode->i_op = &hostfs_dir_iops;
		inode->i_fop = &hostfs_dir_fops;
		break;
	case S_IFLNK:
		inode->i_op = &hostfs_symlink_iops;
		inode_nohighmem(inode);
		break;
	default:
		/* Device numbers are the host's: never opened here. */
		inode->i_op = &hostfs_file_iops;
		init_special_inode(inode, a->mode, 0);
		break;
	}
	hostfs_apply(inode, a, true);
	hostfs_note_host_attr(inode, a);
}

/**
 * hostfs_ilookup() - the inode of a node id, if this guest has one
 * @sb: the mount
 * @node: the host's node id
 *
 * Return: a referenced inode, or NULL.
 */
struct inode *hostfs_ilookup(struct super_block *sb, u64 node)
{
	return ilookup5(sb, hostfs_hash(node), hostfs_iget_test, &node);
}

/**
 * hostfs_mark_stale() - fetch the attributes again on next use
 * @inode: an inode whose host file changed (a directory this guest
 *	changed, a file it unlinked, one the host invalidated)
 */
void hostfs_mark_stale(struct inode *inode)
{
	spin_lock(&inode->i_lock);
	HOSTFS_I(inode)->attr_stale = true;
	spin_unlock(&inode->i_lock);
}

/**
 * hostfs_iget() - the inode of a node the host just answered a lookup of
 * @sb: the mount
 * @node: the host's node id
 * @attr: its checked attributes
 *
 * Takes over the one lookup of @node the answer counted: it is given back
 * with the inode, or at once on failure.
 *
 * Return: a referenced inode, or an ERR_PTR: -ESTALE when the host
 * reused a node id for a file of another type.
 */
struct inode *hostfs_iget(struct super_block *sb, u64 node,
			  const struct hostfs_attr *attr)
{
	struct inode *inode;
	struct hostfs_inode_info *hi;
	bool stale;

	inode = iget5_locked(sb, hostfs_hash(node), hostfs_iget_test,
			     hostfs_iget_set, &node);
	if (!inode) {
		hostfs_forget(HOSTFS_SB(sb), node, 1);
		return ERR_PTR(-ENOMEM);
	}
	hi = HOSTFS_I(inode);
	spin_lock(&inode->i_lock);
	hi->nlookup++;
	spin_unlock(&inode->i_lock);
	if (inode->i_state & I_NEW) {
		hostfs_init_new(inode, attr);
		unlock_new_inode(inode);
		return inode;
	}
	spin_lock(&inode->i_lock);
	stale = (inode->i_mode ^ attr->mode) & S_IFMT;
	spin_unlock(&inode->i_lock);
	if (stale) {
		/* The lookup counted is given back when the inode goes. */
		iput(inode);
		return ERR_PTR(-ESTALE);
	}
	/* The size waits for hostfs_revalidate(), under the inode lock. */
	hostfs_apply(inode, attr, false);
	return inode;
}

static void hostfs_zap_cache(struct inode *inode)
{
	struct address_space *mapping = inode->i_mapping;

	if (!S_ISREG(inode->i_mode) || !mapping->nrpages)
		return;
	/* Dirty pages of this guest go to the host first, then all go. */
	filemap_write_and_wait(mapping);
	invalidate_inode_pages2(mapping);
}

/**
 * hostfs_revalidate() - fetch attributes when the cached ones are old
 * @inode: the inode; the caller holds no inode lock
 * @force: fetch them whatever their age (open, the host's invalidation)
 *
 * When the host's file changed since this guest last saw it (another
 * mtime or size than this guest's own writes left), the cached pages go.
 *
 * Return: 0 or a negative errno.
 */
int hostfs_revalidate(struct inode *inode, bool force)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(inode->i_sb);
	struct hostfs_inode_info *hi = HOSTFS_I(inode);
	struct vmrpc_hostfs_node req = {
		.mount = cpu_to_le32(sbi->mount),
		.node = cpu_to_le64(hi->node),
	};
	struct vmrpc_hostfs_attr_reply reply;
	struct hostfs_attr attr;
	bool changed, fresh;
	int ret;

	spin_lock(&inode->i_lock);
	fresh = !hi->attr_stale &&
		time_before(jiffies, hi->attr_time + sbi->attr_timeout);
	spin_unlock(&inode->i_lock);
	if (fresh && !force)
		return 0;
	ret = hostfs_call(sbi, VMRPC_HOSTFS_GETATTR, &req, sizeof(req), &reply,
			  sizeof(reply), sizeof(reply));
	if (ret < 0)
		return ret;
	ret = hostfs_attr_from_wire(&reply.attr, &attr);
	if (ret)
		return ret;
	if ((attr.mode ^ inode->i_mode) & S_IFMT)
		return -ESTALE;
	inode_lock(inode);
	spin_lock(&inode->i_lock);
	changed = hi->attr_stale || hi->host_size != attr.size ||
		  !timespec64_equal(&hi->host_mtime, &attr.mtime);
	spin_unlock(&inode->i_lock);
	if (changed)
		hostfs_zap_cache(inode);
	hostfs_apply(inode, &attr,
		     !mapping_tagged(inode->i_mapping, PAGECACHE_TAG_DIRTY) &&
		     !mapping_tagged(inode->i_mapping, PAGECACHE_TAG_WRITEBACK));
	hostfs_note_host_attr(inode, &attr);
	inode_unlock(inode);
	return 0;
}

/**
 * hostfs_getattr() - stat(): attributes no older than attr_timeout
 * @idmap: the mount's id map
 * @path: the file
 * @stat: filled in
 * @mask: what the caller wants
 * @flags: AT_STATX_FORCE_SYNC fetches them whatever their age
 *
 * Return: 0 or a negative errno.
 */
int hostfs_getattr(struct mnt_idmap *idmap, const struct path *path,
		   struct kstat *stat, u32 mask, unsigned int flags)
{
	struct inode *inode = d_inode(path->dentry);
	int ret;

	if (!(flags & AT_STATX_DONT_SYNC)) {
		ret = hostfs_revalidate(inode, flags & AT_STATX_FORCE_SYNC);
		if (ret)
			return ret;
	}
	generic_fillattr(idmap, mask, inode, stat);
	stat->blksize = 1U << inode->i_blkbits;
	return 0;
}

/**
 * hostfs_zero_after() - zero the cached page at an old end of file past it
 * @inode: a regular file whose end moves up from @from (truncate, or a
 *	write past the end)
 * @from: the old end of file
 *
 * Bytes a mapping wrote past the old end never reached the host, and the
 * file reads as zeroes there once it is longer.
 */
void hostfs_zero_after(struct inode *inode, loff_t from)
{
	struct folio *folio;

	if (!offset_in_page(from))
		return;
	folio = filemap_lock_folio(inode->i_mapping, from >> PAGE_SHIFT);
	if (IS_ERR(folio))
		return;
	folio_zero_segment(folio, offset_in_folio(folio, from),
			   folio_size(folio));
	folio_unlock(folio);
	folio_put(folio);
}

static u32 hostfs_setattr_wire(const struct iattr *ia,
			       struct vmrpc_hostfs_setattr *req)
{
	u32 valid = 0;

	if (ia->ia_valid & ATTR_MODE) {
		valid |= VMRPC_HOSTFS_SET_MODE;
		req->mode = cpu_to_le32(ia->ia_mode & 07777);
	}
	if (ia->ia_valid & ATTR_UID) {
		valid |= VMRPC_HOSTFS_SET_UID;
		req->uid = cpu_to_le32(from_kuid(&init_user_ns, ia->ia_uid));
	}
	if (ia->ia_valid & ATTR_GID) {
		valid |= VMRPC_HOSTFS_SET_GID;
		req->gid = cpu_to_le32(from_kgid(&init_user_ns, ia->ia_gid));
	}
	if (ia->ia_valid & ATTR_SIZE) {
		valid |= VMRPC_HOSTFS_SET_SIZE;
		req->size = cpu_to_le64(ia->ia_size);
	}
	if (ia->ia_valid & ATTR_ATIME_SET) {
		valid |= VMRPC_HOSTFS_SET_ATIME;
		req->atime_sec = cpu_to_le64(ia->ia_atime.tv_sec);
		req->atime_nsec = cpu_to_le32(ia->ia_atime.tv_nsec);
	} else if (ia->ia_valid & ATTR_ATIME) {
		valid |= VMRPC_HOSTFS_SET_ATIME_NOW;
	}
	if (ia->ia_valid & ATTR_MTIME_SET) {
		valid |= VMRPC_HOSTFS_SET_MTIME;
		req->mtime_sec = cpu_to_le64(ia->ia_mtime.tv_sec);
		req->mtime_nsec = cpu_to_le32(ia->ia_mtime.tv_nsec);
	} else if (ia->ia_valid & ATTR_MTIME) {
		valid |= VMRPC_HOSTFS_SET_MTIME_NOW;
	}
	return valid;
}

/**
 * hostfs_setattr() - chmod, chown, truncate, utimes: on the host first
 * @idmap: the mount's id map
 * @dentry: the file; the VFS holds its inode lock
 * @iattr: what changes
 *
 * A truncate writes dirty pages back first and holds the size lock across
 * the host's truncate and the page cache's, so writeback never sends a
 * page past the new end after the host cut it.
 *
 * Return: 0 or a negative errno.
 */
int hostfs_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
		   struct iattr *iattr)
{
	struct inode *inode = d_inode(dentry);
	struct hostfs_sb_info *sbi = HOSTFS_SB(inode->i_sb);
	struct hostfs_inode_info *hi = HOSTFS_I(inode);
	struct vmrpc_hostfs_setattr req = {
		.mount = cpu_to_le32(sbi->mount),
		.node = cpu_to_le64(hi->node),
	};
	struct vmrpc_hostfs_attr_reply reply;
	bool size = (iattr->ia_valid & ATTR_SIZE) && S_ISREG(inode->i_mode);
	struct hostfs_attr attr;
	loff_t old = i_size_read(inode);
	u32 valid;
	int ret;

	ret = setattr_prepare(idmap, dentry, iattr);
	if (ret)
		return ret;
	valid = hostfs_setattr_wire(iattr, &req);
	if (!valid)
		return 0;
	req.valid = cpu_to_le32(valid);
	if (size) {
		ret = filemap_write_and_wait(inode->i_mapping);
		if (ret)
			return ret;
		down_write(&hi->size_lock);
	}
	ret = hostfs_call(sbi, VMRPC_HOSTFS_SETATTR, &req, sizeof(req), &reply,
			  sizeof(reply), sizeof(reply));
	if (ret >= 0)
		ret = hostfs_attr_from_wire(&reply.attr, &attr);
	if (ret >= 0 && size) {
		truncate_setsize(inode, iattr->ia_size);
		if (iattr->ia_size > old)
			hostfs_zero_after(inode, old);
	}
	if (size)
		up_write(&hi->size_lock);
	if (ret < 0)
		return ret;
	hostfs_apply(inode, &attr, size);
	hostfs_note_host_attr(inode, &attr);
	return 0;
}

/**
 * hostfs_forget() - give lookups of a node back to the host
 * @sbi: the mount
 * @node: the node id
 * @nlookup: how many
 *
 * A failure leaves the node with the host until the mount goes; nothing
 * of the guest depends on it.
 */
void hostfs_forget(struct hostfs_sb_info *sbi, u64 node, u64 nlookup)
{
	struct {
		struct vmrpc_hostfs_forget hdr;
		struct vmrpc_hostfs_forget_one one;
	} req = {
		.hdr.mount = cpu_to_le32(sbi->mount),
		.hdr.nr = cpu_to_le32(1),
		.one.node = cpu_to_le64(node),
		.one.nlookup = cpu_to_le64(nlookup),
	};
	struct vmrpc_hostfs_reply reply;

	if (!nlookup || node == sbi->root || READ_ONCE(sbi->dying))
		return;
	hostfs_call(sbi, VMRPC_HOSTFS_FORGET, &req, sizeof(req), &reply,
		    sizeof(reply), sizeof(reply));
}

/**
 * hostfs_evict_inode() - the inode goes: its pages, then its lookups
 * @inode: the inode
 */
void hostfs_evict_inode(struct inode *inode)
{
	struct hostfs_inode_info *hi = HOSTFS_I(inode);

	truncate_inode_pages_final(&inode->i_data);
	clear_inode(inode);
	hostfs_forget(HOSTFS_SB(inode->i_sb), hi->node, hi->nlookup);
}

static const char *hostfs_get_link(struct dentry *dentry, struct inode *inode,
				   struct delayed_call *done)
{
	struct hostfs_sb_info *sbi = HOSTFS_SB(inode->i_sb);
	struct vmrpc_hostfs_node req = {
		.mount = cpu_to_le32(sbi->mount),
		.node = cpu_to_le64(HOSTFS_I(inode)->node),
	};
	/* One byte more than a target may have: the host tells it truncated. */
	u32 size = sizeof(struct vmrpc_hostfs_reply) + VMRPC_HOSTFS_SYMLINK_MAX + 1;
	struct vmrpc_hostfs_reply hdr;
	char *buf, *target;
	u32 len;
	int ret;

	if (!dentry)
		return ERR_PTR(-ECHILD);
	buf = kmalloc(size + 1, GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	ret = hostfs_call(sbi, VMRPC_HOSTFS_READLINK, &req, sizeof(req), buf,
			  sizeof(hdr), size);
	if (ret < 0)
		goto fail;
	memcpy(&hdr, buf, sizeof(hdr));
	len = le32_to_cpu(hdr.count);
	target = buf + sizeof(hdr);
	if (!len || len > VMRPC_HOSTFS_SYMLINK_MAX ||
	    len != ret - sizeof(hdr) || memchr(target, '\0', len)) {
		ret = -EIO;
		goto fail;
	}
	memmove(buf, target, len);
	buf[len] = '\0';
	set_delayed_call(done, kfree_link, buf);
	return buf;
fail:
	kfree(buf);
	return ERR_PTR(ret);
}

const struct inode_operations hostfs_file_iops = {
	.getattr	= hostfs_getattr,
	.setattr	= hostfs_setattr,
};

const struct inode_operations hostfs_symlink_iops = {
	.get_link	= hostfs_get_link,
	.getattr	= hostfs_getattr,
	.setattr	= hostfs_setattr,
};

/**
 * hostfs_alloc_inode() - super_operations.alloc_inode
 * @sb: the mount
 *
 * Return: a new inode or NULL.
 */
struct inode *hostfs_alloc_inode(struct super_block *sb)
{
	struct hostfs_inode_info *hi;

	hi = alloc_inode_sb(sb, hostfs_inode_cachep, GFP_KERNEL);
	if (!hi)
		return NULL;
	hi->node = 0;
	hi->nlookup = 0;
	hi->attr_time = jiffies;
	hi->attr_stale = false;
	hi->host_size = 0;
	hi->host_mtime = (struct timespec64){};
	return &hi->vfs_inode;
}

/**
 * hostfs_free_inode() - super_operations.free_inode
 * @inode: the inode
 */
void hostfs_free_inode(struct inode *inode)
{
	kmem_cache_free(hostfs_inode_cachep, HOSTFS_I(inode));
}

static void hostfs_inode_once(void *p)
{
	struct hostfs_inode_info *hi = p;

	inode_init_once(&hi->vfs_inode);
	init_rwsem(&hi->size_lock);
}

/**
 * hostfs_inode_cache_init() - the slab cache of hostfs inodes
 *
 * Return: 0 or -ENOMEM.
 */
int hostfs_inode_cache_init(void)
{
	hostfs_inode_cachep = kmem_cache_create("hostfs_inode",
						sizeof(struct hostfs_inode_info),
						0, SLAB_RECLAIM_ACCOUNT |
						SLAB_ACCOUNT, hostfs_inode_once);
	return hostfs_inode_cachep ? 0 : -ENOMEM;
}

/**
 * hostfs_inode_cache_exit() - free the slab cache, after every inode
 */
void hostfs_inode_cache_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(hostfs_inode_cachep);
}
