// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: the floor of the channel.
 *
 * A raw doorbell round trip with no VMRPC logic: ring the host's echo
 * doorbell (VMRPC_HVEC_ECHO), the host's event thread rings the guest's
 * echo vector back at once, and its interrupt completes the waiter. It
 * takes the same path as a call (doorbell register, QEMU, eventfd, host
 * poll, eventfd, MSI-X, interrupt, wake-up) and nothing else: no slot, no
 * validation, no worker thread on either side. The latency of a null call
 * is measured against it (Documentation/design/vmrpc.rst).
 *
 * debugfs vmrpc/floor: write "COUNT" to run COUNT round trips; read the
 * result, or why the floor is unavailable (a host without VMRPC_F_ECHO,
 * or QEMU's device started with vectors=3).
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/debugfs.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "vmrpc-internal.h"

#define VMRPC_FLOOR_MAX		1000000		/* round trips per run */

/* One run at a time; the result of the last one. Under vmrpc_floor_lock. */
static DEFINE_MUTEX(vmrpc_floor_lock);
static char vmrpc_floor_result[256];

/**
 * vmrpc_floor_echo_irq() - the host answered the echo doorbell
 * @vdev: the device
 *
 * Called from the echo interrupt. The doorbell carries nothing, so an
 * answer cannot be told from another: runs are serialized, and a round
 * trip that timed out fails its run.
 */
void vmrpc_floor_echo_irq(struct vmrpc_dev *vdev)
{
	complete(&vdev->echo);
}

/* One round trip on the bound device; its time in *ns. */
static int vmrpc_floor_once(s64 *ns)
{
	unsigned long timeout = msecs_to_jiffies(VMRPC_TIMEOUT_DEFAULT_MS);
	struct vmrpc_dev *vdev;
	ktime_t t0;
	long left;
	int ret = 0;

	down_read(&vmrpc_dev_sem);
	vdev = vmrpc_the_dev;
	if (!vdev) {
		ret = -ENODEV;
	} else if (!(vdev->features & VMRPC_F_ECHO)) {
		ret = -EOPNOTSUPP;
	} else if (READ_ONCE(vdev->host_gone)) {
		ret = -ESHUTDOWN;
	} else {
		reinit_completion(&vdev->echo);
		t0 = ktime_get();
		vmrpc_ring(vdev, VMRPC_HVEC_ECHO);
		left = wait_for_completion_killable_timeout(&vdev->echo, timeout);
		*ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
		if (READ_ONCE(vdev->host_gone))
			ret = -ESHUTDOWN;
		else if (left <= 0)
			ret = left < 0 ? left : -ETIMEDOUT;
	}
	up_read(&vmrpc_dev_sem);
	return ret;
}

static int vmrpc_floor_run(unsigned int count)
{
	ktime_t start;
	s64 *ns;
	unsigned int i;
	int ret = 0;

	if (!count || count > VMRPC_FLOOR_MAX)
		return -EINVAL;
	ns = kvmalloc_array(count, sizeof(*ns), GFP_KERNEL);
	if (!ns)
		return -ENOMEM;
	start = ktime_get();
	for (i = 0; i < count && !ret; i++) {
		ret = vmrpc_floor_once(&ns[i]);
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
	}
	if (!ret) {
		int len = scnprintf(vmrpc_floor_result,
				    sizeof(vmrpc_floor_result), "rounds %u ",
				    count);

		vmrpc_latency_summary(ns, count,
				      ktime_to_ns(ktime_sub(ktime_get(), start)),
				      "rounds", vmrpc_floor_result + len,
				      sizeof(vmrpc_floor_result) - len);
	}
	kvfree(ns);
	return ret;
}

static ssize_t vmrpc_floor_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	unsigned int n;
	int ret;

	ret = kstrtouint_from_user(ubuf, count, 10, &n);
	if (ret)
		return ret;
	mutex_lock(&vmrpc_floor_lock);
	ret = vmrpc_floor_run(n);
	mutex_unlock(&vmrpc_floor_lock);
	return ret < 0 ? ret : count;
}

/* Whether the bound device can echo; a reason when not. */
static const char *vmrpc_floor_unavailable(void)
{
	const char *why = NULL;

	down_read(&vmrpc_dev_sem);
	if (!vmrpc_the_dev)
		why = "no zonehost device is bound";
	else if (vmrpc_the_dev->nr_vectors <= VMRPC_GVEC_ECHO)
		why = "QEMU's ivshmem-doorbell has under 4 vectors (use vectors=4)";
	else if (!(vmrpc_the_dev->features & VMRPC_F_ECHO))
		why = "the host does not offer the echo vector (VMRPC_F_ECHO)";
	up_read(&vmrpc_dev_sem);
	return why;
}

static ssize_t vmrpc_floor_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *ppos)
{
	const char *why = vmrpc_floor_unavailable();
	char buf[160];
	ssize_t ret;

	if (why) {
		int len = scnprintf(buf, sizeof(buf), "unavailable: %s\n", why);

		return simple_read_from_buffer(ubuf, count, ppos, buf, len);
	}
	mutex_lock(&vmrpc_floor_lock);
	ret = simple_read_from_buffer(ubuf, count, ppos, vmrpc_floor_result,
				      strlen(vmrpc_floor_result));
	mutex_unlock(&vmrpc_floor_lock);
	return ret;
}

static const struct file_operations vmrpc_floor_fops = {
	.owner = THIS_MODULE,
	.read = vmrpc_floor_read,
	.write = vmrpc_floor_write,
	.llseek = default_llseek,
};

/**
 * vmrpc_floor_debugfs_init() - create debugfs vmrpc/floor
 * @dir: the driver's debugfs directory
 */
void vmrpc_floor_debugfs_init(struct dentry *dir)
{
	debugfs_create_file("floor", 0600, dir, NULL, &vmrpc_floor_fops);
}
