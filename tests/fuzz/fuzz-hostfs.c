// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for hostfs as a hostile guest drives it: sequences of
 * VMRPC_MOD_HOSTFS calls through zh_hostfs_serve() on a real directory
 * and a real memfd (a memory backend with its first two subblocks of
 * four plugged), with a read-write export "t" and a read-only one "r".
 *
 * Input: records of [proc][length, 2 bytes little-endian][request], up
 * to 32. To reach past MOUNT, a request's mount handle (its first 4
 * bytes) of 0 becomes the last handle a MOUNT returned, and a node id at
 * byte 8 (every request that names a node has one there) below 16
 * becomes the one the reply of that index returned. Each request sits in
 * a buffer of exactly its size, so ASan sees a read past it.
 *
 * Checked after every call: the status is one the handler may return,
 * the reply fits its buffer, a failed call's reply is its fixed size, a
 * READDIR reply's entries lie inside it; and after every input that
 * nothing beside the export changed: a sentinel file next to it keeps
 * its bytes and the directory holding both keeps its entries.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "hostfs-int.h"
#include "log.h"
#include "memory.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(8 * MIB)
#define CAP		(64 * 1024)
#define SENTINEL	"do not touch"

static char top[64], exported[96], sentinel[96];
static struct zhostd_memory mem;
static struct zh_hostfs *fs;
static uint8_t resp[CAP];
static uint64_t nodes[16];
static uint32_t mount_id;
static struct stat top_st;

static void fuzz_cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (top[0] && system(cmd))
		fprintf(stderr, "cannot remove %s\n", top);
}

static void mkfile(const char *name, const char *text)
{
	char p[160];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", exported, name);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		abort();
	close(fd);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct vmrpc_mem_range r = { .first = 0, .count = htole32(2) };
	char err[256], p[160];
	uint32_t len;
	int memfd, fd;

	(void)argc;
	(void)argv;
	if (zlog_open(ZLOG_ERR, "/dev/null", 0))
		abort();
	strcpy(top, "/tmp/fuzz-hostfs.XXXXXX");
	if (!mkdtemp(top))
		abort();
	atexit(fuzz_cleanup);
	snprintf(exported, sizeof(exported), "%s/export", top);
	snprintf(sentinel, sizeof(sentinel), "%s/sentinel", top);
	fd = open(sentinel, O_CREAT | O_WRONLY, 0644);
	if (mkdir(exported, 0755) || fd < 0 || write(fd, SENTINEL, strlen(SENTINEL)) < 0)
		abort();
	close(fd);
	mkfile("file", "some file data\n");
	snprintf(p, sizeof(p), "%s/sub", exported);
	if (mkdir(p, 0755))
		abort();
	snprintf(p, sizeof(p), "%s/out", exported);
	if (symlink("../sentinel", p))
		abort();
	snprintf(p, sizeof(p), "%s/abs", exported);
	if (symlink(sentinel, p) || stat(top, &top_st))
		abort();
	memfd = fuzz_memfd("fuzz-hostfs", OFFSET + DATA);
	if (zhostd_memory_init(&mem, memfd, &area, DATA, DATA, err, sizeof(err)) ||
	    zhostd_memory_serve(&mem, VMRPC_MEM_PLUG, &r, sizeof(r), NULL, 0, &len) ||
	    zh_hostfs_create(&fs, &mem, memfd, &area, false, NULL) ||
	    zh_hostfs_export_add(fs, &(struct zh_hostfs_spec){ .tag = "t", .dir = exported },
				 err, sizeof(err)) ||
	    zh_hostfs_export_add(fs, &(struct zh_hostfs_spec){ .tag = "r", .dir = exported,
							       .ro = true }, err, sizeof(err)))
		abort();
	zh_hostfs_set_max_nodes(fs, 64);
	return 0;
}

/* The node ids a reply names, kept for later requests. */
static void learn(uint16_t proc, uint32_t len)
{
	uint64_t id;
	size_t at;

	if (proc == VMRPC_HOSTFS_MOUNT && len >= sizeof(struct vmrpc_hostfs_mounted)) {
		memcpy(&mount_id, resp + 8, 4);
		mount_id = le32toh(mount_id);
		at = 16;
	} else if ((proc == VMRPC_HOSTFS_LOOKUP || proc == VMRPC_HOSTFS_CREATE ||
		    proc == VMRPC_HOSTFS_MKDIR || proc == VMRPC_HOSTFS_SYMLINK) &&
		   len >= sizeof(struct vmrpc_hostfs_entry)) {
		at = 8;
	} else {
		return;
	}
	memcpy(&id, resp + at, 8);
	memmove(nodes + 1, nodes, sizeof(nodes) - sizeof(nodes[0]));
	nodes[0] = le64toh(id);
}

static void check_reply(uint16_t proc, uint32_t st, uint32_t len)
{
	struct vmrpc_hostfs_reply h;

	fuzz_check(st == VMRPC_OK || st == VMRPC_EINVAL || st == VMRPC_ERANGE ||
		   st == VMRPC_ENOPROC);
	fuzz_check(len <= CAP);
	if (st != VMRPC_OK) {
		fuzz_check(len == 0);
		return;
	}
	memcpy(&h, resp, sizeof(h));
	fuzz_check(le32toh(h.error) < 4096);
	if (h.error)
		fuzz_check(!h.count && len <= sizeof(struct vmrpc_hostfs_mounted));
	if (proc == VMRPC_HOSTFS_READDIR && !h.error) {
		uint32_t off = 8;

		for (uint32_t i = 0; i < le32toh(h.count); i++) {
			struct vmrpc_hostfs_dirent d;

			fuzz_check(off + sizeof(d) <= len);
			memcpy(&d, resp + off, sizeof(d));
			fuzz_check(d.len && le16toh(d.len) <= VMRPC_HOSTFS_NAME_MAX);
			off += (24 + le16toh(d.len) + 7) & ~7U;
		}
		fuzz_check(off == len);
	}
}

/* Nothing beside the export changed. */
static void check_outside(void)
{
	char buf[64] = { 0 };
	struct stat st;
	int fd = open(sentinel, O_RDONLY);

	fuzz_check(fd >= 0 && read(fd, buf, sizeof(buf) - 1) == (ssize_t)strlen(SENTINEL) &&
		   !strcmp(buf, SENTINEL));
	close(fd);
	fuzz_check(!stat(top, &st) && st.st_mtim.tv_sec == top_st.st_mtim.tv_sec &&
		   st.st_mtim.tv_nsec == top_st.st_mtim.tv_nsec && st.st_nlink == top_st.st_nlink);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;

	memset(nodes, 0, sizeof(nodes));
	mount_id = 0;
	for (int n = 0; n < 32 && pos + 3 <= size; n++) {
		uint16_t proc = data[pos];
		size_t len = (size_t)data[pos + 1] | (size_t)data[pos + 2] << 8;
		uint32_t rlen = 0, st, v32;
		uint8_t *req;
		uint64_t v64;

		pos += 3;
		if (len > size - pos)
			len = size - pos;
		req = fuzz_dup(data + pos, len);
		pos += len;
		if (proc != VMRPC_HOSTFS_MOUNT && len >= 4) {
			memcpy(&v32, req, 4);
			if (!v32) {
				v32 = htole32(mount_id);
				memcpy(req, &v32, 4);
			}
		}
		if (proc != VMRPC_HOSTFS_MOUNT && len >= 16) {
			memcpy(&v64, req + 8, 8);
			if (le64toh(v64) < 16) {
				v64 = htole64(nodes[le64toh(v64)]);
				memcpy(req + 8, &v64, 8);
			}
		}
		st = zh_hostfs_serve(fs, proc, req, (uint32_t)len, resp, CAP, &rlen);
		free(req);
		check_reply(proc, st, rlen);
		if (st == VMRPC_OK)
			learn(proc, rlen);
	}
	/* Each input starts with no mount: nothing is left over. */
	zh_hostfs_reset(fs);
	check_outside();
	return 0;
}
