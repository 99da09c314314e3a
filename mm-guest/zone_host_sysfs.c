// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/mm/zone_host/: what the provider holds, for people and tests.
 *
 *   plugged_bytes        subblocks plugged and given to the page allocator
 *   requested_bytes      the size the host asked for
 *   usable_bytes         the most this guest can plug (data area, capped by
 *                        the host's maximum)
 *   added_bytes          memory blocks of the data area hot-added
 *   block_size_bytes     the guest's memory block size
 *   subblock_size_bytes  the host's plug unit
 *   data_start           guest-physical start of the data area (hex)
 *   state                none, idle, resizing or stuck
 *   reason               why the last resize stopped short, "reached" if
 *                        it did not
 *   error                errno of the last failed step, 0 if none
 *   floor_bytes          the least MemAvailable kept when unplugging
 *                        (MemAvailable leaves the kernel's reserves out)
 *   floor_margin_bytes   the setting it comes from (rw)
 *   stats/               counters
 *   pin/                 pinning: mlocked_bytes, wanted_bytes,
 *                        pinned_bytes, shortfall_bytes, last_refusal,
 *                        enabled, and its counters
 *   paging/              host paging: mode (guest or host), reason,
 *                        fallback_priority and idle_windows (rw), and its
 *                        counters (pages)
 *   wss/                 the working-set estimator (zone_host_wss_sysfs.c)
 */
#include <linux/kobject.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmrpc.h>

#include "zone_host_provider.h"
#include "zone_host_wss.h"

/* The directory's kobject, which knows its provider. */
struct zone_host_kobj {
	struct kobject kobj;
	struct zone_host_provider *zp;
};

static struct zone_host_provider *to_zp(struct kobject *kobj)
{
	return container_of(kobj, struct zone_host_kobj, kobj)->zp;
}

#define ZH_ATTR_RO(_name) \
	static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

static ssize_t plugged_bytes_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", zone_host_plugged_bytes(to_zp(kobj)));
}
ZH_ATTR_RO(plugged_bytes);

static ssize_t requested_bytes_show(struct kobject *kobj,
				    struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(to_zp(kobj)->requested));
}
ZH_ATTR_RO(requested_bytes);

static ssize_t usable_bytes_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(to_zp(kobj)->max));
}
ZH_ATTR_RO(usable_bytes);

static ssize_t added_bytes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", zone_host_added_bytes(to_zp(kobj)));
}
ZH_ATTR_RO(added_bytes);

static ssize_t block_size_bytes_show(struct kobject *kobj,
				     struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lu\n", memory_block_size_bytes());
}
ZH_ATTR_RO(block_size_bytes);

static ssize_t subblock_size_bytes_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", to_zp(kobj)->sb_size);
}
ZH_ATTR_RO(subblock_size_bytes);

static ssize_t data_start_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%#llx\n", (u64)to_zp(kobj)->start);
}
ZH_ATTR_RO(data_start);

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	static const char *const names[] = { VMRPC_MEM_STATE_NAMES };

	return sysfs_emit(buf, "%s\n", names[zone_host_state(to_zp(kobj))]);
}
ZH_ATTR_RO(state);

static ssize_t error_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(to_zp(kobj)->error));
}
ZH_ATTR_RO(error);

static ssize_t reason_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  zone_host_reason_name(READ_ONCE(to_zp(kobj)->reason)));
}
ZH_ATTR_RO(reason);

static ssize_t floor_bytes_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", zone_host_floor_bytes(to_zp(kobj)));
}
ZH_ATTR_RO(floor_bytes);

static ssize_t floor_margin_bytes_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", READ_ONCE(to_zp(kobj)->floor_margin));
}

static ssize_t floor_margin_bytes_store(struct kobject *kobj,
					struct kobj_attribute *attr,
					const char *buf, size_t count)
{
	u64 v;
	int ret;

	ret = kstrtou64(buf, 0, &v);
	if (ret)
		return ret;
	WRITE_ONCE(to_zp(kobj)->floor_margin, v);
	return count;
}

static struct kobj_attribute floor_margin_bytes_attr =
	__ATTR_RW(floor_margin_bytes);

static struct attribute *zone_host_attrs[] = {
	&plugged_bytes_attr.attr,
	&requested_bytes_attr.attr,
	&usable_bytes_attr.attr,
	&added_bytes_attr.attr,
	&block_size_bytes_attr.attr,
	&subblock_size_bytes_attr.attr,
	&data_start_attr.attr,
	&state_attr.attr,
	&reason_attr.attr,
	&error_attr.attr,
	&floor_bytes_attr.attr,
	&floor_margin_bytes_attr.attr,
	NULL,
};

static const struct attribute_group zone_host_attr_group = {
	.attrs = zone_host_attrs,
};

/* A counter of struct zone_host_stats as a read-only file. */
struct zone_host_stat_attr {
	struct kobj_attribute attr;
	size_t offset;		/* of the counter in struct zone_host_stats */
};

static ssize_t zone_host_stat_show(struct kobject *kobj,
				   struct kobj_attribute *attr, char *buf)
{
	struct zone_host_stat_attr *sa =
		container_of(attr, struct zone_host_stat_attr, attr);

	atomic64_t *counter = (void *)&to_zp(kobj)->stats + sa->offset;

	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

/* A counter file: @_counter of @_type, shown by @_show. */
#define ZH_COUNTER(_file, _show, _type, _counter) {			\
	.attr = __ATTR(_file, 0444, _show, NULL),			\
	.offset = offsetof(_type, _counter),				\
}

#define ZH_STAT(_file, _counter)					\
	ZH_COUNTER(_file, zone_host_stat_show, struct zone_host_stats, _counter)

static struct zone_host_stat_attr zone_host_stat_files[] = {
	ZH_STAT(plug_requests, plug_requests),
	ZH_STAT(plug_refused, plug_refused),
	ZH_STAT(subblocks_plugged, subblocks_plugged),
	ZH_STAT(blocks_added, blocks_added),
	ZH_STAT(subblocks_unplugged, subblocks_unplugged),
	ZH_STAT(unplug_busy, unplug_busy),
	ZH_STAT(floor_stops, floor_stops),
	ZH_STAT(asks, asks),
	ZH_STAT(asks_refused, asks_refused),
	ZH_STAT(errors, errors),
	ZH_STAT(requests, requests),
};

static struct attribute *zone_host_stat_attrs[] = {
	&zone_host_stat_files[0].attr.attr,
	&zone_host_stat_files[1].attr.attr,
	&zone_host_stat_files[2].attr.attr,
	&zone_host_stat_files[3].attr.attr,
	&zone_host_stat_files[4].attr.attr,
	&zone_host_stat_files[5].attr.attr,
	&zone_host_stat_files[6].attr.attr,
	&zone_host_stat_files[7].attr.attr,
	&zone_host_stat_files[8].attr.attr,
	&zone_host_stat_files[9].attr.attr,
	&zone_host_stat_files[10].attr.attr,
	NULL,
};

static const struct attribute_group zone_host_stat_group = {
	.name = "stats",
	.attrs = zone_host_stat_attrs,
};

static ssize_t mlocked_bytes_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n",
			  (u64)zone_host_pin_mlocked(to_zp(kobj)) << PAGE_SHIFT);
}
ZH_ATTR_RO(mlocked_bytes);

/* Bytes of subblocks counted in one of the pin tracker's fields. */
#define ZH_PIN_BYTES(_file, _field)					\
static ssize_t _file##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	struct zone_host_provider *zp = to_zp(kobj);			\
									\
	return sysfs_emit(buf, "%llu\n",					\
			  (u64)READ_ONCE(zp->pin._field) * zp->sb_size); \
}									\
ZH_ATTR_RO(_file)

ZH_PIN_BYTES(wanted_bytes, nr_wanted);
ZH_PIN_BYTES(pinned_bytes, nr_pinned);
ZH_PIN_BYTES(shortfall_bytes, nr_short);

static ssize_t last_refusal_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	u32 reason = READ_ONCE(to_zp(kobj)->pin.reason);

	return sysfs_emit(buf, "%s\n", zone_host_pin_reason_name(reason));
}
ZH_ATTR_RO(last_refusal);

static ssize_t enabled_show(struct kobject *kobj,
			    struct kobj_attribute *attr, char *buf)
{
	struct zone_host_pin *pin = &to_zp(kobj)->pin;

	return sysfs_emit(buf, "%d\n", READ_ONCE(pin->enabled) &&
			  !READ_ONCE(pin->no_host));
}
ZH_ATTR_RO(enabled);

/* A counter of struct zone_host_pin_stats as a read-only file. */
static ssize_t zone_host_pin_stat_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct zone_host_stat_attr *sa =
		container_of(attr, struct zone_host_stat_attr, attr);
	atomic64_t *counter = (void *)&to_zp(kobj)->pin.stats + sa->offset;

	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

#define ZH_PIN_STAT(_file, _counter)					\
	ZH_COUNTER(_file, zone_host_pin_stat_show,			\
		   struct zone_host_pin_stats, _counter)

static struct zone_host_stat_attr zone_host_pin_stat_files[] = {
	ZH_PIN_STAT(updates, updates),
	ZH_PIN_STAT(refused, refused),
	ZH_PIN_STAT(errors, errors),
	ZH_PIN_STAT(underflows, underflows),
};

static struct attribute *zone_host_pin_attrs[] = {
	&mlocked_bytes_attr.attr,
	&wanted_bytes_attr.attr,
	&pinned_bytes_attr.attr,
	&shortfall_bytes_attr.attr,
	&last_refusal_attr.attr,
	&enabled_attr.attr,
	&zone_host_pin_stat_files[0].attr.attr,
	&zone_host_pin_stat_files[1].attr.attr,
	&zone_host_pin_stat_files[2].attr.attr,
	&zone_host_pin_stat_files[3].attr.attr,
	NULL,
};

static const struct attribute_group zone_host_pin_group = {
	.name = "pin",
	.attrs = zone_host_pin_attrs,
};

static ssize_t paging_mode_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	u32 mode = READ_ONCE(to_zp(kobj)->paging.mode);

	return sysfs_emit(buf, "%s\n",
			  mode == VMRPC_PAGING_MODE_HOST ? "host" : "guest");
}

static struct kobj_attribute paging_mode_attr =
	__ATTR(mode, 0444, paging_mode_show, NULL);

static ssize_t paging_reason_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	u32 reason = READ_ONCE(to_zp(kobj)->paging.reason);

	return sysfs_emit(buf, "%s\n", zone_host_paging_reason_name(reason));
}

static struct kobj_attribute paging_reason_attr =
	__ATTR(reason, 0444, paging_reason_show, NULL);

static ssize_t fallback_priority_show(struct kobject *kobj,
				      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  READ_ONCE(to_zp(kobj)->paging.fallback_priority));
}

/* -1 never falls back; DEF_PRIORITY always does (host mode in name only). */
static ssize_t fallback_priority_store(struct kobject *kobj,
				       struct kobj_attribute *attr,
				       const char *buf, size_t count)
{
	int v, ret;

	ret = kstrtoint(buf, 0, &v);
	if (ret)
		return ret;
	if (v < -1 || v > DEF_PRIORITY)
		return -EINVAL;
	WRITE_ONCE(to_zp(kobj)->paging.fallback_priority, v);
	return count;
}

static struct kobj_attribute fallback_priority_attr =
	__ATTR_RW(fallback_priority);

static ssize_t idle_windows_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n",
			  READ_ONCE(to_zp(kobj)->paging.idle_windows));
}

/* Ages are counted up to 254 windows (the estimator's). */
static ssize_t idle_windows_store(struct kobject *kobj,
				  struct kobj_attribute *attr,
				  const char *buf, size_t count)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(buf, 0, &v);
	if (ret)
		return ret;
	if (v > U8_MAX - 1)
		return -EINVAL;
	WRITE_ONCE(to_zp(kobj)->paging.idle_windows, v);
	return count;
}

static struct kobj_attribute idle_windows_attr = __ATTR_RW(idle_windows);

/* A counter of struct zone_host_paging_stats as a read-only file. */
static ssize_t zone_host_paging_stat_show(struct kobject *kobj,
					  struct kobj_attribute *attr, char *buf)
{
	struct zone_host_stat_attr *sa =
		container_of(attr, struct zone_host_stat_attr, attr);
	atomic64_t *counter = (void *)&to_zp(kobj)->paging.stats + sa->offset;

	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

#define ZH_PAGING_STAT(_file, _counter)					\
	ZH_COUNTER(_file, zone_host_paging_stat_show,			\
		   struct zone_host_paging_stats, _counter)

static struct zone_host_stat_attr zone_host_paging_stat_files[] = {
	ZH_PAGING_STAT(hinted, hinted),
	ZH_PAGING_STAT(hint_calls, hint_calls),
	ZH_PAGING_STAT(accepted, accepted),
	ZH_PAGING_STAT(kept, kept),
	ZH_PAGING_STAT(idle, idle),
	ZH_PAGING_STAT(guest_swapped, guest_swapped),
	ZH_PAGING_STAT(dropped, dropped),
	ZH_PAGING_STAT(errors, errors),
};

static struct attribute *zone_host_paging_attrs[] = {
	&paging_mode_attr.attr,
	&paging_reason_attr.attr,
	&fallback_priority_attr.attr,
	&idle_windows_attr.attr,
	&zone_host_paging_stat_files[0].attr.attr,
	&zone_host_paging_stat_files[1].attr.attr,
	&zone_host_paging_stat_files[2].attr.attr,
	&zone_host_paging_stat_files[3].attr.attr,
	&zone_host_paging_stat_files[4].attr.attr,
	&zone_host_paging_stat_files[5].attr.attr,
	&zone_host_paging_stat_files[6].attr.attr,
	&zone_host_paging_stat_files[7].attr.attr,
	NULL,
};

static const struct attribute_group zone_host_paging_group = {
	.name = "paging",
	.attrs = zone_host_paging_attrs,
};

static const struct attribute_group *zone_host_groups[] = {
	&zone_host_attr_group,
	&zone_host_stat_group,
	&zone_host_pin_group,
	&zone_host_paging_group,
	NULL,
};

static void zone_host_kobj_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct zone_host_kobj, kobj));
}

static const struct kobj_type zone_host_ktype = {
	.release = zone_host_kobj_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = zone_host_groups,
};

/**
 * zone_host_sysfs_init() - create /sys/kernel/mm/zone_host/
 * @zp: the provider the files show
 *
 * Return: 0 or a negative errno.
 */
int zone_host_sysfs_init(struct zone_host_provider *zp)
{
	struct zone_host_kobj *zk;
	int ret;

	/* Every counter file is listed in the group, and nothing else. */
	BUILD_BUG_ON(ARRAY_SIZE(zone_host_stat_attrs) !=
		     ARRAY_SIZE(zone_host_stat_files) + 1);
	BUILD_BUG_ON(ARRAY_SIZE(zone_host_pin_attrs) !=
		     ARRAY_SIZE(zone_host_pin_stat_files) + 7);
	BUILD_BUG_ON(ARRAY_SIZE(zone_host_paging_attrs) !=
		     ARRAY_SIZE(zone_host_paging_stat_files) + 5);
	zk = kzalloc(sizeof(*zk), GFP_KERNEL);
	if (!zk)
		return -ENOMEM;
	zk->zp = zp;
	ret = kobject_init_and_add(&zk->kobj, &zone_host_ktype, mm_kobj,
				   "zone_host");
	if (!ret && IS_ENABLED(CONFIG_ZONE_HOST_WSS))
		ret = zone_host_wss_sysfs_init(&zk->kobj);
	if (ret) {
		kobject_put(&zk->kobj);
		return ret;
	}
	zp->kobj = &zk->kobj;
	return 0;
}

/**
 * zone_host_sysfs_exit() - remove /sys/kernel/mm/zone_host/
 * @zp: the provider given to zone_host_sysfs_init()
 */
void zone_host_sysfs_exit(struct zone_host_provider *zp)
{
	kobject_put(zp->kobj);
	zp->kobj = NULL;
}
