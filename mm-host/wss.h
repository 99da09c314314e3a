/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's working-set report (VMRPC_WSS_REPORT) in host byte order,
 * and its validation. The guest is untrusted: a report is used only after
 * zhostd_wss_decode() accepted every field of it, so the poller, the
 * policy and the control commands can rely on the relations checked here
 * (wss <= size, idle[] non-decreasing, ...) without checking again.
 */
#ifndef ZHOSTD_WSS_H
#define ZHOSTD_WSS_H

#include <stddef.h>
#include <stdint.h>

#include <linux/vmrpc.h>

/* The fields of struct vmrpc_wss_region, in host byte order. */
struct zhostd_wss_region {
	uint64_t size;
	uint64_t wss;
	uint64_t wss_error;
	uint64_t anon;
	uint64_t file;
	uint64_t kernel;
	uint64_t free;
	uint64_t user;
	uint64_t pinned;
	uint64_t idle[VMRPC_WSS_NR_AGES];
	uint32_t samples;
	uint32_t accessed;
};

/* The fields of struct vmrpc_wss_report, in host byte order. */
struct zhostd_wss_report {
	uint64_t windows;
	uint32_t window_ms;
	uint32_t stride;
	uint32_t flags;
	uint64_t scan_ns;
	uint64_t scan_total_ns;
	uint64_t uptime_ns;
	uint64_t pgfault;
	uint64_t pgmajfault;
	struct zhostd_wss_region region[VMRPC_WSS_NR_REGIONS];
};

/* Flags a report may carry; any other bit makes it malformed. */
#define ZHOSTD_WSS_KNOWN_FLAGS	(VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID)

/**
 * zhostd_wss_decode() - check a reply of VMRPC_WSS_REPORT and convert it
 * @buf: the reply bytes (a private copy, not shared memory)
 * @len: their number
 * @out: the report, filled in only when it is accepted
 * @why: on rejection, what is wrong, for the log and the WSS_ERROR event
 * @whylen: size of @why
 *
 * Accepted are replies of exactly sizeof(struct vmrpc_wss_report) bytes
 * with every reserved field zero, no unknown flag, a nonzero window length
 * and stride, and in each region: every byte count at most the region's
 * size, anon + file and pinned at most user, idle[] non-decreasing and at
 * most user, accessed at most samples; and the ZONE_HOST region no larger
 * than the whole guest.
 *
 * Return: 0, or -EINVAL with @why set.
 */
int zhostd_wss_decode(const void *buf, size_t len,
		      struct zhostd_wss_report *out, char *why, size_t whylen);

/**
 * zhostd_wss_scan_share() - the estimator's cost as a share of one CPU
 * @r: an accepted report
 *
 * Return: scan_ns / (window_ms * 1e6): the CPU time of one scan over the
 * window it covers; 0.01 is 1% of one CPU.
 */
double zhostd_wss_scan_share(const struct zhostd_wss_report *r);

/* Whether @r's estimate can be acted upon: the estimator runs and is VALID. */
static inline int zhostd_wss_usable(const struct zhostd_wss_report *r)
{
	const uint32_t want = VMRPC_WSS_F_ENABLED | VMRPC_WSS_F_VALID;

	return (r->flags & want) == want;
}

#endif /* ZHOSTD_WSS_H */
