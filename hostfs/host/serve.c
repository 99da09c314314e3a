// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC_MOD_HOSTFS served: each request's length checked against its own
 * fields, its fields read once from the private copy, then the operation;
 * see hostfs.h.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "hostfs-int.h"

/* Fixed part of each procedure's reply; READDIR and READLINK add data. */
static uint32_t reply_size(uint16_t proc)
{
	switch (proc) {
	case VMRPC_HOSTFS_MOUNT:
		return sizeof(struct vmrpc_hostfs_mounted);
	case VMRPC_HOSTFS_LOOKUP:
	case VMRPC_HOSTFS_CREATE:
	case VMRPC_HOSTFS_MKDIR:
	case VMRPC_HOSTFS_SYMLINK:
		return sizeof(struct vmrpc_hostfs_entry);
	case VMRPC_HOSTFS_GETATTR:
	case VMRPC_HOSTFS_SETATTR:
	case VMRPC_HOSTFS_READ:
	case VMRPC_HOSTFS_WRITE:
	case VMRPC_HOSTFS_READ_FRAMES:
	case VMRPC_HOSTFS_WRITE_FRAMES:
		return sizeof(struct vmrpc_hostfs_attr_reply);
	case VMRPC_HOSTFS_STATFS:
		return sizeof(struct vmrpc_hostfs_statfs);
	default:
		return sizeof(struct vmrpc_hostfs_reply);
	}
}

void zh_hostfs_set_error(struct zh_hostfs_call *c, int err)
{
	struct vmrpc_hostfs_reply *h = (struct vmrpc_hostfs_reply *)c->resp;

	h->error = htole32((uint32_t)err);
	if (err) {
		h->count = 0;
		zh_hostfs_add(&zh_hostfs_counters_of(c)->errors, 1);
	}
}

/* The mount handle every request but MOUNT starts with. */
static uint32_t req_mount(const void *req)
{
	uint32_t m;

	memcpy(&m, req, sizeof(m));
	return le32toh(m);
}

/* Count the call against the export of its mount (found by the op). */
static struct zh_hostfs_export *call_export(struct zh_hostfs *fs,
					   uint32_t mount)
{
	struct zh_hostfs_ref ref;
	struct zh_hostfs_export *e;

	/* Node 0 is no node: only the mount is looked up. */
	zh_hostfs_take(fs, mount, 0, 0, &ref);
	e = ref.exp;
	ref.exp = NULL;
	zh_hostfs_ref_put(fs, &ref);
	return e;
}

static int serve_mount(struct zh_hostfs_call *c, const void *req,
		       uint32_t len)
{
	struct vmrpc_hostfs_mounted *r = (void *)c->resp;
	const struct vmrpc_hostfs_mount *m = req;
	char tag[VMRPC_HOSTFS_TAG_MAX];
	size_t tlen = strnlen(m->tag, sizeof(m->tag));
	uint32_t id = 0;
	uint64_t root = 0;
	struct stat st;
	bool ro = false;
	int err;

	if (len != sizeof(*m) || m->flags || m->reserved || tlen == sizeof(m->tag)) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a mount request of",
				 NULL, 0);
		return EINVAL;
	}
	for (size_t i = tlen; i < sizeof(m->tag); i++)
		if (m->tag[i]) {
			zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED,
					 "a tag not NUL-padded", NULL, 0);
			return EINVAL;
		}
	if (!zh_hostfs_tag_valid(m->tag, tlen)) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_NAME, "the tag", m->tag, tlen);
		return EINVAL;
	}
	memcpy(tag, m->tag, sizeof(tag));
	err = zh_hostfs_mount_new(c->fs, tag, &id, &root, &ro, &st, &c->exp);
	if (err)
		return err;
	zh_hostfs_add(&c->exp->c.mounts, 1);
	r->mount = htole32(id);
	r->flags = htole32(ro ? VMRPC_HOSTFS_MOUNT_RO : 0);
	r->root = htole64(root);
	zh_hostfs_attr(&r->attr, &st);
	return 0;
}

static int serve_forget(struct zh_hostfs_call *c, const void *req,
			uint32_t len)
{
	const struct vmrpc_hostfs_forget *f = req;
	uint32_t nr = le32toh(f->nr), mount = le32toh(f->mount), stale = 0;

	if (!nr || len != sizeof(*f) + (uint64_t)nr * sizeof(f->nodes[0])) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a forget list of",
				 NULL, 0);
		return EINVAL;
	}
	for (uint32_t i = 0; i < nr; i++)
		stale += zh_hostfs_forget(c->fs, mount, le64toh(f->nodes[i].node),
					  le64toh(f->nodes[i].nlookup)) != 0;
	if (stale) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_STALE, "nodes not known", NULL, 0);
		return ESTALE;
	}
	return 0;
}

/* LOOKUP, UNLINK, RMDIR. */
static int serve_name(struct zh_hostfs_call *c, const void *req, uint32_t len)
{
	const struct vmrpc_hostfs_name *n = req;
	uint32_t nlen = le32toh(n->len);

	if (len < sizeof(*n) || len - sizeof(*n) != nlen || n->reserved) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a name request of",
				 NULL, 0);
		return EINVAL;
	}
	if (c->proc == VMRPC_HOSTFS_LOOKUP)
		return zh_hostfs_lookup(c, le32toh(n->mount), le64toh(n->dir),
					n->name, nlen);
	return zh_hostfs_remove(c, le32toh(n->mount), le64toh(n->dir), n->name,
				nlen);
}

static int serve_create(struct zh_hostfs_call *c, const void *req,
			uint32_t len)
{
	const struct vmrpc_hostfs_create *r = req;
	uint32_t nlen = le32toh(r->len), tlen = le32toh(r->target_len);
	uint32_t mode = le32toh(r->mode);
	bool symlink = c->proc == VMRPC_HOSTFS_SYMLINK;

	if (len < sizeof(*r) || len - sizeof(*r) != (uint64_t)nlen + tlen ||
	    (symlink ? mode != 0 : tlen != 0) || (mode & ~07777U)) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a create request of",
				 NULL, 0);
		return EINVAL;
	}
	return zh_hostfs_create_op(c, le32toh(r->mount), le64toh(r->dir), mode,
				   r->data, nlen, r->data + nlen, tlen);
}

static int serve_rename(struct zh_hostfs_call *c, const void *req,
			uint32_t len)
{
	const struct vmrpc_hostfs_rename *r = req;
	uint64_t olen = le32toh(r->old_len), nlen = le32toh(r->new_len);

	if (len < sizeof(*r) || len - sizeof(*r) != olen + nlen) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a rename request of",
				 NULL, 0);
		return EINVAL;
	}
	return zh_hostfs_rename(c, r, r->names, r->names + olen);
}

/* GETATTR, READLINK, FSYNC, STATFS (UNMOUNT is served before). */
static int serve_node(struct zh_hostfs_call *c, const void *req, uint32_t len)
{
	const struct vmrpc_hostfs_node *n = req;
	uint32_t mount = le32toh(n->mount), flags = le32toh(n->flags);
	uint64_t node = le64toh(n->node);

	if (len != sizeof(*n) ||
	    (flags & ~(c->proc == VMRPC_HOSTFS_FSYNC ? VMRPC_HOSTFS_FSYNC_DATA : 0))) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a node request of",
				 NULL, 0);
		return EINVAL;
	}
	switch (c->proc) {
	case VMRPC_HOSTFS_GETATTR:
		return zh_hostfs_getattr(c, mount, node);
	case VMRPC_HOSTFS_READLINK:
		return zh_hostfs_readlink(c, mount, node);
	case VMRPC_HOSTFS_FSYNC:
		return zh_hostfs_fsync(c, mount, node, flags);
	default:
		return zh_hostfs_statfs(c, mount, node);
	}
}

static int serve_unmount(struct zh_hostfs_call *c, const void *req,
			 uint32_t len)
{
	const struct vmrpc_hostfs_node *n = req;
	int err;

	if (len != sizeof(*n) || n->flags) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "an unmount request of",
				 NULL, 0);
		return EINVAL;
	}
	/* The mount's reference to its export becomes the call's. */
	if (c->exp) {
		zh_hostfs_ref_put(c->fs, &(struct zh_hostfs_ref){ .fd = -1, .iofd = -1,
								   .exp = c->exp });
		c->exp = NULL;
	}
	err = zh_hostfs_mount_drop(c->fs, le32toh(n->mount), &c->exp);
	if (err)
		zh_hostfs_refuse(c, ZH_HOSTFS_R_STALE, "an unknown mount", NULL, 0);
	return err;
}

static int serve_io(struct zh_hostfs_call *c, const void *req, uint32_t len)
{
	const struct vmrpc_hostfs_io *io = req;
	uint32_t n = le32toh(io->len);
	uint64_t off = le64toh(io->offset);
	bool write = c->proc == VMRPC_HOSTFS_WRITE;

	if (len < sizeof(*io) || (write ? len - sizeof(*io) != n : len != sizeof(*io))) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "an I/O request of",
				 NULL, 0);
		return EINVAL;
	}
	if (!write && n > c->resp_cap - sizeof(struct vmrpc_hostfs_attr_reply))
		n = c->resp_cap - sizeof(struct vmrpc_hostfs_attr_reply);
	if (off > (uint64_t)INT64_MAX - n) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_RANGE, "offset and length overflow",
				 NULL, 0);
		return EFBIG;
	}
	if (write)
		return zh_hostfs_write(c, le32toh(io->mount), le64toh(io->node),
				       off, (const uint8_t *)req + sizeof(*io), n);
	return zh_hostfs_read(c, le32toh(io->mount), le64toh(io->node), off, n);
}

static int serve_frames(struct zh_hostfs_call *c, const void *req,
			uint32_t len)
{
	const struct vmrpc_hostfs_frames *f = req;
	uint32_t nr = le32toh(f->nr);

	if (!nr || len < sizeof(*f) ||
	    len - sizeof(*f) != (uint64_t)nr * sizeof(f->runs[0])) {
		zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a frames request of",
				 NULL, 0);
		return EINVAL;
	}
	for (uint32_t i = 0; i < nr; i++)
		if (!f->runs[i].count || f->runs[i].reserved) {
			zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED,
					 "an empty run or reserved bits in",
					 NULL, 0);
			return EINVAL;
		}
	return zh_hostfs_frames(c, f, c->proc == VMRPC_HOSTFS_WRITE_FRAMES);
}

/* The fixed part of a request: shorter is VMRPC_EINVAL, read nothing. */
static uint32_t min_request(uint16_t proc)
{
	switch (proc) {
	case VMRPC_HOSTFS_MOUNT:
		return sizeof(struct vmrpc_hostfs_mount);
	case VMRPC_HOSTFS_SETATTR:
		return sizeof(struct vmrpc_hostfs_setattr);
	case VMRPC_HOSTFS_READDIR:
		return sizeof(struct vmrpc_hostfs_readdir);
	case VMRPC_HOSTFS_LOOKUP:
	case VMRPC_HOSTFS_UNLINK:
	case VMRPC_HOSTFS_RMDIR:
		return sizeof(struct vmrpc_hostfs_name);
	case VMRPC_HOSTFS_FORGET:
		return sizeof(struct vmrpc_hostfs_forget);
	case VMRPC_HOSTFS_CREATE:
	case VMRPC_HOSTFS_MKDIR:
	case VMRPC_HOSTFS_SYMLINK:
		return sizeof(struct vmrpc_hostfs_create);
	case VMRPC_HOSTFS_RENAME:
		return sizeof(struct vmrpc_hostfs_rename);
	case VMRPC_HOSTFS_READ:
	case VMRPC_HOSTFS_WRITE:
		return sizeof(struct vmrpc_hostfs_io);
	case VMRPC_HOSTFS_READ_FRAMES:
	case VMRPC_HOSTFS_WRITE_FRAMES:
		return sizeof(struct vmrpc_hostfs_frames);
	default:
		return sizeof(struct vmrpc_hostfs_node);
	}
}

static int serve_proc(struct zh_hostfs_call *c, const void *req, uint32_t len)
{
	switch (c->proc) {
	case VMRPC_HOSTFS_MOUNT:
		return serve_mount(c, req, len);
	case VMRPC_HOSTFS_UNMOUNT:
		return serve_unmount(c, req, len);
	case VMRPC_HOSTFS_LOOKUP:
	case VMRPC_HOSTFS_UNLINK:
	case VMRPC_HOSTFS_RMDIR:
		return serve_name(c, req, len);
	case VMRPC_HOSTFS_FORGET:
		return serve_forget(c, req, len);
	case VMRPC_HOSTFS_SETATTR:
		if (len != sizeof(struct vmrpc_hostfs_setattr))
			break;
		return zh_hostfs_setattr(c, req);
	case VMRPC_HOSTFS_READDIR:
		if (len != sizeof(struct vmrpc_hostfs_readdir))
			break;
		return zh_hostfs_readdir(c, req);
	case VMRPC_HOSTFS_CREATE:
	case VMRPC_HOSTFS_MKDIR:
	case VMRPC_HOSTFS_SYMLINK:
		return serve_create(c, req, len);
	case VMRPC_HOSTFS_RENAME:
		return serve_rename(c, req, len);
	case VMRPC_HOSTFS_READ:
	case VMRPC_HOSTFS_WRITE:
		return serve_io(c, req, len);
	case VMRPC_HOSTFS_READ_FRAMES:
	case VMRPC_HOSTFS_WRITE_FRAMES:
		return serve_frames(c, req, len);
	default:
		return serve_node(c, req, len);
	}
	zh_hostfs_refuse(c, ZH_HOSTFS_R_MALFORMED, "a request of the wrong size",
			 NULL, 0);
	return EINVAL;
}

uint32_t zh_hostfs_serve(void *opaque, uint16_t proc, const void *req,
			 uint32_t req_len, void *resp, uint32_t resp_cap,
			 uint32_t *resp_len)
{
	struct zh_hostfs_call c = { .fs = opaque, .proc = proc, .resp = resp,
				    .resp_cap = resp_cap };
	struct zh_hostfs_creds saved;
	int err, creds;

	*resp_len = 0;
	if (proc > VMRPC_HOSTFS_STATFS)
		return VMRPC_ENOPROC;
	if (resp_cap < reply_size(proc))
		return VMRPC_ERANGE;
	if (req_len < min_request(proc)) {
		zh_hostfs_add(&c.fs->orphan.calls, 1);
		zh_hostfs_refuse(&c, ZH_HOSTFS_R_MALFORMED, "a request shorter than its fixed part",
				 NULL, 0);
		return VMRPC_EINVAL;
	}
	if (proc != VMRPC_HOSTFS_MOUNT)
		c.exp = call_export(c.fs, req_mount(req));
	memset(resp, 0, reply_size(proc));
	c.resp_len = reply_size(proc);
	/* The export's credentials for the whole call (UNMOUNT needs none). */
	if (c.exp && c.exp->creds && proc != VMRPC_HOSTFS_UNMOUNT) {
		creds = zh_hostfs_creds_enter(c.exp->uid, c.exp->gid, &saved) ? -1 : 1;
		err = creds < 0 ? EPERM : serve_proc(&c, req, req_len);
		if (creds > 0)
			zh_hostfs_creds_leave(&saved);
	} else {
		err = serve_proc(&c, req, req_len);
	}
	zh_hostfs_add(&zh_hostfs_counters_of(&c)->calls, 1);
	zh_hostfs_set_error(&c, err);
	/* Refusals found below the ops, logged here once. */
	if (err == ESTALE && proc != VMRPC_HOSTFS_UNMOUNT &&
	    proc != VMRPC_HOSTFS_FORGET)
		zh_hostfs_refuse(&c, ZH_HOSTFS_R_STALE, c.exp ?
				 "a stale or forged node id, or a removed export" :
				 "an unknown mount", NULL, 0);
	else if (err == EROFS)
		zh_hostfs_refuse(&c, ZH_HOSTFS_R_READ_ONLY,
				 "a change on a read-only export", NULL, 0);
	if (c.exp)
		zh_hostfs_ref_put(c.fs, &(struct zh_hostfs_ref){ .fd = -1, .iofd = -1,
								  .exp = c.exp });
	*resp_len = err ? reply_size(proc) : c.resp_len;
	return VMRPC_OK;
}
