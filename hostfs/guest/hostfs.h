/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostfs: directories the host exports, mounted in the guest over VMRPC.
 *
 * The host names each file the guest has looked up by a node id; an inode
 * here is one node id of one mount (iget5 keyed by the id), holding as
 * many lookups of it as the host has answered, which it gives back with
 * VMRPC_HOSTFS_FORGET when it is evicted. Everything the host answers is
 * checked and copied into kernel types before any of it is used
 * (hostfs_attr_from_wire(), the reply checks of each caller).
 *
 * Files: call.c (calls and errnos), super.c (mount), inode.c (inodes and
 * attributes), namei.c (names), dir.c (readdir), file.c (open, mmap,
 * fsync), addr.c (page cache), frames.c (moving file data), invalidate.c
 * (the host's reverse call), stats.c (counters), debugfs.c (a test hook).
 */
#ifndef _HOSTFS_H
#define _HOSTFS_H

#include <linux/fs.h>
#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/vmrpc.h>

#define HOSTFS_SUPER_MAGIC	0x7a686673	/* "zhfs" */
#define HOSTFS_TIMEOUT_MS	10000		/* per call, unless timeout= */

/**
 * struct hostfs_sb_info - one mount of an export; constant after
 *	hostfs_fill_super() except where a field says otherwise
 * @sb: the super block
 * @mount: the host's handle of this mount
 * @root: node id of the export's directory
 * @ro: the host exports it read-only (the super block is SB_RDONLY)
 * @dying: set by hostfs_kill_sb() before inodes are evicted, so that
 *	eviction does not send one FORGET per inode the UNMOUNT drops anyway
 *	(WRITE_ONCE/READ_ONCE)
 * @attr_timeout: jiffies for which attributes and names are trusted
 * @timeout_ms: how long a call may take
 * @tag: the export's tag
 * @link: on hostfs_mounts, under hostfs_mounts_lock
 * @debugfs: this mount's debugfs directory, or NULL
 */
struct hostfs_sb_info {
	struct super_block *sb;
	u32 mount;
	u64 root;
	bool ro;
	bool dying;
	unsigned long attr_timeout;
	unsigned int timeout_ms;
	char tag[VMRPC_HOSTFS_TAG_MAX];
	struct list_head link;
	struct dentry *debugfs;
};

/**
 * struct hostfs_inode_info - an inode of a hostfs mount
 * @vfs_inode: the inode
 * @node: the host's node id; constant
 * @nlookup: lookups of @node the host answered and the guest has not
 *	given back (i_lock)
 * @attr_time: jiffies when the attributes were last fetched (i_lock)
 * @attr_stale: the host said the file changed (i_lock)
 * @host_mtime: the host's mtime as last seen, writes of this guest
 *	included (i_lock)
 * @host_size: the host's size as last seen (i_lock)
 * @size_lock: held shared by writeback while it sends pages, exclusive by
 *	a truncate across the host call and truncate_setsize(), so that no
 *	page beyond a new end of file reaches the host after it
 */
struct hostfs_inode_info {
	struct inode vfs_inode;
	u64 node;
	u64 nlookup;
	unsigned long attr_time;
	bool attr_stale;
	struct timespec64 host_mtime;
	loff_t host_size;
	struct rw_semaphore size_lock;
};

/**
 * struct hostfs_attr - attributes the host sent, checked
 * @ino: the host's inode number
 * @size: bytes
 * @blocks: 512-byte blocks
 * @atime: last access
 * @mtime: last data change
 * @ctime: last status change
 * @mode: type and permissions; the type is one Linux knows
 * @nlink: links
 * @uid: owner
 * @gid: group
 * @blksize: preferred I/O size, a power of two
 */
struct hostfs_attr {
	u64 ino;
	loff_t size;
	u64 blocks;
	struct timespec64 atime;
	struct timespec64 mtime;
	struct timespec64 ctime;
	umode_t mode;
	u32 nlink;
	kuid_t uid;
	kgid_t gid;
	u32 blksize;
};

static inline struct hostfs_sb_info *HOSTFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

static inline struct hostfs_inode_info *HOSTFS_I(struct inode *inode)
{
	return container_of(inode, struct hostfs_inode_info, vfs_inode);
}

/* call.c */
int hostfs_call(struct hostfs_sb_info *sbi, u16 proc, const void *req,
		u32 req_len, void *resp, u32 resp_min, u32 resp_size);
int hostfs_errno(u32 error);
u32 hostfs_payload(void);
int hostfs_check_name(const char *name, size_t len);

/* inode.c */
extern const struct inode_operations hostfs_file_iops;
extern const struct inode_operations hostfs_symlink_iops;
int hostfs_attr_from_wire(const struct vmrpc_hostfs_attr *wire,
			  struct hostfs_attr *attr);
struct inode *hostfs_iget(struct super_block *sb, u64 node,
			  const struct hostfs_attr *attr);
void hostfs_apply_attr(struct inode *inode, const struct hostfs_attr *attr);
void hostfs_note_host_attr(struct inode *inode,
			   const struct hostfs_attr *attr);
int hostfs_revalidate(struct inode *inode, bool force);
int hostfs_getattr(struct mnt_idmap *idmap, const struct path *path,
		   struct kstat *stat, u32 mask, unsigned int flags);
int hostfs_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
		   struct iattr *iattr);
struct inode *hostfs_ilookup(struct super_block *sb, u64 node);
void hostfs_mark_stale(struct inode *inode);
void hostfs_zero_after(struct inode *inode, loff_t from);
void hostfs_forget(struct hostfs_sb_info *sbi, u64 node, u64 nlookup);
void hostfs_evict_inode(struct inode *inode);
struct inode *hostfs_alloc_inode(struct super_block *sb);
void hostfs_free_inode(struct inode *inode);
int hostfs_inode_cache_init(void);
void hostfs_inode_cache_exit(void);

/* namei.c */
extern const struct inode_operations hostfs_dir_iops;
extern const struct dentry_operations hostfs_dentry_ops;
struct inode *hostfs_entry_inode(struct super_block *sb,
				 const struct vmrpc_hostfs_entry *entry);

/* dir.c */
extern const struct file_operations hostfs_dir_fops;

/* file.c */
extern const struct file_operations hostfs_file_fops;

/* addr.c */
extern const struct address_space_operations hostfs_aops;

/* frames.c */
int hostfs_read_pages(struct inode *inode, struct folio **folios,
		      unsigned int nr);
int hostfs_write_pages(struct inode *inode, struct folio **folios,
		       unsigned int nr, size_t last_len);
bool hostfs_folio_in_area(struct folio *folio);
int hostfs_area_init(void);
void hostfs_area_exit(void);

/* invalidate.c */
void hostfs_invalidate_inode(struct inode *inode);
void hostfs_invalidate_flush(void);
int hostfs_server_init(void);
void hostfs_server_exit(void);
extern struct mutex hostfs_mounts_lock;
extern struct list_head hostfs_mounts;

/* stats.c */
enum hostfs_stat {
	HOSTFS_FRAMES_READ_BYTES,
	HOSTFS_FRAMES_WRITTEN_BYTES,
	HOSTFS_BOUNCE_READ_BYTES,
	HOSTFS_BOUNCE_WRITTEN_BYTES,
	HOSTFS_BOUNCE_ZONE_HOST_BYTES,
	HOSTFS_CALLS,
	HOSTFS_ERRORS,
	HOSTFS_TIMEOUTS,
	HOSTFS_INVALIDATIONS,
	HOSTFS_NR_STATS,
};

void hostfs_count(enum hostfs_stat stat, u64 n);
int hostfs_stats_init(void);
void hostfs_stats_exit(void);

/* debugfs.c */
void hostfs_debugfs_add(struct hostfs_sb_info *sbi);
void hostfs_debugfs_remove(struct hostfs_sb_info *sbi);
void hostfs_debugfs_init(void);
void hostfs_debugfs_exit(void);

#endif /* _HOSTFS_H */
