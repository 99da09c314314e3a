// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's command line; see options.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "options.h"
#include "runtime-dir.h"
#include "size.h"
#include "socket-owner.h"
#include "vm-paths.h"
#include "zhostd.h"

enum {
	OPT_RUNTIME = 256, OPT_SOCKET, OPT_CONTROL, OPT_BAR, OPT_SLOTS,
	OPT_SLOT_SIZE, OPT_WORKERS, OPT_TIMEOUT, OPT_DISCONNECT, OPT_LOG_FILE,
	OPT_LOG_LEVEL, OPT_INITIAL, OPT_MAX, OPT_GUEST_ASK, OPT_WSS_INTERVAL,
	OPT_WSS_HISTORY, OPT_POLICY, OPT_HEADROOM, OPT_HEADROOM_PCT, OPT_MIN,
	OPT_HYSTERESIS, OPT_SHRINK_AFTER, OPT_SHRINK_STEP, OPT_ASK_HOLDOFF,
	OPT_CHECK_INTERVAL, OPT_ON_VIOLATION, OPT_QMP, OPT_MAX_CLIENTS,
	OPT_SOCKET_OWNER, OPT_MAX_PINNED, OPT_LOCK_ALL, OPT_BACKING,
	OPT_HOST_PAGING, OPT_PAGING_FLOOR, OPT_RECOVER, OPT_EXPORT,
};

static const struct option longopts[] = {
	{ "name", required_argument, NULL, 'n' },
	{ "runtime-dir", required_argument, NULL, OPT_RUNTIME },
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "socket-owner", required_argument, NULL, OPT_SOCKET_OWNER },
	{ "control", required_argument, NULL, OPT_CONTROL },
	{ "bar-size", required_argument, NULL, OPT_BAR },
	{ "backing", required_argument, NULL, OPT_BACKING },
	{ "slots", required_argument, NULL, OPT_SLOTS },
	{ "slot-size", required_argument, NULL, OPT_SLOT_SIZE },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "call-timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "on-disconnect", required_argument, NULL, OPT_DISCONNECT },
	{ "max-clients", required_argument, NULL, OPT_MAX_CLIENTS },
	{ "initial", required_argument, NULL, OPT_INITIAL },
	{ "max", required_argument, NULL, OPT_MAX },
	{ "guest-ask", required_argument, NULL, OPT_GUEST_ASK },
	{ "max-pinned", required_argument, NULL, OPT_MAX_PINNED },
	{ "lock-all", no_argument, NULL, OPT_LOCK_ALL },
	{ "host-paging", no_argument, NULL, OPT_HOST_PAGING },
	{ "paging-swap-floor", required_argument, NULL, OPT_PAGING_FLOOR },
	{ "recover", optional_argument, NULL, OPT_RECOVER },
	{ "export", required_argument, NULL, OPT_EXPORT },
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

/* The leading ':' makes a missing argument ':' rather than '?'. */
#define SHORTOPTS	":n:dp:Vh"

/* Where a parse writes why it failed. */
struct opt_msg {
	char *buf;
	size_t len;
};

static int __attribute__((format(printf, 2, 3)))
refuse(const struct opt_msg *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->buf, m->len, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_uint(const struct opt_msg *m, const char *opt, const char *s,
		      unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max || *s == '-')
		return refuse(m, "%s: '%s' is not a number from %u to %u", opt,
			      s, min, max);
	*out = (unsigned int)v;
	return 0;
}

/* Seconds with up to three decimals, as milliseconds: "5", "0.25". */
static int parse_ms(const struct opt_msg *m, const char *opt, const char *s,
		    unsigned int max_s, unsigned int *out)
{
	double v;
	char *end;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return refuse(m, "%s: '%s' is not a number of seconds", opt, s);
	v = strtod(s, &end);
	if (*end || v > max_s || (v > 0 && v < 0.01))
		return refuse(m, "%s: '%s' is not 0 or from 0.01 to %u seconds",
			      opt, s, max_s);
	*out = (unsigned int)(v * 1000 + 0.5);
	return 0;
}

static int parse_size_opt(const struct opt_msg *m, const char *opt,
			  const char *s, uint64_t *out)
{
	if (size_parse(s, out))
		return refuse(m, "%s: '%s' is not a size", opt, s);
	return 0;
}

/* A size that must be a power of two in [min, max]. */
static int parse_pow2(const struct opt_msg *m, const char *opt, const char *s,
		      uint64_t min, uint64_t max, const char *range,
		      uint64_t *out)
{
	uint64_t v;

	if (size_parse(s, &v) || v < min || v > max || (v & (v - 1)))
		return refuse(m, "%s: '%s' is not a power of two from %s", opt,
			      s, range);
	*out = v;
	return 0;
}

/* One of two words: @yes sets *@out true, @no false. */
static int parse_choice(const struct opt_msg *m, const char *opt,
			const char *s, const char *yes, const char *no,
			bool *out)
{
	if (!strcmp(s, yes))
		*out = true;
	else if (!strcmp(s, no))
		*out = false;
	else
		return refuse(m, "%s: '%s' is neither %s nor %s", opt, s, yes,
			      no);
	return 0;
}

/* A path option given again replaces the first. */
static int set_path(char **path, const char *s)
{
	free(*path);
	*path = strdup(s);
	return *path ? 0 : -1;
}

/*
 * @path, unless given, as @file (ZH_VM_*) in RUNTIME/NAME/: 0, -1 with
 * the message set, or -ENOMEM. The name is valid by now. Sockets are not
 * held to sun_path here: binding says so, for given paths alike.
 */
static int default_path(char **path, const struct zhostd_options *o,
			const char *file, const struct opt_msg *m)
{
	char buf[PATH_MAX];

	if (*path)
		return 0;
	if (zh_vm_path(buf, sizeof(buf), o->runtime_dir, o->name, file))
		return refuse(m, "the path of %s in '%s/%s' is too long", file,
			      o->runtime_dir, o->name);
	return set_path(path, buf) ? -ENOMEM : 0;
}

/* A prefix of several long options: say which, as getopt_long() does. */
static bool ambiguous(const struct opt_msg *m, const char *name, size_t n)
{
	size_t used, matches = 0;

	for (const struct option *lo = longopts; lo->name; lo++)
		matches += !strncmp(lo->name, name, n);
	if (matches < 2)
		return false;
	used = (size_t)snprintf(m->buf, m->len,
				"option '--%.*s' is ambiguous; possibilities:",
				(int)n, name);
	for (const struct option *lo = longopts; lo->name; lo++)
		if (!strncmp(lo->name, name, n) && used < m->len)
			used += (size_t)snprintf(m->buf + used, m->len - used,
						 " '--%s'", lo->name);
	return true;
}

/*
 * What getopt_long() would have printed, had opterr been set: @c is its
 * return value, @arg the argument it stopped at.
 */
static void getopt_message(const struct opt_msg *m, int c, const char *arg)
{
	bool is_long = arg && !strncmp(arg, "--", 2);
	size_t n = is_long ? strcspn(arg, "=") : 0;

	if (c == ':' && is_long)
		refuse(m, "option '%.*s' requires an argument", (int)n, arg);
	else if (c == ':')
		refuse(m, "option requires an argument -- '%c'", optopt);
	else if (is_long && optopt)
		refuse(m, "option '%.*s' doesn't allow an argument", (int)n, arg);
	else if (is_long && ambiguous(m, arg + 2, n - 2))
		return;
	else if (is_long)
		refuse(m, "unrecognized option '%s'", arg);
	else
		refuse(m, "invalid option -- '%c'", optopt);
}

static void options_defaults(struct zhostd_options *o)
{
	*o = (struct zhostd_options){
		.name = ZHOSTD_NAME_DEFAULT,
		/* The same rule as zhost-run and balloon-ctl: all find each other. */
		.runtime_dir = zh_runtime_dir(),
		.log_level = ZLOG_INFO,
		.call_timeout_ms = ZHOSTD_CALL_TIMEOUT_MS_DEFAULT,
		.max_clients = ZHOSTD_CONTROL_MAX_CLIENTS_DEFAULT,
		.max = UINT64_MAX,
		.allow_ask = true,
		.max_pinned = ZHOSTD_PIN_NO_CEILING,
		.paging_swap_floor = ZHOSTD_PAGING_FLOOR_DEFAULT,
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
}

/* --export TAG=DIR[,ro]: the directory is opened when zhostd starts. */
static int parse_export(struct zhostd_options *o, const char *arg,
			const struct opt_msg *m)
{
	struct zh_hostfs_spec sp;
	char why[ZHOSTD_OPTIONS_MSG_MAX - 16];
	int ret;

	ret = zh_hostfs_spec_parse(arg, &sp, why, sizeof(why));
	if (ret)
		return ret == -ENOMEM ? ret : refuse(m, "--export: %s", why);
	if (o->nr_exports == ZH_HOSTFS_MAX_EXPORTS)
		ret = refuse(m, "--export: no more than %d exports",
			     ZH_HOSTFS_MAX_EXPORTS);
	for (unsigned int i = 0; !ret && i < o->nr_exports; i++)
		if (!strcmp(o->exports[i].tag, sp.tag))
			ret = refuse(m, "--export: the tag %s is given twice",
				     sp.tag);
	if (ret) {
		free(sp.dir);
		return ret;
	}
	o->exports[o->nr_exports++] = sp;
	return 0;
}

/* One option: 0, -1 with the message set, or -ENOMEM. */
static int parse_one(struct zhostd_options *o, int c, const char *arg,
		     const struct opt_msg *m)
{
	struct zhostd_policy_params *p = &o->wss.params;
	unsigned int u = 0;
	uint64_t size = 0;
	bool yes = false;

	switch (c) {
	case 'n':
		o->name = arg;
		return 0;
	case OPT_RUNTIME:
		o->runtime_dir = arg;
		return 0;
	case OPT_SOCKET:
		return set_path(&o->socket_path, arg) ? -ENOMEM : 0;
	case OPT_SOCKET_OWNER:
		if (zhostd_socket_owner_parse(arg, &o->cfg.sock_uid,
					      &o->cfg.sock_gid, m->buf, m->len))
			return -1;
		o->cfg.sock_chown = true;
		return 0;
	case OPT_CONTROL:
		return set_path(&o->control_path, arg) ? -ENOMEM : 0;
	case OPT_QMP:
		return set_path(&o->qmp_path, arg) ? -ENOMEM : 0;
	case 'p':
		return set_path(&o->pid_file, arg) ? -ENOMEM : 0;
	case OPT_BAR:
		return parse_pow2(m, "--bar-size", arg, ZHOSTD_BAR_SIZE_MIN,
				  ZHOSTD_BAR_SIZE_MAX, "256M to 1T",
				  &o->cfg.bar_size);
	case OPT_BACKING:
		if (vmrpc_backing_parse(arg, &o->cfg.backing))
			return refuse(m, "--backing: '%s' is none of shm, thp, hugetlb, hugetlb=PATH",
				      arg);
		return 0;
	case OPT_SLOTS:
		return parse_uint(m, "--slots", arg, 1, VMRPC_NR_SLOTS_MAX,
				  &o->cfg.nr_slots);
	case OPT_SLOT_SIZE:
		if (parse_pow2(m, "--slot-size", arg, VMRPC_SLOT_SIZE_MIN,
			       VMRPC_SLOT_SIZE_MAX, "4K to 1M", &size))
			return -1;
		o->cfg.slot_size = (uint32_t)size;
		return 0;
	case OPT_WORKERS:
		return parse_uint(m, "--workers", arg, 1, ZHOSTD_WORKERS_MAX,
				  &o->cfg.workers);
	case OPT_TIMEOUT:
		return parse_uint(m, "--call-timeout", arg, 1,
				  ZHOSTD_CALL_TIMEOUT_MS_MAX, &o->call_timeout_ms);
	case OPT_MAX_CLIENTS:
		return parse_uint(m, "--max-clients", arg, 1,
				  ZHOSTD_CONTROL_MAX_CLIENTS_MAX, &o->max_clients);
	case OPT_DISCONNECT:
		if (parse_choice(m, "--on-disconnect", arg, "exit", "wait", &yes))
			return -1;
		o->on_disconnect = yes ? ZHOSTD_ON_DISCONNECT_EXIT :
					 ZHOSTD_ON_DISCONNECT_WAIT;
		return 0;
	case OPT_RECOVER:
		/* --recover, or --recover=auto: recover only what is there. */
		if (arg && strcmp(arg, "auto"))
			return refuse(m, "--recover: '%s' is not 'auto' (or give no value)",
				      arg);
		o->recover = arg ? ZHOSTD_RECOVER_AUTO : ZHOSTD_RECOVER_YES;
		return 0;
	case OPT_INITIAL:
		return parse_size_opt(m, "--initial", arg, &o->initial);
	case OPT_MAX:
		return parse_size_opt(m, "--max", arg, &o->max);
	case OPT_GUEST_ASK:
		return parse_choice(m, "--guest-ask", arg, "allow", "deny",
				    &o->allow_ask);
	case OPT_MAX_PINNED:
		return parse_size_opt(m, "--max-pinned", arg, &o->max_pinned);
	case OPT_LOCK_ALL:
		o->lock_all = true;
		return 0;
	case OPT_HOST_PAGING:
		o->host_paging = true;
		return 0;
	case OPT_PAGING_FLOOR:
		return parse_size_opt(m, "--paging-swap-floor", arg,
				      &o->paging_swap_floor);
	case OPT_EXPORT:
		return parse_export(o, arg, m);
	case OPT_WSS_INTERVAL:
		return parse_ms(m, "--wss-interval", arg, ZHOSTD_INTERVAL_S_MAX,
				&o->wss.interval_ms);
	case OPT_WSS_HISTORY:
		if (parse_uint(m, "--wss-history", arg, 1,
			       ZHOSTD_WSS_HISTORY_MAX, &u))
			return -1;
		o->wss.history = u;
		return 0;
	case OPT_POLICY:
		return parse_choice(m, "--policy", arg, "auto", "off",
				    &o->wss.policy);
	case OPT_HEADROOM:
		return parse_size_opt(m, "--headroom", arg, &p->headroom);
	case OPT_HEADROOM_PCT:
		return parse_uint(m, "--headroom-percent", arg, 0,
				  ZHOSTD_HEADROOM_PERCENT_MAX,
				  &p->headroom_percent);
	case OPT_MIN:
		return parse_size_opt(m, "--min", arg, &p->min);
	case OPT_HYSTERESIS:
		return parse_size_opt(m, "--hysteresis", arg, &p->hysteresis);
	case OPT_SHRINK_AFTER:
		return parse_uint(m, "--shrink-after", arg, 1,
				  ZHOSTD_SHRINK_AFTER_MAX, &p->shrink_after);
	case OPT_SHRINK_STEP:
		return parse_size_opt(m, "--shrink-step", arg, &p->shrink_step);
	case OPT_ASK_HOLDOFF:
		return parse_uint(m, "--ask-holdoff", arg, 0,
				  ZHOSTD_INTERVAL_S_MAX, &o->ask_holdoff_s);
	case OPT_CHECK_INTERVAL:
		return parse_ms(m, "--check-interval", arg,
				ZHOSTD_INTERVAL_S_MAX, &o->guard.interval_ms);
	case OPT_ON_VIOLATION:
		if (zhostd_on_violation_parse(arg, &o->guard.action))
			return refuse(m, "--on-violation: '%s' is neither punch nor stop",
				      arg);
		return 0;
	case 'd':
		o->daemon = true;
		return 0;
	case OPT_LOG_FILE:
		o->log_file = arg;
		return 0;
	case OPT_LOG_LEVEL:
		if (zlog_parse_level(arg, &o->log_level))
			return refuse(m, "--log-level: '%s' is not error, warn, info or debug",
				      arg);
		return 0;
	}
	return refuse(m, "option %d is not handled", c);
}

/* What follows from the options together; the default paths. */
static int options_finish(struct zhostd_options *o, const struct opt_msg *m)
{
	int ret;

	if (o->wss.policy && !o->wss.interval_ms)
		return refuse(m, "--policy auto needs working-set samples: --wss-interval must not be 0");
	o->wss.params.ask_holdoff_ns = (int64_t)o->ask_holdoff_s * 1000000000;
	if (!zh_vm_name_valid(o->name))
		return refuse(m, "bad VM name '%s': %s", o->name, ZH_VM_NAME_RULE);
	if ((ret = default_path(&o->socket_path, o, ZH_VM_IVSHMEM_SOCK, m)) ||
	    (ret = default_path(&o->control_path, o, ZH_VM_CONTROL_SOCK, m)) ||
	    /* Where zhost-run tells QEMU to put it. */
	    (ret = default_path(&o->qmp_path, o, ZH_VM_QMP_SOCK, m)))
		return ret;
	if (!o->pid_file && o->daemon) {
		ret = default_path(&o->pid_file, o, ZH_VM_ZHOSTD_PID, m);
		if (ret)
			return ret;
		o->pid_in_vm_dir = true;
	}
	o->guard.qmp_path = o->qmp_path;
	o->cfg.socket_path = o->socket_path;
	return 0;
}

enum zhostd_options_result zhostd_options_parse(int argc, char **argv,
						struct zhostd_options *o,
						char *msg, size_t len)
{
	const struct opt_msg m = { .buf = msg, .len = len };
	enum zhostd_options_result res = ZHOSTD_OPTIONS_RUN;
	int saved_opterr = opterr, c, ret = 0;
	struct zhostd_options t;

	options_defaults(&t);
	/* 0, not 1: getopt_long() forgets any earlier parse entirely. */
	optind = 0;
	opterr = 0;
	while (!ret && (c = getopt_long(argc, argv, SHORTOPTS, longopts,
					NULL)) != -1) {
		if (c == 'h' || c == 'V') {
			res = c == 'h' ? ZHOSTD_OPTIONS_HELP : ZHOSTD_OPTIONS_VERSION;
			break;
		}
		if (c == '?' || c == ':') {
			getopt_message(&m, c, argv[optind - 1]);
			res = ZHOSTD_OPTIONS_UNKNOWN;
			break;
		}
		ret = parse_one(&t, c, optarg, &m);
	}
	opterr = saved_opterr;
	if (res == ZHOSTD_OPTIONS_RUN && !ret && optind < argc)
		ret = refuse(&m, "unexpected argument '%s'", argv[optind]);
	if (res == ZHOSTD_OPTIONS_RUN && !ret)
		ret = options_finish(&t, &m);
	if (ret == -ENOMEM) {
		refuse(&m, "out of memory");
		res = ZHOSTD_OPTIONS_NOMEM;
	} else if (ret) {
		res = ZHOSTD_OPTIONS_BAD;
	}
	if (res != ZHOSTD_OPTIONS_RUN) {
		zhostd_options_free(&t);
		return res;
	}
	*o = t;
	return res;
}

int zhostd_options_check_policy(const struct zhostd_policy_params *p,
				char *msg, size_t len)
{
	const struct opt_msg m = { .buf = msg, .len = len };
	const uint64_t sb = p->subblock;

	if (p->min % sb || p->min > p->max)
		return refuse(&m, "--min must be a multiple of %llu MiB and at most the maximum (%llu MiB)",
			      (unsigned long long)(sb >> 20),
			      (unsigned long long)(p->max >> 20));
	if (p->shrink_step < sb)
		return refuse(&m, "--shrink-step must be at least the %llu MiB subblock",
			      (unsigned long long)(sb >> 20));
	return 0;
}

void zhostd_options_free(struct zhostd_options *o)
{
	for (unsigned int i = 0; i < o->nr_exports; i++)
		free(o->exports[i].dir);
	free(o->socket_path);
	free(o->control_path);
	free(o->qmp_path);
	free(o->pid_file);
	o->socket_path = o->control_path = o->qmp_path = o->pid_file = NULL;
	o->guard.qmp_path = NULL;
	o->cfg.socket_path = NULL;
}
