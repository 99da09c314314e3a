// SPDX-License-Identifier: GPL-2.0-only
/*
 * The provider's side of VMRPC module VMRPC_MOD_MEM: calls to the host
 * (configuration, plug, unplug, how a resize ended, asking for more) and
 * the host's calls to the guest (its view of its memory, a new requested
 * size, its plugged map).
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/jiffies.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/vmstat.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"

/* Call the host; a reply of any other length than @resp_len is an error. */
static int zone_host_call(u16 proc, const void *req, u32 req_len,
			  void *resp, u32 resp_len)
{
	int ret;

	ret = vmrpc_call(VMRPC_MOD_MEM, proc, req, req_len, resp, resp_len,
			 VMRPC_TIMEOUT_DEFAULT_MS);
	if (ret < 0)
		return ret;
	return (u32)ret == resp_len ? 0 : -EPROTO;
}

/**
 * zone_host_rpc_config() - ask the host how much memory it grants
 * @requested: set to the size the host wants plugged now, in bytes
 * @max: set to the most it will ever grant, in bytes
 *
 * Return: 0 or a negative errno.
 */
int zone_host_rpc_config(u64 *requested, u64 *max)
{
	struct vmrpc_mem_config cfg;
	int ret;

	ret = zone_host_call(VMRPC_MEM_CONFIG, NULL, 0, &cfg, sizeof(cfg));
	if (ret)
		return ret;
	*requested = le64_to_cpu(cfg.requested_size);
	*max = le64_to_cpu(cfg.max_size);
	return 0;
}

static int zone_host_range_call(u16 proc, unsigned long first,
				unsigned long count)
{
	struct vmrpc_mem_range r = {
		.first = cpu_to_le64(first),
		.count = cpu_to_le32(count),
	};

	return zone_host_call(proc, &r, sizeof(r), NULL, 0);
}

/**
 * zone_host_rpc_plug() - ask the host for subblocks before touching them
 * @first: first subblock
 * @count: number of subblocks
 *
 * Return: 0 when granted, -EPERM when the host refuses, or another
 * negative errno.
 */
int zone_host_rpc_plug(unsigned long first, unsigned long count)
{
	return zone_host_range_call(VMRPC_MEM_PLUG, first, count);
}

/**
 * zone_host_rpc_unplug() - give subblocks the guest no longer uses back
 * @first: first subblock
 * @count: number of subblocks
 *
 * Return: 0 or a negative errno.
 */
int zone_host_rpc_unplug(unsigned long first, unsigned long count)
{
	return zone_host_range_call(VMRPC_MEM_UNPLUG, first, count);
}

/**
 * zone_host_rpc_unplug_all() - tell the host this guest uses no subblock
 *
 * Sent once when the provider first sees the device, so that memory a
 * previous boot of the guest used goes back to the host.
 *
 * Return: 0 or a negative errno.
 */
int zone_host_rpc_unplug_all(void)
{
	return zone_host_call(VMRPC_MEM_UNPLUG_ALL, NULL, 0, NULL, 0);
}

/**
 * zone_host_rpc_done() - tell the host how a resize ended
 * @requested: the size worked towards, in bytes
 * @plugged: the size reached, in bytes
 * @reason: VMRPC_MEM_R_*
 * @error: positive errno when @reason is VMRPC_MEM_R_ERROR, else 0
 *
 * Return: 0 or a negative errno.
 */
int zone_host_rpc_done(u64 requested, u64 plugged, u32 reason, int error)
{
	struct vmrpc_mem_done d = {
		.requested_size = cpu_to_le64(requested),
		.plugged_size = cpu_to_le64(plugged),
		.reason = cpu_to_le32(reason),
		.error = cpu_to_le32(error),
	};

	return zone_host_call(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0);
}

/**
 * zone_host_rpc_ask() - ask the host for more memory
 * @more: bytes wanted in addition to the requested size
 * @requested: set to the requested size the host replies with
 *
 * Return: 0, -EPERM when the host refuses, or another negative errno.
 */
int zone_host_rpc_ask(u64 more, u64 *requested)
{
	struct vmrpc_mem_request req = {
		.requested_size = cpu_to_le64(more),
	}, resp;
	int ret;

	ret = zone_host_call(VMRPC_MEM_ASK, &req, sizeof(req), &resp,
			     sizeof(resp));
	if (!ret)
		*requested = le64_to_cpu(resp.requested_size);
	return ret;
}

static int zone_host_status(void *resp, u32 resp_size)
{
	struct zone_host_provider *zp = &zone_host_prov;
	struct vmrpc_mem_status *st = resp;
	struct zone *zone = zone_host_zone(zp);

	if (resp_size < sizeof(*st))
		return -EOVERFLOW;
	memset(st, 0, sizeof(*st));
	st->plugged_size = cpu_to_le64(zone_host_plugged_bytes(zp));
	st->requested_size = cpu_to_le64(READ_ONCE(zp->requested));
	st->added_size = cpu_to_le64(zone_host_added_bytes(zp));
	st->block_size = cpu_to_le64(memory_block_size_bytes());
	st->zone_managed = cpu_to_le64((u64)zone_managed_pages(zone) << PAGE_SHIFT);
	st->zone_free = cpu_to_le64((u64)zone_page_state(zone, NR_FREE_PAGES)
				    << PAGE_SHIFT);
	st->mem_total = cpu_to_le64((u64)totalram_pages() << PAGE_SHIFT);
	st->mem_free = cpu_to_le64((u64)global_zone_page_state(NR_FREE_PAGES)
				   << PAGE_SHIFT);
	st->state = cpu_to_le32(zone_host_state(zp));
	st->error = cpu_to_le32(READ_ONCE(zp->error));
	st->reason = cpu_to_le32(READ_ONCE(zp->reason));
	st->floor = cpu_to_le64(zone_host_floor_bytes(zp));
	return sizeof(*st);
}

static int zone_host_set_requested(const void *req, u32 req_len)
{
	struct zone_host_provider *zp = &zone_host_prov;
	const struct vmrpc_mem_request *r = req;

	if (req_len != sizeof(*r) || r->reserved)
		return -EINVAL;
	if (!READ_ONCE(zp->attached))
		return -ENODEV;
	atomic64_inc(&zp->stats.requests);
	/* The host wants memory back: do not ask for it again at once. */
	if (le64_to_cpu(r->requested_size) < READ_ONCE(zp->requested))
		WRITE_ONCE(zp->ask_after, jiffies + ZONE_HOST_ASK_HOLDOFF);
	zone_host_request(zp, le64_to_cpu(r->requested_size));
	return 0;
}

/* The guest's plugged map, for the host's consistency check. */
static int zone_host_map(const void *req, u32 req_len, void *resp,
			 u32 resp_size)
{
	struct zone_host_provider *zp = &zone_host_prov;
	const struct vmrpc_mem_range *r = req;
	u8 *bits = resp;
	u64 first;
	u32 count, i;

	if (req_len != sizeof(*r) || r->reserved)
		return -EINVAL;
	first = le64_to_cpu(r->first);
	count = le32_to_cpu(r->count);
	if (!READ_ONCE(zp->attached))
		return -ENODEV;
	if (!count || first >= zp->nr_sb || count > zp->nr_sb - first ||
	    DIV_ROUND_UP(count, 8) > resp_size)
		return -EINVAL;
	memset(bits, 0, DIV_ROUND_UP(count, 8));
	/* Without the lock: the host asks while nothing resizes. */
	for (i = 0; i < count; i++)
		if (test_bit(first + i, zp->plugged))
			bits[i / 8] |= 1 << (i % 8);
	return DIV_ROUND_UP(count, 8);
}

/* Reverse calls of VMRPC_MOD_MEM. */
static int zone_host_server(u16 proc, const void *req, u32 req_len,
			    void *resp, u32 resp_size)
{
	switch (proc) {
	case VMRPC_MEM_STATUS:
		return req_len ? -EINVAL : zone_host_status(resp, resp_size);
	case VMRPC_MEM_SET_REQUESTED:
		return zone_host_set_requested(req, req_len);
	case VMRPC_MEM_MAP:
		return zone_host_map(req, req_len, resp, resp_size);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * zone_host_rpc_init() - serve the host's VMRPC_MOD_MEM calls
 *
 * Return: 0 or a negative errno.
 */
int zone_host_rpc_init(void)
{
	return vmrpc_register_server(VMRPC_MOD_MEM, zone_host_server);
}

/**
 * zone_host_rpc_exit() - stop serving the host's VMRPC_MOD_MEM calls
 */
void zone_host_rpc_exit(void)
{
	vmrpc_unregister_server(VMRPC_MOD_MEM);
}
