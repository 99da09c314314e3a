// SPDX-License-Identifier: GPL-2.0-only
/*
 * READ_FRAMES and WRITE_FRAMES: file data straight into or out of the
 * guest's page frames, through the memfd's file descriptor at each
 * frame's offset, never through a mapping of zhostd's (see "Who maps the
 * data area" in the architecture): splice() file -> pipe -> memfd and
 * back, one copy. Every frame is checked to lie in a plugged subblock of
 * the data area, and the memory backend's lock is held while the bytes
 * move, so that no unplug punches the range meanwhile.
 *
 * hugetlb is the exception: hugetlbfs has no write_iter and no
 * splice_write, so neither pwrite() nor splice() can fill a frame. There
 * the run's huge pages are mapped for the call only and the file is
 * read into (or written from) that mapping. The reason for the rule does
 * not hold for hugetlb: its pages are never paged out, by anyone.
 * Documentation/hostfs.rst has the measurements.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs-int.h"
#include "memory.h"

#define PAGE		VMRPC_HOSTFS_PAGE_SIZE
#define ZERO_CHUNK	(64 * 1024)
#define PIPE_SIZE	(1024 * 1024)

static const uint8_t zeroes[ZERO_CHUNK];

/* One call's work, done under the memory backend's lock. */
struct frames_job {
	struct zh_hostfs *fs;
	const struct vmrpc_hostfs_frames *f;
	uint32_t nr;
	bool write;
	int iofd;
	int pipe[2];
	size_t pipe_size;
	uint64_t offset;	/* file offset of the next byte */
	uint64_t left;		/* file bytes still to move */
	uint64_t moved;		/* file bytes moved */
	uint64_t zeroed;	/* frame bytes zero-filled */
	bool eof;
	bool unplugged;
	int err;
};

/* Write @len zero bytes into the memfd at @off. */
static int zero_fill(int memfd, uint64_t off, uint64_t len)
{
	while (len) {
		ssize_t n = pwrite(memfd, zeroes, len < ZERO_CHUNK ? len : ZERO_CHUNK,
				   (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

/* Move the pipe's @n bytes to @fd at *@off. */
static int pipe_drain(struct frames_job *j, int fd, loff_t *off, size_t n)
{
	while (n) {
		ssize_t m = splice(j->pipe[0], NULL, fd, off, n, SPLICE_F_MOVE);

		if (m < 0 && errno == EINTR)
			continue;
		if (m <= 0)
			return m < 0 ? errno : EIO;
		n -= (size_t)m;
	}
	return 0;
}

/* Up to @want bytes between the file and the memfd at @moff by splice. */
static int run_splice(struct frames_job *j, uint64_t moff, uint64_t want,
		      uint64_t *done)
{
	loff_t foff = (loff_t)j->offset, mo = (loff_t)moff;
	int in = j->write ? j->fs->memfd : j->iofd;
	int out = j->write ? j->iofd : j->fs->memfd;
	loff_t *inoff = j->write ? &mo : &foff, *outoff = j->write ? &foff : &mo;

	*done = 0;
	while (*done < want) {
		size_t chunk = want - *done < j->pipe_size ? want - *done : j->pipe_size;
		ssize_t n = splice(in, inoff, j->pipe[1], NULL, chunk, SPLICE_F_MOVE);
		int err;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0) {
			j->eof = true;
			return 0;
		}
		err = pipe_drain(j, out, outoff, (size_t)n);
		if (err)
			return err;
		*done += (uint64_t)n;
	}
	return 0;
}

/* The same on hugetlb, through a mapping of the run's huge pages. */
static int run_mapped(struct frames_job *j, uint64_t moff, uint64_t bytes,
		      uint64_t want, uint64_t *done)
{
	uint64_t hp = j->fs->area.subblock_size, start = moff & ~(hp - 1);
	uint64_t maplen = ((moff + bytes + hp - 1) & ~(hp - 1)) - start;
	uint8_t *map, *p;
	int err = 0;

	*done = 0;
	map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
		   j->fs->memfd, (off_t)start);
	if (map == MAP_FAILED)
		return errno;
	p = map + (moff - start);
	while (*done < want) {
		ssize_t n = j->write ?
			pwrite(j->iofd, p + *done, want - *done, (off_t)(j->offset + *done)) :
			pread(j->iofd, p + *done, want - *done, (off_t)(j->offset + *done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = errno;
		if (n == 0)
			j->eof = true;
		if (n <= 0)
			break;
		*done += (uint64_t)n;
	}
	if (!err && !j->write && *done < bytes) {
		memset(p + *done, 0, bytes - *done);
		j->zeroed += bytes - *done;
	}
	munmap(map, maplen);
	return err;
}

/* One run: its file bytes moved, the rest of its frames zeroed (READ). */
static int run_move(struct frames_job *j, uint64_t first, uint64_t count)
{
	uint64_t moff = j->fs->area.offset + first * PAGE, bytes = count * PAGE;
	uint64_t want = j->eof ? 0 : (j->left < bytes ? j->left : bytes), done;
	int err;

	if (j->fs->hugetlb)
		err = run_mapped(j, moff, bytes, want, &done);
	else
		err = run_splice(j, moff, want, &done);
	j->offset += done;
	j->left -= done;
	j->moved += done;
	if (err || j->write || done == bytes || j->fs->hugetlb)
		return err;
	j->zeroed += bytes - done;
	return zero_fill(j->fs->memfd, moff + done, bytes - done);
}

static void frames_locked(void *arg, const uint8_t *plugged)
{
	struct frames_job *j = arg;
	uint64_t sb = j->fs->area.subblock_size;

	for (uint32_t i = 0; i < j->nr; i++) {
		uint64_t first = le64toh(j->f->runs[i].first);
		uint64_t end = first + le32toh(j->f->runs[i].count);

		for (uint64_t s = first * PAGE / sb; s <= (end * PAGE - 1) / sb; s++)
			if (!plugged[s]) {
				j->unplugged = true;
				return;
			}
	}
	for (uint32_t i = 0; i < j->nr && !j->err; i++) {
		/* A write stops with the file bytes; a read fills every frame. */
		if (j->write && !j->left)
			break;
		j->err = run_move(j, le64toh(j->f->runs[i].first),
				  le32toh(j->f->runs[i].count));
	}
}

/* The request's runs against the data area, and their pages in @pages. */
static int frames_check(struct zh_hostfs_call *c,
			const struct vmrpc_hostfs_frames *f, uint32_t nr,
			uint64_t *pages)
{
	uint64_t limit = c->fs->area.size / PAGE;

	*pages = 0;
	if (!c->fs->mem || !c->fs->area.subblock_size) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_FRAMES, "frames without a data area",
				 NULL, 0);
		return EINVAL;
	}
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t first = le64toh(f->runs[i].first);
		uint32_t count = le32toh(f->runs[i].count);

		if (first >= limit || count > limit - first) {
			zh_hostfs_refuse(c, ZH_HOSTFS_R_FRAMES,
					 "a run outside the data area", NULL, 0);
			return EINVAL;
		}
		*pages += count;
	}
	return 0;
}

int zh_hostfs_frames(struct zh_hostfs_call *c,
		     const struct vmrpc_hostfs_frames *f, bool write)
{
	struct frames_job j = { .fs = c->fs, .f = f, .nr = le32toh(f->nr),
				.write = write, .pipe = { -1, -1 } };
	struct zh_hostfs_counters *cnt;
	struct zh_hostfs_ref ref = { .fd = -1, .iofd = -1 };
	uint64_t pages;
	int err;

	j.offset = le64toh(f->offset);
	j.left = le64toh(f->len);
	err = frames_check(c, f, j.nr, &pages);
	if (err)
		return err;
	if (j.offset % PAGE || j.left > pages * PAGE ||
	    pages > ZH_HOSTFS_FRAMES_MAX / PAGE) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED,
				 "an unaligned offset, a length past the frames or too many frames",
				 NULL, 0);
		return EINVAL;
	}
	if (j.offset > (uint64_t)INT64_MAX - j.left) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_RANGE, "offset and length overflow",
				 NULL, 0);
		return EFBIG;
	}
	err = zh_hostfs_take(c->fs, le32toh(f->mount), le64toh(f->node),
			     ZH_TAKE_IO | (write ? ZH_TAKE_WRITE : 0), &ref);
	if (err)
		goto out;
	j.iofd = ref.iofd;
	if (!c->fs->hugetlb) {
		if (pipe2(j.pipe, O_CLOEXEC)) {
			err = errno;
			goto out;
		}
		/* Bigger moves per splice(); the default 64 KiB works too. */
		if (fcntl(j.pipe[1], F_SETPIPE_SZ, PIPE_SIZE) < 0)
			j.pipe_size = 65536;
		else
			j.pipe_size = PIPE_SIZE;
	}
	zhostd_memory_locked(c->fs->mem, frames_locked, &j);
	cnt = zh_hostfs_counters_of(c);
	zh_hostfs_add(write ? &cnt->bytes_from_frames : &cnt->bytes_to_frames,
		      j.moved);
	zh_hostfs_add(&cnt->zero_to_frames, j.zeroed);
	if (j.unplugged) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_UNPLUGGED,
				 "a frame in an unplugged subblock", NULL, 0);
		err = EINVAL;
		goto out;
	}
	err = j.err;
	if (!err)
		err = zh_hostfs_reply_attr(c, ref.iofd,
					   &((struct vmrpc_hostfs_attr_reply *)c->resp)->attr);
	if (!err)
		((struct vmrpc_hostfs_reply *)c->resp)->count = htole32((uint32_t)j.moved);
out:
	if (j.pipe[0] >= 0) {
		close(j.pipe[0]);
		close(j.pipe[1]);
	}
	zh_hostfs_ref_put(c->fs, &ref);
	return err;
}
