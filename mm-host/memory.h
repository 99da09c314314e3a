/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's memory backend: the data area of the memfd as subblocks the
 * guest has plugged or not, the size the host requests and the ceiling,
 * and the guest's VMRPC_MOD_MEM calls that change them.
 *
 * The rule it keeps: a subblock is plugged only after the host granted it
 * (VMRPC_MEM_PLUG within the requested size), and host memory behind a
 * subblock is freed (a hole punched in the memfd) only once the guest
 * gave it back (VMRPC_MEM_UNPLUG, VMRPC_MEM_UNPLUG_ALL) or the VM is gone.
 * An unplug's hole is punched after the reply (memory-punch.h); nothing
 * plugs the subblock again, and nothing says the memory is free, before
 * the punch returned.
 *
 * The host changes the requested size (zhostd_memory_set_requested()) and
 * tells the guest; the guest may ask for more itself (VMRPC_MEM_ASK),
 * which the host grants within the maximum when its policy allows; the
 * guest reports how each resize ended (VMRPC_MEM_DONE), and since ABI 1.7
 * where its time went, to which zhostd adds its own time in the plugs and
 * unplugs of that resize.
 */
#ifndef ZHOSTD_MEMORY_H
#define ZHOSTD_MEMORY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "pin.h"
#include "vmrpc-host.h"

/**
 * struct zhostd_memory_stages - where one resize's time went
 * @total_us: the guest's fields of struct vmrpc_mem_stages, in host order
 *	(microseconds of the guest's clock; vmrpc.h says what each measures)
 * @wait_us: see @total_us
 * @host_us: see @total_us
 * @host_calls: see @total_us
 * @isolate_us: see @total_us
 * @offline_us: see @total_us
 * @online_us: see @total_us
 * @add_us: see @total_us
 * @watermarks_us: see @total_us
 * @steps: see @total_us
 * @zhostd_us: zhostd's own handling of the VMRPC_MEM_PLUG and
 *	VMRPC_MEM_UNPLUG calls since the DONE before (CLOCK_MONOTONIC, from
 *	entering zhostd_memory_serve() to its return, lock wait included)
 * @zhostd_calls: the number of those calls
 * @free_us: zhostd's time freeing the memory of those unplugs after it
 *	answered them (memory-punch.h), beside the guest's work
 * @free_wait_us: of that, what the report waited for before zhostd took
 *	it: the part that made the resize longer
 *
 * @host_us less @zhostd_us is what VMRPC's round trips cost.
 */
struct zhostd_memory_stages {
	uint32_t total_us;
	uint32_t wait_us;
	uint32_t host_us;
	uint32_t host_calls;
	uint32_t isolate_us;
	uint32_t offline_us;
	uint32_t online_us;
	uint32_t add_us;
	uint32_t watermarks_us;
	uint32_t steps;
	uint64_t zhostd_us;
	uint64_t zhostd_calls;
	uint64_t free_us;
	uint64_t free_wait_us;
};

/**
 * struct zhostd_memory_info - a snapshot of the backend
 * @offset: data area offset in the memfd
 * @size: data area size
 * @subblock_size: plug unit
 * @requested: bytes the host wants the guest to have
 * @max: bytes the host grants at most
 * @plugged: bytes the guest has plugged
 * @plug_calls: well-formed VMRPC_MEM_PLUG calls served
 * @plug_refused: of those, refused (beyond the requested size)
 * @plug_no_memory: of those, refused because the host could not
 *	reserve memory for the subblocks (hugetlb: the pool has too few
 *	free pages nobody reserved)
 * @plug_error: errno of the last such failure, 0 before any
 * @unplug_calls: well-formed VMRPC_MEM_UNPLUG and VMRPC_MEM_UNPLUG_ALL calls
 * @unplug_unplugged: subblocks VMRPC_MEM_UNPLUG named that were not
 *	plugged (accepted: a guest repeats an unplug whose reply it lost)
 * @bad_calls: calls refused as malformed
 * @host_map_calls: well-formed VMRPC_MEM_HOST_MAP calls (a kdump kernel
 *	asking which subblocks it may read for /proc/vmcore)
 * @asks: VMRPC_MEM_ASK calls
 * @asks_granted: of those, granted (in whole or in part)
 * @last_ask_ns: CLOCK_MONOTONIC of the last VMRPC_MEM_ASK, 0 before the
 *	first (the automatic policy does not shrink right after one)
 * @done_seq: number of VMRPC_MEM_DONE reports so far
 * @done: the last of them (zero before the first)
 * @done.stages: where that resize's time went, when @done.has_stages
 * @punch_queued: bytes given back whose hole is not punched yet
 *	(memory-punch.h: zhostd punches after it answered the unplug)
 * @punch_later: punches queued so far
 * @punch_failed: of those, punches that failed (the memory guard frees
 *	what they left)
 * @punch_error: errno of the last such failure, 0 before any
 * @enforce_scans: scans for host memory behind unplugged subblocks
 *	(memory-enforce.h)
 * @violations: of those, scans that found some (and freed it)
 * @reclaimed: bytes those scans freed, the spare range included
 */
struct zhostd_memory_info {
	uint64_t offset;
	uint64_t size;
	uint64_t subblock_size;
	uint64_t requested;
	uint64_t max;
	uint64_t plugged;
	uint64_t plug_calls;
	uint64_t plug_refused;
	uint64_t plug_no_memory;
	int plug_error;
	uint64_t unplug_calls;
	uint64_t unplug_unplugged;
	uint64_t bad_calls;
	uint64_t host_map_calls;
	uint64_t asks;
	uint64_t asks_granted;
	int64_t last_ask_ns;
	uint64_t punch_queued;
	uint64_t punch_later;
	uint64_t punch_failed;
	int punch_error;
	uint64_t done_seq;
	struct zhostd_memory_done {
		uint64_t requested;	/* what the guest worked towards */
		uint64_t plugged;	/* what it reached */
		uint32_t reason;	/* VMRPC_MEM_R_* */
		uint32_t error;		/* errno for VMRPC_MEM_R_ERROR */
		bool has_stages;	/* the guest sent stages (ABI 1.7) */
		struct zhostd_memory_stages stages;
	} done;
	uint64_t enforce_scans;
	uint64_t violations;
	uint64_t reclaimed;
};

/* What happened, for zhostd_memory.on_event. */
enum zhostd_memory_change {
	ZHOSTD_MEM_PLUGGED,	/* the guest plugged subblocks */
	ZHOSTD_MEM_UNPLUGGED,	/* the guest gave subblocks back */
	ZHOSTD_MEM_RESET,	/* everything unplugged (guest boot, VM gone) */
	ZHOSTD_MEM_REQUESTED,	/* the requested size changed */
	ZHOSTD_MEM_ASKED,	/* the guest asked for more */
	ZHOSTD_MEM_DONE,	/* the guest reported how a resize ended */
};

/**
 * struct zhostd_memory_event - one change, for zhostd_memory.on_event
 * @what: the kind of change
 * @first: PLUGGED, UNPLUGGED: first subblock
 * @count: PLUGGED, UNPLUGGED: subblocks; RESET: all of them
 * @plugged: bytes plugged after the change
 * @requested: the requested size after the change
 * @asked: ASKED: the bytes the guest asked for
 * @granted: ASKED: the bytes granted (0 when refused)
 * @done: DONE: the report
 * @done_seq: DONE: its number (zhostd_memory_info.done_seq)
 */
struct zhostd_memory_event {
	enum zhostd_memory_change what;
	uint64_t first;
	uint64_t count;
	uint64_t plugged;
	uint64_t requested;
	uint64_t asked;
	uint64_t granted;
	struct zhostd_memory_done done;
	uint64_t done_seq;
};

/* Unplugged ranges waiting for their punch, at most (memory-punch.h). */
#define ZHOSTD_PUNCH_QUEUE	64

/**
 * struct zhostd_punch_range - subblocks [first, first + count)
 * @first: first subblock
 * @count: subblocks
 * @seq: its place in the order of queueing (zhostd_punch.next_seq)
 * @fill: hugetlb, and the subblocks were plugged: fill them before the
 *	punch (memory-hugetlb.h)
 */
struct zhostd_punch_range {
	uint64_t first;
	uint64_t count;
	uint64_t seq;
	bool fill;
};

/**
 * struct zhostd_punch - holes to punch after the reply (memory-punch.h);
 * every field is under the backend's lock
 * @q: a ring of @len ranges from @head, oldest first; the oldest stays
 *	queued while the worker punches it
 * @head: the oldest range's slot
 * @len: ranges queued
 * @next_seq: the @seq the next range queued gets
 * @done_seq: every range with a smaller @seq has been punched (ranges are
 *	punched in order): a waiter waits for the ranges queued when it
 *	began, never for those a guest keeps adding
 * @busy: the worker is punching the oldest range, the lock dropped
 * @stop: the worker returns once the queue is empty
 * @started: @thread runs
 * @thread: the worker
 * @cond: broadcast when a range is queued, a punch returned, or @stop set
 */
struct zhostd_punch {
	struct zhostd_punch_range q[ZHOSTD_PUNCH_QUEUE];
	uint32_t head;
	uint32_t len;
	uint64_t next_seq;
	uint64_t done_seq;
	bool busy;
	bool stop;
	bool started;
	pthread_t thread;
	pthread_cond_t cond;
};

/**
 * struct zhostd_memory - the backend of one VM; fields are private
 * @lock: protects everything below
 * @memfd: the VM's memfd
 * @area: the data area
 * @nr_sb: subblocks in the data area
 * @map: one byte per subblock, 1 when plugged
 * @nr_plugged: subblocks plugged
 * @info: requested, max and counters (its geometry fields unused)
 * @allow_ask: grant the guest's VMRPC_MEM_ASK (within @info.max)
 * @on_event: called after every change, outside @lock; may be NULL
 * @opaque: passed to @on_event
 * @spare_offset: a range of the memfd nobody uses (the control area after
 *	the call slots; zhostd_memory_set_spare()), freed by every
 *	enforcement scan; set before the scans start, constant afterwards
 * @spare_size: its size, 0 for none
 * @enforce_next: the subblock the next enforcement scan starts at: a scan
 *	that ran out of budget resumes there
 * @hugetlb: the memfd is hugetlb (zhostd_memory_set_hugetlb()): a plug
 *	reserves huge pages for its subblocks, freeing subblocks that were
 *	plugged fills them first (memory-hugetlb.h), and allocation is
 *	measured from the file's size in blocks, as hugetlbfs has no
 *	SEEK_DATA
 * @short_logged: the last plug failed for want of memory and was logged:
 *	the next is not, until one succeeds
 * @fill_failed: fills before a punch that failed (memory-hugetlb.h); the
 *	first was logged
 * @pin: the pinned set (pin.h), NULL for none; set before the guest's
 *	calls are served. Its state changes under @lock only: plugs and
 *	unplugs call its hooks here, before an unplug punches the hole.
 * @handling_ns: zhostd's time in VMRPC_MEM_PLUG and VMRPC_MEM_UNPLUG
 *	calls since the last VMRPC_MEM_DONE (or unplug-all), sent with the
 *	next one
 * @handling_calls: the number of those calls
 * @free_ns: the worker's time punching since the last VMRPC_MEM_DONE (or
 *	unplug-all), sent with the next one
 * @punch: the unplugged ranges whose holes the worker punches after the
 *	reply (memory-punch.h)
 */
struct zhostd_memory {
	pthread_mutex_t lock;
	int memfd;
	struct vmrpc_host_data_area area;
	uint64_t nr_sb;
	uint8_t *map;
	uint64_t nr_plugged;
	struct zhostd_memory_info info;
	bool allow_ask;
	void (*on_event)(void *opaque, const struct zhostd_memory_event *ev);
	void *opaque;
	uint64_t spare_offset;
	uint64_t spare_size;
	uint64_t enforce_next;
	bool hugetlb;
	bool short_logged;
	uint64_t fill_failed;
	struct zhostd_pin *pin;
	uint64_t handling_ns;
	uint64_t handling_calls;
	uint64_t free_ns;
	struct zhostd_punch punch;
};

/**
 * zhostd_memory_init() - set up the backend, nothing plugged
 * @m: the backend
 * @memfd: the VM's memfd (not owned)
 * @area: its data area
 * @requested: initial requested size in bytes
 * @max: ceiling in bytes
 * @err: on failure, why
 * @errlen: size of @err
 *
 * @requested and @max must be multiples of the subblock size with
 * @requested <= @max <= the data area size.
 *
 * Return: 0, -EINVAL with @err set, or -ENOMEM.
 */
int zhostd_memory_init(struct zhostd_memory *m, int memfd,
		       const struct vmrpc_host_data_area *area,
		       uint64_t requested, uint64_t max, char *err,
		       size_t errlen);

/* Free what zhostd_memory_init() allocated. */
void zhostd_memory_destroy(struct zhostd_memory *m);

/**
 * zhostd_memory_serve() - the vmrpc_handler_fn of VMRPC_MOD_MEM
 * @opaque: the struct zhostd_memory
 * @proc: VMRPC_MEM_*
 * @req: validated private copy of the request
 * @req_len: its length
 * @resp: reply buffer
 * @resp_cap: its size
 * @resp_len: set to the reply length
 *
 * Return: VMRPC_OK or a VMRPC_E* status.
 */
uint32_t zhostd_memory_serve(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len);

/**
 * zhostd_memory_reset() - the VM is gone: unplug everything, free the host
 * memory of the whole data area
 * @m: the backend
 *
 * Return: 0 or a negative errno from fallocate().
 */
int zhostd_memory_reset(struct zhostd_memory *m);

/**
 * zhostd_memory_set_requested() - change the size the guest should have
 * @m: the backend
 * @bytes: the new requested size: a multiple of the subblock size, at
 *	most the maximum
 * @err: on failure, why
 * @errlen: size of @err
 *
 * Plugs beyond the new size are refused from now on; telling the guest is
 * the caller's job (VMRPC_MEM_SET_REQUESTED).
 *
 * Return: 0 or -EINVAL with @err set.
 */
int zhostd_memory_set_requested(struct zhostd_memory *m, uint64_t bytes,
				char *err, size_t errlen);

/**
 * struct zhostd_memory_check - what zhostd_memory_check_memfd() found
 * @unplugged_backed: bytes of host memory behind subblocks zhostd counts
 *	as unplugged (must be 0). With hugetlb only the allocated bytes
 *	beyond the plugged size, a lower bound: a plugged subblock holds
 *	pages only where the guest touched it
 * @first_bad: the first such subblock, when there is one;
 *	ZHOSTD_MEMORY_FIRST_UNKNOWN with hugetlb, where it cannot be told
 */
#define ZHOSTD_MEMORY_FIRST_UNKNOWN	UINT64_MAX

struct zhostd_memory_check {
	uint64_t unplugged_backed;
	uint64_t first_bad;
};

/**
 * zhostd_memory_check_memfd() - is any unplugged subblock backed?
 * @m: the backend
 * @c: filled in
 *
 * Return: 0 or a negative errno from lseek().
 */
int zhostd_memory_check_memfd(struct zhostd_memory *m,
			      struct zhostd_memory_check *c);

/**
 * zhostd_memory_compare() - compare the guest's plugged map with ours
 * @m: the backend
 * @first: first subblock of @bits
 * @count: subblocks in @bits
 * @bits: the guest's map (VMRPC_MEM_MAP layout)
 * @first_diff: set to the first subblock that differs, when one does
 *
 * Return: the number of subblocks that differ.
 */
uint64_t zhostd_memory_compare(struct zhostd_memory *m, uint64_t first,
			       uint64_t count, const uint8_t *bits,
			       uint64_t *first_diff);

/**
 * zhostd_memory_set_pin() - pin and unpin with the plugged map
 * @m: the backend
 * @pin: the pinned set, initialized for the same data area
 *
 * From now on a plug calls zhostd_pin_plugged_locked() and an unplug or
 * reset zhostd_pin_unplugging_locked() before it punches. Call before the
 * guest's calls are served.
 */
void zhostd_memory_set_pin(struct zhostd_memory *m, struct zhostd_pin *pin);

/**
 * zhostd_memory_locked() - run @fn under the backend's lock
 * @m: the backend
 * @fn: called once, with @arg and the plugged map (one byte per subblock,
 *	1 when plugged; valid during the call only)
 * @arg: for @fn
 *
 * For pin-serve.c: the pinned set changes only while the map cannot.
 * @fn must not call back into @m.
 */
void zhostd_memory_locked(struct zhostd_memory *m,
			  void (*fn)(void *arg, const uint8_t *plugged),
			  void *arg);

/**
 * zhostd_memory_set_hugetlb() - the memfd is hugetlb
 * @m: the backend
 *
 * From now on a plug reserves a huge page for every page of its
 * subblocks that has none (memory-hugetlb.h) and fails with
 * VMRPC_ENOMEM, leaving nothing reserved, when the pool is short: a
 * fault on a hole with no reservation would be QEMU's SIGBUS. An unplug
 * and a reset fill the subblocks that were plugged before they punch, so
 * that no reservation of a page the guest never touched outlives them.
 * Call before the guest's calls are served and after
 * zhostd_memory_set_spare(): the host's own pages of the control area,
 * before the spare range, are not counted as data-area memory.
 */
void zhostd_memory_set_hugetlb(struct zhostd_memory *m);

/**
 * zhostd_memory_allocated() - bytes allocated in [@start, @end) of a memfd
 * @fd: a shmem memfd (lseek SEEK_DATA/SEEK_HOLE)
 * @start: first byte
 * @end: end
 * @bytes: set to the bytes allocated
 *
 * For memory-enforce.c too. Not for hugetlb, where every byte is data.
 *
 * Return: 0 or a negative errno from lseek().
 */
int zhostd_memory_allocated(int fd, off_t start, off_t end, uint64_t *bytes);

/* Names for logs and the control protocol. */
const char *zhostd_memory_change_name(enum zhostd_memory_change what);
/* zh_mem_reason_name() (mem-names.h); goes once events.c calls that. */
const char *zhostd_memory_reason_name(uint32_t reason);

/* Subblocks in the data area. */
uint64_t zhostd_memory_nr_subblocks(const struct zhostd_memory *m);

/* Offset in the memfd of subblock @i (the data area's end for nr_sb). */
static inline off_t zhostd_memory_sb_offset(const struct zhostd_memory *m,
					    uint64_t i)
{
	return (off_t)(m->area.offset + i * m->area.subblock_size);
}

/* A consistent snapshot. */
void zhostd_memory_get(struct zhostd_memory *m,
		       struct zhostd_memory_info *info);

/**
 * zhostd_memory_backed() - bytes of host memory behind the data area
 * @m: the backend
 * @bytes: set to the bytes allocated in the memfd's data area
 *
 * Return: 0 or a negative errno from lseek().
 */
int zhostd_memory_backed(struct zhostd_memory *m, uint64_t *bytes);

/**
 * zhostd_memory_adopt() - take the guest's plugged map after a restart
 * @m: the backend, nothing plugged yet
 * @bits: the guest's map of every subblock (VMRPC_MEM_MAP layout: bit
 *	i % 8 of byte i / 8 is subblock i)
 * @err: why, on failure
 * @errlen: size of @err
 *
 * The requested size becomes the plugged size; with --lock-all the
 * plugged subblocks are locked. Nothing is punched: the memory guard
 * frees what lies behind unplugged subblocks, as it always does. On
 * hugetlb nothing is reserved again either: the plugged subblocks'
 * reservations live in the file, which QEMU kept open. Those of punches
 * the dead zhostd had queued stay until QEMU exits (the guard punches
 * without a fill; Documentation/design/huge-pages.rst, zhostd restarts).
 *
 * Return: 0, or -EPROTO (more plugged than the maximum) or -EBUSY with
 * @err set and nothing changed.
 */
int zhostd_memory_adopt(struct zhostd_memory *m, const uint8_t *bits,
			char *err, size_t errlen);

#endif /* ZHOSTD_MEMORY_H */
