// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host's calls to the provider (reverse calls). VMRPC_MOD_MEM: the
 * guest's view of its memory, a new requested size, the plugged map.
 * VMRPC_MOD_PIN: the guest's view of its pins, and who holds them.
 * VMRPC_MOD_PAGING: who pages ZONE_HOST, and the guest's counts. They
 * run on VMRPC's worker threads, concurrently with a resize, so none of
 * them takes the provider's lock.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/jiffies.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/vmstat.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"

static int zone_host_status(struct zone_host_provider *zp, void *resp,
			    u32 resp_size)
{
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

static int zone_host_set_requested(struct zone_host_provider *zp,
				   const void *req, u32 req_len)
{
	const struct vmrpc_mem_request *r = req;

	if (req_len != sizeof(*r) || r->reserved)
		return -EINVAL;
	if (!READ_ONCE(zp->attached))
		return -ENODEV;
	atomic64_inc(&zp->stats.requests);
	/* The host wants memory back: do not ask for it again at once. */
	if (le64_to_cpu(r->requested_size) < READ_ONCE(zp->requested)) {
		WRITE_ONCE(zp->used_at_shrink, zone_host_pages_used());
		WRITE_ONCE(zp->shrunk_until, jiffies + ZONE_HOST_ASK_HOLDOFF);
	}
	zone_host_request(zp, le64_to_cpu(r->requested_size));
	return 0;
}

/* The guest's plugged map, for the host's consistency check. */
static int zone_host_map(struct zone_host_provider *zp, const void *req,
			 u32 req_len, void *resp, u32 resp_size)
{
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
static int zone_host_server(void *priv, u16 proc, const void *req,
			    u32 req_len, void *resp, u32 resp_size)
{
	struct zone_host_provider *zp = priv;

	switch (proc) {
	case VMRPC_MEM_STATUS:
		return req_len ? -EINVAL : zone_host_status(zp, resp, resp_size);
	case VMRPC_MEM_SET_REQUESTED:
		return zone_host_set_requested(zp, req, req_len);
	case VMRPC_MEM_MAP:
		return zone_host_map(zp, req, req_len, resp, resp_size);
	default:
		return -EOPNOTSUPP;
	}
}

/* Reverse calls of VMRPC_MOD_PIN. */
static int zone_host_pin_server(void *priv, u16 proc, const void *req,
				u32 req_len, void *resp, u32 resp_size)
{
	struct zone_host_provider *zp = priv;

	switch (proc) {
	case VMRPC_PIN_STATUS:
		return req_len ? -EINVAL :
				 zone_host_pin_status(zp, resp, resp_size);
	case VMRPC_PIN_HOLDERS:
		return zone_host_pin_holders(zp, req, req_len, resp, resp_size);
	default:
		return -EOPNOTSUPP;
	}
}

/* Reverse calls of VMRPC_MOD_PAGING. */
static int zone_host_paging_server(void *priv, u16 proc, const void *req,
				   u32 req_len, void *resp, u32 resp_size)
{
	struct zone_host_provider *zp = priv;

	switch (proc) {
	case VMRPC_PAGING_SET_MODE:
		return zone_host_paging_set_mode(zp, req, req_len, resp,
						 resp_size);
	case VMRPC_PAGING_STATUS:
		return req_len ? -EINVAL :
				 zone_host_paging_status(zp, resp, resp_size);
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * zone_host_serve_init() - serve the host's VMRPC_MOD_MEM, VMRPC_MOD_PIN
 *	and VMRPC_MOD_PAGING calls
 * @zp: the provider the calls are about
 *
 * Return: 0 or a negative errno.
 */
int zone_host_serve_init(struct zone_host_provider *zp)
{
	int ret;

	ret = vmrpc_register_server(VMRPC_MOD_MEM, zone_host_server, zp);
	if (ret)
		return ret;
	ret = vmrpc_register_server(VMRPC_MOD_PIN, zone_host_pin_server, zp);
	if (ret)
		goto err_mem;
	ret = vmrpc_register_server(VMRPC_MOD_PAGING, zone_host_paging_server,
				    zp);
	if (ret)
		goto err_pin;
	return 0;

err_pin:
	vmrpc_unregister_server(VMRPC_MOD_PIN);
err_mem:
	vmrpc_unregister_server(VMRPC_MOD_MEM);
	return ret;
}

/**
 * zone_host_serve_exit() - stop serving the host's calls
 * @zp: the provider given to zone_host_serve_init()
 */
void zone_host_serve_exit(struct zone_host_provider *zp)
{
	vmrpc_unregister_server(VMRPC_MOD_PAGING);
	vmrpc_unregister_server(VMRPC_MOD_PIN);
	vmrpc_unregister_server(VMRPC_MOD_MEM);
}
