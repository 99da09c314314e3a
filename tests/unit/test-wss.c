// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's working-set report (mm-host/wss.c): a good report decodes
 * field by field; each way a guest can get it wrong (length, reserved
 * fields, unknown flags, zero window or stride, byte counts beyond the
 * region, sums beyond user, idle ages going down, values chosen to wrap a
 * sum) is refused with a message naming the field. Then the history ring
 * (mm-host/wss-ring.c): order, wrap-around, bounds.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../lib/tap.h"
#include "fake-wss.h"
#include "wss-ring.h"
#include "wss.h"

static struct vmrpc_wss_report w;

/* Decode @w; true when refused with @field in the message. */
static bool refused(const char *field)
{
	struct zhostd_wss_report r;
	char why[256] = "";
	bool ok = zhostd_wss_decode(&w, sizeof(w), &r, why, sizeof(why)) == -EINVAL &&
		  strstr(why, field);

	if (!ok)
		tap_diag("wanted a refusal naming '%s', got '%s'", field, why);
	return ok;
}

static void test_good(void)
{
	struct zhostd_wss_report r;
	const struct zhostd_wss_region *h, *g;
	char why[256] = "";
	uint8_t big[sizeof(w) + 8] = { 0 };

	fw_report(&w, 7);
	tap_ok(zhostd_wss_decode(&w, sizeof(w), &r, why, sizeof(why)) == 0,
	       "a good report is accepted");
	h = &r.region[VMRPC_WSS_REGION_HOST];
	g = &r.region[VMRPC_WSS_REGION_GUEST];
	tap_ok(r.windows == 7 && r.window_ms == 10000 && r.stride == 32 &&
	       r.flags == (VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID) &&
	       r.pgfault == 7000 && r.pgmajfault == 70 && zhostd_wss_usable(&r),
	       "its header is decoded");
	tap_ok(h->size == 512 * FW_MIB && h->wss == 160 * FW_MIB &&
	       h->wss_error == 8 * FW_MIB && g->kernel == 200 * FW_MIB &&
	       g->user == 1200 * FW_MIB && g->idle[0] == 400 * FW_MIB &&
	       g->idle[VMRPC_WSS_NR_AGES - 1] == 1200 * FW_MIB &&
	       g->samples == 2048 * FW_MIB / (32 * 4096),
	       "both regions are decoded");
	tap_ok(zhostd_wss_scan_share(&r) > 0.00249 &&
	       zhostd_wss_scan_share(&r) < 0.00251,
	       "scan share: 25 ms per 10 s window is 0.25%% of a CPU");

	tap_ok(zhostd_wss_decode(&w, sizeof(w) - 1, &r, why, sizeof(why)) == -EINVAL &&
	       strstr(why, "399 bytes"), "a short report is refused: %s", why);
	memcpy(big, &w, sizeof(w));
	tap_ok(zhostd_wss_decode(big, sizeof(big), &r, why, sizeof(why)) == -EINVAL &&
	       strstr(why, "408 bytes"), "a long report is refused: %s", why);

	w.flags = htole32(VMRPC_WSS_F_ENABLED);
	tap_ok(zhostd_wss_decode(&w, sizeof(w), &r, why, sizeof(why)) == 0 &&
	       !zhostd_wss_usable(&r),
	       "a report not yet VALID is accepted, but not usable");
	memset(&w, 0, sizeof(w));
	w.window_ms = htole32(10000);
	w.stride = htole32(32);
	tap_ok(zhostd_wss_decode(&w, sizeof(w), &r, why, sizeof(why)) == 0 &&
	       !zhostd_wss_usable(&r),
	       "a disabled estimator's all-zero report is accepted, not usable");
}

static void test_bad(void)
{
	struct vmrpc_wss_region *h = &w.region[VMRPC_WSS_REGION_HOST];
	struct vmrpc_wss_region *g = &w.region[VMRPC_WSS_REGION_GUEST];

	fw_report(&w, 7);
	w.reserved0 = htole32(1);
	tap_ok(refused("reserved"), "reserved0 set: refused");
	fw_report(&w, 7);
	w.reserved[1] = htole64(1);
	tap_ok(refused("reserved"), "reserved[1] set: refused");
	fw_report(&w, 7);
	g->reserved[0] = htole64(1);
	tap_ok(refused("guest region: reserved"), "a region's reserved field set: refused");
	fw_report(&w, 7);
	w.flags |= htole32(1U << 7);
	tap_ok(refused("unknown flags 0x80"), "an unknown flag: refused");
	fw_report(&w, 7);
	w.window_ms = 0;
	tap_ok(refused("window_ms (0)"), "window_ms 0: refused");
	fw_report(&w, 7);
	w.stride = 0;
	tap_ok(refused("stride (0)"), "stride 0: refused");
	fw_report(&w, 7);
	w.pgmajfault = htole64(le64toh(w.pgfault) + 1);
	tap_ok(refused("pgmajfault"), "more major faults than faults: refused");
	fw_report(&w, 7);
	h->wss = htole64(le64toh(h->size) + 1);
	tap_ok(refused("host region: wss"), "wss beyond the region's size: refused");
	fw_report(&w, 7);
	g->free = htole64(le64toh(g->size) + 4096);
	tap_ok(refused("guest region: free"), "free beyond the region's size: refused");
	fw_report(&w, 7);
	g->anon = htole64(le64toh(g->user));
	tap_ok(refused("anon + file"), "anon + file beyond user: refused");
	fw_report(&w, 7);
	h->pinned = htole64(le64toh(h->user) + 1);
	tap_ok(refused("pinned"), "pinned beyond user: refused");
	fw_report(&w, 7);
	g->idle[3] = htole64(le64toh(g->idle[2]) - 1);
	tap_ok(refused("idle[3]"), "idle[] going down: refused");
	fw_report(&w, 7);
	h->idle[VMRPC_WSS_NR_AGES - 1] = htole64(le64toh(h->user) + 1);
	tap_ok(refused("idle[7]"), "idle[] beyond user: refused");
	fw_report(&w, 7);
	g->accessed = htole32(le32toh(g->samples) + 1);
	tap_ok(refused("accessed"), "more accessed samples than samples: refused");
	fw_report(&w, 7);
	h->size = htole64(le64toh(g->size) + 2 * FW_MIB);
	tap_ok(refused("larger than the whole guest"),
	       "a ZONE_HOST larger than the guest: refused");

	/* Sums that wrap past 2^64 must not pass for small ones. */
	fw_report(&w, 7);
	h->size = g->size = htole64(UINT64_MAX);
	h->user = htole64(10);
	h->anon = htole64(UINT64_MAX - 5);
	h->file = htole64(10);
	tap_ok(refused("anon + file"), "anon + file wrapping around 2^64: refused");
}

static void test_ring(void)
{
	struct zhostd_wss_ring ring;
	struct zhostd_wss_sample s = { 0 };
	bool ok = true;

	tap_ok(zhostd_wss_ring_init(&ring, 0) == -EINVAL, "a ring of 0 samples is refused");
	tap_ok(zhostd_wss_ring_init(&ring, 3) == 0 && !zhostd_wss_ring_latest(&ring) &&
	       !zhostd_wss_ring_at(&ring, 0), "an empty ring of 3");
	for (s.seq = 1; s.seq <= 2; s.seq++)
		zhostd_wss_ring_push(&ring, &s);
	tap_ok(ring.count == 2 && zhostd_wss_ring_at(&ring, 0)->seq == 1 &&
	       zhostd_wss_ring_latest(&ring)->seq == 2 && !zhostd_wss_ring_at(&ring, 2),
	       "two samples, oldest first");
	for (; s.seq <= 8; s.seq++) {
		zhostd_wss_ring_push(&ring, &s);
		ok &= ring.count == (s.seq < 3 ? s.seq : 3) &&
		      zhostd_wss_ring_latest(&ring)->seq == s.seq &&
		      zhostd_wss_ring_at(&ring, 0)->seq == (s.seq > 3 ? s.seq - 2 : 1);
	}
	tap_ok(ok && ring.count == 3 && zhostd_wss_ring_at(&ring, 0)->seq == 6 &&
	       zhostd_wss_ring_at(&ring, 1)->seq == 7 &&
	       zhostd_wss_ring_at(&ring, 2)->seq == 8 && !zhostd_wss_ring_at(&ring, 3),
	       "after wrapping around twice: the newest 3, oldest first");
	zhostd_wss_ring_destroy(&ring);
	tap_ok(ring.count == 0 && !zhostd_wss_ring_latest(&ring), "destroyed: empty");
}

int main(void)
{
	tap_timeout(30, NULL);
	tap_plan(29);
	test_good();
	test_bad();
	test_ring();
	return tap_done();
}
