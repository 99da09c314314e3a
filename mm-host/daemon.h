/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd as a process: its VM directory, log, --daemon, signals, pid
 * file, and the main loop that accepts control clients until a signal
 * (or QEMU leaving, with --on-disconnect exit) ends it.
 */
#ifndef ZHOSTD_DAEMON_H
#define ZHOSTD_DAEMON_H

#include "options.h"

/**
 * zhostd_daemon_run() - serve the VM @o describes until told to stop
 * @o: the parsed options
 *
 * Return: the process's exit status: 0 after a signal or QEMU leaving
 * (with --on-disconnect exit), 1 when start-up or the main loop failed.
 */
int zhostd_daemon_run(const struct zhostd_options *o);

#endif /* ZHOSTD_DAEMON_H */
