/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The working-set estimator: state shared by its files; nothing here is
 * API. See Documentation/design/working-set.rst.
 *
 * Every populated zone is cut into cells of @stride page frames, and one
 * frame at a fixed random offset in each cell is the cell's sample. Once
 * per window the estimator tests and clears each sample's accessed state
 * and ages the samples nobody touched. A zone's counts, scaled by the
 * pages it manages, are its estimate; ZONE_HOST is one region, the sum of
 * all zones the other.
 */
#ifndef _MM_ZONE_HOST_WSS_H
#define _MM_ZONE_HOST_WSS_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vmrpc.h>
#include <linux/workqueue.h>

#define ZONE_HOST_WSS_WINDOW_MS_DEFAULT	10000
#define ZONE_HOST_WSS_WINDOW_MS_MIN	100
#define ZONE_HOST_WSS_WINDOW_MS_MAX	3600000
/* Automatic stride: this many pages per sample, or more for large guests. */
#define ZONE_HOST_WSS_STRIDE_DEFAULT	32
#define ZONE_HOST_WSS_SAMPLES_AUTO	32768
#define ZONE_HOST_WSS_STRIDE_MAX	65536

/*
 * One region's estimate, in bytes: the fields mean what those of struct
 * vmrpc_wss_region say, in CPU byte order.
 */
struct zone_host_wss_region {
	u64 size;
	u64 wss;
	u64 wss_error;
	u64 anon;
	u64 file;
	u64 kernel;
	u64 free;
	u64 user;
	u64 pinned;
	u64 idle[VMRPC_WSS_NR_AGES];
	u32 samples;
	u32 accessed;
};

/**
 * struct zone_host_wss_result - what the last window found
 * @windows: windows completed since the estimator (re)started
 * @window_ms: window length the result was measured with
 * @stride: pages per sample the result was measured with
 * @flags: VMRPC_WSS_F_*
 * @scan_ns: CPU time of the last scan
 * @scan_total_ns: CPU time of all scans since the estimator started
 * @uptime_ns: boot-time clock when the last window ended
 * @region: indexed by VMRPC_WSS_REGION_*
 */
struct zone_host_wss_result {
	u64 windows;
	u32 window_ms;
	u32 stride;
	u32 flags;
	u64 scan_ns;
	u64 scan_total_ns;
	u64 uptime_ns;
	struct zone_host_wss_region region[VMRPC_WSS_NR_REGIONS];
};

/* zone_host_wss.c */
void zone_host_wss_result(struct zone_host_wss_result *res);
bool zone_host_wss_enabled(void);
int zone_host_wss_set_enabled(bool on);
unsigned int zone_host_wss_window_ms(void);
int zone_host_wss_set_window_ms(unsigned int ms);
unsigned int zone_host_wss_stride(void);
int zone_host_wss_set_stride(unsigned int stride);
int zone_host_wss_init(void);
void zone_host_wss_attach(void);
void zone_host_wss_exit(void);

/* zone_host_wss_rmap.c */
bool zone_host_wss_folio_accessed(struct folio *folio, bool *cleared);

/* zone_host_wss_sysfs.c */
int zone_host_wss_sysfs_init(struct kobject *parent);

/* zone_host_wss_rpc.c */
int zone_host_wss_rpc_init(void);
void zone_host_wss_rpc_exit(void);

/* zone_host_paging.c: an idle swap-backed folio of ZONE_HOST, for the host. */
void zone_host_paging_idle(struct folio *folio, unsigned int age);

#endif /* _MM_ZONE_HOST_WSS_H */
