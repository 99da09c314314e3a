// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: the page cache of host files. Folios are single pages (the ABI
 * names frames in 4 KiB pages); frames.c moves their data.
 *
 * Page cache of ZONE_HOST must stay movable, or memory the host lends
 * could never be given back: migrate_folio is the page cache's own, as no
 * page carries private data.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/migrate.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/writeback.h>

#include "hostfs.h"

/*
 * Folios read or written in one go: as frames.c sends at most, so that a
 * readahead window goes to the host in one call. The arrays are
 * allocated; when that fails, a small one on the stack does.
 */
#define HOSTFS_BATCH		256
#define HOSTFS_BATCH_STACK	8

struct hostfs_batch {
	struct folio **folios;
	unsigned int max;
	struct folio *stack[HOSTFS_BATCH_STACK];
};

static void hostfs_batch_init(struct hostfs_batch *b, unsigned long want)
{
	b->max = clamp_t(unsigned long, want, 1, HOSTFS_BATCH);
	b->folios = b->max > HOSTFS_BATCH_STACK ?
		    kmalloc_array(b->max, sizeof(*b->folios), GFP_NOFS) : NULL;
	if (!b->folios) {
		b->folios = b->stack;
		b->max = min_t(unsigned int, b->max, HOSTFS_BATCH_STACK);
	}
}

static void hostfs_batch_free(struct hostfs_batch *b)
{
	if (b->folios != b->stack)
		kfree(b->folios);
}

static int hostfs_read_folio(struct file *file, struct folio *folio)
{
	int ret = hostfs_read_pages(folio->mapping->host, &folio, 1);

	folio_end_read(folio, ret == 0);
	return ret;
}

static void hostfs_end_reads(struct folio **folios, unsigned int nr, int ret)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		folio_end_read(folios[i], ret == 0);
}

static void hostfs_readahead(struct readahead_control *rac)
{
	struct inode *inode = rac->mapping->host;
	struct hostfs_batch b;
	struct folio *folio;
	unsigned int nr = 0;

	hostfs_batch_init(&b, readahead_count(rac));
	while ((folio = readahead_folio(rac))) {
		if (nr && (nr == b.max ||
			   b.folios[nr - 1]->index + 1 != folio->index)) {
			hostfs_end_reads(b.folios, nr,
					 hostfs_read_pages(inode, b.folios, nr));
			nr = 0;
		}
		b.folios[nr++] = folio;
	}
	if (nr)
		hostfs_end_reads(b.folios, nr,
				 hostfs_read_pages(inode, b.folios, nr));
	hostfs_batch_free(&b);
}

static void hostfs_end_writes(struct address_space *mapping,
			      struct folio **folios, unsigned int nr, int ret)
{
	unsigned int i;

	if (ret)
		mapping_set_error(mapping, ret);
	for (i = 0; i < nr; i++)
		folio_end_writeback(folios[i]);
}

/*
 * Sends the batch and ends its writeback. The last page may be partial:
 * only the bytes before the end of the file go to the host.
 */
static int hostfs_flush_writes(struct inode *inode, struct folio **folios,
			       unsigned int nr, loff_t isize)
{
	size_t last = min_t(loff_t, PAGE_SIZE, isize - folio_pos(folios[nr - 1]));
	int ret = hostfs_write_pages(inode, folios, nr, last);

	hostfs_end_writes(inode->i_mapping, folios, nr, ret);
	return ret;
}

static int hostfs_writepages(struct address_space *mapping,
			     struct writeback_control *wbc)
{
	struct inode *inode = mapping->host;
	struct hostfs_inode_info *hi = HOSTFS_I(inode);
	struct hostfs_batch b;
	struct folio *folio = NULL;
	unsigned int nr = 0;
	int error = 0, ret;
	loff_t isize;

	/* No truncate between reading the size and the host's write. */
	hostfs_batch_init(&b, wbc->sync_mode == WB_SYNC_ALL ? HOSTFS_BATCH :
			  wbc->nr_to_write);
	down_read(&hi->size_lock);
	isize = i_size_read(inode);
	while ((folio = writeback_iter(mapping, wbc, folio, &error))) {
		if (folio_pos(folio) >= isize) {
			/* Wholly past the end: nothing of it is the file's. */
			folio_unlock(folio);
			continue;
		}
		if (nr && (nr == b.max ||
			   b.folios[nr - 1]->index + 1 != folio->index)) {
			ret = hostfs_flush_writes(inode, b.folios, nr, isize);
			if (ret && !error)
				error = ret;
			nr = 0;
		}
		folio_start_writeback(folio);
		folio_unlock(folio);
		b.folios[nr++] = folio;
	}
	if (nr) {
		ret = hostfs_flush_writes(inode, b.folios, nr, isize);
		if (ret && !error)
			error = ret;
	}
	up_read(&hi->size_lock);
	hostfs_batch_free(&b);
	return error;
}

static int hostfs_write_begin(struct file *file, struct address_space *mapping,
			      loff_t pos, unsigned int len,
			      struct folio **foliop, void **fsdata)
{
	struct inode *inode = mapping->host;
	struct folio *folio;
	int ret;

	folio = __filemap_get_folio(mapping, pos >> PAGE_SHIFT, FGP_WRITEBEGIN,
				    mapping_gfp_mask(mapping));
	if (IS_ERR(folio))
		return PTR_ERR(folio);
	*foliop = folio;
	if (folio_test_uptodate(folio) || len == PAGE_SIZE)
		return 0;
	if (folio_pos(folio) >= i_size_read(inode)) {
		/* Past the end: nothing on the host to read. */
		folio_zero_range(folio, 0, PAGE_SIZE);
		folio_mark_uptodate(folio);
		return 0;
	}
	ret = hostfs_read_pages(inode, &folio, 1);
	if (ret) {
		folio_unlock(folio);
		folio_put(folio);
		return ret;
	}
	folio_mark_uptodate(folio);
	return 0;
}

static int hostfs_write_end(struct file *file, struct address_space *mapping,
			    loff_t pos, unsigned int len, unsigned int copied,
			    struct folio *folio, void *fsdata)
{
	struct inode *inode = mapping->host;

	if (!folio_test_uptodate(folio)) {
		/* A whole-page write that came up short: try again. */
		if (copied < len) {
			copied = 0;
			goto out;
		}
		folio_mark_uptodate(folio);
	}
	folio_mark_dirty(folio);
	if (pos + copied > i_size_read(inode))
		i_size_write(inode, pos + copied);
out:
	folio_unlock(folio);
	folio_put(folio);
	return copied;
}

const struct address_space_operations hostfs_aops = {
	.read_folio	= hostfs_read_folio,
	.readahead	= hostfs_readahead,
	.writepages	= hostfs_writepages,
	.dirty_folio	= filemap_dirty_folio,
	.write_begin	= hostfs_write_begin,
	.write_end	= hostfs_write_end,
	.migrate_folio	= filemap_migrate_folio,
};
