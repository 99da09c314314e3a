// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wire side of pinning; see pin-wire.h. Sizes are pinned here so that
 * a change of the ABI structures cannot go unnoticed on the host.
 */
#include <endian.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "pin-wire.h"

_Static_assert(sizeof(struct vmrpc_pin_op) == 16, "vmrpc_pin_op is 16 bytes");
_Static_assert(sizeof(struct vmrpc_pin_batch) == 8, "vmrpc_pin_batch is 8 bytes");
_Static_assert(sizeof(struct vmrpc_pin_result) == 16, "vmrpc_pin_result is 16 bytes");
_Static_assert(sizeof(struct vmrpc_pin_status) == 64, "vmrpc_pin_status is 64 bytes");
_Static_assert(sizeof(struct vmrpc_pin_holders_request) == 16,
	       "vmrpc_pin_holders_request is 16 bytes");
_Static_assert(sizeof(struct vmrpc_pin_holder) == 32, "vmrpc_pin_holder is 32 bytes");
_Static_assert(sizeof(struct vmrpc_pin_holders) == 16, "vmrpc_pin_holders is 16 bytes");

#define BATCH_HDR	sizeof(struct vmrpc_pin_batch)
#define BATCH_OP	sizeof(struct vmrpc_pin_op)
#define HOLDERS_HDR	sizeof(struct vmrpc_pin_holders)
#define HOLDER		sizeof(struct vmrpc_pin_holder)

uint32_t zh_pin_batch_max_runs(uint32_t len)
{
	return len < BATCH_HDR ? 0 : (uint32_t)((len - BATCH_HDR) / BATCH_OP);
}

/*
 * Whether two of the @n runs name a subblock in common (one bit per
 * subblock: the runs add up to at most @nr_sb subblocks, so this is
 * linear). Return: 1 if they do, 0 if not, -1 out of memory.
 */
static int runs_overlap(const struct zh_pin_run *runs, uint32_t n,
			uint64_t nr_sb)
{
	uint8_t *seen = calloc(nr_sb / 8 + 1, 1);
	int ret = 0;

	if (!seen)
		return -1;
	for (uint32_t i = 0; i < n && !ret; i++)
		for (uint64_t b = runs[i].first;
		     b < runs[i].first + runs[i].count && !ret; b++) {
			ret = (seen[b / 8] >> (b % 8)) & 1;
			seen[b / 8] |= (uint8_t)(1 << (b % 8));
		}
	free(seen);
	return ret;
}

uint32_t zh_pin_batch_decode(const void *req, uint32_t len, uint64_t nr_sb,
			     uint32_t resp_cap, struct zh_pin_run *runs,
			     uint32_t *nr)
{
	const uint8_t *p = req;
	struct vmrpc_pin_batch b;
	struct vmrpc_pin_op op;
	uint64_t total = 0;
	uint32_t n;

	*nr = 0;
	if (len < BATCH_HDR)
		return VMRPC_EINVAL;
	memcpy(&b, p, sizeof(b));
	n = le32toh(b.nr);
	/* Exactly 8 + 16 * n: n is bounded by the request, which the slot bounds. */
	if (!n || b.reserved || n != zh_pin_batch_max_runs(len) ||
	    (uint64_t)len != BATCH_HDR + (uint64_t)n * BATCH_OP)
		return VMRPC_EINVAL;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t first;
		uint32_t count;
		uint16_t o;

		memcpy(&op, p + BATCH_HDR + (size_t)i * BATCH_OP, sizeof(op));
		first = le64toh(op.first);
		count = le32toh(op.count);
		o = le16toh(op.op);
		if (op.reserved || (o != VMRPC_PIN_OP_PIN && o != VMRPC_PIN_OP_UNPIN) ||
		    !count || first >= nr_sb || count > nr_sb - first)
			return VMRPC_EINVAL;
		total += count;
		if (total > nr_sb)
			return VMRPC_EINVAL;
		runs[i] = (struct zh_pin_run){
			.first = first, .count = count,
			.pin = o == VMRPC_PIN_OP_PIN,
		};
	}
	switch (runs_overlap(runs, n, nr_sb)) {
	case 0:
		break;
	case 1:
		return VMRPC_EINVAL;
	default:
		return VMRPC_ENOMEM;
	}
	if ((uint64_t)n * sizeof(struct vmrpc_pin_result) > resp_cap)
		return VMRPC_ERANGE;
	*nr = n;
	return VMRPC_OK;
}

int zh_pin_status_parse(const void *buf, uint32_t len, uint64_t nr_sb,
			struct zh_pin_guest_status *st)
{
	struct vmrpc_pin_status s;
	uint32_t enabled;

	if (len != sizeof(s))
		return -1;
	memcpy(&s, buf, sizeof(s));
	*st = (struct zh_pin_guest_status){
		.mlocked_pages = le64toh(s.mlocked_pages),
		.wanted = le64toh(s.wanted),
		.pinned = le64toh(s.pinned),
		.short_sb = le64toh(s.short_sb),
		.updates = le64toh(s.updates),
		.refused = le64toh(s.refused),
		.reason = le32toh(s.reason),
	};
	enabled = le32toh(s.enabled);
	if (s.reserved[0] || enabled > 1 || st->reason > VMRPC_PIN_R_DISABLED ||
	    st->wanted > nr_sb || st->pinned > st->wanted ||
	    st->short_sb > st->wanted)
		return -1;
	st->enabled = enabled;
	return 0;
}

uint32_t zh_pin_holders_max(uint32_t len)
{
	return len < HOLDERS_HDR ? 0 : (uint32_t)((len - HOLDERS_HDR) / HOLDER);
}

/* A guest's command name (NUL-padded, maybe not terminated) as ASCII. */
static void comm_clean(char *out, const char *in)
{
	zh_ascii_clean(out, in, strnlen(in, ZH_PIN_COMM_LEN), false);
}

int zh_pin_holders_parse(const void *buf, uint32_t len, uint64_t first,
			 uint32_t count, uint32_t max_pages,
			 struct zh_pin_holders_reply *hdr,
			 struct zh_pin_holder *holders)
{
	const uint8_t *p = buf;
	struct vmrpc_pin_holders h;
	struct vmrpc_pin_holder one;
	uint64_t prev = first;
	uint32_t flags, n;

	if (len < HOLDERS_HDR || !count)
		return -1;
	memcpy(&h, p, sizeof(h));
	n = le32toh(h.nr);
	flags = le32toh(h.flags);
	if (n != zh_pin_holders_max(len) ||
	    (uint64_t)len != HOLDERS_HDR + (uint64_t)n * HOLDER ||
	    (flags & ~VMRPC_PIN_HOLDERS_F_TRUNCATED))
		return -1;
	hdr->nr = n;
	hdr->truncated = flags & VMRPC_PIN_HOLDERS_F_TRUNCATED;
	hdr->next_first = le64toh(h.next_first);
	/* Asking again stays inside the range; the caller sees no progress. */
	if (hdr->truncated && (hdr->next_first < first ||
			       hdr->next_first - first >= count))
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		struct zh_pin_holder *o = &holders[i];

		memcpy(&one, p + HOLDERS_HDR + (size_t)i * HOLDER, sizeof(one));
		o->subblock = le64toh(one.subblock);
		o->pid = le32toh(one.pid);
		o->pages = le32toh(one.pages);
		if (o->subblock < prev || o->subblock - first >= count ||
		    (hdr->truncated && o->subblock > hdr->next_first) ||
		    !o->pages || o->pages > max_pages)
			return -1;
		prev = o->subblock;
		comm_clean(o->comm, one.comm);
	}
	return 0;
}

const char *zh_pin_reason_name(uint32_t reason)
{
	static const char *const names[] = { VMRPC_PIN_REASON_NAMES };

	return reason < sizeof(names) / sizeof(names[0]) && names[reason] ?
	       names[reason] : "unknown";
}
