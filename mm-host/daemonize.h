/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd --daemon: into the background, and the parent returns only once
 * the child says whether it serves, so whoever started zhostd can start
 * QEMU right after it.
 */
#ifndef ZHOSTD_DAEMONIZE_H
#define ZHOSTD_DAEMONIZE_H

/**
 * zhostd_daemonize() - fork into the background, in a new session
 * @ready_fd: set, in the child, to the pipe for zhostd_report_ready()
 *
 * The parent does not return: it exits with the status the child
 * reports (1 if the child dies first).
 *
 * Return: 0 in the child, or a negative errno.
 */
int zhostd_daemonize(int *ready_fd);

/**
 * zhostd_report_ready() - tell the waiting parent how start-up went
 * @ready_fd: the pipe; -1 (not a daemon, or already told): nothing to do;
 *	closed and set to -1
 * @status: 0 when serving, else the parent's exit status
 *
 * On success the standard streams go to /dev/null: the log is syslog
 * or a file from now on.
 */
void zhostd_report_ready(int *ready_fd, char status);

#endif /* ZHOSTD_DAEMONIZE_H */
