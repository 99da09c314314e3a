// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's memory backend; see memory.h. Every request from the guest is
 * checked against the data area and the host's map before anything
 * happens: ranges must lie inside the data area, a plug must not exceed
 * the requested size, an unplug must name plugged subblocks only.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "memory.h"

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
	return 0;
}

void zhostd_memory_destroy(struct zhostd_memory *m)
{
	free(m->map);
	m->map = NULL;
	pthread_mutex_destroy(&m->lock);
}

/* Free the host memory behind subblocks [first, first + count). */
static int memory_punch(struct zhostd_memory *m, uint64_t first,
			uint64_t count)
{
	const uint64_t sb = m->area.subblock_size;

	if (fallocate(m->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(m->area.offset + first * sb), (off_t)(count * sb)))
		return -errno;
	return 0;
}

/*
 * Parse a vmrpc_mem_range; the range must be inside the data area and all
 * its subblocks in state @want (0 unplugged, 1 plugged).
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
	for (uint64_t i = *first; i < *first + *count; i++)
		if (m->map[i] != want)
			return VMRPC_EINVAL;
	return VMRPC_OK;
}

static uint32_t memory_plug(struct zhostd_memory *m, const void *req,
			    uint32_t req_len, uint64_t *first, uint64_t *count)
{
	const uint64_t sb = m->area.subblock_size;
	uint32_t st;

	st = memory_check_range(m, req, req_len, 0, first, count);
	if (st)
		return st;
	m->info.plug_calls++;
	if ((m->nr_plugged + *count) * sb > m->info.requested) {
		m->info.plug_refused++;
		return VMRPC_EPERM;
	}
	memset(m->map + *first, 1, *count);
	m->nr_plugged += *count;
	return VMRPC_OK;
}

static uint32_t memory_unplug(struct zhostd_memory *m, const void *req,
			      uint32_t req_len, uint64_t *first,
			      uint64_t *count)
{
	uint32_t st;
	int ret;

	st = memory_check_range(m, req, req_len, 1, first, count);
	if (st)
		return st;
	m->info.unplug_calls++;
	ret = memory_punch(m, *first, *count);
	if (ret) {
		/* Still counted as plugged: the guest may retry. */
		zlog_err("cannot free subblocks %llu+%llu: %s",
			 (unsigned long long)*first, (unsigned long long)*count,
			 strerror(-ret));
		return VMRPC_EIO;
	}
	memset(m->map + *first, 0, *count);
	m->nr_plugged -= *count;
	return VMRPC_OK;
}

/* Unplug everything; call with the lock held. */
static int memory_reset_locked(struct zhostd_memory *m)
{
	int ret = memory_punch(m, 0, m->nr_sb);

	if (ret)
		return ret;
	memset(m->map, 0, m->nr_sb);
	m->nr_plugged = 0;
	return 0;
}

uint32_t zhostd_memory_serve(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len)
{
	struct zhostd_memory *m = opaque;
	enum zhostd_memory_change what = ZHOSTD_MEM_PLUGGED;
	uint64_t first = 0, count = 0, plugged;
	struct vmrpc_mem_config cfg;
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
		memcpy(resp, &cfg, sizeof(cfg));
		*resp_len = sizeof(cfg);
		pthread_mutex_unlock(&m->lock);
		return VMRPC_OK;
	case VMRPC_MEM_PLUG:
		st = memory_plug(m, req, req_len, &first, &count);
		break;
	case VMRPC_MEM_UNPLUG:
		what = ZHOSTD_MEM_UNPLUGGED;
		st = memory_unplug(m, req, req_len, &first, &count);
		break;
	case VMRPC_MEM_UNPLUG_ALL:
		what = ZHOSTD_MEM_RESET;
		if (req_len) {
			st = VMRPC_EINVAL;
			break;
		}
		m->info.unplug_calls++;
		count = m->nr_sb;
		st = memory_reset_locked(m) ? VMRPC_EIO : VMRPC_OK;
		break;
	default:
		pthread_mutex_unlock(&m->lock);
		return VMRPC_ENOPROC;
	}
	if (st == VMRPC_EINVAL)
		m->info.bad_calls++;
	plugged = m->nr_plugged * m->area.subblock_size;
	pthread_mutex_unlock(&m->lock);

	if (st == VMRPC_OK && m->on_change)
		m->on_change(m->opaque, what, first, count, plugged);
	return st;
}

int zhostd_memory_reset(struct zhostd_memory *m)
{
	int ret;

	pthread_mutex_lock(&m->lock);
	ret = memory_reset_locked(m);
	pthread_mutex_unlock(&m->lock);
	if (!ret && m->on_change)
		m->on_change(m->opaque, ZHOSTD_MEM_RESET, 0, m->nr_sb, 0);
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

int zhostd_memory_backed(struct zhostd_memory *m, uint64_t *bytes)
{
	const off_t end = (off_t)(m->area.offset + m->area.size);
	off_t pos = (off_t)m->area.offset, data, hole;

	*bytes = 0;
	while (pos < end) {
		data = lseek(m->memfd, pos, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;
		if (data >= end)
			break;
		hole = lseek(m->memfd, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		if (hole > end)
			hole = end;
		*bytes += (uint64_t)(hole - data);
		pos = hole;
	}
	return 0;
}
