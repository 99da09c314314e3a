/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The pinned set of one VM: which subblocks of the data area zhostd keeps
 * resident on the host, and why.
 *
 * zhostd maps the data area of the memfd once, MAP_SHARED and PROT_READ,
 * without MAP_POPULATE, and never reads or writes through that mapping.
 * Locking a subblock is mlock() of its range of the mapping: that faults
 * the shared pages into zhostd's page tables and puts them on the
 * unevictable LRU, so reclaim leaves them alone although QEMU maps them
 * too. Unlocking is munlock() and then MADV_DONTNEED of the range, so
 * that zhostd's page tables stop mapping the pages and host paging, which
 * skips pages mapped by more than one process, can page them again.
 * Documentation/design/pinning.rst has the reasoning and the evidence.
 *
 * A subblock is locked while the guest has it pinned (VMRPC_PIN_UPDATE)
 * or, with --lock-all, while it is plugged. Its state changes only under
 * the memory backend's lock (memory.h): memory.c calls the *_locked hooks
 * when a plug or unplug changes the map, and pin-serve.c calls
 * zhostd_pin_apply_locked() for the guest's requests with that lock held
 * and the map in hand. This file knows nothing of the memory backend; it
 * is told what is plugged.
 */
#ifndef ZHOSTD_PIN_H
#define ZHOSTD_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pin-wire.h"
#include "vmrpc-host.h"

/* No ceiling on guest pins (--max-pinned not given). */
#define ZHOSTD_PIN_NO_CEILING	UINT64_MAX

/* Per-subblock state bits. */
#define ZHOSTD_PIN_GUEST	0x1	/* the guest asked, the host pinned */
#define ZHOSTD_PIN_LOCKED	0x2	/* mlocked in zhostd's mapping */
#define ZHOSTD_PIN_SHORT	0x4	/* the guest's last pin was refused */
#define ZHOSTD_PIN_LOCK_MISSING	0x8	/* --lock-all could not lock it */

/**
 * struct zhostd_pin_stats - counters since zhostd started
 * @updates: VMRPC_PIN_UPDATE calls served (well-formed)
 * @bad_calls: VMRPC_PIN_UPDATE calls refused as malformed
 * @pin_runs: runs asking to pin
 * @unpin_runs: runs asking to unpin
 * @refused_runs: pin runs pinned in part or not at all
 * @refused_bytes: bytes those runs did not get pinned
 * @lock_failures: mlock() calls that failed, guest pins and --lock-all
 * @unlock_failures: munlock() or madvise() calls that failed
 * @last_reason: VMRPC_PIN_R_* of the last refused run
 * @last_refusal_error: its errno (VMRPC_PIN_R_RLIMIT, _ERROR), else 0
 * @last_error: errno of the last failed mlock(), 0 before any
 */
struct zhostd_pin_stats {
	uint64_t updates;
	uint64_t bad_calls;
	uint64_t pin_runs;
	uint64_t unpin_runs;
	uint64_t refused_runs;
	uint64_t refused_bytes;
	uint64_t lock_failures;
	uint64_t unlock_failures;
	uint32_t last_reason;
	int last_refusal_error;
	int last_error;
};

/**
 * struct zhostd_pin_info - a snapshot
 * @subblock_size: bytes per subblock
 * @max_pinned: the ceiling on guest-pinned bytes, ZHOSTD_PIN_NO_CEILING
 *	for none, 0 when guest pinning is disabled
 * @lock_all: --lock-all is on
 * @guest_pinned: bytes the guest has pinned
 * @locked: bytes locked on the host, for either reason
 * @shortfall: bytes whose last pin request was refused and that were not
 *	pinned or unpinned since
 * @lock_all_missing: plugged bytes --lock-all could not lock
 * @stats: the counters
 */
struct zhostd_pin_info {
	uint64_t subblock_size;
	uint64_t max_pinned;
	bool lock_all;
	uint64_t guest_pinned;
	uint64_t locked;
	uint64_t shortfall;
	uint64_t lock_all_missing;
	struct zhostd_pin_stats stats;
};

/**
 * struct zhostd_pin_range - a run of subblocks in the same state
 * @first: first subblock
 * @count: subblocks
 * @state: ZHOSTD_PIN_* bits they share (never 0)
 */
struct zhostd_pin_range {
	uint64_t first;
	uint64_t count;
	uint8_t state;
};

/**
 * struct zhostd_pin_refusal - a pin run not pinned in full, for on_refused
 * @first: the run's first subblock
 * @count: its subblocks
 * @done: of them, pinned (from the first)
 * @reason: VMRPC_PIN_R_*
 * @error: errno when @reason is VMRPC_PIN_R_ERROR (or RLIMIT), else 0
 * @bytes: bytes not pinned
 */
struct zhostd_pin_refusal {
	uint64_t first;
	uint32_t count;
	uint32_t done;
	uint32_t reason;
	int error;
	uint64_t bytes;
};

/**
 * struct zhostd_pin - the pinned set; fields are private
 * @base: zhostd's PROT_READ mapping of the data area
 * @sb_size: bytes per subblock
 * @nr_sb: subblocks
 * @max_sb: the ceiling in subblocks; UINT64_MAX none, 0 disabled
 * @lock_all: --lock-all
 * @state: ZHOSTD_PIN_* bits per subblock, under the memory backend's lock
 * @nr_guest: subblocks with ZHOSTD_PIN_GUEST, and so on
 * @nr_locked: ... ZHOSTD_PIN_LOCKED
 * @nr_short: ... ZHOSTD_PIN_SHORT
 * @nr_missing: ... ZHOSTD_PIN_LOCK_MISSING
 * @st: counters
 * @warned: the first --lock-all failure was logged (the rest are counted)
 * @on_refused: called by pin-serve.c, outside the lock, for each refused
 *	run; may be NULL
 * @opaque: its argument
 */
struct zhostd_pin {
	uint8_t *base;
	uint64_t sb_size;
	uint64_t nr_sb;
	uint64_t max_sb;
	bool lock_all;
	uint8_t *state;
	uint64_t nr_guest;
	uint64_t nr_locked;
	uint64_t nr_short;
	uint64_t nr_missing;
	struct zhostd_pin_stats st;
	bool warned;
	void (*on_refused)(void *opaque, const struct zhostd_pin_refusal *r);
	void *opaque;
};

/**
 * zhostd_pin_init() - map the data area, nothing locked
 * @p: the set
 * @memfd: the VM's memfd (not owned; the mapping keeps the file alive)
 * @area: its data area (offset page-aligned)
 * @max_pinned: ceiling on guest-pinned bytes (rounded down to whole
 *	subblocks), ZHOSTD_PIN_NO_CEILING for none, 0 to refuse every pin
 * @lock_all: lock every plugged subblock
 *
 * Return: 0, or a negative errno from mmap() or -ENOMEM.
 */
int zhostd_pin_init(struct zhostd_pin *p, int memfd,
		    const struct vmrpc_host_data_area *area,
		    uint64_t max_pinned, bool lock_all);

/* Unmap (which unlocks everything) and free; a zeroed @p is fine. */
void zhostd_pin_destroy(struct zhostd_pin *p);

/**
 * zhostd_pin_plugged_locked() - subblocks were plugged
 * @p: the set
 * @first: first subblock
 * @count: subblocks
 *
 * With --lock-all, locks them. Call with the memory backend's lock held,
 * after the map says plugged.
 */
void zhostd_pin_plugged_locked(struct zhostd_pin *p, uint64_t first,
			       uint64_t count);

/**
 * zhostd_pin_unplugging_locked() - subblocks are about to be unplugged
 * @p: the set
 * @first: first subblock
 * @count: subblocks
 *
 * Unlocks those locked and forgets every state they had (guest pin,
 * shortfall). Call with the memory backend's lock held, BEFORE the hole
 * is punched: a punched page must not stay mapped in zhostd.
 */
void zhostd_pin_unplugging_locked(struct zhostd_pin *p, uint64_t first,
				  uint64_t count);

/**
 * zhostd_pin_apply_locked() - one run of a VMRPC_PIN_UPDATE batch
 * @p: the set
 * @plugged: the memory backend's map, one byte per subblock, 1 = plugged
 * @run: the run, checked by zh_pin_batch_decode()
 * @res: the result for the guest, and the refusal when it is short
 *
 * An unpin is always complete. A pin goes from the first subblock and
 * stops at the first it cannot pin: one not plugged, one past the
 * ceiling, one mlock() refused; the rest of the run is the shortfall.
 * Call with the memory backend's lock held.
 *
 * Return: true when the run was a pin not pinned in full (@res is then a
 * refusal to report).
 */
bool zhostd_pin_apply_locked(struct zhostd_pin *p, const uint8_t *plugged,
			     const struct zh_pin_run *run,
			     struct zhostd_pin_refusal *res);

/* Count a VMRPC_PIN_UPDATE, @bad when malformed; under the backend's lock. */
void zhostd_pin_count_call_locked(struct zhostd_pin *p, bool bad);

/* A snapshot; under the memory backend's lock. */
void zhostd_pin_get_locked(const struct zhostd_pin *p,
			   struct zhostd_pin_info *info);

/**
 * zhostd_pin_ranges_locked() - the subblocks with any state, coalesced
 * @p: the set
 * @out: filled with up to @max ranges in subblock order
 * @max: room in @out
 *
 * Under the memory backend's lock.
 *
 * Return: the number of ranges there are (may exceed @max).
 */
size_t zhostd_pin_ranges_locked(const struct zhostd_pin *p,
				struct zhostd_pin_range *out, size_t max);

/**
 * zhostd_pin_held_locked() - whether a subblock is pinned or locked
 * @p: the set
 * @sb: the subblock
 *
 * For host paging, which leaves such subblocks alone. Under the memory
 * backend's lock.
 *
 * Return: true when the guest pinned it or zhostd locked it.
 */
bool zhostd_pin_held_locked(const struct zhostd_pin *p, uint64_t sb);

/* zhostd's mapping of the data area, for tests (smaps, mincore). */
const void *zhostd_pin_mapping(const struct zhostd_pin *p);

#endif /* ZHOSTD_PIN_H */
