// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC module VMRPC_MOD_GUESTINFO: the host asks the guest kernel about
 * itself, as Reverse VMRPC did. The answers are the guest's own text of
 * /proc/meminfo, /proc/vmstat, /proc/loadavg and /proc/cpuinfo, read
 * through the same code that serves guest userspace, so the host sees
 * exactly what the guest sees. drop_caches writes the level to
 * /proc/sys/vm/drop_caches.
 */
#define pr_fmt(fmt) "vmrpc-guestinfo: " fmt

#include <linux/fs.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/vmrpc.h>

/* Read all of a procfs file into @buf; -EOVERFLOW if it does not fit. */
static int guestinfo_read(const char *path, void *buf, u32 size)
{
	struct file *f;
	loff_t pos = 0;
	ssize_t n;
	char extra;

	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	/* seq_file files return at most a page or so per read: loop. */
	while (pos < size) {
		n = kernel_read(f, buf + pos, size - pos, &pos);
		if (n <= 0)
			break;
	}
	if (pos == size && kernel_read(f, &extra, 1, &pos) > 0)
		n = -EOVERFLOW;
	filp_close(f, NULL);
	return n < 0 ? n : pos;
}

static int guestinfo_drop_caches(const void *req, u32 req_len)
{
	const struct vmrpc_drop_caches *dc = req;
	struct file *f;
	loff_t pos = 0;
	char level[2];
	ssize_t n;
	u32 lvl;

	if (req_len != sizeof(*dc) || dc->reserved)
		return -EINVAL;
	lvl = le32_to_cpu(dc->level);
	if (lvl < 1 || lvl > 3)
		return -EINVAL;
	level[0] = '0' + lvl;
	level[1] = '\n';
	f = filp_open("/proc/sys/vm/drop_caches", O_WRONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, level, sizeof(level), &pos);
	filp_close(f, NULL);
	if (n < 0)
		return n;
	pr_info("dropped caches (level %u) for the host\n", lvl);
	return 0;
}

static int guestinfo_server(void *priv, u16 proc, const void *req,
			    u32 req_len, void *resp, u32 resp_size)
{
	switch (proc) {
	case VMRPC_GUESTINFO_MEMINFO:
		return guestinfo_read("/proc/meminfo", resp, resp_size);
	case VMRPC_GUESTINFO_VMSTAT:
		return guestinfo_read("/proc/vmstat", resp, resp_size);
	case VMRPC_GUESTINFO_LOADAVG:
		return guestinfo_read("/proc/loadavg", resp, resp_size);
	case VMRPC_GUESTINFO_CPUINFO:
		return guestinfo_read("/proc/cpuinfo", resp, resp_size);
	case VMRPC_GUESTINFO_DROP_CACHES:
		return guestinfo_drop_caches(req, req_len);
	default:
		return -EOPNOTSUPP;
	}
}

static int __init guestinfo_init(void)
{
	return vmrpc_register_server(VMRPC_MOD_GUESTINFO, guestinfo_server,
				     NULL);
}
module_init(guestinfo_init);

static void __exit guestinfo_exit(void)
{
	vmrpc_unregister_server(VMRPC_MOD_GUESTINFO);
}
module_exit(guestinfo_exit);

MODULE_DESCRIPTION("VMRPC: the host reads guest meminfo, vmstat, loadavg, cpuinfo");
MODULE_LICENSE("GPL");
