// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd as a process; see daemon.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "control.h"
#include "daemon.h"
#include "daemonize.h"
#include "events.h"
#include "log.h"
#include "pid-file.h"
#include "recover-fds.h"
#include "recover.h"
#include "runtime-dir.h"
#include "vm.h"

/**
 * struct zhostd_daemon - one process serving one VM
 * @zd: what serves the VM (vm.h)
 * @on_disconnect: --on-disconnect
 * @quit_fd: eventfd the main loop polls; the VMRPC thread writes it when
 *	QEMU left and @on_disconnect is exit
 */
struct zhostd_daemon {
	struct zhostd zd;
	enum zhostd_on_disconnect on_disconnect;
	int quit_fd;
};

/* VMRPC events: events.c, then quit when QEMU left and we should. */
static void daemon_vmrpc_event(void *opaque, enum vmrpc_host_event ev,
			       const char *detail)
{
	struct zhostd_daemon *d = opaque;

	zhostd_vmrpc_event(&d->zd, ev, detail);
	if (ev == VMRPC_HOST_EV_QEMU_DISCONNECTED &&
	    d->on_disconnect == ZHOSTD_ON_DISCONNECT_EXIT) {
		uint64_t one = 1;

		if (write(d->quit_fd, &one, sizeof(one)) < 0)
			zlog_err("cannot wake the main loop: %s", strerror(errno));
	}
}

/* Wait for a signal, a control client or a quit request. */
static int daemon_loop(struct zhostd_daemon *d, int sigfd)
{
	struct zhostd *zd = &d->zd;

	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sigfd, .events = POLLIN },
			{ .fd = d->quit_fd, .events = POLLIN },
			{ .fd = zhostd_control_fd(zd->ctl), .events = POLLIN },
		};
		struct signalfd_siginfo si;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			zlog_err("poll: %s", strerror(errno));
			return 1;
		}
		if (pfd[0].revents & POLLIN) {
			if (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
				zlog_info("signal %u: shutting down", si.ssi_signo);
				zhostd_event(zd, "SHUTDOWN",
					     json_pack("{s:s}", "reason", "signal"));
				return 0;
			}
		}
		if (pfd[1].revents & POLLIN) {
			zlog_info("QEMU went away and --on-disconnect is exit: shutting down");
			zhostd_event(zd, "SHUTDOWN",
				     json_pack("{s:s}", "reason", "disconnect"));
			return 0;
		}
		if (pfd[2].revents & POLLIN)
			zhostd_control_accept(zd->ctl);
	}
}

/*
 * SIGTERM, SIGINT and SIGHUP as a descriptor. Blocked before any thread
 * starts, so all threads inherit the mask.
 */
static int daemon_signals(void)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &mask, SFD_CLOEXEC);
}

/*
 * The VM's directory, created if needed and checked (runtime-dir.h): it
 * and the runtime directory are ours alone, so nobody else can replace
 * the sockets and files in it. Before the log: it may live there.
 */
static int open_vm_dir(const struct zhostd_options *o)
{
	char err[ZH_DIR_ERR_MAX];
	int fd;

	fd = zh_vm_dir_open(o->runtime_dir, o->name, true, err, sizeof(err));
	if (fd < 0)
		fprintf(stderr, "zhostd: %s\n", err);
	return fd;
}

/* What the log says once zhostd serves. */
static void log_serving(const struct zhostd *zd, const struct zhostd_options *o)
{
	zlog_info("serving VM '%s': %llu MiB shared memory (%llu MiB for ZONE_HOST, %llu MiB at boot), ivshmem %s, control %s",
		  o->name, (unsigned long long)(o->cfg.bar_size >> 20),
		  (unsigned long long)(zd->mem.info.max >> 20),
		  (unsigned long long)(o->initial >> 20),
		  o->socket_path, o->control_path);
	if (o->cfg.sock_chown)
		zlog_info("ivshmem socket given to uid %u, gid %u (--socket-owner): only that user connects",
			  (unsigned int)o->cfg.sock_uid,
			  (unsigned int)o->cfg.sock_gid);
	if (o->guard.interval_ms)
		zlog_info("memory guard: looks for host memory behind unplugged subblocks every %g s; on violation: %s",
			  o->guard.interval_ms / 1000.0,
			  zhostd_on_violation_name(o->guard.action));
	else
		zlog_info("memory guard: checks on demand only (enforce-memory); on violation: %s",
			  zhostd_on_violation_name(o->guard.action));
}

/*
 * zhostd --recover: the dead zhostd's VM into @a. Return: 1 to recover,
 * 0 to start a new VM (--recover=auto without a state file), -1 to fail.
 */
static int daemon_recover(const struct zhostd_options *o, int vm_dir,
			  struct vmrpc_host_adopted *a)
{
	if (o->recover == ZHOSTD_RECOVER_NO)
		return 0;
	if (o->recover == ZHOSTD_RECOVER_AUTO &&
	    faccessat(vm_dir, ZH_RECOVER_FILE, F_OK, AT_SYMLINK_NOFOLLOW) &&
	    errno == ENOENT) {
		zlog_info("recover: no state file: no zhostd was serving a running QEMU; serving a new VM");
		return 0;
	}
	return zhostd_recover_take(o, vm_dir, a) ? -1 : 1;
}

int zhostd_daemon_run(const struct zhostd_options *o)
{
	struct zhostd_daemon d = {
		.zd = { .lock = PTHREAD_MUTEX_INITIALIZER },
		.on_disconnect = o->on_disconnect,
		.quit_fd = -1,
	};
	int ready_fd = -1, sigfd = -1, ret, status = 1, vm_dir, pid_at;
	struct vmrpc_host_adopted adopt;
	bool started = false;
	const char *pid_name;

	vm_dir = open_vm_dir(o);
	if (vm_dir < 0)
		return 1;
	ret = zlog_open(o->log_level, o->log_file, o->daemon && !o->log_file);
	if (ret) {
		fprintf(stderr, "zhostd: cannot open log file %s: %s\n",
			o->log_file, zhostd_open_strerror(-ret));
		close(vm_dir);
		return 1;
	}
	pid_name = zhostd_pid_file_at(o, vm_dir, &pid_at);
	if (o->daemon) {
		ret = zhostd_daemonize(&ready_fd);
		if (ret) {
			zlog_err("cannot daemonize: %s", strerror(-ret));
			zlog_close();
			close(vm_dir);
			return 1;
		}
	}
	sigfd = daemon_signals();
	d.quit_fd = eventfd(0, EFD_CLOEXEC);
	if (sigfd < 0 || d.quit_fd < 0) {
		zlog_err("signalfd/eventfd: %s", strerror(errno));
		goto out_fds;
	}

	zh_recover_adopted_init(&adopt);
	ret = daemon_recover(o, vm_dir, &adopt);
	if (ret < 0)
		goto out_fds;
	if (ret > 0)
		d.zd.adopt = &adopt;
	d.zd.vm_dir = vm_dir;
	d.zd.keep_state = true;
	ret = zhostd_vm_open(&d.zd, o, daemon_vmrpc_event, &d);
	/* What the host did not take (it takes all on success). */
	zh_recover_adopted_close(&adopt);
	if (ret)
		goto out_fds;
	if (zhostd_vm_start(&d.zd, o))
		goto out_vm;
	started = true;
	if (o->pid_file) {
		ret = zhostd_pid_file_write(pid_at, pid_name);
		if (ret) {
			zlog_err("pid file %s: %s", o->pid_file,
				 zhostd_open_strerror(-ret));
			goto out_vm;
		}
	}
	log_serving(&d.zd, o);
	zhostd_report_ready(&ready_fd, 0);

	status = daemon_loop(&d, sigfd);

	if (o->pid_file)
		unlinkat(pid_at, pid_name, 0);
out_vm:
	zhostd_vm_close(&d.zd);
	/*
	 * The state file stays only after a recovery that was refused: the
	 * VM is as that zhostd left it, and another try may work.
	 */
	if (started || !d.zd.adopt)
		zhostd_recover_forget(&d.zd);
out_fds:
	zhostd_report_ready(&ready_fd, 1);
	if (d.quit_fd >= 0)
		close(d.quit_fd);
	if (sigfd >= 0)
		close(sigfd);
	zlog_info("exiting");
	zlog_close();
	close(vm_dir);
	return status;
}
