// SPDX-License-Identifier: GPL-2.0-only
/*
 * Was this folio accessed since the estimator last looked at it?
 *
 * The answer comes from two places, as for idle page tracking
 * (Documentation/admin-guide/mm/idle_page_tracking.rst): the accessed bits
 * of the page table entries that map the folio, found through the reverse
 * map, and PG_idle, which the estimator sets and which the kernel clears
 * when it marks the folio accessed (read(), write(), reclaim finding it
 * referenced). Page cache nobody maps is covered by the second.
 *
 * Clearing an accessed bit hides an access from reclaim, so the folio is
 * marked young (PG_young) whenever a bit was found set: folio_referenced()
 * counts that as a reference, and reclaim sees what it would have seen
 * without the estimator.
 *
 * Clearing a bit does not flush the TLB (x86 does not flush even in
 * ptep_clear_flush_young()), and a CPU sets the bit again only when it
 * walks the page table: a translation that stays cached hides every later
 * access. Real TLBs are small, but QEMU's software TLB under TCG holds
 * millions of entries and a loop on an idle vCPU kept its hot set hidden
 * for minutes. So the caller flushes the TLBs once after each scan that
 * cleared a bit (@cleared).
 */
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/page_idle.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>

#include "../internal.h"
#include "zone_host_wss.h"

static bool zone_host_wss_clear_young_one(struct folio *folio,
					  struct vm_area_struct *vma,
					  unsigned long addr, void *arg)
{
	DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, 0);
	bool *young = arg;

	while (page_vma_mapped_walk(&pvmw)) {
		if (pvmw.pte) {
			/* One young PTE of a large folio makes all of it young. */
			if (ptep_clear_young_notify(vma, pvmw.address, pvmw.pte))
				*young = true;
		} else if (IS_ENABLED(CONFIG_TRANSPARENT_HUGEPAGE)) {
			if (pmdp_clear_young_notify(vma, pvmw.address, pvmw.pmd))
				*young = true;
		}
	}
	return true;	/* look at every mapping: all bits must be cleared */
}

/**
 * zone_host_wss_folio_accessed() - test and clear a folio's accessed state
 * @folio: a folio on an LRU list, with a reference held
 * @cleared: set to true when an accessed bit in a page table was cleared
 *	(the TLBs must be flushed before the next test), left alone if not
 *
 * Return: true if the folio was accessed since the previous call for it
 * (or was never looked at before), false if it stayed idle. The folio is
 * idle again afterwards. A folio someone holds locked is reported as
 * accessed and left alone: it is in use (I/O, migration) right now.
 */
bool zone_host_wss_folio_accessed(struct folio *folio, bool *cleared)
{
	struct rmap_walk_control rwc = {
		.rmap_one = zone_host_wss_clear_young_one,
		.anon_lock = folio_lock_anon_vma_read,
	};
	bool young = false;
	bool need_lock;

	if (folio_mapped(folio) && folio_raw_mapping(folio)) {
		/* File and KSM folios need the folio lock for rmap_walk(). */
		need_lock = !folio_test_anon(folio) || folio_test_ksm(folio);
		if (need_lock && !folio_trylock(folio))
			return true;
		rwc.arg = &young;
		rmap_walk(folio, &rwc);
		if (need_lock)
			folio_unlock(folio);
	}
	if (young) {
		folio_set_young(folio);
		*cleared = true;
	}
	young |= !folio_test_idle(folio);
	folio_set_idle(folio);
	return young;
}
