/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host paging of one VM (issue "no double paging"): the host's mode
 * (whether it pages the guest's ZONE_HOST memory from the guest's hints,
 * and if not why), QEMU's mapping of the memfd, and the page-out itself.
 *
 * Paging out acts on QEMU's mapping, never zhostd's: MADV_PAGEOUT works on
 * the caller's page tables only and skips pages mapped by more than one
 * process, and zhostd maps the data area but faults in nothing except the
 * pinned subblocks it mlock()s. So the page-out is process_madvise() on a
 * pidfd of QEMU over QEMU's virtual addresses of the ranges, found in
 * /proc/PID/maps by the memfd's device and inode (qemu-maps.h). It needs
 * CAP_SYS_NICE (and ptrace access to QEMU); without it the mode goes off
 * with reason "error". Documentation/design/paging.rst has the evidence.
 *
 * Layers, each calling only those below it:
 *   paging-mode.c    the thread that decides the mode and tells the guest
 *   paging-serve.c   the guest's hints, checked against the plugged map
 *                    and the pinned set under the memory backend's lock
 *   paging.c         this file: state, counters, swap, page-out
 *   paging-wire.c, qemu-maps.c   parsing, no system calls
 */
#ifndef ZHOSTD_PAGING_H
#define ZHOSTD_PAGING_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "paging-wire.h"
#include "qemu-maps.h"
#include "vmrpc-host.h"

/* Free host swap below which the host stops paging (--paging-swap-floor). */
#define ZHOSTD_PAGING_FLOOR_DEFAULT	(64ULL << 20)
/* Most pages one hint call pages out: bounds the time a call takes. */
#define ZHOSTD_PAGING_MAX_PAGES_PER_CALL	65536
/* QEMU's mappings of the memfd remembered (it maps BAR2 once). */
#define ZHOSTD_PAGING_MAX_MAPS		16

/**
 * struct zhostd_paging_stats - counters since zhostd started, in pages of
 * VMRPC_PAGING_PAGE_SIZE unless named calls
 * @hint_calls: VMRPC_PAGING_HINT calls served
 * @bad_calls: of them, refused as malformed
 * @hinted: pages the well-formed calls named
 * @refused_mode: of them, named while the host did not page (mode guest)
 * @skipped_unplugged: of them, in subblocks not plugged
 * @skipped_pinned: of them, in subblocks locked on the host
 * @over_budget: of them, past ZHOSTD_PAGING_MAX_PAGES_PER_CALL
 * @duplicate: of them, named twice in one call
 * @accepted: of them, accepted for page-out
 * @paged_out: of them, advised MADV_PAGEOUT on QEMU's mapping
 * @pageout_calls: process_madvise() calls
 * @pageout_errors: of them, failed
 * @last_error: errno of the last failure, 0 before any
 * @mode_changes: times the host's mode changed
 */
struct zhostd_paging_stats {
	uint64_t hint_calls;
	uint64_t bad_calls;
	uint64_t hinted;
	uint64_t refused_mode;
	uint64_t skipped_unplugged;
	uint64_t skipped_pinned;
	uint64_t over_budget;
	uint64_t duplicate;
	uint64_t accepted;
	uint64_t paged_out;
	uint64_t pageout_calls;
	uint64_t pageout_errors;
	int last_error;
	uint64_t mode_changes;
};

/**
 * struct zhostd_paging_info - a snapshot
 * @wanted: the administrator wants host paging (--host-paging, or the
 *	paging command)
 * @mode: the host's mode, VMRPC_PAGING_MODE_*
 * @reason: VMRPC_PAGING_R_* why it does not page, NONE when it does
 * @swap_floor: free host swap kept
 * @swap_total: host swap, bytes, at the last check
 * @swap_free: of it free
 * @guest_known: @guest holds the guest's last VMRPC_PAGING_STATUS
 * @guest_unsupported: the guest answered that it has no module 5
 * @guest: the guest's view
 * @stats: the counters
 */
struct zhostd_paging_info {
	bool wanted;
	uint32_t mode;
	uint32_t reason;
	uint64_t swap_floor;
	uint64_t swap_total;
	uint64_t swap_free;
	bool guest_known;
	bool guest_unsupported;
	struct zh_paging_guest_status guest;
	struct zhostd_paging_stats stats;
};

/**
 * struct zhostd_paging - host paging of one VM; fields are private
 * @lock: protects everything below but the constants
 * @memfd: the VM's memfd (not owned); constant
 * @area_offset: the data area's offset in it; constant
 * @geom: the data area in hint pages; constant
 * @swap_floor: free host swap kept; constant
 * @wanted: the administrator wants host paging
 * @ever_wanted: it was on at some time (the reason when off: admin, not
 *	disabled)
 * @failed: a page-out failed for want of permission: off until the
 *	administrator turns paging on again
 * @mode: the host's mode
 * @reason: why not host
 * @swap_total: host swap at the last check
 * @swap_free: of it free
 * @guest_known: @guest is the guest's last status
 * @guest_unsupported: the guest has no module 5
 * @guest: the guest's last VMRPC_PAGING_STATUS
 * @pid: QEMU's pid @pidfd and @maps are about, 0 for none
 * @pidfd: a pidfd of it, -1 for none
 * @maps: its shared mappings of the memfd
 * @nr_maps: how many
 * @st: counters
 */
struct zhostd_paging {
	pthread_mutex_t lock;
	int memfd;
	uint64_t area_offset;
	struct zh_paging_geom geom;
	uint64_t swap_floor;
	bool wanted;
	bool ever_wanted;
	bool failed;
	uint32_t mode;
	uint32_t reason;
	uint64_t swap_total;
	uint64_t swap_free;
	bool guest_known;
	bool guest_unsupported;
	struct zh_paging_guest_status guest;
	pid_t pid;
	int pidfd;
	struct zh_map maps[ZHOSTD_PAGING_MAX_MAPS];
	size_t nr_maps;
	struct zhostd_paging_stats st;
};

/**
 * zhostd_paging_init() - set up, mode guest
 * @p: the state
 * @memfd: the VM's memfd (not owned)
 * @area: its data area
 * @wanted: --host-paging
 * @swap_floor: --paging-swap-floor
 *
 * Return: 0, or -EINVAL for a data area whose subblock is not a multiple
 * of the hint page.
 */
int zhostd_paging_init(struct zhostd_paging *p, int memfd,
		       const struct vmrpc_host_data_area *area, bool wanted,
		       uint64_t swap_floor);

/* Close the pidfd; nothing for a zeroed @p or one whose init failed. */
void zhostd_paging_destroy(struct zhostd_paging *p);

/* A snapshot. */
void zhostd_paging_get(struct zhostd_paging *p, struct zhostd_paging_info *info);

/* The administrator's switch; turning on clears an earlier failure. */
void zhostd_paging_set_wanted(struct zhostd_paging *p, bool on);

/**
 * zhostd_paging_update() - decide the mode from the switch and host swap
 * @p: the state
 * @swap_total: host swap in bytes (zh_meminfo_swap())
 * @swap_free: of it free
 * @reason: set to the new reason
 *
 * Return: the new mode; *@reason says why when it is not host.
 */
uint32_t zhostd_paging_update(struct zhostd_paging *p, uint64_t swap_total,
			      uint64_t swap_free, uint32_t *reason);

/* The mode and reason now, for a hint reply. */
uint32_t zhostd_paging_mode(struct zhostd_paging *p, uint32_t *reason);

/* Remember the guest's status (@st NULL: unknown; @unsupported: no module). */
void zhostd_paging_set_guest(struct zhostd_paging *p,
			     const struct zh_paging_guest_status *st,
			     bool unsupported);

/* Add one hint call's counts to the counters. */
void zhostd_paging_count(struct zhostd_paging *p,
			 const struct zhostd_paging_stats *delta);

/**
 * struct zhostd_paging_range - bytes of the memfd to page out
 * @offset: in the memfd
 * @len: bytes
 */
struct zhostd_paging_range {
	uint64_t offset;
	uint64_t len;
};

/**
 * zhostd_paging_pageout() - MADV_PAGEOUT on QEMU's mapping of ranges
 * @p: the state
 * @pid: QEMU's pid, 0 to have it found: the process other than zhostd
 *	that maps the memfd shared (/proc/PID/maps; once, then kept while
 *	page-outs work)
 * @r: the ranges, each inside the data area
 * @nr: how many
 *
 * Finds QEMU's mapping (again, when @pid changed or a call failed as if
 * the mapping moved or QEMU went away) and advises the ranges in batches. A failure for
 * want of permission turns host paging off (reason error).
 *
 * Return: bytes advised, or a negative errno when nothing was.
 */
int64_t zhostd_paging_pageout(struct zhostd_paging *p, pid_t pid,
			      const struct zhostd_paging_range *r, size_t nr);

/**
 * zhostd_paging_residency() - where the data area's pages are
 * @p: the state
 * @resident: set to bytes of it in host memory
 * @swapped: set to bytes of it in host swap
 *
 * cachestat() of the memfd (Linux 6.5 and later).
 *
 * Return: 0, or a negative errno (-ENOSYS on older hosts).
 */
int zhostd_paging_residency(struct zhostd_paging *p, uint64_t *resident,
			    uint64_t *swapped);

/**
 * zh_meminfo_swap() - SwapTotal and SwapFree of a /proc/meminfo text
 * @text: NUL-terminated
 * @total: set to SwapTotal in bytes
 * @avail: set to SwapFree in bytes
 *
 * Return: 0, or -1 when either is missing or malformed.
 */
int zh_meminfo_swap(const char *text, uint64_t *total, uint64_t *avail);

/**
 * zh_paging_swap_verdict() - can the host page, by its swap
 * @total: host swap in bytes
 * @avail: of it free
 * @floor: free swap to keep
 * @paging: the host pages now (it goes on down to @floor; it starts
 *	again only above twice @floor, so that it does not flap)
 *
 * Return: VMRPC_PAGING_R_NONE, _NO_SWAP or _LIMIT.
 */
uint32_t zh_paging_swap_verdict(uint64_t total, uint64_t avail, uint64_t floor,
				bool paging);

/* Read /proc/meminfo: zh_meminfo_swap() of it. Return: 0 or -errno. */
int zhostd_read_swap(uint64_t *total, uint64_t *avail);

#endif /* ZHOSTD_PAGING_H */
