/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the reverse-call server (vmrpc-server.c), on a device
 * made of plain memory: no PCI, no host. Included at the end of
 * vmrpc-server.c.
 */
#ifdef CONFIG_VMRPC_KUNIT_TEST

#include <kunit/test.h>

#define VMRPC_TEST_SLOT_SIZE	4096

/* A one-slot device in memory; the doorbell register is a plain buffer. */
static struct vmrpc_dev *vmrpc_test_dev(struct kunit *test)
{
	struct vmrpc_dev *vdev = kunit_kzalloc(test, sizeof(*vdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vdev->slot_size = VMRPC_TEST_SLOT_SIZE;
	vdev->payload_size = VMRPC_TEST_SLOT_SIZE - VMRPC_SLOT_HDR_SIZE;
	vdev->nr_h2g = 1;
	vdev->h2g_slots = kunit_kzalloc(test, VMRPC_TEST_SLOT_SIZE, GFP_KERNEL);
	vdev->regs = (void __iomem *)kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	vdev->h2g = kunit_kzalloc(test, sizeof(*vdev->h2g), GFP_KERNEL);
	vdev->h2g_seq = kunit_kzalloc(test, sizeof(*vdev->h2g_seq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vdev->h2g_slots);
	KUNIT_ASSERT_NOT_NULL(test, (__force void *)vdev->regs);
	KUNIT_ASSERT_NOT_NULL(test, vdev->h2g);
	KUNIT_ASSERT_NOT_NULL(test, vdev->h2g_seq);
	spin_lock_init(&vdev->h2g_lock);
	INIT_WORK(&vdev->h2g[0].work, vmrpc_server_work);
	vdev->h2g[0].vdev = vdev;
	vdev->wq = alloc_workqueue("vmrpc-kunit", WQ_UNBOUND, 1);
	KUNIT_ASSERT_NOT_NULL(test, vdev->wq);
	return vdev;
}

/* What a host does: a ping in slot 0 with sequence number @seq, rung. */
static void vmrpc_test_post_ping(struct vmrpc_dev *vdev, u64 seq)
{
	struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, 0);

	WRITE_ONCE(slot->seq, cpu_to_le64(seq));
	WRITE_ONCE(slot->module, cpu_to_le16(VMRPC_MOD_CORE));
	WRITE_ONCE(slot->proc, cpu_to_le16(VMRPC_CORE_PING));
	WRITE_ONCE(slot->req_len, 0);
	WRITE_ONCE(slot->resp_len, 0);
	wmb();	/* the call before the state that posts it */
	WRITE_ONCE(slot->state, cpu_to_le32(VMRPC_SLOT_POSTED));
	vmrpc_server_call_irq(vdev);
}

static unsigned int vmrpc_test_reposts;

/*
 * A host that sees the answer as soon as it is published (through another
 * slot's doorbell, say) and posts the next call into the same slot at once.
 */
static void vmrpc_test_repost(struct vmrpc_dev *vdev, unsigned int i)
{
	struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, i);

	if (vmrpc_test_reposts++ ||
	    le32_to_cpu(READ_ONCE(slot->state)) != VMRPC_SLOT_DONE)
		return;
	vmrpc_test_post_ping(vdev, 2);
}

/* A call posted again the moment the previous one is answered is served. */
static void vmrpc_server_repost_not_lost(struct kunit *test)
{
	struct vmrpc_dev *vdev = vmrpc_test_dev(test);
	struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, 0);
	u32 state, status;

	vmrpc_test_reposts = 0;
	vdev->served_hook = vmrpc_test_repost;
	vmrpc_test_post_ping(vdev, 1);
	flush_workqueue(vdev->wq);
	destroy_workqueue(vdev->wq);

	state = le32_to_cpu(READ_ONCE(slot->state));
	status = le32_to_cpu(READ_ONCE(slot->status));
	KUNIT_EXPECT_EQ_MSG(test, vmrpc_test_reposts, 2U,
			    "the call posted again was never served");
	KUNIT_EXPECT_EQ(test, state, VMRPC_SLOT_DONE);
	KUNIT_EXPECT_EQ(test, status, VMRPC_OK);
	KUNIT_EXPECT_EQ(test, vdev->h2g_seq[0], 2ULL);
	KUNIT_EXPECT_FALSE(test, vdev->h2g[0].queued);
}

/* A sequence number already served on the slot is refused, not run. */
static void vmrpc_server_old_seq_refused(struct kunit *test)
{
	struct vmrpc_dev *vdev = vmrpc_test_dev(test);
	struct vmrpc_slot *slot = vmrpc_h2g_slot(vdev, 0);
	u32 state, status;

	vmrpc_test_post_ping(vdev, 5);
	flush_workqueue(vdev->wq);
	vmrpc_test_post_ping(vdev, 5);
	flush_workqueue(vdev->wq);
	destroy_workqueue(vdev->wq);

	state = le32_to_cpu(READ_ONCE(slot->state));
	status = le32_to_cpu(READ_ONCE(slot->status));
	KUNIT_EXPECT_EQ(test, state, VMRPC_SLOT_DONE);
	KUNIT_EXPECT_EQ(test, status, VMRPC_ESEQ);
	KUNIT_EXPECT_EQ(test, vdev->h2g_seq[0], 5ULL);
}

static struct kunit_case vmrpc_server_cases[] = {
	KUNIT_CASE(vmrpc_server_repost_not_lost),
	KUNIT_CASE(vmrpc_server_old_seq_refused),
	{}
};

static struct kunit_suite vmrpc_server_suite = {
	.name = "vmrpc_server",
	.test_cases = vmrpc_server_cases,
};

kunit_test_suite(vmrpc_server_suite);

#endif /* CONFIG_VMRPC_KUNIT_TEST */
