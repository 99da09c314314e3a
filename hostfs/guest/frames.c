// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: moving file data between the host and page-cache pages.
 *
 * A page in the data area (ZONE_HOST memory, which page cache usually is,
 * being movable) is named to the host by its frame, and the host reads
 * the file straight into it or writes it back from it: the guest copies
 * nothing. Runs of frames go in one call; pages that are physically
 * adjacent share a run. Any other page goes through the call's payload
 * (the bounce path, one copy in the guest). When the host cannot reach
 * frames (it answers EOPNOTSUPP), every page takes the bounce path from
 * then on until the device binds again.
 *
 * The callers hold the pages locked (reads) or under writeback (writes),
 * so none of them can be migrated or freed while the host works on it.
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/highmem.h>
#include <linux/pagemap.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "hostfs.h"

/* Pages in one call: bounds the request and the host's work per call. */
#define HOSTFS_FRAMES_MAX	256

/* The data area as the driver checked it; size 0 while none is bound. */
static DEFINE_SPINLOCK(hostfs_area_lock);
static phys_addr_t hostfs_area_start;	/* hostfs_area_lock */
static u64 hostfs_area_size;		/* hostfs_area_lock */
static bool hostfs_frames_off;		/* WRITE_ONCE/READ_ONCE */

static void hostfs_area_attach(struct vmrpc_client *client,
			       const struct vmrpc_data_area *area)
{
	spin_lock(&hostfs_area_lock);
	hostfs_area_start = area->start;
	hostfs_area_size = area->size;
	spin_unlock(&hostfs_area_lock);
	WRITE_ONCE(hostfs_frames_off, false);
}

static void hostfs_area_detach(struct vmrpc_client *client)
{
	spin_lock(&hostfs_area_lock);
	hostfs_area_size = 0;
	spin_unlock(&hostfs_area_lock);
}

static struct vmrpc_client hostfs_area_client = {
	.name	= "hostfs",
	.attach	= hostfs_area_attach,
	.detach	= hostfs_area_detach,
};

/**
 * hostfs_folio_in_area() - whether the host can reach @folio by its frame
 * @folio: a page-cache folio, locked or under writeback
 *
 * Return: true when the whole folio lies in the data area.
 */
bool hostfs_folio_in_area(struct folio *folio)
{
	phys_addr_t phys = PFN_PHYS(folio_pfn(folio));
	bool in;

	spin_lock(&hostfs_area_lock);
	in = hostfs_area_size && phys >= hostfs_area_start &&
	     phys - hostfs_area_start + folio_size(folio) <= hostfs_area_size;
	spin_unlock(&hostfs_area_lock);
	return in;
}

/* Builds the request of READ_FRAMES or WRITE_FRAMES for @nr pages. */
static struct vmrpc_hostfs_frames *
hostfs_frames_req(struct inode *inode, struct folio **folios, unsigned int nr,
		  size_t len, u32 *req_len)
{
	struct vmrpc_hostfs_frames *req;
	unsigned int i, runs = 0;
	phys_addr_t start;
	u64 frame;

	req = kzalloc(struct_size(req, runs, nr), GFP_NOFS);
	if (!req)
		return NULL;
	/* The folios are in the data area: the caller checked each. */
	spin_lock(&hostfs_area_lock);
	start = hostfs_area_start;
	spin_unlock(&hostfs_area_lock);
	for (i = 0; i < nr; i++) {
		frame = (PFN_PHYS(folio_pfn(folios[i])) - start) /
			VMRPC_HOSTFS_PAGE_SIZE;
		if (runs && le64_to_cpu(req->runs[runs - 1].first) +
			    le32_to_cpu(req->runs[runs - 1].count) == frame) {
			le32_add_cpu(&req->runs[runs - 1].count, 1);
			continue;
		}
		req->runs[runs].first = cpu_to_le64(frame);
		req->runs[runs].count = cpu_to_le32(1);
		runs++;
	}
	req->mount = cpu_to_le32(HOSTFS_SB(inode->i_sb)->mount);
	req->nr = cpu_to_le32(runs);
	req->node = cpu_to_le64(HOSTFS_I(inode)->node);
	req->offset = cpu_to_le64(folio_pos(folios[0]));
	req->len = cpu_to_le64(len);
	*req_len = struct_size(req, runs, runs);
	return req;
}

/*
 * A call answered by struct vmrpc_hostfs_attr_reply: the bytes it says it
 * moved, at most @len, or a negative errno; the attributes in @attr.
 */
static int hostfs_io_call(struct inode *inode, u16 proc, const void *req,
			  u32 req_len, size_t len, struct hostfs_attr *attr)
{
	struct vmrpc_hostfs_attr_reply reply;
	int ret;

	ret = hostfs_call(HOSTFS_SB(inode->i_sb), proc, req, req_len, &reply,
			  sizeof(reply), sizeof(reply));
	if (ret < 0)
		return ret;
	ret = hostfs_attr_from_wire(&reply.attr, attr);
	if (ret)
		return ret;
	if (le32_to_cpu(reply.hdr.count) > len)
		return -EIO;
	return le32_to_cpu(reply.hdr.count);
}

static int hostfs_frames_call(struct inode *inode, u16 proc,
			      struct folio **folios, unsigned int nr,
			      size_t len, struct hostfs_attr *attr)
{
	struct vmrpc_hostfs_frames *req;
	u32 req_len;
	int ret;

	req = hostfs_frames_req(inode, folios, nr, len, &req_len);
	if (!req)
		return -ENOMEM;
	ret = hostfs_io_call(inode, proc, req, req_len, len, attr);
	kfree(req);
	return ret;
}

/* Fills one page through the payload. */
static int hostfs_bounce_read(struct inode *inode, struct folio *folio)
{
	struct vmrpc_hostfs_io req = {
		.mount = cpu_to_le32(HOSTFS_SB(inode->i_sb)->mount),
		.len = cpu_to_le32(PAGE_SIZE),
		.node = cpu_to_le64(HOSTFS_I(inode)->node),
		.offset = cpu_to_le64(folio_pos(folio)),
	};
	struct vmrpc_hostfs_attr_reply *reply;
	u32 size = sizeof(*reply) + PAGE_SIZE, count;
	int ret;

	reply = kmalloc(size, GFP_NOFS);
	if (!reply)
		return -ENOMEM;
	ret = hostfs_call(HOSTFS_SB(inode->i_sb), VMRPC_HOSTFS_READ, &req,
			  sizeof(req), reply, sizeof(*reply), size);
	if (ret >= 0) {
		count = le32_to_cpu(reply->hdr.count);
		if (count > PAGE_SIZE || count != ret - sizeof(*reply)) {
			ret = -EIO;
		} else {
			memcpy_to_folio(folio, 0, (char *)(reply + 1), count);
			folio_zero_segment(folio, count, PAGE_SIZE);
			hostfs_count(HOSTFS_BOUNCE_READ_BYTES, PAGE_SIZE);
			if (hostfs_folio_in_area(folio))
				hostfs_count(HOSTFS_BOUNCE_ZONE_HOST_BYTES,
					     PAGE_SIZE);
			ret = 0;
		}
	}
	kfree(reply);
	return ret;
}

/* Writes @len bytes of one page through the payload. */
static int hostfs_bounce_write(struct inode *inode, struct folio *folio,
			       size_t len, struct hostfs_attr *attr)
{
	struct vmrpc_hostfs_io *req;
	int ret;

	req = kmalloc(sizeof(*req) + len, GFP_NOFS);
	if (!req)
		return -ENOMEM;
	req->mount = cpu_to_le32(HOSTFS_SB(inode->i_sb)->mount);
	req->len = cpu_to_le32(len);
	req->node = cpu_to_le64(HOSTFS_I(inode)->node);
	req->offset = cpu_to_le64(folio_pos(folio));
	memcpy_from_folio((char *)(req + 1), folio, 0, len);
	ret = hostfs_io_call(inode, VMRPC_HOSTFS_WRITE, req, sizeof(*req) + len,
			     len, attr);
	kfree(req);
	if (ret < 0)
		return ret;
	if (ret != len)
		return -EIO;
	hostfs_count(HOSTFS_BOUNCE_WRITTEN_BYTES, len);
	if (hostfs_folio_in_area(folio))
		hostfs_count(HOSTFS_BOUNCE_ZONE_HOST_BYTES, len);
	return 0;
}

/* Pages from @folios on that the host can take in one frames call. */
static unsigned int hostfs_frames_span(struct folio **folios, unsigned int nr)
{
	unsigned int n = 0;

	if (READ_ONCE(hostfs_frames_off))
		return 0;
	while (n < nr && n < HOSTFS_FRAMES_MAX && hostfs_folio_in_area(folios[n]))
		n++;
	return n;
}

/**
 * hostfs_read_pages() - fill page-cache pages from the host's file
 * @inode: a regular file
 * @folios: locked single-page folios at consecutive indexes, not uptodate
 * @nr: how many
 *
 * Fills every page, zeroes past the end of the host's file; leaves the
 * pages locked and their uptodate flag to the caller.
 *
 * Return: 0 or a negative errno.
 */
int hostfs_read_pages(struct inode *inode, struct folio **folios,
		      unsigned int nr)
{
	struct hostfs_attr attr;
	unsigned int i = 0, n;
	int ret;

	while (i < nr) {
		n = hostfs_frames_span(folios + i, nr - i);
		if (n) {
			ret = hostfs_frames_call(inode, VMRPC_HOSTFS_READ_FRAMES,
						 folios + i, n,
						 (size_t)n * PAGE_SIZE, &attr);
			if (ret == -EOPNOTSUPP) {
				WRITE_ONCE(hostfs_frames_off, true);
				continue;
			}
			if (ret < 0)
				return ret;
			hostfs_count(HOSTFS_FRAMES_READ_BYTES,
				     (u64)n * PAGE_SIZE);
			i += n;
			continue;
		}
		ret = hostfs_bounce_read(inode, folios[i]);
		if (ret)
			return ret;
		i++;
	}
	for (i = 0; i < nr; i++)
		flush_dcache_folio(folios[i]);
	return 0;
}

/**
 * hostfs_write_pages() - write page-cache pages back to the host's file
 * @inode: a regular file
 * @folios: single-page folios under writeback at consecutive indexes
 * @nr: how many
 * @last_len: bytes of the last one that belong to the file
 *
 * Return: 0 or a negative errno.
 */
int hostfs_write_pages(struct inode *inode, struct folio **folios,
		       unsigned int nr, size_t last_len)
{
	struct hostfs_attr attr;
	unsigned int i = 0, n;
	size_t len;
	int ret;

	while (i < nr) {
		n = hostfs_frames_span(folios + i, nr - i);
		if (n) {
			len = (size_t)(n - 1) * PAGE_SIZE +
			      (i + n == nr ? last_len : PAGE_SIZE);
			ret = hostfs_frames_call(inode,
						 VMRPC_HOSTFS_WRITE_FRAMES,
						 folios + i, n, len, &attr);
			if (ret == -EOPNOTSUPP) {
				WRITE_ONCE(hostfs_frames_off, true);
				continue;
			}
			if (ret >= 0 && ret != len)
				ret = -EIO;
			if (ret < 0)
				return ret;
			hostfs_count(HOSTFS_FRAMES_WRITTEN_BYTES, len);
			hostfs_note_host_attr(inode, &attr);
			i += n;
			continue;
		}
		ret = hostfs_bounce_write(inode, folios[i],
					  i + 1 == nr ? last_len : PAGE_SIZE,
					  &attr);
		if (ret)
			return ret;
		hostfs_note_host_attr(inode, &attr);
		i++;
	}
	return 0;
}

/**
 * hostfs_area_init() - learn where the data area is, now and on rebinds
 *
 * Return: 0 or a negative errno.
 */
int hostfs_area_init(void)
{
	return vmrpc_register_client(&hostfs_area_client);
}

/**
 * hostfs_area_exit() - stop following the device
 */
void hostfs_area_exit(void)
{
	vmrpc_unregister_client(&hostfs_area_client);
}
