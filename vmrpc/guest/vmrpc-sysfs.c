// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: what it shows to guest userspace.
 *
 * sysfs, under the PCI device's vmrpc/ directory: the counters (calls,
 * errors, timeouts, in flight, for both directions) and the host's state.
 *
 * debugfs, in vmrpc/: files that make guest->host calls, for tests and
 * benchmarks run inside the guest:
 *   ping       read: one null call; prints "<round trip ns>"
 *   host_info  read: VMRPC_CORE_HOST_INFO, one "key value" per line
 *   bench      write "COUNT SIZE": COUNT ping calls of SIZE bytes each;
 *              read: the result of the last run
 *   floor      write "COUNT": COUNT raw doorbell round trips, the floor
 *              of the calls (vmrpc-floor.c); read: the result
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vmrpc-internal.h"

#define VMRPC_STAT_ATTR(_name, _field)					\
static ssize_t _name##_show(struct device *dev,				\
			    struct device_attribute *attr, char *buf)	\
{									\
	struct vmrpc_dev *vdev = dev_get_drvdata(dev);			\
									\
	return sysfs_emit(buf, "%lld\n",				\
			  atomic64_read(&vdev->stats._field));		\
}									\
static DEVICE_ATTR_RO(_name)

VMRPC_STAT_ATTR(calls, calls);
VMRPC_STAT_ATTR(errors, errors);
VMRPC_STAT_ATTR(timeouts, timeouts);
VMRPC_STAT_ATTR(in_flight, in_flight);
VMRPC_STAT_ATTR(reverse_calls, rcalls);
VMRPC_STAT_ATTR(reverse_errors, rerrors);
VMRPC_STAT_ATTR(reverse_in_flight, rin_flight);

static ssize_t host_state_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vmrpc_dev *vdev = dev_get_drvdata(dev);
	static const char * const names[] = {
		[VMRPC_HOST_STARTING] = "starting",
		[VMRPC_HOST_READY] = "ready",
		[VMRPC_HOST_GONE] = "gone",
	};
	u32 state = le32_to_cpu(READ_ONCE(vdev->sb->host_state));

	return sysfs_emit(buf, "%s\n", state < ARRAY_SIZE(names) ?
			  names[state] : "unknown");
}
static DEVICE_ATTR_RO(host_state);

static struct attribute *vmrpc_attrs[] = {
	&dev_attr_calls.attr,
	&dev_attr_errors.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_in_flight.attr,
	&dev_attr_reverse_calls.attr,
	&dev_attr_reverse_errors.attr,
	&dev_attr_reverse_in_flight.attr,
	&dev_attr_host_state.attr,
	NULL
};

static const struct attribute_group vmrpc_attr_group = {
	.name = "vmrpc",
	.attrs = vmrpc_attrs,
};

const struct attribute_group *vmrpc_attr_groups[] = {
	&vmrpc_attr_group,
	NULL
};

static struct dentry *vmrpc_debugfs_dir;

static ssize_t vmrpc_ping_read(struct file *file, char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	char buf[32];
	ktime_t t0;
	int len, ret;

	if (*ppos)
		return 0;
	t0 = ktime_get();
	ret = vmrpc_call(VMRPC_MOD_CORE, VMRPC_CORE_PING, NULL, 0, NULL, 0,
			 VMRPC_TIMEOUT_DEFAULT_MS);
	if (ret < 0)
		return ret;
	len = scnprintf(buf, sizeof(buf), "%lld\n",
			ktime_to_ns(ktime_sub(ktime_get(), t0)));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations vmrpc_ping_fops = {
	.owner = THIS_MODULE,
	.read = vmrpc_ping_read,
	.llseek = default_llseek,
};

static ssize_t vmrpc_host_info_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct vmrpc_host_info info;
	char buf[256];
	int len, ret;

	if (*ppos)
		return 0;
	ret = vmrpc_call(VMRPC_MOD_CORE, VMRPC_CORE_HOST_INFO, NULL, 0,
			 &info, sizeof(info), VMRPC_TIMEOUT_DEFAULT_MS);
	if (ret < 0)
		return ret;
	if (ret != sizeof(info))
		return -EPROTO;
	len = scnprintf(buf, sizeof(buf),
			"page_size %u\nmemfd_size %llu\nmemfd_allocated %llu\nhost_mem_available %llu\n",
			le32_to_cpu(info.page_size),
			le64_to_cpu(info.memfd_size),
			le64_to_cpu(info.memfd_allocated),
			le64_to_cpu(info.host_mem_available));
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

static const struct file_operations vmrpc_host_info_fops = {
	.owner = THIS_MODULE,
	.read = vmrpc_host_info_read,
	.llseek = default_llseek,
};

/* Result of the last bench run; under vmrpc_bench_lock. */
static DEFINE_MUTEX(vmrpc_bench_lock);
static char vmrpc_bench_result[256];

static int vmrpc_cmp_s64(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * vmrpc_latency_summary() - one line of "key value" pairs for a run
 * @ns: the round trips' times, sorted in place
 * @count: how many, at least 1
 * @total_ns: the run's time
 * @unit: what was timed ("calls"), for the rate's key UNIT_per_s
 * @buf: gets the line
 * @len: size of @buf
 *
 * The keys are total_ns, min_ns, mean_ns, median_ns, p99_ns and
 * UNIT_per_s; tests/bench/vmrpc.sh reads them by name.
 */
void vmrpc_latency_summary(s64 *ns, unsigned int count, s64 total_ns,
			   const char *unit, char *buf, size_t len)
{
	s64 sum = 0;
	unsigned int i;

	for (i = 0; i < count; i++)
		sum += ns[i];
	sort(ns, count, sizeof(*ns), vmrpc_cmp_s64, NULL);
	scnprintf(buf, len,
		  "total_ns %lld min_ns %lld mean_ns %lld median_ns %lld p99_ns %lld %s_per_s %lld\n",
		  total_ns, ns[0], div64_s64(sum, count), ns[count / 2],
		  ns[min_t(u64, count - 1, (u64)count * 99 / 100)], unit,
		  total_ns ? div64_s64((s64)count * NSEC_PER_SEC, total_ns) : 0);
}

/* COUNT ping calls of SIZE bytes; record min, median, p99 and the rate. */
static int vmrpc_bench_run(unsigned int count, unsigned int size)
{
	void *req, *resp;
	ktime_t start, t0;
	s64 *ns;
	unsigned int i;
	int len;
	int ret = 0;

	if (!count || count > 1000000 || size > vmrpc_max_payload())
		return -EINVAL;
	ns = kvmalloc_array(count, sizeof(*ns), GFP_KERNEL);
	req = kvzalloc(max(size, 1U), GFP_KERNEL);
	resp = kvzalloc(max(size, 1U), GFP_KERNEL);
	if (!ns || !req || !resp) {
		ret = -ENOMEM;
		goto out;
	}
	memset(req, 0x5a, size);
	start = ktime_get();
	for (i = 0; i < count; i++) {
		t0 = ktime_get();
		ret = vmrpc_call(VMRPC_MOD_CORE, VMRPC_CORE_PING, req, size,
				 resp, size, VMRPC_TIMEOUT_DEFAULT_MS);
		if (ret < 0)
			goto out;
		if (ret != size || memcmp(req, resp, size)) {
			ret = -EPROTO;
			goto out;
		}
		ns[i] = ktime_to_ns(ktime_sub(ktime_get(), t0));
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto out;
		}
	}
	len = scnprintf(vmrpc_bench_result, sizeof(vmrpc_bench_result),
			"calls %u size %u ", count, size);
	vmrpc_latency_summary(ns, count,
			      ktime_to_ns(ktime_sub(ktime_get(), start)),
			      "calls", vmrpc_bench_result + len,
			      sizeof(vmrpc_bench_result) - len);
	ret = 0;
out:
	kvfree(ns);
	kvfree(req);
	kvfree(resp);
	return ret;
}

static ssize_t vmrpc_bench_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned int n, size;
	char buf[64];
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%u %u", &n, &size) != 2)
		return -EINVAL;
	mutex_lock(&vmrpc_bench_lock);
	ret = vmrpc_bench_run(n, size);
	mutex_unlock(&vmrpc_bench_lock);
	return ret < 0 ? ret : count;
}

static ssize_t vmrpc_bench_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&vmrpc_bench_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, vmrpc_bench_result,
				      strlen(vmrpc_bench_result));
	mutex_unlock(&vmrpc_bench_lock);
	return ret;
}

static const struct file_operations vmrpc_bench_fops = {
	.owner = THIS_MODULE,
	.read = vmrpc_bench_read,
	.write = vmrpc_bench_write,
	.llseek = default_llseek,
};

void vmrpc_debugfs_init(void)
{
	vmrpc_debugfs_dir = debugfs_create_dir("vmrpc", NULL);
	debugfs_create_file("ping", 0400, vmrpc_debugfs_dir, NULL,
			    &vmrpc_ping_fops);
	debugfs_create_file("host_info", 0400, vmrpc_debugfs_dir, NULL,
			    &vmrpc_host_info_fops);
	debugfs_create_file("bench", 0600, vmrpc_debugfs_dir, NULL,
			    &vmrpc_bench_fops);
	vmrpc_floor_debugfs_init(vmrpc_debugfs_dir);
}

void vmrpc_debugfs_exit(void)
{
	debugfs_remove_recursive(vmrpc_debugfs_dir);
}
