/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VMRPC: remote procedure calls between a guest kernel and its host over
 * shared memory, the transport of zonehost.
 *
 * This is the one ABI header of the project. The guest kernel and host
 * userspace compile it unchanged; it is BSD-licensed so that other hosts can
 * implement the device.
 *
 * Device
 * ------
 * A QEMU "ivshmem-doorbell" PCI device (1af4:1110) whose server is the host
 * daemon. BAR0 holds the ivshmem registers (the guest rings the host by
 * writing (host_peer << 16 | vector) to the Doorbell register); BAR2 is the
 * shared memory, a host memfd. The host's interrupts reach the guest as
 * MSI-X vectors.
 *
 * BAR2 layout
 * -----------
 *   [0, ctrl_size)                control area: this superblock at offset 0,
 *                                 then the call slots of both directions.
 *   [data_offset, +data_size)     data area: ZONE_HOST memory, plugged in
 *                                 subblock_size units.
 * Every offset and size is published by the host in the superblock; the
 * guest validates them before use. The host never reads or writes guest
 * memory outside BAR2.
 *
 * Calls
 * -----
 * Each direction has its own array of slots. A slot is a header followed by
 * its payload buffer. The caller owns a FREE slot: it writes module,
 * procedure, a new sequence number and the request, sets state to POSTED
 * (after a write barrier) and rings the callee. The callee copies the slot
 * to private memory, validates it, may set state to TAKEN, runs the
 * handler, writes the response and status, sets state to DONE and
 * interrupts the caller, who reads the reply and sets the slot FREE.
 *
 * Guest -> host calls ("outsourcing") ring host vector VMRPC_HVEC_CALL and
 * complete on guest vector VMRPC_GVEC_DONE. Host -> guest calls ("reverse
 * calls") arrive on guest vector VMRPC_GVEC_CALL and complete with host
 * vector VMRPC_HVEC_DONE. Several calls may be in flight in each direction,
 * one per slot.
 *
 * Trust: the host treats everything the guest writes as hostile. It
 * copies a slot once, validates the copy (state, sequence, module, lengths)
 * and never reads the shared slot again for that call. Malformed calls get
 * an error status and are counted.
 *
 * All fields are little-endian.
 */
#ifndef _UAPI_LINUX_VMRPC_H
#define _UAPI_LINUX_VMRPC_H

#include <linux/const.h>
#include <linux/types.h>

/* PCI identity of the ivshmem device (QEMU's "ivshmem-doorbell"). */
#define VMRPC_PCI_VENDOR_ID		0x1af4
#define VMRPC_PCI_DEVICE_ID		0x1110

/* "ZONEHOST" read as a little-endian 64-bit number. */
#define VMRPC_MAGIC			0x54534f48454e4f5aULL

/*
 * ABI version: the major number changes on any incompatible change, the
 * minor one when fields or calls are added compatibly. Both sides refuse a
 * different major number.
 */
#define VMRPC_ABI_MAJOR			1
#define VMRPC_ABI_MINOR			8
#define VMRPC_ABI_VERSION		((VMRPC_ABI_MAJOR << 16) | VMRPC_ABI_MINOR)
#define VMRPC_ABI_MAJOR_OF(v)		((v) >> 16)

/* ivshmem BAR0 register offsets (QEMU's ivshmem-spec). */
#define VMRPC_REG_INTR_MASK		0x00
#define VMRPC_REG_INTR_STATUS		0x04
#define VMRPC_REG_IVPOSITION		0x08
#define VMRPC_REG_DOORBELL		0x0c

/* Guest MSI-X vectors: interrupts the host raises in the guest. */
#define VMRPC_GVEC_DONE			0	/* a guest->host call completed */
#define VMRPC_GVEC_CALL			1	/* a host->guest call was posted */
#define VMRPC_GVEC_CONFIG		2	/* the superblock's host state changed */
#define VMRPC_GVEC_ECHO			3	/* answer to a VMRPC_HVEC_ECHO ring */
#define VMRPC_NR_VECTORS		4	/* QEMU's ivshmem "vectors" property */
/*
 * The fewest vectors a guest binds with: without the echo vector (QEMU
 * started with vectors=3, or a host without VMRPC_F_ECHO) calls work and
 * only the doorbell floor cannot be measured.
 */
#define VMRPC_NR_VECTORS_MIN		3

/* Host vectors: doorbells the guest rings (low 16 bits of the Doorbell). */
#define VMRPC_HVEC_CALL			0	/* a guest->host call was posted */
#define VMRPC_HVEC_DONE			1	/* a host->guest call completed */
#define VMRPC_HVEC_CONFIG		2	/* the superblock's guest state changed */
/*
 * The host rings VMRPC_GVEC_ECHO at once, with no VMRPC logic: a raw
 * doorbell round trip over the same MSI-X and eventfd path as the calls,
 * the floor their latency is measured against (VMRPC_F_ECHO).
 */
#define VMRPC_HVEC_ECHO			3

/* Defaults the host publishes; the guest reads the real values. */
#define VMRPC_CTRL_SIZE_DEFAULT		(128ULL << 20)	/* one memory block */
#define VMRPC_SUBBLOCK_SIZE_DEFAULT	(2U << 20)
#define VMRPC_SLOT_SIZE_DEFAULT		(64U << 10)
#define VMRPC_NR_SLOTS_DEFAULT		32
#define VMRPC_NR_SLOTS_MAX		256
#define VMRPC_SLOT_SIZE_MIN		4096U
#define VMRPC_SLOT_SIZE_MAX		0x100000U	/* 1 MiB */

/* Feature bits (superblock host_features / guest_features). */
#define VMRPC_F_REVERSE_CALLS		_BITULL(0)	/* host->guest calls */
#define VMRPC_F_ECHO			_BITULL(1)	/* the echo vectors */

/* superblock host_state */
#define VMRPC_HOST_STARTING		0	/* not yet serving calls */
#define VMRPC_HOST_READY		1	/* serving calls */
#define VMRPC_HOST_GONE			2	/* shut down: fail all calls */

/* superblock guest_state */
#define VMRPC_GUEST_ABSENT		0	/* no driver has bound */
#define VMRPC_GUEST_READY		1	/* driver bound, ABI accepted */
#define VMRPC_GUEST_BAD_VERSION		2	/* driver refused host's ABI major */
#define VMRPC_GUEST_GONE		3	/* driver unbound */

/**
 * struct vmrpc_superblock - first bytes of BAR2, written by the host except
 * where a field says otherwise
 * @magic: VMRPC_MAGIC; anything else means "not a zonehost device"
 * @abi_version: host's VMRPC_ABI_VERSION
 * @sb_size: sizeof(struct vmrpc_superblock) as the host knows it
 * @host_peer: ivshmem peer ID the guest rings (Doorbell high 16 bits)
 * @reserved0: zero
 * @bar_size: size of BAR2 in bytes, a power of two
 * @ctrl_size: size of the control area at the start of BAR2
 * @data_offset: offset of the data area in BAR2 (>= ctrl_size)
 * @data_size: size of the data area in bytes
 * @subblock_size: unit in which data area memory is plugged, in bytes
 * @slot_size: bytes per call slot, header included; a power of two
 * @g2h_offset: offset in BAR2 of the first guest->host slot
 * @h2g_offset: offset in BAR2 of the first host->guest slot
 * @g2h_slots: number of guest->host slots
 * @h2g_slots: number of host->guest slots
 * @host_state: VMRPC_HOST_*
 * @host_features: VMRPC_F_* the host offers
 * @guest_abi_version: written by the guest: its VMRPC_ABI_VERSION
 * @guest_state: written by the guest: VMRPC_GUEST_*
 * @guest_features: written by the guest: VMRPC_F_* it uses (subset of
 *	host_features)
 * @guest_generation: written by the guest: incremented at every driver
 *	bind, so the host can tell a rebooted guest from a stale one
 * @reserved1: zero
 * @reserved: zero
 */
struct vmrpc_superblock {
	__le64 magic;
	__le32 abi_version;
	__le32 sb_size;
	__le32 host_peer;
	__le32 reserved0;		/* zero */
	__le64 bar_size;
	__le64 ctrl_size;
	__le64 data_offset;
	__le64 data_size;
	__le32 subblock_size;
	__le32 slot_size;
	__le64 g2h_offset;
	__le64 h2g_offset;
	__le16 g2h_slots;
	__le16 h2g_slots;
	__le32 host_state;
	__le64 host_features;
	/* written by the guest */
	__le32 guest_abi_version;
	__le32 guest_state;
	__le64 guest_features;
	__le32 guest_generation;
	__le32 reserved1;		/* zero */
	__le64 reserved[17];		/* zero; room for compatible growth */
};

#define VMRPC_SUPERBLOCK_SIZE		256	/* sizeof(struct vmrpc_superblock) */

/* Slot states. */
#define VMRPC_SLOT_FREE			0	/* owned by the caller, idle */
#define VMRPC_SLOT_POSTED		1	/* request written, callee may take it */
#define VMRPC_SLOT_TAKEN		2	/* callee is running the handler */
#define VMRPC_SLOT_DONE			3	/* response written, caller may read it */

/**
 * struct vmrpc_slot - header of a call slot; the payload follows it and
 * holds the request, then the response (slot_size - sizeof(header) bytes)
 * @state: VMRPC_SLOT_*
 * @flags: zero (no flags defined yet)
 * @seq: caller's sequence number, strictly increasing per slot; the callee
 *	echoes it and refuses a number it has already served on this slot
 * @module: module number (VMRPC_MOD_*) of the called procedure
 * @proc: procedure number within the module
 * @status: written by the callee: 0 or a VMRPC_E* error code
 * @req_len: bytes of request in the payload
 * @resp_len: caller: largest response it accepts; callee: bytes of
 *	response it wrote (at most the caller's value)
 * @reserved: zero
 */
struct vmrpc_slot {
	__le32 state;
	__le32 flags;
	__le64 seq;
	__le16 module;
	__le16 proc;
	__le32 status;
	__le32 req_len;
	__le32 resp_len;
	__le64 reserved[4];		/* zero */
};

#define VMRPC_SLOT_HDR_SIZE		64	/* sizeof(struct vmrpc_slot) */

/* Status codes a callee returns in vmrpc_slot.status. */
#define VMRPC_OK			0
#define VMRPC_ENOMOD			1	/* no such module */
#define VMRPC_ENOPROC			2	/* no such procedure in the module */
#define VMRPC_EINVAL			3	/* malformed request */
#define VMRPC_E2BIG			4	/* a length exceeds the payload area */
#define VMRPC_ESTATE			5	/* slot was not in the POSTED state */
#define VMRPC_ESEQ			6	/* sequence number replayed */
#define VMRPC_ENOMEM			7	/* callee out of memory */
#define VMRPC_EIO			8	/* handler failed */
#define VMRPC_EPERM			9	/* refused by policy */
#define VMRPC_EBUSY			10	/* try again later */
#define VMRPC_ERANGE			11	/* response larger than resp_len */
#define VMRPC_ESHUTDOWN			12	/* callee is going away */
#define VMRPC_NR_ERRORS			13

/*
 * Modules and procedures.
 */

/* Module 0: core. Served in both directions. */
#define VMRPC_MOD_CORE			0
#define VMRPC_CORE_PING			0	/* echoes the request payload */
#define VMRPC_CORE_HOST_INFO		1	/* g2h: -> struct vmrpc_host_info */

/**
 * struct vmrpc_host_info - reply of VMRPC_CORE_HOST_INFO
 * @page_size: host page size in bytes
 * @reserved0: zero
 * @memfd_size: size of the shared memfd (BAR2) in bytes
 * @memfd_allocated: bytes of host memory backing the memfd now
 * @host_mem_available: bytes of host memory this VM could still get
 *	(host MemAvailable, capped by the daemon's limit for this VM)
 * @reserved: zero
 */
struct vmrpc_host_info {
	__le32 page_size;
	__le32 reserved0;
	__le64 memfd_size;
	__le64 memfd_allocated;
	__le64 host_mem_available;
	__le64 reserved[4];		/* zero */
};

/* Module 1: guest information, host->guest (reverse calls). */
#define VMRPC_MOD_GUESTINFO		1
#define VMRPC_GUESTINFO_MEMINFO		0	/* -> text of /proc/meminfo */
#define VMRPC_GUESTINFO_VMSTAT		1	/* -> text of /proc/vmstat */
#define VMRPC_GUESTINFO_LOADAVG		2	/* -> text of /proc/loadavg */
#define VMRPC_GUESTINFO_CPUINFO		3	/* -> text of /proc/cpuinfo */
#define VMRPC_GUESTINFO_DROP_CACHES	4	/* struct vmrpc_drop_caches -> none */

/**
 * struct vmrpc_drop_caches - request of VMRPC_GUESTINFO_DROP_CACHES
 * @level: 1 page cache, 2 slab objects, 3 both (as /proc/sys/vm/drop_caches)
 * @reserved: zero
 */
struct vmrpc_drop_caches {
	__le32 level;
	__le32 reserved;
};

/*
 * Module 2: ZONE_HOST memory. The data area is cut into subblocks of
 * subblock_size bytes, numbered from 0 at data_offset. The host decides how
 * much memory the guest should have (the requested size); the guest plugs
 * subblocks up to it, asking the host first, and only then touches them.
 * A subblock the host has not granted is never touched by the guest.
 */
#define VMRPC_MOD_MEM			2
/* guest -> host */
#define VMRPC_MEM_CONFIG		0	/* none -> struct vmrpc_mem_config */
#define VMRPC_MEM_PLUG			1	/* struct vmrpc_mem_range -> none */
#define VMRPC_MEM_UNPLUG		2	/* struct vmrpc_mem_range -> none */
/* none -> none: the guest uses no subblock (it just booted) */
#define VMRPC_MEM_UNPLUG_ALL		3
/* struct vmrpc_mem_done -> none: a resize ended (reached, or why not) */
#define VMRPC_MEM_DONE			4
/*
 * struct vmrpc_mem_request -> struct vmrpc_mem_request: the guest is short
 * of memory and asks for this much more; the reply is the new requested
 * size (the host may grant less, or refuse with EPERM)
 */
#define VMRPC_MEM_ASK			5
/*
 * struct vmrpc_mem_range -> bitmap (ABI 1.8): one bit per subblock of the
 * range, set when the host backs it for the guest (granted by a plug and
 * not given back by an unplug), in the layout of VMRPC_MEM_MAP. A kdump
 * kernel asks it, so that /proc/vmcore never reads a subblock the host
 * does not back: reading one would make the host allocate it.
 */
#define VMRPC_MEM_HOST_MAP		6
/* host -> guest */
#define VMRPC_MEM_STATUS		16	/* none -> struct vmrpc_mem_status */
#define VMRPC_MEM_SET_REQUESTED		17	/* struct vmrpc_mem_request -> none */
/*
 * struct vmrpc_mem_range -> bitmap: one bit per subblock of the range, set
 * when the guest has it plugged (bit i % 8 of byte i / 8 is subblock
 * first + i); count at most 8 * (payload size)
 */
#define VMRPC_MEM_MAP			18

/* Why the guest stopped short of the requested size (status, done). */
#define VMRPC_MEM_R_NONE		0	/* it did not: requested size reached */
/* unplugging more would leave the guest less free memory than its floor */
#define VMRPC_MEM_R_FLOOR		1
/* the remaining subblocks hold pages that cannot be migrated now (pinned) */
#define VMRPC_MEM_R_BUSY		2
#define VMRPC_MEM_R_REFUSED		3	/* the host refused a plug */
#define VMRPC_MEM_R_ERROR		4	/* a step failed; see error */
#define VMRPC_MEM_R_NO_ROOM		5	/* the data area is full */
/* the subblocks left hold mlocked pages: the host pins them (module 4) */
#define VMRPC_MEM_R_PINNED		6

/*
 * The reasons' names, as the guest shows them in sysfs and zhostd in its
 * control protocol: an initializer of a const char *[] indexed by reason
 * (as VMX_EXIT_REASONS is for exit reasons), so both sides use one list.
 */
#define VMRPC_MEM_REASON_NAMES			\
	[VMRPC_MEM_R_NONE]	= "reached",	\
	[VMRPC_MEM_R_FLOOR]	= "floor",	\
	[VMRPC_MEM_R_BUSY]	= "busy",	\
	[VMRPC_MEM_R_REFUSED]	= "refused",	\
	[VMRPC_MEM_R_ERROR]	= "error",	\
	[VMRPC_MEM_R_NO_ROOM]	= "no-room",	\
	[VMRPC_MEM_R_PINNED]	= "pinned"

/* vmrpc_mem_config.flags (ABI 1.7) */
#define VMRPC_MEM_CFG_STAGES		_BITUL(0)	/* DONE may carry stages */

/**
 * struct vmrpc_mem_config - reply of VMRPC_MEM_CONFIG
 * @requested_size: bytes of the data area the host wants plugged now, a
 *	multiple of subblock_size
 * @max_size: the most the host will ever grant this guest, in bytes
 * @flags: VMRPC_MEM_CFG_*; a host before ABI 1.7 sends 0
 * @reserved0: zero
 * @reserved: zero
 */
struct vmrpc_mem_config {
	__le64 requested_size;
	__le64 max_size;
	__le32 flags;
	__le32 reserved0;		/* zero */
	__le64 reserved[5];		/* zero */
};

/**
 * struct vmrpc_mem_range - a run of subblocks, request of VMRPC_MEM_PLUG
 * and VMRPC_MEM_UNPLUG
 * @first: index of the first subblock
 * @count: number of subblocks, at least 1
 * @reserved: zero
 */
struct vmrpc_mem_range {
	__le64 first;
	__le32 count;
	__le32 reserved;		/* zero */
};

/**
 * struct vmrpc_mem_request - request of VMRPC_MEM_SET_REQUESTED (the new
 *	requested size) and VMRPC_MEM_ASK (bytes wanted in addition; the
 *	reply carries the new requested size)
 * @requested_size: bytes, a multiple of subblock_size; after
 *	VMRPC_MEM_SET_REQUESTED the guest works towards it after replying
 * @reserved: zero
 */
struct vmrpc_mem_request {
	__le64 requested_size;
	__le64 reserved;		/* zero */
};

/* vmrpc_mem_status.state */
#define VMRPC_MEM_S_NONE		0	/* no data area in use (no provider) */
#define VMRPC_MEM_S_IDLE		1	/* plugged size is the requested size */
#define VMRPC_MEM_S_RESIZING		2	/* working towards the requested size */
#define VMRPC_MEM_S_STUCK		3	/* cannot get closer; see error */

/* The states' names, as VMRPC_MEM_REASON_NAMES is for the reasons. */
#define VMRPC_MEM_STATE_NAMES			\
	[VMRPC_MEM_S_NONE]	= "none",	\
	[VMRPC_MEM_S_IDLE]	= "idle",	\
	[VMRPC_MEM_S_RESIZING]	= "resizing",	\
	[VMRPC_MEM_S_STUCK]	= "stuck"

/**
 * struct vmrpc_mem_stages - where the guest's time went in one resize
 *	(ABI 1.7), in microseconds of the guest's clock, each saturating at
 *	U32_MAX. A stage the resize did not go through is 0.
 * @total_us: the resize worker's run, from taking the provider's lock to
 *	this call
 * @wait_us: from the last VMRPC_MEM_SET_REQUESTED (or the ask that set
 *	the size) to the worker's start: the queueing delay
 * @host_us: waiting for the replies of VMRPC_MEM_PLUG and
 *	VMRPC_MEM_UNPLUG: the round trips and the host's work
 * @host_calls: VMRPC_MEM_PLUG and VMRPC_MEM_UNPLUG calls made
 * @isolate_us: alloc_contig_range(): isolating subblocks and migrating
 *	what they held (shrink)
 * @offline_us: choosing the subblocks to take and marking their pages
 *	offline (shrink)
 * @online_us: giving the pages of plugged subblocks to the page
 *	allocator (grow)
 * @add_us: hot-adding memory blocks, onlining included (grow)
 * @watermarks_us: recomputing the zones' watermarks, once per resize
 * @steps: grow and shrink steps the worker made
 */
struct vmrpc_mem_stages {
	__le32 total_us;
	__le32 wait_us;
	__le32 host_us;
	__le32 host_calls;
	__le32 isolate_us;
	__le32 offline_us;
	__le32 online_us;
	__le32 add_us;
	__le32 watermarks_us;
	__le32 steps;
};

/**
 * struct vmrpc_mem_done - request of VMRPC_MEM_DONE: how a resize ended
 * @requested_size: the size the guest worked towards
 * @plugged_size: the size it reached
 * @reason: VMRPC_MEM_R_*
 * @error: errno of the failed step when @reason is VMRPC_MEM_R_ERROR
 *	(positive), else 0
 * @stages: where the time went; all zero unless the host set
 *	VMRPC_MEM_CFG_STAGES in its configuration (a host before ABI 1.7
 *	refuses a DONE with them)
 */
struct vmrpc_mem_done {
	__le64 requested_size;
	__le64 plugged_size;
	__le32 reason;
	__le32 error;
	struct vmrpc_mem_stages stages;
};

/**
 * struct vmrpc_mem_status - reply of VMRPC_MEM_STATUS: the guest's view
 * @plugged_size: bytes of subblocks plugged and usable by the guest
 * @requested_size: the size the guest works towards
 * @added_size: bytes of the data area hot-added as memory blocks
 * @block_size: the guest's memory block size in bytes
 * @zone_managed: bytes of ZONE_HOST managed by the page allocator
 * @zone_free: free bytes in ZONE_HOST
 * @mem_total: the guest's MemTotal in bytes
 * @mem_free: the guest's MemFree in bytes
 * @state: VMRPC_MEM_S_*
 * @error: errno of the last failed step, 0 when none (positive)
 * @reason: VMRPC_MEM_R_* of the last resize
 * @reserved0: zero
 * @floor: the least free memory, in bytes, the guest keeps when it
 *	unplugs (see Documentation/design/resize.rst)
 * @reserved: zero
 */
struct vmrpc_mem_status {
	__le64 plugged_size;
	__le64 requested_size;
	__le64 added_size;
	__le64 block_size;
	__le64 zone_managed;
	__le64 zone_free;
	__le64 mem_total;
	__le64 mem_free;
	__le32 state;
	__le32 error;
	__le32 reason;
	__le32 reserved0;		/* zero */
	__le64 floor;
	__le64 reserved[5];		/* zero */
};

/*
 * Module 3: working set. The guest samples its page frames and tests, once
 * per window, whether each sample was accessed since the last window: the
 * accessed bits of every page table mapping it (through the reverse map)
 * and, for page cache nobody maps, the kernel's own accessed marking. The
 * host reads the estimate with a reverse call. See
 * Documentation/design/working-set.rst.
 */
#define VMRPC_MOD_WSS			3
/* host -> guest */
#define VMRPC_WSS_REPORT		16	/* none -> struct vmrpc_wss_report */

#define VMRPC_WSS_REGION_HOST		0	/* ZONE_HOST */
#define VMRPC_WSS_REGION_GUEST		1	/* all of the guest's memory */
#define VMRPC_WSS_NR_REGIONS		2
/* idle[i] of a region counts bytes idle for less than 2^i windows */
#define VMRPC_WSS_NR_AGES		8

#define VMRPC_WSS_F_ENABLED		(1U << 0)	/* the estimator runs */
/* two windows are done since it (re)started: the estimate means something */
#define VMRPC_WSS_F_VALID		(1U << 1)

/**
 * struct vmrpc_wss_region - the working set of one region of guest memory
 * @size: bytes of the region the page allocator manages
 * @wss: estimated working set in bytes: user memory accessed in the last
 *	window plus kernel memory in use (which cannot be tracked, and is
 *	not reclaimable by paging)
 * @wss_error: half-width of the 95% confidence interval of @wss, in bytes
 *	(binomial bound; the stratified sampling is usually tighter)
 * @anon: bytes of anonymous memory accessed in the last window
 * @file: bytes of file-backed memory (page cache, shmem) accessed in it
 * @kernel: bytes in use that are not on an LRU list (slab, page tables,
 *	kernel allocations, hugetlb, pages isolated at the time)
 * @free: bytes free in the page allocator
 * @user: bytes of user memory (on an LRU list), accessed or not
 * @pinned: bytes of user memory that cannot be moved or reclaimed:
 *	pinned for DMA or mlocked
 * @idle: @idle[i] is bytes of user memory idle for less than 2^i windows,
 *	i.e. last accessed in one of the last 2^i windows; @idle[0] is
 *	@anon + @file. @user - @idle[VMRPC_WSS_NR_AGES - 1] is colder.
 * @samples: samples that fell on managed memory of the region
 * @accessed: of them, accessed in the last window
 * @reserved: zero
 */
struct vmrpc_wss_region {
	__le64 size;
	__le64 wss;
	__le64 wss_error;
	__le64 anon;
	__le64 file;
	__le64 kernel;
	__le64 free;
	__le64 user;
	__le64 pinned;
	__le64 idle[VMRPC_WSS_NR_AGES];
	__le32 samples;
	__le32 accessed;
	__le64 reserved[2];		/* zero */
};

/**
 * struct vmrpc_wss_report - reply of VMRPC_WSS_REPORT
 * @windows: windows completed since the estimator (re)started
 * @window_ms: length of a window in milliseconds
 * @stride: pages per sample: one page frame is sampled in every @stride
 *	(at a fixed random offset in each run of @stride frames)
 * @flags: VMRPC_WSS_F_*
 * @reserved0: zero
 * @scan_ns: CPU time the last scan of the samples took, in nanoseconds
 * @scan_total_ns: CPU time of all scans since the estimator started
 * @uptime_ns: guest boot-time clock when the last window ended
 * @pgfault: page faults in the guest since boot
 * @pgmajfault: of them, major faults (that read from disk or swap)
 * @reserved: zero
 * @region: VMRPC_WSS_REGION_HOST and VMRPC_WSS_REGION_GUEST
 */
struct vmrpc_wss_report {
	__le64 windows;
	__le32 window_ms;
	__le32 stride;
	__le32 flags;
	__le32 reserved0;		/* zero */
	__le64 scan_ns;
	__le64 scan_total_ns;
	__le64 uptime_ns;
	__le64 pgfault;
	__le64 pgmajfault;
	__le64 reserved[2];		/* zero */
	struct vmrpc_wss_region region[VMRPC_WSS_NR_REGIONS];
};

/*
 * Module 4: pinning (ABI 1.4). A subblock that holds mlocked guest pages
 * asks to be pinned: the host keeps the host memory behind it resident
 * (it mlocks that range of the memfd) until the guest unpins it. The guest
 * counts mlocked pages per subblock as the page allocator's mlock state
 * changes, and sends the changes in batches; it never unplugs a subblock
 * it asked to be pinned. The host may pin less than asked (a ceiling, its
 * RLIMIT_MEMLOCK): the guest's mlock() still succeeds, and both sides show
 * the shortfall. See Documentation/design/pinning.rst.
 */
#define VMRPC_MOD_PIN			4
/* guest -> host: struct vmrpc_pin_batch -> struct vmrpc_pin_result[nr] */
#define VMRPC_PIN_UPDATE		0
/* host -> guest */
#define VMRPC_PIN_STATUS		16	/* none -> struct vmrpc_pin_status */
/*
 * struct vmrpc_pin_holders_request -> struct vmrpc_pin_holders: which guest
 * processes hold mlocked pages in a range of subblocks
 */
#define VMRPC_PIN_HOLDERS		17

/* vmrpc_pin_op.op */
#define VMRPC_PIN_OP_UNPIN		0	/* the guest no longer needs them */
#define VMRPC_PIN_OP_PIN		1	/* keep them resident */

/* vmrpc_pin_result.reason: why fewer subblocks than asked were pinned. */
#define VMRPC_PIN_R_NONE		0	/* all of them were */
#define VMRPC_PIN_R_CEILING		1	/* the host's ceiling (--max-pinned) */
#define VMRPC_PIN_R_RLIMIT		2	/* the host's RLIMIT_MEMLOCK */
#define VMRPC_PIN_R_NOT_PLUGGED		3	/* a subblock was not plugged */
#define VMRPC_PIN_R_ERROR		4	/* the host failed; see error */
#define VMRPC_PIN_R_DISABLED		5	/* this host does not pin */

/* The reasons' names, as VMRPC_MEM_REASON_NAMES. */
#define VMRPC_PIN_REASON_NAMES			\
	[VMRPC_PIN_R_NONE]	= "pinned",	\
	[VMRPC_PIN_R_CEILING]	= "ceiling",	\
	[VMRPC_PIN_R_RLIMIT]	= "rlimit",	\
	[VMRPC_PIN_R_NOT_PLUGGED] = "not-plugged", \
	[VMRPC_PIN_R_ERROR]	= "error",	\
	[VMRPC_PIN_R_DISABLED]	= "disabled"

/**
 * struct vmrpc_pin_op - one run of subblocks to pin or unpin
 * @first: index of the first subblock
 * @count: number of subblocks, at least 1
 * @op: VMRPC_PIN_OP_*
 * @reserved: zero
 */
struct vmrpc_pin_op {
	__le64 first;
	__le32 count;
	__le16 op;
	__le16 reserved;		/* zero */
};

/**
 * struct vmrpc_pin_batch - request of VMRPC_PIN_UPDATE
 * @nr: entries in @ops, at least 1; the request is exactly
 *	8 + 16 * @nr bytes
 * @reserved: zero
 * @ops: runs, applied in order; runs never overlap
 */
struct vmrpc_pin_batch {
	__le32 nr;
	__le32 reserved;		/* zero */
	struct vmrpc_pin_op ops[];
};

/**
 * struct vmrpc_pin_result - the reply of VMRPC_PIN_UPDATE holds one per
 *	entry of the batch, in its order
 * @done: subblocks of the run that are now in the state asked for, counted
 *	from its first: an unpin is always complete, a pin may stop early
 * @reason: VMRPC_PIN_R_*, why @done is short of the run's count
 * @error: errno of the host's failure when @reason is VMRPC_PIN_R_ERROR
 *	(positive), else 0
 * @reserved: zero
 */
struct vmrpc_pin_result {
	__le32 done;
	__le16 reason;
	__le16 error;
	__le64 reserved;		/* zero */
};

/**
 * struct vmrpc_pin_status - reply of VMRPC_PIN_STATUS: the guest's view
 * @mlocked_pages: pages of ZONE_HOST that are mlocked
 * @wanted: subblocks that hold mlocked pages
 * @pinned: of them, subblocks the host confirmed pinned
 * @short_sb: of them, subblocks the host refused to pin (the shortfall)
 * @updates: VMRPC_PIN_UPDATE calls the guest made
 * @refused: runs the host pinned in part or not at all
 * @reason: VMRPC_PIN_R_* of the last refusal, VMRPC_PIN_R_NONE before any
 * @enabled: 1 when the guest tracks mlocked pages (the host answered), 0
 *	when it does not
 * @reserved: zero
 */
struct vmrpc_pin_status {
	__le64 mlocked_pages;
	__le64 wanted;
	__le64 pinned;
	__le64 short_sb;
	__le64 updates;
	__le64 refused;
	__le32 reason;
	__le32 enabled;
	__le64 reserved[1];		/* zero */
};

/**
 * struct vmrpc_pin_holders_request - request of VMRPC_PIN_HOLDERS
 * @first: first subblock to look at
 * @count: subblocks to look at, at least 1
 * @reserved: zero
 */
struct vmrpc_pin_holders_request {
	__le64 first;
	__le32 count;
	__le32 reserved;		/* zero */
};

/* vmrpc_pin_holders.flags */
/* more holders than the reply could carry; ask again from next_first */
#define VMRPC_PIN_HOLDERS_F_TRUNCATED	(1U << 0)

/**
 * struct vmrpc_pin_holder - one process holding mlocked pages in a subblock
 * @subblock: index of the subblock
 * @pid: the process's thread-group id in the guest's initial pid
 *	namespace, 0 when the pages are mlocked but no process could be named
 *	(they are being unmapped, or their mapping is not a process's)
 * @pages: pages of the subblock it has mlocked
 * @comm: its command name, NUL-padded (not necessarily NUL-terminated),
 *	as the guest saw it: untrusted text
 */
struct vmrpc_pin_holder {
	__le64 subblock;
	__le32 pid;
	__le32 pages;
	char comm[16];
};

/**
 * struct vmrpc_pin_holders - reply of VMRPC_PIN_HOLDERS
 * @nr: entries in @holders
 * @flags: VMRPC_PIN_HOLDERS_F_*
 * @next_first: when truncated, the first subblock not fully reported
 * @holders: sorted by subblock; a process may appear once per subblock
 */
struct vmrpc_pin_holders {
	__le32 nr;
	__le32 flags;
	__le64 next_first;
	struct vmrpc_pin_holder holders[];
};

/*
 * Module 5: host paging (ABI 1.5). One layer pages ZONE_HOST: the host.
 * When the host turns the mode on, the guest's reclaim no longer writes
 * swap-backed folios of ZONE_HOST (anonymous memory and shmem) to the
 * guest's own swap; it sends their pages to the host as cold hints and
 * keeps them, and the host pages those pages of the memfd out. A page the
 * host paged out stays mapped in the guest: touching it again is one host
 * fault. When the host cannot keep up (no swap, a limit reached) it turns
 * the mode off, or answers a hint with the mode off, and the guest pages
 * ZONE_HOST itself again, as stock Linux does. A hint names guest page
 * frames the guest may reuse at once: it can cost the host work, never the
 * guest data. See Documentation/design/paging.rst.
 */
#define VMRPC_MOD_PAGING		5
/*
 * guest -> host: struct vmrpc_paging_hints -> struct vmrpc_paging_reply:
 * pages that reclaim chose and kept, or that stayed idle
 */
#define VMRPC_PAGING_HINT		0
/* host -> guest */
/* struct vmrpc_paging_mode -> struct vmrpc_paging_mode (the mode now) */
#define VMRPC_PAGING_SET_MODE		16
#define VMRPC_PAGING_STATUS		17	/* none -> struct vmrpc_paging_status */

/* The unit of a hint: a page of the data area (the guest's base page). */
#define VMRPC_PAGING_PAGE_SIZE		4096U

/* vmrpc_paging_mode.mode, vmrpc_paging_reply.mode */
#define VMRPC_PAGING_MODE_GUEST		0	/* the guest pages ZONE_HOST (stock) */
#define VMRPC_PAGING_MODE_HOST		1	/* the host does, from the guest's hints */

/* Why the host pages no more (or never did): mode and reply reasons. */
#define VMRPC_PAGING_R_NONE		0	/* it does */
#define VMRPC_PAGING_R_NO_SWAP		1	/* the host has no swap to page to */
#define VMRPC_PAGING_R_LIMIT		2	/* a host limit was reached (swap full) */
#define VMRPC_PAGING_R_ADMIN		3	/* the administrator turned it off */
#define VMRPC_PAGING_R_ERROR		4	/* the host failed to page */
#define VMRPC_PAGING_R_DISABLED		5	/* this host does not page for guests */
#define VMRPC_PAGING_R_GUEST		6	/* the guest cannot (no device memory) */

/* The reasons' names, as VMRPC_MEM_REASON_NAMES. */
#define VMRPC_PAGING_REASON_NAMES		\
	[VMRPC_PAGING_R_NONE]	= "none",	\
	[VMRPC_PAGING_R_NO_SWAP] = "no-swap",	\
	[VMRPC_PAGING_R_LIMIT]	= "limit",	\
	[VMRPC_PAGING_R_ADMIN]	= "admin",	\
	[VMRPC_PAGING_R_ERROR]	= "error",	\
	[VMRPC_PAGING_R_DISABLED] = "disabled", \
	[VMRPC_PAGING_R_GUEST]	= "guest"

/* vmrpc_paging_run.source: what made the guest call the pages cold. */
#define VMRPC_PAGING_SRC_RECLAIM	0	/* reclaim chose them */
#define VMRPC_PAGING_SRC_IDLE		1	/* the working-set estimator saw them idle */

/**
 * struct vmrpc_paging_run - pages of the data area the guest calls cold
 * @first: index of the first page, counted in VMRPC_PAGING_PAGE_SIZE
 *	from the start of the data area
 * @count: number of pages, at least 1; the run lies in one subblock
 * @source: VMRPC_PAGING_SRC_*
 * @reserved: zero
 */
struct vmrpc_paging_run {
	__le64 first;
	__le32 count;
	__le16 source;
	__le16 reserved;		/* zero */
};

/**
 * struct vmrpc_paging_hints - request of VMRPC_PAGING_HINT
 * @nr: entries in @runs, at least 1; the request is exactly
 *	8 + 16 * @nr bytes
 * @reserved: zero
 * @runs: runs in any order; they may overlap (the host pages a page once)
 */
struct vmrpc_paging_hints {
	__le32 nr;
	__le32 reserved;		/* zero */
	struct vmrpc_paging_run runs[];
};

/**
 * struct vmrpc_paging_reply - reply of VMRPC_PAGING_HINT
 * @accepted: pages of the hints the host will page out (it skips pages of
 *	pinned or unplugged subblocks, and all of them when the mode is off)
 * @mode: the host's mode now, VMRPC_PAGING_MODE_*: GUEST tells the guest
 *	to page ZONE_HOST itself again
 * @reason: VMRPC_PAGING_R_*, why the host does not page (NONE when it does)
 */
struct vmrpc_paging_reply {
	__le64 accepted;
	__le32 mode;
	__le32 reason;
};

/**
 * struct vmrpc_paging_mode - request and reply of VMRPC_PAGING_SET_MODE
 * @mode: VMRPC_PAGING_MODE_*: asked for in the request, the guest's mode
 *	now in the reply
 * @reason: VMRPC_PAGING_R_*: in the request why the host turns the mode
 *	off (NONE when it turns it on); in the reply why the guest did not
 *	take the mode asked for (NONE when it did)
 * @reserved: zero
 */
struct vmrpc_paging_mode {
	__le32 mode;
	__le32 reason;
	__le64 reserved;		/* zero */
};

/**
 * struct vmrpc_paging_status - reply of VMRPC_PAGING_STATUS: the guest's view
 * @hinted: pages the guest sent as hints
 * @hint_calls: VMRPC_PAGING_HINT calls the guest made
 * @kept: swap-backed pages of ZONE_HOST that reclaim chose and kept
 *	(hinted instead of written to the guest's swap)
 * @guest_swapped: swap-backed pages of ZONE_HOST that reclaim let go to
 *	the guest's swap while the mode was on (the fallback under severe
 *	pressure) or off
 * @dropped: pages that reclaim kept but that could not be hinted (the
 *	guest's hint buffer was full)
 * @mode: VMRPC_PAGING_MODE_* the guest is in
 * @reason: VMRPC_PAGING_R_* the host gave when it last turned the mode off
 * @reserved: zero
 */
struct vmrpc_paging_status {
	__le64 hinted;
	__le64 hint_calls;
	__le64 kept;
	__le64 guest_swapped;
	__le64 dropped;
	__le32 mode;
	__le32 reason;
	__le64 reserved[2];		/* zero */
};

/*
 * Module 6: host files (ABI 1.6). The guest file system "hostfs" mounts a
 * directory the host exported under a tag. The host names every file and
 * directory the guest has looked up by a node id of its own choosing; the
 * guest names files only by a node id and, for lookups and changes in a
 * directory, one name: a single path component, which the host resolves
 * beneath the directory it already holds and never as a path. The host
 * never follows a symbolic link: the guest reads its target and resolves
 * it in its own name space.
 *
 * File data moves two ways. A page-cache page of the guest that lies in
 * the data area (ZONE_HOST) is named by its frame, and the host reads file
 * data straight into it or writes it back from it (READ_FRAMES,
 * WRITE_FRAMES): one copy on the host, none in the guest. Any other page
 * goes through the call's payload (READ, WRITE). The host checks that
 * every frame lies in a plugged subblock before it touches it.
 *
 * Every reply starts with struct vmrpc_hostfs_reply; a call the host
 * served with VMRPC_OK may still fail as a file operation, with the errno
 * in its @error. See Documentation/hostfs.rst.
 */
#define VMRPC_MOD_HOSTFS		6
/* guest -> host */
/* struct vmrpc_hostfs_mount -> struct vmrpc_hostfs_mounted */
#define VMRPC_HOSTFS_MOUNT		0
/* struct vmrpc_hostfs_node -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_UNMOUNT		1
/* struct vmrpc_hostfs_name -> struct vmrpc_hostfs_entry */
#define VMRPC_HOSTFS_LOOKUP		2
/* struct vmrpc_hostfs_forget -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_FORGET		3
/* struct vmrpc_hostfs_node -> struct vmrpc_hostfs_attr_reply */
#define VMRPC_HOSTFS_GETATTR		4
/* struct vmrpc_hostfs_setattr -> struct vmrpc_hostfs_attr_reply */
#define VMRPC_HOSTFS_SETATTR		5
/* struct vmrpc_hostfs_readdir -> struct vmrpc_hostfs_reply + dirents */
#define VMRPC_HOSTFS_READDIR		6
/* struct vmrpc_hostfs_create -> struct vmrpc_hostfs_entry */
#define VMRPC_HOSTFS_CREATE		7
#define VMRPC_HOSTFS_MKDIR		8
#define VMRPC_HOSTFS_SYMLINK		9
/* struct vmrpc_hostfs_name -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_UNLINK		10
#define VMRPC_HOSTFS_RMDIR		11
/* struct vmrpc_hostfs_rename -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_RENAME		12
/* struct vmrpc_hostfs_node -> struct vmrpc_hostfs_reply + the target */
#define VMRPC_HOSTFS_READLINK		13
/* struct vmrpc_hostfs_io -> struct vmrpc_hostfs_attr_reply + the data */
#define VMRPC_HOSTFS_READ		14
/* struct vmrpc_hostfs_io + the data -> struct vmrpc_hostfs_attr_reply */
#define VMRPC_HOSTFS_WRITE		15
/* struct vmrpc_hostfs_frames -> struct vmrpc_hostfs_attr_reply */
#define VMRPC_HOSTFS_READ_FRAMES	16
#define VMRPC_HOSTFS_WRITE_FRAMES	17
/* struct vmrpc_hostfs_node -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_FSYNC		18
/* struct vmrpc_hostfs_node -> struct vmrpc_hostfs_statfs */
#define VMRPC_HOSTFS_STATFS		19
/* host -> guest */
/* struct vmrpc_hostfs_invalidate -> struct vmrpc_hostfs_reply */
#define VMRPC_HOSTFS_INVALIDATE		32

/* Limits both sides enforce. */
#define VMRPC_HOSTFS_TAG_MAX		64	/* bytes of a tag, NUL-padded */
#define VMRPC_HOSTFS_NAME_MAX		255	/* bytes of one name */
#define VMRPC_HOSTFS_SYMLINK_MAX	4095	/* bytes of a link's target */
#define VMRPC_HOSTFS_PAGE_SIZE		4096U	/* the unit of a frame run */

/* vmrpc_hostfs_mounted.flags */
#define VMRPC_HOSTFS_MOUNT_RO		(1U << 0)	/* the export is read-only */

/* vmrpc_hostfs_node.flags of FSYNC */
#define VMRPC_HOSTFS_FSYNC_DATA		(1U << 0)	/* fdatasync */

/* vmrpc_hostfs_setattr.valid: which fields to set */
#define VMRPC_HOSTFS_SET_MODE		(1U << 0)
#define VMRPC_HOSTFS_SET_UID		(1U << 1)
#define VMRPC_HOSTFS_SET_GID		(1U << 2)
#define VMRPC_HOSTFS_SET_SIZE		(1U << 3)
#define VMRPC_HOSTFS_SET_ATIME		(1U << 4)	/* to @atime */
#define VMRPC_HOSTFS_SET_MTIME		(1U << 5)	/* to @mtime */
#define VMRPC_HOSTFS_SET_ATIME_NOW	(1U << 6)	/* to the host's clock */
#define VMRPC_HOSTFS_SET_MTIME_NOW	(1U << 7)	/* to the host's clock */

/* vmrpc_hostfs_rename.flags: the RENAME_* flags of renameat2() */
#define VMRPC_HOSTFS_RENAME_NOREPLACE	(1U << 0)
#define VMRPC_HOSTFS_RENAME_EXCHANGE	(1U << 1)

/* vmrpc_hostfs_dirent.type: the DT_* values of readdir(3) */
#define VMRPC_HOSTFS_DT_UNKNOWN		0
#define VMRPC_HOSTFS_DT_FIFO		1
#define VMRPC_HOSTFS_DT_CHR		2
#define VMRPC_HOSTFS_DT_DIR		4
#define VMRPC_HOSTFS_DT_BLK		6
#define VMRPC_HOSTFS_DT_REG		8
#define VMRPC_HOSTFS_DT_LNK		10
#define VMRPC_HOSTFS_DT_SOCK		12

/**
 * struct vmrpc_hostfs_reply - start of every reply of the module
 * @error: 0, or a positive Linux errno (the asm-generic numbers) saying
 *	why the operation failed. The guest passes on only the errnos a
 *	file system may return (ENOENT, EACCES, EPERM, EEXIST, ENOTEMPTY,
 *	EROFS, ENOSPC, ENAMETOOLONG, EXDEV, ENOTDIR, EISDIR, EINVAL, ELOOP,
 *	EFBIG, EMLINK, EDQUOT, ETXTBSY, EBUSY, EOPNOTSUPP, ESTALE, ENOMEM,
 *	EIO) and turns any other into EIO
 * @count: per procedure: bytes read or written, directory entries that
 *	follow, bytes of a link's target; 0 otherwise
 */
struct vmrpc_hostfs_reply {
	__le32 error;
	__le32 count;
};

/**
 * struct vmrpc_hostfs_attr - what the guest learns of a file
 * @ino: the host's inode number
 * @size: bytes
 * @blocks: 512-byte blocks allocated
 * @atime_sec: last access, seconds since the epoch
 * @mtime_sec: last data change
 * @ctime_sec: last status change
 * @atime_nsec: nanoseconds of @atime_sec, below 10^9
 * @mtime_nsec: nanoseconds of @mtime_sec, below 10^9
 * @ctime_nsec: nanoseconds of @ctime_sec, below 10^9
 * @mode: file type and permission bits, as st_mode
 * @nlink: hard links
 * @uid: owner, as the host sees it
 * @gid: group, as the host sees it
 * @blksize: preferred I/O size
 */
struct vmrpc_hostfs_attr {
	__le64 ino;
	__le64 size;
	__le64 blocks;
	__le64 atime_sec;
	__le64 mtime_sec;
	__le64 ctime_sec;
	__le32 atime_nsec;
	__le32 mtime_nsec;
	__le32 ctime_nsec;
	__le32 mode;
	__le32 nlink;
	__le32 uid;
	__le32 gid;
	__le32 blksize;
};

/**
 * struct vmrpc_hostfs_mount - request of VMRPC_HOSTFS_MOUNT
 * @tag: the export's tag, NUL-padded; at most VMRPC_HOSTFS_TAG_MAX - 1
 *	bytes of [A-Za-z0-9_.-]
 * @flags: zero
 * @reserved: zero
 */
struct vmrpc_hostfs_mount {
	char tag[VMRPC_HOSTFS_TAG_MAX];
	__le32 flags;
	__le32 reserved;		/* zero */
};

/**
 * struct vmrpc_hostfs_mounted - reply of VMRPC_HOSTFS_MOUNT
 * @hdr: error ENOENT when no export has the tag
 * @mount: the host's handle for this mount; every later call names it
 * @flags: VMRPC_HOSTFS_MOUNT_*
 * @root: node id of the export's directory; it lives until UNMOUNT and
 *	the guest never gives it back with FORGET
 * @attr: its attributes
 */
struct vmrpc_hostfs_mounted {
	struct vmrpc_hostfs_reply hdr;
	__le32 mount;
	__le32 flags;
	__le64 root;
	struct vmrpc_hostfs_attr attr;
};

/**
 * struct vmrpc_hostfs_node - request naming one node (UNMOUNT, GETATTR,
 *	READLINK, FSYNC, STATFS)
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @flags: VMRPC_HOSTFS_FSYNC_* for FSYNC, zero otherwise
 * @node: node id (any node of the mount for UNMOUNT and STATFS)
 */
struct vmrpc_hostfs_node {
	__le32 mount;
	__le32 flags;
	__le64 node;
};

/**
 * struct vmrpc_hostfs_name - request naming a name in a directory
 *	(LOOKUP, UNLINK, RMDIR)
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @len: bytes of @name, 1 to VMRPC_HOSTFS_NAME_MAX; the request is
 *	exactly 24 + @len bytes
 * @dir: node id of the directory
 * @reserved: zero
 * @name: one path component: no '/', no NUL, neither "." nor ".."
 */
struct vmrpc_hostfs_name {
	__le32 mount;
	__le32 len;
	__le64 dir;
	__le64 reserved;		/* zero */
	char name[];
};

/**
 * struct vmrpc_hostfs_entry - reply of LOOKUP, CREATE, MKDIR, SYMLINK
 * @hdr: error, count 0
 * @node: node id of the file; the same file looked up twice has the same
 *	id, and each successful reply counts one lookup the guest must
 *	give back with VMRPC_HOSTFS_FORGET
 * @attr: its attributes
 */
struct vmrpc_hostfs_entry {
	struct vmrpc_hostfs_reply hdr;
	__le64 node;
	struct vmrpc_hostfs_attr attr;
};

/**
 * struct vmrpc_hostfs_attr_reply - reply of GETATTR, SETATTR, READ, WRITE,
 *	READ_FRAMES, WRITE_FRAMES: the file's attributes after the call
 * @hdr: error; count is the bytes read or written
 * @attr: valid when error is 0
 */
struct vmrpc_hostfs_attr_reply {
	struct vmrpc_hostfs_reply hdr;
	struct vmrpc_hostfs_attr attr;
};

/**
 * struct vmrpc_hostfs_forget_one - lookups of one node given back
 * @node: node id
 * @nlookup: lookups of it the guest has had replies for and not yet
 *	given back; the host drops the node when its count reaches zero
 */
struct vmrpc_hostfs_forget_one {
	__le64 node;
	__le64 nlookup;
};

/**
 * struct vmrpc_hostfs_forget - request of VMRPC_HOSTFS_FORGET
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @nr: entries in @nodes, at least 1; the request is exactly
 *	8 + 16 * @nr bytes
 * @nodes: the nodes
 */
struct vmrpc_hostfs_forget {
	__le32 mount;
	__le32 nr;
	struct vmrpc_hostfs_forget_one nodes[];
};

/**
 * struct vmrpc_hostfs_setattr - request of VMRPC_HOSTFS_SETATTR
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @valid: VMRPC_HOSTFS_SET_*
 * @node: node id
 * @size: new size, with SET_SIZE
 * @atime_sec: with SET_ATIME
 * @mtime_sec: with SET_MTIME
 * @atime_nsec: with SET_ATIME, below 10^9
 * @mtime_nsec: with SET_MTIME, below 10^9
 * @mode: permission bits (07777), with SET_MODE
 * @uid: with SET_UID
 * @gid: with SET_GID
 * @reserved: zero
 */
struct vmrpc_hostfs_setattr {
	__le32 mount;
	__le32 valid;
	__le64 node;
	__le64 size;
	__le64 atime_sec;
	__le64 mtime_sec;
	__le32 atime_nsec;
	__le32 mtime_nsec;
	__le32 mode;
	__le32 uid;
	__le32 gid;
	__le32 reserved;		/* zero */
};

/**
 * struct vmrpc_hostfs_readdir - request of VMRPC_HOSTFS_READDIR
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @max: bytes of entries the reply may carry
 * @dir: node id of the directory
 * @cookie: where to go on: 0 at the start, else the @next of the last
 *	entry the guest used
 */
struct vmrpc_hostfs_readdir {
	__le32 mount;
	__le32 max;
	__le64 dir;
	__le64 cookie;
};

/**
 * struct vmrpc_hostfs_dirent - one entry of a READDIR reply; the reply's
 *	count says how many follow its header, one after the other, and a
 *	reply with count 0 and no error is the end of the directory ("." and
 *	".." are never sent)
 * @ino: the host's inode number
 * @next: cookie of the entry after this one
 * @type: VMRPC_HOSTFS_DT_*
 * @len: bytes of @name, 1 to VMRPC_HOSTFS_NAME_MAX
 * @reserved: zero
 * @name: not NUL-terminated; the entry is 24 + @len bytes rounded up to 8
 */
struct vmrpc_hostfs_dirent {
	__le64 ino;
	__le64 next;
	__le16 type;
	__le16 len;
	__le32 reserved;		/* zero */
	char name[];
};

/**
 * struct vmrpc_hostfs_create - request of CREATE, MKDIR, SYMLINK
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @mode: permission bits (07777) of the new file or directory; zero for
 *	SYMLINK
 * @dir: node id of the directory
 * @len: bytes of the name, as vmrpc_hostfs_name.len
 * @target_len: SYMLINK: bytes of the target, 1 to
 *	VMRPC_HOSTFS_SYMLINK_MAX, no NUL; zero otherwise. The request is
 *	exactly 24 + @len + @target_len bytes
 * @data: the name, then the target
 */
struct vmrpc_hostfs_create {
	__le32 mount;
	__le32 mode;
	__le64 dir;
	__le32 len;
	__le32 target_len;
	char data[];
};

/**
 * struct vmrpc_hostfs_rename - request of VMRPC_HOSTFS_RENAME, within one
 *	mount (a rename across mounts is EXDEV in the guest already)
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @flags: VMRPC_HOSTFS_RENAME_*
 * @old_dir: node id of the directory the name is in
 * @new_dir: node id of the directory it goes to
 * @old_len: bytes of the old name, as vmrpc_hostfs_name.len
 * @new_len: bytes of the new name; the request is exactly
 *	32 + @old_len + @new_len bytes
 * @names: the old name, then the new one
 */
struct vmrpc_hostfs_rename {
	__le32 mount;
	__le32 flags;
	__le64 old_dir;
	__le64 new_dir;
	__le32 old_len;
	__le32 new_len;
	char names[];
};

/**
 * struct vmrpc_hostfs_io - request of READ and WRITE, through the payload
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @len: bytes to read or write; for WRITE the request is exactly
 *	24 + @len bytes, and for READ the reply 88 + at most @len
 * @node: node id of a regular file
 * @offset: file offset
 */
struct vmrpc_hostfs_io {
	__le32 mount;
	__le32 len;
	__le64 node;
	__le64 offset;
};

/**
 * struct vmrpc_hostfs_run - pages of the data area in one call
 * @first: index of the first page, counted in VMRPC_HOSTFS_PAGE_SIZE from
 *	the start of the data area
 * @count: pages, at least 1
 * @reserved: zero
 */
struct vmrpc_hostfs_run {
	__le64 first;
	__le32 count;
	__le32 reserved;		/* zero */
};

/**
 * struct vmrpc_hostfs_frames - request of READ_FRAMES and WRITE_FRAMES:
 *	file data straight into or out of guest page frames. The file range
 *	starting at @offset maps onto the runs in order, page by page
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @nr: entries in @runs, at least 1; the request is exactly
 *	32 + 16 * @nr bytes
 * @node: node id of a regular file
 * @offset: file offset, a multiple of VMRPC_HOSTFS_PAGE_SIZE
 * @len: bytes, at most the pages of the runs: WRITE_FRAMES writes @len
 *	bytes; READ_FRAMES reads @len bytes and fills every page of the runs
 *	beyond what the file holds with zeroes
 * @runs: the frames
 */
struct vmrpc_hostfs_frames {
	__le32 mount;
	__le32 nr;
	__le64 node;
	__le64 offset;
	__le64 len;
	struct vmrpc_hostfs_run runs[];
};

/**
 * struct vmrpc_hostfs_statfs - reply of VMRPC_HOSTFS_STATFS: the file
 *	system the export lives on, as statvfs(3) gives it
 * @hdr: error, count 0
 * @blocks: blocks of @bsize bytes
 * @bfree: free blocks
 * @bavail: free blocks an unprivileged user may use
 * @files: inodes
 * @ffree: free inodes
 * @bsize: block size
 * @namelen: longest name
 */
struct vmrpc_hostfs_statfs {
	struct vmrpc_hostfs_reply hdr;
	__le64 blocks;
	__le64 bfree;
	__le64 bavail;
	__le64 files;
	__le64 ffree;
	__le32 bsize;
	__le32 namelen;
};

/**
 * struct vmrpc_hostfs_invalidate - request of VMRPC_HOSTFS_INVALIDATE: the
 *	host says a file changed behind the guest's back; the guest drops
 *	its cached pages and attributes (and writes back dirty pages first)
 * @mount: from VMRPC_HOSTFS_MOUNT
 * @reserved: zero
 * @node: node id, or 0 for every file of the mount
 */
struct vmrpc_hostfs_invalidate {
	__le32 mount;
	__le32 reserved;		/* zero */
	__le64 node;
};

#define VMRPC_NR_MODULES		64	/* module numbers are below this */

#endif /* _UAPI_LINUX_VMRPC_H */
