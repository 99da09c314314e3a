/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the bookkeeping in zone_host_pin.c that needs no device:
 * when a count marks a subblock, which requests the marks become, how they
 * coalesce, and how the host's answer is taken in. Included at the end of
 * zone_host_pin.c, so the static functions are in reach.
 */
#ifdef CONFIG_ZONE_HOST_PIN_KUNIT_TEST

#include <kunit/test.h>

#define ZH_PIN_TEST_SB	64

static void zone_host_pin_test_nop(struct work_struct *work)
{
}

/* A provider with only its pin tracker set up, on plain memory. */
static struct zone_host_provider *zone_host_pin_test_zp(struct kunit *test)
{
	struct zone_host_provider *zp = kunit_kzalloc(test, sizeof(*zp),
						      GFP_KERNEL);
	struct zone_host_pin *pin;

	KUNIT_ASSERT_NOT_NULL(test, zp);
	pin = &zp->pin;
	zp->wq = system_wq;
	pin->nr_sb = ZH_PIN_TEST_SB;
	pin->max_ops = 4;
	pin->mlocked = kunit_kcalloc(test, ZH_PIN_TEST_SB,
				     sizeof(*pin->mlocked), GFP_KERNEL);
	pin->dirty = kunit_kcalloc(test, BITS_TO_LONGS(ZH_PIN_TEST_SB),
				   sizeof(long), GFP_KERNEL);
	pin->wanted = kunit_kcalloc(test, BITS_TO_LONGS(ZH_PIN_TEST_SB),
				    sizeof(long), GFP_KERNEL);
	pin->pinned = kunit_kcalloc(test, BITS_TO_LONGS(ZH_PIN_TEST_SB),
				    sizeof(long), GFP_KERNEL);
	pin->shortfall = kunit_kcalloc(test, BITS_TO_LONGS(ZH_PIN_TEST_SB),
				       sizeof(long), GFP_KERNEL);
	pin->ops = kunit_kzalloc(test, struct_size(pin->ops, ops, 4),
				 GFP_KERNEL);
	pin->results = kunit_kcalloc(test, 4, sizeof(*pin->results),
				     GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pin->results);
	INIT_WORK(&pin->work, zone_host_pin_test_nop);
	return zp;
}

/* Only a crossing of zero marks the subblock, in either direction. */
static void zone_host_pin_count_crossings(struct kunit *test)
{
	struct zone_host_pin *pin = &zone_host_pin_test_zp(test)->pin;

	zone_host_pin_count(pin, 3, 1);
	KUNIT_EXPECT_TRUE(test, test_and_clear_bit(3, pin->dirty));
	zone_host_pin_count(pin, 3, 511);
	KUNIT_EXPECT_FALSE(test, test_bit(3, pin->dirty));
	zone_host_pin_count(pin, 3, -500);
	KUNIT_EXPECT_FALSE(test, test_bit(3, pin->dirty));
	zone_host_pin_count(pin, 3, -12);
	KUNIT_EXPECT_TRUE(test, test_and_clear_bit(3, pin->dirty));
	KUNIT_EXPECT_EQ(test, atomic_read(&pin->mlocked[3]), 0);
	/* A THP covering the whole subblock counts at once. */
	zone_host_pin_count(pin, 4, 512);
	KUNIT_EXPECT_TRUE(test, test_bit(4, pin->dirty));
	KUNIT_EXPECT_EQ(test, atomic64_read(&pin->stats.underflows), 0);
	flush_work(&pin->work);
}

/* Pin what is mlocked and not pinned, or refused; unpin what is wanted. */
static void zone_host_pin_ops_decided(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(true, false, false),
			VMRPC_PIN_OP_PIN);
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(true, true, true),
			VMRPC_PIN_OP_PIN);
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(true, true, false), -1);
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(false, true, false),
			VMRPC_PIN_OP_UNPIN);
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(false, true, true),
			VMRPC_PIN_OP_UNPIN);
	KUNIT_EXPECT_EQ(test, zone_host_pin_op_for(false, false, false), -1);
}

/* Neighbours of the same kind form one run; anything else a new one. */
static void zone_host_pin_runs_coalesce(struct kunit *test)
{
	struct vmrpc_pin_batch *b = zone_host_pin_test_zp(test)->pin.ops;

	zone_host_pin_add(b, 10, VMRPC_PIN_OP_PIN);
	zone_host_pin_add(b, 11, VMRPC_PIN_OP_PIN);
	zone_host_pin_add(b, 12, VMRPC_PIN_OP_UNPIN);
	zone_host_pin_add(b, 14, VMRPC_PIN_OP_UNPIN);
	KUNIT_ASSERT_EQ(test, le32_to_cpu(b->nr), 3);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b->ops[0].first), 10);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(b->ops[0].count), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(b->ops[1].op), VMRPC_PIN_OP_UNPIN);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(b->ops[1].count), 1);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(b->ops[2].first), 14);
	KUNIT_EXPECT_TRUE(test, zone_host_pin_extends(b, 15,
						      VMRPC_PIN_OP_UNPIN));
	KUNIT_EXPECT_FALSE(test, zone_host_pin_extends(b, 15,
						       VMRPC_PIN_OP_PIN));
	b->nr = 0;
	KUNIT_EXPECT_FALSE(test, zone_host_pin_extends(b, 0,
						       VMRPC_PIN_OP_PIN));
}

/* A partial pin leaves the rest of the run in the shortfall. */
static void zone_host_pin_partial_answer(struct kunit *test)
{
	struct zone_host_pin *pin = &zone_host_pin_test_zp(test)->pin;

	zone_host_pin_add(pin->ops, 8, VMRPC_PIN_OP_PIN);
	zone_host_pin_add(pin->ops, 9, VMRPC_PIN_OP_PIN);
	zone_host_pin_add(pin->ops, 10, VMRPC_PIN_OP_PIN);
	pin->results[0].done = cpu_to_le32(1);
	pin->results[0].reason = cpu_to_le16(VMRPC_PIN_R_CEILING);
	KUNIT_ASSERT_EQ(test, zone_host_pin_apply(pin), 0);
	KUNIT_EXPECT_TRUE(test, test_bit(8, pin->pinned));
	KUNIT_EXPECT_FALSE(test, test_bit(9, pin->pinned));
	KUNIT_EXPECT_TRUE(test, test_bit(9, pin->shortfall));
	KUNIT_EXPECT_TRUE(test, test_bit(10, pin->shortfall));
	KUNIT_EXPECT_EQ(test, bitmap_weight(pin->wanted, ZH_PIN_TEST_SB), 3);
	KUNIT_EXPECT_EQ(test, READ_ONCE(pin->reason), VMRPC_PIN_R_CEILING);

	/* Unpinning clears every trace, whatever the host answers. */
	pin->ops->nr = 0;
	zone_host_pin_add(pin->ops, 8, VMRPC_PIN_OP_UNPIN);
	zone_host_pin_add(pin->ops, 9, VMRPC_PIN_OP_UNPIN);
	zone_host_pin_add(pin->ops, 10, VMRPC_PIN_OP_UNPIN);
	pin->results[0].done = 0;
	pin->results[0].reason = 0;
	KUNIT_ASSERT_EQ(test, zone_host_pin_apply(pin), 0);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(pin->wanted, ZH_PIN_TEST_SB));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(pin->pinned, ZH_PIN_TEST_SB));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(pin->shortfall, ZH_PIN_TEST_SB));
}

/* A host claiming more than it was asked, or nonsense, changes nothing. */
static void zone_host_pin_bad_answer(struct kunit *test)
{
	struct zone_host_pin *pin = &zone_host_pin_test_zp(test)->pin;

	zone_host_pin_add(pin->ops, 1, VMRPC_PIN_OP_PIN);
	zone_host_pin_add(pin->ops, 5, VMRPC_PIN_OP_PIN);
	pin->results[0].done = cpu_to_le32(1);
	pin->results[1].done = cpu_to_le32(2);
	KUNIT_EXPECT_EQ(test, zone_host_pin_apply(pin), -EPROTO);
	pin->results[1].done = cpu_to_le32(1);
	pin->results[1].reason = cpu_to_le16(0xffff);
	KUNIT_EXPECT_EQ(test, zone_host_pin_apply(pin), -EPROTO);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(pin->wanted, ZH_PIN_TEST_SB));
	KUNIT_EXPECT_TRUE(test, bitmap_empty(pin->pinned, ZH_PIN_TEST_SB));
	/* And what was not answered is looked at again. */
	zone_host_pin_redo(pin);
	KUNIT_EXPECT_TRUE(test, test_bit(1, pin->dirty));
	KUNIT_EXPECT_TRUE(test, test_bit(5, pin->dirty));
	KUNIT_EXPECT_EQ(test, bitmap_weight(pin->dirty, ZH_PIN_TEST_SB), 2);
}

static struct kunit_case zone_host_pin_cases[] = {
	KUNIT_CASE(zone_host_pin_count_crossings),
	KUNIT_CASE(zone_host_pin_ops_decided),
	KUNIT_CASE(zone_host_pin_runs_coalesce),
	KUNIT_CASE(zone_host_pin_partial_answer),
	KUNIT_CASE(zone_host_pin_bad_answer),
	{}
};

static struct kunit_suite zone_host_pin_suite = {
	.name = "zone_host_pin",
	.test_cases = zone_host_pin_cases,
};

kunit_test_suite(zone_host_pin_suite);

#endif /* CONFIG_ZONE_HOST_PIN_KUNIT_TEST */
