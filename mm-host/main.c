// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd: the zonehost host daemon. One process serves one VM: it creates
 * the shared memory, is the ivshmem server QEMU's ivshmem-doorbell device
 * connects to, answers the guest's VMRPC calls, and serves balloon-ctl on
 * a control socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"
#include "events.h"
#include "guard.h"
#include "log.h"
#include "runtime-dir.h"
#include "size.h"
#include "wss-poller.h"
#include "zhostd.h"

enum on_disconnect { ON_DISCONNECT_WAIT, ON_DISCONNECT_EXIT };

struct options {
	const char *name;
	const char *runtime_dir;
	char *socket_path;
	char *control_path;
	char *qmp_path;		/* QEMU's QMP socket, for --on-violation stop */
	char *pid_file;		/* for messages; see pid_in_vm_dir */
	bool pid_in_vm_dir;	/* the default: opened as ZHOSTD_PID_FILE
				 * relative to the checked VM directory */
	const char *log_file;
	enum zlog_level log_level;
	bool daemon;
	enum on_disconnect on_disconnect;
	struct vmrpc_host_config cfg;
	unsigned int call_timeout_ms;
	uint64_t initial;
	uint64_t max;		/* UINT64_MAX: the whole data area */
	bool allow_ask;
	/* The working-set poller and the policy; sizes checked in main(). */
	struct zhostd_wss_config wss;
	unsigned int ask_holdoff_s;
	/* The memory guard; its QMP path is qmp_path. */
	struct zhostd_guard_config guard;
};

/* Written by the VMRPC thread when the daemon must exit. */
static int quit_fd = -1;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: zhostd [OPTIONS]\n"
		"\n"
		"Serve one VM's zonehost device: shared memory, the ivshmem server for\n"
		"QEMU's ivshmem-doorbell, VMRPC calls, and the balloon-ctl control socket.\n"
		"\n"
		"  -n, --name NAME          VM name (default: %s)\n"
		"      --runtime-dir DIR    where NAME/ lives (default: $ZHOST_RUNTIME_DIR,\n"
		"                           else %s for root and\n"
		"                           ${XDG_RUNTIME_DIR:-/tmp}/zonehost for others);\n"
		"                           DIR and DIR/NAME (created 0700) must be yours\n"
		"                           and not writable by others\n"
		"      --socket PATH        ivshmem socket (default: DIR/NAME/ivshmem.sock)\n"
		"      --control PATH       control socket (default: DIR/NAME/zhostd.sock)\n"
		"      --bar-size SIZE      shared memory (BAR2) size, a power of two\n"
		"                           (default: %lluM)\n"
		"      --slots N            call slots per direction (default: %u)\n"
		"      --slot-size SIZE     bytes per slot (default: %uK)\n"
		"      --workers N          threads serving guest calls (default: %u)\n"
		"      --call-timeout MS    timeout of calls into the guest (default: %u)\n"
		"      --initial SIZE       host memory the guest gets in ZONE_HOST at\n"
		"                           boot, a multiple of 2M (default: 0)\n"
		"      --max SIZE           the most it may ever get (default: the data\n"
		"                           area, BAR2 minus 128M)\n"
		"      --guest-ask allow|deny\n"
		"                           grant the guest's own requests for more\n"
		"                           memory, within --max (default: allow)\n"
		"      --wss-interval SECONDS\n"
		"                           ask the guest for its working set this often;\n"
		"                           0: never (default: %g)\n"
		"      --wss-history N      working-set samples kept (default: %u, at most %u)\n"
		"      --policy auto|off    size ZONE_HOST from the working set (default: off)\n"
		"      --headroom SIZE      auto: bytes added to the working set (default: %lluM)\n"
		"      --headroom-percent P auto: and P%% of the working set (default: 0)\n"
		"      --min SIZE           auto: never request less, a multiple of 2M\n"
		"                           (default: 0)\n"
		"      --hysteresis SIZE    auto: shrink only when the target is this much\n"
		"                           (plus twice the estimate's error) below the\n"
		"                           requested size (default: %lluM)\n"
		"      --shrink-after N     auto: ... for N windows in a row (default: %u)\n"
		"      --shrink-step SIZE   auto: the most one shrink takes (default: %lluM)\n"
		"      --ask-holdoff SECONDS\n"
		"                           auto: no shrink this long after the guest asked\n"
		"                           for memory (default: %u)\n"
		"      --check-interval SECONDS\n"
		"                           look for host memory behind unplugged subblocks\n"
		"                           this often and free it; 0: only on demand\n"
		"                           (default: %g)\n"
		"      --on-violation punch|stop\n"
		"                           when the guest used memory it never plugged:\n"
		"                           free it, or free it and pause the VM through\n"
		"                           QEMU's QMP socket (default: punch)\n"
		"      --qmp PATH           QEMU's QMP socket, for --on-violation stop\n"
		"                           (default: DIR/NAME/qmp.sock, zhost-run's)\n"
		"      --on-disconnect exit|wait\n"
		"                           when QEMU goes away: exit, or wait for the\n"
		"                           next QEMU (default: wait)\n"
		"  -d, --daemon             detach once the sockets listen\n"
		"  -p, --pid-file PATH      (default with --daemon: DIR/NAME/zhostd.pid)\n"
		"      --log-file PATH      log here (default: stderr, syslog with --daemon)\n"
		"      --log-level LEVEL    error, warn, info or debug (default: info)\n"
		"  -V, --version\n"
		"  -h, --help\n"
		"\n"
		"QEMU joins with:\n"
		"  -chardev socket,path=DIR/NAME/ivshmem.sock,id=zh\n"
		"  -device ivshmem-doorbell,chardev=zh,vectors=%d\n",
		ZHOSTD_NAME_DEFAULT, ZH_RUNTIME_DIR_ROOT,
		VMRPC_HOST_BAR_SIZE_DEFAULT >> 20, VMRPC_NR_SLOTS_DEFAULT,
		VMRPC_SLOT_SIZE_DEFAULT >> 10, VMRPC_HOST_WORKERS_DEFAULT,
		ZHOSTD_CALL_TIMEOUT_MS_DEFAULT,
		ZHOSTD_WSS_INTERVAL_MS_DEFAULT / 1000.0, ZHOSTD_WSS_HISTORY_DEFAULT,
		ZHOSTD_WSS_HISTORY_MAX, ZHOSTD_POLICY_HEADROOM_DEFAULT >> 20,
		ZHOSTD_POLICY_HYSTERESIS_DEFAULT >> 20,
		ZHOSTD_POLICY_SHRINK_AFTER_DEFAULT,
		ZHOSTD_POLICY_SHRINK_STEP_DEFAULT >> 20,
		ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT,
		ZHOSTD_CHECK_INTERVAL_MS_DEFAULT / 1000.0, VMRPC_NR_VECTORS);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("zhostd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

static unsigned int parse_uint(const char *opt, const char *s,
			       unsigned int min, unsigned int max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || *s == '-')
		die_usage("%s: '%s' is not a number from %u to %u", opt, s,
			  min, max);
	return (unsigned int)v;
}

/* Seconds with up to three decimals, as milliseconds: "5", "0.25". */
static unsigned int parse_ms(const char *opt, const char *s, unsigned int max_s)
{
	double v;
	char *end;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		die_usage("%s: '%s' is not a number of seconds", opt, s);
	v = strtod(s, &end);
	if (*end || v > max_s || (v > 0 && v < 0.01))
		die_usage("%s: '%s' is not 0 or from 0.01 to %u seconds", opt,
			  s, max_s);
	return (unsigned int)(v * 1000 + 0.5);
}

static uint64_t parse_size(const char *opt, const char *s)
{
	uint64_t v;

	if (size_parse(s, &v))
		die_usage("%s: '%s' is not a size", opt, s);
	return v;
}

static char *path_in_vm_dir(const struct options *o, const char *file)
{
	char *p;

	if (asprintf(&p, "%s/%s/%s", o->runtime_dir, o->name, file) < 0) {
		fputs("zhostd: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_RUNTIME = 256, OPT_SOCKET, OPT_CONTROL, OPT_BAR, OPT_SLOTS,
	       OPT_SLOT_SIZE, OPT_WORKERS, OPT_TIMEOUT, OPT_DISCONNECT,
	       OPT_LOG_FILE, OPT_LOG_LEVEL, OPT_INITIAL, OPT_MAX, OPT_GUEST_ASK,
	       OPT_WSS_INTERVAL, OPT_WSS_HISTORY, OPT_POLICY, OPT_HEADROOM,
	       OPT_HEADROOM_PCT, OPT_MIN, OPT_HYSTERESIS, OPT_SHRINK_AFTER,
	       OPT_SHRINK_STEP, OPT_ASK_HOLDOFF, OPT_CHECK_INTERVAL,
	       OPT_ON_VIOLATION, OPT_QMP };
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "runtime-dir", required_argument, NULL, OPT_RUNTIME },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "control", required_argument, NULL, OPT_CONTROL },
		{ "bar-size", required_argument, NULL, OPT_BAR },
		{ "slots", required_argument, NULL, OPT_SLOTS },
		{ "slot-size", required_argument, NULL, OPT_SLOT_SIZE },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "call-timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "on-disconnect", required_argument, NULL, OPT_DISCONNECT },
		{ "initial", required_argument, NULL, OPT_INITIAL },
		{ "max", required_argument, NULL, OPT_MAX },
		{ "guest-ask", required_argument, NULL, OPT_GUEST_ASK },
		{ "wss-interval", required_argument, NULL, OPT_WSS_INTERVAL },
		{ "wss-history", required_argument, NULL, OPT_WSS_HISTORY },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "headroom", required_argument, NULL, OPT_HEADROOM },
		{ "headroom-percent", required_argument, NULL, OPT_HEADROOM_PCT },
		{ "min", required_argument, NULL, OPT_MIN },
		{ "hysteresis", required_argument, NULL, OPT_HYSTERESIS },
		{ "shrink-after", required_argument, NULL, OPT_SHRINK_AFTER },
		{ "shrink-step", required_argument, NULL, OPT_SHRINK_STEP },
		{ "ask-holdoff", required_argument, NULL, OPT_ASK_HOLDOFF },
		{ "check-interval", required_argument, NULL, OPT_CHECK_INTERVAL },
		{ "on-violation", required_argument, NULL, OPT_ON_VIOLATION },
		{ "qmp", required_argument, NULL, OPT_QMP },
		{ "daemon", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "log-file", required_argument, NULL, OPT_LOG_FILE },
		{ "log-level", required_argument, NULL, OPT_LOG_LEVEL },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	uint64_t size;
	int c;

	*o = (struct options){
		.name = ZHOSTD_NAME_DEFAULT,
		/* The same rule as zhost-run and balloon-ctl: all find each other. */
		.runtime_dir = zh_runtime_dir(),
		.log_level = ZLOG_INFO,
		.call_timeout_ms = ZHOSTD_CALL_TIMEOUT_MS_DEFAULT,
		.max = UINT64_MAX,
		.allow_ask = true,
		.wss = {
			.interval_ms = ZHOSTD_WSS_INTERVAL_MS_DEFAULT,
			.history = ZHOSTD_WSS_HISTORY_DEFAULT,
		},
		.ask_holdoff_s = ZHOSTD_POLICY_ASK_HOLDOFF_S_DEFAULT,
		.guard = {
			.interval_ms = ZHOSTD_CHECK_INTERVAL_MS_DEFAULT,
			.action = ZHOSTD_ON_VIOLATION_PUNCH,
		},
		.cfg = {
			.bar_size = VMRPC_HOST_BAR_SIZE_DEFAULT,
			.nr_slots = VMRPC_NR_SLOTS_DEFAULT,
			.slot_size = VMRPC_SLOT_SIZE_DEFAULT,
			.workers = VMRPC_HOST_WORKERS_DEFAULT,
		},
	};
	/* Subblock and max are known once the shared memory exists. */
	zhostd_policy_defaults(&o->wss.params, 0, 0);

	while ((c = getopt_long(argc, argv, "n:dp:Vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o->name = optarg;
			break;
		case OPT_RUNTIME:
			o->runtime_dir = optarg;
			break;
		case OPT_SOCKET:
			o->socket_path = strdup(optarg);
			break;
		case OPT_CONTROL:
			o->control_path = strdup(optarg);
			break;
		case OPT_BAR:
			if (size_parse(optarg, &size) || size < (256ULL << 20) ||
			    size > (1ULL << 40) || (size & (size - 1)))
				die_usage("--bar-size: '%s' is not a power of two from 256M to 1T",
					  optarg);
			o->cfg.bar_size = size;
			break;
		case OPT_SLOTS:
			o->cfg.nr_slots = parse_uint("--slots", optarg, 1,
						     VMRPC_NR_SLOTS_MAX);
			break;
		case OPT_SLOT_SIZE:
			if (size_parse(optarg, &size) ||
			    size < VMRPC_SLOT_SIZE_MIN || size > VMRPC_SLOT_SIZE_MAX ||
			    (size & (size - 1)))
				die_usage("--slot-size: '%s' is not a power of two from 4K to 1M",
					  optarg);
			o->cfg.slot_size = (uint32_t)size;
			break;
		case OPT_WORKERS:
			o->cfg.workers = parse_uint("--workers", optarg, 1, 256);
			break;
		case OPT_TIMEOUT:
			o->call_timeout_ms = parse_uint("--call-timeout", optarg,
							1, 3600 * 1000);
			break;
		case OPT_DISCONNECT:
			if (!strcmp(optarg, "exit"))
				o->on_disconnect = ON_DISCONNECT_EXIT;
			else if (!strcmp(optarg, "wait"))
				o->on_disconnect = ON_DISCONNECT_WAIT;
			else
				die_usage("--on-disconnect: '%s' is neither exit nor wait",
					  optarg);
			break;
		case OPT_INITIAL:
			if (size_parse(optarg, &o->initial))
				die_usage("--initial: '%s' is not a size", optarg);
			break;
		case OPT_MAX:
			if (size_parse(optarg, &o->max))
				die_usage("--max: '%s' is not a size", optarg);
			break;
		case OPT_GUEST_ASK:
			if (!strcmp(optarg, "allow"))
				o->allow_ask = true;
			else if (!strcmp(optarg, "deny"))
				o->allow_ask = false;
			else
				die_usage("--guest-ask: '%s' is neither allow nor deny",
					  optarg);
			break;
		case OPT_WSS_INTERVAL:
			o->wss.interval_ms = parse_ms("--wss-interval", optarg, 86400);
			break;
		case OPT_WSS_HISTORY:
			o->wss.history = parse_uint("--wss-history", optarg, 1,
						    ZHOSTD_WSS_HISTORY_MAX);
			break;
		case OPT_POLICY:
			if (!strcmp(optarg, "auto"))
				o->wss.policy = true;
			else if (!strcmp(optarg, "off"))
				o->wss.policy = false;
			else
				die_usage("--policy: '%s' is neither auto nor off",
					  optarg);
			break;
		case OPT_HEADROOM:
			o->wss.params.headroom = parse_size("--headroom", optarg);
			break;
		case OPT_HEADROOM_PCT:
			o->wss.params.headroom_percent =
				parse_uint("--headroom-percent", optarg, 0, 1000);
			break;
		case OPT_MIN:
			o->wss.params.min = parse_size("--min", optarg);
			break;
		case OPT_HYSTERESIS:
			o->wss.params.hysteresis = parse_size("--hysteresis", optarg);
			break;
		case OPT_SHRINK_AFTER:
			o->wss.params.shrink_after =
				parse_uint("--shrink-after", optarg, 1, 100000);
			break;
		case OPT_SHRINK_STEP:
			o->wss.params.shrink_step = parse_size("--shrink-step", optarg);
			break;
		case OPT_ASK_HOLDOFF:
			o->ask_holdoff_s = parse_uint("--ask-holdoff", optarg, 0,
						      86400);
			break;
		case OPT_CHECK_INTERVAL:
			o->guard.interval_ms = parse_ms("--check-interval", optarg,
							86400);
			break;
		case OPT_ON_VIOLATION:
			if (zhostd_on_violation_parse(optarg, &o->guard.action))
				die_usage("--on-violation: '%s' is neither punch nor stop",
					  optarg);
			break;
		case OPT_QMP:
			free(o->qmp_path);
			o->qmp_path = strdup(optarg);
			break;
		case 'd':
			o->daemon = true;
			break;
		case 'p':
			o->pid_file = strdup(optarg);
			break;
		case OPT_LOG_FILE:
			o->log_file = optarg;
			break;
		case OPT_LOG_LEVEL:
			if (zlog_parse_level(optarg, &o->log_level))
				die_usage("--log-level: '%s' is not error, warn, info or debug",
					  optarg);
			break;
		case 'V':
			printf("zhostd %s (VMRPC ABI %u.%u)\n", ZHOSTD_VERSION,
			       VMRPC_ABI_MAJOR, VMRPC_ABI_MINOR);
			exit(0);
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (o->wss.policy && !o->wss.interval_ms)
		die_usage("--policy auto needs working-set samples: --wss-interval must not be 0");
	o->wss.params.ask_holdoff_ns = (int64_t)o->ask_holdoff_s * 1000000000;
	if (!*o->name || strchr(o->name, '/') || !strcmp(o->name, ".") ||
	    !strcmp(o->name, ".."))
		die_usage("bad VM name '%s'", o->name);
	if (!o->socket_path)
		o->socket_path = path_in_vm_dir(o, "ivshmem.sock");
	if (!o->control_path)
		o->control_path = path_in_vm_dir(o, "zhostd.sock");
	/* Where zhost-run tells QEMU to put it: -qmp unix:DIR/NAME/qmp.sock. */
	if (!o->qmp_path)
		o->qmp_path = path_in_vm_dir(o, "qmp.sock");
	o->guard.qmp_path = o->qmp_path;
	if (!o->pid_file && o->daemon) {
		o->pid_file = path_in_vm_dir(o, ZHOSTD_PID_FILE);
		o->pid_in_vm_dir = true;
	}
	o->cfg.socket_path = o->socket_path;
}

struct event_ctx {
	struct zhostd *zd;
	enum on_disconnect on_disconnect;
};

/* VMRPC events: events.c, then quit when QEMU left and we should. */
static void on_vmrpc_event(void *opaque, enum vmrpc_host_event ev,
			   const char *detail)
{
	struct event_ctx *ctx = opaque;

	zhostd_vmrpc_event(ctx->zd, ev, detail);
	if (ev == VMRPC_HOST_EV_QEMU_DISCONNECTED &&
	    ctx->on_disconnect == ON_DISCONNECT_EXIT) {
		uint64_t one = 1;

		if (write(quit_fd, &one, sizeof(one)) < 0)
			zlog_err("cannot wake the main loop: %s", strerror(errno));
	}
}

/*
 * The working-set poller, with the policy's sizes checked against the
 * subblock size and the maximum, known only now.
 */
static int setup_wss(struct zhostd *zd, struct options *o)
{
	struct zhostd_policy_params *p = &o->wss.params;
	const uint64_t sb = zd->mem.area.subblock_size;
	int ret;

	p->subblock = sb;
	p->max = zd->mem.info.max;
	if (p->min % sb || p->min > p->max) {
		zlog_err("--min must be a multiple of %llu MiB and at most the maximum (%llu MiB)",
			 (unsigned long long)(sb >> 20),
			 (unsigned long long)(p->max >> 20));
		return -EINVAL;
	}
	if (p->shrink_step < sb) {
		zlog_err("--shrink-step must be at least the %llu MiB subblock",
			 (unsigned long long)(sb >> 20));
		return -EINVAL;
	}
	ret = zhostd_wss_create(zd, &o->wss, &zd->wss);
	if (ret) {
		zlog_err("working-set poller: %s", strerror(-ret));
		return ret;
	}
	if (o->wss.policy)
		zlog_info("policy auto: headroom %llu MiB + %u%%, between %llu and %llu MiB, shrink after %u windows by at most %llu MiB",
			  (unsigned long long)(p->headroom >> 20),
			  p->headroom_percent,
			  (unsigned long long)(p->min >> 20),
			  (unsigned long long)(p->max >> 20), p->shrink_after,
			  (unsigned long long)(p->shrink_step >> 20));
	return 0;
}

/* strerror(), but saying what a refused symbolic link (O_NOFOLLOW) means. */
static const char *open_strerror(int err)
{
	return err == ELOOP ?
	       "it is a symbolic link, which zhostd does not follow; remove it" :
	       strerror(err);
}

/* The pid file as a directory descriptor and a name relative to it. */
static const char *pid_file_at(const struct options *o, int vm_dir, int *at)
{
	*at = o->pid_in_vm_dir ? vm_dir : AT_FDCWD;
	return o->pid_in_vm_dir ? ZHOSTD_PID_FILE : o->pid_file;
}

/*
 * O_NOFOLLOW: a link planted there must not make us truncate the file it
 * points to.
 */
static int write_pid_file(int at, const char *path)
{
	char buf[32];
	int fd, len;

	fd = openat(at, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		    O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	len = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());
	if (write(fd, buf, (size_t)len) != len) {
		close(fd);
		return -EIO;
	}
	return close(fd) ? -errno : 0;
}

/*
 * Fork into the background. The parent waits until the child reports on
 * @ready_fd that its sockets listen (or that it failed), so whoever starts
 * zhostd --daemon can start QEMU right after it returns.
 */
static int daemonize(int *ready_fd)
{
	int pipefd[2];
	pid_t pid;
	char status = 1;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &status, 1) != 1)
			status = 1;
		_exit(status);
	}
	close(pipefd[0]);
	if (setsid() < 0)
		return -errno;
	*ready_fd = pipefd[1];
	return 0;
}

static void report_ready(int *ready_fd, char status)
{
	if (*ready_fd < 0)
		return;
	if (write(*ready_fd, &status, 1) != 1)
		zlog_warn("cannot report readiness to the parent");
	close(*ready_fd);
	*ready_fd = -1;
	if (status == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
			close(null);
		}
	}
}

/* Wait for a signal, a control client or a quit request. */
static int main_loop(struct zhostd *zd, int sigfd)
{
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = sigfd, .events = POLLIN },
			{ .fd = quit_fd, .events = POLLIN },
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
				zhostd_control_event(zd->ctl, "SHUTDOWN",
						     json_pack("{s:s}", "reason", "signal"));
				return 0;
			}
		}
		if (pfd[1].revents & POLLIN) {
			zlog_info("QEMU went away and --on-disconnect is exit: shutting down");
			zhostd_control_event(zd->ctl, "SHUTDOWN",
					     json_pack("{s:s}", "reason", "disconnect"));
			return 0;
		}
		if (pfd[2].revents & POLLIN)
			zhostd_control_accept(zd->ctl);
	}
}

/*
 * The VM's directory, created if needed and checked (runtime-dir.h): it
 * and the runtime directory are ours alone, so nobody else can replace
 * the sockets and files in it. Before the log: it may live there.
 */
static int open_vm_dir(const struct options *o)
{
	char err[ZH_DIR_ERR_MAX];
	int fd;

	fd = zh_vm_dir_open(o->runtime_dir, o->name, true, err, sizeof(err));
	if (fd < 0)
		fprintf(stderr, "zhostd: %s\n", err);
	return fd;
}

int main(int argc, char **argv)
{
	struct zhostd zd = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct event_ctx ectx = { .zd = &zd };
	int ready_fd = -1, sigfd, ret, status = 1, vm_dir, pid_at;
	struct vmrpc_host_data_area area;
	uint64_t spare, spare_size;
	const char *pid_name;
	char err[160];
	struct options o;
	sigset_t mask;

	parse_options(argc, argv, &o);
	vm_dir = open_vm_dir(&o);
	if (vm_dir < 0)
		return 1;
	ret = zlog_open(o.log_level, o.log_file, o.daemon && !o.log_file);
	if (ret) {
		fprintf(stderr, "zhostd: cannot open log file %s: %s\n",
			o.log_file, open_strerror(-ret));
		return 1;
	}
	pid_name = pid_file_at(&o, vm_dir, &pid_at);

	if (o.daemon) {
		ret = daemonize(&ready_fd);
		if (ret) {
			zlog_err("cannot daemonize: %s", strerror(-ret));
			return 1;
		}
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	/* Blocked before any thread starts, so all threads inherit it. */
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
	quit_fd = eventfd(0, EFD_CLOEXEC);
	if (sigfd < 0 || quit_fd < 0) {
		zlog_err("signalfd/eventfd: %s", strerror(errno));
		goto out_ready;
	}

	zd.name = o.name;
	zd.call_timeout_ms = o.call_timeout_ms;
	ectx.on_disconnect = o.on_disconnect;
	o.cfg.on_event = on_vmrpc_event;
	o.cfg.opaque = &ectx;
	zd.cfg = o.cfg;

	ret = zhostd_control_open(&zd, o.control_path, &zd.ctl);
	if (ret) {
		zlog_err("control socket %s: %s%s", o.control_path, strerror(-ret),
			 ret == -EADDRINUSE ? " (another zhostd serves this VM)" : "");
		goto out_ready;
	}
	ret = vmrpc_host_create(&o.cfg, &zd.vh);
	if (ret) {
		zlog_err("cannot set up %llu MiB of shared memory: %s",
			 (unsigned long long)(o.cfg.bar_size >> 20), strerror(-ret));
		goto out_control;
	}
	vmrpc_host_data_area(zd.vh, &area);
	ret = zhostd_memory_init(&zd.mem, vmrpc_host_memfd(zd.vh), &area,
				 o.initial,
				 o.max == UINT64_MAX ? area.size : o.max,
				 err, sizeof(err));
	if (ret) {
		zlog_err("memory: %s", ret == -ENOMEM ? "out of memory" : err);
		goto out_host;
	}
	zd.mem.on_event = zhostd_memory_event;
	zd.mem.allow_ask = o.allow_ask;
	zd.mem.opaque = &zd;
	/* The guard frees what a guest puts past the call slots too. */
	vmrpc_host_spare_area(zd.vh, &spare, &spare_size);
	zhostd_memory_set_spare(&zd.mem, spare, spare_size);
	ret = vmrpc_host_register(zd.vh, VMRPC_MOD_MEM, zhostd_memory_serve,
				  &zd.mem);
	if (ret) {
		zlog_err("cannot serve the memory calls: %s", strerror(-ret));
		goto out_host;
	}
	if (setup_wss(&zd, &o))
		goto out_host;
	ret = zhostd_guard_create(&zd, &o.guard, &zd.guard);
	if (ret) {
		zlog_err("memory guard: %s", strerror(-ret));
		goto out_host;
	}
	ret = vmrpc_host_start(zd.vh);
	if (ret) {
		zlog_err("ivshmem socket %s: %s%s", o.socket_path, strerror(-ret),
			 ret == -EADDRINUSE ? " (another server listens there)" : "");
		goto out_host;
	}
	ret = zhostd_wss_start(zd.wss);
	if (ret) {
		zlog_err("cannot start the working-set poller: %s", strerror(-ret));
		goto out_stop;
	}
	ret = zhostd_guard_start(zd.guard);
	if (ret) {
		zlog_err("cannot start the memory guard: %s", strerror(-ret));
		goto out_stop;
	}
	if (o.pid_file) {
		ret = write_pid_file(pid_at, pid_name);
		if (ret) {
			zlog_err("pid file %s: %s", o.pid_file,
				 open_strerror(-ret));
			goto out_stop;
		}
	}
	zlog_info("serving VM '%s': %llu MiB shared memory (%llu MiB for ZONE_HOST, %llu MiB at boot), ivshmem %s, control %s",
		  o.name, (unsigned long long)(o.cfg.bar_size >> 20),
		  (unsigned long long)(zd.mem.info.max >> 20),
		  (unsigned long long)(o.initial >> 20),
		  o.socket_path, o.control_path);
	if (o.guard.interval_ms)
		zlog_info("memory guard: looks for host memory behind unplugged subblocks every %g s; on violation: %s",
			  o.guard.interval_ms / 1000.0,
			  zhostd_on_violation_name(o.guard.action));
	else
		zlog_info("memory guard: checks on demand only (enforce-memory); on violation: %s",
			  zhostd_on_violation_name(o.guard.action));
	report_ready(&ready_fd, 0);

	status = main_loop(&zd, sigfd);

	if (o.pid_file)
		unlinkat(pid_at, pid_name, 0);
out_stop:
	zhostd_guard_stop(zd.guard);
	zhostd_wss_stop(zd.wss);
	vmrpc_host_stop(zd.vh);
out_host:
	/*
	 * Clients first: a command still running uses the host, the memory,
	 * the poller and the guard, which may go only once no client is
	 * left. Events from here on have nobody to go to.
	 */
	zhostd_control_close(zd.ctl);
	zd.ctl = NULL;
	vmrpc_host_destroy(zd.vh);
	zhostd_memory_destroy(&zd.mem);
out_control:
	zhostd_control_close(zd.ctl);
	zhostd_wss_destroy(zd.wss);
	zhostd_guard_destroy(zd.guard);
out_ready:
	report_ready(&ready_fd, 1);
	zlog_info("exiting");
	zlog_close();
	free(o.socket_path);
	free(o.control_path);
	free(o.qmp_path);
	free(o.pid_file);
	close(vm_dir);
	return status;
}
