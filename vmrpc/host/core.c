// SPDX-License-Identifier: GPL-2.0-only
/*
 * The built-in module VMRPC_MOD_CORE, served to the guest; see core.h.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"

/* Host MemAvailable in bytes, 0 if it cannot be read. */
static uint64_t core_mem_available(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f;

	f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
		kb = 0;
	}
	fclose(f);
	return (uint64_t)kb * 1024;
}

static uint32_t core_host_info(const struct vmrpc_layout *l, void *resp,
			       uint32_t resp_cap, uint32_t *resp_len)
{
	struct vmrpc_host_info info;
	struct stat st;
	long page = sysconf(_SC_PAGESIZE);

	if (resp_cap < sizeof(info))
		return VMRPC_ERANGE;
	if (fstat(l->memfd, &st) < 0)
		return VMRPC_EIO;
	memset(&info, 0, sizeof(info));
	info.page_size = htole32(page > 0 ? (uint32_t)page : 4096);
	info.memfd_size = htole64(l->bar_size);
	info.memfd_allocated = htole64((uint64_t)st.st_blocks * 512);
	info.host_mem_available = htole64(core_mem_available());
	memcpy(resp, &info, sizeof(info));
	*resp_len = sizeof(info);
	return VMRPC_OK;
}

uint32_t vmrpc_core_serve(void *opaque, uint16_t proc, const void *req,
			  uint32_t req_len, void *resp, uint32_t resp_cap,
			  uint32_t *resp_len)
{
	switch (proc) {
	case VMRPC_CORE_PING:
		if (req_len > resp_cap)
			return VMRPC_ERANGE;
		if (req_len)
			memcpy(resp, req, req_len);
		*resp_len = req_len;
		return VMRPC_OK;
	case VMRPC_CORE_HOST_INFO:
		return core_host_info(opaque, resp, resp_cap, resp_len);
	default:
		return VMRPC_ENOPROC;
	}
}
