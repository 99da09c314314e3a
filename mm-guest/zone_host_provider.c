// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ZONE_HOST provider: when the zonehost device binds, check that its
 * data area can be hot-added (alignment to memory blocks, the pluggable
 * physical range, the subblock size), register a ZONE_HOST memory group
 * for it, learn from the host how much memory it grants, and start
 * plugging. Memory blocks of the data area stay online for as long as the
 * guest runs: nobody else may offline them. Resizing is in
 * zone_host_resize.c.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/bitmap.h>
#include <linux/crash_dump.h>
#include <linux/device.h>
#include <linux/init.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"
#include "zone_host_wss.h"

/*
 * Messages about the device name it by the copy taken at attach: the
 * device itself may be gone by the time the attach work runs.
 */
#define zh_err(zp, fmt, ...)	pr_err("%s: " fmt, (zp)->dev_name, ##__VA_ARGS__)
#define zh_warn(zp, fmt, ...)	pr_warn("%s: " fmt, (zp)->dev_name, ##__VA_ARGS__)
#define zh_info(zp, fmt, ...)	pr_info("%s: " fmt, (zp)->dev_name, ##__VA_ARGS__)

/*
 * Check the data area against what memory hot-add accepts. Every failure
 * is a host or VM configuration problem, so say what to change.
 */
static int zone_host_check_area(struct zone_host_provider *zp,
				const struct vmrpc_data_area *a, u64 *usable)
{
	const u64 block = memory_block_size_bytes();
	const u64 pageblock = PAGE_SIZE << pageblock_order;
	struct range pluggable = mhp_get_pluggable_range(true);

	if (!is_power_of_2(a->subblock_size) || a->subblock_size < pageblock ||
	    a->subblock_size > block) {
		zh_err(zp, "subblock size %u is not a power of two from %llu to the memory block size %llu\n",
		       a->subblock_size, pageblock, block);
		return -EINVAL;
	}
	if (!IS_ALIGNED(a->start, block)) {
		zh_err(zp, "data area at %pa is not aligned to this guest's %llu MiB memory blocks (guests of 64 GiB or more have blocks larger than the 128 MiB control area): ZONE_HOST stays empty\n",
		       &a->start, block >> 20);
		return -EINVAL;
	}
	*usable = round_down(a->size, block);
	if (!*usable) {
		zh_err(zp, "data area of %llu MiB is smaller than one memory block (%llu MiB); make BAR2 larger\n",
		       a->size >> 20, block >> 20);
		return -EINVAL;
	}
	if (a->start < pluggable.start ||
	    a->start + *usable - 1 > pluggable.end) {
		zh_err(zp, "data area %pa+%llu MiB is outside the range memory can be hot-added to ([%#llx-%#llx])\n",
		       &a->start, *usable >> 20, pluggable.start, pluggable.end);
		return -ERANGE;
	}
	if (*usable != a->size)
		zh_warn(zp, "using %llu of the %llu MiB data area: the rest is not a whole memory block\n",
			*usable >> 20, a->size >> 20);
	return 0;
}

/*
 * Set @attached, unless the device went (or went and came back) since the
 * attach that generation @gen stands for. Return: whether it was set.
 */
static bool zone_host_publish_attached(struct zone_host_provider *zp, u64 gen)
{
	bool live;

	spin_lock(&zp->req_lock);
	live = zp->bind_gen == gen;
	if (live)
		WRITE_ONCE(zp->attached, true);
	spin_unlock(&zp->req_lock);
	return live;
}

static int zone_host_setup(struct zone_host_provider *zp,
			   const struct vmrpc_data_area *a, u64 gen)
{
	u64 usable, requested, max;
	int nid, ret;
	u32 flags;

	ret = zone_host_check_area(zp, a, &usable);
	if (ret)
		return ret;
	if (zp->mgid >= 0) {
		/* A device bound again: only the same area can be reused. */
		if (a->start != zp->start || usable != zp->size ||
		    a->subblock_size != zp->sb_size) {
			zh_err(zp, "a different data area than the one already in use; not using it\n");
			return -EBUSY;
		}
		/* The old BAR took the blocks' resources along. */
		zone_host_plug_claim_resources(zp);
	} else {
		zp->start = a->start;
		zp->size = usable;
		zp->block_size = memory_block_size_bytes();
		zp->sb_size = a->subblock_size;
		zp->sb_pages = PHYS_PFN(zp->sb_size);
		zp->sb_order = ilog2(zp->sb_pages);
		zp->nr_sb = div64_u64(usable, zp->sb_size);
		zp->sb_per_block = div64_u64(zp->block_size, zp->sb_size);
		zp->nr_blocks = div64_u64(usable, zp->block_size);
		zp->plugged = bitmap_zalloc(zp->nr_sb, GFP_KERNEL);
		zp->pending = bitmap_zalloc(zp->nr_sb, GFP_KERNEL);
		zp->added = bitmap_zalloc(zp->nr_blocks, GFP_KERNEL);
		if (!zp->plugged || !zp->pending || !zp->added)
			goto err_nomem;

		nid = memory_add_physaddr_to_nid(zp->start);
		ret = memory_group_register_host(nid, PHYS_PFN(zp->block_size));
		if (ret < 0)
			goto err_free;
		zp->mgid = ret;
		zp->nid = nid;
		/* Count mlocked pages from the first page added. */
		ret = zone_host_pin_setup(zp);
		if (ret)
			goto err_group;
		ret = zone_host_paging_setup(zp);
		if (ret)
			goto err_group;
		ret = zone_host_plug_register(zp);
		if (ret)
			goto err_group;
		/* A fresh guest uses nothing the host may still count. */
		ret = zone_host_call_unplug_all();
		if (ret) {
			zh_err(zp, "the host did not reset the memory state: %d\n",
			       ret);
			goto err_group;
		}
	}
	ret = zone_host_call_config(&requested, &max, &flags);
	if (ret) {
		zh_err(zp, "cannot read the memory configuration from the host: %d\n",
		       ret);
		return ret;
	}
	WRITE_ONCE(zp->max, min(max, zp->size));
	zp->host_stages = flags & VMRPC_MEM_CFG_STAGES;
	/* Attached only if the device did not go while this ran. */
	if (!zone_host_publish_attached(zp, gen))
		return -ENODEV;
	zh_info(zp, "data area %pa, %llu MiB in %lu memory blocks of %llu MiB, subblocks of %llu MiB; host grants up to %llu MiB\n",
		&zp->start, zp->size >> 20, zp->nr_blocks,
		zp->block_size >> 20, zp->sb_size >> 20, zp->max >> 20);
	atomic64_inc(&zp->stats.requests);
	zone_host_request(zp, requested);
	zone_host_pin_attach(zp);
	queue_delayed_work(zp->wq, &zp->pressure, HZ);
	if (IS_ENABLED(CONFIG_ZONE_HOST_WSS))
		zone_host_wss_attach();
	return 0;

err_group:
	memory_group_unregister(zp->mgid);
	zp->mgid = -1;
	goto err_free;
err_nomem:
	ret = -ENOMEM;
err_free:
	bitmap_free(zp->plugged);
	bitmap_free(zp->pending);
	bitmap_free(zp->added);
	zp->plugged = NULL;
	zp->pending = NULL;
	zp->added = NULL;
	return ret;
}

static void zone_host_attach_work(struct work_struct *work)
{
	struct zone_host_provider *zp =
		container_of(work, struct zone_host_provider, attach_work);
	struct vmrpc_data_area area;
	u64 gen;
	int ret;

	spin_lock(&zp->req_lock);
	area = zp->area;
	gen = zp->bind_gen;
	spin_unlock(&zp->req_lock);
	mutex_lock(&zp->lock);
	ret = zone_host_setup(zp, &area, gen);
	if (ret)
		WRITE_ONCE(zp->error, -ret);
	mutex_unlock(&zp->lock);
}

static void zone_host_attach_cb(struct vmrpc_client *client,
				const struct vmrpc_data_area *area)
{
	struct zone_host_provider *zp =
		container_of(client, struct zone_host_provider, client);

	/*
	 * A kdump kernel must leave the data area alone: it holds the
	 * crashed kernel's memory that /proc/vmcore is about to read, and
	 * attaching would tell the host to free all of it (UNPLUG_ALL). It
	 * only keeps /proc/vmcore off the subblocks the host does not back.
	 */
	if (is_kdump_kernel()) {
		zone_host_vmcore_attach(area);
		return;
	}
	spin_lock(&zp->req_lock);
	zp->area = *area;
	zp->area.dev = NULL;
	strscpy(zp->dev_name, dev_name(area->dev), sizeof(zp->dev_name));
	zp->bind_gen++;
	spin_unlock(&zp->req_lock);
	queue_work(zp->wq, &zp->attach_work);
}

/*
 * The device is going. This must not wait for @zp->lock, nor for work
 * that holds it: an ACPI eject detaches under device_hotplug_lock, which
 * a resize holding @zp->lock may be waiting for in
 * add_memory_driver_managed(). It need not wait either: the driver failed
 * every call before detaching, so a resize in progress ends with its
 * step, sees @attached clear and stops; an attach in progress sees
 * @bind_gen change and does not attach. Nothing they use is freed.
 */
static void zone_host_detach_cb(struct vmrpc_client *client)
{
	struct zone_host_provider *zp =
		container_of(client, struct zone_host_provider, client);
	unsigned long plugged;
	bool was_attached;

	spin_lock(&zp->req_lock);
	zp->bind_gen++;
	was_attached = zp->attached;
	WRITE_ONCE(zp->attached, false);
	spin_unlock(&zp->req_lock);
	cancel_work(&zp->attach_work);
	cancel_work(&zp->work);
	/* The pressure worker takes no lock, and its calls fail now. */
	cancel_delayed_work_sync(&zp->pressure);
	zone_host_paging_detach(zp);
	/* Before the PCI core frees the BAR resource they hang off. */
	if (was_attached)
		zone_host_plug_release_resources(zp);
	plugged = READ_ONCE(zp->nr_plugged);
	if (plugged)
		pr_warn("zonehost device gone with %lu MiB plugged: that memory stays in use\n",
			(plugged * zp->sb_pages) >> (20 - PAGE_SHIFT));
}

/*
 * Memory blocks of the data area are offlined by nobody but the provider:
 * an offline block would hide plugged memory from the guest while the host
 * still backs it, and onlining it again would hand subblocks the host
 * never granted to the page allocator.
 */
static int zone_host_memory_notifier(struct notifier_block *nb,
				     unsigned long action, void *arg)
{
	struct zone_host_provider *zp =
		container_of(nb, struct zone_host_provider, memory_nb);
	const struct memory_notify *mn = arg;
	const phys_addr_t start = PFN_PHYS(mn->start_pfn);
	const phys_addr_t end = start + PFN_PHYS(mn->nr_pages);

	if (action != MEM_GOING_OFFLINE || !zp->size ||
	    end <= zp->start || start >= zp->start + zp->size)
		return NOTIFY_OK;
	pr_warn_ratelimited("refusing to offline [%pa-%pa]: ZONE_HOST memory is given back through the host (balloon-ctl set)\n",
			    &start, &end);
	return notifier_from_errno(-EBUSY);
}

/*
 * Hibernation saves and restores the guest's RAM by page frame. After
 * resume the boot kernel has not hot-added the data area, so the image
 * would refer to frames that do not exist, and the host may have taken
 * back what the image holds. Refuse while any host memory is plugged or
 * any block of the data area is added, as virtio-mem refuses while it has
 * memory. Added blocks stay added after a shrink to 0 (removing them is
 * not implemented), so a guest that ever had host memory cannot hibernate
 * until it reboots.
 */
static int zone_host_pm_notifier(struct notifier_block *nb,
				 unsigned long action, void *arg)
{
	struct zone_host_provider *zp =
		container_of(nb, struct zone_host_provider, pm_nb);

	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_OK;
	if (!READ_ONCE(zp->nr_plugged) && !READ_ONCE(zp->nr_added))
		return NOTIFY_OK;
	pr_err("hibernation refused: ZONE_HOST holds host memory (%llu MiB plugged in %llu MiB added)\n",
	       zone_host_plugged_bytes(zp) >> 20,
	       zone_host_added_bytes(zp) >> 20);
	/* -EBUSY reaches the writer of /sys/power/state. */
	return notifier_from_errno(-EBUSY);
}

/*
 * The provider lives for as long as the guest runs (it cannot be a module:
 * plugged memory cannot be given back once the code that tracks it is
 * gone), so it is allocated once here and never freed.
 */
static struct zone_host_provider *zone_host_provider_alloc(void)
{
	struct zone_host_provider *zp = kzalloc(sizeof(*zp), GFP_KERNEL);

	if (!zp)
		return NULL;
	/* Resizing waits for the host: not on a system queue. */
	zp->wq = alloc_workqueue("zone_host", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!zp->wq) {
		kfree(zp);
		return NULL;
	}
	mutex_init(&zp->lock);
	spin_lock_init(&zp->req_lock);
	zp->mgid = -1;
	zp->nid = NUMA_NO_NODE;
	zp->floor_margin = ZONE_HOST_FLOOR_MARGIN_DEFAULT;
	INIT_WORK(&zp->work, zone_host_resize);
	INIT_DEFERRABLE_WORK(&zp->pressure, zone_host_pressure);
	INIT_WORK(&zp->attach_work, zone_host_attach_work);
	zone_host_pin_init(zp);
	zone_host_paging_init(zp);
	zp->client.name = "zone_host";
	zp->client.attach = zone_host_attach_cb;
	zp->client.detach = zone_host_detach_cb;
	zp->memory_nb.notifier_call = zone_host_memory_notifier;
	zp->pm_nb.notifier_call = zone_host_pm_notifier;
	return zp;
}

static void zone_host_provider_free(struct zone_host_provider *zp)
{
	destroy_workqueue(zp->wq);
	kfree(zp);
}

static int __init zone_host_provider_init(void)
{
	struct zone_host_provider *zp;
	int ret;

	zp = zone_host_provider_alloc();
	if (!zp)
		return -ENOMEM;
	ret = register_memory_notifier(&zp->memory_nb);
	if (ret)
		goto err_free;
	ret = register_pm_notifier(&zp->pm_nb);
	if (ret)
		goto err_memory_nb;
	ret = zone_host_pressure_init(zp);
	if (ret)
		goto err_pm_nb;
	ret = zone_host_serve_init(zp);
	if (ret)
		goto err_pressure;
	if (IS_ENABLED(CONFIG_ZONE_HOST_WSS)) {
		ret = zone_host_wss_init();
		if (ret)
			goto err_serve;
		ret = zone_host_wss_rpc_init();
		if (ret)
			goto err_wss;
	}
	ret = zone_host_sysfs_init(zp);
	if (ret)
		goto err_wss_rpc;
	ret = vmrpc_register_client(&zp->client);
	if (ret)
		goto err_sysfs;
	return 0;

err_sysfs:
	zone_host_sysfs_exit(zp);
err_wss_rpc:
	if (IS_ENABLED(CONFIG_ZONE_HOST_WSS))
		zone_host_wss_rpc_exit();
err_wss:
	if (IS_ENABLED(CONFIG_ZONE_HOST_WSS))
		zone_host_wss_exit();
err_serve:
	zone_host_serve_exit(zp);
err_pressure:
	zone_host_pressure_exit(zp);
err_pm_nb:
	unregister_pm_notifier(&zp->pm_nb);
err_memory_nb:
	unregister_memory_notifier(&zp->memory_nb);
err_free:
	zone_host_provider_free(zp);
	return ret;
}
device_initcall(zone_host_provider_init);

#include "zone_host_provider_kunit.h"
