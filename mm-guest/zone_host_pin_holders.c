// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which guest processes hold the mlocked pages of a range of subblocks:
 * the reply of the host's VMRPC_PIN_HOLDERS call (balloon-ctl pins).
 *
 * For each mlocked folio of a subblock the reverse map gives the VM_LOCKED
 * areas that map it, and each area's mm its owner (mm->owner, kept with
 * CONFIG_MEMCG). Pages whose mapping could not be walked or named (the
 * folio was locked, or is being unmapped) are reported under pid 0. The
 * work per call is bounded: a reply covers at most
 * ZONE_HOST_HOLDERS_MAX_SB subblocks that hold mlocked pages, and says
 * where to go on.
 */
#define pr_fmt(fmt) "zone_host: " fmt

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/vmrpc.h>

#include "../internal.h"
#include "zone_host_provider.h"

/* Subblocks with mlocked pages looked at per call, at most. */
#define ZONE_HOST_HOLDERS_MAX_SB	64
/* Distinct mms told apart per subblock; pages of others go to pid 0. */
#define ZONE_HOST_HOLDERS_PER_SB	16

struct zone_host_holder {
	struct mm_struct *mm;		/* grabbed (mmgrab()) */
	unsigned long pages;
	unsigned long folio;		/* walk that last counted it */
};

/* The holders of one subblock, as the reverse map walk finds them. */
struct zone_host_holders_sb {
	struct zone_host_holder h[ZONE_HOST_HOLDERS_PER_SB];
	unsigned int nr;
	unsigned long unnamed;		/* pages no mm could be found for */
	unsigned long pages;		/* of the folio being walked */
	unsigned long folio;		/* number of that walk, from 1 */
	bool found;			/* the walk found a VM_LOCKED area */
	bool overflow;			/* ... of an mm there was no room for */
};

static void zone_host_holders_add(struct zone_host_holders_sb *hs,
				  struct mm_struct *mm)
{
	unsigned int i;

	for (i = 0; i < hs->nr; i++) {
		if (hs->h[i].mm == mm) {
			/* A folio an mm maps twice counts once. */
			if (hs->h[i].folio != hs->folio)
				hs->h[i].pages += hs->pages;
			hs->h[i].folio = hs->folio;
			return;
		}
	}
	if (hs->nr == ZONE_HOST_HOLDERS_PER_SB) {
		hs->overflow = true;
		return;
	}
	mmgrab(mm);
	hs->h[hs->nr].mm = mm;
	hs->h[hs->nr].pages = hs->pages;
	hs->h[hs->nr].folio = hs->folio;
	hs->nr++;
}

static bool zone_host_holders_one(struct folio *folio,
				  struct vm_area_struct *vma,
				  unsigned long addr, void *arg)
{
	struct zone_host_holders_sb *hs = arg;

	/* The walk holds the mapping's lock: the area and its mm are alive. */
	if (vma->vm_flags & VM_LOCKED) {
		zone_host_holders_add(hs, vma->vm_mm);
		hs->found = true;
	}
	return true;
}

/* Walk the mappings of one mlocked folio, @pages of it in the subblock. */
static void zone_host_holders_folio(struct folio *folio, unsigned long pages,
				    struct zone_host_holders_sb *hs)
{
	struct rmap_walk_control rwc = {
		.rmap_one = zone_host_holders_one,
		.anon_lock = folio_lock_anon_vma_read,
		.arg = hs,
	};
	bool need_lock;

	hs->pages = pages;
	hs->folio++;
	hs->found = false;
	hs->overflow = false;
	if (folio_mapped(folio) && folio_raw_mapping(folio)) {
		need_lock = !folio_test_anon(folio) || folio_test_ksm(folio);
		if (!need_lock || folio_trylock(folio)) {
			rmap_walk(folio, &rwc);
			if (need_lock)
				folio_unlock(folio);
		}
	}
	/* Once per folio, so no count exceeds the subblock. */
	if (!hs->found || hs->overflow)
		hs->unnamed += pages;
}

/* Find the holders of subblock @sb. */
static void zone_host_holders_scan(struct zone_host_provider *zp,
				   unsigned long sb,
				   struct zone_host_holders_sb *hs)
{
	unsigned long pfn = zone_host_sb_pfn(zp, sb);
	unsigned long end = pfn + zp->sb_pages, next;
	struct folio *folio;
	struct page *page;

	for (; pfn < end; pfn = next) {
		next = pfn + 1;
		page = pfn_to_online_page(pfn);
		if (!page)
			continue;
		folio = page_folio(page);
		if (!folio_test_mlocked(folio) || !folio_try_get(folio))
			continue;
		/* It may have been freed and reused before the reference. */
		if (page_folio(page) == folio && folio_test_mlocked(folio)) {
			next = min(end, folio_pfn(folio) + folio_nr_pages(folio));
			zone_host_holders_folio(folio, next - pfn, hs);
		}
		folio_put(folio);
		cond_resched();
	}
}

/* Write the holders of @sb into @out (room for @room); drop the mms. */
static unsigned int zone_host_holders_emit(unsigned long sb,
					   struct zone_host_holders_sb *hs,
					   struct vmrpc_pin_holder *out,
					   unsigned int room)
{
	unsigned int i, n = 0;

	for (i = 0; i < hs->nr; i++) {
		struct task_struct *task = NULL;
		pid_t pid = 0;

		if (n < room) {
			memset(&out[n], 0, sizeof(out[n]));
#ifdef CONFIG_MEMCG
			rcu_read_lock();
			task = rcu_dereference(hs->h[i].mm->owner);
			if (task) {
				pid = task_tgid_nr(task);
				get_task_comm(out[n].comm, task);
			}
			rcu_read_unlock();
#endif
			out[n].subblock = cpu_to_le64(sb);
			out[n].pid = cpu_to_le32(pid);
			out[n].pages = cpu_to_le32(hs->h[i].pages);
		}
		n++;
		mmdrop(hs->h[i].mm);
	}
	if (hs->unnamed) {
		if (n < room) {
			memset(&out[n], 0, sizeof(out[n]));
			out[n].subblock = cpu_to_le64(sb);
			out[n].pages = cpu_to_le32(hs->unnamed);
		}
		n++;
	}
	return n;
}

/**
 * zone_host_pin_holders() - serve VMRPC_PIN_HOLDERS
 * @zp: the provider
 * @req: private copy of the request (struct vmrpc_pin_holders_request)
 * @req_len: its length
 * @resp: the reply buffer
 * @resp_size: its size
 *
 * Return: the reply's length, or a negative errno (-EINVAL for a malformed
 * request, -ENODEV when not attached).
 */
int zone_host_pin_holders(struct zone_host_provider *zp, const void *req,
			  u32 req_len, void *resp, u32 resp_size)
{
	const struct vmrpc_pin_holders_request *r = req;
	struct vmrpc_pin_holders *reply = resp;
	struct zone_host_holders_sb *hs;
	unsigned int room, nr = 0, used, scanned = 0;
	unsigned long sb, end;
	u64 first;
	u32 count;

	if (req_len != sizeof(*r) || r->reserved)
		return -EINVAL;
	first = le64_to_cpu(r->first);
	count = le32_to_cpu(r->count);
	if (!READ_ONCE(zp->attached) || !READ_ONCE(zp->pin.enabled))
		return -ENODEV;
	if (!count || first >= zp->nr_sb || count > zp->nr_sb - first)
		return -EINVAL;
	if (resp_size < sizeof(*reply))
		return -EOVERFLOW;
	room = (resp_size - sizeof(*reply)) / sizeof(reply->holders[0]);
	hs = kmalloc(sizeof(*hs), GFP_KERNEL);
	if (!hs)
		return -ENOMEM;
	memset(reply, 0, sizeof(*reply));
	end = first + count;
	for (sb = first; sb < end; sb++) {
		if (atomic_read(&zp->pin.mlocked[sb]) <= 0)
			continue;
		if (scanned++ == ZONE_HOST_HOLDERS_MAX_SB)
			break;
		memset(hs, 0, sizeof(*hs));
		zone_host_holders_scan(zp, sb, hs);
		used = zone_host_holders_emit(sb, hs, reply->holders + nr,
					      room - nr);
		if (used > room - nr)
			break;		/* not all of it fit: none of it goes */
		nr += used;
	}
	kfree(hs);
	if (sb < end) {
		reply->flags = cpu_to_le32(VMRPC_PIN_HOLDERS_F_TRUNCATED);
		reply->next_first = cpu_to_le64(sb);
	}
	reply->nr = cpu_to_le32(nr);
	return struct_size(reply, holders, nr);
}
