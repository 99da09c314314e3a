// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wire side of host paging; see paging-wire.h. Sizes are pinned here
 * so that a change of the ABI structures cannot go unnoticed on the host.
 */
#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "paging-wire.h"

_Static_assert(sizeof(struct vmrpc_paging_run) == 16, "vmrpc_paging_run is 16 bytes");
_Static_assert(sizeof(struct vmrpc_paging_hints) == 8, "vmrpc_paging_hints is 8 bytes");
_Static_assert(sizeof(struct vmrpc_paging_reply) == 16, "vmrpc_paging_reply is 16 bytes");
_Static_assert(sizeof(struct vmrpc_paging_mode) == 16, "vmrpc_paging_mode is 16 bytes");
_Static_assert(sizeof(struct vmrpc_paging_status) == 64, "vmrpc_paging_status is 64 bytes");

#define HINTS_HDR	sizeof(struct vmrpc_paging_hints)
#define HINTS_RUN	sizeof(struct vmrpc_paging_run)

static const char *const reason_names[] = { VMRPC_PAGING_REASON_NAMES };

const char *zh_paging_reason_name(uint32_t reason)
{
	if (reason < sizeof(reason_names) / sizeof(reason_names[0]) &&
	    reason_names[reason])
		return reason_names[reason];
	return "unknown";
}

const char *zh_paging_mode_name(uint32_t mode)
{
	switch (mode) {
	case VMRPC_PAGING_MODE_GUEST:
		return "guest";
	case VMRPC_PAGING_MODE_HOST:
		return "host";
	default:
		return "unknown";
	}
}

static bool reason_known(uint32_t reason)
{
	return reason < sizeof(reason_names) / sizeof(reason_names[0]) &&
	       reason_names[reason];
}

static bool mode_known(uint32_t mode)
{
	return mode == VMRPC_PAGING_MODE_GUEST || mode == VMRPC_PAGING_MODE_HOST;
}

uint32_t zh_paging_hints_max_runs(uint32_t len)
{
	return len < HINTS_HDR ? 0 : (uint32_t)((len - HINTS_HDR) / HINTS_RUN);
}

uint32_t zh_paging_hints_decode(const void *req, uint32_t len,
				const struct zh_paging_geom *g,
				struct zh_paging_run *runs, uint32_t *nr,
				uint64_t *pages)
{
	const uint8_t *p = req;
	struct vmrpc_paging_hints h;
	struct vmrpc_paging_run r;
	uint64_t total = 0;
	uint32_t n;

	*nr = 0;
	*pages = 0;
	if (len < HINTS_HDR || !g->sb_pages)
		return VMRPC_EINVAL;
	memcpy(&h, p, sizeof(h));
	n = le32toh(h.nr);
	/* Exactly 8 + 16 * n: n is bounded by the request, which the slot bounds. */
	if (!n || h.reserved || n != zh_paging_hints_max_runs(len) ||
	    (uint64_t)len != HINTS_HDR + (uint64_t)n * HINTS_RUN)
		return VMRPC_EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t first, last;
		uint32_t count;
		uint16_t source;

		memcpy(&r, p + HINTS_HDR + (size_t)i * HINTS_RUN, sizeof(r));
		first = le64toh(r.first);
		count = le32toh(r.count);
		source = le16toh(r.source);
		if (!count || r.reserved || (source != VMRPC_PAGING_SRC_RECLAIM &&
					     source != VMRPC_PAGING_SRC_IDLE))
			return VMRPC_EINVAL;
		/* first + count <= pages, without overflow. */
		if (first >= g->pages || count > g->pages - first)
			return VMRPC_EINVAL;
		last = first + count - 1;
		if (first / g->sb_pages != last / g->sb_pages)
			return VMRPC_EINVAL;
		runs[i].first = first;
		runs[i].count = count;
		runs[i].source = source;
		total += count;
	}
	*nr = n;
	*pages = total;
	return VMRPC_OK;
}

void zh_paging_run_bytes(const struct zh_paging_run *run, uint64_t area_offset,
			 uint64_t *offset, uint64_t *len)
{
	*offset = area_offset + run->first * VMRPC_PAGING_PAGE_SIZE;
	*len = (uint64_t)run->count * VMRPC_PAGING_PAGE_SIZE;
}

uint64_t zh_paging_run_subblock(const struct zh_paging_run *run,
				const struct zh_paging_geom *g)
{
	return run->first / g->sb_pages;
}

void zh_paging_reply_encode(struct vmrpc_paging_reply *out, uint64_t accepted,
			    uint32_t mode, uint32_t reason)
{
	memset(out, 0, sizeof(*out));
	out->accepted = htole64(accepted);
	out->mode = htole32(mode);
	out->reason = htole32(reason);
}

void zh_paging_mode_encode(struct vmrpc_paging_mode *out, uint32_t mode,
			   uint32_t reason)
{
	memset(out, 0, sizeof(*out));
	out->mode = htole32(mode);
	out->reason = htole32(reason);
}

int zh_paging_mode_parse(const void *buf, uint32_t len, uint32_t *mode,
			 uint32_t *reason)
{
	struct vmrpc_paging_mode m;

	if (len != sizeof(m))
		return -1;
	memcpy(&m, buf, sizeof(m));
	if (m.reserved || !mode_known(le32toh(m.mode)) ||
	    !reason_known(le32toh(m.reason)))
		return -1;
	*mode = le32toh(m.mode);
	*reason = le32toh(m.reason);
	return 0;
}

int zh_paging_status_parse(const void *buf, uint32_t len,
			   struct zh_paging_guest_status *st)
{
	struct vmrpc_paging_status s;
	uint64_t v[5];

	if (len != sizeof(s))
		return -1;
	memcpy(&s, buf, sizeof(s));
	if (s.reserved[0] || s.reserved[1] || !mode_known(le32toh(s.mode)) ||
	    !reason_known(le32toh(s.reason)))
		return -1;
	v[0] = le64toh(s.hinted);
	v[1] = le64toh(s.hint_calls);
	v[2] = le64toh(s.kept);
	v[3] = le64toh(s.guest_swapped);
	v[4] = le64toh(s.dropped);
	for (int i = 0; i < 5; i++)
		if (v[i] > INT64_MAX)
			return -1;
	st->hinted = v[0];
	st->hint_calls = v[1];
	st->kept = v[2];
	st->guest_swapped = v[3];
	st->dropped = v[4];
	st->mode = le32toh(s.mode);
	st->reason = le32toh(s.reason);
	return 0;
}
