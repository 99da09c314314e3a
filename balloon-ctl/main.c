// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl: the command-line client of zhostd, the host daemon that
 * lends a zonehost guest its memory.
 *
 * main() parses the global options, works out where zhostd's control
 * socket is, and hands the rest of the command line to a command. Commands
 * connect only after their arguments checked out, so a usage error never
 * reaches zhostd.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "balloon-ctl.h"
#include "runtime-dir.h"
#include "vm-paths.h"

/* Defaults, shown in --help; the same as zhost-run's. */
#define BCTL_DEF_NAME		"zonehost"
#define BCTL_DEF_TIMEOUT	10
#define BCTL_MAX_TIMEOUT	1000000	/* seconds; the deadline is int64_t ns */

/*
 * The top-level commands, sorted by name. Each is a struct bctl_cmd defined
 * next to its code that registers itself with BCTL_COMMAND() (a group like
 * "guest" lists its own subcommands there): the way zhostd's commands
 * register, so adding a command to either program is one file.
 */
static struct bctl_cmd *bctl_cmds;

void bctl_cmd_register(struct bctl_cmd *cmd)
{
	struct bctl_cmd **p = &bctl_cmds;

	while (*p && strcmp((*p)->name, cmd->name) < 0)
		p = &(*p)->next;
	cmd->next = *p;
	*p = cmd;
}

/* Command @i of @group, or of the top level when @group is NULL. */
static const struct bctl_cmd *cmd_at(const struct bctl_cmd *group, size_t i)
{
	const struct bctl_cmd *c = bctl_cmds;

	if (group)
		return group->subcmds[i];
	while (c && i--)
		c = c->next;
	return c;
}

/* "balloon-ctl: <message>" on stderr, without a newline. */
__attribute__((format(printf, 1, 0)))
static void vbctl_err(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", BCTL_PROG);
	vfprintf(stderr, fmt, ap);
}

void bctl_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbctl_err(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "guest ping [--size BYTES]"; groups nest one level only. */
static void cmd_synopsis(const struct bctl_cmd *cmd, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s%s",
		 cmd->parent ? cmd->parent->name : "", cmd->parent ? " " : "",
		 cmd->name, *cmd->args ? " " : "", cmd->args);
}

int bctl_usage_err(const struct bctl_cmd *cmd, const char *fmt, ...)
{
	char syn[128];
	va_list ap;

	va_start(ap, fmt);
	vbctl_err(fmt, ap);
	va_end(ap);
	cmd_synopsis(cmd, syn, sizeof(syn));
	fprintf(stderr, "\nUsage: %s [OPTIONS] %s\n", BCTL_PROG, syn);
	if (cmd->subcmds)
		fprintf(stderr, "Try '%s help %s'.\n", BCTL_PROG, cmd->name);
	return BCTL_EXIT_USAGE;
}

/* A bad global option or command name: no command synopsis to show. */
__attribute__((format(printf, 1, 2)))
static int main_usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vbctl_err(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", BCTL_PROG);
	return BCTL_EXIT_USAGE;
}

/* The command @name of @group (NULL: the top level), or NULL. */
static const struct bctl_cmd *cmd_find(const struct bctl_cmd *group,
				       const char *name)
{
	const struct bctl_cmd *c;

	for (size_t i = 0; (c = cmd_at(group, i)); i++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* One line per runnable command: synopsis, then summary, aligned. */
static void cmd_list(const struct bctl_cmd *group, FILE *f)
{
	const struct bctl_cmd *c;
	char syn[128];

	for (size_t i = 0; (c = cmd_at(group, i)); i++) {
		if (c->subcmds) {
			cmd_list(c, f);
			continue;
		}
		cmd_synopsis(c, syn, sizeof(syn));
		fprintf(f, "  %-28s %s\n", syn, c->summary);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s [-n NAME | -s SOCKET] [-t SECONDS] [--json] COMMAND [ARGS...]\n"
		"\n"
		"Ask zhostd, the host daemon lending a zonehost VM its memory, about the\n"
		"VM and its guest.\n"
		"\n"
		"Options:\n"
		"  -n, --name NAME        the VM (default: %s); zhostd's socket is\n"
		"                         RUNTIME/NAME/%s\n"
		"  -s, --socket PATH      zhostd's control socket, instead of -n\n"
		"  -t, --timeout SECONDS  give up after SECONDS, connecting and reply\n"
		"                         included (default: %d)\n"
		"      --json             print zhostd's reply as JSON; may also follow\n"
		"                         the command\n"
		"  -h, --help             this help; after a command, that command's\n"
		"      --version          print the version\n"
		"\n"
		"Commands:\n",
		BCTL_PROG, BCTL_DEF_NAME, ZH_VM_CONTROL_SOCK, BCTL_DEF_TIMEOUT);
	cmd_list(NULL, f);
	fprintf(f,
		"\n"
		"RUNTIME is $ZHOST_RUNTIME_DIR if set, else %s for root and\n"
		"${XDG_RUNTIME_DIR:-/tmp}/zonehost for others; here %s. With -n,\n"
		"RUNTIME and RUNTIME/NAME must be yours and not writable by others.\n"
		"Exit status: 0 done, 1 zhostd returned an error, 2 usage error,\n"
		"3 cannot reach zhostd, 4 timed out, 5 the guest stopped short of\n"
		"the target, check found a difference or enforce a violation.\n"
		"See balloon-ctl(8).\n",
		ZH_RUNTIME_DIR_ROOT, zh_runtime_dir());
}

static void cmd_help(const struct bctl_cmd *cmd, FILE *f)
{
	char syn[128];

	cmd_synopsis(cmd, syn, sizeof(syn));
	fprintf(f, "Usage: %s [OPTIONS] %s\n\n%s\n", BCTL_PROG, syn,
		cmd->summary);
	if (cmd->execute)
		fprintf(f, "Sends zhostd the command '%s'.\n", cmd->execute);
	if (cmd->subcmds) {
		fputs("\nCommands:\n", f);
		cmd_list(cmd, f);
	}
}

static int help_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		    int argc, char **argv)
{
	const struct bctl_cmd *found = NULL;

	(void)opts;
	for (int i = 1; i < argc; i++) {
		if (found && !found->subcmds)
			return bctl_usage_err(cmd, "'%s' has no subcommands",
					      found->name);
		found = cmd_find(found, argv[i]);
		if (!found)
			return bctl_usage_err(cmd, "unknown command '%s'",
					      argv[i]);
	}
	if (found)
		cmd_help(found, stdout);
	else
		usage(stdout);
	return BCTL_EXIT_OK;
}

BCTL_COMMAND(help, "help", "[COMMAND...]",
	     "this help, or a command's",
	     NULL, help_run)

/* A positive number of seconds, fractions allowed; not strtod()'s "inf" or hex. */
static int parse_timeout(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return -1;
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v <= 0 || v > BCTL_MAX_TIMEOUT)
		return -1;
	*out = v;
	return 0;
}

/* The socket of VM @name in @runtime, into @buf (sized like sun_path). */
static int socket_of(const char *runtime, const char *name, char *buf,
		     size_t len)
{
	int ret = zh_vm_path(buf, len, runtime, name, ZH_VM_CONTROL_SOCK);

	if (ret == -EINVAL)
		return main_usage_err("bad VM name '%s': %s", name,
				      ZH_VM_NAME_RULE);
	if (ret)
		return main_usage_err("socket path of VM '%s' too long for a UNIX socket (set ZHOST_RUNTIME_DIR shorter)",
				      name);
	return BCTL_EXIT_OK;
}

/*
 * Remove the global flags a user may type after the command (--json,
 * -h/--help), up to a "--". Returns the new argc.
 */
static int strip_late_flags(int argc, char **argv, bool *json, bool *help)
{
	int i = 1, n = 1;

	for (; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--json"))
			*json = true;
		else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			*help = true;
		else
			argv[n++] = argv[i];
	}
	for (; i < argc; i++)
		argv[n++] = argv[i];
	argv[n] = NULL;
	return n;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name",	required_argument,	NULL, 'n' },
		{ "socket",	required_argument,	NULL, 's' },
		{ "timeout",	required_argument,	NULL, 't' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char path[sizeof(((struct sockaddr_un *)NULL)->sun_path)];
	struct bctl_opts opts = { .timeout = BCTL_DEF_TIMEOUT };
	const struct bctl_cmd *cmd, *sub;
	const char *name = NULL;
	bool help = false;
	int c, st;

	/* "+": options end at the command, whose arguments are its own. */
	while ((c = getopt_long(argc, argv, "+n:s:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			name = optarg;
			break;
		case 's':
			opts.socket_path = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &opts.timeout))
				return main_usage_err("bad timeout '%s' (seconds, e.g. 10 or 0.5)",
						      optarg);
			break;
		case 'j':
			opts.json = true;
			break;
		case 'h':
			usage(stdout);
			return BCTL_EXIT_OK;
		case 'V':
			printf("%s %s\n", BCTL_PROG, BCTL_VERSION);
			return BCTL_EXIT_OK;
		default:	/* getopt said what is wrong */
			fprintf(stderr, "Try '%s --help'.\n", BCTL_PROG);
			return BCTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (!argc)
		return main_usage_err("no command given");
	if (name && opts.socket_path)
		return main_usage_err("-n and -s both name the socket: give one");
	argc = strip_late_flags(argc, argv, &opts.json, &help);

	cmd = cmd_find(NULL, argv[0]);
	if (!cmd)
		return main_usage_err("unknown command '%s'", argv[0]);
	while (cmd->subcmds) {
		if (argc < 2 && help)
			break;
		if (argc < 2)
			return bctl_usage_err(cmd, "'%s' needs a command",
					      cmd->name);
		sub = cmd_find(cmd, argv[1]);
		if (!sub)
			return bctl_usage_err(cmd, "unknown %s command '%s'",
					      cmd->name, argv[1]);
		cmd = sub;
		argc--;
		argv++;
	}
	if (help) {
		cmd_help(cmd, stdout);
		return BCTL_EXIT_OK;
	}

	if (!opts.socket_path) {
		opts.vm_name = name ? name : BCTL_DEF_NAME;
		opts.runtime_dir = zh_runtime_dir();
		st = socket_of(opts.runtime_dir, opts.vm_name, path,
			       sizeof(path));
		if (st)
			return st;
		opts.socket_path = path;
	}

	st = cmd->run(cmd, &opts, argc, argv);
	/* Output lost (disk full, closed pipe) must not look like success. */
	if (fflush(stdout) || ferror(stdout)) {
		bctl_err("writing the output failed");
		if (!st)
			st = BCTL_EXIT_DAEMON;
	}
	return st;
}
