// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: calls from the host into the guest (reverse calls).
 *
 * Guest modules register a server function per module number. When the
 * host posts calls it raises the CALL vector; the interrupt handler queues
 * one work item per posted slot on an unbound workqueue, so several calls
 * run at once on kernel worker threads. Each worker copies the request out
 * of shared memory, runs the server, writes the response, marks the slot
 * DONE and rings the host.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/export.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "vmrpc-internal.h"

/**
 * struct vmrpc_server - a module's server
 * @fn: the server function, NULL when the module is not served
 * @priv: its argument
 */
struct vmrpc_server {
	vmrpc_server_fn fn;
	void *priv;
};

/*
 * Registered servers, written under vmrpc_servers_sem held for writing;
 * a reader holds it while a server runs.
 */
static struct vmrpc_server vmrpc_servers[VMRPC_NR_MODULES];
static DECLARE_RWSEM(vmrpc_servers_sem);

/* Module VMRPC_MOD_CORE, host->guest: ping. */
int vmrpc_core_server(void *priv, u16 proc, const void *req, u32 req_len,
		      void *resp, u32 resp_size)
{
	switch (proc) {
	case VMRPC_CORE_PING:
		if (req_len > resp_size)
			return -EOVERFLOW;
		memcpy(resp, req, req_len);
		return req_len;
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * vmrpc_register_server() - serve the host's calls of one module
 * @module: module number, below VMRPC_NR_MODULES
 * @fn: the server function
 * @priv: passed to @fn with every call
 *
 * Return: 0, -EINVAL for a bad module number, -EBUSY if the module is
 * served already.
 */
int vmrpc_register_server(u16 module, vmrpc_server_fn fn, void *priv)
{
	int ret = 0;

	if (module >= VMRPC_NR_MODULES || !fn)
		return -EINVAL;
	down_write(&vmrpc_servers_sem);
	if (vmrpc_servers[module].fn) {
		ret = -EBUSY;
	} else {
		vmrpc_servers[module].fn = fn;
		vmrpc_servers[module].priv = priv;
	}
	up_write(&vmrpc_servers_sem);
	return ret;
}
EXPORT_SYMBOL_GPL(vmrpc_register_server);

/**
 * vmrpc_unregister_server() - stop serving a module
 * @module: module number given to vmrpc_register_server()
 *
 * Waits for running calls of every module to finish; calls that arrive
 * afterwards get VMRPC_ENOMOD.
 */
void vmrpc_unregister_server(u16 module)
{
	if (module >= VMRPC_NR_MODULES)
		return;
	down_write(&vmrpc_servers_sem);
	vmrpc_servers[module] = (struct vmrpc_server) {};
	up_write(&vmrpc_servers_sem);
}
EXPORT_SYMBOL_GPL(vmrpc_unregister_server);

/* Run the server of a call; return the status and set *len. */
static u32 vmrpc_serve(struct vmrpc_dev *vdev, u16 module, u16 proc,
		       const void *req, u32 req_len, void *resp, u32 resp_size,
		       u32 *len)
{
	const struct vmrpc_server *s;
	int ret;

	*len = 0;
	down_read(&vmrpc_servers_sem);
	s = module < VMRPC_NR_MODULES ? &vmrpc_servers[module] : NULL;
	if (!s || !s->fn) {
		up_read(&vmrpc_servers_sem);
		return VMRPC_ENOMOD;
	}
	ret = s->fn(s->priv, proc, req, req_len, resp, resp_size);
	up_read(&vmrpc_servers_sem);
	if (ret < 0)
		return vmrpc_errno_to_status(ret);
	if (WARN_ON_ONCE(ret > resp_size))
		return VMRPC_EIO;
	*len = ret;
	return VMRPC_OK;
}

static void vmrpc_server_work(struct work_struct *work)
{
	struct vmrpc_h2g_slot *s = container_of(work, struct vmrpc_h2g_slot, work);
	struct vmrpc_dev *vdev = s->vdev;
	unsigned int i = s - vdev->h2g;
	struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, i);
	u32 req_len, resp_size, status, len = 0;
	void *req = NULL, *resp = NULL;
	unsigned long flags;
	u16 module, proc;
	u64 seq;

	atomic64_inc(&vdev->stats.rin_flight);
	/* Fields after the state the interrupt saw. */
	rmb();
	seq = le64_to_cpu(READ_ONCE(slot->seq));
	module = le16_to_cpu(READ_ONCE(slot->module));
	proc = le16_to_cpu(READ_ONCE(slot->proc));
	req_len = le32_to_cpu(READ_ONCE(slot->req_len));
	resp_size = le32_to_cpu(READ_ONCE(slot->resp_len));

	if (req_len > vdev->payload_size || resp_size > vdev->payload_size) {
		status = VMRPC_E2BIG;
	} else if (seq <= vdev->h2g_seq[i]) {
		status = VMRPC_ESEQ;
	} else {
		vdev->h2g_seq[i] = seq;
		/* Servers work on private buffers, never on shared memory. */
		req = kvmalloc(max(req_len, 1U), GFP_KERNEL);
		resp = kvzalloc(max(resp_size, 1U), GFP_KERNEL);
		if (!req || !resp) {
			status = VMRPC_ENOMEM;
		} else {
			memcpy(req, vmrpc_slot_payload(slot), req_len);
			status = vmrpc_serve(vdev, module, proc, req, req_len,
					     resp, resp_size, &len);
			if (status == VMRPC_OK && len)
				memcpy(vmrpc_slot_payload(slot), resp, len);
		}
	}
	kvfree(req);
	kvfree(resp);

	atomic64_inc(&vdev->stats.rcalls);
	if (status != VMRPC_OK)
		atomic64_inc(&vdev->stats.rerrors);
	WRITE_ONCE(slot->status, cpu_to_le32(status));
	WRITE_ONCE(slot->resp_len, cpu_to_le32(len));
	/* Response before the state that publishes it. */
	wmb();
	/*
	 * DONE and the end of "queued" are one step for the interrupt
	 * handler: once the host sees DONE it may post the slot again and
	 * ring, and that post must find the slot not queued. The work item
	 * may be queued again before this function returns; the workqueue
	 * runs it after this run ends, never beside it.
	 */
	spin_lock_irqsave(&vdev->h2g_lock, flags);
	s->queued = false;
	WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_DONE));
	spin_unlock_irqrestore(&vdev->h2g_lock, flags);
	atomic64_dec(&vdev->stats.rin_flight);
	vmrpc_served(vdev, i);
	vmrpc_ring(vdev, VMRPC_HVEC_DONE);
}

/**
 * vmrpc_server_call_irq() - the host posted calls into the guest
 * @vdev: the device
 *
 * Called from the CALL interrupt: queues a worker for every posted slot
 * that is not being served already.
 */
void vmrpc_server_call_irq(struct vmrpc_dev *vdev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vdev->h2g_lock, flags);
	for (i = 0; i < vdev->nr_h2g; i++) {
		struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, i);

		if (vdev->h2g[i].queued ||
		    le32_to_cpu(READ_ONCE(slot->state)) != VMRPC_SLOT_POSTED)
			continue;
		vdev->h2g[i].queued = true;
		WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_TAKEN));
		queue_work(vdev->wq, &vdev->h2g[i].work);
	}
	spin_unlock_irqrestore(&vdev->h2g_lock, flags);
}

int vmrpc_server_init(struct vmrpc_dev *vdev)
{
	struct device *dev = &vdev->pdev->dev;
	unsigned int i;

	vdev->h2g = devm_kcalloc(dev, vdev->nr_h2g, sizeof(*vdev->h2g),
				 GFP_KERNEL);
	vdev->h2g_seq = devm_kcalloc(dev, vdev->nr_h2g,
				     sizeof(*vdev->h2g_seq), GFP_KERNEL);
	if (!vdev->h2g || !vdev->h2g_seq)
		return -ENOMEM;
	spin_lock_init(&vdev->h2g_lock);
	for (i = 0; i < vdev->nr_h2g; i++) {
		INIT_WORK(&vdev->h2g[i].work, vmrpc_server_work);
		vdev->h2g[i].vdev = vdev;
	}
	vdev->wq = alloc_workqueue("vmrpc", WQ_UNBOUND, vdev->nr_h2g);
	if (!vdev->wq)
		return -ENOMEM;
	return 0;
}

void vmrpc_server_exit(struct vmrpc_dev *vdev)
{
	if (vdev->wq) {
		destroy_workqueue(vdev->wq);
		vdev->wq = NULL;
	}
}

#include "vmrpc-server-kunit.h"
