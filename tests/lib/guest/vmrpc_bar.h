/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The zonehost device's BARs mapped from guest user space through sysfs
 * (resource0: the ivshmem registers, resource2: the shared memory), behind
 * the guest kernel's back: what a hostile guest root can do, and what the
 * test programs that play one (vmrpc_rogue, vmrpc_adversary) use.
 */
#ifndef VMRPC_BAR_H
#define VMRPC_BAR_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vmrpc.h>

/* The number in /sys/bus/pci/devices/@dev/@file ("0x1af4"), 0 if none. */
static inline long vmrpc_bar_id(const char *dev, const char *file)
{
	char p[512];
	long v = 0;
	FILE *f;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/%s", dev, file);
	f = fopen(p, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%li", &v) != 1)
		v = 0;
	fclose(f);
	return v;
}

/*
 * The sysfs path of resource @bar of the zonehost device in @path; 0 if
 * found, -1 if there is no such device.
 */
static inline int vmrpc_bar_path(int bar, char *path, size_t len)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while (found && (e = readdir(d))) {
		if (vmrpc_bar_id(e->d_name, "vendor") == VMRPC_PCI_VENDOR_ID &&
		    vmrpc_bar_id(e->d_name, "device") == VMRPC_PCI_DEVICE_ID) {
			snprintf(path, len, "/sys/bus/pci/devices/%s/resource%d",
				 e->d_name, bar);
			found = 0;
		}
	}
	closedir(d);
	return found;
}

/*
 * Map resource @bar of the zonehost device read-write; its size in
 * *@size. Returns the mapping, or NULL (errno set, or ENODEV when there
 * is no device).
 */
static inline void *vmrpc_bar_map(int bar, size_t *size)
{
	char path[600];
	struct stat st;
	void *p;
	int fd;

	if (vmrpc_bar_path(bar, path, sizeof(path))) {
		errno = ENODEV;
		return NULL;
	}
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*size = st.st_size;
	return p;
}

#endif /* VMRPC_BAR_H */
