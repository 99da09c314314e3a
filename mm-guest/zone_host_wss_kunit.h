/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of the arithmetic in zone_host_wss.c that touches no page:
 * the automatic stride, scaling samples to bytes, and the error bound.
 * Included at the end of zone_host_wss.c, so the static functions are in
 * reach.
 */
#ifdef CONFIG_ZONE_HOST_WSS_KUNIT_TEST

#include <kunit/test.h>

/* Small guests get the default; larger ones a power of two, capped. */
static void zone_host_wss_stride_auto(struct kunit *test)
{
	const unsigned long at_default = (unsigned long)ZONE_HOST_WSS_SAMPLES_AUTO *
					 ZONE_HOST_WSS_STRIDE_DEFAULT;

	KUNIT_EXPECT_EQ(test, zone_host_wss_stride_for(0),
			ZONE_HOST_WSS_STRIDE_DEFAULT);
	KUNIT_EXPECT_EQ(test, zone_host_wss_stride_for(at_default),
			ZONE_HOST_WSS_STRIDE_DEFAULT);
	/* One page more needs 33 pages per sample: the next power of two. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_stride_for(at_default + 1),
			2 * ZONE_HOST_WSS_STRIDE_DEFAULT);
	KUNIT_EXPECT_EQ(test, zone_host_wss_stride_for(ULONG_MAX),
			ZONE_HOST_WSS_STRIDE_MAX);
	KUNIT_EXPECT_EQ(test,
			zone_host_wss_stride_for((unsigned long)ZONE_HOST_WSS_SAMPLES_AUTO *
						 ZONE_HOST_WSS_STRIDE_MAX * 4),
			ZONE_HOST_WSS_STRIDE_MAX);
}

/* A count of samples stands for that share of the zone. */
static void zone_host_wss_scale_share(struct kunit *test)
{
	const u64 gib = 1ULL << 30;

	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(0, gib, 1024), 0);
	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(1024, gib, 1024), gib);
	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(256, gib, 1024), gib / 4);
	/* No samples: nothing known, not a division by zero. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(5, gib, 0), 0);
	/* A count above the samples is a bug elsewhere: never above size. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(2048, gib, 1024), gib);
}

/*
 * Large zones: 2^49 bytes (512 TiB) times 32767 samples overflows 64 bits
 * in a plain product, which made the estimate of such a zone small.
 */
static void zone_host_wss_scale_large(struct kunit *test)
{
	const u64 managed = 1ULL << 49;
	const u32 n = ZONE_HOST_WSS_SAMPLES_AUTO;

	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(n - 1, managed, n),
			managed - managed / n);
	KUNIT_EXPECT_EQ(test, zone_host_wss_scale(n, U64_MAX, n), U64_MAX);
}

/* k of n accessed in a zone of N pages: N^2 k (n - k) / n^3 pages^2. */
static void zone_host_wss_variance_bounds(struct kunit *test)
{
	/* All or nothing accessed: the proportion is certain. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_variance(1 << 20, 0, 1024), 0);
	KUNIT_EXPECT_EQ(test, zone_host_wss_variance(1 << 20, 1024, 1024), 0);
	KUNIT_EXPECT_EQ(test, zone_host_wss_variance(1 << 20, 1, 0), 0);
	/* Half: N^2 / (4 n), the largest it gets. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_variance(1 << 20, 512, 1024),
			(1ULL << 40) / 4096);
	/*
	 * 2^30 pages (4 TiB): N^2 alone is 2^60, times k overflowed before.
	 * N^2 / (4 n) = 2^60 / 2^17.
	 */
	KUNIT_EXPECT_EQ(test, zone_host_wss_variance(1ULL << 30, 1 << 14,
						     1 << 15), 1ULL << 43);
}

/* 1.96 standard deviations, in bytes. */
static void zone_host_wss_error_interval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, zone_host_wss_error(0), 0);
	/* sd of 100 pages: 196 pages. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_error(10000),
			196ULL << PAGE_SHIFT);
	/* The largest variance a zone of 2^30 pages can have, 2^43. */
	KUNIT_EXPECT_EQ(test, zone_host_wss_error(1ULL << 43) >> PAGE_SHIFT,
			(u64)int_sqrt64(1ULL << 43) * 196 / 100);
}

static struct kunit_case zone_host_wss_cases[] = {
	KUNIT_CASE(zone_host_wss_stride_auto),
	KUNIT_CASE(zone_host_wss_scale_share),
	KUNIT_CASE(zone_host_wss_scale_large),
	KUNIT_CASE(zone_host_wss_variance_bounds),
	KUNIT_CASE(zone_host_wss_error_interval),
	{}
};

static struct kunit_suite zone_host_wss_suite = {
	.name = "zone_host_wss",
	.test_cases = zone_host_wss_cases,
};

kunit_test_suite(zone_host_wss_suite);

#endif /* CONFIG_ZONE_HOST_WSS_KUNIT_TEST */
