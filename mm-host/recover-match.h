/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What zhostd --recover reads and matches, without touching a process:
 * the record a serving zhostd keeps of QEMU and of the descriptors it
 * shares with it (the state file), /proc/PID/fdinfo text, and which of
 * QEMU's descriptors are ours. recover-fds.c does the I/O around it.
 *
 * The state file is text, one "key value" per line, in the VM directory:
 *
 *   zhostd-recover 1
 *   qemu_pid 4242
 *   qemu_start 81234          field 22 of /proc/PID/stat (against reuse)
 *   memfd_ino 12345
 *   bar_size 1073741824
 *   nr_slots 8
 *   slot_size 65536
 *   host_eventfd 0 17         vector, eventfd-id (of /proc/self/fdinfo)
 *   ...                       VMRPC_NR_VECTORS of each
 *   guest_eventfd 0 20
 */
#ifndef ZHOSTD_RECOVER_MATCH_H
#define ZHOSTD_RECOVER_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/vmrpc.h>

#define ZH_RECOVER_VERSION	1
#define ZH_RECOVER_FILE		"recover.state"	/* in the VM directory */
#define ZH_RECOVER_FILE_MAX	4096		/* bytes read at most */
#define ZH_RECOVER_ERR_MAX	256

/**
 * struct zh_recover_state - what zhostd records when QEMU connects
 * @qemu_pid: QEMU's pid
 * @qemu_start: its start time (clock ticks after boot), so that a reused
 *	pid is not taken for it
 * @memfd_ino: inode of the memfd (BAR2)
 * @bar_size: its size
 * @nr_slots: call slots per direction
 * @slot_size: bytes per slot
 * @host_id: eventfd-id of each peer-0 eventfd (the guest rings these)
 * @guest_id: eventfd-id of each eventfd that raises a guest vector
 * @echo: @host_id and @guest_id hold the echo vector's (VMRPC_HVEC_ECHO);
 *	a zhostd from before the echo vector recorded only the first
 *	VMRPC_NR_VECTORS_MIN
 */
struct zh_recover_state {
	int qemu_pid;
	uint64_t qemu_start;
	uint64_t memfd_ino;
	uint64_t bar_size;
	uint32_t nr_slots;
	uint32_t slot_size;
	uint64_t host_id[VMRPC_NR_VECTORS];
	uint64_t guest_id[VMRPC_NR_VECTORS];
	bool echo;
};

/**
 * zh_recover_state_format() - the state file's text
 * @s: the state
 * @buf: filled with NUL-terminated text
 * @len: size of @buf
 *
 * Return: the text's length, or -1 when @buf is too small.
 */
int zh_recover_state_format(const struct zh_recover_state *s, char *buf,
			    size_t len);

/**
 * zh_recover_state_parse() - read the state file's text
 * @text: the text, NUL-terminated
 * @s: filled in
 * @err: why, on failure
 * @errlen: size of @err
 *
 * Every key must be there exactly once, every number in range, nothing
 * else in the text; the echo vector's two lines may both be missing.
 *
 * Return: 0, or -EINVAL with @err set.
 */
int zh_recover_state_parse(const char *text, struct zh_recover_state *s,
			   char *err, size_t errlen);

/**
 * struct zh_fdinfo - what /proc/PID/fdinfo/FD says about one descriptor
 * @ino: the "ino:" line (0 when missing)
 * @is_eventfd: it has an "eventfd-id:" line
 * @eventfd_id: that id
 */
struct zh_fdinfo {
	uint64_t ino;
	bool is_eventfd;
	uint64_t eventfd_id;
};

/**
 * zh_fdinfo_parse() - parse the text of /proc/PID/fdinfo/FD
 * @text: the text, NUL-terminated
 * @fi: filled in
 *
 * Return: 0, or -EINVAL for text that is not fdinfo (no "flags:" line).
 */
int zh_fdinfo_parse(const char *text, struct zh_fdinfo *fi);

/**
 * struct zh_recover_fds - which of QEMU's descriptors are ours, -1 unknown
 * @memfd: the memfd
 * @host_fd: the peer-0 eventfds, by vector
 * @guest_fd: the guest's eventfds, by vector
 */
struct zh_recover_fds {
	int memfd;
	int host_fd[VMRPC_NR_VECTORS];
	int guest_fd[VMRPC_NR_VECTORS];
};

/* All of @m unknown. */
void zh_recover_fds_init(struct zh_recover_fds *m);

/**
 * zh_recover_match() - is QEMU's descriptor @fd one of ours?
 * @s: the state
 * @fd: the descriptor number in QEMU
 * @fi: its fdinfo
 * @m: updated: the first descriptor that matches each entry wins
 */
void zh_recover_match(const struct zh_recover_state *s, int fd,
		      const struct zh_fdinfo *fi, struct zh_recover_fds *m);

/**
 * zh_recover_match_done() - did every entry match?
 * @m: the matches
 * @err: the first missing one, when not
 * @errlen: size of @err
 *
 * The echo vector's eventfds are not needed: a QEMU started with
 * vectors=3 closed them, and the guest then does without the echo.
 *
 * Return: true when all needed are known.
 */
bool zh_recover_match_done(const struct zh_recover_fds *m, char *err,
			   size_t errlen);

#endif /* ZHOSTD_RECOVER_MATCH_H */
