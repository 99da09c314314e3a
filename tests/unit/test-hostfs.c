// SPDX-License-Identifier: GPL-2.0-only
/*
 * The host side of hostfs (hostfs/host/) driven the way a hostile guest
 * would drive it, through zh_hostfs_serve() on a temporary directory,
 * with a real memfd behind a memory backend (mm-host/memory.c) for the
 * frame calls: every escape is refused (".", "..", '/', NUL, 256- and
 * 10,000-byte names, symlinks in and out of the export returned as links
 * and never followed), forged and stale node ids are ESTALE, lookups are
 * deduplicated and forgotten, the node bound holds, READDIR's cookies go
 * across many calls, frames are read and written through the memfd (the
 * bytes checked with pread(), and no new mapping of it in
 * /proc/self/maps), frames outside the data area or unplugged are
 * refused, a read-only export answers EROFS and changes nothing, and
 * errors map to their errno.
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hostfs-int.h"
#include "memory.h"
#include "../lib/tap.h"

#define MIB		(1ULL << 20)
#define SB		(2 * MIB)
#define OFFSET		(128 * MIB)
#define DATA		(64 * MIB)
#define PG		4096U
#define CAP		(64 * 1024)

static char dir[64];
static int memfd = -1;
static struct zhostd_memory m;
static struct zh_hostfs *fs;
static uint8_t resp[CAP];
static uint32_t resp_len;

/* One call; the reply lands in resp. */
static uint32_t call(uint16_t proc, const void *req, uint32_t len)
{
	void *copy = malloc(len ? len : 1);
	uint32_t st;

	/* A buffer of exactly the request's size: ASan sees a read past it. */
	memcpy(copy, req, len);
	memset(resp, 0x5a, sizeof(resp));
	st = zh_hostfs_serve(fs, proc, copy, len, resp, CAP, &resp_len);
	free(copy);
	return st;
}

/* The errno of the last reply, or -1 when the call itself failed. */
static int err_of(uint32_t st)
{
	struct vmrpc_hostfs_reply h;

	if (st != VMRPC_OK)
		return -1;
	memcpy(&h, resp, sizeof(h));
	return (int)le32toh(h.error);
}

static int do_mount(const char *tag, uint32_t *id, uint64_t *root)
{
	struct vmrpc_hostfs_mount r = { 0 };
	struct vmrpc_hostfs_mounted a;
	int e;

	strncpy(r.tag, tag, sizeof(r.tag) - 1);
	e = err_of(call(VMRPC_HOSTFS_MOUNT, &r, sizeof(r)));
	memcpy(&a, resp, sizeof(a));
	*id = le32toh(a.mount);
	*root = le64toh(a.root);
	return e;
}

/* LOOKUP, UNLINK, RMDIR of @len bytes of @name. */
static int name_call(uint16_t proc, uint32_t mnt, uint64_t d,
		     const char *name, uint32_t len, uint64_t *node,
		     uint32_t *mode)
{
	uint8_t *req = calloc(1, 24 + len);
	struct vmrpc_hostfs_name n = { .mount = htole32(mnt), .len = htole32(len),
				       .dir = htole64(d) };
	struct vmrpc_hostfs_entry e;
	int ret;

	memcpy(req, &n, sizeof(n));
	memcpy(req + 24, name, len);
	ret = err_of(call(proc, req, 24 + len));
	free(req);
	memcpy(&e, resp, sizeof(e));
	if (node)
		*node = ret ? 0 : le64toh(e.node);
	if (mode)
		*mode = le32toh(e.attr.mode);
	return ret;
}

static int lookup(uint32_t mnt, uint64_t d, const char *name, uint64_t *node)
{
	return name_call(VMRPC_HOSTFS_LOOKUP, mnt, d, name, (uint32_t)strlen(name),
			 node, NULL);
}

static int create(uint16_t proc, uint32_t mnt, uint64_t d, const char *name,
		  uint32_t mode, const char *target, uint32_t tlen,
		  uint64_t *node)
{
	uint32_t len = (uint32_t)strlen(name);
	uint8_t *req = calloc(1, 24 + len + tlen);
	struct vmrpc_hostfs_create c = { .mount = htole32(mnt), .mode = htole32(mode),
					 .dir = htole64(d), .len = htole32(len),
					 .target_len = htole32(tlen) };
	struct vmrpc_hostfs_entry e;
	int ret;

	memcpy(req, &c, sizeof(c));
	memcpy(req + 24, name, len);
	if (tlen)
		memcpy(req + 24 + len, target, tlen);
	ret = err_of(call(proc, req, 24 + len + tlen));
	free(req);
	memcpy(&e, resp, sizeof(e));
	if (node)
		*node = ret ? 0 : le64toh(e.node);
	return ret;
}

static int node_call(uint16_t proc, uint32_t mnt, uint64_t node, uint32_t flags)
{
	struct vmrpc_hostfs_node n = { .mount = htole32(mnt),
				       .flags = htole32(flags),
				       .node = htole64(node) };

	return err_of(call(proc, &n, sizeof(n)));
}

static int forget(uint32_t mnt, uint64_t node, uint64_t n)
{
	struct {
		struct vmrpc_hostfs_forget f;
		struct vmrpc_hostfs_forget_one one;
	} r = { { .mount = htole32(mnt), .nr = htole32(1) },
		{ .node = htole64(node), .nlookup = htole64(n) } };

	return err_of(call(VMRPC_HOSTFS_FORGET, &r, sizeof(r)));
}

static int io(uint16_t proc, uint32_t mnt, uint64_t node, uint64_t off,
	      const void *data, uint32_t len, uint32_t *count)
{
	bool w = proc == VMRPC_HOSTFS_WRITE;
	uint8_t *req = calloc(1, 24 + (w ? len : 0));
	struct vmrpc_hostfs_io r = { .mount = htole32(mnt), .len = htole32(len),
				     .node = htole64(node), .offset = htole64(off) };
	struct vmrpc_hostfs_reply h;
	int ret;

	memcpy(req, &r, sizeof(r));
	if (w)
		memcpy(req + 24, data, len);
	ret = err_of(call(proc, req, 24 + (w ? len : 0)));
	free(req);
	memcpy(&h, resp, sizeof(h));
	*count = le32toh(h.count);
	return ret;
}

struct run2 {
	uint64_t first;
	uint32_t count;
};

static int frames(uint16_t proc, uint32_t mnt, uint64_t node, uint64_t off,
		  uint64_t len, const struct run2 *runs, uint32_t nr,
		  uint32_t *count)
{
	uint32_t size = 32 + 16 * nr;
	uint8_t *req = calloc(1, size);
	struct vmrpc_hostfs_frames f = { .mount = htole32(mnt), .nr = htole32(nr),
					 .node = htole64(node),
					 .offset = htole64(off), .len = htole64(len) };
	struct vmrpc_hostfs_reply h;
	int ret;

	memcpy(req, &f, sizeof(f));
	for (uint32_t i = 0; i < nr; i++) {
		struct vmrpc_hostfs_run r = { .first = htole64(runs[i].first),
					      .count = htole32(runs[i].count) };

		memcpy(req + 32 + 16 * i, &r, sizeof(r));
	}
	ret = err_of(call(proc, req, size));
	free(req);
	memcpy(&h, resp, sizeof(h));
	*count = le32toh(h.count);
	return ret;
}

/* export_add() of TAG=DIR with @ro, zhostd's own credentials. */
static int add(const char *tag, const char *d, bool ro, char *err, size_t len)
{
	struct zh_hostfs_spec sp = { .dir = (char *)d, .ro = ro };

	snprintf(sp.tag, sizeof(sp.tag), "%s", tag);
	return zh_hostfs_export_add(fs, &sp, err, len);
}

static struct zh_hostfs_export_info export_info(const char *tag)
{
	struct zh_hostfs_export_info *v, r = { 0 };
	size_t nr;

	if (!zh_hostfs_exports(fs, &v, &nr))
		for (size_t i = 0; i < nr; i++)
			if (!strcmp(v[i].tag, tag))
				r = v[i];
	free(v);
	return r;
}

static uint64_t refused(const char *tag, enum zh_hostfs_refusal r)
{
	return export_info(tag).c.refused[r];
}

static char *path(const char *name)
{
	static char buf[4][256];
	static int n;
	char *p = buf[n++ % 4];

	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

/* Lines of /proc/self/maps naming the memfd. */
static int memfd_mappings(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "memfd:test-hostfs") != NULL;	/* -huge too */
	fclose(f);
	return n;
}

static void test_names(void)
{
	char out[ZH_HOSTFS_PRINT_LEN], long_name[300];
	struct zh_hostfs_spec sp;
	char err[256];

	struct zh_hostfs_spec sp2;
	bool ok;

	ok = !zh_hostfs_spec_parse("data=/srv/x", &sp, err, sizeof(err)) &&
	     !strcmp(sp.tag, "data") && !strcmp(sp.dir, "/srv/x") && !sp.ro;
	free(sp.dir);
	ok = ok && !zh_hostfs_spec_parse("a.b-c_1=/srv,ro,x,ro", &sp2, err, sizeof(err)) &&
	     !strcmp(sp2.tag, "a.b-c_1") && !strcmp(sp2.dir, "/srv,ro,x") && sp2.ro;
	free(sp2.dir);
	tap_ok(ok, "TAG=DIR[,ro] parses, ,ro at the end only");
	ok = !zh_hostfs_spec_parse("u=/d,x,gid=7,ro,uid=65534", &sp, err, sizeof(err)) &&
	     !strcmp(sp.dir, "/d,x") && sp.ro && sp.creds && sp.uid == 65534 && sp.gid == 7;
	free(sp.dir);
	tap_ok(ok && zh_hostfs_spec_parse("u=/d,uid=1", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("u=/d,uid=1,gid=1,uid=2", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("u=/d,uid=4294967295,gid=0", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("u=/d,uid=x,gid=0", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("u=,uid=1,gid=1", &sp, err, sizeof(err)),
	       ",uid=N,gid=M in any order with ,ro; alone, twice, -1, not a number, no directory: refused");
	memset(long_name, 'a', 64);
	strcpy(long_name + 64, "=/x");
	tap_ok(zh_hostfs_spec_parse("=/x", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("a b=/x", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("a/b=/x", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("t=", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("t=,ro", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse("noequals", &sp, err, sizeof(err)) &&
	       zh_hostfs_spec_parse(long_name, &sp, err, sizeof(err)),
	       "bad tags, no directory and a 64-byte tag are refused");
	tap_ok(!strcmp(zh_hostfs_print("a\n\"\x01", 5, out), "a\\x0a\\x22\\x01\\x00"),
	       "a name prints with its control bytes, quotes and NUL escaped");
	memset(long_name, 'x', sizeof(long_name));
	zh_hostfs_print(long_name, 10000, out);
	tap_ok(strlen(out) < ZH_HOSTFS_PRINT_LEN && strstr(out, "...(10000)"),
	       "a 10,000-byte name prints truncated, with its length");
}

static void test_escapes(uint32_t mnt, uint64_t root)
{
	static char big[10000];
	uint64_t node, before = refused("t", ZH_HOSTFS_R_NAME);
	uint32_t mode = 0, n;
	char buf[64];
	bool ok;

	memset(big, 'n', sizeof(big));
	ok = lookup(mnt, root, "..", NULL) == EINVAL &&
	     lookup(mnt, root, ".", NULL) == EINVAL &&
	     lookup(mnt, root, "sub/../..", NULL) == EINVAL &&
	     lookup(mnt, root, "/etc", NULL) == EINVAL &&
	     name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, "a\0b", 3, NULL, NULL) == EINVAL &&
	     name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, "", 0, NULL, NULL) == EINVAL &&
	     name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, big, 256, NULL, NULL) == ENAMETOOLONG &&
	     name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, big, 10000, NULL, NULL) == ENAMETOOLONG;
	tap_ok(ok, "'..', '.', '/', NUL, empty, 256 and 10,000-byte names are refused");
	tap_ok(refused("t", ZH_HOSTFS_R_NAME) - before == 8,
	       "each refusal is counted as bad_name (%llu)",
	       (unsigned long long)(refused("t", ZH_HOSTFS_R_NAME) - before));
	tap_ok(name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, "abs", 3, &node, &mode) == 0 &&
	       S_ISLNK(mode) && node_call(VMRPC_HOSTFS_READLINK, mnt, node, 0) == 0 &&
	       resp_len == 8 + 4 && !memcmp(resp + 8, "/etc", 4),
	       "an absolute symlink out of the export is a link node with its text");
	tap_ok(lookup(mnt, node, "passwd", NULL) == ENOTDIR &&
	       io(VMRPC_HOSTFS_READ, mnt, node, 0, NULL, 16, &n) == EINVAL,
	       "it is never followed: no lookup through it, no read of it");
	tap_ok(name_call(VMRPC_HOSTFS_LOOKUP, mnt, root, "rel", 3, &node, &mode) == 0 &&
	       S_ISLNK(mode) && node_call(VMRPC_HOSTFS_READLINK, mnt, node, 0) == 0 &&
	       resp_len == 8 + 16 && !memcmp(resp + 8, "../../etc/passwd", 16) &&
	       io(VMRPC_HOSTFS_READ, mnt, node, 0, NULL, sizeof(buf), &n) == EINVAL,
	       "a relative symlink out of the export is a link, never read through");
}

static void test_nodes(uint32_t mnt, uint64_t root)
{
	uint64_t a = 0, b = 0, c = 0;
	uint32_t m2;
	uint64_t r2;
	int e;

	tap_ok(lookup(mnt, root, "file", &a) == 0 && lookup(mnt, root, "file", &b) == 0 &&
	       a == b && a, "the same file looked up twice has one node id");
	tap_ok(node_call(VMRPC_HOSTFS_GETATTR, mnt, a ^ (1ULL << 40), 0) == ESTALE &&
	       node_call(VMRPC_HOSTFS_GETATTR, mnt, 0, 0) == ESTALE &&
	       node_call(VMRPC_HOSTFS_GETATTR, mnt, 0xffffffffULL, 0) == ESTALE &&
	       node_call(VMRPC_HOSTFS_GETATTR, mnt + 1000, a, 0) == ESTALE,
	       "forged node ids and an unknown mount are ESTALE");
	tap_ok(forget(mnt, a, 1) == 0 && node_call(VMRPC_HOSTFS_GETATTR, mnt, a, 0) == 0 &&
	       forget(mnt, a, 1) == 0 && node_call(VMRPC_HOSTFS_GETATTR, mnt, a, 0) == ESTALE,
	       "FORGET drops the node at lookup count 0; its id is stale after");
	tap_ok(lookup(mnt, root, "file", &c) == 0 && c != a && (uint32_t)c == (uint32_t)a &&
	       node_call(VMRPC_HOSTFS_GETATTR, mnt, a, 0) == ESTALE,
	       "the slot used again has a new generation: the old id stays stale");
	tap_ok(forget(mnt, root, 100) == 0 && node_call(VMRPC_HOSTFS_GETATTR, mnt, root, 0) == 0,
	       "the root is never dropped");
	zh_hostfs_set_max_nodes(fs, 3);
	e = do_mount("t", &m2, &r2);
	tap_ok(!e && lookup(m2, r2, "file", NULL) == 0 && lookup(m2, r2, "sub", NULL) == 0 &&
	       lookup(m2, r2, "abs", NULL) == ENOMEM &&
	       refused("t", ZH_HOSTFS_R_NODES) == 1 && lookup(m2, r2, "file", NULL) == 0,
	       "past the node bound a lookup is ENOMEM and counted; a known file still works");
	zh_hostfs_set_max_nodes(fs, ZH_HOSTFS_MAX_NODES_DEFAULT);
	tap_ok(node_call(VMRPC_HOSTFS_UNMOUNT, m2, 0, 0) == 0 &&
	       node_call(VMRPC_HOSTFS_GETATTR, m2, r2, 0) == ESTALE,
	       "after UNMOUNT the mount's ids are ESTALE");
}

static void test_readdir(uint32_t mnt, uint64_t root)
{
	static uint8_t seen[300];
	uint64_t d, cookie = 0;
	int calls = 0, total = 0, dup = 0, bad = 0, e = 0;
	char name[300];

	mkdir(path("many"), 0755);
	for (int i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "%s/many/entry-with-a-longish-name-%03d", dir, i);
		close(open(name, O_CREAT | O_WRONLY, 0644));
	}
	tap_ok(lookup(mnt, root, "many", &d) == 0, "LOOKUP of a directory");
	for (;;) {
		struct vmrpc_hostfs_readdir r = { .mount = htole32(mnt), .max = htole32(1024),
						  .dir = htole64(d), .cookie = htole64(cookie) };
		struct vmrpc_hostfs_reply h;
		uint32_t off = 8;

		e = err_of(call(VMRPC_HOSTFS_READDIR, &r, sizeof(r)));
		memcpy(&h, resp, sizeof(h));
		if (e || !h.count || ++calls > 1000)
			break;
		if (resp_len - 8 > 1024)
			bad++;
		for (uint32_t i = 0; i < le32toh(h.count); i++) {
			struct vmrpc_hostfs_dirent de;
			int idx;

			memcpy(&de, resp + off, sizeof(de));
			snprintf(name, sizeof(name), "%.*s", le16toh(de.len),
				 (char *)resp + off + 24);
			if (sscanf(name, "entry-with-a-longish-name-%d", &idx) != 1 ||
			    idx < 0 || idx >= 300 || le16toh(de.type) != DT_REG)
				bad++;
			else if (seen[idx]++)
				dup++;
			total++;
			cookie = le64toh(de.next);
			off += (24 + le16toh(de.len) + 7) & ~7U;
		}
		if (off != resp_len)
			bad++;
	}
	tap_ok(!e && total == 300 && !dup && !bad && calls > 10,
	       "READDIR with cookies over %d calls: %d entries, %d twice, %d bad, no '.' or '..'",
	       calls, total, dup, bad);
}

static void test_io(uint32_t mnt, uint64_t root)
{
	uint64_t f, sub;
	uint32_t n;
	struct stat st;

	tap_ok(create(VMRPC_HOSTFS_CREATE, mnt, root, "new", 0640, NULL, 0, &f) == 0 &&
	       !stat(path("new"), &st) && (st.st_mode & 07777) == 0640,
	       "CREATE makes the file with the mode asked");
	tap_ok(io(VMRPC_HOSTFS_WRITE, mnt, f, 3, "hello", 5, &n) == 0 && n == 5 &&
	       io(VMRPC_HOSTFS_READ, mnt, f, 0, NULL, 100, &n) == 0 && n == 8 &&
	       resp_len == 88 + 8 && !memcmp(resp + 88, "\0\0\0hello", 8),
	       "WRITE then READ through the payload");
	tap_ok(io(VMRPC_HOSTFS_READ, mnt, f, UINT64_MAX - 2, NULL, 100, &n) == EFBIG &&
	       io(VMRPC_HOSTFS_WRITE, mnt, f, (uint64_t)INT64_MAX, "x", 1, &n) == EFBIG &&
	       refused("t", ZH_HOSTFS_R_RANGE) == 2,
	       "offsets that overflow are EFBIG and counted");
	tap_ok(create(VMRPC_HOSTFS_CREATE, mnt, root, "new", 0600, NULL, 0, NULL) == EEXIST &&
	       lookup(mnt, root, "missing", NULL) == ENOENT,
	       "EEXIST and ENOENT");
	tap_ok(create(VMRPC_HOSTFS_MKDIR, mnt, root, "d2", 0700, NULL, 0, &sub) == 0 &&
	       create(VMRPC_HOSTFS_CREATE, mnt, sub, "inner", 0600, NULL, 0, NULL) == 0 &&
	       name_call(VMRPC_HOSTFS_RMDIR, mnt, root, "d2", 2, NULL, NULL) == ENOTEMPTY &&
	       name_call(VMRPC_HOSTFS_UNLINK, mnt, sub, "inner", 5, NULL, NULL) == 0 &&
	       name_call(VMRPC_HOSTFS_RMDIR, mnt, root, "d2", 2, NULL, NULL) == 0 &&
	       access(path("d2"), F_OK),
	       "MKDIR, ENOTEMPTY, UNLINK, RMDIR");
	tap_ok(create(VMRPC_HOSTFS_SYMLINK, mnt, root, "ln", 0, "../../x", 7, NULL) == 0 &&
	       readlink(path("ln"), (char[16]){ 0 }, 16) == 7 &&
	       create(VMRPC_HOSTFS_SYMLINK, mnt, root, "ln2", 0, "a\0b", 3, NULL) == EINVAL &&
	       create(VMRPC_HOSTFS_SYMLINK, mnt, root, "ln3", 0, "", 0, NULL) == EINVAL,
	       "SYMLINK stores its target as given; NUL or empty targets are refused");
	{
		uint8_t req[32 + 4 + 3] = { 0 };
		struct vmrpc_hostfs_rename r = { .mount = htole32(mnt),
						 .old_dir = htole64(root), .new_dir = htole64(root),
						 .old_len = htole32(4), .new_len = htole32(3),
						 .flags = htole32(VMRPC_HOSTFS_RENAME_NOREPLACE) };

		memcpy(req, &r, sizeof(r));
		memcpy(req + 32, "filenew", 7);
		tap_ok(err_of(call(VMRPC_HOSTFS_RENAME, req, sizeof(req))) == EEXIST,
		       "RENAME_NOREPLACE onto a file is EEXIST");
		r.flags = 0;
		r.new_len = htole32(3);
		memcpy(req, &r, sizeof(r));
		memcpy(req + 32, "new", 3);
		memcpy(req + 35, "ren", 3);
		r.old_len = htole32(3);
		memcpy(req, &r, sizeof(r));
		tap_ok(err_of(call(VMRPC_HOSTFS_RENAME, req, 32 + 6)) == 0 &&
		       !access(path("ren"), F_OK) && access(path("new"), F_OK),
		       "RENAME moves the file on the host");
		memcpy(req + 35, "..", 2);
		r.new_len = htole32(2);
		memcpy(req, &r, sizeof(r));
		memcpy(req + 32, "ren", 3);
		tap_ok(err_of(call(VMRPC_HOSTFS_RENAME, req, 32 + 5)) == EINVAL &&
		       !access(path("ren"), F_OK), "RENAME to '..' is refused");
	}
	{
		struct vmrpc_hostfs_setattr s = {
			.mount = htole32(mnt), .node = htole64(f),
			.valid = htole32(VMRPC_HOSTFS_SET_MODE | VMRPC_HOSTFS_SET_SIZE |
					 VMRPC_HOSTFS_SET_MTIME),
			.mode = htole32(0604), .size = htole64(12345),
			.mtime_sec = htole64(1000000000), .mtime_nsec = htole32(5),
		};

		tap_ok(err_of(call(VMRPC_HOSTFS_SETATTR, &s, sizeof(s))) == 0 &&
		       !stat(path("ren"), &st) && (st.st_mode & 07777) == 0604 &&
		       st.st_size == 12345 && st.st_mtim.tv_sec == 1000000000 &&
		       st.st_mtim.tv_nsec == 5,
		       "SETATTR sets mode, size and mtime");
		s.mtime_nsec = htole32(1000000000);
		tap_ok(err_of(call(VMRPC_HOSTFS_SETATTR, &s, sizeof(s))) == EINVAL,
		       "SETATTR with nanoseconds past a second is EINVAL");
	}
	tap_ok(node_call(VMRPC_HOSTFS_STATFS, mnt, root, 0) == 0 &&
	       le32toh(((struct vmrpc_hostfs_statfs *)resp)->bsize) > 0 &&
	       le32toh(((struct vmrpc_hostfs_statfs *)resp)->namelen) >= 255 &&
	       node_call(VMRPC_HOSTFS_FSYNC, mnt, f, VMRPC_HOSTFS_FSYNC_DATA) == 0 &&
	       node_call(VMRPC_HOSTFS_FSYNC, mnt, root, 0) == 0 &&
	       node_call(VMRPC_HOSTFS_FSYNC, mnt, f, 2) == EINVAL,
	       "STATFS and FSYNC; unknown flags are EINVAL");
}

static void test_frames(uint32_t mnt, uint64_t root)
{
	static uint8_t pat[3 * PG + 100], page[PG], fill[16 * PG];
	uint64_t f;
	uint32_t n;
	int maps = memfd_mappings(), fd;
	bool ok = true;
	struct zh_hostfs_export_info before = export_info("t"), after;

	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 3);
	fd = open(path("data"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
	ok = fd >= 0 && write(fd, pat, sizeof(pat)) == (ssize_t)sizeof(pat);
	close(fd);
	memset(fill, 0xaa, sizeof(fill));
	ok = ok && pwrite(memfd, fill, sizeof(fill), OFFSET + PG) == (ssize_t)sizeof(fill) &&
	     pwrite(memfd, fill, 3 * PG, OFFSET + 10 * PG) == 3 * PG;
	tap_ok(ok && lookup(mnt, root, "data", &f) == 0, "a file of 3 pages and 100 bytes");
	{
		struct run2 runs[] = { { 1, 2 }, { 10, 3 } };

		int e = frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, 5 * PG, runs, 2, &n);

		tap_ok(!e && n == sizeof(pat),
		       "READ_FRAMES over two runs reads the file (%u bytes)", n);
	}
	ok = pread(memfd, page, PG, OFFSET + PG) == PG && !memcmp(page, pat, PG) &&
	     pread(memfd, page, PG, OFFSET + 2 * PG) == PG && !memcmp(page, pat + PG, PG) &&
	     pread(memfd, page, PG, OFFSET + 10 * PG) == PG && !memcmp(page, pat + 2 * PG, PG) &&
	     pread(memfd, page, PG, OFFSET + 11 * PG) == PG && !memcmp(page, pat + 3 * PG, 100);
	for (int i = 100; ok && i < (int)PG; i++)
		ok = page[i] == 0;
	ok = ok && pread(memfd, page, PG, OFFSET + 12 * PG) == PG;
	for (int i = 0; ok && i < (int)PG; i++)
		ok = page[i] == 0;
	tap_ok(ok, "the frames hold the file's bytes, and zeroes beyond its end");
	after = export_info("t");
	tap_ok(after.c.bytes_to_frames - before.c.bytes_to_frames == sizeof(pat) &&
	       after.c.zero_to_frames - before.c.zero_to_frames == 5 * PG - sizeof(pat),
	       "bytes_to_frames and zero_to_frames count them");
	memset(fill, 0x3c, 2 * PG);
	ok = pwrite(memfd, fill, 2 * PG, OFFSET + 20 * PG) == 2 * PG;
	{
		struct run2 runs[] = { { 20, 2 } };

		tap_ok(ok && frames(VMRPC_HOSTFS_WRITE_FRAMES, mnt, f, PG, 6000, runs, 1, &n) == 0 &&
		       n == 6000, "WRITE_FRAMES writes 6000 bytes from a frame run");
	}
	fd = open(path("data"), O_RDONLY);
	ok = fd >= 0 && pread(fd, fill + PG, 2 * PG, PG) == 2 * PG;
	close(fd);
	for (uint32_t i = 0; ok && i < 2 * PG; i++)
		ok = fill[PG + i] == (i < 6000 ? 0x3c : pat[PG + i]);
	tap_ok(ok && export_info("t").c.bytes_from_frames - before.c.bytes_from_frames == 6000,
	       "the file holds the frames' bytes, the rest untouched; counted");
	tap_ok(memfd_mappings() == maps, "zhostd mapped no part of the memfd (%d mappings before and after)",
	       maps);
	{
		struct run2 outside[] = { { DATA / PG, 1 } };
		struct run2 wrap[] = { { UINT64_MAX - 1, 4 } };
		struct run2 unplugged[] = { { 4, 1 }, { 5 * SB / PG, 1 } };
		uint64_t o = refused("t", ZH_HOSTFS_R_FRAMES), u = refused("t", ZH_HOSTFS_R_UNPLUGGED);

		memset(page, 0x77, PG);
		pwrite(memfd, page, PG, OFFSET + 4 * PG);
		tap_ok(frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, PG, outside, 1, &n) == EINVAL &&
		       frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, PG, wrap, 1, &n) == EINVAL &&
		       refused("t", ZH_HOSTFS_R_FRAMES) - o == 2,
		       "frames outside the data area (and a run that wraps) are refused");
		tap_ok(frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, 2 * PG, unplugged, 2, &n) == EINVAL &&
		       refused("t", ZH_HOSTFS_R_UNPLUGGED) - u == 1 &&
		       pread(memfd, page, PG, OFFSET + 4 * PG) == PG && page[0] == 0x77,
		       "a run in an unplugged subblock refuses the call before any byte moves");
		tap_ok(frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 100, PG, outside, 0, &n) == EINVAL &&
		       frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 100, PG, unplugged, 1, &n) == EINVAL &&
		       frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, 2 * PG, unplugged, 1, &n) == EINVAL &&
		       frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, (uint64_t)INT64_MAX - PG + 1, PG,
			      unplugged, 1, &n) == EFBIG,
		       "no runs, an unaligned offset, a length past the frames, an overflow: refused");
		tap_ok(frames(VMRPC_HOSTFS_READ_FRAMES, mnt, root, 0, PG, unplugged, 1, &n) == EISDIR,
		       "frames of a directory are EISDIR");
	}
}

static void test_ro(void)
{
	uint32_t mnt, n;
	uint64_t root, f;
	struct vmrpc_hostfs_mounted a;
	struct run2 runs[] = { { 1, 1 } };
	struct vmrpc_hostfs_setattr s;
	bool ok;

	tap_ok(do_mount("ro", &mnt, &root) == 0 &&
	       (memcpy(&a, resp, sizeof(a)), le32toh(a.flags) & VMRPC_HOSTFS_MOUNT_RO),
	       "MOUNT of a read-only export says so");
	ok = lookup(mnt, root, "file", &f) == 0 &&
	     io(VMRPC_HOSTFS_READ, mnt, f, 0, NULL, 4, &n) == 0 &&
	     io(VMRPC_HOSTFS_WRITE, mnt, f, 0, "xx", 2, &n) == EROFS &&
	     frames(VMRPC_HOSTFS_WRITE_FRAMES, mnt, f, 0, 10, runs, 1, &n) == EROFS &&
	     create(VMRPC_HOSTFS_CREATE, mnt, root, "ro-new", 0644, NULL, 0, NULL) == EROFS &&
	     create(VMRPC_HOSTFS_MKDIR, mnt, root, "ro-dir", 0755, NULL, 0, NULL) == EROFS &&
	     create(VMRPC_HOSTFS_SYMLINK, mnt, root, "ro-ln", 0, "x", 1, NULL) == EROFS &&
	     name_call(VMRPC_HOSTFS_UNLINK, mnt, root, "file", 4, NULL, NULL) == EROFS &&
	     name_call(VMRPC_HOSTFS_RMDIR, mnt, root, "sub", 3, NULL, NULL) == EROFS;
	s = (struct vmrpc_hostfs_setattr){ .mount = htole32(mnt), .node = htole64(f),
					   .valid = htole32(VMRPC_HOSTFS_SET_SIZE) };
	ok = ok && err_of(call(VMRPC_HOSTFS_SETATTR, &s, sizeof(s))) == EROFS;
	tap_ok(ok && access(path("ro-new"), F_OK) && access(path("ro-dir"), F_OK) &&
	       !access(path("file"), F_OK) && refused("ro", ZH_HOSTFS_R_READ_ONLY) == 8,
	       "a read-only export reads, answers every change EROFS, changes nothing");
}

static void test_malformed(uint32_t mnt, uint64_t root)
{
	struct vmrpc_hostfs_name n = { .mount = htole32(mnt), .len = htole32(10),
				       .dir = htole64(root) };
	uint64_t before = refused("t", ZH_HOSTFS_R_MALFORMED);
	uint8_t req[24 + 4] = { 0 };

	memcpy(req, &n, sizeof(n));
	tap_ok(err_of(call(VMRPC_HOSTFS_LOOKUP, req, sizeof(req))) == EINVAL &&
	       refused("t", ZH_HOSTFS_R_MALFORMED) - before == 1,
	       "a name length that disagrees with the request is EINVAL, counted");
	tap_ok(call(VMRPC_HOSTFS_GETATTR, req, 2) == VMRPC_EINVAL &&
	       zh_hostfs_serve(fs, VMRPC_HOSTFS_GETATTR, req, 16, resp, 4, &resp_len) == VMRPC_ERANGE &&
	       call(40, req, 16) == VMRPC_ENOPROC,
	       "too short, no room for the reply, unknown procedure: VMRPC errors");
}

static void test_exports(uint32_t mnt, uint64_t root)
{
	struct zh_hostfs_target t[ZH_HOSTFS_MAX_MOUNTS];
	char err[256];
	uint64_t f;
	size_t nr;

	tap_ok(lookup(mnt, root, "file", &f) == 0 &&
	       !zh_hostfs_invalidate_targets(fs, "t", "file", t, &nr, err, sizeof(err)) &&
	       nr == 1 && t[0].mount == mnt && t[0].node == f,
	       "invalidate: the path's node in the mount that looked it up");
	tap_ok(!zh_hostfs_invalidate_targets(fs, "t", NULL, t, &nr, err, sizeof(err)) &&
	       nr == 1 && t[0].node == 0 &&
	       zh_hostfs_invalidate_targets(fs, "t", "../etc", t, &nr, err, sizeof(err)) == -EXDEV &&
	       zh_hostfs_invalidate_targets(fs, "t", "abs/passwd", t, &nr, err, sizeof(err)) < 0 &&
	       zh_hostfs_invalidate_targets(fs, "nope", NULL, t, &nr, err, sizeof(err)) == -ENOENT,
	       "invalidate: node 0 for all; '..' and symlinks refused; unknown tag");
	tap_ok(add("t", dir, false, err, sizeof(err)) == -EEXIST &&
	       add("bad tag", dir, false, err, sizeof(err)) == -EINVAL &&
	       add("x", path("file"), false, err, sizeof(err)) == -ENOTDIR,
	       "export-add refuses a taken tag, a bad tag, a file");
	tap_ok(!zh_hostfs_export_remove(fs, "t") &&
	       node_call(VMRPC_HOSTFS_GETATTR, mnt, root, 0) == ESTALE &&
	       lookup(mnt, root, "file", NULL) == ESTALE &&
	       node_call(VMRPC_HOSTFS_UNMOUNT, mnt, 0, 0) == 0 &&
	       zh_hostfs_export_remove(fs, "t") == -ENOENT,
	       "after removal the mount's calls are ESTALE, UNMOUNT still works");
}

/*
 * hugetlb: the same through a mapping of the call's huge pages (hugetlbfs
 * takes neither pwrite() nor splice()); skipped without 2 MiB huge pages.
 */
static void test_hugetlb(void)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct vmrpc_mem_range r = { .first = 0, .count = htole32(1) };
	static uint8_t page[PG], pat[2 * PG], back[2 * PG];
	struct zhostd_memory hm;
	struct zh_hostfs *keep = fs;
	struct run2 runs[] = { { 3, 2 } };
	int hfd, fd, maps;
	uint32_t mnt, n, len;
	uint64_t root, f;
	char err[256];
	bool ok;

	hfd = memfd_create("test-hostfs-huge", MFD_CLOEXEC | MFD_HUGETLB);
	if (hfd < 0 || ftruncate(hfd, OFFSET + DATA) ||
	    zhostd_memory_init(&hm, hfd, &area, DATA, DATA, err, sizeof(err))) {
		if (hfd >= 0)
			close(hfd);
		tap_skip("no 2 MiB hugetlb memfd", "hugetlb: READ_FRAMES");
		tap_skip("no 2 MiB hugetlb memfd", "hugetlb: WRITE_FRAMES");
		tap_skip("no 2 MiB hugetlb memfd", "hugetlb: no mapping left");
		return;
	}
	zhostd_memory_set_hugetlb(&hm);
	fs = NULL;
	if (zhostd_memory_serve(&hm, VMRPC_MEM_PLUG, &r, sizeof(r), NULL, 0, &len) ||
	    zh_hostfs_create(&fs, &hm, hfd, &area, true, NULL) ||
	    add("h", dir, false, err, sizeof(err))) {
		tap_diag("the hugetlb pool has no 2 MiB page free (nr_hugepages)");
		tap_skip("hugetlb pool short", "hugetlb: READ_FRAMES");
		tap_skip("hugetlb pool short", "hugetlb: WRITE_FRAMES");
		tap_skip("hugetlb pool short", "hugetlb: no mapping left");
		goto out;
	}
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 13 + 1);
	fd = open(path("huge"), O_CREAT | O_RDWR | O_TRUNC, 0644);
	ok = fd >= 0 && pwrite(fd, pat, PG + 10, 0) == PG + 10;
	maps = memfd_mappings();
	ok = ok && do_mount("h", &mnt, &root) == 0 && lookup(mnt, root, "huge", &f) == 0 &&
	     frames(VMRPC_HOSTFS_READ_FRAMES, mnt, f, 0, 2 * PG, runs, 1, &n) == 0 &&
	     n == PG + 10 && pread(hfd, page, PG, OFFSET + 3 * PG) == PG &&
	     !memcmp(page, pat, PG) && pread(hfd, page, PG, OFFSET + 4 * PG) == PG &&
	     !memcmp(page, pat + PG, 10);
	for (uint32_t i = 10; ok && i < PG; i++)
		ok = !page[i];
	tap_ok(ok, "hugetlb: READ_FRAMES fills the frames, zeroes past the end");
	ok = frames(VMRPC_HOSTFS_WRITE_FRAMES, mnt, f, 2 * PG, 2 * PG, runs, 1, &n) == 0 &&
	     n == 2 * PG && pread(fd, back, 2 * PG, 2 * PG) == 2 * PG &&
	     !memcmp(back, pat, PG + 10);
	for (uint32_t i = PG + 10; ok && i < 2 * PG; i++)
		ok = !back[i];
	tap_ok(ok, "hugetlb: WRITE_FRAMES writes the frames to the file");
	tap_ok(memfd_mappings() == maps, "hugetlb: the call's mapping is gone after it");
	close(fd);
out:
	zh_hostfs_destroy(fs);
	fs = keep;
	zhostd_memory_destroy(&hm);
	close(hfd);
}

/*
 * ,uid=N,gid=M: the export's calls run as that user and group (root's
 * file capabilities gone), and the serving thread is itself again after.
 */
static void test_creds(void)
{
	struct zh_hostfs_spec sp = { .tag = "u", .dir = dir, .creds = true,
				     .uid = 65534, .gid = 65534 };
	uint64_t root, pub, f;
	struct stat st;
	uint32_t mnt;
	char err[256];
	int fd;
	bool ok;

	if (geteuid()) {
		for (int i = 0; i < 4; i++)
			tap_skip("not root", "an export's uid and gid");
		return;
	}
	mkdir(path("pub"), 0777);
	chmod(path("pub"), 0777);
	chmod(dir, 0700);
	ok = !zh_hostfs_export_add(fs, &sp, err, sizeof(err)) && !do_mount("u", &mnt, &root);
	tap_ok(ok && lookup(mnt, root, "file", NULL) == EACCES,
	       "as uid 65534, a lookup in root's 0700 directory is EACCES");
	chmod(dir, 0755);
	ok = lookup(mnt, root, "pub", &pub) == 0 &&
	     create(VMRPC_HOSTFS_CREATE, mnt, pub, "mine", 0600, NULL, 0, &f) == 0 &&
	     !stat(path("pub/mine"), &st) && st.st_uid == 65534 && st.st_gid == 65534;
	tap_ok(ok, "a file it creates belongs to uid and gid 65534");
	tap_ok(create(VMRPC_HOSTFS_CREATE, mnt, root, "not-mine", 0600, NULL, 0, NULL) == EACCES &&
	       create(VMRPC_HOSTFS_MKDIR, mnt, root, "nor-this", 0700, NULL, 0, NULL) == EACCES,
	       "it cannot create in root's 0755 directory: root's capabilities are gone");
	chmod(dir, 0700);
	fd = open(path("root-again"), O_CREAT | O_WRONLY, 0600);
	tap_ok(fd >= 0 && !fstat(fd, &st) && st.st_uid == 0,
	       "the thread that served the calls is root again after them");
	if (fd >= 0)
		close(fd);
	zh_hostfs_export_remove(fs, "u");
}

static void cleanup(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			fprintf(stderr, "cannot remove %s\n", dir);
	}
}

int main(void)
{
	struct vmrpc_host_data_area area = { .offset = OFFSET, .size = DATA,
					     .subblock_size = SB };
	struct vmrpc_mem_range r = { .first = 0, .count = htole32(4) };
	uint32_t mnt, len;
	uint64_t root;
	char err[256];

	tap_plan(59);
	tap_timeout(120, cleanup);
	strcpy(dir, "/tmp/test-hostfs.XXXXXX");
	if (!mkdtemp(dir) || mkdir(path("sub"), 0755) ||
	    symlink("/etc", path("abs")) || symlink("../../etc/passwd", path("rel")) ||
	    close(open(path("file"), O_CREAT | O_WRONLY, 0644))) {
		perror("setup");
		return 1;
	}
	memfd = memfd_create("test-hostfs", MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, OFFSET + DATA) ||
	    zhostd_memory_init(&m, memfd, &area, DATA, DATA, err, sizeof(err)) ||
	    zhostd_memory_serve(&m, VMRPC_MEM_PLUG, &r, sizeof(r), NULL, 0, &len) ||
	    zh_hostfs_create(&fs, &m, memfd, &area, false, NULL) ||
	    add("t", dir, false, err, sizeof(err)) ||
	    add("ro", dir, true, err, sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		cleanup();
		return 1;
	}
	test_names();
	tap_ok(do_mount("none", &mnt, &root) == ENOENT, "MOUNT of an unknown tag is ENOENT");
	tap_ok(do_mount("t", &mnt, &root) == 0 && root, "MOUNT gives a handle and a root node");
	test_escapes(mnt, root);
	test_nodes(mnt, root);
	test_readdir(mnt, root);
	test_io(mnt, root);
	test_frames(mnt, root);
	test_ro();
	test_malformed(mnt, root);
	test_exports(mnt, root);
	test_creds();
	test_hugetlb();
	zh_hostfs_destroy(fs);
	zhostd_memory_destroy(&m);
	close(memfd);
	cleanup();
	return tap_done();
}
