/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of host paging's bookkeeping that needs no device: how
 * hints queue and coalesce, what is dropped, how a batch is taken, and how
 * the host's replies and mode changes are checked. Included at the end of
 * zone_host_paging.c, so the static functions are in reach.
 */
#ifdef CONFIG_ZONE_HOST_PAGING_KUNIT_TEST

#include <kunit/test.h>

#define ZH_PAGING_TEST_RUNS	4
#define ZH_RECLAIM		VMRPC_PAGING_SRC_RECLAIM
#define ZH_IDLE			VMRPC_PAGING_SRC_IDLE

static void zone_host_paging_test_nop(struct work_struct *work)
{
}

/* The queue functions queue the work: it must be done before zp is freed. */
static void zone_host_paging_test_flush(void *work)
{
	flush_work(work);
}

/* A provider with only its paging state set up, in host mode. */
static struct zone_host_provider *zone_host_paging_test_zp(struct kunit *test)
{
	struct zone_host_provider *zp = kunit_kzalloc(test, sizeof(*zp),
						      GFP_KERNEL);
	struct zone_host_paging *pg;

	KUNIT_ASSERT_NOT_NULL(test, zp);
	pg = &zp->paging;
	zp->wq = system_wq;
	spin_lock_init(&pg->buf_lock);
	mutex_init(&pg->lock);
	INIT_WORK(&pg->work, zone_host_paging_test_nop);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							zone_host_paging_test_flush,
							&pg->work), 0);
	pg->sb_order = 9;
	pg->nr_pages = 8 << pg->sb_order;
	pg->max_runs = ZH_PAGING_TEST_RUNS;
	pg->buf = kunit_kcalloc(test, ZONE_HOST_PAGING_BUF_RUNS,
				sizeof(*pg->buf), GFP_KERNEL);
	pg->hints = kunit_kzalloc(test, struct_size(pg->hints, runs,
						    ZH_PAGING_TEST_RUNS),
				  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pg->buf);
	KUNIT_ASSERT_NOT_NULL(test, pg->hints);
	pg->enabled = true;
	pg->mode = VMRPC_PAGING_MODE_HOST;
	return zp;
}

/* Contiguous pages make one run, but never across a subblock. */
static void zone_host_paging_queue_coalesces(struct kunit *test)
{
	struct zone_host_paging *pg = &zone_host_paging_test_zp(test)->paging;

	zone_host_paging_queue(pg, 10, 1, ZH_RECLAIM);
	zone_host_paging_queue(pg, 11, 4, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 1);
	KUNIT_EXPECT_EQ(test, pg->buf[0].count, 5);
	/* 510 + 2 crosses into subblock 1 at 512: a new run. */
	zone_host_paging_queue(pg, 510, 2, ZH_RECLAIM);
	zone_host_paging_queue(pg, 512, 512, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 3);
	KUNIT_EXPECT_EQ(test, pg->buf[2].first, 512);
	KUNIT_EXPECT_EQ(test, pg->buf_pages, 519);
	/* Pages from the estimator make a run of their own. */
	zone_host_paging_queue(pg, 1024, 1, ZH_RECLAIM);
	zone_host_paging_queue(pg, 1025, 1, ZH_IDLE);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 5);
	KUNIT_EXPECT_EQ(test, pg->buf[4].source, ZH_IDLE);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pg->stats.dropped), 0);
}

/* A full buffer drops what comes, and counts it; guest mode queues nothing. */
static void zone_host_paging_queue_drops(struct kunit *test)
{
	struct zone_host_paging *pg = &zone_host_paging_test_zp(test)->paging;
	unsigned int i;

	for (i = 0; i < ZONE_HOST_PAGING_BUF_RUNS; i++)
		zone_host_paging_queue(pg, 2 * i, 1, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, ZONE_HOST_PAGING_BUF_RUNS);
	zone_host_paging_queue(pg, 4 * ZONE_HOST_PAGING_BUF_RUNS, 3, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, ZONE_HOST_PAGING_BUF_RUNS);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pg->stats.dropped), 3);
	/* Switching to guest mode drops the buffer too. */
	zone_host_paging_switch(pg, VMRPC_PAGING_MODE_GUEST,
				VMRPC_PAGING_R_NO_SWAP);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pg->stats.dropped),
			3 + ZONE_HOST_PAGING_BUF_RUNS);
	KUNIT_EXPECT_EQ(test, pg->reason, VMRPC_PAGING_R_NO_SWAP);
	zone_host_paging_queue(pg, 0, 1, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 0);
}

/* A batch takes at most a call's worth of runs, encoded for the wire. */
static void zone_host_paging_take_bounded(struct kunit *test)
{
	struct zone_host_paging *pg = &zone_host_paging_test_zp(test)->paging;
	unsigned int i;

	for (i = 0; i < ZH_PAGING_TEST_RUNS + 2; i++)
		zone_host_paging_queue(pg, 4 * i, 2, ZH_RECLAIM);
	KUNIT_EXPECT_EQ(test, zone_host_paging_take(pg),
			2 * ZH_PAGING_TEST_RUNS);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(pg->hints->nr), ZH_PAGING_TEST_RUNS);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(pg->hints->runs[0].first), 8);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(pg->hints->runs[0].count), 2);
	KUNIT_EXPECT_EQ(test, le16_to_cpu(pg->hints->runs[0].source),
			VMRPC_PAGING_SRC_RECLAIM);
	KUNIT_EXPECT_EQ(test, pg->nr_buf, 2);
	KUNIT_EXPECT_EQ(test, zone_host_paging_take(pg), 4);
	KUNIT_EXPECT_EQ(test, zone_host_paging_take(pg), 0);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(pg->hints->nr), 0);
}

/* A reply claiming more than was sent, or unknown values, changes nothing. */
static void zone_host_paging_reply_checked(struct kunit *test)
{
	struct zone_host_paging *pg = &zone_host_paging_test_zp(test)->paging;

	pg->reply = (struct vmrpc_paging_reply) {
		.accepted = cpu_to_le64(9),
		.mode = cpu_to_le32(VMRPC_PAGING_MODE_GUEST),
	};
	KUNIT_EXPECT_EQ(test, zone_host_paging_apply(pg, 8), -EPROTO);
	pg->reply.accepted = cpu_to_le64(8);
	pg->reply.mode = cpu_to_le32(2);
	KUNIT_EXPECT_EQ(test, zone_host_paging_apply(pg, 8), -EPROTO);
	pg->reply.mode = cpu_to_le32(VMRPC_PAGING_MODE_GUEST);
	pg->reply.reason = cpu_to_le32(ARRAY_SIZE(zone_host_paging_reasons));
	KUNIT_EXPECT_EQ(test, zone_host_paging_apply(pg, 8), -EPROTO);
	KUNIT_EXPECT_EQ(test, pg->mode, VMRPC_PAGING_MODE_HOST);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pg->stats.accepted), 0);
	/* A host that pages no more sends the guest back to its own swap. */
	pg->reply.reason = cpu_to_le32(VMRPC_PAGING_R_LIMIT);
	KUNIT_EXPECT_EQ(test, zone_host_paging_apply(pg, 8), 0);
	KUNIT_EXPECT_EQ(test, pg->mode, VMRPC_PAGING_MODE_GUEST);
	KUNIT_EXPECT_EQ(test, pg->reason, VMRPC_PAGING_R_LIMIT);
	KUNIT_EXPECT_EQ(test, atomic64_read(&pg->stats.accepted), 8);
}

/* SET_MODE: malformed requests refused; host mode only while attached. */
static void zone_host_paging_mode_checked(struct kunit *test)
{
	struct zone_host_provider *zp = zone_host_paging_test_zp(test);
	struct vmrpc_paging_mode m = {
		.mode = cpu_to_le32(VMRPC_PAGING_MODE_HOST),
	}, out;

	zp->paging.mode = VMRPC_PAGING_MODE_GUEST;
	KUNIT_EXPECT_EQ(test, zone_host_paging_set_mode(zp, &m, sizeof(m) - 1,
							&out, sizeof(out)),
			-EINVAL);
	m.reserved = cpu_to_le64(1);
	KUNIT_EXPECT_EQ(test, zone_host_paging_set_mode(zp, &m, sizeof(m),
							&out, sizeof(out)),
			-EINVAL);
	m.reserved = 0;
	m.mode = cpu_to_le32(7);
	KUNIT_EXPECT_EQ(test, zone_host_paging_set_mode(zp, &m, sizeof(m),
							&out, sizeof(out)),
			-EINVAL);
	/* Not attached: the guest says it cannot, and stays in guest mode. */
	m.mode = cpu_to_le32(VMRPC_PAGING_MODE_HOST);
	KUNIT_EXPECT_EQ(test, zone_host_paging_set_mode(zp, &m, sizeof(m),
							&out, sizeof(out)),
			(int)sizeof(out));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(out.mode), VMRPC_PAGING_MODE_GUEST);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(out.reason), VMRPC_PAGING_R_GUEST);
	zp->attached = true;
	KUNIT_EXPECT_EQ(test, zone_host_paging_set_mode(zp, &m, sizeof(m),
							&out, sizeof(out)),
			(int)sizeof(out));
	KUNIT_EXPECT_EQ(test, le32_to_cpu(out.mode), VMRPC_PAGING_MODE_HOST);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(out.reason), VMRPC_PAGING_R_NONE);
	KUNIT_EXPECT_EQ(test, zp->paging.mode, VMRPC_PAGING_MODE_HOST);
}

static struct kunit_case zone_host_paging_cases[] = {
	KUNIT_CASE(zone_host_paging_queue_coalesces),
	KUNIT_CASE(zone_host_paging_queue_drops),
	KUNIT_CASE(zone_host_paging_take_bounded),
	KUNIT_CASE(zone_host_paging_reply_checked),
	KUNIT_CASE(zone_host_paging_mode_checked),
	{}
};

static struct kunit_suite zone_host_paging_suite = {
	.name = "zone_host_paging",
	.test_cases = zone_host_paging_cases,
};

kunit_test_suite(zone_host_paging_suite);

#undef ZH_RECLAIM
#undef ZH_IDLE

#endif /* CONFIG_ZONE_HOST_PAGING_KUNIT_TEST */
