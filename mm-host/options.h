/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd's command line: the options, their defaults (named constants,
 * shown in --help) and their parser. Parsing only fills a struct: it
 * prints nothing and exits nothing, so a unit test can run it.
 */
#ifndef ZHOSTD_OPTIONS_H
#define ZHOSTD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "guard.h"
#include "hostfs.h"
#include "log.h"
#include "paging.h"
#include "pin.h"
#include "wss-poller.h"

/* Limits of the options that have one beyond their type. */
#define ZHOSTD_BAR_SIZE_MIN		(256ULL << 20)
#define ZHOSTD_BAR_SIZE_MAX		(1ULL << 40)
#define ZHOSTD_WORKERS_MAX		256
#define ZHOSTD_CALL_TIMEOUT_MS_MAX	(3600 * 1000)
#define ZHOSTD_INTERVAL_S_MAX		86400
#define ZHOSTD_HEADROOM_PERCENT_MAX	1000
#define ZHOSTD_SHRINK_AFTER_MAX		100000

/* Longest message of zhostd_options_parse(). */
#define ZHOSTD_OPTIONS_MSG_MAX		256

/* --on-disconnect: what zhostd does when QEMU goes away. */
enum zhostd_on_disconnect {
	ZHOSTD_ON_DISCONNECT_WAIT,	/* for the next QEMU */
	ZHOSTD_ON_DISCONNECT_EXIT,
};

/* --recover: take over the VM of a zhostd that was killed (recover.h). */
enum zhostd_recover {
	ZHOSTD_RECOVER_NO,	/* serve a new VM */
	ZHOSTD_RECOVER_YES,	/* recover, or fail */
	ZHOSTD_RECOVER_AUTO,	/* recover when there is a state file */
};

/**
 * struct zhostd_options - what the command line asks for
 * @name: VM name (--name)
 * @runtime_dir: where NAME/ lives (--runtime-dir, else zh_runtime_dir())
 * @socket_path: the ivshmem socket; allocated
 * @control_path: the control socket; allocated
 * @qmp_path: QEMU's QMP socket, for --on-violation stop; allocated
 * @pid_file: the pid file, for messages (see @pid_in_vm_dir); allocated;
 *	NULL: none
 * @pid_in_vm_dir: the default with --daemon: opened as ZH_VM_ZHOSTD_PID
 *	relative to the checked VM directory
 * @log_file: log here (--log-file); NULL: stderr, or syslog with @daemon
 * @log_level: messages above it are dropped
 * @daemon: detach once the sockets listen
 * @on_disconnect: what to do when QEMU goes away
 * @recover: --recover
 * @cfg: the VMRPC host's geometry, @cfg.socket_path (== @socket_path) and
 *	its owner (--socket-owner);
 *	its callback is set by whoever creates the host
 * @call_timeout_ms: timeout of calls into the guest
 * @max_clients: control clients served at once (--max-clients)
 * @initial: ZONE_HOST bytes at boot
 * @max: the most the guest may get; UINT64_MAX: the whole data area
 * @allow_ask: grant the guest's own requests for more memory
 * @max_pinned: ceiling on the bytes the guest may have pinned (--max-pinned);
 *	ZHOSTD_PIN_NO_CEILING: none, 0: guest pinning disabled
 * @lock_all: lock every plugged subblock on the host (--lock-all)
 * @host_paging: page the guest's ZONE_HOST memory on the host from its
 *	hints (--host-paging)
 * @paging_swap_floor: free host swap host paging keeps
 *	(--paging-swap-floor)
 * @wss: the working-set poller and the policy; sizes that depend on the
 *	subblock are checked once the shared memory exists
 * @ask_holdoff_s: --ask-holdoff, also in @wss.params.ask_holdoff_ns
 * @guard: the memory guard; @guard.qmp_path is @qmp_path
 * @exports: --export TAG=DIR[,ro], in the order given; their directories
 *	are opened when zhostd starts
 * @nr_exports: how many
 *
 * The strings that are not allocated point into argv or the environment.
 */
struct zhostd_options {
	const char *name;
	const char *runtime_dir;
	char *socket_path;
	char *control_path;
	char *qmp_path;
	char *pid_file;
	bool pid_in_vm_dir;
	const char *log_file;
	enum zlog_level log_level;
	bool daemon;
	enum zhostd_on_disconnect on_disconnect;
	enum zhostd_recover recover;
	struct vmrpc_host_config cfg;
	unsigned int call_timeout_ms;
	unsigned int max_clients;
	uint64_t initial;
	uint64_t max;
	bool allow_ask;
	uint64_t max_pinned;
	bool lock_all;
	bool host_paging;
	uint64_t paging_swap_floor;
	struct zhostd_wss_config wss;
	unsigned int ask_holdoff_s;
	struct zhostd_guard_config guard;
	struct zh_hostfs_spec exports[ZH_HOSTFS_MAX_EXPORTS];
	unsigned int nr_exports;
};

/* What the command line asks zhostd to do. */
enum zhostd_options_result {
	ZHOSTD_OPTIONS_RUN,	/* serve the VM the options describe */
	ZHOSTD_OPTIONS_HELP,	/* --help: print zhostd_usage(), exit 0 */
	ZHOSTD_OPTIONS_VERSION,	/* --version: print the version, exit 0 */
	ZHOSTD_OPTIONS_BAD,	/* a bad value or argument; exit 2 */
	ZHOSTD_OPTIONS_UNKNOWN,	/* an unknown option, or one missing its
				 * argument: the message, then the usage */
	ZHOSTD_OPTIONS_NOMEM,	/* out of memory; exit 1 */
};

/**
 * zhostd_options_parse() - parse zhostd's command line
 * @argc: as main() got it
 * @argv: as main() got it (getopt_long() may reorder it)
 * @o: filled in on ZHOSTD_OPTIONS_RUN only; untouched otherwise
 * @msg: on ZHOSTD_OPTIONS_BAD, _UNKNOWN and _NOMEM, what is wrong,
 *	without the program's name
 * @len: size of @msg, ZHOSTD_OPTIONS_MSG_MAX to never truncate it
 *
 * Defaults are filled in for what the command line does not say; the
 * socket, QMP and (with --daemon) pid file paths default to files in
 * RUNTIME/NAME/ (vm-paths.h), and NAME must follow the rule there. Nothing is printed, opened or created. Free a filled
 * @o with zhostd_options_free().
 *
 * Return: what to do next.
 */
enum zhostd_options_result zhostd_options_parse(int argc, char **argv,
						struct zhostd_options *o,
						char *msg, size_t len);

/**
 * zhostd_options_check_policy() - the policy's sizes against the memory
 * @p: the policy's parameters, with @p->subblock and @p->max set from the
 *	shared memory (unknown while the command line is parsed)
 * @msg: on failure, what is wrong, naming the option
 * @len: size of @msg
 *
 * Return: 0, or -1 when --min or --shrink-step does not fit.
 */
int zhostd_options_check_policy(const struct zhostd_policy_params *p,
				char *msg, size_t len);

/* Free what zhostd_options_parse() allocated in @o. */
void zhostd_options_free(struct zhostd_options *o);

/* The --help text, with the defaults. */
void zhostd_usage(FILE *f);

#endif /* ZHOSTD_OPTIONS_H */
