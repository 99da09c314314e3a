// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's resize service; see resize.h.
 */
#include <endian.h>

#include "resize.h"

int zhostd_resize(struct zhostd *zd, uint64_t bytes, bool *notified,
		  struct zhostd_error *err)
{
	struct vmrpc_mem_request req = { 0 };
	uint32_t len = 0, status = 0;
	char why[160];
	int ret;

	*notified = false;
	if (zhostd_memory_set_requested(&zd->mem, bytes, why, sizeof(why))) {
		zhostd_error_set(err, ZERR_INVALID_PARAMETER, "%s", why);
		return -1;
	}
	/* A guest that is not there reads the size when its driver binds. */
	if (!vmrpc_host_guest_ready(zd->vh))
		return 0;
	req.requested_size = htole64(bytes);
	ret = vmrpc_host_call(zd->vh, VMRPC_MOD_MEM, VMRPC_MEM_SET_REQUESTED,
			      &req, sizeof(req), NULL, 0, &len, &status,
			      zd->call_timeout_ms);
	if (ret || status != VMRPC_OK) {
		zhostd_error_from_call(err, "set the requested size", ret,
				       status);
		return -1;
	}
	*notified = true;
	return 0;
}
