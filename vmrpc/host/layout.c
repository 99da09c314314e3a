// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR2 layout: the memfd QEMU maps as the ivshmem BAR2, and the superblock
 * that tells the guest where everything is.
 *
 *   0                   superblock (VMRPC_SUPERBLOCK_SIZE bytes)
 *   g2h_offset          nr_slots guest->host slots of slot_size bytes
 *   h2g_offset          nr_slots host->guest slots, right after
 *   ctrl_size           data area (ZONE_HOST memory) up to bar_size
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backing.h"
#include "layout.h"
#include "slot.h"

/* The ABI is fixed by these sizes and offsets; both sides must agree. */
_Static_assert(sizeof(struct vmrpc_superblock) == VMRPC_SUPERBLOCK_SIZE,
	       "superblock size is ABI");
_Static_assert(sizeof(struct vmrpc_slot) == VMRPC_SLOT_HDR_SIZE,
	       "slot header size is ABI");
_Static_assert(sizeof(struct vmrpc_host_info) == 64, "host_info is ABI");
_Static_assert(sizeof(struct vmrpc_drop_caches) == 8, "drop_caches is ABI");
_Static_assert(sizeof(struct vmrpc_mem_config) == 64, "mem_config is ABI");
_Static_assert(sizeof(struct vmrpc_mem_range) == 16, "mem_range is ABI");
_Static_assert(sizeof(struct vmrpc_mem_request) == 16, "mem_request is ABI");
_Static_assert(sizeof(struct vmrpc_mem_status) == 128, "mem_status is ABI");
_Static_assert(sizeof(struct vmrpc_mem_stages) == 40, "mem_stages is ABI");
_Static_assert(sizeof(struct vmrpc_mem_done) == 64, "mem_done is ABI");
_Static_assert(sizeof(struct vmrpc_wss_region) == 160, "wss_region is ABI");
_Static_assert(sizeof(struct vmrpc_wss_report) == 400, "wss_report is ABI");
_Static_assert(sizeof(struct vmrpc_pin_op) == 16, "pin_op is ABI");
_Static_assert(sizeof(struct vmrpc_pin_batch) == 8, "pin_batch is ABI");
_Static_assert(sizeof(struct vmrpc_pin_result) == 16, "pin_result is ABI");
_Static_assert(sizeof(struct vmrpc_pin_status) == 64, "pin_status is ABI");
_Static_assert(sizeof(struct vmrpc_pin_holders_request) == 16,
	       "pin_holders_request is ABI");
_Static_assert(sizeof(struct vmrpc_pin_holder) == 32, "pin_holder is ABI");
_Static_assert(sizeof(struct vmrpc_pin_holders) == 16, "pin_holders is ABI");
_Static_assert(sizeof(struct vmrpc_paging_run) == 16, "paging_run is ABI");
_Static_assert(sizeof(struct vmrpc_paging_hints) == 8, "paging_hints is ABI");
_Static_assert(sizeof(struct vmrpc_paging_reply) == 16, "paging_reply is ABI");
_Static_assert(sizeof(struct vmrpc_paging_mode) == 16, "paging_mode is ABI");
_Static_assert(sizeof(struct vmrpc_paging_status) == 64,
	       "paging_status is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_reply) == 8, "hostfs_reply is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_attr) == 80, "hostfs_attr is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_mount) == 72, "hostfs_mount is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_mounted) == 104,
	       "hostfs_mounted is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_node) == 16, "hostfs_node is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_name) == 24, "hostfs_name is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_entry) == 96, "hostfs_entry is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_attr_reply) == 88,
	       "hostfs_attr_reply is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_forget_one) == 16,
	       "hostfs_forget_one is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_forget) == 8,
	       "hostfs_forget is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_setattr) == 64,
	       "hostfs_setattr is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_readdir) == 24,
	       "hostfs_readdir is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_dirent) == 24,
	       "hostfs_dirent is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_create) == 24,
	       "hostfs_create is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_rename) == 32,
	       "hostfs_rename is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_io) == 24, "hostfs_io is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_run) == 16, "hostfs_run is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_frames) == 32,
	       "hostfs_frames is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_statfs) == 56,
	       "hostfs_statfs is ABI");
_Static_assert(sizeof(struct vmrpc_hostfs_invalidate) == 16,
	       "hostfs_invalidate is ABI");
_Static_assert(offsetof(struct vmrpc_wss_report, region) == 80, "wss layout");
_Static_assert(offsetof(struct vmrpc_superblock, bar_size) == 24,
	       "superblock layout");
_Static_assert(offsetof(struct vmrpc_superblock, g2h_offset) == 64,
	       "superblock layout");
_Static_assert(offsetof(struct vmrpc_superblock, host_features) == 88,
	       "superblock layout");
_Static_assert(offsetof(struct vmrpc_superblock, guest_abi_version) == 96,
	       "superblock layout");
_Static_assert(offsetof(struct vmrpc_superblock, guest_generation) == 112,
	       "superblock layout");
_Static_assert(offsetof(struct vmrpc_slot, seq) == 8, "slot layout");
_Static_assert(offsetof(struct vmrpc_slot, module) == 16, "slot layout");
_Static_assert(offsetof(struct vmrpc_slot, req_len) == 24, "slot layout");
_Static_assert(offsetof(struct vmrpc_host_info, memfd_size) == 8,
	       "host_info layout");
_Static_assert(VMRPC_LAYOUT_G2H_OFFSET >= VMRPC_SUPERBLOCK_SIZE,
	       "slots after the superblock");

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

int vmrpc_layout_check(uint64_t bar_size, uint32_t nr_slots,
		       uint32_t slot_size)
{
	uint64_t slots_end;

	if (!is_pow2(bar_size) || bar_size < VMRPC_LAYOUT_BAR_SIZE_MIN)
		return -EINVAL;
	if (nr_slots < 1 || nr_slots > VMRPC_NR_SLOTS_MAX)
		return -EINVAL;
	if (!is_pow2(slot_size) || slot_size < VMRPC_SLOT_SIZE_MIN ||
	    slot_size > VMRPC_SLOT_SIZE_MAX)
		return -EINVAL;
	/* Cannot overflow: both factors are bounded well below 2^32. */
	slots_end = VMRPC_LAYOUT_G2H_OFFSET + 2ULL * nr_slots * slot_size;
	if (slots_end > VMRPC_CTRL_SIZE_DEFAULT)
		return -EINVAL;
	return 0;
}

void vmrpc_layout_data_area(const struct vmrpc_layout *l, uint64_t *offset,
			    uint64_t *size, uint32_t *subblock_size)
{
	/* The data area starts right after the control area's memory block. */
	*offset = l->ctrl_size;
	*size = l->bar_size - l->ctrl_size;
	*subblock_size = VMRPC_SUBBLOCK_SIZE_DEFAULT;
}

/*
 * Bytes from the start of BAR2 that the host itself uses (superblock and
 * slots), rounded up to the backing's page: a hole may start there.
 */
static uint64_t layout_used(const struct vmrpc_layout *l)
{
	uint64_t end = l->h2g_offset + (uint64_t)l->nr_slots * l->slot_size;
	uint64_t page = l->page_size ? l->page_size : 4096;

	end = (end + page - 1) / page * page;
	return end < l->ctrl_size ? end : l->ctrl_size;
}

/*
 * Publish the geometry with @host_state; the control area is fresh (or
 * punched), so every other byte is zero.
 */
static void layout_write_superblock(const struct vmrpc_layout *l,
				    uint32_t host_state)
{
	volatile struct vmrpc_superblock *sb = l->bar;
	uint64_t data_offset, data_size;
	uint32_t subblock_size;

	sb->abi_version = htole32(VMRPC_ABI_VERSION);
	sb->sb_size = htole32(VMRPC_SUPERBLOCK_SIZE);
	sb->host_peer = htole32(0);
	sb->bar_size = htole64(l->bar_size);
	sb->ctrl_size = htole64(l->ctrl_size);
	vmrpc_layout_data_area(l, &data_offset, &data_size, &subblock_size);
	sb->data_offset = htole64(data_offset);
	sb->data_size = htole64(data_size);
	sb->subblock_size = htole32(subblock_size);
	sb->slot_size = htole32(l->slot_size);
	sb->g2h_offset = htole64(l->g2h_offset);
	sb->h2g_offset = htole64(l->h2g_offset);
	sb->g2h_slots = htole16((uint16_t)l->nr_slots);
	sb->h2g_slots = htole16((uint16_t)l->nr_slots);
	sb->host_features = htole64(VMRPC_HOST_FEATURES);
	vmrpc_layout_set_host_state(l, host_state);
	/* The magic last: a reader that sees it sees a complete superblock. */
	__atomic_store_n(&sb->magic, htole64(VMRPC_MAGIC), __ATOMIC_RELEASE);
}

int vmrpc_layout_init(struct vmrpc_layout *l, uint64_t bar_size,
		      uint32_t nr_slots, uint32_t slot_size)
{
	int ret;

	memset(l, 0, sizeof(*l));
	l->memfd = -1;
	ret = vmrpc_layout_check(bar_size, nr_slots, slot_size);
	if (ret)
		return ret;
	l->bar_size = bar_size;
	l->ctrl_size = VMRPC_CTRL_SIZE_DEFAULT;
	l->slot_size = slot_size;
	l->nr_slots = nr_slots;
	l->g2h_offset = VMRPC_LAYOUT_G2H_OFFSET;
	l->h2g_offset = l->g2h_offset + (uint64_t)nr_slots * slot_size;
	return 0;
}

int vmrpc_layout_create(struct vmrpc_layout *l, uint64_t bar_size,
			uint32_t nr_slots, uint32_t slot_size,
			const struct vmrpc_backing *backing)
{
	uint64_t used;
	char err[256];
	int ret;

	ret = vmrpc_layout_init(l, bar_size, nr_slots, slot_size);
	if (ret)
		return ret;
	l->backing = backing->kind;

	/* The caller checked the backing with a clearer message first. */
	l->memfd = vmrpc_backing_open(backing, bar_size,
				      VMRPC_SUBBLOCK_SIZE_DEFAULT,
				      &l->page_size, err, sizeof(err));
	if (l->memfd < 0) {
		ret = l->memfd;
		l->memfd = -1;
		return ret;
	}
	/*
	 * hugetlb: the host's own pages (superblock, slots) are allocated
	 * now, so that a short pool fails here and not with a SIGBUS when
	 * the host first writes them through its unreserved mapping.
	 */
	used = layout_used(l);
	if (l->backing == VMRPC_BACKING_HUGETLB &&
	    fallocate(l->memfd, FALLOC_FL_KEEP_SIZE, 0, (off_t)used))
		goto err;
	l->bar = mmap(NULL, bar_size, PROT_READ | PROT_WRITE,
		      MAP_SHARED | vmrpc_backing_map_flags(l->backing),
		      l->memfd, 0);
	if (l->bar == MAP_FAILED) {
		l->bar = NULL;
		goto err;
	}
	/* Only pages of the control area are ever touched here. */
	if (l->backing == VMRPC_BACKING_THP)
		madvise(l->bar, bar_size, MADV_HUGEPAGE);
	layout_write_superblock(l, VMRPC_HOST_STARTING);
	return 0;

err:
	ret = -errno;
	vmrpc_layout_destroy(l);
	return ret;
}

void vmrpc_layout_destroy(struct vmrpc_layout *l)
{
	if (l->bar)
		munmap(l->bar, l->bar_size);
	if (l->memfd >= 0)
		close(l->memfd);
	l->bar = NULL;
	l->memfd = -1;
}

volatile void *vmrpc_layout_g2h_slot(const struct vmrpc_layout *l,
				     uint32_t i)
{
	return (volatile char *)l->bar + l->g2h_offset +
		(uint64_t)i * l->slot_size;
}

volatile void *vmrpc_layout_h2g_slot(const struct vmrpc_layout *l,
				     uint32_t i)
{
	return (volatile char *)l->bar + l->h2g_offset +
		(uint64_t)i * l->slot_size;
}

void vmrpc_layout_set_host_state(const struct vmrpc_layout *l,
				 uint32_t state)
{
	volatile struct vmrpc_superblock *sb = l->bar;

	__atomic_store_n(&sb->host_state, htole32(state), __ATOMIC_RELEASE);
}

void vmrpc_layout_read_guest(const struct vmrpc_layout *l,
			     struct vmrpc_guest_view *g)
{
	const volatile struct vmrpc_superblock *sb = l->bar;

	g->state = le32toh(__atomic_load_n(&sb->guest_state, __ATOMIC_ACQUIRE));
	g->abi_version = le32toh(sb->guest_abi_version);
	g->features = le64toh(sb->guest_features);
	g->generation = le32toh(sb->guest_generation);
}

void vmrpc_layout_spare(const struct vmrpc_layout *l, uint64_t *offset,
			uint64_t *size)
{
	/* Whole pages: punching a partial huge page only zeroes it. */
	*offset = layout_used(l);
	*size = l->ctrl_size - *offset;
}

int vmrpc_layout_forget_guest(const struct vmrpc_layout *l)
{
	uint64_t keep = 0;
	int ret = 0;

	/*
	 * The guest could write anywhere in the control area: over the
	 * host's superblock fields (where the data area is, how many slots),
	 * into slot payloads and past the slots. Free all of it, so that the
	 * next VM finds zeros (every slot FREE) and the host gets its memory
	 * back, then publish the host's superblock again: one page allocated.
	 *
	 * hugetlb keeps the host's own pages: written again through a
	 * mapping without reservation, they could fault with a SIGBUS once
	 * another user emptied the pool. They are zeroed instead.
	 */
	if (l->backing == VMRPC_BACKING_HUGETLB)
		keep = layout_used(l);
	if (fallocate(l->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)keep, (off_t)(l->ctrl_size - keep)))
		ret = -errno;
	if (ret && !keep)	/* Not freed: at least the slots must be FREE. */
		keep = l->h2g_offset + (uint64_t)l->nr_slots * l->slot_size;
	memset(l->bar, 0, keep);
	layout_write_superblock(l, VMRPC_HOST_READY);
	return ret;
}
