/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BAR2 as the host builds it: the memfd, the host's mapping of it, the
 * superblock and where the call slots are.
 */
#ifndef ZONEHOST_VMRPC_LAYOUT_H
#define ZONEHOST_VMRPC_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/vmrpc.h>

#include "backing.h"

/* What this host offers the guest (superblock host_features). */
#define VMRPC_HOST_FEATURES		(VMRPC_F_REVERSE_CALLS | VMRPC_F_ECHO)

/* Offset of the first guest->host slot; the h2g slots follow the g2h ones. */
#define VMRPC_LAYOUT_G2H_OFFSET		(64U << 10)

/* Smallest BAR2 the host accepts: the control area plus one memory block. */
#define VMRPC_LAYOUT_BAR_SIZE_MIN	(2 * VMRPC_CTRL_SIZE_DEFAULT)

/**
 * struct vmrpc_layout - BAR2 of one VM; set once by vmrpc_layout_create(),
 * read-only afterwards (the mapped memory itself is shared)
 * @memfd: the memfd backing BAR2
 * @bar: the host's mapping of the whole memfd
 * @bar_size: bytes of @bar
 * @ctrl_size: bytes of the control area
 * @slot_size: bytes per slot
 * @nr_slots: slots per direction
 * @g2h_offset: offset of guest->host slot 0
 * @h2g_offset: offset of host->guest slot 0
 * @backing: what backs the memfd (backing.h)
 * @page_size: its page size (the huge page size for hugetlb)
 */
struct vmrpc_layout {
	int memfd;
	void *bar;
	uint64_t bar_size;
	uint64_t ctrl_size;
	uint32_t slot_size;
	uint32_t nr_slots;
	uint64_t g2h_offset;
	uint64_t h2g_offset;
	enum vmrpc_backing_kind backing;
	uint64_t page_size;
};

/**
 * struct vmrpc_guest_view - the guest-written superblock fields, copied once
 * @abi_version: guest_abi_version
 * @state: guest_state (VMRPC_GUEST_*, or anything the guest wrote)
 * @features: guest_features
 * @generation: guest_generation
 */
struct vmrpc_guest_view {
	uint32_t abi_version;
	uint32_t state;
	uint64_t features;
	uint32_t generation;
};

/**
 * vmrpc_layout_check() - whether a BAR2 geometry is valid
 * @bar_size: power of two, at least VMRPC_LAYOUT_BAR_SIZE_MIN
 * @nr_slots: 1..VMRPC_NR_SLOTS_MAX
 * @slot_size: power of two in [VMRPC_SLOT_SIZE_MIN, VMRPC_SLOT_SIZE_MAX]
 *
 * Also checks that both slot arrays fit in the control area.
 *
 * Return: 0 or -EINVAL.
 */
int vmrpc_layout_check(uint64_t bar_size, uint32_t nr_slots,
		       uint32_t slot_size);

/**
 * vmrpc_layout_init() - the geometry of a BAR2, nothing created or mapped
 * @l: filled in: sizes and slot offsets; memfd -1, bar NULL
 * @bar_size: see vmrpc_layout_check()
 * @nr_slots: see vmrpc_layout_check()
 * @slot_size: see vmrpc_layout_check()
 *
 * What vmrpc_layout_create() and vmrpc_layout_adopt() both start from.
 *
 * Return: 0 or -EINVAL for a bad geometry.
 */
int vmrpc_layout_init(struct vmrpc_layout *l, uint64_t bar_size,
		      uint32_t nr_slots, uint32_t slot_size);

/**
 * vmrpc_layout_create() - create the memfd, map it, write the superblock
 * @l: filled in
 * @bar_size: see vmrpc_layout_check()
 * @nr_slots: see vmrpc_layout_check()
 * @slot_size: see vmrpc_layout_check()
 * @backing: what backs the memfd; with hugetlb the pages of the
 *	superblock and slots are preallocated and kept
 *
 * The memfd is sparse; only the pages written (the superblock) are
 * allocated. host_state is VMRPC_HOST_STARTING.
 *
 * Return: 0, -EINVAL for a bad geometry, or another negative errno.
 */
int vmrpc_layout_create(struct vmrpc_layout *l, uint64_t bar_size,
			uint32_t nr_slots, uint32_t slot_size,
			const struct vmrpc_backing *backing);

/**
 * vmrpc_layout_adopt() - take over the BAR2 of a host that died, as it is
 * @l: filled in
 * @memfd: the memfd (taken over on success, left open on failure)
 * @bar_size: see vmrpc_layout_check()
 * @nr_slots: see vmrpc_layout_check()
 * @slot_size: see vmrpc_layout_check()
 * @backing: what backs the memfd, as the options say
 * @err: on failure, why
 * @errlen: size of @err
 *
 * Writes nothing: the memfd must be @bar_size bytes and its superblock
 * what vmrpc_layout_create() would have written for this geometry, with
 * host_state VMRPC_HOST_READY (a host that was serving).
 *
 * Return: 0, -EPROTO when the memfd is not what this host would have
 * built (@err says which field), or another negative errno.
 */
int vmrpc_layout_adopt(struct vmrpc_layout *l, int memfd, uint64_t bar_size,
		       uint32_t nr_slots, uint32_t slot_size,
		       const struct vmrpc_backing *backing, char *err,
		       size_t errlen);

/**
 * vmrpc_layout_destroy() - unmap and close; @l may be partly set up by a
 * failed vmrpc_layout_create() or zeroed with memfd -1
 * @l: the layout
 */
void vmrpc_layout_destroy(struct vmrpc_layout *l);

/**
 * vmrpc_layout_data_area() - where the data area is
 * @l: the layout
 * @offset: set to its offset in BAR2
 * @size: set to its size
 * @subblock_size: set to the plug unit
 *
 * The same values vmrpc_layout_create() published in the superblock.
 */
void vmrpc_layout_data_area(const struct vmrpc_layout *l, uint64_t *offset,
			    uint64_t *size, uint32_t *subblock_size);

/**
 * vmrpc_layout_spare() - the part of the control area nobody uses
 * @l: the layout
 * @offset: set to its offset in BAR2 (page-aligned: the end of the slots)
 * @size: set to its size (0 when the slots fill the control area)
 *
 * From the end of the host->guest slots to the data area. Neither side
 * puts anything there, but the guest can write to it (QEMU maps all of
 * BAR2), and whatever it writes takes host memory.
 */
void vmrpc_layout_spare(const struct vmrpc_layout *l, uint64_t *offset,
			uint64_t *size);

/**
 * vmrpc_layout_g2h_slot() - guest->host slot @i (< nr_slots)
 * @l: the layout
 * @i: slot index
 *
 * Return: the slot's header in the host mapping.
 */
volatile void *vmrpc_layout_g2h_slot(const struct vmrpc_layout *l,
				     uint32_t i);

/**
 * vmrpc_layout_h2g_slot() - host->guest slot @i (< nr_slots)
 * @l: the layout
 * @i: slot index
 *
 * Return: the slot's header in the host mapping.
 */
volatile void *vmrpc_layout_h2g_slot(const struct vmrpc_layout *l,
				     uint32_t i);

/**
 * vmrpc_layout_set_host_state() - publish host_state (release ordering)
 * @l: the layout
 * @state: VMRPC_HOST_*
 */
void vmrpc_layout_set_host_state(const struct vmrpc_layout *l,
				 uint32_t state);

/**
 * vmrpc_layout_read_guest() - copy the guest-written superblock fields
 * @l: the layout
 * @g: filled in; validate before use
 */
void vmrpc_layout_read_guest(const struct vmrpc_layout *l,
			     struct vmrpc_guest_view *g);

/**
 * vmrpc_layout_forget_guest() - give the next VM a control area as new:
 * everything the last guest wrote there (superblock, slots, payloads, the
 * spare part) freed, the host's superblock published again, host_state
 * VMRPC_HOST_READY
 * @l: the layout
 *
 * Call only while the host serves (it publishes READY), no guest is
 * attached (QEMU disconnected) and nothing of the host is using a slot.
 *
 * Return: 0, or a negative errno when the memory could not be freed (the
 * superblock and slots are zeroed then, the rest left as it is).
 */
int vmrpc_layout_forget_guest(const struct vmrpc_layout *l);

#endif /* ZONEHOST_VMRPC_LAYOUT_H */
