// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's paging hints; see paging-serve.h.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "paging-serve.h"
#include "paging.h"
#include "ratelimit.h"
#include "zhostd.h"

/* The runs of one call, checked against the map under the lock. */
struct hint_check {
	struct zhostd_pin *pin;
	const struct zh_paging_geom *geom;
	struct zh_paging_run *runs;
	uint32_t nr;
	struct zhostd_paging_stats *d;
};

/* A run of an unplugged or pinned subblock gets count 0: skipped. */
static void hint_check_locked(void *arg, const uint8_t *plugged)
{
	struct hint_check *c = arg;

	for (uint32_t i = 0; i < c->nr; i++) {
		uint64_t sb = zh_paging_run_subblock(&c->runs[i], c->geom);

		if (!plugged[sb]) {
			c->d->skipped_unplugged += c->runs[i].count;
			c->runs[i].count = 0;
		} else if (c->pin && zhostd_pin_held_locked(c->pin, sb)) {
			c->d->skipped_pinned += c->runs[i].count;
			c->runs[i].count = 0;
		}
	}
}

static int run_cmp(const void *a, const void *b)
{
	const struct zh_paging_run *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* The runs left, sorted, merged and within the budget, as byte ranges. */
static size_t hint_ranges(struct zh_paging_run *runs, uint32_t nr,
			  uint64_t area_offset, uint64_t budget,
			  struct zhostd_paging_range *out,
			  struct zhostd_paging_stats *d)
{
	uint64_t end = 0;
	size_t n = 0;

	qsort(runs, nr, sizeof(*runs), run_cmp);
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t first = runs[i].first, last = first + runs[i].count;
		uint64_t off, len;

		if (!runs[i].count)
			continue;
		if (n && first < end) {
			uint64_t dup = (last < end ? last : end) - first;

			d->duplicate += dup;
			first = end;
		}
		if (first >= last)
			continue;
		if (last - first > budget) {
			d->over_budget += last - first - budget;
			last = first + budget;
		}
		if (first == last)
			continue;
		budget -= last - first;
		d->accepted += last - first;
		off = area_offset + first * VMRPC_PAGING_PAGE_SIZE;
		len = (last - first) * VMRPC_PAGING_PAGE_SIZE;
		if (n && out[n - 1].offset + out[n - 1].len == off)
			out[n - 1].len += len;
		else
			out[n++] = (struct zhostd_paging_range){ off, len };
		end = last;
	}
	return n;
}

size_t zhostd_paging_plan(struct zhostd_memory *m,
			  const struct zh_paging_geom *g, uint64_t area_offset,
			  struct zh_paging_run *runs, uint32_t nr, uint64_t budget,
			  struct zhostd_paging_range *out,
			  struct zhostd_paging_stats *d)
{
	struct hint_check c = { .pin = m->pin, .geom = g, .runs = runs,
				.nr = nr, .d = d };

	zhostd_memory_locked(m, hint_check_locked, &c);
	/*
	 * Outside the lock: a subblock pinned meanwhile is mapped by zhostd
	 * too and mlocked, which MADV_PAGEOUT skips; one unplugged meanwhile
	 * has no pages left to page.
	 */
	return hint_ranges(runs, nr, area_offset, budget, out, d);
}

uint32_t zhostd_paging_serve(void *opaque, uint16_t proc, const void *req,
			     uint32_t req_len, void *resp, uint32_t resp_cap,
			     uint32_t *resp_len)
{
	struct zhostd *zd = opaque;
	struct zhostd_paging *p = &zd->paging;
	uint32_t max = zh_paging_hints_max_runs(req_len), nr, status, mode, reason;
	struct zhostd_paging_stats d = { .hint_calls = 1 };
	struct zhostd_paging_range *ranges = NULL;
	struct zh_paging_run *runs = NULL;
	struct vmrpc_paging_reply reply;
	uint64_t pages;
	int64_t done;
	size_t n;

	*resp_len = 0;
	if (proc != VMRPC_PAGING_HINT)
		return VMRPC_ENOPROC;
	/* No room for the reply: a malformed call too, counted as one. */
	if (resp_cap < sizeof(reply)) {
		d.bad_calls = 1;
		status = VMRPC_ERANGE;
		goto out;
	}
	/* Bounded by the request, which the slot bounds. */
	runs = calloc(max ? max : 1, sizeof(*runs));
	ranges = calloc(max ? max : 1, sizeof(*ranges));
	if (!runs || !ranges) {
		status = VMRPC_ENOMEM;
		goto out;
	}
	status = zh_paging_hints_decode(req, req_len, &p->geom, runs, &nr, &pages);
	if (status != VMRPC_OK) {
		d.bad_calls = 1;
		if (zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PAGING))
			zlog_warn("guest sent a malformed paging hint (%u bytes): refused",
				  req_len);
		goto out;
	}
	d.hinted = pages;
	mode = zhostd_paging_mode(p, &reason);
	if (mode != VMRPC_PAGING_MODE_HOST) {
		d.refused_mode = pages;
		zh_paging_reply_encode(&reply, 0, mode, reason);
		goto reply;
	}
	n = zhostd_paging_plan(&zd->mem, &p->geom, p->area_offset, runs, nr,
			       ZHOSTD_PAGING_MAX_PAGES_PER_CALL, ranges, &d);
	if (n) {
		done = zhostd_paging_pageout(p, 0, ranges, n);
		if (done < 0 && zhostd_ratelimit_allow(zd->rl, ZHOSTD_RL_PAGING))
			zlog_warn("paging out %llu pages on QEMU's mapping failed: %s",
				  (unsigned long long)d.accepted,
				  strerror((int)-done));
	}
	mode = zhostd_paging_mode(p, &reason);
	zh_paging_reply_encode(&reply, d.accepted, mode, reason);
reply:
	memcpy(resp, &reply, sizeof(reply));
	*resp_len = sizeof(reply);
out:
	zhostd_paging_count(p, &d);
	free(runs);
	free(ranges);
	return status;
}
