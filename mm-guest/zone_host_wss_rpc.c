// SPDX-License-Identifier: GPL-2.0-only
/*
 * The estimator's side of VMRPC module VMRPC_MOD_WSS: the host reads the
 * last window's result with a reverse call.
 */
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/vmstat.h>
#include <linux/vmrpc.h>

#include "zone_host_wss.h"

/* A vm event counter summed over all CPUs (vmstat's own sum is static). */
static u64 zone_host_wss_event(enum vm_event_item item)
{
	u64 sum = 0;
	int cpu;

	for_each_online_cpu(cpu)
		sum += per_cpu(vm_event_states, cpu).event[item];
	return sum;
}

static void zone_host_wss_region_le(struct vmrpc_wss_region *out,
				    const struct zone_host_wss_region *r)
{
	int i;

	out->size = cpu_to_le64(r->size);
	out->wss = cpu_to_le64(r->wss);
	out->wss_error = cpu_to_le64(r->wss_error);
	out->anon = cpu_to_le64(r->anon);
	out->file = cpu_to_le64(r->file);
	out->kernel = cpu_to_le64(r->kernel);
	out->free = cpu_to_le64(r->free);
	out->user = cpu_to_le64(r->user);
	out->pinned = cpu_to_le64(r->pinned);
	for (i = 0; i < VMRPC_WSS_NR_AGES; i++)
		out->idle[i] = cpu_to_le64(r->idle[i]);
	out->samples = cpu_to_le32(r->samples);
	out->accessed = cpu_to_le32(r->accessed);
}

static int zone_host_wss_report(void *resp, u32 resp_size)
{
	struct vmrpc_wss_report *rep = resp;
	struct zone_host_wss_result res;
	int i;

	if (resp_size < sizeof(*rep))
		return -EOVERFLOW;
	zone_host_wss_result(&res);
	memset(rep, 0, sizeof(*rep));
	rep->windows = cpu_to_le64(res.windows);
	rep->window_ms = cpu_to_le32(res.window_ms ?: zone_host_wss_window_ms());
	rep->stride = cpu_to_le32(res.stride ?: zone_host_wss_stride());
	rep->flags = cpu_to_le32(res.flags);
	rep->scan_ns = cpu_to_le64(res.scan_ns);
	rep->scan_total_ns = cpu_to_le64(res.scan_total_ns);
	rep->uptime_ns = cpu_to_le64(res.uptime_ns);
	/* Majors first: a fault counts in PGFAULT before it can be major. */
	rep->pgmajfault = cpu_to_le64(zone_host_wss_event(PGMAJFAULT));
	rep->pgfault = cpu_to_le64(zone_host_wss_event(PGFAULT));
	for (i = 0; i < VMRPC_WSS_NR_REGIONS; i++)
		zone_host_wss_region_le(&rep->region[i], &res.region[i]);
	return sizeof(*rep);
}

static int zone_host_wss_server(void *priv, u16 proc, const void *req,
				u32 req_len, void *resp, u32 resp_size)
{
	switch (proc) {
	case VMRPC_WSS_REPORT:
		return req_len ? -EINVAL : zone_host_wss_report(resp, resp_size);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * zone_host_wss_rpc_init() - serve the host's VMRPC_MOD_WSS calls
 *
 * Return: 0 or a negative errno.
 */
int zone_host_wss_rpc_init(void)
{
	return vmrpc_register_server(VMRPC_MOD_WSS, zone_host_wss_server, NULL);
}

/**
 * zone_host_wss_rpc_exit() - stop serving the host's VMRPC_MOD_WSS calls
 */
void zone_host_wss_rpc_exit(void)
{
	vmrpc_unregister_server(VMRPC_MOD_WSS);
}
