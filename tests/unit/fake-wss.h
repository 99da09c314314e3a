/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A well-formed working-set report, as a guest would send it
 * (little-endian), for the tests to send as it is or to spoil one field
 * at a time: a 512 MiB ZONE_HOST in a 2 GiB guest.
 */
#ifndef ZONEHOST_TESTS_FAKE_WSS_H
#define ZONEHOST_TESTS_FAKE_WSS_H

#include <endian.h>
#include <string.h>

#include <linux/vmrpc.h>

#define FW_MIB		(1ULL << 20)

/* Ages: idle[i] = @base + i * @step (non-decreasing), the last == user. */
static inline void fw_region(struct vmrpc_wss_region *r, uint64_t size,
			     uint64_t anon, uint64_t file, uint64_t kernel,
			     uint64_t user, uint64_t error)
{
	memset(r, 0, sizeof(*r));
	r->size = htole64(size);
	r->wss = htole64(anon + file + kernel);
	r->wss_error = htole64(error);
	r->anon = htole64(anon);
	r->file = htole64(file);
	r->kernel = htole64(kernel);
	r->free = htole64(size - user - kernel);
	r->user = htole64(user);
	r->pinned = htole64(user / 64);
	for (int i = 0; i < VMRPC_WSS_NR_AGES; i++)
		r->idle[i] = htole64(anon + file +
				     (user - anon - file) * (uint64_t)i /
				     (VMRPC_WSS_NR_AGES - 1));
	r->samples = htole32((uint32_t)(size / (32 * 4096)));
	r->accessed = htole32((uint32_t)((anon + file + kernel) / (32 * 4096)));
}

static inline void fw_report(struct vmrpc_wss_report *w, uint64_t windows)
{
	memset(w, 0, sizeof(*w));
	w->windows = htole64(windows);
	w->window_ms = htole32(10000);
	w->stride = htole32(32);
	w->flags = htole32(VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID);
	w->scan_ns = htole64(25 * 1000 * 1000);		/* 0.25% of a CPU */
	w->scan_total_ns = htole64(windows * 25 * 1000 * 1000);
	w->uptime_ns = htole64(windows * 10 * 1000000000ULL);
	w->pgfault = htole64(1000 * windows);
	w->pgmajfault = htole64(10 * windows);
	fw_region(&w->region[VMRPC_WSS_REGION_HOST], 512 * FW_MIB,
		  120 * FW_MIB, 40 * FW_MIB, 0, 300 * FW_MIB, 8 * FW_MIB);
	fw_region(&w->region[VMRPC_WSS_REGION_GUEST], 2048 * FW_MIB,
		  300 * FW_MIB, 100 * FW_MIB, 200 * FW_MIB, 1200 * FW_MIB,
		  12 * FW_MIB);
}

#endif /* ZONEHOST_TESTS_FAKE_WSS_H */
