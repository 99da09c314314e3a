/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMRPC kernel API: calls from this guest to its host, and servers for the
 * host's calls into this guest (reverse calls).
 *
 * The wire format is in <uapi/linux/vmrpc.h>; the driver is
 * drivers/virt/vmrpc/.
 */
#ifndef _LINUX_VMRPC_H
#define _LINUX_VMRPC_H

#include <linux/types.h>
#include <uapi/linux/vmrpc.h>

/* Timeout callers use when they have no better idea, in milliseconds. */
#define VMRPC_TIMEOUT_DEFAULT_MS	5000

/**
 * typedef vmrpc_server_fn - serves the host's calls of one module
 * @proc: procedure number within the module
 * @req: private copy of the request
 * @req_len: bytes at @req
 * @resp: buffer for the response
 * @resp_size: bytes available at @resp (what the host accepts)
 *
 * Runs in process context on a VMRPC worker thread and may sleep; several
 * calls may run at once.
 *
 * Return: bytes written to @resp, or a negative errno, which the host
 * receives as a VMRPC_E* status (-EOPNOTSUPP becomes VMRPC_ENOPROC).
 */
typedef int (*vmrpc_server_fn)(u16 proc, const void *req, u32 req_len,
			       void *resp, u32 resp_size);

#if IS_ENABLED(CONFIG_VMRPC)
int vmrpc_call(u16 module, u16 proc, const void *req, u32 req_len,
	       void *resp, u32 resp_len, unsigned int timeout_ms);
int vmrpc_register_server(u16 module, vmrpc_server_fn fn);
void vmrpc_unregister_server(u16 module);
bool vmrpc_host_ready(void);
u32 vmrpc_max_payload(void);
#else
static inline int vmrpc_call(u16 module, u16 proc, const void *req,
			     u32 req_len, void *resp, u32 resp_len,
			     unsigned int timeout_ms)
{
	return -ENODEV;
}

static inline int vmrpc_register_server(u16 module, vmrpc_server_fn fn)
{
	return -ENODEV;
}

static inline void vmrpc_unregister_server(u16 module) { }
static inline bool vmrpc_host_ready(void) { return false; }
static inline u32 vmrpc_max_payload(void) { return 0; }
#endif

#endif /* _LINUX_VMRPC_H */
