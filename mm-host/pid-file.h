/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's pid file, written once it serves and removed when it exits,
 * and what the refusal of a symbolic link means: zhostd follows none
 * where it writes a file of its own (the pid file, the log file).
 */
#ifndef ZHOSTD_PID_FILE_H
#define ZHOSTD_PID_FILE_H

#include "options.h"

/**
 * zhostd_pid_file_at() - the pid file as a directory and a name in it
 * @o: the options; @o->pid_file must be set
 * @vm_dir: the checked VM directory (RUNTIME/NAME)
 * @at: set to the directory descriptor for openat() (AT_FDCWD for a
 *	path of the user's)
 *
 * Return: the name relative to *@at.
 */
const char *zhostd_pid_file_at(const struct zhostd_options *o, int vm_dir,
			       int *at);

/**
 * zhostd_pid_file_write() - write our pid, not following a symbolic link
 * @at: directory descriptor, or AT_FDCWD
 * @path: the file, relative to @at
 *
 * O_NOFOLLOW: a link planted there must not make us truncate the file it
 * points to.
 *
 * Return: 0, or a negative errno (-ELOOP for a symbolic link).
 */
int zhostd_pid_file_write(int at, const char *path);

/* strerror(), but saying what a refused symbolic link (ELOOP) means. */
const char *zhostd_open_strerror(int err);

#endif /* ZHOSTD_PID_FILE_H */
