// SPDX-License-Identifier: GPL-2.0-only
/*
 * Validation of the guest's working-set report; see wss.h. Every check
 * names the field that failed, so a log line says what the guest got
 * wrong. Sums are computed so that they cannot wrap: a guest sending
 * values near 2^64 must not make a bad report look good.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "wss.h"

static const char *const region_names[VMRPC_WSS_NR_REGIONS] = {
	[VMRPC_WSS_REGION_HOST] = "host",
	[VMRPC_WSS_REGION_GUEST] = "guest",
};

/* a + b, or UINT64_MAX when it does not fit: larger than any size. */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void region_from_le(const struct vmrpc_wss_region *in,
			   struct zhostd_wss_region *out)
{
	out->size = le64toh(in->size);
	out->wss = le64toh(in->wss);
	out->wss_error = le64toh(in->wss_error);
	out->anon = le64toh(in->anon);
	out->file = le64toh(in->file);
	out->kernel = le64toh(in->kernel);
	out->free = le64toh(in->free);
	out->user = le64toh(in->user);
	out->pinned = le64toh(in->pinned);
	for (int i = 0; i < VMRPC_WSS_NR_AGES; i++)
		out->idle[i] = le64toh(in->idle[i]);
	out->samples = le32toh(in->samples);
	out->accessed = le32toh(in->accessed);
}

/* Check one region; false with @why set when it makes no sense. */
static bool region_valid(const struct zhostd_wss_region *r, const char *name,
			 char *why, size_t whylen)
{
	const struct {
		const char *field;
		uint64_t value;
	} parts[] = {
		{ "wss", r->wss }, { "wss_error", r->wss_error },
		{ "anon", r->anon }, { "file", r->file },
		{ "kernel", r->kernel }, { "free", r->free },
		{ "user", r->user }, { "pinned", r->pinned },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		if (parts[i].value > r->size) {
			snprintf(why, whylen, "%s region: %s (%llu) exceeds its size (%llu)",
				 name, parts[i].field,
				 (unsigned long long)parts[i].value,
				 (unsigned long long)r->size);
			return false;
		}
	}
	if (add_sat(r->anon, r->file) > r->user) {
		snprintf(why, whylen, "%s region: anon + file (%llu) exceeds user (%llu)",
			 name, (unsigned long long)add_sat(r->anon, r->file),
			 (unsigned long long)r->user);
		return false;
	}
	if (r->pinned > r->user) {
		snprintf(why, whylen, "%s region: pinned (%llu) exceeds user (%llu)",
			 name, (unsigned long long)r->pinned,
			 (unsigned long long)r->user);
		return false;
	}
	for (int i = 1; i < VMRPC_WSS_NR_AGES; i++) {
		if (r->idle[i] < r->idle[i - 1]) {
			snprintf(why, whylen, "%s region: idle[%d] (%llu) below idle[%d] (%llu): idle[] must not decrease",
				 name, i, (unsigned long long)r->idle[i], i - 1,
				 (unsigned long long)r->idle[i - 1]);
			return false;
		}
	}
	if (r->idle[VMRPC_WSS_NR_AGES - 1] > r->user) {
		snprintf(why, whylen, "%s region: idle[%d] (%llu) exceeds user (%llu)",
			 name, VMRPC_WSS_NR_AGES - 1,
			 (unsigned long long)r->idle[VMRPC_WSS_NR_AGES - 1],
			 (unsigned long long)r->user);
		return false;
	}
	if (r->accessed > r->samples) {
		snprintf(why, whylen, "%s region: accessed (%u) exceeds samples (%u)",
			 name, r->accessed, r->samples);
		return false;
	}
	return true;
}

int zhostd_wss_decode(const void *buf, size_t len,
		      struct zhostd_wss_report *out, char *why, size_t whylen)
{
	struct zhostd_wss_report r;
	struct vmrpc_wss_report w;

	if (len != sizeof(w)) {
		snprintf(why, whylen, "report of %zu bytes, expected %zu", len,
			 sizeof(w));
		return -EINVAL;
	}
	memcpy(&w, buf, sizeof(w));
	if (w.reserved0 || w.reserved[0] || w.reserved[1]) {
		snprintf(why, whylen, "reserved fields of the report are not zero");
		return -EINVAL;
	}
	for (int i = 0; i < VMRPC_WSS_NR_REGIONS; i++) {
		if (w.region[i].reserved[0] || w.region[i].reserved[1]) {
			snprintf(why, whylen, "%s region: reserved fields are not zero",
				 region_names[i]);
			return -EINVAL;
		}
	}
	r.windows = le64toh(w.windows);
	r.window_ms = le32toh(w.window_ms);
	r.stride = le32toh(w.stride);
	r.flags = le32toh(w.flags);
	r.scan_ns = le64toh(w.scan_ns);
	r.scan_total_ns = le64toh(w.scan_total_ns);
	r.uptime_ns = le64toh(w.uptime_ns);
	r.pgfault = le64toh(w.pgfault);
	r.pgmajfault = le64toh(w.pgmajfault);
	if (r.flags & ~ZHOSTD_WSS_KNOWN_FLAGS) {
		snprintf(why, whylen, "unknown flags 0x%x",
			 r.flags & ~ZHOSTD_WSS_KNOWN_FLAGS);
		return -EINVAL;
	}
	if (!r.window_ms || !r.stride) {
		snprintf(why, whylen, "window_ms (%u) and stride (%u) must not be 0",
			 r.window_ms, r.stride);
		return -EINVAL;
	}
	if (r.pgmajfault > r.pgfault) {
		snprintf(why, whylen, "pgmajfault (%llu) exceeds pgfault (%llu)",
			 (unsigned long long)r.pgmajfault,
			 (unsigned long long)r.pgfault);
		return -EINVAL;
	}
	for (int i = 0; i < VMRPC_WSS_NR_REGIONS; i++) {
		region_from_le(&w.region[i], &r.region[i]);
		if (!region_valid(&r.region[i], region_names[i], why, whylen))
			return -EINVAL;
	}
	if (r.region[VMRPC_WSS_REGION_HOST].size >
	    r.region[VMRPC_WSS_REGION_GUEST].size) {
		snprintf(why, whylen, "the host region (%llu bytes) is larger than the whole guest (%llu)",
			 (unsigned long long)r.region[VMRPC_WSS_REGION_HOST].size,
			 (unsigned long long)r.region[VMRPC_WSS_REGION_GUEST].size);
		return -EINVAL;
	}
	*out = r;
	return 0;
}

double zhostd_wss_scan_share(const struct zhostd_wss_report *r)
{
	return r->window_ms ? (double)r->scan_ns / ((double)r->window_ms * 1e6) :
			      0;
}
