// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory backend; see memory.h. Every request from the guest is
 * checked against the data area and the host's map before anything
 * happens: ranges must lie inside the data area and a plug must name
 * unplugged subblocks and stay within the requested size. An unplug may
 * name subblocks already unplugged: a guest whose reply got lost repeats
 * it, and punching an empty range again costs nothing; such subblocks are
 * counted (unplug_unplugged), so a guest that does it on purpose shows.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "mem-names.h"
#include "memory-hugetlb.h"
#include "memory-punch.h"
#include "memory.h"

/* The largest errno a Linux guest can report (MAX_ERRNO in the kernel). */
#define MEMORY_ERRNO_MAX	4095

int zhostd_memory_init(struct zhostd_memory *m, int memfd,
		       const struct vmrpc_host_data_area *area,
		       uint64_t requested, uint64_t max, char *err,
		       size_t errlen)
{
	const uint64_t sb = area->subblock_size;

	if (requested % sb || max % sb) {
		snprintf(err, errlen, "sizes must be multiples of the %llu MiB subblock size",
			 (unsigned long long)(sb >> 20));
		return -EINVAL;
	}
	if (max > area->size) {
		snprintf(err, errlen, "the maximum (%llu MiB) exceeds the data area (%llu MiB); use a larger --bar-size",
			 (unsigned long long)(max >> 20),
			 (unsigned long long)(area->size >> 20));
		return -EINVAL;
	}
	if (requested > max) {
		snprintf(err, errlen, "the initial size (%llu MiB) exceeds the maximum (%llu MiB)",
			 (unsigned long long)(requested >> 20),
			 (unsigned long long)(max >> 20));
		return -EINVAL;
	}
	memset(m, 0, sizeof(*m));
	pthread_mutex_init(&m->lock, NULL);
	m->memfd = memfd;
	m->area = *area;
	m->nr_sb = area->size / sb;
	m->map = calloc(m->nr_sb, 1);
	if (!m->map)
		return -ENOMEM;
	m->info.requested = requested;
	m->info.max = max;
	memory_punch_init(m);
	return 0;
}

void zhostd_memory_destroy(struct zhostd_memory *m)
{
	memory_punch_destroy(m);
	free(m->map);
	m->map = NULL;
	pthread_mutex_destroy(&m->lock);
}

/*
 * Parse a vmrpc_mem_range; the range must be inside the data area and, for
 * @want 0, all its subblocks unplugged (@want 2: any state).
 */
static uint32_t memory_check_range(struct zhostd_memory *m, const void *req,
				   uint32_t req_len, uint8_t want,
				   uint64_t *first, uint64_t *count)
{
	struct vmrpc_mem_range r;

	if (req_len != sizeof(r))
		return VMRPC_EINVAL;
	memcpy(&r, req, sizeof(r));
	*first = le64toh(r.first);
	*count = le32toh(r.count);
	if (r.reserved || !*count || *first >= m->nr_sb ||
	    *count > m->nr_sb - *first)
		return VMRPC_EINVAL;
	for (uint64_t i = *first; want != 2 && i < *first + *count; i++)
		if (m->map[i] != want)
			return VMRPC_EINVAL;
	return VMRPC_OK;
}

/*
 * VMRPC_MEM_HOST_MAP: which subblocks of the range the host backs. Bounded
 * by the reply's size, so one call costs at most a slot's worth of bits.
 */
static uint32_t memory_host_map(struct zhostd_memory *m, const void *req,
				uint32_t req_len, void *resp, uint32_t resp_cap,
				uint32_t *resp_len)
{
	uint8_t *bits = resp;
	uint64_t first, count;
	uint32_t st, len;

	st = memory_check_range(m, req, req_len, 2, &first, &count);
	if (st != VMRPC_OK)
		return st;
	len = (uint32_t)((count + 7) / 8);
	if (len > resp_cap)
		return VMRPC_EINVAL;
	memset(bits, 0, len);
	for (uint64_t i = 0; i < count; i++)
		if (m->map[first + i])
			bits[i / 8] |= (uint8_t)(1u << (i % 8));
	m->info.host_map_calls++;
	*resp_len = len;
	return VMRPC_OK;
}

static uint32_t memory_plug(struct zhostd_memory *m, const void *req,
			    uint32_t req_len, uint64_t *first, uint64_t *count)
{
	const uint64_t sb = m->area.subblock_size;
	uint32_t st;
	int ret;

	/*
	 * A punch still queued for these subblocks would free what the guest
	 * writes after the plug: wait for it, then look at the map afresh.
	 */
	st = memory_check_range(m, req, req_len, 2, first, count);
	if (st)
		return st;
	memory_punch_wait_locked(m, *first, *count);
	st = memory_check_range(m, req, req_len, 0, first, count);
	if (st)
		return st;
	m->info.plug_calls++;
	if ((m->nr_plugged + *count) * sb > m->info.requested) {
		m->info.plug_refused++;
		return VMRPC_EPERM;
	}
	/*
	 * hugetlb: a huge page reserved for every page of the subblocks, or
	 * the plug is refused; QEMU's first fault takes its page from it.
	 */
	ret = m->hugetlb ? memory_hugetlb_reserve(m, *first, *count) : 0;
	if (ret) {
		m->info.plug_no_memory++;
		m->info.plug_error = -ret;
		/* Once per shortage: the guest retries as long as it wants. */
		if (!m->short_logged)
			zlog_warn("cannot reserve %llu MiB of huge pages for the guest's plug: %s%s",
				  (unsigned long long)(*count * sb >> 20),
				  strerror(-ret),
				  ret == -ENOMEM ? " (the hugetlb pool has too few free pages to reserve: see nr_hugepages)" : "");
		m->short_logged = true;
		return VMRPC_ENOMEM;
	}
	m->short_logged = false;
	memset(m->map + *first, 1, *count);
	m->nr_plugged += *count;
	if (m->pin)
		zhostd_pin_plugged_locked(m->pin, *first, *count);
	return VMRPC_OK;
}

static uint32_t memory_unplug(struct zhostd_memory *m, const void *req,
			      uint32_t req_len, uint64_t *first,
			      uint64_t *count)
{
	uint32_t st;
	int ret;

	st = memory_check_range(m, req, req_len, 2, first, count);
	if (st)
		return st;
	m->info.unplug_calls++;
	/* Out of zhostd's page tables before the pages go. */
	if (m->pin)
		zhostd_pin_unplugging_locked(m->pin, *first, *count);
	/*
	 * The guest has let go: answer now, free while it goes on (the map
	 * still says which subblocks were plugged: those are filled first on
	 * hugetlb).
	 */
	ret = memory_punch_later_locked(m, *first, *count);
	if (ret) {
		/* Still counted as plugged: the guest may retry. */
		zlog_err("cannot free subblocks %llu+%llu: %s",
			 (unsigned long long)*first, (unsigned long long)*count,
			 strerror(-ret));
		return VMRPC_EIO;
	}
	for (uint64_t i = *first; i < *first + *count; i++) {
		m->info.unplug_unplugged += !m->map[i];
		m->nr_plugged -= m->map[i];
		m->map[i] = 0;
	}
	return VMRPC_OK;
}

/* The guest asks for @req more bytes: grant what the maximum allows. */
static uint32_t memory_ask(struct zhostd_memory *m, const void *req,
			   uint32_t req_len, void *resp, uint32_t resp_cap,
			   uint32_t *resp_len, struct zhostd_memory_event *ev)
{
	const uint64_t sb = m->area.subblock_size;
	struct vmrpc_mem_request r;

	if (req_len != sizeof(r) || resp_cap < sizeof(r))
		return VMRPC_EINVAL;
	memcpy(&r, req, sizeof(r));
	if (r.reserved)
		return VMRPC_EINVAL;
	m->info.asks++;
	/* Granted or not, the guest is short now: the policy holds back. */
	m->info.last_ask_ns = (int64_t)zh_now_ns();
	ev->asked = le64toh(r.requested_size);
	ev->granted = 0;
	if (m->allow_ask && m->info.requested < m->info.max) {
		ev->granted = m->info.max - m->info.requested;
		if (ev->asked < ev->granted)
			ev->granted = (ev->asked + sb - 1) / sb * sb;
		if (ev->granted > m->info.max - m->info.requested)
			ev->granted = m->info.max - m->info.requested;
	}
	if (!ev->granted)
		return VMRPC_EPERM;
	m->info.asks_granted++;
	m->info.requested += ev->granted;
	memset(&r, 0, sizeof(r));
	r.requested_size = htole64(m->info.requested);
	memcpy(resp, &r, sizeof(r));
	*resp_len = sizeof(r);
	return VMRPC_OK;
}

/*
 * The guest's stages in host order; false when they are none (all zero:
 * a guest before ABI 1.7) or impossible: the stages inside the worker's
 * run summed (in 64 bits: each may be U32_MAX) beyond that run, unless the
 * run itself saturated and says nothing of its parts. The queueing delay
 * (wait_us) lies before the run, and counts (host_calls, steps) are no
 * time.
 */
static bool memory_stages_parse(const struct vmrpc_mem_stages *in,
				struct zhostd_memory_stages *out, bool *bad)
{
	uint64_t parts;

	*out = (struct zhostd_memory_stages){
		.total_us = le32toh(in->total_us),
		.wait_us = le32toh(in->wait_us),
		.host_us = le32toh(in->host_us),
		.host_calls = le32toh(in->host_calls),
		.isolate_us = le32toh(in->isolate_us),
		.offline_us = le32toh(in->offline_us),
		.online_us = le32toh(in->online_us),
		.add_us = le32toh(in->add_us),
		.watermarks_us = le32toh(in->watermarks_us),
		.steps = le32toh(in->steps),
	};
	parts = (uint64_t)out->host_us + out->isolate_us + out->offline_us +
		out->online_us + out->add_us + out->watermarks_us;
	*bad = parts > out->total_us && out->total_us != UINT32_MAX;
	return !*bad && (parts || out->total_us || out->wait_us ||
			 out->host_calls || out->steps);
}

/* How a resize ended, as the guest says: kept for query-memory. */
static uint32_t memory_done(struct zhostd_memory *m, const void *req,
			    uint32_t req_len, struct zhostd_memory_event *ev)
{
	struct zhostd_memory_stages stages;
	struct vmrpc_mem_done d;
	bool has_stages, bad;
	uint64_t waited;

	if (req_len != sizeof(d))
		return VMRPC_EINVAL;
	/* RESIZE_DONE says the host memory is free: make it so first. */
	waited = zh_now_ns();
	memory_punch_wait_locked(m, 0, m->nr_sb);
	waited = zh_now_ns() - waited;
	memcpy(&d, req, sizeof(d));
	has_stages = memory_stages_parse(&d.stages, &stages, &bad);
	/*
	 * Numbers no guest can have reached are refused, not shown: sizes past
	 * the data area, a plugged size that is no number of subblocks, an
	 * errno past the kernel's largest, stages longer than the resize. An
	 * unknown reason passes: a newer guest may know more of them.
	 */
	if (le64toh(d.requested_size) > m->area.size ||
	    le64toh(d.plugged_size) > m->area.size ||
	    le64toh(d.plugged_size) % m->area.subblock_size ||
	    le32toh(d.error) > MEMORY_ERRNO_MAX || bad)
		return VMRPC_EINVAL;
	stages.zhostd_us = m->handling_ns / 1000;
	stages.zhostd_calls = m->handling_calls;
	stages.free_us = m->free_ns / 1000;
	stages.free_wait_us = waited / 1000;
	m->handling_ns = 0;
	m->handling_calls = 0;
	m->free_ns = 0;
	m->info.done = (struct zhostd_memory_done){
		.requested = le64toh(d.requested_size),
		.plugged = le64toh(d.plugged_size),
		.reason = le32toh(d.reason),
		.error = le32toh(d.error),
		.has_stages = has_stages,
		.stages = stages,
	};
	m->info.done_seq++;
	ev->done = m->info.done;
	ev->done_seq = m->info.done_seq;
	return VMRPC_OK;
}

/* Unplug everything; call with the lock held. */
static int memory_reset_locked(struct zhostd_memory *m)
{
	int ret;

	if (m->pin)
		zhostd_pin_unplugging_locked(m->pin, 0, m->nr_sb);
	memory_punch_wait_locked(m, 0, m->nr_sb);
	/*
	 * hugetlb: the plugged runs are filled so that the punch drops their
	 * reservations too; the rest keeps QEMU's (memory-hugetlb.h).
	 */
	if (m->hugetlb)
		memory_hugetlb_fill_plugged_locked(m);
	ret = memory_punch(m, 0, m->nr_sb);

	if (ret)
		return ret;
	memset(m->map, 0, m->nr_sb);
	m->nr_plugged = 0;
	/* A guest starting afresh: its next resize is the first. */
	m->handling_ns = 0;
	m->handling_calls = 0;
	m->free_ns = 0;
	return 0;
}

uint32_t zhostd_memory_serve(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len)
{
	struct zhostd_memory *m = opaque;
	struct zhostd_memory_event ev = { .what = ZHOSTD_MEM_PLUGGED };
	/* The lock wait counts: it is part of what the guest waits for. */
	const uint64_t start = zh_now_ns();
	struct vmrpc_mem_config cfg;
	uint64_t took;
	uint32_t st;

	*resp_len = 0;
	pthread_mutex_lock(&m->lock);
	switch (proc) {
	case VMRPC_MEM_CONFIG:
		if (req_len || resp_cap < sizeof(cfg)) {
			st = VMRPC_EINVAL;
			break;
		}
		memset(&cfg, 0, sizeof(cfg));
		cfg.requested_size = htole64(m->info.requested);
		cfg.max_size = htole64(m->info.max);
		cfg.flags = htole32(VMRPC_MEM_CFG_STAGES);
		memcpy(resp, &cfg, sizeof(cfg));
		*resp_len = sizeof(cfg);
		pthread_mutex_unlock(&m->lock);
		return VMRPC_OK;
	case VMRPC_MEM_PLUG:
		st = memory_plug(m, req, req_len, &ev.first, &ev.count);
		break;
	case VMRPC_MEM_UNPLUG:
		ev.what = ZHOSTD_MEM_UNPLUGGED;
		st = memory_unplug(m, req, req_len, &ev.first, &ev.count);
		break;
	case VMRPC_MEM_UNPLUG_ALL:
		ev.what = ZHOSTD_MEM_RESET;
		if (req_len) {
			st = VMRPC_EINVAL;
			break;
		}
		m->info.unplug_calls++;
		ev.count = m->nr_sb;
		st = memory_reset_locked(m) ? VMRPC_EIO : VMRPC_OK;
		break;
	case VMRPC_MEM_ASK:
		ev.what = ZHOSTD_MEM_ASKED;
		st = memory_ask(m, req, req_len, resp, resp_cap, resp_len, &ev);
		break;
	case VMRPC_MEM_DONE:
		ev.what = ZHOSTD_MEM_DONE;
		st = memory_done(m, req, req_len, &ev);
		break;
	case VMRPC_MEM_HOST_MAP:
		st = memory_host_map(m, req, req_len, resp, resp_cap, resp_len);
		if (st == VMRPC_EINVAL)
			m->info.bad_calls++;
		pthread_mutex_unlock(&m->lock);
		return st;
	default:
		pthread_mutex_unlock(&m->lock);
		return VMRPC_ENOPROC;
	}
	if (st == VMRPC_EINVAL)
		m->info.bad_calls++;
	ev.plugged = m->nr_plugged * m->area.subblock_size;
	ev.requested = m->info.requested;
	pthread_mutex_unlock(&m->lock);

	/* A refused ask is news too: it is the host's policy speaking. */
	if (m->on_event && (st == VMRPC_OK ||
			    (st == VMRPC_EPERM && ev.what == ZHOSTD_MEM_ASKED)))
		m->on_event(m->opaque, &ev);

	/*
	 * Sent with the next DONE; added before the reply goes, so the DONE
	 * the guest sends after it finds it there.
	 */
	if (proc == VMRPC_MEM_PLUG || proc == VMRPC_MEM_UNPLUG) {
		took = zh_now_ns() - start;
		pthread_mutex_lock(&m->lock);
		m->handling_ns += took;
		m->handling_calls++;
		pthread_mutex_unlock(&m->lock);
	}
	return st;
}

int zhostd_memory_set_requested(struct zhostd_memory *m, uint64_t bytes,
				char *err, size_t errlen)
{
	struct zhostd_memory_event ev = { .what = ZHOSTD_MEM_REQUESTED };

	if (bytes % m->area.subblock_size) {
		snprintf(err, errlen, "%llu bytes is not a multiple of the %llu MiB subblock size",
			 (unsigned long long)bytes,
			 (unsigned long long)(m->area.subblock_size >> 20));
		return -EINVAL;
	}
	pthread_mutex_lock(&m->lock);
	if (bytes > m->info.max) {
		pthread_mutex_unlock(&m->lock);
		snprintf(err, errlen, "%llu MiB is above the maximum, %llu MiB (zhostd --max)",
			 (unsigned long long)(bytes >> 20),
			 (unsigned long long)(m->info.max >> 20));
		return -EINVAL;
	}
	m->info.requested = bytes;
	ev.requested = bytes;
	ev.plugged = m->nr_plugged * m->area.subblock_size;
	pthread_mutex_unlock(&m->lock);
	if (m->on_event)
		m->on_event(m->opaque, &ev);
	return 0;
}

int zhostd_memory_reset(struct zhostd_memory *m)
{
	int ret;

	struct zhostd_memory_event ev = { .what = ZHOSTD_MEM_RESET };

	pthread_mutex_lock(&m->lock);
	ret = memory_reset_locked(m);
	ev.count = m->nr_sb;
	ev.requested = m->info.requested;
	pthread_mutex_unlock(&m->lock);
	if (!ret && m->on_event)
		m->on_event(m->opaque, &ev);
	return ret;
}

void zhostd_memory_get(struct zhostd_memory *m,
		       struct zhostd_memory_info *info)
{
	pthread_mutex_lock(&m->lock);
	*info = m->info;
	info->plugged = m->nr_plugged * m->area.subblock_size;
	pthread_mutex_unlock(&m->lock);
	info->offset = m->area.offset;
	info->size = m->area.size;
	info->subblock_size = m->area.subblock_size;
}

int zhostd_memory_allocated(int fd, off_t start, off_t end, uint64_t *bytes)
{
	off_t pos = start, data, hole;

	*bytes = 0;
	while (pos < end) {
		data = lseek(fd, pos, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;
		if (data >= end)
			break;
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > end)
			hole = end;
		*bytes += (uint64_t)(hole - data);
		pos = hole;
	}
	return 0;
}

/*
 * hugetlb: the file's blocks less the host's own pages (superblock and
 * slots, up to the spare range). What a guest wrote into the spare range
 * counts until the memory guard frees it.
 */
static int memory_hugetlb_backed(struct zhostd_memory *m, uint64_t *bytes)
{
	struct stat st;
	uint64_t all;

	if (fstat(m->memfd, &st))
		return -errno;
	all = (uint64_t)st.st_blocks * 512;
	*bytes = all > m->spare_offset ? all - m->spare_offset : 0;
	return 0;
}

int zhostd_memory_backed(struct zhostd_memory *m, uint64_t *bytes)
{
	/* What is left once the punches queued by now have returned. */
	pthread_mutex_lock(&m->lock);
	memory_punch_wait_locked(m, 0, m->nr_sb);
	pthread_mutex_unlock(&m->lock);
	if (m->hugetlb)
		return memory_hugetlb_backed(m, bytes);
	return zhostd_memory_allocated(m->memfd, (off_t)m->area.offset,
				       (off_t)(m->area.offset + m->area.size),
				       bytes);
}

void zhostd_memory_set_hugetlb(struct zhostd_memory *m)
{
	pthread_mutex_lock(&m->lock);
	m->hugetlb = true;
	pthread_mutex_unlock(&m->lock);
}

/*
 * hugetlb: which subblock holds memory cannot be asked without touching
 * it. A plugged subblock is only reserved until the guest touches it, so
 * it holds between none and all of its pages: allocated bytes beyond the
 * plugged bytes are behind unplugged subblocks for certain, and that
 * excess is what check reports, a lower bound. Memory behind unplugged
 * subblocks no larger than what the guest left untouched in its plugged
 * ones is not seen here; the memory guard's punch finds it.
 */
static int memory_hugetlb_check(struct zhostd_memory *m,
				struct zhostd_memory_check *c)
{
	uint64_t backed, plugged;
	int ret;

	/*
	 * Under the lock, the plugged count stable. What a guest queued
	 * while we waited for the earlier punches is being freed: counted
	 * with the plugged bytes, not as a violation.
	 */
	pthread_mutex_lock(&m->lock);
	memory_punch_wait_locked(m, 0, m->nr_sb);
	ret = memory_hugetlb_backed(m, &backed);
	plugged = m->nr_plugged * m->area.subblock_size +
		  m->info.punch_queued;
	pthread_mutex_unlock(&m->lock);
	if (!ret && backed > plugged) {
		c->unplugged_backed = backed - plugged;
		c->first_bad = ZHOSTD_MEMORY_FIRST_UNKNOWN;
	}
	return ret;
}

int zhostd_memory_check_memfd(struct zhostd_memory *m,
			      struct zhostd_memory_check *c)
{
	uint64_t bytes;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	if (m->hugetlb)
		return memory_hugetlb_check(m, c);
	pthread_mutex_lock(&m->lock);
	/*
	 * Memory given back and not yet freed is no violation: wait for the
	 * punches queued now, and pass over those a guest queued meanwhile.
	 */
	memory_punch_wait_locked(m, 0, m->nr_sb);
	for (uint64_t i = 0; i < m->nr_sb && !ret; i++) {
		if (m->map[i] || memory_punch_queued_locked(m, i))
			continue;
		ret = zhostd_memory_allocated(m->memfd,
					      zhostd_memory_sb_offset(m, i),
					      zhostd_memory_sb_offset(m, i + 1),
					      &bytes);
		if (!ret && bytes && !c->unplugged_backed)
			c->first_bad = i;
		c->unplugged_backed += bytes;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

uint64_t zhostd_memory_compare(struct zhostd_memory *m, uint64_t first,
			       uint64_t count, const uint8_t *bits,
			       uint64_t *first_diff)
{
	uint64_t diff = 0;

	pthread_mutex_lock(&m->lock);
	for (uint64_t i = 0; i < count && first + i < m->nr_sb; i++) {
		uint8_t guest = (bits[i / 8] >> (i % 8)) & 1;

		if (guest != m->map[first + i] && !diff++)
			*first_diff = first + i;
	}
	pthread_mutex_unlock(&m->lock);
	return diff;
}

void zhostd_memory_set_pin(struct zhostd_memory *m, struct zhostd_pin *pin)
{
	pthread_mutex_lock(&m->lock);
	m->pin = pin;
	pthread_mutex_unlock(&m->lock);
}

void zhostd_memory_locked(struct zhostd_memory *m,
			  void (*fn)(void *arg, const uint8_t *plugged),
			  void *arg)
{
	pthread_mutex_lock(&m->lock);
	fn(arg, m->map);
	pthread_mutex_unlock(&m->lock);
}

uint64_t zhostd_memory_nr_subblocks(const struct zhostd_memory *m)
{
	return m->nr_sb;
}

const char *zhostd_memory_change_name(enum zhostd_memory_change what)
{
	static const char *const names[] = {
		[ZHOSTD_MEM_PLUGGED] = "plugged",
		[ZHOSTD_MEM_UNPLUGGED] = "unplugged",
		[ZHOSTD_MEM_RESET] = "reset",
		[ZHOSTD_MEM_REQUESTED] = "requested",
		[ZHOSTD_MEM_ASKED] = "asked",
		[ZHOSTD_MEM_DONE] = "done",
	};

	return (unsigned int)what < sizeof(names) / sizeof(names[0]) ?
	       names[what] : "unknown";
}

const char *zhostd_memory_reason_name(uint32_t reason)
{
	return zh_mem_reason_name(reason);
}
