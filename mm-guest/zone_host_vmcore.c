// SPDX-License-Identifier: GPL-2.0-only
/*
 * ZONE_HOST in a kdump kernel. /proc/vmcore covers every System RAM range
 * of the crashed kernel, the memory blocks it hot-added from the data area
 * included, but inside those blocks only the subblocks the host backs hold
 * memory. Reading any other subblock would make the host allocate it (a
 * shmem page per read page, for every unplugged subblock of the data area)
 * or, with hugetlb backing and a short pool, kill the VM. The kdump kernel
 * never attaches the provider (it would tell the host to free the crashed
 * kernel's memory); it registers a vmcore callback that asks the host,
 * once, which subblocks it backs, and reports the others as not RAM, as
 * virtio-mem does for its unplugged blocks.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/bitmap.h>
#include <linux/crash_dump.h>
#include <linux/device.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"

/**
 * struct zone_host_vmcore - the data area as a kdump kernel sees it
 * @cb: registered with /proc/vmcore
 * @lock: protects the fields below
 * @registered: @cb is registered (once, for the kernel's lifetime)
 * @start: guest-physical address of the data area; 0 with @size before a
 *	device is bound
 * @size: bytes of the data area
 * @sb_size: bytes per subblock
 * @asked: the host was asked; @error and @backed hold its answer
 * @error: 0, or why the host could not say (every frame of the data area
 *	is then not RAM: a dump without ZONE_HOST's contents is better than
 *	a host that allocates the whole data area)
 * @backed: one bit per subblock, set when the host backs it
 */
struct zone_host_vmcore {
	struct vmcore_cb cb;
	struct mutex lock;	/* protects the fields below */
	bool registered;
	phys_addr_t start;
	u64 size;
	u32 sb_size;
	bool asked;
	int error;
	unsigned long *backed;
};

static struct zone_host_vmcore zone_host_vmcore = {
	.lock = __MUTEX_INITIALIZER(zone_host_vmcore.lock),
};

/* Ask the host for its map of @nr subblocks, a payload's worth per call. */
static int zone_host_vmcore_fetch(struct zone_host_vmcore *v, u64 nr)
{
	u64 per = (u64)vmrpc_max_payload() * BITS_PER_BYTE;
	u64 first, i;
	u32 count;
	int ret = 0;
	u8 *bits;

	if (!per)
		return -ENODEV;
	per = min_t(u64, per, round_down(U32_MAX, BITS_PER_BYTE));
	v->backed = bitmap_zalloc(nr, GFP_KERNEL);
	bits = kmalloc(DIV_ROUND_UP(min(per, nr), BITS_PER_BYTE), GFP_KERNEL);
	if (!v->backed || !bits) {
		ret = -ENOMEM;
		goto out;
	}
	for (first = 0; first < nr; first += count) {
		count = min(per, nr - first);
		ret = zone_host_call_host_map(first, count, bits);
		if (ret)
			goto out;
		for (i = 0; i < count; i++)
			if (bits[i / BITS_PER_BYTE] & BIT(i % BITS_PER_BYTE))
				__set_bit(first + i, v->backed);
	}
out:
	kfree(bits);
	if (ret) {
		bitmap_free(v->backed);
		v->backed = NULL;
	}
	return ret;
}

static bool zone_host_vmcore_pfn_is_ram(struct vmcore_cb *cb,
					unsigned long pfn)
{
	struct zone_host_vmcore *v =
		container_of(cb, struct zone_host_vmcore, cb);
	const phys_addr_t addr = PFN_PHYS(pfn);
	bool ram = true;
	u64 off;

	mutex_lock(&v->lock);
	if (!v->size || addr < v->start || addr - v->start >= v->size)
		goto out;
	off = addr - v->start;
	if (!v->asked) {
		const u64 nr = div_u64(v->size, v->sb_size);

		v->error = zone_host_vmcore_fetch(v, nr);
		v->asked = true;
		if (v->error)
			pr_warn("the host cannot say which subblocks it backs (%d): /proc/vmcore reads the data area as zeros\n",
				v->error);
		else
			pr_info("/proc/vmcore reads %u of %llu subblocks of the data area; the others read as zeros\n",
				bitmap_weight(v->backed, nr), nr);
	}
	ram = !v->error && test_bit(div_u64(off, v->sb_size), v->backed);
out:
	mutex_unlock(&v->lock);
	return ram;
}

/**
 * zone_host_vmcore_attach() - a kdump kernel found the zonehost device
 * @area: its data area, as the driver checked it
 *
 * Registers the vmcore callback that hides the subblocks the host does not
 * back. The driver binds at boot, before anything can open /proc/vmcore;
 * the host is asked at the first read of the data area.
 */
void zone_host_vmcore_attach(const struct vmrpc_data_area *area)
{
	struct zone_host_vmcore *v = &zone_host_vmcore;

	if (!area->subblock_size || !is_power_of_2(area->subblock_size) ||
	    !area->size || area->size % area->subblock_size) {
		dev_err(area->dev, "zone_host: kdump kernel: a data area of %llu bytes in subblocks of %u: not reading it in /proc/vmcore\n",
			area->size, area->subblock_size);
		return;
	}
	mutex_lock(&v->lock);
	if (v->size && (area->start != v->start || area->size != v->size ||
			area->subblock_size != v->sb_size)) {
		/* Not the area the crashed kernel used: keep the first. */
		mutex_unlock(&v->lock);
		dev_warn(area->dev, "zone_host: a different data area in the kdump kernel; /proc/vmcore keeps the first\n");
		return;
	}
	v->start = area->start;
	v->size = area->size;
	v->sb_size = area->subblock_size;
	if (!v->registered) {
		v->cb.pfn_is_ram = zone_host_vmcore_pfn_is_ram;
		register_vmcore_cb(&v->cb);
		v->registered = true;
	}
	mutex_unlock(&v->lock);
	dev_info(area->dev, "zone_host: kdump kernel: /proc/vmcore reads only the subblocks the host backs\n");
}
