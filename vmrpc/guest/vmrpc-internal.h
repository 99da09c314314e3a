/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMRPC guest driver: state shared by its files. Nothing here is API; the
 * API is <linux/vmrpc.h>.
 */
#ifndef _VMRPC_INTERNAL_H
#define _VMRPC_INTERNAL_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/vmrpc.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

/* Guest-private state of one guest->host slot. */
struct vmrpc_g2h_slot {
	struct completion done;	/* completed by the DONE interrupt */
	bool busy;		/* a call owns the slot; under g2h_lock */
	bool abandoned;		/* its caller gave up; freed on DONE */
};

/* Guest-private state of one host->guest slot. */
struct vmrpc_h2g_slot {
	struct work_struct work;	/* runs the server on a worker thread */
	struct vmrpc_dev *vdev;
	bool queued;			/* work queued or running; under h2g_lock */
};

/* Counters shown in sysfs; all atomic, updated without locks. */
struct vmrpc_stats {
	atomic64_t calls;		/* guest->host calls completed */
	atomic64_t errors;		/* of those, with an error status */
	atomic64_t timeouts;		/* guest->host calls that timed out */
	atomic64_t in_flight;		/* guest->host calls waiting now */
	atomic64_t rcalls;		/* host->guest calls served */
	atomic64_t rerrors;		/* of those, answered with an error */
	atomic64_t rin_flight;		/* host->guest calls running now */
};

/**
 * struct vmrpc_dev - one bound zonehost ivshmem device
 * @pdev: the PCI device
 * @regs: BAR0, the ivshmem registers
 * @ctrl: mapping of the used part of the control area (BAR2)
 * @ctrl_len: bytes mapped at @ctrl
 * @sb: the superblock, at @ctrl. After probe only the fields meant to
 *	change are read from it (host_state); the layout is the checked copy
 *	below, so a host that rewrites the superblock cannot move the slots
 * @g2h_slots: first guest->host slot, from the layout checked at probe
 * @h2g_slots: first host->guest slot, from the layout checked at probe
 * @features: VMRPC_F_* both sides use (the host's offer and ours)
 * @generation: guest_generation this driver wrote at bind
 * @bar2_start: guest-physical address of BAR2
 * @bar2_len: size of BAR2
 * @slot_size: bytes per slot
 * @payload_size: bytes of payload per slot
 * @nr_g2h: guest->host slots
 * @nr_h2g: host->guest slots
 * @host_peer: ivshmem peer ID of the host
 * @g2h: private state of the guest->host slots
 * @g2h_lock: protects @g2h busy/abandoned flags; taken in hard IRQ
 * @g2h_wait: callers waiting for a free slot
 * @seq: last sequence number used
 * @h2g: private state of the host->guest slots
 * @h2g_lock: protects @h2g queued flags; taken in hard IRQ
 * @h2g_seq: last sequence number served per host->guest slot
 * @wq: runs reverse calls, several at once
 * @host_gone: the host said it is gone, or the device is being removed;
 *	cleared again when the host says it is ready (not while removing).
 *	Written under @g2h_lock, read with READ_ONCE() without it
 * @removing: the device is being removed; host_gone stays set. Under
 *	@g2h_lock
 * @nr_vectors: MSI-X vectors set up: VMRPC_NR_VECTORS, or
 *	VMRPC_NR_VECTORS_MIN when QEMU's device has no echo vector
 * @echo: completed by the echo interrupt (the floor, vmrpc-floor.c), and
 *	when the host goes away
 * @served_hook: KUnit only: runs where a reverse call's answer is
 *	published and the slot may be posted again, before the host is rung
 * @stats: counters
 */
struct vmrpc_dev {
	struct pci_dev *pdev;
	void __iomem *regs;
	void *ctrl;
	size_t ctrl_len;
	struct vmrpc_superblock *sb;
	void *g2h_slots;
	void *h2g_slots;
	u64 features;
	u32 generation;
	phys_addr_t bar2_start;
	resource_size_t bar2_len;
	u32 slot_size;
	u32 payload_size;
	u16 nr_g2h;
	u16 nr_h2g;
	u16 host_peer;
	struct vmrpc_g2h_slot *g2h;
	spinlock_t g2h_lock;		/* see kernel-doc above */
	wait_queue_head_t g2h_wait;
	atomic64_t seq;
	struct vmrpc_h2g_slot *h2g;
	spinlock_t h2g_lock;		/* see kernel-doc above */
	u64 *h2g_seq;
	struct workqueue_struct *wq;
	bool host_gone;
	bool removing;
	unsigned int nr_vectors;
	struct completion echo;
	struct vmrpc_stats stats;
#ifdef CONFIG_VMRPC_KUNIT_TEST
	void (*served_hook)(struct vmrpc_dev *vdev, unsigned int slot);
#endif
};

/*
 * The device calls go through. Readers (vmrpc_call(), reverse calls) hold
 * vmrpc_dev_sem for reading; probe and remove publish and retract the
 * device holding it for writing.
 */
extern struct vmrpc_dev *vmrpc_the_dev;
extern struct rw_semaphore vmrpc_dev_sem;

/*
 * Slot @i of a direction: header, payload right after it. The address
 * comes from the layout checked at probe, never from the live superblock.
 */
static inline struct vmrpc_slot *vmrpc_g2h_slot(struct vmrpc_dev *vdev,
						unsigned int i)
{
	return vdev->g2h_slots + (size_t)i * vdev->slot_size;
}

static inline struct vmrpc_slot *vmrpc_h2g_slot(struct vmrpc_dev *vdev,
						unsigned int i)
{
	return vdev->h2g_slots + (size_t)i * vdev->slot_size;
}

static inline void *vmrpc_slot_payload(struct vmrpc_slot *slot)
{
	return (void *)slot + VMRPC_SLOT_HDR_SIZE;
}

/* Ring host vector @vec (a VMRPC_HVEC_*). */
static inline void vmrpc_ring(struct vmrpc_dev *vdev, u16 vec)
{
	writel(((u32)vdev->host_peer << 16) | vec,
	       vdev->regs + VMRPC_REG_DOORBELL);
}

int vmrpc_status_to_errno(u32 status);
u32 vmrpc_errno_to_status(int err);

int vmrpc_call_init(struct vmrpc_dev *vdev);
void vmrpc_call_done_irq(struct vmrpc_dev *vdev);
void vmrpc_call_fail_all(struct vmrpc_dev *vdev);

int vmrpc_core_server(void *priv, u16 proc, const void *req, u32 req_len,
		      void *resp, u32 resp_size);
int vmrpc_server_init(struct vmrpc_dev *vdev);
void vmrpc_server_call_irq(struct vmrpc_dev *vdev);
void vmrpc_server_exit(struct vmrpc_dev *vdev);

void vmrpc_clients_attach(struct vmrpc_dev *vdev, u64 data_offset,
			  u64 data_size, u32 subblock_size);
void vmrpc_clients_detach(void);

#ifdef CONFIG_VMRPC_FAULT_INJECTION
bool vmrpc_fault_lose_reply(u16 module, u16 proc);
void vmrpc_fault_served_delay(void);
#else
static inline bool vmrpc_fault_lose_reply(u16 module, u16 proc)
{
	return false;
}

static inline void vmrpc_fault_served_delay(void) { }
#endif

/*
 * A reverse call on slot @i is answered and the slot free for the host to
 * post again: the fault injection's delay, and the KUnit test's host.
 */
static inline void vmrpc_served(struct vmrpc_dev *vdev, unsigned int i)
{
	vmrpc_fault_served_delay();
#ifdef CONFIG_VMRPC_KUNIT_TEST
	if (vdev->served_hook)
		vdev->served_hook(vdev, i);
#endif
}

void vmrpc_floor_echo_irq(struct vmrpc_dev *vdev);
void vmrpc_floor_debugfs_init(struct dentry *dir);
void vmrpc_latency_summary(s64 *ns, unsigned int count, s64 total_ns,
			   const char *unit, char *buf, size_t len);

extern const struct attribute_group *vmrpc_attr_groups[];
void vmrpc_debugfs_init(void);
void vmrpc_debugfs_exit(void);

#endif /* _VMRPC_INTERNAL_H */
