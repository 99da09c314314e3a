// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of ZONE_HOST: the GFP mapping that sends user memory there,
 * the zone's name, and its place in the vmstat event counters.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/vmstat.h>

/* GFP_HIGHUSER_MOVABLE, and what user memory uses, go to ZONE_HOST. */
static void zone_host_gfp_user_movable(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_HIGHUSER_MOVABLE), ZONE_HOST);
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_HIGHUSER_MOVABLE | __GFP_ZERO),
			ZONE_HOST);
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_TRANSHUGE), ZONE_HOST);
}

/* Kernel allocations never reach ZONE_HOST. */
static void zone_host_gfp_kernel(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_KERNEL), ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_USER), ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_NOWAIT), ZONE_NORMAL);
	/* Movable alone, without highmem, is not enough. */
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_KERNEL | __GFP_MOVABLE), ZONE_NORMAL);
	KUNIT_EXPECT_LT(test, gfp_zone(GFP_HIGHUSER), ZONE_MOVABLE);
#ifdef CONFIG_ZONE_DMA32
	KUNIT_EXPECT_EQ(test, gfp_zone(GFP_DMA32), ZONE_DMA32);
#endif
}

/*
 * Every valid combination of the zone modifiers maps to a real zone, and
 * only __GFP_MOVABLE | __GFP_HIGHMEM to ZONE_HOST. Catches a table entry
 * lost to overflow (GFP_ZONES_SHIFT 3 puts entries past bit 31).
 */
static void zone_host_gfp_table(struct kunit *test)
{
	unsigned int bits;

	for (bits = 0; bits <= GFP_ZONEMASK; bits++) {
		gfp_t gfp = (__force gfp_t)bits;
		enum zone_type z;

		if ((GFP_ZONE_BAD >> bits) & 1)
			continue;
		z = gfp_zone(gfp);
		KUNIT_EXPECT_LT_MSG(test, z, MAX_NR_ZONES, "modifiers %#x", bits);
		KUNIT_EXPECT_EQ_MSG(test, z == ZONE_HOST,
				    gfp == (__GFP_MOVABLE | __GFP_HIGHMEM),
				    "modifiers %#x map to zone %d", bits, z);
	}
}

static void zone_host_name(struct kunit *test)
{
	struct pglist_data *pgdat = NODE_DATA(first_online_node);

	KUNIT_EXPECT_STREQ(test, pgdat->node_zones[ZONE_HOST].name, "Host");
	KUNIT_EXPECT_STREQ(test, pgdat->node_zones[ZONE_MOVABLE].name, "Movable");
}

/* Per-zone events are indexed by zone number: the order must match. */
static void zone_host_vm_events(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PGALLOC_HOST - PGALLOC_NORMAL,
			ZONE_HOST - ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, ALLOCSTALL_HOST - ALLOCSTALL_NORMAL,
			ZONE_HOST - ZONE_NORMAL);
	KUNIT_EXPECT_EQ(test, PGSCAN_SKIP_HOST - PGSCAN_SKIP_NORMAL,
			ZONE_HOST - ZONE_NORMAL);
	KUNIT_EXPECT_STREQ(test, vm_event_name(PGALLOC_HOST), "pgalloc_host");
	KUNIT_EXPECT_STREQ(test, vm_event_name(ALLOCSTALL_HOST),
			   "allocstall_host");
	KUNIT_EXPECT_STREQ(test, vm_event_name(PGSCAN_SKIP_HOST), "pgskip_host");
	KUNIT_EXPECT_STREQ(test, vm_event_name(PGALLOC_MOVABLE),
			   "pgalloc_movable");
}

static struct kunit_case zone_host_cases[] = {
	KUNIT_CASE(zone_host_gfp_user_movable),
	KUNIT_CASE(zone_host_gfp_kernel),
	KUNIT_CASE(zone_host_gfp_table),
	KUNIT_CASE(zone_host_name),
	KUNIT_CASE(zone_host_vm_events),
	{}
};

static struct kunit_suite zone_host_suite = {
	.name = "zone_host",
	.test_cases = zone_host_cases,
};

kunit_test_suite(zone_host_suite);

MODULE_DESCRIPTION("KUnit tests of ZONE_HOST");
MODULE_LICENSE("GPL");
