// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control command query-pins: the subblocks locked on the host,
 * coalesced into ranges, and which guest processes hold them (the reverse
 * call VMRPC_PIN_HOLDERS); and the "pins" object query-status includes.
 * Every reply of the guest is checked by pin-wire.c before it is used.
 */
#include <errno.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-memory.h"
#include "cmd-pins.h"
#include "pin-serve.h"

/* A listing asks the guest at most this often, and keeps this many holders. */
#define PINS_HOLDER_CALLS_MAX	64
#define PINS_HOLDERS_MAX	4096

/* Bytes, or null for "no ceiling". */
static json_t *ceiling_json(uint64_t max)
{
	return max == ZHOSTD_PIN_NO_CEILING ? json_null() :
	       json_integer((json_int_t)max);
}

/* The guest's VMRPC_PIN_STATUS, or null when it is away or says nonsense. */
static json_t *guest_pins_json(struct zhostd *zd, uint64_t sb)
{
	struct vmrpc_pin_status raw;
	struct zh_pin_guest_status st;
	uint32_t len = 0, status = 0;

	if (!vmrpc_host_guest_ready(zd->vh) ||
	    zhostd_guest_status_call(zd, VMRPC_MOD_PIN, VMRPC_PIN_STATUS, &raw,
				     sizeof(raw), &len, &status) ||
	    status != VMRPC_OK ||
	    zh_pin_status_parse(&raw, len, zhostd_memory_nr_subblocks(&zd->mem),
				&st))
		return json_null();
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:s}",
			 "enabled", st.enabled,
			 "mlocked_pages", (json_int_t)st.mlocked_pages,
			 "wanted", (json_int_t)(st.wanted * sb),
			 "pinned", (json_int_t)(st.pinned * sb),
			 "short", (json_int_t)(st.short_sb * sb),
			 "updates", (json_int_t)st.updates,
			 "refused", (json_int_t)st.refused,
			 "last_reason", zh_pin_reason_name(st.reason));
}

/* The totals every listing starts with, into @obj. */
static void totals_json(json_t *obj, const struct zhostd_pin_info *pi)
{
	json_object_set_new(obj, "lock_all", json_boolean(pi->lock_all));
	json_object_set_new(obj, "max_pinned", ceiling_json(pi->max_pinned));
	json_object_set_new(obj, "guest_pinned", json_integer((json_int_t)pi->guest_pinned));
	json_object_set_new(obj, "locked", json_integer((json_int_t)pi->locked));
	json_object_set_new(obj, "shortfall", json_integer((json_int_t)pi->shortfall));
	json_object_set_new(obj, "lock_all_missing",
			    json_integer((json_int_t)pi->lock_all_missing));
}

json_t *zhostd_pins_json(struct zhostd *zd)
{
	const struct zhostd_pin_stats *s;
	struct zhostd_pin_info pi;
	json_t *obj = json_object();

	zhostd_pin_get(&zd->mem, &pi);
	if (!obj)
		return NULL;
	s = &pi.stats;
	totals_json(obj, &pi);
	json_object_set_new(obj, "last_refusal", s->refused_runs ?
		json_pack("{s:s, s:i}", "reason", zh_pin_reason_name(s->last_reason),
			  "error", s->last_refusal_error) : json_null());
	json_object_set_new(obj, "stats",
		json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			  "updates", (json_int_t)s->updates,
			  "bad_calls", (json_int_t)s->bad_calls,
			  "pin_runs", (json_int_t)s->pin_runs,
			  "unpin_runs", (json_int_t)s->unpin_runs,
			  "refused_runs", (json_int_t)s->refused_runs,
			  "refused_bytes", (json_int_t)s->refused_bytes,
			  "lock_failures", (json_int_t)s->lock_failures,
			  "unlock_failures", (json_int_t)s->unlock_failures));
	json_object_set_new(obj, "guest", guest_pins_json(zd, pi.subblock_size));
	return obj;
}

/**
 * struct holders_walk - asking the guest who holds the ranges
 * @zd: the daemon
 * @buf: reply buffer, @cap bytes (one slot's payload)
 * @cap: its size
 * @list: room for one reply's holders
 * @calls: reverse calls made so far
 * @kept: holders listed so far
 * @truncated: some holders were left out (the guest's limit or ours)
 * @error: why the guest could not say, NULL while it could
 */
struct holders_walk {
	struct zhostd *zd;
	uint8_t *buf;
	uint32_t cap;
	struct zh_pin_holder *list;
	unsigned int calls;
	unsigned int kept;
	bool truncated;
	const char *error;
};

static const char *holders_call_error(int ret, uint32_t status)
{
	if (ret == -ETIMEDOUT)
		return "the guest did not answer";
	if (ret)
		return "the call failed";
	if (status == VMRPC_ENOMOD || status == VMRPC_ENOPROC)
		return "the guest does not report holders (an older guest)";
	return "the guest refused the call";
}

/* One call from @first over @count; its holders appended to @arr. */
static int holders_once(struct holders_walk *w, uint64_t first, uint64_t count,
			json_t *arr, uint64_t *next)
{
	struct vmrpc_pin_holders_request req = {
		.first = htole64(first),
		.count = htole32((uint32_t)count),
	};
	struct zh_pin_holders_reply hdr;
	uint32_t len = 0, status = 0;
	int ret;

	w->calls++;
	ret = vmrpc_host_call(w->zd->vh, VMRPC_MOD_PIN, VMRPC_PIN_HOLDERS, &req,
			      sizeof(req), w->buf, w->cap, &len, &status,
			      w->zd->call_timeout_ms);
	if (ret || status != VMRPC_OK) {
		w->error = holders_call_error(ret, status);
		return -1;
	}
	if (zh_pin_holders_parse(w->buf, len, first, (uint32_t)count,
				 (uint32_t)(w->zd->mem.area.subblock_size / 4096),
				 &hdr, w->list)) {
		w->error = "the guest's reply was malformed";
		return -1;
	}
	for (uint32_t i = 0; i < hdr.nr; i++) {
		const struct zh_pin_holder *h = &w->list[i];

		if (w->kept >= PINS_HOLDERS_MAX) {
			w->truncated = true;
			break;
		}
		w->kept++;
		json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:I}",
			"subblock", (json_int_t)h->subblock,
			"pid", (json_int_t)h->pid, "comm", h->comm,
			"pages", (json_int_t)h->pages));
	}
	*next = hdr.truncated ? hdr.next_first : first + count;
	return 0;
}

/* The holders of one range, asked again from where a truncated reply left. */
static json_t *holders_range(struct holders_walk *w, uint64_t first,
			     uint64_t count)
{
	const uint64_t end = first + count;
	json_t *arr = json_array();
	uint64_t at = first, next = end;

	while (arr && !w->error && at < end) {
		if (w->calls >= PINS_HOLDER_CALLS_MAX ||
		    w->kept >= PINS_HOLDERS_MAX) {
			w->truncated = true;
			break;
		}
		/* A request counts subblocks in 32 bits. */
		if (holders_once(w, at, end - at > UINT32_MAX ? UINT32_MAX :
				 end - at, arr, &next))
			break;
		if (next <= at) {
			/* One subblock has more holders than a reply carries. */
			w->truncated = true;
			break;
		}
		at = next;
	}
	return arr;
}

static json_t *range_json(const struct zhostd_pin_range *r,
			  const struct zhostd_pin_info *pi)
{
	bool locked = r->state & ZHOSTD_PIN_LOCKED;

	return json_pack("{s:I, s:I, s:I, s:b, s:b, s:b, s:b}",
			 "first", (json_int_t)r->first,
			 "count", (json_int_t)r->count,
			 "bytes", (json_int_t)(r->count * pi->subblock_size),
			 "locked", locked,
			 "guest_pinned", (r->state & ZHOSTD_PIN_GUEST) != 0,
			 "lock_all", pi->lock_all && locked,
			 "short", (r->state & ZHOSTD_PIN_SHORT) != 0);
}

static json_t *cmd_query_pins(struct zhostd *zd, json_t *args,
			      struct zhostd_error *err)
{
	struct holders_walk w = { .zd = zd };
	struct zhostd_pin_range *ranges;
	struct zhostd_pin_info pi;
	json_t *obj, *list;
	size_t nr;

	(void)args;
	zhostd_pin_get(&zd->mem, &pi);
	ranges = zhostd_pin_ranges(&zd->mem, &nr);
	obj = json_pack("{s:I, s:o}", "subblock_size",
			(json_int_t)pi.subblock_size, "ranges", json_array());
	if (nr == SIZE_MAX || !obj) {
		json_decref(obj);
		free(ranges);
		zhostd_error_set(err, ZERR_GENERIC, "out of memory");
		return NULL;
	}
	totals_json(obj, &pi);
	list = json_object_get(obj, "ranges");
	if (!vmrpc_host_guest_ready(zd->vh)) {
		w.error = "no guest";
	} else {
		w.cap = zd->cfg.slot_size - VMRPC_SLOT_HDR_SIZE;
		w.buf = malloc(w.cap);
		w.list = calloc(zh_pin_holders_max(w.cap) + 1, sizeof(*w.list));
		if (!w.buf || !w.list)
			w.error = "out of memory";
	}
	for (size_t i = 0; i < nr; i++) {
		json_t *r = range_json(&ranges[i], &pi);

		/* Only the guest's own pins and refusals have holders. */
		if (r && !w.error && (ranges[i].state &
				      (ZHOSTD_PIN_GUEST | ZHOSTD_PIN_SHORT)))
			json_object_set_new(r, "holders",
					    holders_range(&w, ranges[i].first,
							  ranges[i].count));
		json_array_append_new(list, r);
	}
	json_object_set_new(obj, "holders_available", json_boolean(!w.error));
	json_object_set_new(obj, "holders_error",
			    w.error ? json_string(w.error) : json_null());
	json_object_set_new(obj, "holders_truncated", json_boolean(w.truncated));
	if (w.error)
		for (size_t i = 0; i < json_array_size(list); i++)
			json_object_del(json_array_get(list, i), "holders");
	free(w.buf);
	free(w.list);
	free(ranges);
	return obj;
}
ZHOSTD_COMMAND("query-pins", cmd_query_pins)
