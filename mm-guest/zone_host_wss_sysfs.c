// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/mm/zone_host/wss/: the working-set estimator's settings and
 * its last result, for people and for programs in the guest.
 *
 *   enabled          1 runs the estimator, 0 stops it and forgets (rw)
 *   window_ms        window length in milliseconds (rw; starts over)
 *   stride           pages per sample (rw; 0 picks it: 32, more for
 *                    guests above 4 GiB; starts over)
 *   windows          windows completed since it (re)started
 *   valid            1 once the result means something (two windows)
 *   scan_ns          CPU time of the last scan
 *   scan_total_ns    CPU time of all scans since it started
 *   host/, guest/    the estimate for ZONE_HOST and for all memory:
 *                    size_bytes, wss_bytes, wss_error_bytes, anon_bytes,
 *                    file_bytes, kernel_bytes, free_bytes, user_bytes,
 *                    pinned_bytes, samples, accessed, and idle_bytes
 *                    (VMRPC_WSS_NR_AGES values: bytes idle for less than
 *                    1, 2, 4, ... windows)
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/stddef.h>
#include <linux/sysfs.h>

#include "zone_host_wss.h"

#define ZH_WSS_ATTR_RO(_name) \
	static struct kobj_attribute _name##_attr = __ATTR_RO(_name)
#define ZH_WSS_ATTR_RW(_name) \
	static struct kobj_attribute _name##_attr = __ATTR_RW(_name)

static ssize_t enabled_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%d\n", zone_host_wss_enabled());
}

static ssize_t enabled_store(struct kobject *kobj, struct kobj_attribute *attr,
			     const char *buf, size_t count)
{
	bool on;
	int ret;

	ret = kstrtobool(buf, &on);
	if (!ret)
		ret = zone_host_wss_set_enabled(on);
	return ret ?: count;
}
ZH_WSS_ATTR_RW(enabled);

static ssize_t window_ms_show(struct kobject *kobj, struct kobj_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n", zone_host_wss_window_ms());
}

static ssize_t window_ms_store(struct kobject *kobj,
			       struct kobj_attribute *attr, const char *buf,
			       size_t count)
{
	unsigned int ms;
	int ret;

	ret = kstrtouint(buf, 0, &ms);
	if (!ret)
		ret = zone_host_wss_set_window_ms(ms);
	return ret ?: count;
}
ZH_WSS_ATTR_RW(window_ms);

static ssize_t stride_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", zone_host_wss_stride());
}

static ssize_t stride_store(struct kobject *kobj, struct kobj_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned int stride;
	int ret;

	ret = kstrtouint(buf, 0, &stride);
	if (!ret)
		ret = zone_host_wss_set_stride(stride);
	return ret ?: count;
}
ZH_WSS_ATTR_RW(stride);

static ssize_t windows_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct zone_host_wss_result res;

	zone_host_wss_result(&res);
	return sysfs_emit(buf, "%llu\n", res.windows);
}
ZH_WSS_ATTR_RO(windows);

static ssize_t valid_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct zone_host_wss_result res;

	zone_host_wss_result(&res);
	return sysfs_emit(buf, "%d\n", !!(res.flags & VMRPC_WSS_F_VALID));
}
ZH_WSS_ATTR_RO(valid);

static ssize_t scan_ns_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct zone_host_wss_result res;

	zone_host_wss_result(&res);
	return sysfs_emit(buf, "%llu\n", res.scan_ns);
}
ZH_WSS_ATTR_RO(scan_ns);

static ssize_t scan_total_ns_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	struct zone_host_wss_result res;

	zone_host_wss_result(&res);
	return sysfs_emit(buf, "%llu\n", res.scan_total_ns);
}
ZH_WSS_ATTR_RO(scan_total_ns);

static struct attribute *zone_host_wss_attrs[] = {
	&enabled_attr.attr,
	&window_ms_attr.attr,
	&stride_attr.attr,
	&windows_attr.attr,
	&valid_attr.attr,
	&scan_ns_attr.attr,
	&scan_total_ns_attr.attr,
	NULL,
};

static const struct attribute_group zone_host_wss_group = {
	.attrs = zone_host_wss_attrs,
};

/* The files of host/ and guest/: one field of a region's estimate each. */
static const struct {
	const char *name;
	size_t offset;		/* in struct zone_host_wss_region */
	bool is_u32;
} zone_host_wss_fields[] = {
	{ "size_bytes", offsetof(struct zone_host_wss_region, size) },
	{ "wss_bytes", offsetof(struct zone_host_wss_region, wss) },
	{ "wss_error_bytes", offsetof(struct zone_host_wss_region, wss_error) },
	{ "anon_bytes", offsetof(struct zone_host_wss_region, anon) },
	{ "file_bytes", offsetof(struct zone_host_wss_region, file) },
	{ "kernel_bytes", offsetof(struct zone_host_wss_region, kernel) },
	{ "free_bytes", offsetof(struct zone_host_wss_region, free) },
	{ "user_bytes", offsetof(struct zone_host_wss_region, user) },
	{ "pinned_bytes", offsetof(struct zone_host_wss_region, pinned) },
	{ "samples", offsetof(struct zone_host_wss_region, samples), true },
	{ "accessed", offsetof(struct zone_host_wss_region, accessed), true },
};

#define ZH_WSS_NR_FIELDS	ARRAY_SIZE(zone_host_wss_fields)
/* The fields, then idle_bytes. */
#define ZH_WSS_NR_FILES		(ZH_WSS_NR_FIELDS + 1)

struct zone_host_wss_attr {
	struct kobj_attribute attr;
	int region;		/* VMRPC_WSS_REGION_* */
	int field;		/* in zone_host_wss_fields */
};

static ssize_t zone_host_wss_field_show(struct kobject *kobj,
					struct kobj_attribute *attr, char *buf)
{
	struct zone_host_wss_attr *a =
		container_of(attr, struct zone_host_wss_attr, attr);
	struct zone_host_wss_result res;
	const void *field;

	zone_host_wss_result(&res);
	field = (const char *)&res.region[a->region] +
		zone_host_wss_fields[a->field].offset;
	if (zone_host_wss_fields[a->field].is_u32)
		return sysfs_emit(buf, "%u\n", *(const u32 *)field);
	return sysfs_emit(buf, "%llu\n", *(const u64 *)field);
}

static ssize_t zone_host_wss_idle_show(struct kobject *kobj,
				       struct kobj_attribute *attr, char *buf)
{
	struct zone_host_wss_attr *a =
		container_of(attr, struct zone_host_wss_attr, attr);
	struct zone_host_wss_result res;
	int i, len = 0;

	zone_host_wss_result(&res);
	for (i = 0; i < VMRPC_WSS_NR_AGES; i++)
		len += sysfs_emit_at(buf, len, "%s%llu", i ? " " : "",
				     res.region[a->region].idle[i]);
	return len + sysfs_emit_at(buf, len, "\n");
}

static struct zone_host_wss_attr zone_host_wss_files[VMRPC_WSS_NR_REGIONS][ZH_WSS_NR_FILES];
static struct attribute *zone_host_wss_region_attrs[VMRPC_WSS_NR_REGIONS][ZH_WSS_NR_FILES + 1];
static struct attribute_group zone_host_wss_region_groups[VMRPC_WSS_NR_REGIONS] = {
	[VMRPC_WSS_REGION_HOST] = { .name = "host" },
	[VMRPC_WSS_REGION_GUEST] = { .name = "guest" },
};

/* Fill in the attributes of region @r's directory. */
static void zone_host_wss_region_files(int r)
{
	struct zone_host_wss_attr *a;
	int i;

	for (i = 0; i < ZH_WSS_NR_FILES; i++) {
		a = &zone_host_wss_files[r][i];
		sysfs_attr_init(&a->attr.attr);
		a->region = r;
		a->field = i;
		a->attr.attr.mode = 0444;
		if (i < ZH_WSS_NR_FIELDS) {
			a->attr.attr.name = zone_host_wss_fields[i].name;
			a->attr.show = zone_host_wss_field_show;
		} else {
			a->attr.attr.name = "idle_bytes";
			a->attr.show = zone_host_wss_idle_show;
		}
		zone_host_wss_region_attrs[r][i] = &a->attr.attr;
	}
	zone_host_wss_region_groups[r].attrs = zone_host_wss_region_attrs[r];
}

/**
 * zone_host_wss_sysfs_init() - create the wss/ directory
 * @parent: /sys/kernel/mm/zone_host/
 *
 * Return: 0 or a negative errno.
 */
int zone_host_wss_sysfs_init(struct kobject *parent)
{
	struct kobject *kobj;
	int r, ret;

	kobj = kobject_create_and_add("wss", parent);
	if (!kobj)
		return -ENOMEM;
	ret = sysfs_create_group(kobj, &zone_host_wss_group);
	for (r = 0; !ret && r < VMRPC_WSS_NR_REGIONS; r++) {
		zone_host_wss_region_files(r);
		ret = sysfs_create_group(kobj, &zone_host_wss_region_groups[r]);
	}
	if (ret)
		kobject_put(kobj);
	return ret;
}
