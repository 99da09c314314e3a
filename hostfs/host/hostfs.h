/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The host side of hostfs (VMRPC_MOD_HOSTFS): directories zhostd exports
 * under a tag, the guest's mounts of them, and the guest's calls served
 * beneath each export's directory fd. Documentation/hostfs.rst has the
 * design and the security notes.
 *
 * Layers, each calling only those below it:
 *   serve.c        the module's handler: decodes, checks, dispatches,
 *                  counts and logs refusals (refuse.c)
 *   ops-dir.c, ops-file.c, frames.c   the file operations
 *   mount.c        mounts: handles, a node's fds taken out under the lock
 *   nodes.c        one mount's node table
 *   export.c       the exports: parsing, adding, removing, snapshots
 *   name.c         names: the checks, printing them safely
 */
#ifndef ZH_HOSTFS_H
#define ZH_HOSTFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostfs-spec.h"
#include "vmrpc-host.h"

struct zhostd_memory;
struct zhostd_ratelimit;
struct zh_hostfs;

/* Exports and mounts at most; nodes of one mount at most by default. */
#define ZH_HOSTFS_MAX_EXPORTS		64
#define ZH_HOSTFS_MAX_MOUNTS		64
#define ZH_HOSTFS_MAX_NODES_DEFAULT	65536

/* Bytes of frames one READ_FRAMES or WRITE_FRAMES may name: work per call. */
#define ZH_HOSTFS_FRAMES_MAX		(64U << 20)

/* Why a guest's request was refused (counted per export, logged). */
enum zh_hostfs_refusal {
	ZH_HOSTFS_R_MALFORMED,	/* lengths, reserved fields, flags */
	ZH_HOSTFS_R_NAME,	/* a name or link target breaking the rules */
	ZH_HOSTFS_R_STALE,	/* unknown mount, stale or forged node id */
	ZH_HOSTFS_R_READ_ONLY,	/* a change on a read-only export */
	ZH_HOSTFS_R_NODES,	/* the mount's node table is full */
	ZH_HOSTFS_R_RANGE,	/* offset and length overflow or too large */
	ZH_HOSTFS_R_FRAMES,	/* a frame outside the data area */
	ZH_HOSTFS_R_UNPLUGGED,	/* a frame in an unplugged subblock */
	ZH_HOSTFS_R_NR,
};

/**
 * struct zh_hostfs_counters - what one export served since it was added
 * @calls: calls naming a mount of it (MOUNT included)
 * @mounts: MOUNT calls that succeeded
 * @errors: calls answered with a file-system errno (refusals included)
 * @bytes_to_frames: file bytes READ_FRAMES wrote into guest frames
 * @zero_to_frames: bytes of frames READ_FRAMES filled with zeroes
 * @bytes_from_frames: bytes WRITE_FRAMES wrote to files from frames
 * @bytes_read: bytes READ sent through the payload
 * @bytes_written: bytes WRITE took from the payload
 * @refused: refusals by reason (enum zh_hostfs_refusal)
 */
struct zh_hostfs_counters {
	uint64_t calls;
	uint64_t mounts;
	uint64_t errors;
	uint64_t bytes_to_frames;
	uint64_t zero_to_frames;
	uint64_t bytes_from_frames;
	uint64_t bytes_read;
	uint64_t bytes_written;
	uint64_t refused[ZH_HOSTFS_R_NR];
};

/**
 * struct zh_hostfs_export_info - a snapshot of one export
 * @tag: its tag
 * @dir: the directory as given when it was added
 * @ro: read-only
 * @creds: its calls run as @uid and @gid
 * @uid: fsuid of its calls, with @creds
 * @gid: fsgid of its calls, with @creds
 * @mounts: guest mounts of it now
 * @nodes: nodes those mounts hold
 * @c: its counters
 */
struct zh_hostfs_export_info {
	char tag[VMRPC_HOSTFS_TAG_MAX];
	char dir[4096];
	bool ro;
	bool creds;
	uint32_t uid;
	uint32_t gid;
	uint32_t mounts;
	uint64_t nodes;
	struct zh_hostfs_counters c;
};

/**
 * struct zh_hostfs_target - one mount to send VMRPC_HOSTFS_INVALIDATE to
 * @mount: the mount's handle
 * @node: the node id in it, 0 for every file of the mount
 */
struct zh_hostfs_target {
	uint32_t mount;
	uint64_t node;
};

/**
 * zh_hostfs_create() - an empty export table, no mounts
 * @out: set to the new state
 * @mem: the memory backend whose plugged map frames are checked against
 *	(its lock is held while frames move); may be NULL (no frame calls)
 * @memfd: BAR2's memfd
 * @area: the data area
 * @hugetlb: the memfd is hugetlb (frames move through a short-lived
 *	mapping: hugetlbfs has no write path; see Documentation/hostfs.rst)
 * @rl: rate limit for refusal log lines; NULL lets all through
 *
 * Return: 0 or -ENOMEM.
 */
int zh_hostfs_create(struct zh_hostfs **out, struct zhostd_memory *mem,
		     int memfd, const struct vmrpc_host_data_area *area,
		     bool hugetlb, struct zhostd_ratelimit *rl);

/* Drop every mount and export, free @fs; NULL is fine. */
void zh_hostfs_destroy(struct zh_hostfs *fs);

/* Lower the node bound of mounts made from now on (for tests). */
void zh_hostfs_set_max_nodes(struct zh_hostfs *fs, uint32_t max);

/**
 * zh_hostfs_export_add() - export @sp->dir under @sp->tag
 * @fs: the state
 * @sp: a valid tag no export has, an existing directory (opened once
 *	here, O_PATH | O_DIRECTORY), read-only or not, and the credentials
 *	its calls run with (@sp->creds: checked here, needs CAP_SETUID and
 *	CAP_SETGID)
 * @err: why not, on failure
 * @errlen: size of @err
 *
 * Return: 0, -EINVAL (bad tag), -EEXIST (tag taken), -ENOSPC (too many
 * exports), -EPERM (credentials zhostd cannot take), -ENOMEM, or the
 * errno of opening the directory, with @err set.
 */
int zh_hostfs_export_add(struct zh_hostfs *fs, const struct zh_hostfs_spec *sp,
			 char *err, size_t errlen);

/**
 * zh_hostfs_export_remove() - stop exporting @tag
 * @fs: the state
 * @tag: the tag
 *
 * Mounts of the export lose their nodes (their fds are closed at once)
 * and every later call on them but UNMOUNT gets ESTALE.
 *
 * Return: 0, or -ENOENT when no export has @tag.
 */
int zh_hostfs_export_remove(struct zh_hostfs *fs, const char *tag);

/**
 * zh_hostfs_exports() - snapshots of every export, in the order added
 * @fs: the state
 * @out: set to a malloc()ed array (NULL when there are none)
 * @nr: set to its length
 *
 * Return: 0 or -ENOMEM.
 */
int zh_hostfs_exports(struct zh_hostfs *fs, struct zh_hostfs_export_info **out,
		      size_t *nr);

/**
 * zh_hostfs_totals() - every export's counters added up, with the calls
 *	that named no mount
 * @fs: the state
 * @c: filled in
 * @exports: set to the number of exports
 * @mounts: set to the number of mounts
 */
void zh_hostfs_totals(struct zh_hostfs *fs, struct zh_hostfs_counters *c,
		      uint32_t *exports, uint32_t *mounts);

/**
 * zh_hostfs_invalidate_targets() - the mounts of @tag and the node of
 *	@path in each
 * @fs: the state
 * @tag: the export
 * @path: NULL or "" for every file; else a path relative to the export's
 *	directory, resolved beneath it without following symlinks
 * @out: room for ZH_HOSTFS_MAX_MOUNTS targets; mounts that never looked
 *	the file up are left out
 * @nr: set to the number filled in
 * @err: why not, on failure
 * @errlen: size of @err
 *
 * Return: 0, -ENOENT (no such export), or the errno of resolving @path.
 */
int zh_hostfs_invalidate_targets(struct zh_hostfs *fs, const char *tag,
				 const char *path, struct zh_hostfs_target *out,
				 size_t *nr, char *err, size_t errlen);

/**
 * zh_hostfs_reset() - the guest driver went away or bound again: drop
 *	every mount (their node fds closed)
 * @fs: the state; NULL is fine
 */
void zh_hostfs_reset(struct zh_hostfs *fs);

/**
 * zh_hostfs_serve() - the vmrpc_handler_fn of VMRPC_MOD_HOSTFS
 * @opaque: the struct zh_hostfs
 * @proc: VMRPC_HOSTFS_*
 * @req: validated private copy of the request
 * @req_len: its length
 * @resp: reply buffer
 * @resp_cap: its size
 * @resp_len: set to the reply length
 *
 * File-system failures and refusals (a request whose length does not
 * match its own fields included: EINVAL) are VMRPC_OK with the errno in
 * the reply's error. Only a request shorter than its fixed part is
 * VMRPC_EINVAL, and a reply buffer too small for the fixed reply
 * VMRPC_ERANGE.
 *
 * Return: VMRPC_OK, VMRPC_EINVAL, VMRPC_ERANGE, VMRPC_ENOPROC.
 */
uint32_t zh_hostfs_serve(void *opaque, uint16_t proc, const void *req,
			 uint32_t req_len, void *resp, uint32_t resp_cap,
			 uint32_t *resp_len);

/* Names for logs and the control protocol. */
const char *zh_hostfs_refusal_name(enum zh_hostfs_refusal r);
const char *zh_hostfs_proc_name(uint16_t proc);

#endif /* ZH_HOSTFS_H */
