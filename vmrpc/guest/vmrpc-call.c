// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: calls from the guest to the host.
 *
 * A caller takes a free guest->host slot (waiting for one if all are in
 * use), writes the request, marks the slot POSTED and rings the host. The
 * host completes the slot and raises the DONE vector; the interrupt handler
 * completes the caller, who copies the reply out and frees the slot.
 *
 * A caller that times out leaves its slot "abandoned": the slot stays
 * reserved until the host completes it, so a late reply can never land in
 * a slot that a new call already reuses.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vmrpc-internal.h"

/* VMRPC status from the wire to an errno for kernel callers. */
int vmrpc_status_to_errno(u32 status)
{
	static const int map[VMRPC_NR_ERRORS] = {
		[VMRPC_OK] = 0,
		[VMRPC_ENOMOD] = -EOPNOTSUPP,
		[VMRPC_ENOPROC] = -EOPNOTSUPP,
		[VMRPC_EINVAL] = -EINVAL,
		[VMRPC_E2BIG] = -E2BIG,
		[VMRPC_ESTATE] = -EPROTO,
		[VMRPC_ESEQ] = -EPROTO,
		[VMRPC_ENOMEM] = -ENOMEM,
		[VMRPC_EIO] = -EIO,
		[VMRPC_EPERM] = -EPERM,
		[VMRPC_EBUSY] = -EBUSY,
		[VMRPC_ERANGE] = -EOVERFLOW,
		[VMRPC_ESHUTDOWN] = -ESHUTDOWN,
	};

	return status < VMRPC_NR_ERRORS ? map[status] : -EPROTO;
}

/* A server's errno to the VMRPC status the host receives. */
u32 vmrpc_errno_to_status(int err)
{
	switch (err) {
	case 0:
		return VMRPC_OK;
	case -EOPNOTSUPP:
		return VMRPC_ENOPROC;
	case -EINVAL:
		return VMRPC_EINVAL;
	case -E2BIG:
	case -EMSGSIZE:
		return VMRPC_E2BIG;
	case -ENOMEM:
		return VMRPC_ENOMEM;
	case -EPERM:
	case -EACCES:
		return VMRPC_EPERM;
	case -EBUSY:
	case -EAGAIN:
		return VMRPC_EBUSY;
	case -EOVERFLOW:
	case -ERANGE:
		return VMRPC_ERANGE;
	case -ESHUTDOWN:
		return VMRPC_ESHUTDOWN;
	default:
		return VMRPC_EIO;
	}
}

int vmrpc_call_init(struct vmrpc_dev *vdev)
{
	unsigned int i;

	vdev->g2h = devm_kcalloc(&vdev->pdev->dev, vdev->nr_g2h,
				 sizeof(*vdev->g2h), GFP_KERNEL);
	if (!vdev->g2h)
		return -ENOMEM;
	for (i = 0; i < vdev->nr_g2h; i++)
		init_completion(&vdev->g2h[i].done);
	spin_lock_init(&vdev->g2h_lock);
	init_waitqueue_head(&vdev->g2h_wait);
	init_completion(&vdev->echo);
	return 0;
}

/* Slot @i back to the pool. Must be called with g2h_lock held. */
static void vmrpc_slot_release(struct vmrpc_dev *vdev, unsigned int i)
{
	struct vmrpc_slot *slot = vmrpc_g2h_slot(vdev, i);

	WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_FREE));
	vdev->g2h[i].busy = false;
	vdev->g2h[i].abandoned = false;
	wake_up(&vdev->g2h_wait);
}

/* Reserve a free slot; return its index or -1. */
static int vmrpc_slot_get(struct vmrpc_dev *vdev)
{
	unsigned long flags;
	unsigned int i;
	int ret = -1;

	spin_lock_irqsave(&vdev->g2h_lock, flags);
	for (i = 0; i < vdev->nr_g2h; i++) {
		if (!vdev->g2h[i].busy) {
			vdev->g2h[i].busy = true;
			reinit_completion(&vdev->g2h[i].done);
			ret = i;
			break;
		}
	}
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
	return ret;
}

/**
 * vmrpc_call_done_irq() - the host completed guest->host calls
 * @vdev: the device
 *
 * Called from the DONE interrupt: completes the waiting callers and frees
 * the slots of abandoned calls.
 */
void vmrpc_call_done_irq(struct vmrpc_dev *vdev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vdev->g2h_lock, flags);
	for (i = 0; i < vdev->nr_g2h; i++) {
		struct vmrpc_g2h_slot *s = &vdev->g2h[i];
		struct vmrpc_slot *slot = vmrpc_g2h_slot(vdev, i);

		if (!s->busy ||
		    le32_to_cpu(READ_ONCE(slot->state)) != VMRPC_SLOT_DONE)
			continue;
		if (s->abandoned)
			vmrpc_slot_release(vdev, i);
		else
			complete(&s->done);
	}
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
}

/**
 * vmrpc_call_fail_all() - wake every caller because the host is gone
 * @vdev: the device, with host_gone already set
 */
void vmrpc_call_fail_all(struct vmrpc_dev *vdev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&vdev->g2h_lock, flags);
	for (i = 0; i < vdev->nr_g2h; i++)
		if (vdev->g2h[i].busy && !vdev->g2h[i].abandoned)
			complete(&vdev->g2h[i].done);
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
	wake_up_all(&vdev->g2h_wait);
	/* A floor round trip waiting for its echo, too. */
	complete(&vdev->echo);
}

/* Copy the host's reply out of slot @i; the slot is ours and DONE. */
static int vmrpc_read_reply(struct vmrpc_dev *vdev, struct vmrpc_slot *slot,
			    u64 seq, void *resp, u32 resp_len)
{
	u32 status, len;
	u64 got;

	/* Read the fields only after seeing DONE, and each of them once. */
	rmb();
	got = le64_to_cpu(READ_ONCE(slot->seq));
	if (got != seq) {
		dev_err_ratelimited(&vdev->pdev->dev, "reply with sequence %llu for call %llu\n",
				    got, seq);
		return -EPROTO;
	}
	status = le32_to_cpu(READ_ONCE(slot->status));
	if (status != VMRPC_OK)
		return vmrpc_status_to_errno(status);
	len = le32_to_cpu(READ_ONCE(slot->resp_len));
	if (len > resp_len) {
		dev_err_ratelimited(&vdev->pdev->dev, "reply of %u bytes for a %u byte buffer\n",
				    len, resp_len);
		return -EPROTO;
	}
	if (len)
		memcpy(resp, vmrpc_slot_payload(slot), len);
	return len;
}

static int __vmrpc_call(struct vmrpc_dev *vdev, u16 module, u16 proc,
			const void *req, u32 req_len, void *resp,
			u32 resp_len, unsigned int timeout_ms)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	struct vmrpc_slot *slot;
	unsigned long flags;
	long left;
	u64 seq;
	int i = -1, ret;

	if (req_len > vdev->payload_size || resp_len > vdev->payload_size)
		return -EMSGSIZE;
	if ((req_len && !req) || (resp_len && !resp))
		return -EINVAL;

	left = wait_event_killable_timeout(vdev->g2h_wait,
					   READ_ONCE(vdev->host_gone) ||
					   (i = vmrpc_slot_get(vdev)) >= 0,
					   msecs_to_jiffies(timeout_ms));
	if (READ_ONCE(vdev->host_gone)) {
		if (left > 0 && i >= 0) {
			spin_lock_irqsave(&vdev->g2h_lock, flags);
			vmrpc_slot_release(vdev, i);
			spin_unlock_irqrestore(&vdev->g2h_lock, flags);
		}
		return -ESHUTDOWN;
	}
	if (left < 0)
		return left;
	if (!left) {
		atomic64_inc(&vdev->stats.timeouts);
		return -ETIMEDOUT;
	}

	slot = vmrpc_g2h_slot(vdev, i);
	seq = atomic64_inc_return(&vdev->seq);
	if (req_len)
		memcpy(vmrpc_slot_payload(slot), req, req_len);
	WRITE_ONCE(slot->flags, 0);
	WRITE_ONCE(slot->seq, cpu_to_le64(seq));
	WRITE_ONCE(slot->module, cpu_to_le16(module));
	WRITE_ONCE(slot->proc, cpu_to_le16(proc));
	WRITE_ONCE(slot->status, 0);
	WRITE_ONCE(slot->req_len, cpu_to_le32(req_len));
	WRITE_ONCE(slot->resp_len, cpu_to_le32(resp_len));
	memset(slot->reserved, 0, sizeof(slot->reserved));
	/* The request must be visible before the state that publishes it. */
	wmb();
	WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_POSTED));
	atomic64_inc(&vdev->stats.in_flight);
	vmrpc_ring(vdev, VMRPC_HVEC_CALL);

	left = max_t(long, (long)(deadline - jiffies), 1);
	left = wait_for_completion_killable_timeout(&vdev->g2h[i].done, left);
	atomic64_dec(&vdev->stats.in_flight);

	spin_lock_irqsave(&vdev->g2h_lock, flags);
	if (le32_to_cpu(READ_ONCE(slot->state)) == VMRPC_SLOT_DONE) {
		spin_unlock_irqrestore(&vdev->g2h_lock, flags);
		ret = vmrpc_read_reply(vdev, slot, seq, resp, resp_len);
		atomic64_inc(&vdev->stats.calls);
		if (ret < 0)
			atomic64_inc(&vdev->stats.errors);
		if (ret >= 0 && vmrpc_fault_lose_reply(module, proc)) {
			atomic64_inc(&vdev->stats.timeouts);
			ret = -ETIMEDOUT;
		}
		spin_lock_irqsave(&vdev->g2h_lock, flags);
		vmrpc_slot_release(vdev, i);
	} else if (READ_ONCE(vdev->host_gone)) {
		vmrpc_slot_release(vdev, i);
		ret = -ESHUTDOWN;
	} else {
		/* Timed out or killed: the host still owns the slot. */
		vdev->g2h[i].abandoned = true;
		ret = left < 0 ? left : -ETIMEDOUT;
		if (!left)
			atomic64_inc(&vdev->stats.timeouts);
	}
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
	return ret;
}

/**
 * vmrpc_call() - call a procedure on the host and wait for the reply
 * @module: module number (VMRPC_MOD_*)
 * @proc: procedure number within the module
 * @req: request bytes, or NULL when @req_len is 0
 * @req_len: bytes at @req; at most vmrpc_max_payload()
 * @resp: buffer for the response, or NULL when @resp_len is 0
 * @resp_len: size of @resp; the host may not write more
 * @timeout_ms: give up after this many milliseconds, including the wait
 *	for a free slot
 *
 * Sleeps; may be called by many threads at once, each call using its own
 * slot. A fatal signal ends the wait.
 *
 * Return: bytes of response, or a negative errno: -ENODEV when no
 * zonehost device is bound, -ESHUTDOWN when the host has gone away,
 * -ETIMEDOUT, -EMSGSIZE for a request or buffer larger than a slot,
 * -EPROTO for a malformed reply, or the host's error status translated
 * (-EOPNOTSUPP for an unknown module or procedure, -EINVAL, -ENOMEM, ...).
 */
int vmrpc_call(u16 module, u16 proc, const void *req, u32 req_len,
	       void *resp, u32 resp_len, unsigned int timeout_ms)
{
	int ret;

	down_read(&vmrpc_dev_sem);
	if (vmrpc_the_dev)
		ret = __vmrpc_call(vmrpc_the_dev, module, proc, req, req_len,
				   resp, resp_len, timeout_ms);
	else
		ret = -ENODEV;
	up_read(&vmrpc_dev_sem);
	return ret;
}
EXPORT_SYMBOL_GPL(vmrpc_call);

/**
 * vmrpc_host_ready() - whether a zonehost device is bound and its host up
 *
 * Return: true when vmrpc_call() can reach the host.
 */
bool vmrpc_host_ready(void)
{
	bool ready;

	down_read(&vmrpc_dev_sem);
	ready = vmrpc_the_dev && !READ_ONCE(vmrpc_the_dev->host_gone);
	up_read(&vmrpc_dev_sem);
	return ready;
}
EXPORT_SYMBOL_GPL(vmrpc_host_ready);

/**
 * vmrpc_max_payload() - the largest request or response of one call
 *
 * Return: bytes, or 0 when no zonehost device is bound.
 */
u32 vmrpc_max_payload(void)
{
	u32 size;

	down_read(&vmrpc_dev_sem);
	size = vmrpc_the_dev ? vmrpc_the_dev->payload_size : 0;
	up_read(&vmrpc_dev_sem);
	return size;
}
EXPORT_SYMBOL_GPL(vmrpc_max_payload);
