// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: the host's reverse call VMRPC_HOSTFS_INVALIDATE, which says a
 * file changed behind the guest's back.
 *
 * The call is answered at once and the work done on a workqueue: dropping
 * pages first writes dirty ones back, which are calls to the host, and a
 * host waiting for this answer might not serve them.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/dcache.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "hostfs.h"

/* The mounted super blocks; kill_sb takes its own off first. */
DEFINE_MUTEX(hostfs_mounts_lock);
LIST_HEAD(hostfs_mounts);

static struct workqueue_struct *hostfs_wq;

/**
 * struct hostfs_invalidation - one INVALIDATE waiting for the workqueue
 * @work: on hostfs_wq
 * @mount: the host's mount handle
 * @node: node id, 0 for every inode of the mount
 */
struct hostfs_invalidation {
	struct work_struct work;
	u32 mount;
	u64 node;
};

/* Called under hostfs_mounts_lock. */
static struct hostfs_sb_info *hostfs_find_mount(u32 mount)
{
	struct hostfs_sb_info *sbi;

	list_for_each_entry(sbi, &hostfs_mounts, link)
		if (sbi->mount == mount)
			return sbi;
	return NULL;
}

/**
 * hostfs_invalidate_inode() - forget what is cached of a file
 * @inode: the inode
 *
 * Dirty pages go to the host first; the attributes are fetched again on
 * the next access.
 */
void hostfs_invalidate_inode(struct inode *inode)
{
	hostfs_mark_stale(inode);
	if (S_ISREG(inode->i_mode) && inode->i_mapping->nrpages) {
		filemap_write_and_wait(inode->i_mapping);
		invalidate_inode_pages2(inode->i_mapping);
	}
	hostfs_count(HOSTFS_INVALIDATIONS, 1);
}

static void hostfs_invalidate_all(struct super_block *sb)
{
	struct inode *inode, *put = NULL;

	/* Names are looked up again too. */
	shrink_dcache_sb(sb);
	spin_lock(&sb->s_inode_list_lock);
	list_for_each_entry(inode, &sb->s_inodes, i_sb_list) {
		spin_lock(&inode->i_lock);
		if (inode->i_state & (I_FREEING | I_WILL_FREE | I_NEW)) {
			spin_unlock(&inode->i_lock);
			continue;
		}
		__iget(inode);
		spin_unlock(&inode->i_lock);
		spin_unlock(&sb->s_inode_list_lock);
		hostfs_invalidate_inode(inode);
		iput(put);
		put = inode;
		cond_resched();
		spin_lock(&sb->s_inode_list_lock);
	}
	spin_unlock(&sb->s_inode_list_lock);
	iput(put);
}

static void hostfs_invalidate_work(struct work_struct *work)
{
	struct hostfs_invalidation *inv =
		container_of(work, struct hostfs_invalidation, work);
	struct hostfs_sb_info *sbi;
	struct inode *inode;

	/*
	 * kill_sb takes the mount off the list, then flushes this
	 * workqueue, so a mount found here lives until the work ends.
	 */
	mutex_lock(&hostfs_mounts_lock);
	sbi = hostfs_find_mount(inv->mount);
	mutex_unlock(&hostfs_mounts_lock);
	if (!sbi)
		goto out;
	if (!inv->node) {
		hostfs_invalidate_all(sbi->sb);
		goto out;
	}
	inode = hostfs_ilookup(sbi->sb, inv->node);
	if (inode) {
		hostfs_invalidate_inode(inode);
		iput(inode);
	}
out:
	kfree(inv);
}

static int hostfs_serve(void *priv, u16 proc, const void *req, u32 req_len,
			void *resp, u32 resp_size)
{
	struct vmrpc_hostfs_reply reply = {};
	struct vmrpc_hostfs_invalidate r;
	struct hostfs_invalidation *inv;
	bool found;

	if (proc != VMRPC_HOSTFS_INVALIDATE)
		return -EOPNOTSUPP;
	if (req_len != sizeof(r) || resp_size < sizeof(reply))
		return -EINVAL;
	memcpy(&r, req, sizeof(r));
	mutex_lock(&hostfs_mounts_lock);
	found = hostfs_find_mount(le32_to_cpu(r.mount));
	mutex_unlock(&hostfs_mounts_lock);
	if (!found) {
		reply.error = cpu_to_le32(ENOENT);
	} else {
		inv = kzalloc(sizeof(*inv), GFP_KERNEL);
		if (!inv)
			return -ENOMEM;
		INIT_WORK(&inv->work, hostfs_invalidate_work);
		inv->mount = le32_to_cpu(r.mount);
		inv->node = le64_to_cpu(r.node);
		queue_work(hostfs_wq, &inv->work);
	}
	memcpy(resp, &reply, sizeof(reply));
	return sizeof(reply);
}

/**
 * hostfs_invalidate_flush() - wait for the invalidations queued so far
 */
void hostfs_invalidate_flush(void)
{
	flush_workqueue(hostfs_wq);
}

/**
 * hostfs_server_init() - serve the host's calls of the hostfs module
 *
 * Return: 0 or a negative errno.
 */
int hostfs_server_init(void)
{
	int ret;

	hostfs_wq = alloc_workqueue("hostfs", WQ_UNBOUND, 1);
	if (!hostfs_wq)
		return -ENOMEM;
	ret = vmrpc_register_server(VMRPC_MOD_HOSTFS, hostfs_serve, NULL);
	if (ret)
		destroy_workqueue(hostfs_wq);
	return ret;
}

/**
 * hostfs_server_exit() - stop serving, after the queued work
 */
void hostfs_server_exit(void)
{
	vmrpc_unregister_server(VMRPC_MOD_HOSTFS);
	destroy_workqueue(hostfs_wq);
}
