// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's pinned set (mm-host/pin.c) with the memory backend
 * (mm-host/memory.c) and the VMRPC_PIN_UPDATE handler (pin-serve.c),
 * against a real memfd, measured the way the kernel reports it: "Locked:"
 * and "Rss:" of zhostd's mapping in /proc/self/smaps, VmLck in
 * /proc/self/status, mincore() of the pages, SEEK_DATA of the memfd.
 *
 * A pin locks exactly the pinned bytes and an unpin gives them back; the
 * ceiling pins the prefix that fits and reports the rest; subblocks not
 * plugged are refused; --lock-all follows plugs and unplugs; an unplug or
 * a reset of pinned subblocks unlocks them before the hole is punched;
 * every malformed batch is refused and changes nothing; RLIMIT_MEMLOCK
 * without CAP_IPC_LOCK is told apart from other failures.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memory.h"
#include "pin-serve.h"
#include "../lib/tap.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(64 * MIB)
#define NR_SB		(DATA / SB)

static int memfd;
static uint8_t *qemu;			/* a second mapping, as QEMU's */
static struct zhostd_memory m;
static struct zhostd_pin pin;
static int refusals;
static struct zhostd_pin_refusal last_refusal;

static void on_refused(void *opaque, const struct zhostd_pin_refusal *r)
{
	(void)opaque;
	last_refusal = *r;
	refusals++;
}

/*
 * "Locked:" of zhostd's mapping: mlock() splits it into several VMAs, so
 * the entries of every VMA inside it are added up.
 */
static long long mapping_field(const char *field)
{
	const uint8_t *base = zhostd_pin_mapping(&pin);
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t flen = strlen(field);
	bool in = false;
	long long kb = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ') &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = lo >= (uintptr_t)base && hi <= (uintptr_t)base + DATA;
			continue;
		}
		if (in && !strncmp(line, field, flen) && line[flen] == ':')
			kb += atoll(line + flen + 1);
	}
	fclose(f);
	return kb * 1024;
}

/* VmLck of this process: the size of its locked mappings, in bytes. */
static long long vm_locked(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	long long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmLck:", 6))
			kb = atoll(line + 6);
	fclose(f);
	return kb * 1024;
}

/* Subblocks [first, first + count) all resident, by mincore() on our mapping. */
static bool resident(uint64_t first, uint64_t count)
{
	const long page = sysconf(_SC_PAGESIZE);
	size_t n = (size_t)(count * SB / (uint64_t)page);
	unsigned char *vec = malloc(n);
	bool all = vec != NULL;

	if (vec && mincore((void *)((const uint8_t *)zhostd_pin_mapping(&pin) +
				    first * SB), count * SB, vec))
		all = false;
	for (size_t i = 0; all && i < n; i++)
		all = vec[i] & 1;
	free(vec);
	return all;
}

/* /proc/kpageflags bits (Documentation/admin-guide/mm/pagemap.rst). */
#define KPF_UNEVICTABLE	18
#define KPF_MLOCKED	33

/*
 * The page flags of the page @addr maps, through /proc/self/pagemap and
 * /proc/kpageflags: 0 with *@flags set, -1 when they cannot be read (not
 * root, no page there).
 */
static int page_flags(const void *addr, uint64_t *flags, uint64_t *pfn)
{
	const long page = sysconf(_SC_PAGESIZE);
	uint64_t ent = 0;
	int pm = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	int kf = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (pm >= 0 && kf >= 0 &&
	    pread(pm, &ent, 8, (off_t)((uintptr_t)addr / (uintptr_t)page * 8)) == 8 &&
	    (ent >> 63) && (ent & ((1ULL << 55) - 1))) {
		*pfn = ent & ((1ULL << 55) - 1);
		if (pread(kf, flags, 8, (off_t)(*pfn * 8)) == 8)
			ret = 0;
	}
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	return ret;
}

/* Bytes of the memfd allocated behind subblocks [first, first + count). */
static uint64_t memfd_data(uint64_t first, uint64_t count)
{
	off_t pos = (off_t)(OFFSET + first * SB), end = pos + (off_t)(count * SB);
	uint64_t bytes = 0;

	while (pos < end) {
		off_t d = lseek(memfd, pos, SEEK_DATA), h;

		if (d < 0 || d >= end)
			break;
		h = lseek(memfd, d, SEEK_HOLE);
		if (h > end)
			h = end;
		bytes += (uint64_t)(h - d);
		pos = h;
	}
	return bytes;
}

/*
 * The guest writes subblocks [first, first + count): through the file,
 * so that zhostd's mapping is the only one of those pages.
 */
static void guest_write(uint64_t first, uint64_t count, int byte)
{
	static uint8_t buf[SB];

	memset(buf, byte, sizeof(buf));
	for (uint64_t i = first; i < first + count; i++)
		if (pwrite(memfd, buf, SB, (off_t)(OFFSET + i * SB)) != (ssize_t)SB)
			tap_diag("pwrite: %s", strerror(errno));
}

/* An unplug's punch comes after its reply: wait for it, as backed does. */
static bool settle(void)
{
	uint64_t bytes;

	return !zhostd_memory_backed(&m, &bytes);
}

static uint32_t mem_call(uint16_t proc, uint64_t first, uint32_t count)
{
	struct vmrpc_mem_range r = { .first = htole64(first), .count = htole32(count) };
	uint32_t len;

	return zhostd_memory_serve(&m, proc, &r, proc == VMRPC_MEM_UNPLUG_ALL ?
				   0 : sizeof(r), NULL, 0, &len);
}

/* A batch of @n runs {first, count, op}; @res gets the results. */
struct op3 {
	uint64_t first;
	uint32_t count;
	uint16_t op;
};

static uint32_t pin_batch(const struct op3 *ops, uint32_t n,
			  struct vmrpc_pin_result *res, uint32_t *rlen)
{
	uint8_t req[8 + 16 * 8] = { 0 };
	struct vmrpc_pin_batch b = { .nr = htole32(n) };
	uint32_t dummy;

	memcpy(req, &b, sizeof(b));
	for (uint32_t i = 0; i < n; i++) {
		struct vmrpc_pin_op o = {
			.first = htole64(ops[i].first),
			.count = htole32(ops[i].count),
			.op = htole16(ops[i].op),
		};

		memcpy(req + 8 + 16 * i, &o, sizeof(o));
	}
	return zhostd_pin_serve(&m, VMRPC_PIN_UPDATE, req, 8 + 16 * n, res,
				16 * 8, rlen ? rlen : &dummy);
}

/* One run; returns done, sets *@reason. */
static uint32_t pin1(uint64_t first, uint32_t count, uint16_t op,
		     uint16_t *reason)
{
	struct op3 o = { first, count, op };
	struct vmrpc_pin_result r[8];
	uint32_t len = 0;

	if (pin_batch(&o, 1, r, &len) != VMRPC_OK || len != 16) {
		*reason = 0xffff;
		return ~0U;
	}
	*reason = le16toh(r[0].reason);
	return le32toh(r[0].done);
}

static struct zhostd_pin_info info(void)
{
	struct zhostd_pin_info pi;

	zhostd_pin_get(&m, &pi);
	return pi;
}

/* A fresh backend and pinned set, @plugged subblocks plugged. */
static bool setup(uint64_t max_pinned, bool lock_all, uint32_t plugged)
{
	struct vmrpc_host_data_area area = {
		.offset = OFFSET, .size = DATA, .subblock_size = SB,
	};
	char err[160];

	if (zhostd_memory_init(&m, memfd, &area, DATA, DATA, err, sizeof(err)) ||
	    zhostd_pin_init(&pin, memfd, &area, max_pinned, lock_all))
		return false;
	pin.on_refused = on_refused;
	zhostd_memory_set_pin(&m, &pin);
	refusals = 0;
	return !plugged || mem_call(VMRPC_MEM_PLUG, 0, plugged) == VMRPC_OK;
}

static void teardown(void)
{
	mem_call(VMRPC_MEM_UNPLUG_ALL, 0, 0);
	zhostd_pin_destroy(&pin);
	zhostd_memory_destroy(&m);
}

/*
 * What keeps a page resident: the one page both mappings map is mlocked
 * and unevictable while pinned, whichever mapping is looked through, and
 * neither once unpinned (pins 2+4 held, QEMU's mapping touched them).
 */
static void test_page_flags(void)
{
	const uint8_t *ours = (const uint8_t *)zhostd_pin_mapping(&pin) + 3 * SB;
	uint64_t f1 = 0, f2 = 0, pfn1 = 0, pfn2 = 0;
	uint16_t reason;
	bool ok;

	if (page_flags(ours, &f1, &pfn1) || page_flags(qemu + OFFSET + 3 * SB, &f2, &pfn2)) {
		tap_skip("pinned page mlocked and unevictable, then neither",
			 "/proc/self/pagemap gives no page frame numbers here (not root?)");
		return;
	}
	tap_ok(pfn1 == pfn2 && (f1 >> KPF_MLOCKED & 1) && (f1 >> KPF_UNEVICTABLE & 1),
	       "the page both map is one frame, mlocked and unevictable while pinned (flags %#llx)",
	       (unsigned long long)f1);
	pin1(2, 4, VMRPC_PIN_OP_UNPIN, &reason);
	f2 = ~0ULL;
	ok = !page_flags(qemu + OFFSET + 3 * SB, &f2, &pfn2);
	tap_ok(ok && pfn2 == pfn1 &&
	       !(f2 >> KPF_MLOCKED & 1) && !(f2 >> KPF_UNEVICTABLE & 1),
	       "after unpin the same frame is neither (flags %#llx)",
	       (unsigned long long)f2);
	pin1(2, 4, VMRPC_PIN_OP_PIN, &reason);
}

static void test_pin_unpin(void)
{
	long long lck0 = vm_locked();
	uint16_t reason;

	setup(ZHOSTD_PIN_NO_CEILING, false, 8);
	guest_write(0, 8, 0x5a);	/* the guest uses its memory */
	tap_ok(mapping_field("Locked") == 0 && mapping_field("Rss") == 0,
	       "zhostd's mapping maps nothing before a pin");
	tap_ok(pin1(2, 4, VMRPC_PIN_OP_PIN, &reason) == 4 && reason == VMRPC_PIN_R_NONE,
	       "pin of subblocks 2+4: all 4 pinned");
	tap_ok(mapping_field("Locked") == (long long)(4 * SB) &&
	       vm_locked() - lck0 == (long long)(4 * SB),
	       "smaps Locked and VmLck grow by exactly the 8 MiB pinned (Locked %lld)",
	       mapping_field("Locked"));
	tap_ok(resident(2, 4), "mincore: the pinned pages are resident");
	tap_ok(info().guest_pinned == 4 * SB && info().locked == 4 * SB &&
	       !info().shortfall, "counted: 8 MiB guest-pinned, 8 MiB locked");
	tap_ok(pin1(2, 4, VMRPC_PIN_OP_PIN, &reason) == 4 && reason == VMRPC_PIN_R_NONE &&
	       mapping_field("Locked") == (long long)(4 * SB),
	       "pinning them again changes nothing");
	tap_ok(pin1(2, 4, VMRPC_PIN_OP_UNPIN, &reason) == 4 && reason == VMRPC_PIN_R_NONE,
	       "unpin answers done 4");
	tap_ok(mapping_field("Locked") == 0 && mapping_field("Rss") == 0 &&
	       vm_locked() == lck0,
	       "after unpin: Locked, Rss (MADV_DONTNEED) and VmLck are back");
	tap_ok(memfd_data(0, 8) == 8 * SB && !info().locked && !info().guest_pinned,
	       "the guest's memory is still there, nothing counted");
	/* QEMU maps the pages too: smaps' Locked is then proportional (PSS). */
	memset(qemu + OFFSET + 2 * SB, 0x5b, 4 * SB);
	pin1(2, 4, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(mapping_field("Rss") == (long long)(4 * SB) &&
	       mapping_field("Locked") == (long long)(2 * SB) &&
	       vm_locked() - lck0 == (long long)(4 * SB),
	       "with a second mapping: Rss and VmLck 8 MiB, Locked 4 MiB (the proportional share)");
	test_page_flags();
	pin1(2, 4, VMRPC_PIN_OP_UNPIN, &reason);
	madvise(qemu + OFFSET, DATA, MADV_DONTNEED);
	tap_ok(pin1(2, 4, VMRPC_PIN_OP_UNPIN, &reason) == 4 && reason == VMRPC_PIN_R_NONE,
	       "an unpin of what is not pinned is complete too");
	teardown();
}

static void test_not_plugged_and_ceiling(void)
{
	uint16_t reason;
	uint32_t done;

	setup(3 * SB + SB / 2, false, 8);	/* the ceiling rounds down: 3 */
	done = pin1(6, 4, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(done == 2 && reason == VMRPC_PIN_R_NOT_PLUGGED &&
	       info().shortfall == 2 * SB && refusals == 1 &&
	       last_refusal.bytes == 2 * SB && last_refusal.done == 2,
	       "pin 6+4 with 8 plugged: 2 pinned, not-plugged, 4 MiB short, reported");
	done = pin1(0, 4, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(done == 1 && reason == VMRPC_PIN_R_CEILING &&
	       info().guest_pinned == 3 * SB && info().locked == 3 * SB &&
	       mapping_field("Locked") == (long long)(3 * SB),
	       "ceiling 3 subblocks: pin 0+4 pins the prefix that fits (1), answers ceiling");
	tap_ok(info().shortfall == 5 * SB && refusals == 2 &&
	       last_refusal.reason == VMRPC_PIN_R_CEILING &&
	       last_refusal.bytes == 3 * SB && info().stats.refused_runs == 2 &&
	       info().stats.refused_bytes == 5 * SB,
	       "shortfall 10 MiB, the refusal says 6 MiB not pinned and why");
	tap_ok(pin1(1, 3, VMRPC_PIN_OP_UNPIN, &reason) == 3 &&
	       info().shortfall == 2 * SB && info().guest_pinned == 3 * SB,
	       "unpinning refused subblocks clears their shortfall");
	tap_ok(pin1(0, 1, VMRPC_PIN_OP_UNPIN, &reason) == 1 &&
	       pin1(6, 4, VMRPC_PIN_OP_UNPIN, &reason) == 4 && !info().shortfall &&
	       !info().guest_pinned && !info().locked &&
	       mapping_field("Locked") == 0, "all unpinned: nothing locked, no shortfall");
	teardown();

	setup(0, false, 4);
	tap_ok(pin1(0, 2, VMRPC_PIN_OP_PIN, &reason) == 0 &&
	       reason == VMRPC_PIN_R_DISABLED && !info().locked &&
	       info().shortfall == 2 * SB && info().max_pinned == 0,
	       "--max-pinned 0: every pin refused as disabled, counted short");
	teardown();
}

static void test_lock_all(void)
{
	uint16_t reason;

	setup(ZHOSTD_PIN_NO_CEILING, true, 0);
	tap_ok(mem_call(VMRPC_MEM_PLUG, 0, 6) == VMRPC_OK &&
	       info().locked == 6 * SB && !info().guest_pinned &&
	       mapping_field("Locked") == (long long)(6 * SB) && resident(0, 6),
	       "--lock-all: a plug of 6 subblocks locks 12 MiB");
	tap_ok(pin1(0, 2, VMRPC_PIN_OP_PIN, &reason) == 2 &&
	       info().guest_pinned == 2 * SB && info().locked == 6 * SB,
	       "guest pins are tracked apart under --lock-all");
	tap_ok(pin1(0, 2, VMRPC_PIN_OP_UNPIN, &reason) == 2 && info().locked == 6 * SB,
	       "a guest unpin leaves plugged subblocks locked");
	guest_write(4, 2, 1);
	tap_ok(mem_call(VMRPC_MEM_UNPLUG, 4, 2) == VMRPC_OK && settle() &&
	       info().locked == 4 * SB && mapping_field("Locked") == (long long)(4 * SB) &&
	       !memfd_data(4, 2),
	       "an unplug of 2 unlocks 4 MiB and frees them");
	tap_ok(mem_call(VMRPC_MEM_PLUG, 4, 1) == VMRPC_OK && info().locked == 5 * SB,
	       "a plug again locks again");
	teardown();
	tap_ok(mapping_field("Locked") <= 0, "reset and destroy unlock everything");
}

static void test_unplug_pinned(void)
{
	long long lck0 = vm_locked();
	uint16_t reason;

	setup(ZHOSTD_PIN_NO_CEILING, false, 8);
	guest_write(0, 8, 0x33);
	pin1(0, 3, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(mem_call(VMRPC_MEM_UNPLUG, 1, 2) == VMRPC_OK && settle() &&
	       info().guest_pinned == SB && info().locked == SB &&
	       mapping_field("Locked") == (long long)SB &&
	       vm_locked() - lck0 == (long long)SB && !memfd_data(1, 2),
	       "a hostile unplug of 2 pinned subblocks: unlocked (VmLck too), then freed");
	tap_ok(mem_call(VMRPC_MEM_UNPLUG_ALL, 0, 0) == VMRPC_OK &&
	       !info().guest_pinned && !info().locked && !info().shortfall &&
	       mapping_field("Locked") == 0 && mapping_field("Rss") == 0 &&
	       vm_locked() == lck0 && !memfd_data(0, NR_SB),
	       "VMRPC_MEM_UNPLUG_ALL (a guest booting) unpins everything before the punch");
	pin1(0, 2, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(reason == VMRPC_PIN_R_NOT_PLUGGED, "and nothing can be pinned after it");
	mem_call(VMRPC_MEM_PLUG, 0, 2);
	pin1(0, 2, VMRPC_PIN_OP_PIN, &reason);
	tap_ok(zhostd_memory_reset(&m) == 0 && !info().locked && vm_locked() == lck0,
	       "the VM going away (zhostd_memory_reset) unpins too");
	teardown();
}

/* Raw batch bytes; returns the status. */
static uint32_t raw(const void *req, uint32_t len, uint32_t cap)
{
	uint8_t resp[16 * 8];
	uint32_t rlen = 0;

	return zhostd_pin_serve(&m, VMRPC_PIN_UPDATE, req, len, resp, cap, &rlen);
}

static void test_malformed(void)
{
	struct {
		struct vmrpc_pin_batch b;
		struct vmrpc_pin_op o[2];
	} req;
	uint64_t bad0;
	bool ok = true;

	setup(ZHOSTD_PIN_NO_CEILING, false, 8);
	bad0 = info().stats.bad_calls;
#define RESET()	do {							\
		memset(&req, 0, sizeof(req));				\
		req.b.nr = htole32(1);					\
		req.o[0].first = htole64(0);				\
		req.o[0].count = htole32(2);				\
		req.o[0].op = htole16(VMRPC_PIN_OP_PIN);		\
	} while (0)
#define EXPECT(what, len, st)	do {					\
		uint32_t s_ = raw(&req, (len), 16 * 8);			\
		if (s_ != (st)) {					\
			tap_diag("%s: status %u, not %u", what, s_, (unsigned)(st)); \
			ok = false;					\
		}							\
	} while (0)
	RESET();
	EXPECT("short of the header", 4, VMRPC_EINVAL);
	EXPECT("header only", 8, VMRPC_EINVAL);
	EXPECT("one byte short", 23, VMRPC_EINVAL);
	EXPECT("one byte over", 25, VMRPC_EINVAL);
	EXPECT("two runs' length for one", 40, VMRPC_EINVAL);
	req.b.nr = 0;
	EXPECT("nr 0", 8, VMRPC_EINVAL);
	req.b.nr = htole32(0x10000001);	/* 8 + 16 * nr wraps in 32 bits to 24 */
	EXPECT("nr beyond the payload", 24, VMRPC_EINVAL);
	RESET();
	req.b.reserved = htole32(1);
	EXPECT("batch reserved", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].reserved = htole16(1);
	EXPECT("run reserved", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].op = htole16(2);
	EXPECT("op 2", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].count = 0;
	EXPECT("count 0", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].first = htole64(NR_SB);
	req.o[0].count = htole32(1);
	EXPECT("first past the data area", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].first = htole64(NR_SB - 1);
	EXPECT("run past the data area", 24, VMRPC_EINVAL);
	RESET();
	req.o[0].first = htole64(UINT64_MAX);
	EXPECT("first + count overflows", 24, VMRPC_EINVAL);
	RESET();
	req.b.nr = htole32(2);
	req.o[0].count = htole32(NR_SB);
	req.o[1] = req.o[0];
	EXPECT("runs naming more subblocks than there are", 40, VMRPC_EINVAL);
	RESET();
	req.b.nr = htole32(2);
	req.o[1] = req.o[0];
	req.o[1].op = htole16(3);
	EXPECT("a bad second run", 40, VMRPC_EINVAL);
	RESET();
	req.b.nr = htole32(2);
	req.o[1] = req.o[0];
	req.o[1].first = htole64(1);
	req.o[1].op = htole16(VMRPC_PIN_OP_UNPIN);
	EXPECT("overlapping runs", 40, VMRPC_EINVAL);
	tap_ok(ok && info().stats.bad_calls - bad0 == 17 && !info().locked &&
	       !info().guest_pinned && !info().shortfall,
	       "17 malformed batches refused (EINVAL), counted, nothing pinned even from a good first run");
	RESET();
	tap_ok(raw(&req, 24, 15) == VMRPC_ERANGE && !info().locked,
	       "a reply that does not fit resp_len: ERANGE, nothing pinned");
	tap_ok(zhostd_pin_serve(&m, 1, &req, 24, NULL, 0, &(uint32_t){ 0 }) == VMRPC_ENOPROC,
	       "procedure 1 is not served");
	teardown();
#undef RESET
#undef EXPECT
}

/* Drop CAP_IPC_LOCK from the effective set: 0 or -1. */
static int drop_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, d))
		return -1;
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	return (int)syscall(SYS_capset, &hdr, d);
}

/*
 * In a child without CAP_IPC_LOCK and RLIMIT_MEMLOCK at 4 MiB: a pin of
 * 4 subblocks pins 2 and answers rlimit. Exit 0 when it did, 10 + step
 * when something else happened, 77 when the limit cannot be set up.
 */
static int rlimit_child(void)
{
	struct rlimit rl = { .rlim_cur = 2 * SB, .rlim_max = 2 * SB };
	uint16_t reason;
	uint32_t done;

	if (drop_cap_ipc_lock() || setrlimit(RLIMIT_MEMLOCK, &rl) ||
	    vm_locked() != 0)
		return 77;
	done = pin1(0, 4, VMRPC_PIN_OP_PIN, &reason);
	if (done != 2 || reason != VMRPC_PIN_R_RLIMIT)
		return 10 + (int)(done & 7);
	if (info().guest_pinned != 2 * SB || info().shortfall != 2 * SB ||
	    last_refusal.error == 0 || !info().stats.last_refusal_error ||
	    vm_locked() != (long long)(2 * SB))
		return 20;
	return 0;
}

static void test_rlimit(void)
{
	pid_t pid;
	int ws = 0;

	setup(ZHOSTD_PIN_NO_CEILING, false, 8);
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(rlimit_child());
	if (pid < 0 || waitpid(pid, &ws, 0) != pid || !WIFEXITED(ws)) {
		tap_ok(false, "RLIMIT_MEMLOCK child ran");
	} else if (WEXITSTATUS(ws) == 77) {
		tap_skip("RLIMIT_MEMLOCK without CAP_IPC_LOCK: 2 of 4 pinned, rlimit",
			 "cannot drop CAP_IPC_LOCK or set RLIMIT_MEMLOCK here");
	} else {
		tap_ok(WEXITSTATUS(ws) == 0,
		       "RLIMIT_MEMLOCK 4 MiB without CAP_IPC_LOCK: 2 of 4 pinned, rlimit, errno given (child %d)",
		       WEXITSTATUS(ws));
	}
	teardown();
}

int main(void)
{
	tap_timeout(60, NULL);
	tap_plan(33);
	memfd = memfd_create("test-pin", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, (off_t)(OFFSET + DATA)))
		return 1;
	qemu = mmap(NULL, OFFSET + DATA, PROT_READ | PROT_WRITE, MAP_SHARED,
		    memfd, 0);
	if (qemu == MAP_FAILED)
		return 1;
	test_pin_unpin();
	test_not_plugged_and_ceiling();
	test_lock_all();
	test_unplug_pinned();
	test_malformed();
	test_rlimit();
	return tap_done();
}
