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

#include <linux/list.h>
#include <linux/types.h>
#include <uapi/linux/vmrpc.h>

struct device;

/* Timeout callers use when they have no better idea, in milliseconds. */
#define VMRPC_TIMEOUT_DEFAULT_MS	5000

/**
 * typedef vmrpc_server_fn - serves the host's calls of one module
 * @priv: what the module gave vmrpc_register_server()
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
typedef int (*vmrpc_server_fn)(void *priv, u16 proc, const void *req,
			       u32 req_len, void *resp, u32 resp_size);

/**
 * struct vmrpc_data_area - the data area of BAR2, as the host published it
 *	and the driver checked it against the BAR
 * @start: guest-physical address of its first byte
 * @size: bytes
 * @subblock_size: the unit of plugging, a power of two
 * @dev: the PCI device, for messages
 */
struct vmrpc_data_area {
	phys_addr_t start;
	u64 size;
	u32 subblock_size;
	struct device *dev;
};

/**
 * struct vmrpc_client - kernel code that uses the device beyond calls (the
 *	ZONE_HOST provider uses the data area)
 * @name: for messages
 * @attach: a device is bound and calls work; runs in process context and
 *	may sleep, but should hand long work to a worker. Gets the client
 *	itself, so that a client embedded in a larger structure finds it
 *	with container_of()
 * @detach: the device is going away; calls fail from now on
 * @node: on the driver's list of clients
 */
struct vmrpc_client {
	const char *name;
	void (*attach)(struct vmrpc_client *client,
		       const struct vmrpc_data_area *area);
	void (*detach)(struct vmrpc_client *client);
	struct list_head node;
};

#if IS_ENABLED(CONFIG_VMRPC)
int vmrpc_register_client(struct vmrpc_client *client);
void vmrpc_unregister_client(struct vmrpc_client *client);
int vmrpc_call(u16 module, u16 proc, const void *req, u32 req_len,
	       void *resp, u32 resp_len, unsigned int timeout_ms);
int vmrpc_register_server(u16 module, vmrpc_server_fn fn, void *priv);
void vmrpc_unregister_server(u16 module);
bool vmrpc_host_ready(void);
u32 vmrpc_max_payload(void);
#else
static inline int vmrpc_register_client(struct vmrpc_client *client)
{
	return -ENODEV;
}

static inline void vmrpc_unregister_client(struct vmrpc_client *client) { }

static inline int vmrpc_call(u16 module, u16 proc, const void *req,
			     u32 req_len, void *resp, u32 resp_len,
			     unsigned int timeout_ms)
{
	return -ENODEV;
}

static inline int vmrpc_register_server(u16 module, vmrpc_server_fn fn,
					void *priv)
{
	return -ENODEV;
}

static inline void vmrpc_unregister_server(u16 module) { }
static inline bool vmrpc_host_ready(void) { return false; }
static inline u32 vmrpc_max_payload(void) { return 0; }
#endif

#endif /* _LINUX_VMRPC_H */
