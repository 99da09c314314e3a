/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the files of hostfs/host/ share and nothing else sees: the state,
 * a mount's node table, a call being served.
 */
#ifndef ZH_HOSTFS_INT_H
#define ZH_HOSTFS_INT_H

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hostfs.h"

/* The O_PATH fds of nodes are opened with these, beneath their parent. */
#define ZH_HOSTFS_RESOLVE	(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | \
				 RESOLVE_NO_SYMLINKS)

/* Longest name or link target a log line shows before "...". */
#define ZH_HOSTFS_PRINT_MAX	64

/* The printed form of a name: escapes, truncation, NUL. */
#define ZH_HOSTFS_PRINT_LEN	(ZH_HOSTFS_PRINT_MAX * 4 + 32)

/**
 * struct zh_hostfs_export - one exported directory
 * @tag: its tag
 * @dir: the directory as given, for listings
 * @dirfd: O_PATH | O_DIRECTORY fd of it, opened once
 * @ro: read-only
 * @creds: calls run with @uid and @gid (creds.c), else zhostd's own
 * @uid: fsuid of its calls
 * @gid: fsgid and the only supplementary group of its calls
 * @removed: no longer exported; freed when @refs drops to 0
 * @refs: the table's reference (until removed), one per mount, one per
 *	call in progress
 * @c: counters, changed with atomic adds
 * @next: the next export, in the order added
 */
struct zh_hostfs_export {
	char tag[VMRPC_HOSTFS_TAG_MAX];
	char *dir;
	int dirfd;
	bool ro;
	bool creds;
	uint32_t uid;
	uint32_t gid;
	bool removed;
	unsigned int refs;
	struct zh_hostfs_counters c;
	struct zh_hostfs_export *next;
};

/**
 * struct zh_hostfs_node - one file the guest has looked up
 * @fd: O_PATH fd, -1 for a free slot
 * @iofd: the file reopened for I/O, -1 until first needed
 * @io_rw: @iofd is O_RDWR (else O_RDONLY)
 * @dev: st_dev of the file
 * @ino: st_ino
 * @mode: st_mode at lookup (the file type never changes)
 * @nlookup: lookups the guest has had and not given back
 * @gen: the slot's generation, part of the node id
 * @hnext: next slot in the hash chain, or ZH_NODE_NONE; next free slot
 *	when free
 */
struct zh_hostfs_node {
	int fd;
	int iofd;
	bool io_rw;
	dev_t dev;
	ino_t ino;
	mode_t mode;
	uint64_t nlookup;
	uint32_t gen;
	uint32_t hnext;
};

#define ZH_NODE_NONE	UINT32_MAX

/**
 * struct zh_hostfs_nodes - one mount's node table
 * @v: the slots
 * @nr: slots in @v
 * @used: slots in use
 * @max: slots in use at most
 * @free: first free slot, or ZH_NODE_NONE
 * @bucket: hash buckets by (dev, ino): first slot of each chain
 * @nbuckets: a power of two
 * @root: node id of the export's directory, never dropped by FORGET
 */
struct zh_hostfs_nodes {
	struct zh_hostfs_node *v;
	uint32_t nr;
	uint32_t used;
	uint32_t max;
	uint32_t free;
	uint32_t *bucket;
	uint32_t nbuckets;
	uint64_t root;
};

/**
 * struct zh_hostfs_mount - one guest mount of an export
 * @id: its handle, never reused while zhostd runs
 * @exp: the export (holding a reference)
 * @stale: the export was removed: every call but UNMOUNT gets ESTALE
 * @nodes: its node table
 */
struct zh_hostfs_mount {
	uint32_t id;
	struct zh_hostfs_export *exp;
	bool stale;
	struct zh_hostfs_nodes nodes;
};

/**
 * struct zh_hostfs - the state, see hostfs.h
 * @lock: protects the export list, the mounts and their node tables
 * @exports: the list
 * @mounts: the mounts by slot, NULL for free slots
 * @next_id: the next mount handle
 * @max_nodes: node bound of new mounts
 * @mem: memory backend (frames are checked against its plugged map)
 * @memfd: BAR2's memfd
 * @area: the data area
 * @hugetlb: the memfd is hugetlb
 * @rl: rate limit of refusal log lines
 * @orphan: counters of calls that named no known mount
 */
struct zh_hostfs {
	pthread_mutex_t lock;
	struct zh_hostfs_export *exports;
	struct zh_hostfs_mount *mounts[ZH_HOSTFS_MAX_MOUNTS];
	uint32_t next_id;
	uint32_t max_nodes;
	struct zhostd_memory *mem;
	int memfd;
	struct vmrpc_host_data_area area;
	bool hugetlb;
	struct zhostd_ratelimit *rl;
	struct zh_hostfs_counters orphan;
};

/**
 * struct zh_hostfs_ref - a node's fds taken out of the table for one call
 * @exp: the mount's export (a reference held), NULL when none was found
 * @fd: dup of the node's O_PATH fd, or -1
 * @iofd: dup of its I/O fd, or -1
 * @io_rw: @iofd is writable
 * @mode: the node's file type and mode at lookup
 */
struct zh_hostfs_ref {
	struct zh_hostfs_export *exp;
	int fd;
	int iofd;
	bool io_rw;
	mode_t mode;
};

/**
 * struct zh_hostfs_call - one guest call being served
 * @fs: the state
 * @proc: VMRPC_HOSTFS_*
 * @exp: the export the call's mount belongs to (for counters), or NULL
 * @resp: the reply buffer
 * @resp_cap: its size
 * @resp_len: the reply length so far
 */
struct zh_hostfs_call {
	struct zh_hostfs *fs;
	uint16_t proc;
	struct zh_hostfs_export *exp;
	uint8_t *resp;
	uint32_t resp_cap;
	uint32_t resp_len;
};

/* name.c */

/**
 * zh_hostfs_name_check() - is @name one path component the host may use?
 * @name: the bytes, not NUL-terminated
 * @len: how many
 *
 * Checked before any system call: 1 to VMRPC_HOSTFS_NAME_MAX bytes, no
 * '/', no NUL, neither "." nor "..".
 *
 * Return: 0, ENAMETOOLONG or EINVAL.
 */
int zh_hostfs_name_check(const char *name, size_t len);

/**
 * zh_hostfs_target_check() - is @t a link target the host may store?
 * @t: the bytes
 * @len: 1 to VMRPC_HOSTFS_SYMLINK_MAX, no NUL
 *
 * Return: 0, ENAMETOOLONG or EINVAL.
 */
int zh_hostfs_target_check(const char *t, size_t len);

/**
 * zh_hostfs_print() - @len bytes of @s as a log may show them
 * @s: the bytes
 * @len: how many
 * @out: room for ZH_HOSTFS_PRINT_LEN bytes
 *
 * Printable ASCII but '\\' and '"' as is, everything else as \xHH; at
 * most ZH_HOSTFS_PRINT_MAX bytes, then "..." and the length.
 *
 * Return: @out.
 */
char *zh_hostfs_print(const char *s, size_t len, char *out);

/* nodes.c */

/* A table bounded at @max nodes. Return: 0 or -ENOMEM. */
int zh_nodes_init(struct zh_hostfs_nodes *t, uint32_t max);

/* Close every node's fds and free the table. */
void zh_nodes_destroy(struct zh_hostfs_nodes *t);

/**
 * zh_nodes_add() - one lookup of the file @fd is open on
 * @t: the table
 * @fd: O_PATH fd of the file, owned (closed when the file has a node
 *	already or on failure)
 * @st: its fstat()
 * @id: set to the file's node id
 *
 * The same (dev, ino) has one node: its lookup count goes up by one.
 *
 * Return: 0, or ENOMEM when the table is full.
 */
int zh_nodes_add(struct zh_hostfs_nodes *t, int fd, const struct stat *st,
		 uint64_t *id);

/* The node of @id, or NULL when @id is not a live node of @t. */
struct zh_hostfs_node *zh_nodes_get(struct zh_hostfs_nodes *t, uint64_t id);

/* The node id of (@dev, @ino), or 0 when @t has none. */
uint64_t zh_nodes_find(struct zh_hostfs_nodes *t, dev_t dev, ino_t ino);

/**
 * zh_nodes_forget() - the guest gives back @n lookups of @id
 * @t: the table
 * @id: the node id
 * @n: lookups; at most the node's count is taken
 *
 * A node whose count reaches 0 is dropped (its fds closed, its id stale
 * from now on), but the root never is.
 *
 * Return: 0, or ESTALE when @id is not a live node.
 */
int zh_nodes_forget(struct zh_hostfs_nodes *t, uint64_t id, uint64_t n);

/* mount.c */

/**
 * zh_hostfs_mount_new() - mount the export tagged @tag
 * @fs: the state
 * @tag: NUL-terminated
 * @id: set to the mount's handle
 * @root: set to its root node id
 * @ro: set to the export's read-only flag
 * @st: set to the root's fstat()
 * @exp: set to the export, a reference held for the caller
 *
 * Return: 0, ENOENT (no such export), ENOSPC (too many mounts), ENOMEM,
 * or the errno of fstat().
 */
int zh_hostfs_mount_new(struct zh_hostfs *fs, const char *tag, uint32_t *id,
			uint64_t *root, bool *ro, struct stat *st,
			struct zh_hostfs_export **exp);

/**
 * zh_hostfs_mount_drop() - unmount @id
 * @fs: the state
 * @id: the handle
 * @exp: set to the export, a reference held for the caller, when found
 *
 * Return: 0, or ESTALE when no mount has @id.
 */
int zh_hostfs_mount_drop(struct zh_hostfs *fs, uint32_t id,
			 struct zh_hostfs_export **exp);

/* What zh_hostfs_take() takes out besides the O_PATH fd. */
#define ZH_TAKE_IO	0x1	/* the I/O fd, opened on first use */
#define ZH_TAKE_WRITE	0x2	/* ... writable */

/**
 * zh_hostfs_take() - a node's fds for one call
 * @fs: the state
 * @mount: the mount's handle
 * @node: node id
 * @how: ZH_TAKE_*
 * @ref: filled in; its @exp is set (a reference) whenever the mount was
 *	found, also on failure, so the call is counted against it
 *
 * Return: 0, ESTALE (unknown mount, stale node, removed export), EROFS
 * (ZH_TAKE_WRITE on a read-only export), EISDIR or EINVAL (I/O on what
 * is no regular file), EMFILE or the errno of reopening the file.
 */
int zh_hostfs_take(struct zh_hostfs *fs, uint32_t mount, uint64_t node,
		   unsigned int how, struct zh_hostfs_ref *ref);

/* Close @ref's fds and drop its export reference. */
void zh_hostfs_ref_put(struct zh_hostfs *fs, struct zh_hostfs_ref *ref);

/**
 * zh_hostfs_add_node() - count a lookup of the file @fd is open on
 * @fs: the state
 * @mount: the mount's handle
 * @fd: O_PATH fd, owned
 * @st: its fstat()
 * @id: set to the node id
 *
 * Return: 0, ESTALE (the mount went away meanwhile) or ENOMEM.
 */
int zh_hostfs_add_node(struct zh_hostfs *fs, uint32_t mount, int fd,
		       const struct stat *st, uint64_t *id);

/* FORGET of one node: 0 or ESTALE. */
int zh_hostfs_forget(struct zh_hostfs *fs, uint32_t mount, uint64_t node,
		     uint64_t n);

/* Drop a reference of @e; the last of a removed export frees it. */
void zh_hostfs_export_put_locked(struct zh_hostfs_export *e);

/* The export tagged @tag, not removed, or NULL; under the lock. */
struct zh_hostfs_export *zh_hostfs_export_find_locked(struct zh_hostfs *fs,
						      const char *tag);

/* creds.c */

/* Supplementary groups a serving thread may have and get back. */
#define ZH_HOSTFS_GROUPS_MAX	256

/* What zh_hostfs_creds_enter() changed, to put back. */
struct zh_hostfs_creds {
	uid_t fsuid;
	gid_t fsgid;
	int nr_groups;
	gid_t groups[ZH_HOSTFS_GROUPS_MAX];
};

/**
 * zh_hostfs_creds_enter() - this thread acts as @uid and @gid on files
 * @uid: the fsuid
 * @gid: the fsgid and the one supplementary group
 * @saved: what to put back with zh_hostfs_creds_leave()
 *
 * Needs CAP_SETUID and CAP_SETGID (else nothing changes).
 *
 * Return: 0, or EPERM with the thread as it was.
 */
int zh_hostfs_creds_enter(uint32_t uid, uint32_t gid,
			  struct zh_hostfs_creds *saved);

/* Put the thread's credentials back as zh_hostfs_creds_enter() found them. */
void zh_hostfs_creds_leave(const struct zh_hostfs_creds *saved);

/* refuse.c */

/**
 * zh_hostfs_refuse() - count and log (rate-limited) a hostile request
 * @c: the call
 * @r: why
 * @what: a few words on what was wrong
 * @name: the offending name or target, or NULL
 * @len: its bytes
 */
void zh_hostfs_refuse(struct zh_hostfs_call *c, enum zh_hostfs_refusal r,
		      const char *what, const char *name, size_t len);

/* Add @n to the counter at @p, from any thread. */
static inline void zh_hostfs_add(uint64_t *p, uint64_t n)
{
	__atomic_fetch_add(p, n, __ATOMIC_RELAXED);
}

/* The counters of @c's export, or of calls naming no mount. */
struct zh_hostfs_counters *zh_hostfs_counters_of(struct zh_hostfs_call *c);

/* ops-*.c, frames.c: reply helpers and the operations (serve.c) */

/* struct vmrpc_hostfs_attr from a struct stat. */
void zh_hostfs_attr(struct vmrpc_hostfs_attr *a, const struct stat *st);

/* Set the reply's error; replies are zeroed by serve.c beforehand. */
void zh_hostfs_set_error(struct zh_hostfs_call *c, int err);

/* The attr_reply's attributes from fstat(@fd): 0 or the errno. */
int zh_hostfs_reply_attr(struct zh_hostfs_call *c, int fd,
			 struct vmrpc_hostfs_attr *a);

/* Each returns 0 or a positive errno for the reply; see serve.c. */
int zh_hostfs_lookup(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
		     const char *name, uint32_t len);
int zh_hostfs_create_op(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
			uint32_t mode, const char *name, uint32_t len,
			const char *target, uint32_t target_len);
int zh_hostfs_remove(struct zh_hostfs_call *c, uint32_t mount, uint64_t dir,
		     const char *name, uint32_t len);
int zh_hostfs_rename(struct zh_hostfs_call *c,
		     const struct vmrpc_hostfs_rename *r, const char *old_name,
		     const char *new_name);
int zh_hostfs_readdir(struct zh_hostfs_call *c,
		      const struct vmrpc_hostfs_readdir *r);
int zh_hostfs_getattr(struct zh_hostfs_call *c, uint32_t mount, uint64_t node);
int zh_hostfs_setattr(struct zh_hostfs_call *c,
		      const struct vmrpc_hostfs_setattr *s);
int zh_hostfs_readlink(struct zh_hostfs_call *c, uint32_t mount,
		       uint64_t node);
int zh_hostfs_fsync(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		    uint32_t flags);
int zh_hostfs_statfs(struct zh_hostfs_call *c, uint32_t mount, uint64_t node);
int zh_hostfs_read(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		   uint64_t offset, uint32_t len);
int zh_hostfs_write(struct zh_hostfs_call *c, uint32_t mount, uint64_t node,
		    uint64_t offset, const void *data, uint32_t len);

/**
 * zh_hostfs_frames() - READ_FRAMES or WRITE_FRAMES
 * @c: the call
 * @f: the request, its runs in host byte order and checked for their
 *	own consistency (count >= 1, reserved zero)
 * @write: WRITE_FRAMES
 *
 * Return: 0 or a positive errno.
 */
int zh_hostfs_frames(struct zh_hostfs_call *c,
		     const struct vmrpc_hostfs_frames *f, bool write);

#endif /* ZH_HOSTFS_INT_H */
