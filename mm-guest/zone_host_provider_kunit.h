/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit tests of zone_host_provider.c on a provider of their own that no
 * device is bound to: binding and unbinding, and the notifiers that
 * refuse hibernation and offlining. Included at the end
 * of zone_host_provider.c, so the static functions are in reach.
 */
#ifdef CONFIG_ZONE_HOST_PROVIDER_KUNIT_TEST

#include <kunit/test.h>
#include <linux/completion.h>

struct zone_host_detach_test {
	struct work_struct work;
	struct zone_host_provider *zp;
	struct completion done;
};

static void zone_host_test_detach_work(struct work_struct *work)
{
	struct zone_host_detach_test *t =
		container_of(work, struct zone_host_detach_test, work);

	zone_host_detach_cb(&t->zp->client);
	complete(&t->done);
}

/*
 * A detach while a resize holds the provider's lock returns at once. An
 * ACPI eject detaches under device_hotplug_lock, which that resize may be
 * waiting for in add_memory_driver_managed(): waiting for the lock here
 * was a deadlock.
 */
static void zone_host_detach_does_not_wait(struct kunit *test)
{
	struct zone_host_provider *zp = zone_host_provider_alloc();
	struct zone_host_detach_test t = { .zp = zp };
	u64 gen;

	KUNIT_ASSERT_NOT_NULL(test, zp);
	init_completion(&t.done);
	INIT_WORK_ONSTACK(&t.work, zone_host_test_detach_work);
	WRITE_ONCE(zp->attached, true);
	gen = zp->bind_gen;

	mutex_lock(&zp->lock);		/* a resize in progress */
	schedule_work(&t.work);
	KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&t.done, 30 * HZ), 0);
	mutex_unlock(&zp->lock);

	/* Done already, or (had it waited for the lock) done now. */
	flush_work(&t.work);
	destroy_work_on_stack(&t.work);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(zp->attached));
	KUNIT_EXPECT_NE(test, zp->bind_gen, gen);
	zone_host_provider_free(zp);
}

/*
 * A bind and an unbind that both happen before the attach work runs leave
 * it with a generation that is no longer current: it must not attach.
 */
static void zone_host_stale_attach_refused(struct kunit *test)
{
	struct zone_host_provider *zp = zone_host_provider_alloc();
	u64 gen;

	KUNIT_ASSERT_NOT_NULL(test, zp);
	spin_lock(&zp->req_lock);
	gen = ++zp->bind_gen;		/* what zone_host_attach_cb() does */
	spin_unlock(&zp->req_lock);
	zone_host_detach_cb(&zp->client);
	KUNIT_EXPECT_FALSE(test, zone_host_publish_attached(zp, gen));
	KUNIT_EXPECT_FALSE(test, READ_ONCE(zp->attached));
	KUNIT_EXPECT_TRUE(test, zone_host_publish_attached(zp, zp->bind_gen));
	KUNIT_EXPECT_TRUE(test, READ_ONCE(zp->attached));
	zone_host_provider_free(zp);
}

/*
 * Hibernation is refused while any host memory is plugged or added: the
 * image would refer to frames the resuming kernel has not added.
 */
static void zone_host_hibernation_refused(struct kunit *test)
{
	struct zone_host_provider *zp = zone_host_provider_alloc();
	struct notifier_block *nb;

	KUNIT_ASSERT_NOT_NULL(test, zp);
	nb = &zp->pm_nb;
	zp->sb_size = 2 << 20;
	zp->block_size = 128 << 20;
	KUNIT_EXPECT_EQ(test, zone_host_pm_notifier(nb, PM_HIBERNATION_PREPARE,
						    NULL), NOTIFY_OK);
	WRITE_ONCE(zp->nr_added, 1);
	KUNIT_EXPECT_EQ(test,
			zone_host_pm_notifier(nb, PM_HIBERNATION_PREPARE, NULL),
			notifier_from_errno(-EBUSY));
	WRITE_ONCE(zp->nr_plugged, 3);
	KUNIT_EXPECT_EQ(test,
			zone_host_pm_notifier(nb, PM_HIBERNATION_PREPARE, NULL),
			notifier_from_errno(-EBUSY));
	/* Suspend to RAM keeps memory as it is: not refused. */
	KUNIT_EXPECT_EQ(test, zone_host_pm_notifier(nb, PM_SUSPEND_PREPARE,
						    NULL), NOTIFY_OK);
	zone_host_provider_free(zp);
}

/* Nobody but the provider offlines a block of the data area. */
static void zone_host_offline_refused(struct kunit *test)
{
	struct zone_host_provider *zp = zone_host_provider_alloc();
	const unsigned long block = PHYS_PFN(128 << 20);
	struct memory_notify mn = { .nr_pages = block };

	KUNIT_ASSERT_NOT_NULL(test, zp);
	zp->start = 4ULL << 30;
	zp->size = 512 << 20;
	mn.start_pfn = PHYS_PFN(zp->start) + block;
	KUNIT_EXPECT_EQ(test, zone_host_memory_notifier(&zp->memory_nb,
							MEM_GOING_OFFLINE, &mn),
			notifier_from_errno(-EBUSY));
	/* Onlining, and blocks outside the data area, are not its business. */
	KUNIT_EXPECT_EQ(test, zone_host_memory_notifier(&zp->memory_nb,
							MEM_GOING_ONLINE, &mn),
			NOTIFY_OK);
	mn.start_pfn = PHYS_PFN(zp->start) - block;
	KUNIT_EXPECT_EQ(test, zone_host_memory_notifier(&zp->memory_nb,
							MEM_GOING_OFFLINE, &mn),
			NOTIFY_OK);
	mn.start_pfn = PHYS_PFN(zp->start + zp->size);
	KUNIT_EXPECT_EQ(test, zone_host_memory_notifier(&zp->memory_nb,
							MEM_GOING_OFFLINE, &mn),
			NOTIFY_OK);
	zone_host_provider_free(zp);
}

static struct kunit_case zone_host_provider_cases[] = {
	KUNIT_CASE(zone_host_detach_does_not_wait),
	KUNIT_CASE(zone_host_stale_attach_refused),
	KUNIT_CASE(zone_host_hibernation_refused),
	KUNIT_CASE(zone_host_offline_refused),
	{}
};

static struct kunit_suite zone_host_provider_suite = {
	.name = "zone_host_provider",
	.test_cases = zone_host_provider_cases,
};

kunit_test_suite(zone_host_provider_suite);

#endif /* CONFIG_ZONE_HOST_PROVIDER_KUNIT_TEST */
