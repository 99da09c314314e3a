// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: open files. Coherence is close-to-open: open() fetches the
 * attributes and drops the cached pages when the host changed the file;
 * the last close of a writer (flush) writes dirty pages back, so the host
 * sees them once close() returned. Between the two, attributes and pages
 * are trusted for the mount's attr_timeout.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/uio.h>
#include <linux/writeback.h>

#include "hostfs.h"

static int hostfs_open(struct inode *inode, struct file *file)
{
	int ret = generic_file_open(inode, file);

	if (ret)
		return ret;
	return hostfs_revalidate(inode, true);
}

static int hostfs_flush(struct file *file, fl_owner_t id)
{
	if (!(file->f_mode & FMODE_WRITE))
		return 0;
	return filemap_write_and_wait(file->f_mapping);
}

static int hostfs_fsync(struct file *file, loff_t start, loff_t end,
			int datasync)
{
	struct inode *inode = file_inode(file);
	struct hostfs_sb_info *sbi = HOSTFS_SB(inode->i_sb);
	struct vmrpc_hostfs_node req = {
		.mount = cpu_to_le32(sbi->mount),
		.flags = cpu_to_le32(datasync ? VMRPC_HOSTFS_FSYNC_DATA : 0),
		.node = cpu_to_le64(HOSTFS_I(inode)->node),
	};
	struct vmrpc_hostfs_reply reply;
	int ret;

	ret = file_write_and_wait_range(file, start, end);
	if (ret)
		return ret;
	ret = hostfs_call(sbi, VMRPC_HOSTFS_FSYNC, &req, sizeof(req), &reply,
			  sizeof(reply), sizeof(reply));
	return ret < 0 ? ret : 0;
}

static ssize_t hostfs_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	int ret = hostfs_revalidate(file_inode(iocb->ki_filp), false);

	if (ret)
		return ret;
	return generic_file_read_iter(iocb, to);
}

static ssize_t hostfs_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct inode *inode = file_inode(iocb->ki_filp);
	loff_t isize;
	ssize_t ret;

	ret = hostfs_revalidate(inode, false);
	if (ret)
		return ret;
	inode_lock(inode);
	ret = generic_write_checks(iocb, from);
	if (ret <= 0)
		goto out;
	ret = file_remove_privs(iocb->ki_filp);
	if (ret)
		goto out;
	isize = i_size_read(inode);
	/* The hole this write opens reads as zeroes. */
	if (iocb->ki_pos > isize)
		hostfs_zero_after(inode, isize);
	ret = generic_perform_write(iocb, from);
out:
	inode_unlock(inode);
	if (ret > 0)
		ret = generic_write_sync(iocb, ret);
	return ret;
}

static vm_fault_t hostfs_page_mkwrite(struct vm_fault *vmf)
{
	struct folio *folio = page_folio(vmf->page);
	struct inode *inode = file_inode(vmf->vma->vm_file);

	sb_start_pagefault(inode->i_sb);
	folio_lock(folio);
	if (folio->mapping != inode->i_mapping ||
	    folio_pos(folio) >= i_size_read(inode)) {
		/* Truncated meanwhile: let the fault find out again. */
		folio_unlock(folio);
		sb_end_pagefault(inode->i_sb);
		return VM_FAULT_NOPAGE;
	}
	folio_mark_dirty(folio);
	/* No write to a page while the host copies it out. */
	folio_wait_stable(folio);
	sb_end_pagefault(inode->i_sb);
	return VM_FAULT_LOCKED;
}

static const struct vm_operations_struct hostfs_vm_ops = {
	.fault		= filemap_fault,
	.map_pages	= filemap_map_pages,
	.page_mkwrite	= hostfs_page_mkwrite,
};

static int hostfs_mmap(struct file *file, struct vm_area_struct *vma)
{
	file_accessed(file);
	vma->vm_ops = &hostfs_vm_ops;
	return 0;
}

const struct file_operations hostfs_file_fops = {
	.open		= hostfs_open,
	.flush		= hostfs_flush,
	.fsync		= hostfs_fsync,
	.read_iter	= hostfs_read_iter,
	.write_iter	= hostfs_write_iter,
	.mmap		= hostfs_mmap,
	.llseek		= generic_file_llseek,
	.splice_read	= filemap_splice_read,
	.splice_write	= iter_file_splice_write,
};
