/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the decisions in zone_host_unplug.c that touch no page:
 * the floor, the order in which subblocks are tried, and which of them go
 * in one piece. Included at the
 * end of zone_host_unplug.c, so the static functions are in reach.
 */
#ifdef CONFIG_ZONE_HOST_UNPLUG_KUNIT_TEST

#include <kunit/test.h>

#define MIB_PAGES(n)	((unsigned long)(n) << (20 - PAGE_SHIFT))

/* The margin is all that is kept: the reserves are out of avail already. */
static void zone_host_floor_margin_only(struct kunit *test)
{
	const u64 margin = 64ULL << 20;

	KUNIT_EXPECT_TRUE(test, zone_host_floor_allows(MIB_PAGES(64 + 2),
						       margin, MIB_PAGES(2)));
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(MIB_PAGES(64 + 2) - 1,
							margin, MIB_PAGES(2)));
	KUNIT_EXPECT_TRUE(test, zone_host_floor_allows(MIB_PAGES(2), 0,
						       MIB_PAGES(2)));
}

/* Nothing available, or less than nothing: never unplug. */
static void zone_host_floor_negative(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(0, 0, 0));
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(-1, 0, 1));
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(LONG_MIN, 0, 1));
}

/*
 * A huge margin means "never", not a sum that wraps to a small one: with
 * the reserves added in bytes, U64_MAX - 1 MiB used to wrap to almost
 * nothing and let everything go.
 */
static void zone_host_floor_huge_margin(struct kunit *test)
{
	const long avail = MIB_PAGES(4096);

	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(avail, U64_MAX,
							MIB_PAGES(128)));
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(avail,
							U64_MAX - (1ULL << 20),
							MIB_PAGES(2)));
	KUNIT_EXPECT_FALSE(test, zone_host_floor_allows(avail, 1ULL << 63,
							MIB_PAGES(2)));
	KUNIT_EXPECT_TRUE(test, zone_host_floor_allows(LONG_MAX, 0,
						       MIB_PAGES(128)));
	KUNIT_EXPECT_TRUE(test, zone_host_floor_allows(LONG_MAX, U64_MAX,
						       MIB_PAGES(128)));
}

/* Fewest pages in use first; among equals the highest subblock first. */
static void zone_host_candidate_order(struct kunit *test)
{
	struct zone_host_candidate c[] = {
		{ .sb = 3, .used = 10 }, { .sb = 1, .used = 0 },
		{ .sb = 7, .used = 0 }, { .sb = 5, .used = 10 },
		{ .sb = 2, .used = 1 },
	};
	static const unsigned long want[] = { 7, 1, 2, 5, 3 };
	unsigned int i;

	sort(c, ARRAY_SIZE(c), sizeof(c[0]), zone_host_candidate_cmp, NULL);
	for (i = 0; i < ARRAY_SIZE(c); i++)
		KUNIT_EXPECT_EQ_MSG(test, c[i].sb, want[i], "position %u", i);
}

/*
 * Free neighbours go in one piece, descending, up to the limit; a used
 * subblock or a gap ends the run, and a used one is always alone.
 */
static void zone_host_run_coalescing(struct kunit *test)
{
	static const struct zone_host_candidate c[] = {
		{ .sb = 9, .used = 0 }, { .sb = 8, .used = 0 },
		{ .sb = 7, .used = 0 }, { .sb = 5, .used = 0 },
		{ .sb = 4, .used = 0 }, { .sb = 3, .used = 2 },
		{ .sb = 2, .used = 2 },
	};
	const unsigned long n = ARRAY_SIZE(c);

	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 0, n, 64), 3);
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 0, n, 2), 2);
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 0, n, 1), 1);
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 1, n, 64), 2);
	/* 7 -> 5: a gap. */
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 3, n, 64), 2);
	/* 4 is free but 3 is not: the run stops before it. */
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 4, n, 64), 1);
	/* Used subblocks are emptied one by one, even when adjacent. */
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, 5, n, 64), 1);
	/* The last candidate: nothing after it. */
	KUNIT_EXPECT_EQ(test, zone_host_free_run_len(c, n - 1, n, 64), 1);
}

static struct kunit_case zone_host_unplug_cases[] = {
	KUNIT_CASE(zone_host_floor_margin_only),
	KUNIT_CASE(zone_host_floor_negative),
	KUNIT_CASE(zone_host_floor_huge_margin),
	KUNIT_CASE(zone_host_candidate_order),
	KUNIT_CASE(zone_host_run_coalescing),
	{}
};

static struct kunit_suite zone_host_unplug_suite = {
	.name = "zone_host_unplug",
	.test_cases = zone_host_unplug_cases,
};

kunit_test_suite(zone_host_unplug_suite);

#endif /* CONFIG_ZONE_HOST_UNPLUG_KUNIT_TEST */
