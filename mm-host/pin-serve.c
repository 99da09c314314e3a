// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pinned set under the memory backend's lock; see pin-serve.h.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "pin-serve.h"

/* One batch, applied under the lock. */
struct pin_batch {
	struct zhostd_pin *pin;
	const void *req;
	uint32_t req_len;
	uint64_t nr_sb;
	uint32_t resp_cap;
	struct zh_pin_run *runs;
	struct zhostd_pin_refusal *res;
	uint32_t nr;
	uint32_t status;
};

static void pin_batch_locked(void *arg, const uint8_t *plugged)
{
	struct pin_batch *b = arg;

	b->status = zh_pin_batch_decode(b->req, b->req_len, b->nr_sb,
					b->resp_cap, b->runs, &b->nr);
	zhostd_pin_count_call_locked(b->pin, b->status != VMRPC_OK);
	for (uint32_t i = 0; b->status == VMRPC_OK && i < b->nr; i++)
		zhostd_pin_apply_locked(b->pin, plugged, &b->runs[i],
					&b->res[i]);
}

uint32_t zhostd_pin_serve(void *opaque, uint16_t proc, const void *req,
			  uint32_t req_len, void *resp, uint32_t resp_cap,
			  uint32_t *resp_len)
{
	struct zhostd_memory *m = opaque;
	uint32_t max = zh_pin_batch_max_runs(req_len);
	struct pin_batch b = {
		.pin = m->pin, .req = req, .req_len = req_len,
		.nr_sb = zhostd_memory_nr_subblocks(m), .resp_cap = resp_cap,
	};
	struct vmrpc_pin_result r;

	*resp_len = 0;
	if (proc != VMRPC_PIN_UPDATE)
		return VMRPC_ENOPROC;
	if (!b.pin)
		return VMRPC_ENOMOD;
	/* Bounded by the request, which the slot bounds. */
	b.runs = calloc(max ? max : 1, sizeof(*b.runs));
	b.res = calloc(max ? max : 1, sizeof(*b.res));
	if (!b.runs || !b.res) {
		free(b.runs);
		free(b.res);
		return VMRPC_ENOMEM;
	}
	zhostd_memory_locked(m, pin_batch_locked, &b);
	for (uint32_t i = 0; b.status == VMRPC_OK && i < b.nr; i++) {
		memset(&r, 0, sizeof(r));
		r.done = htole32(b.res[i].done);
		r.reason = htole16((uint16_t)b.res[i].reason);
		r.error = htole16((uint16_t)b.res[i].error);
		memcpy((uint8_t *)resp + (size_t)i * sizeof(r), &r, sizeof(r));
		if (b.res[i].reason != VMRPC_PIN_R_NONE && b.pin->on_refused)
			b.pin->on_refused(b.pin->opaque, &b.res[i]);
	}
	if (b.status == VMRPC_OK)
		*resp_len = b.nr * (uint32_t)sizeof(r);
	free(b.runs);
	free(b.res);
	return b.status;
}

struct pin_snapshot {
	struct zhostd_pin *pin;
	struct zhostd_pin_info *info;
	struct zhostd_pin_range *ranges;
	size_t max;
	size_t nr;
};

static void pin_get_locked(void *arg, const uint8_t *plugged)
{
	struct pin_snapshot *s = arg;

	(void)plugged;
	zhostd_pin_get_locked(s->pin, s->info);
}

void zhostd_pin_get(struct zhostd_memory *m, struct zhostd_pin_info *info)
{
	struct pin_snapshot s = { .pin = m->pin, .info = info };

	memset(info, 0, sizeof(*info));
	if (m->pin)
		zhostd_memory_locked(m, pin_get_locked, &s);
}

static void pin_ranges_locked(void *arg, const uint8_t *plugged)
{
	struct pin_snapshot *s = arg;

	(void)plugged;
	s->nr = zhostd_pin_ranges_locked(s->pin, s->ranges, s->max);
}

struct zhostd_pin_range *zhostd_pin_ranges(struct zhostd_memory *m,
					   size_t *nr)
{
	struct pin_snapshot s = { .pin = m->pin };

	*nr = 0;
	if (!m->pin)
		return NULL;
	/* Count, then copy; ranges may have changed in between: retry. */
	for (;;) {
		zhostd_memory_locked(m, pin_ranges_locked, &s);
		if (s.nr <= s.max) {
			*nr = s.nr;
			if (!s.nr) {
				free(s.ranges);
				return NULL;
			}
			return s.ranges;
		}
		free(s.ranges);
		s.max = s.nr + 16;
		s.ranges = calloc(s.max, sizeof(*s.ranges));
		if (!s.ranges) {
			*nr = SIZE_MAX;
			return NULL;
		}
	}
}
