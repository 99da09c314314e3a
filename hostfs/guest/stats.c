// SPDX-License-Identifier: GPL-2.0-only
/*
 * hostfs: counters, in /sys/kernel/hostfs/, one file each. The bounce
 * counters tell whether the guest copied file data: bounce_zone_host_bytes
 * counts pages of the data area that went through the payload anyway
 * (0 unless the host cannot reach frames).
 */
#define pr_fmt(fmt) "hostfs: " fmt

#include <linux/atomic.h>
#include <linux/kobject.h>
#include <linux/sysfs.h>

#include "hostfs.h"

static atomic64_t hostfs_stats[HOSTFS_NR_STATS];
static struct kobject *hostfs_kobj;

/**
 * hostfs_count() - add to a counter
 * @stat: which
 * @n: how much
 */
void hostfs_count(enum hostfs_stat stat, u64 n)
{
	atomic64_add(n, &hostfs_stats[stat]);
}

#define HOSTFS_STAT_ATTR(_name, _stat)					\
static ssize_t _name##_show(struct kobject *kobj,			\
			    struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%lld\n",				\
			  atomic64_read(&hostfs_stats[_stat]));		\
}									\
static struct kobj_attribute _name##_attr = __ATTR_RO(_name)

HOSTFS_STAT_ATTR(frames_read_bytes, HOSTFS_FRAMES_READ_BYTES);
HOSTFS_STAT_ATTR(frames_written_bytes, HOSTFS_FRAMES_WRITTEN_BYTES);
HOSTFS_STAT_ATTR(bounce_read_bytes, HOSTFS_BOUNCE_READ_BYTES);
HOSTFS_STAT_ATTR(bounce_written_bytes, HOSTFS_BOUNCE_WRITTEN_BYTES);
HOSTFS_STAT_ATTR(bounce_zone_host_bytes, HOSTFS_BOUNCE_ZONE_HOST_BYTES);
HOSTFS_STAT_ATTR(calls, HOSTFS_CALLS);
HOSTFS_STAT_ATTR(errors, HOSTFS_ERRORS);
HOSTFS_STAT_ATTR(timeouts, HOSTFS_TIMEOUTS);
HOSTFS_STAT_ATTR(invalidations, HOSTFS_INVALIDATIONS);

static struct attribute *hostfs_stat_attrs[] = {
	&frames_read_bytes_attr.attr,
	&frames_written_bytes_attr.attr,
	&bounce_read_bytes_attr.attr,
	&bounce_written_bytes_attr.attr,
	&bounce_zone_host_bytes_attr.attr,
	&calls_attr.attr,
	&errors_attr.attr,
	&timeouts_attr.attr,
	&invalidations_attr.attr,
	NULL,
};

static const struct attribute_group hostfs_stat_group = {
	.attrs = hostfs_stat_attrs,
};

/**
 * hostfs_stats_init() - create /sys/kernel/hostfs/
 *
 * Return: 0 or a negative errno.
 */
int hostfs_stats_init(void)
{
	int ret;

	hostfs_kobj = kobject_create_and_add("hostfs", kernel_kobj);
	if (!hostfs_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(hostfs_kobj, &hostfs_stat_group);
	if (ret)
		kobject_put(hostfs_kobj);
	return ret;
}

/**
 * hostfs_stats_exit() - remove /sys/kernel/hostfs/
 */
void hostfs_stats_exit(void)
{
	kobject_put(hostfs_kobj);
}
