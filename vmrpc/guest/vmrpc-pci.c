// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: the ivshmem-doorbell PCI device.
 *
 * The device is QEMU's ivshmem-doorbell (1af4:1110), which other software
 * uses too, so the driver binds only when BAR2 starts with a zonehost
 * superblock and leaves any other ivshmem device alone. It validates the
 * layout the host published, maps the part of the control area that holds
 * the slots, sets up the MSI-X vectors (four, or three without the echo
 * vector of the floor), and tells the host it is
 * ready through the superblock and the CONFIG doorbell.
 *
 * A host that speaks another ABI major version is told so (guest_state
 * VMRPC_GUEST_BAD_VERSION) and the driver refuses to bind.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include "vmrpc-internal.h"

#define VMRPC_BAR_REGS		0
#define VMRPC_BAR_SHM		2

struct vmrpc_dev *vmrpc_the_dev;
DECLARE_RWSEM(vmrpc_dev_sem);

static irqreturn_t vmrpc_irq_done(int irq, void *data)
{
	vmrpc_call_done_irq(data);
	return IRQ_HANDLED;
}

static irqreturn_t vmrpc_irq_call(int irq, void *data)
{
	vmrpc_server_call_irq(data);
	return IRQ_HANDLED;
}

static irqreturn_t vmrpc_irq_echo(int irq, void *data)
{
	vmrpc_floor_echo_irq(data);
	return IRQ_HANDLED;
}

/*
 * The host changed its state. GONE fails every call; READY after GONE (a
 * restarted host peer) lets calls through again, unless the device is
 * being removed. host_state is the one superblock field read after probe.
 */
static irqreturn_t vmrpc_irq_config(int irq, void *data)
{
	struct vmrpc_dev *vdev = data;
	u32 state = le32_to_cpu(READ_ONCE(vdev->sb->host_state));
	unsigned long flags;

	spin_lock_irqsave(&vdev->g2h_lock, flags);
	if (state == VMRPC_HOST_GONE && !vdev->host_gone) {
		WRITE_ONCE(vdev->host_gone, true);
		spin_unlock_irqrestore(&vdev->g2h_lock, flags);
		vmrpc_call_fail_all(vdev);
		dev_warn(&vdev->pdev->dev, "host has shut VMRPC down\n");
		return IRQ_HANDLED;
	}
	if (state == VMRPC_HOST_READY && vdev->host_gone && !vdev->removing) {
		WRITE_ONCE(vdev->host_gone, false);
		spin_unlock_irqrestore(&vdev->g2h_lock, flags);
		dev_info(&vdev->pdev->dev, "host is serving VMRPC again\n");
		return IRQ_HANDLED;
	}
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
	return IRQ_HANDLED;
}

static const struct {
	irq_handler_t fn;
	const char *name;
} vmrpc_vectors[VMRPC_NR_VECTORS] = {
	[VMRPC_GVEC_DONE] = { vmrpc_irq_done, "vmrpc-done" },
	[VMRPC_GVEC_CALL] = { vmrpc_irq_call, "vmrpc-call" },
	[VMRPC_GVEC_CONFIG] = { vmrpc_irq_config, "vmrpc-config" },
	[VMRPC_GVEC_ECHO] = { vmrpc_irq_echo, "vmrpc-echo" },
};

/* Whether [off, off + len) lies inside [0, limit). */
static bool vmrpc_range_ok(u64 off, u64 len, u64 limit)
{
	return off <= limit && len <= limit - off;
}

/*
 * Check the layout the host published against the BAR and against itself.
 * Called on a private copy of the superblock.
 */
static int vmrpc_check_layout(struct pci_dev *pdev,
			      const struct vmrpc_superblock *sb)
{
	u64 bar = pci_resource_len(pdev, VMRPC_BAR_SHM);
	u64 ctrl = le64_to_cpu(sb->ctrl_size);
	u64 doff = le64_to_cpu(sb->data_offset);
	u64 dsize = le64_to_cpu(sb->data_size);
	u32 slot = le32_to_cpu(sb->slot_size);
	u16 ng = le16_to_cpu(sb->g2h_slots), nh = le16_to_cpu(sb->h2g_slots);
	u64 goff = le64_to_cpu(sb->g2h_offset), hoff = le64_to_cpu(sb->h2g_offset);

	if (le32_to_cpu(sb->sb_size) < VMRPC_SUPERBLOCK_SIZE ||
	    le64_to_cpu(sb->bar_size) != bar) {
		dev_err(&pdev->dev, "superblock size %u or BAR size %llu does not match the device (%llu)\n",
			le32_to_cpu(sb->sb_size), le64_to_cpu(sb->bar_size), bar);
		return -EINVAL;
	}
	if (!is_power_of_2(slot) || slot < VMRPC_SLOT_SIZE_MIN ||
	    slot > VMRPC_SLOT_SIZE_MAX || !ng || !nh ||
	    ng > VMRPC_NR_SLOTS_MAX || nh > VMRPC_NR_SLOTS_MAX ||
	    !IS_ALIGNED(goff, PAGE_SIZE) || !IS_ALIGNED(hoff, PAGE_SIZE) ||
	    goff < VMRPC_SUPERBLOCK_SIZE || hoff < VMRPC_SUPERBLOCK_SIZE ||
	    !vmrpc_range_ok(goff, (u64)ng * slot, ctrl) ||
	    !vmrpc_range_ok(hoff, (u64)nh * slot, ctrl) ||
	    (goff < hoff + (u64)nh * slot && hoff < goff + (u64)ng * slot)) {
		dev_err(&pdev->dev, "bad slot layout: %u+%u slots of %u bytes at %#llx/%#llx in %#llx\n",
			ng, nh, slot, goff, hoff, ctrl);
		return -EINVAL;
	}
	if (ctrl > bar || doff < ctrl || !vmrpc_range_ok(doff, dsize, bar)) {
		dev_err(&pdev->dev, "bad area layout: control %#llx, data %#llx+%#llx, BAR %#llx\n",
			ctrl, doff, dsize, bar);
		return -EINVAL;
	}
	return 0;
}

/*
 * Tell the host our state; it reads the superblock on the CONFIG doorbell.
 * Every field written comes from vdev, none is read back from the
 * superblock.
 */
static void vmrpc_set_guest_state(struct vmrpc_dev *vdev, u32 state)
{
	struct vmrpc_superblock *sb = vdev->sb;

	WRITE_ONCE(sb->guest_abi_version, cpu_to_le32(VMRPC_ABI_VERSION));
	WRITE_ONCE(sb->guest_features, cpu_to_le64(vdev->features));
	WRITE_ONCE(sb->guest_generation, cpu_to_le32(vdev->generation));
	/* Fields first, then the state the host acts on. */
	wmb();
	WRITE_ONCE(sb->guest_state, cpu_to_le32(state));
	vmrpc_ring(vdev, VMRPC_HVEC_CONFIG);
}

/*
 * Zero every slot header of both directions before the host is told we are
 * ready: after a reboot in the same VM, slots of the previous kernel may
 * still say POSTED or DONE, and must be neither served nor taken for
 * replies. The state word goes last.
 */
static void vmrpc_reset_slots(struct vmrpc_dev *vdev)
{
	struct vmrpc_slot *slot;
	unsigned int i;

	for (i = 0; i < vdev->nr_g2h + vdev->nr_h2g; i++) {
		slot = i < vdev->nr_g2h ? vmrpc_g2h_slot(vdev, i) :
					  vmrpc_h2g_slot(vdev, i - vdev->nr_g2h);
		memset((void *)slot + sizeof(slot->state), 0,
		       VMRPC_SLOT_HDR_SIZE - sizeof(slot->state));
		/* The zeroed header before the state that frees the slot. */
		wmb();
		WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_FREE));
	}
}

static int vmrpc_setup_irqs(struct vmrpc_dev *vdev)
{
	struct pci_dev *pdev = vdev->pdev;
	int i, ret;

	/* Without the echo vector (QEMU's vectors=3) only the floor is lost. */
	ret = pci_alloc_irq_vectors(pdev, VMRPC_NR_VECTORS_MIN,
				    VMRPC_NR_VECTORS, PCI_IRQ_MSIX);
	if (ret < 0) {
		dev_err(&pdev->dev, "needs %d MSI-X vectors (QEMU: -device ivshmem-doorbell,vectors=%d): %d\n",
			VMRPC_NR_VECTORS_MIN, VMRPC_NR_VECTORS, ret);
		return ret;
	}
	vdev->nr_vectors = ret;
	for (i = 0; i < vdev->nr_vectors; i++) {
		ret = request_irq(pci_irq_vector(pdev, i), vmrpc_vectors[i].fn, 0,
				  vmrpc_vectors[i].name, vdev);
		if (ret)
			goto err_free;
	}
	return 0;

err_free:
	while (--i >= 0)
		free_irq(pci_irq_vector(pdev, i), vdev);
	pci_free_irq_vectors(pdev);
	return ret;
}

static void vmrpc_free_irqs(struct vmrpc_dev *vdev)
{
	int i;

	for (i = 0; i < vdev->nr_vectors; i++)
		free_irq(pci_irq_vector(vdev->pdev, i), vdev);
	pci_free_irq_vectors(vdev->pdev);
}

static int vmrpc_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vmrpc_superblock sb;
	struct vmrpc_dev *vdev;
	void *head;
	u32 abi;
	int ret;

	BUILD_BUG_ON(sizeof(struct vmrpc_superblock) != VMRPC_SUPERBLOCK_SIZE);
	BUILD_BUG_ON(sizeof(struct vmrpc_slot) != VMRPC_SLOT_HDR_SIZE);
	BUILD_BUG_ON(sizeof(struct vmrpc_host_info) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_drop_caches) != 8);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_config) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_range) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_request) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_status) != 128);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_stages) != 40);
	BUILD_BUG_ON(sizeof(struct vmrpc_mem_done) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_wss_region) != 160);
	BUILD_BUG_ON(sizeof(struct vmrpc_wss_report) != 400);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_op) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_batch) != 8);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_result) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_status) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_holders_request) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_holder) != 32);
	BUILD_BUG_ON(sizeof(struct vmrpc_pin_holders) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_paging_run) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_paging_hints) != 8);
	BUILD_BUG_ON(sizeof(struct vmrpc_paging_reply) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_paging_mode) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_paging_status) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_reply) != 8);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_attr) != 80);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_mount) != 72);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_mounted) != 104);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_node) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_name) != 24);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_entry) != 96);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_attr_reply) != 88);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_forget_one) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_forget) != 8);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_setattr) != 64);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_readdir) != 24);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_dirent) != 24);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_create) != 24);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_rename) != 32);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_io) != 24);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_run) != 16);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_frames) != 32);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_statfs) != 56);
	BUILD_BUG_ON(sizeof(struct vmrpc_hostfs_invalidate) != 16);
	BUILD_BUG_ON(offsetof(struct vmrpc_wss_report, region) != 80);
	BUILD_BUG_ON(offsetof(struct vmrpc_superblock, guest_abi_version) != 96);

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	if (pci_resource_len(pdev, VMRPC_BAR_SHM) < VMRPC_CTRL_SIZE_DEFAULT)
		return -ENODEV;

	/* Look at the superblock before claiming anything. */
	head = memremap(pci_resource_start(pdev, VMRPC_BAR_SHM), PAGE_SIZE,
			MEMREMAP_WB);
	if (!head)
		return -ENOMEM;
	memcpy(&sb, head, sizeof(sb));
	memunmap(head);
	if (le64_to_cpu(sb.magic) != VMRPC_MAGIC) {
		dev_info(&pdev->dev, "ivshmem device without a zonehost superblock, leaving it alone\n");
		return -ENODEV;
	}

	vdev = devm_kzalloc(&pdev->dev, sizeof(*vdev), GFP_KERNEL);
	if (!vdev)
		return -ENOMEM;
	vdev->pdev = pdev;
	vdev->regs = pcim_iomap_region(pdev, VMRPC_BAR_REGS, "vmrpc");
	if (IS_ERR(vdev->regs))
		return PTR_ERR(vdev->regs);
	vdev->host_peer = le32_to_cpu(sb.host_peer) & 0xffff;

	abi = le32_to_cpu(sb.abi_version);
	if (VMRPC_ABI_MAJOR_OF(abi) != VMRPC_ABI_MAJOR) {
		dev_err(&pdev->dev, "host speaks VMRPC ABI %u.%u, this kernel %u.%u: not binding\n",
			VMRPC_ABI_MAJOR_OF(abi), abi & 0xffff,
			VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR);
		head = memremap(pci_resource_start(pdev, VMRPC_BAR_SHM),
				PAGE_SIZE, MEMREMAP_WB);
		if (head) {
			vdev->sb = head;
			vdev->generation = le32_to_cpu(sb.guest_generation);
			vmrpc_set_guest_state(vdev, VMRPC_GUEST_BAD_VERSION);
			memunmap(head);
		}
		return -EPROTO;
	}
	ret = vmrpc_check_layout(pdev, &sb);
	if (ret)
		return ret;

	vdev->bar2_start = pci_resource_start(pdev, VMRPC_BAR_SHM);
	vdev->bar2_len = pci_resource_len(pdev, VMRPC_BAR_SHM);
	vdev->slot_size = le32_to_cpu(sb.slot_size);
	vdev->payload_size = vdev->slot_size - VMRPC_SLOT_HDR_SIZE;
	vdev->nr_g2h = le16_to_cpu(sb.g2h_slots);
	vdev->nr_h2g = le16_to_cpu(sb.h2g_slots);
	vdev->ctrl_len = max(le64_to_cpu(sb.g2h_offset) +
			     (u64)vdev->nr_g2h * vdev->slot_size,
			     le64_to_cpu(sb.h2g_offset) +
			     (u64)vdev->nr_h2g * vdev->slot_size);
	/*
	 * Only the used part of the control area is mapped; the data area is
	 * hot-added as memory by the ZONE_HOST provider, so BAR2 as a whole
	 * is not requested here.
	 */
	vdev->ctrl = devm_memremap(&pdev->dev, vdev->bar2_start, vdev->ctrl_len,
				   MEMREMAP_WB);
	if (IS_ERR(vdev->ctrl))
		return PTR_ERR(vdev->ctrl);
	vdev->sb = vdev->ctrl;
	/* From here on the slots are where the checked copy says. */
	vdev->g2h_slots = vdev->ctrl + le64_to_cpu(sb.g2h_offset);
	vdev->h2g_slots = vdev->ctrl + le64_to_cpu(sb.h2g_offset);
	vdev->features = le64_to_cpu(sb.host_features) & VMRPC_F_REVERSE_CALLS;
	vdev->generation = le32_to_cpu(sb.guest_generation) + 1;
	vmrpc_reset_slots(vdev);

	/* MSI-X messages are memory writes by the device: it must master. */
	pci_set_master(pdev);
	ret = vmrpc_call_init(vdev);
	if (ret)
		return ret;
	ret = vmrpc_server_init(vdev);
	if (ret)
		return ret;
	ret = vmrpc_setup_irqs(vdev);
	if (ret)
		goto err_server;
	/* The echo needs the host's offer and our vector both. */
	if (vdev->nr_vectors > VMRPC_GVEC_ECHO)
		vdev->features |= le64_to_cpu(sb.host_features) & VMRPC_F_ECHO;
	pci_set_drvdata(pdev, vdev);

	down_write(&vmrpc_dev_sem);
	if (vmrpc_the_dev) {
		up_write(&vmrpc_dev_sem);
		dev_err(&pdev->dev, "a zonehost device is already bound; one per guest\n");
		ret = -EBUSY;
		goto err_irqs;
	}
	/*
	 * READY resets the host's view of the slots, so it must reach the
	 * host before the first call can be posted.
	 */
	vmrpc_set_guest_state(vdev, VMRPC_GUEST_READY);
	vmrpc_the_dev = vdev;
	up_write(&vmrpc_dev_sem);

	dev_info(&pdev->dev, "VMRPC ABI %u.%u, host peer %u, %u+%u slots of %u KiB, BAR2 %llu MiB at %pa%s\n",
		 VMRPC_ABI_MAJOR_OF(abi), abi & 0xffff, vdev->host_peer,
		 vdev->nr_g2h, vdev->nr_h2g, vdev->slot_size >> 10,
		 (u64)vdev->bar2_len >> 20, &vdev->bar2_start,
		 vdev->features & VMRPC_F_ECHO ? ", echo" : "");
	vmrpc_clients_attach(vdev, le64_to_cpu(sb.data_offset),
			     le64_to_cpu(sb.data_size),
			     le32_to_cpu(sb.subblock_size));
	return 0;

err_irqs:
	vmrpc_free_irqs(vdev);
err_server:
	vmrpc_server_exit(vdev);
	return ret;
}

static void vmrpc_remove(struct pci_dev *pdev)
{
	struct vmrpc_dev *vdev = pci_get_drvdata(pdev);
	unsigned long flags;

	/* Fail calls first, so that no client waits out a timeout below. */
	spin_lock_irqsave(&vdev->g2h_lock, flags);
	vdev->removing = true;
	WRITE_ONCE(vdev->host_gone, true);
	spin_unlock_irqrestore(&vdev->g2h_lock, flags);
	vmrpc_call_fail_all(vdev);
	vmrpc_clients_detach();
	down_write(&vmrpc_dev_sem);
	vmrpc_the_dev = NULL;
	up_write(&vmrpc_dev_sem);

	vmrpc_set_guest_state(vdev, VMRPC_GUEST_GONE);
	vmrpc_free_irqs(vdev);
	vmrpc_server_exit(vdev);
}

static const struct pci_device_id vmrpc_pci_ids[] = {
	{ PCI_DEVICE(VMRPC_PCI_VENDOR_ID, VMRPC_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, vmrpc_pci_ids);

static struct pci_driver vmrpc_pci_driver = {
	.name = "vmrpc",
	.id_table = vmrpc_pci_ids,
	.probe = vmrpc_probe,
	.remove = vmrpc_remove,
	.dev_groups = vmrpc_attr_groups,
	/*
	 * Unbinding would pull guest RAM (the hot-added data area) out from
	 * under the kernel: no unbind through sysfs.
	 */
	.driver.suppress_bind_attrs = true,
};

static int __init vmrpc_init(void)
{
	int ret;

	ret = vmrpc_register_server(VMRPC_MOD_CORE, vmrpc_core_server, NULL);
	if (ret)
		return ret;
	vmrpc_debugfs_init();
	ret = pci_register_driver(&vmrpc_pci_driver);
	if (ret) {
		vmrpc_debugfs_exit();
		vmrpc_unregister_server(VMRPC_MOD_CORE);
	}
	return ret;
}
module_init(vmrpc_init);

static void __exit vmrpc_exit(void)
{
	pci_unregister_driver(&vmrpc_pci_driver);
	vmrpc_debugfs_exit();
	vmrpc_unregister_server(VMRPC_MOD_CORE);
}
module_exit(vmrpc_exit);

MODULE_DESCRIPTION("VMRPC: calls between guest and host over ivshmem-doorbell");
MODULE_LICENSE("GPL");
