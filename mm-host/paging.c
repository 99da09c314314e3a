// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host paging of one VM: state, host swap, QEMU's mapping, page-out; see
 * paging.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mm-syscalls.h"
#include "paging.h"

/* iovecs per process_madvise() call: below UIO_MAXIOV (1024). */
#define PAGEOUT_BATCH		256
/* Bytes of /proc/PID/maps read at most (QEMU's is a few hundred lines). */
#define MAPS_MAX		(4U << 20)

int zhostd_paging_init(struct zhostd_paging *p, int memfd,
		       const struct vmrpc_host_data_area *area, bool wanted,
		       uint64_t swap_floor)
{
	memset(p, 0, sizeof(*p));
	p->pidfd = -1;
	if (!area->subblock_size ||
	    area->subblock_size % VMRPC_PAGING_PAGE_SIZE ||
	    area->size % area->subblock_size)
		return -EINVAL;
	pthread_mutex_init(&p->lock, NULL);
	p->memfd = memfd;
	p->area_offset = area->offset;
	p->geom.pages = area->size / VMRPC_PAGING_PAGE_SIZE;
	p->geom.sb_pages = area->subblock_size / VMRPC_PAGING_PAGE_SIZE;
	p->swap_floor = swap_floor;
	p->wanted = wanted;
	p->ever_wanted = wanted;
	p->mode = VMRPC_PAGING_MODE_GUEST;
	p->reason = wanted ? VMRPC_PAGING_R_NONE : VMRPC_PAGING_R_DISABLED;
	return 0;
}

void zhostd_paging_destroy(struct zhostd_paging *p)
{
	/* Only what zhostd_paging_init() set up: a zeroed @p has fd 0. */
	if (!p->geom.sb_pages)
		return;
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	pthread_mutex_destroy(&p->lock);
	p->geom.sb_pages = 0;
}

void zhostd_paging_get(struct zhostd_paging *p, struct zhostd_paging_info *info)
{
	memset(info, 0, sizeof(*info));
	pthread_mutex_lock(&p->lock);
	info->wanted = p->wanted;
	info->mode = p->mode;
	info->reason = p->reason;
	info->swap_floor = p->swap_floor;
	info->swap_total = p->swap_total;
	info->swap_free = p->swap_free;
	info->guest_known = p->guest_known;
	info->guest_unsupported = p->guest_unsupported;
	info->guest = p->guest;
	info->stats = p->st;
	pthread_mutex_unlock(&p->lock);
}

void zhostd_paging_set_wanted(struct zhostd_paging *p, bool on)
{
	pthread_mutex_lock(&p->lock);
	p->wanted = on;
	if (on) {
		p->ever_wanted = true;
		p->failed = false;
	}
	pthread_mutex_unlock(&p->lock);
}

uint32_t zh_paging_swap_verdict(uint64_t total, uint64_t avail, uint64_t floor,
				bool paging)
{
	if (!total)
		return VMRPC_PAGING_R_NO_SWAP;
	if (paging ? avail < floor : avail / 2 < floor)
		return VMRPC_PAGING_R_LIMIT;
	return VMRPC_PAGING_R_NONE;
}

uint32_t zhostd_paging_update(struct zhostd_paging *p, uint64_t swap_total,
			      uint64_t swap_free, uint32_t *reason)
{
	uint32_t mode, why;

	pthread_mutex_lock(&p->lock);
	p->swap_total = swap_total;
	p->swap_free = swap_free;
	if (!p->wanted)
		why = p->ever_wanted ? VMRPC_PAGING_R_ADMIN : VMRPC_PAGING_R_DISABLED;
	else if (p->failed)
		why = VMRPC_PAGING_R_ERROR;
	else
		why = zh_paging_swap_verdict(swap_total, swap_free, p->swap_floor,
					     p->mode == VMRPC_PAGING_MODE_HOST);
	mode = why == VMRPC_PAGING_R_NONE ? VMRPC_PAGING_MODE_HOST :
					    VMRPC_PAGING_MODE_GUEST;
	if (mode != p->mode)
		p->st.mode_changes++;
	p->mode = mode;
	p->reason = why;
	pthread_mutex_unlock(&p->lock);
	*reason = why;
	return mode;
}

uint32_t zhostd_paging_mode(struct zhostd_paging *p, uint32_t *reason)
{
	uint32_t mode;

	pthread_mutex_lock(&p->lock);
	mode = p->mode;
	*reason = p->reason;
	pthread_mutex_unlock(&p->lock);
	return mode;
}

void zhostd_paging_set_guest(struct zhostd_paging *p,
			     const struct zh_paging_guest_status *st,
			     bool unsupported)
{
	pthread_mutex_lock(&p->lock);
	p->guest_known = st != NULL;
	if (st)
		p->guest = *st;
	p->guest_unsupported = unsupported;
	pthread_mutex_unlock(&p->lock);
}

void zhostd_paging_count(struct zhostd_paging *p,
			 const struct zhostd_paging_stats *d)
{
	pthread_mutex_lock(&p->lock);
	p->st.hint_calls += d->hint_calls;
	p->st.bad_calls += d->bad_calls;
	p->st.hinted += d->hinted;
	p->st.refused_mode += d->refused_mode;
	p->st.skipped_unplugged += d->skipped_unplugged;
	p->st.skipped_pinned += d->skipped_pinned;
	p->st.over_budget += d->over_budget;
	p->st.duplicate += d->duplicate;
	p->st.accepted += d->accepted;
	pthread_mutex_unlock(&p->lock);
}

/* Read a whole /proc file into a NUL-terminated buffer; NULL on failure. */
static char *read_text(const char *path, size_t max)
{
	size_t cap = 16384, len = 0;
	char *buf = malloc(cap), *n;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (len + 1 >= cap) {
			if (cap >= max)
				goto fail;
			n = realloc(buf, cap * 2);
			if (!n)
				goto fail;
			buf = n;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (!r)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* The value in kB of "KEY: N kB" in @text, in bytes; -1 when missing. */
static int meminfo_field(const char *text, const char *key, uint64_t *bytes)
{
	size_t klen = strlen(key);
	unsigned long long kb;
	char unit[4];

	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if (strncmp(l, key, klen) || l[klen] != ':')
			continue;
		if (sscanf(l + klen + 1, " %llu %3s", &kb, unit) != 2 ||
		    strcmp(unit, "kB") || kb > UINT64_MAX / 1024)
			return -1;
		*bytes = (uint64_t)kb * 1024;
		return 0;
	}
	return -1;
}

int zh_meminfo_swap(const char *text, uint64_t *total, uint64_t *avail)
{
	uint64_t t, f;

	if (meminfo_field(text, "SwapTotal", &t) ||
	    meminfo_field(text, "SwapFree", &f) || f > t)
		return -1;
	*total = t;
	*avail = f;
	return 0;
}

int zhostd_read_swap(uint64_t *total, uint64_t *avail)
{
	char *text = read_text("/proc/meminfo", 1U << 20);
	int ret;

	if (!text)
		return -errno ? -errno : -EIO;
	ret = zh_meminfo_swap(text, total, avail) ? -EPROTO : 0;
	free(text);
	return ret;
}

/* The shared mappings of the memfd (@st) in /proc/@pid/maps; -errno. */
static int read_maps(struct zhostd_paging *p, pid_t pid, const struct stat *st)
{
	char path[64];
	char *text;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	text = read_text(path, MAPS_MAX);
	if (!text)
		return -errno ? -errno : -EIO;
	n = zh_maps_parse(text, major(st->st_dev), minor(st->st_dev),
			  (uint64_t)st->st_ino, p->maps, ZHOSTD_PAGING_MAX_MAPS);
	free(text);
	p->nr_maps = n < ZHOSTD_PAGING_MAX_MAPS ? n : ZHOSTD_PAGING_MAX_MAPS;
	return p->nr_maps ? 0 : -ENOENT;
}

/*
 * The process other than zhostd that maps the memfd shared: QEMU, which
 * got it over the ivshmem socket; nothing else has it. Once per QEMU: the
 * pid is kept while page-outs work. Return: its pid, or 0.
 */
static pid_t find_qemu(struct zhostd_paging *p, const struct stat *st)
{
	pid_t self = getpid(), found = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	char *end;
	long v;

	while (d && !found && (e = readdir(d))) {
		v = strtol(e->d_name, &end, 10);
		if (*end || v <= 0 || v == self)
			continue;
		if (!read_maps(p, (pid_t)v, st))
			found = (pid_t)v;
	}
	if (d)
		closedir(d);
	p->nr_maps = 0;
	return found;
}

/*
 * Find QEMU's mappings of the memfd and open a pidfd; under @p->lock.
 * @pid 0: find QEMU first.
 */
static int refresh_qemu(struct zhostd_paging *p, pid_t pid)
{
	struct stat st;
	int ret;

	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
	p->pid = 0;
	p->nr_maps = 0;
	if (fstat(p->memfd, &st))
		return -errno;
	if (pid <= 0)
		pid = find_qemu(p, &st);
	if (pid <= 0)
		return -ESRCH;
	/* The pidfd first: the maps read next are then surely this process's. */
	p->pidfd = (int)syscall(__NR_pidfd_open, pid, 0);
	if (p->pidfd < 0)
		return -errno;
	ret = read_maps(p, pid, &st);
	if (!ret)
		p->pid = pid;
	return ret;
}

/* One batch of iovecs; bytes advised or -errno. Under @p->lock. */
static int64_t advise(struct zhostd_paging *p, struct iovec *iov, int n)
{
	long r;

	p->st.pageout_calls++;
	r = syscall(__NR_process_madvise, p->pidfd, iov, (size_t)n,
		    MADV_PAGEOUT, 0);
	if (r < 0) {
		p->st.pageout_errors++;
		p->st.last_error = errno;
		return -errno;
	}
	return r;
}

/* Errors that say: no right to do this at all. */
static bool permission_error(int64_t err)
{
	return err == -EPERM || err == -EACCES || err == -ENOSYS;
}

int64_t zhostd_paging_pageout(struct zhostd_paging *p, pid_t pid,
			      const struct zhostd_paging_range *r, size_t nr)
{
	struct iovec iov[PAGEOUT_BATCH];
	int64_t done = 0, ret = 0;
	int n = 0, k;

	pthread_mutex_lock(&p->lock);
	if ((pid && pid != p->pid) || p->pidfd < 0 || !p->nr_maps) {
		ret = refresh_qemu(p, pid);
		if (ret)
			goto out;
	}
	for (size_t i = 0; i <= nr; i++) {
		/* Flush when full or at the end. */
		if (n && (i == nr || n + 4 > PAGEOUT_BATCH)) {
			ret = advise(p, iov, n);
			if (ret == -EINVAL || ret == -EFAULT || ret == -ENOMEM ||
			    ret == -ESRCH) {
				/* QEMU remapped, or is gone: look again, once. */
				if (!refresh_qemu(p, pid))
					ret = advise(p, iov, n);
			}
			if (ret < 0)
				break;
			done += ret;
			n = 0;
		}
		if (i == nr)
			break;
		k = zh_maps_translate(p->maps, p->nr_maps, r[i].offset, r[i].len,
				      iov + n, PAGEOUT_BATCH - n);
		if (k < 0) {
			/* Not mapped by QEMU (no harm in skipping): count it. */
			p->st.pageout_errors++;
			p->st.last_error = ENOENT;
			continue;
		}
		n += k;
	}
	if (ret < 0 && permission_error(ret))
		p->failed = true;
out:
	p->st.paged_out += (uint64_t)done / VMRPC_PAGING_PAGE_SIZE;
	pthread_mutex_unlock(&p->lock);
	return done || ret >= 0 ? done : ret;
}

int zhostd_paging_residency(struct zhostd_paging *p, uint64_t *resident,
			    uint64_t *swapped)
{
	struct { uint64_t off, len; } range = {
		p->area_offset, p->geom.pages * VMRPC_PAGING_PAGE_SIZE,
	};
	struct {
		uint64_t cache, dirty, writeback, evicted, recently_evicted;
	} cs;

	memset(&cs, 0, sizeof(cs));
	if (syscall(__NR_cachestat, p->memfd, &range, &cs, 0))
		return -errno;
	*resident = cs.cache * (uint64_t)sysconf(_SC_PAGESIZE);
	/* For shmem, evicted pages are the ones in swap. */
	*swapped = cs.evicted * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}
