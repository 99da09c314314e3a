// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pinned set of one VM; see pin.h.
 */
#include <errno.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "pin.h"

int zhostd_pin_init(struct zhostd_pin *p, int memfd,
		    const struct vmrpc_host_data_area *area,
		    uint64_t max_pinned, bool lock_all)
{
	void *base;

	memset(p, 0, sizeof(*p));
	p->sb_size = area->subblock_size;
	p->nr_sb = area->size / area->subblock_size;
	p->max_sb = max_pinned == ZHOSTD_PIN_NO_CEILING ? UINT64_MAX :
		    max_pinned / p->sb_size;
	p->lock_all = lock_all;
	p->state = calloc(p->nr_sb ? p->nr_sb : 1, 1);
	if (!p->state)
		return -ENOMEM;
	/*
	 * Read-only and never touched: only mlock() faults pages in here, so
	 * zhostd maps exactly what it locks and cannot write guest memory.
	 * MAP_NORESERVE: on a hugetlb memfd the mapping would otherwise
	 * reserve a huge page for every hole in the data area.
	 */
	base = mmap(NULL, area->size, PROT_READ, MAP_SHARED | MAP_NORESERVE,
		    memfd, (off_t)area->offset);
	if (base == MAP_FAILED) {
		int ret = -errno;

		free(p->state);
		p->state = NULL;
		return ret;
	}
	p->base = base;
	return 0;
}

void zhostd_pin_destroy(struct zhostd_pin *p)
{
	if (p->base)
		munmap(p->base, p->nr_sb * p->sb_size);
	free(p->state);
	p->base = NULL;
	p->state = NULL;
}

/* Whether this process holds CAP_IPC_LOCK in its effective set. */
static bool has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &
	       CAP_TO_MASK(CAP_IPC_LOCK);
}

/*
 * Why mlock() failed with @err: RLIMIT_MEMLOCK binds only a process
 * without CAP_IPC_LOCK and with a finite limit; anything else is an error.
 */
static uint32_t lock_reason(int err)
{
	struct rlimit rl;

	if ((err == ENOMEM || err == EAGAIN || err == EPERM) &&
	    !getrlimit(RLIMIT_MEMLOCK, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    !has_cap_ipc_lock())
		return VMRPC_PIN_R_RLIMIT;
	return VMRPC_PIN_R_ERROR;
}

/*
 * mlock() and munlock() through syscall(): AddressSanitizer intercepts
 * the libc functions and ignores them, and the unit tests run under it.
 */
static int sys_mlock(const void *addr, size_t len)
{
	return (int)syscall(SYS_mlock, addr, len);
}

static int sys_munlock(const void *addr, size_t len)
{
	return (int)syscall(SYS_munlock, addr, len);
}

static void *sb_addr(const struct zhostd_pin *p, uint64_t i)
{
	return p->base + i * p->sb_size;
}

/* Drop subblock @i from zhostd's page tables: unlocked, then unmapped. */
static void sb_unlock(struct zhostd_pin *p, uint64_t i)
{
	if (sys_munlock(sb_addr(p, i), p->sb_size) |
	    madvise(sb_addr(p, i), p->sb_size, MADV_DONTNEED))
		p->st.unlock_failures++;
	if (p->state[i] & ZHOSTD_PIN_LOCKED) {
		p->state[i] &= ~ZHOSTD_PIN_LOCKED;
		p->nr_locked--;
	}
}

/* Lock subblock @i unless it is: 0 or a negative errno from mlock(). */
static int sb_lock(struct zhostd_pin *p, uint64_t i)
{
	int ret;

	if (p->state[i] & ZHOSTD_PIN_LOCKED)
		return 0;
	if (!sys_mlock(sb_addr(p, i), p->sb_size)) {
		p->state[i] |= ZHOSTD_PIN_LOCKED;
		p->nr_locked++;
		return 0;
	}
	ret = -errno;
	p->st.lock_failures++;
	p->st.last_error = -ret;
	/* A part may have been faulted in (EAGAIN): leave nothing behind. */
	sb_unlock(p, i);
	return ret;
}

/* Set or clear @bit of subblock @i, keeping its count. */
static void sb_mark(struct zhostd_pin *p, uint64_t i, uint8_t bit, bool on,
		    uint64_t *count)
{
	if (!!(p->state[i] & bit) == on)
		return;
	p->state[i] ^= bit;
	if (on)
		(*count)++;
	else
		(*count)--;
}

void zhostd_pin_plugged_locked(struct zhostd_pin *p, uint64_t first,
			       uint64_t count)
{
	int ret;

	if (!p->lock_all)
		return;
	for (uint64_t i = first; i < first + count; i++) {
		ret = sb_lock(p, i);
		sb_mark(p, i, ZHOSTD_PIN_LOCK_MISSING, ret != 0, &p->nr_missing);
		if (ret && !p->warned) {
			/* Once: the guest's plugs must not flood the log. */
			p->warned = true;
			zlog_warn("--lock-all: cannot lock subblock %llu: %s (%s); further failures are counted in query-status",
				  (unsigned long long)i, strerror(-ret),
				  lock_reason(-ret) == VMRPC_PIN_R_RLIMIT ?
				  "RLIMIT_MEMLOCK reached" : "error");
		}
	}
}

void zhostd_pin_unplugging_locked(struct zhostd_pin *p, uint64_t first,
				  uint64_t count)
{
	for (uint64_t i = first; i < first + count; i++) {
		if (!p->state[i])
			continue;
		if (p->state[i] & ZHOSTD_PIN_LOCKED)
			sb_unlock(p, i);
		sb_mark(p, i, ZHOSTD_PIN_GUEST, false, &p->nr_guest);
		sb_mark(p, i, ZHOSTD_PIN_SHORT, false, &p->nr_short);
		sb_mark(p, i, ZHOSTD_PIN_LOCK_MISSING, false, &p->nr_missing);
	}
}

static void unpin_run(struct zhostd_pin *p, const uint8_t *plugged,
		      const struct zh_pin_run *run)
{
	for (uint64_t i = run->first; i < run->first + run->count; i++) {
		sb_mark(p, i, ZHOSTD_PIN_SHORT, false, &p->nr_short);
		if (!(p->state[i] & ZHOSTD_PIN_GUEST))
			continue;
		sb_mark(p, i, ZHOSTD_PIN_GUEST, false, &p->nr_guest);
		/* --lock-all keeps a plugged subblock locked. */
		if (!(p->lock_all && plugged[i]))
			sb_unlock(p, i);
	}
}

bool zhostd_pin_apply_locked(struct zhostd_pin *p, const uint8_t *plugged,
			     const struct zh_pin_run *run,
			     struct zhostd_pin_refusal *res)
{
	uint64_t i = run->first, end = run->first + run->count;
	int ret = 0;

	*res = (struct zhostd_pin_refusal){
		.first = run->first, .count = run->count,
		.done = run->count, .reason = VMRPC_PIN_R_NONE,
	};
	if (!run->pin) {
		p->st.unpin_runs++;
		unpin_run(p, plugged, run);
		return false;
	}
	p->st.pin_runs++;
	for (; i < end; i++) {
		if (p->state[i] & ZHOSTD_PIN_GUEST)
			continue;
		if (!p->max_sb) {
			res->reason = VMRPC_PIN_R_DISABLED;
			break;
		}
		if (!plugged[i]) {
			res->reason = VMRPC_PIN_R_NOT_PLUGGED;
			break;
		}
		if (p->nr_guest >= p->max_sb) {
			res->reason = VMRPC_PIN_R_CEILING;
			break;
		}
		ret = sb_lock(p, i);
		if (ret) {
			res->reason = lock_reason(-ret);
			res->error = -ret;
			break;
		}
		sb_mark(p, i, ZHOSTD_PIN_LOCK_MISSING, false, &p->nr_missing);
		sb_mark(p, i, ZHOSTD_PIN_GUEST, true, &p->nr_guest);
		sb_mark(p, i, ZHOSTD_PIN_SHORT, false, &p->nr_short);
	}
	if (i == end)
		return false;
	res->done = (uint32_t)(i - run->first);
	res->bytes = (end - i) * p->sb_size;
	/* What was asked and not pinned is the shortfall until asked again. */
	for (; i < end; i++)
		if (!(p->state[i] & ZHOSTD_PIN_GUEST))
			sb_mark(p, i, ZHOSTD_PIN_SHORT, true, &p->nr_short);
	p->st.refused_runs++;
	p->st.refused_bytes += res->bytes;
	p->st.last_reason = res->reason;
	p->st.last_refusal_error = res->error;
	return true;
}

void zhostd_pin_count_call_locked(struct zhostd_pin *p, bool bad)
{
	if (bad)
		p->st.bad_calls++;
	else
		p->st.updates++;
}

void zhostd_pin_get_locked(const struct zhostd_pin *p,
			   struct zhostd_pin_info *info)
{
	*info = (struct zhostd_pin_info){
		.subblock_size = p->sb_size,
		.max_pinned = p->max_sb == UINT64_MAX ? ZHOSTD_PIN_NO_CEILING :
			      p->max_sb * p->sb_size,
		.lock_all = p->lock_all,
		.guest_pinned = p->nr_guest * p->sb_size,
		.locked = p->nr_locked * p->sb_size,
		.shortfall = p->nr_short * p->sb_size,
		.lock_all_missing = p->nr_missing * p->sb_size,
		.stats = p->st,
	};
}

size_t zhostd_pin_ranges_locked(const struct zhostd_pin *p,
				struct zhostd_pin_range *out, size_t max)
{
	size_t n = 0;

	for (uint64_t i = 0; i < p->nr_sb; i++) {
		uint64_t j = i + 1;

		if (!p->state[i])
			continue;
		while (j < p->nr_sb && p->state[j] == p->state[i])
			j++;
		if (n < max)
			out[n] = (struct zhostd_pin_range){
				.first = i, .count = j - i, .state = p->state[i],
			};
		n++;
		i = j - 1;
	}
	return n;
}

const void *zhostd_pin_mapping(const struct zhostd_pin *p)
{
	return p->base;
}

bool zhostd_pin_held_locked(const struct zhostd_pin *p, uint64_t sb)
{
	return p->state && sb < p->nr_sb &&
	       (p->state[sb] & (ZHOSTD_PIN_GUEST | ZHOSTD_PIN_LOCKED));
}
