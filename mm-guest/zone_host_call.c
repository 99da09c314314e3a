// SPDX-License-Identifier: GPL-2.0-only
/*
 * The provider's calls to the host, VMRPC module VMRPC_MOD_MEM: the
 * configuration, plug, unplug, how a resize ended, asking for more;
 * VMRPC_MOD_PIN: the subblocks to pin and unpin; and VMRPC_MOD_PAGING:
 * the pages the host may page out. The
 * lowest layer of the provider: it knows the wire format and nothing of
 * the provider's state. The host's calls to the guest are in
 * zone_host_serve.c.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/overflow.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"
#include "zone_host_trace.h"

/* Call the host; a reply of any other length than @resp_len is an error. */
static int zone_host_call_module(u16 module, u16 proc, const void *req,
				 u32 req_len, void *resp, u32 resp_len)
{
	u64 start = ktime_get_ns();
	int ret;

	trace_zone_host_call_issue(module, proc, req_len);
	ret = vmrpc_call(module, proc, req, req_len, resp, resp_len,
			 VMRPC_TIMEOUT_DEFAULT_MS);
	trace_zone_host_call_answer(module, proc, ret,
				    ktime_get_ns() - start);
	if (ret < 0)
		return ret;
	return (u32)ret == resp_len ? 0 : -EPROTO;
}

static int zone_host_call_host(u16 proc, const void *req, u32 req_len,
			       void *resp, u32 resp_len)
{
	return zone_host_call_module(VMRPC_MOD_MEM, proc, req, req_len, resp,
				     resp_len);
}

/**
 * zone_host_call_config() - ask the host how much memory it grants
 * @requested: set to the size the host wants plugged now, in bytes
 * @max: set to the most it will ever grant, in bytes
 * @flags: when not NULL, set to the VMRPC_MEM_CFG_* the host sent (bits
 *	this guest does not know are kept: the caller tests the ones it uses)
 *
 * Return: 0 or a negative errno.
 */
int zone_host_call_config(u64 *requested, u64 *max, u32 *flags)
{
	struct vmrpc_mem_config cfg;
	int ret;

	ret = zone_host_call_host(VMRPC_MEM_CONFIG, NULL, 0, &cfg, sizeof(cfg));
	if (ret)
		return ret;
	*requested = le64_to_cpu(cfg.requested_size);
	*max = le64_to_cpu(cfg.max_size);
	if (flags)
		*flags = le32_to_cpu(cfg.flags);
	return 0;
}

static int zone_host_call_range(u16 proc, unsigned long first,
				unsigned long count)
{
	struct vmrpc_mem_range r = {
		.first = cpu_to_le64(first),
		.count = cpu_to_le32(count),
	};

	return zone_host_call_host(proc, &r, sizeof(r), NULL, 0);
}

/**
 * zone_host_call_plug() - ask the host for subblocks before touching them
 * @first: first subblock
 * @count: number of subblocks
 *
 * Return: 0 when granted, -EPERM when the host refuses, or another
 * negative errno.
 */
int zone_host_call_plug(unsigned long first, unsigned long count)
{
	return zone_host_call_range(VMRPC_MEM_PLUG, first, count);
}

/**
 * zone_host_call_unplug() - give subblocks the guest no longer uses back
 * @first: first subblock
 * @count: number of subblocks
 *
 * Return: 0 or a negative errno.
 */
int zone_host_call_unplug(unsigned long first, unsigned long count)
{
	return zone_host_call_range(VMRPC_MEM_UNPLUG, first, count);
}

/**
 * zone_host_call_unplug_all() - tell the host this guest uses no subblock
 *
 * Sent once when the provider first sees the device, so that memory a
 * previous boot of the guest used goes back to the host.
 *
 * Return: 0 or a negative errno.
 */
int zone_host_call_unplug_all(void)
{
	return zone_host_call_host(VMRPC_MEM_UNPLUG_ALL, NULL, 0, NULL, 0);
}

/**
 * zone_host_call_host_map() - ask which subblocks of a run the host backs
 * @first: first subblock
 * @count: number of subblocks; (@count + 7) / 8 must fit a call's payload
 * @bits: set to one bit per subblock (VMRPC_MEM_MAP layout), (@count + 7)
 *	/ 8 bytes; a private copy of the host's reply
 *
 * Return: 0 or a negative errno (-EOPNOTSUPP from a host before ABI 1.8).
 */
int zone_host_call_host_map(u64 first, u32 count, u8 *bits)
{
	struct vmrpc_mem_range r = {
		.first = cpu_to_le64(first),
		.count = cpu_to_le32(count),
	};

	return zone_host_call_host(VMRPC_MEM_HOST_MAP, &r, sizeof(r), bits,
				   DIV_ROUND_UP(count, 8));
}

/**
 * zone_host_call_done() - tell the host how a resize ended
 * @requested: the size worked towards, in bytes
 * @plugged: the size reached, in bytes
 * @reason: VMRPC_MEM_R_*
 * @error: positive errno when @reason is VMRPC_MEM_R_ERROR, else 0
 * @stages: where the time went, or NULL for a host that does not take
 *	them (it would refuse the call)
 *
 * Return: 0 or a negative errno.
 */
int zone_host_call_done(u64 requested, u64 plugged, u32 reason, int error,
			const struct vmrpc_mem_stages *stages)
{
	struct vmrpc_mem_done d = {
		.requested_size = cpu_to_le64(requested),
		.plugged_size = cpu_to_le64(plugged),
		.reason = cpu_to_le32(reason),
		.error = cpu_to_le32(error),
	};

	if (stages)
		d.stages = *stages;
	return zone_host_call_host(VMRPC_MEM_DONE, &d, sizeof(d), NULL, 0);
}

/**
 * zone_host_call_ask() - ask the host for more memory
 * @more: bytes wanted in addition to the requested size
 * @requested: set to the requested size the host replies with
 *
 * Return: 0, -EPERM when the host refuses, or another negative errno.
 */
int zone_host_call_ask(u64 more, u64 *requested)
{
	struct vmrpc_mem_request req = {
		.requested_size = cpu_to_le64(more),
	}, resp;
	int ret;

	ret = zone_host_call_host(VMRPC_MEM_ASK, &req, sizeof(req), &resp,
				  sizeof(resp));
	if (!ret)
		*requested = le64_to_cpu(resp.requested_size);
	return ret;
}

/**
 * zone_host_call_pin() - ask the host to pin and unpin runs of subblocks
 * @batch: the runs, @batch->nr of them, in little-endian as sent
 * @results: filled with one result per run, as the host sent them
 *	(unchecked: the caller validates what it uses)
 *
 * Return: 0, -EOPNOTSUPP when the host has no pinning, or another
 * negative errno.
 */
int zone_host_call_pin(const struct vmrpc_pin_batch *batch,
		       struct vmrpc_pin_result *results)
{
	u32 nr = le32_to_cpu(batch->nr);

	return zone_host_call_module(VMRPC_MOD_PIN, VMRPC_PIN_UPDATE, batch,
				     struct_size(batch, ops, nr), results,
				     nr * sizeof(*results));
}

/**
 * zone_host_call_hint() - tell the host which pages of ZONE_HOST are cold
 * @hints: the runs, @hints->nr of them, in little-endian as sent
 * @reply: filled with the host's reply, as the host sent it (unchecked:
 *	the caller validates what it uses)
 *
 * Return: 0, -EOPNOTSUPP when the host does not page for guests, or
 * another negative errno.
 */
int zone_host_call_hint(const struct vmrpc_paging_hints *hints,
			struct vmrpc_paging_reply *reply)
{
	u32 nr = le32_to_cpu(hints->nr);

	return zone_host_call_module(VMRPC_MOD_PAGING, VMRPC_PAGING_HINT,
				     hints, struct_size(hints, runs, nr),
				     reply, sizeof(*reply));
}
