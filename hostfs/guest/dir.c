// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: reading a directory.
 *
 * The host's cookies are its own (getdents64 offsets), any 64-bit value,
 * so they cannot be the guest's file positions, which must also leave room
 * for "." and "..". The position counts entries instead, and each open
 * directory remembers the host's cookie for the position it stopped at; a
 * seek elsewhere reads from the start and skips.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "hostfs.h"

/**
 * struct hostfs_dir_pos - where an open directory stopped; the VFS
 *	serializes iterate_shared() on one file (f_pos_lock)
 * @pos: the file position reached
 * @cookie: the host's cookie of the entry at @pos
 */
struct hostfs_dir_pos {
	loff_t pos;
	u64 cookie;
};

static int hostfs_dir_open(struct inode *inode, struct file *file)
{
	struct hostfs_dir_pos *dp;
	int ret;

	ret = hostfs_revalidate(inode, true);
	if (ret)
		return ret;
	dp = kzalloc(sizeof(*dp), GFP_KERNEL);
	if (!dp)
		return -ENOMEM;
	dp->pos = 2;
	file->private_data = dp;
	return 0;
}

static int hostfs_dir_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static unsigned int hostfs_dt(u16 type)
{
	switch (type) {
	case VMRPC_HOSTFS_DT_FIFO: return DT_FIFO;
	case VMRPC_HOSTFS_DT_CHR: return DT_CHR;
	case VMRPC_HOSTFS_DT_DIR: return DT_DIR;
	case VMRPC_HOSTFS_DT_BLK: return DT_BLK;
	case VMRPC_HOSTFS_DT_REG: return DT_REG;
	case VMRPC_HOSTFS_DT_LNK: return DT_LNK;
	case VMRPC_HOSTFS_DT_SOCK: return DT_SOCK;
	default: return DT_UNKNOWN;
	}
}

/*
 * One batch of entries from @cookie on. Emits them from position
 * dp->pos on, but only those at or past ctx->pos (a seek backwards skips
 * what it re-reads). Returns 1 at the end of the directory, 2 when the
 * caller's buffer is full, 0 when the batch was used up, or a negative
 * errno.
 */
static int hostfs_readdir_batch(struct file *file, struct dir_context *ctx,
				struct hostfs_dir_pos *dp, char *buf, u32 size)
{
	struct inode *dir = file_inode(file);
	struct hostfs_sb_info *sbi = HOSTFS_SB(dir->i_sb);
	struct vmrpc_hostfs_readdir req = {
		.mount = cpu_to_le32(sbi->mount),
		.max = cpu_to_le32(size - sizeof(struct vmrpc_hostfs_reply)),
		.dir = cpu_to_le64(HOSTFS_I(dir)->node),
		.cookie = cpu_to_le64(dp->cookie),
	};
	struct vmrpc_hostfs_reply hdr;
	struct vmrpc_hostfs_dirent de;
	u32 off = sizeof(hdr), nr, i, len, step;
	int ret;

	ret = hostfs_call(sbi, VMRPC_HOSTFS_READDIR, &req, sizeof(req), buf,
			  sizeof(hdr), size);
	if (ret < 0)
		return ret;
	memcpy(&hdr, buf, sizeof(hdr));
	nr = le32_to_cpu(hdr.count);
	if (!nr)
		return 1;
	for (i = 0; i < nr; i++) {
		if (ret - off < sizeof(de))
			return -EIO;
		memcpy(&de, buf + off, sizeof(de));
		len = le16_to_cpu(de.len);
		step = ALIGN(sizeof(de) + len, 8);
		if (step > ret - off ||
		    hostfs_check_name(buf + off + sizeof(de), len))
			return -EIO;
		if (dp->pos >= ctx->pos) {
			if (!dir_emit(ctx, buf + off + sizeof(de), len,
				      le64_to_cpu(de.ino),
				      hostfs_dt(le16_to_cpu(de.type))))
				return 2;
			ctx->pos = dp->pos + 1;
		}
		dp->pos++;
		dp->cookie = le64_to_cpu(de.next);
		off += step;
	}
	return 0;
}

static int hostfs_readdir(struct file *file, struct dir_context *ctx)
{
	struct hostfs_dir_pos *dp = file->private_data;
	u32 size = hostfs_payload();
	char *buf;
	int ret;

	if (!dir_emit_dots(file, ctx))
		return 0;
	if (ctx->pos != dp->pos) {
		/* A seek: start again; the batch skips up to ctx->pos. */
		dp->pos = 2;
		dp->cookie = 0;
	}
	if (size < 512)
		return -EIO;
	buf = kvmalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	do {
		/* A host that never ends a directory cannot hold us. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ret = hostfs_readdir_batch(file, ctx, dp, buf, size);
	} while (!ret);
	kvfree(buf);
	return ret < 0 ? ret : 0;
}

const struct file_operations hostfs_dir_fops = {
	.open		= hostfs_dir_open,
	.release	= hostfs_dir_release,
	.read		= generic_read_dir,
	.iterate_shared	= hostfs_readdir,
	.llseek		= generic_file_llseek,
};
