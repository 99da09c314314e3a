/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl: what its files share. The exit statuses (a promise to
 * scripts, listed in balloon-ctl(8)), the global options, and the command
 * descriptor each cmd-*.c file defines next to its code.
 */
#ifndef BALLOON_CTL_H
#define BALLOON_CTL_H

#include <stdbool.h>

#define BCTL_PROG	"balloon-ctl"
#define BCTL_VERSION	"0.1"

#define BCTL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit statuses. Keep in sync with EXIT STATUS in balloon-ctl.8. */
enum bctl_exit {
	BCTL_EXIT_OK		= 0,	/* done */
	BCTL_EXIT_DAEMON	= 1,	/* zhostd answered with an error */
	BCTL_EXIT_USAGE		= 2,	/* bad command line; nothing was sent */
	BCTL_EXIT_UNREACHABLE	= 3,	/* no zhostd there, or not understood */
	BCTL_EXIT_TIMEOUT	= 4,	/* no answer before the -t deadline, or
					 * the target before --timeout */
	BCTL_EXIT_PARTIAL	= 5,	/* the guest stopped short of the target
					 * (set --wait), check found a
					 * difference, or enforce a violation */
	BCTL_EXIT_SUPERSEDED	= 6,	/* set --wait: another size was
					 * requested before the target was
					 * reached */
};

/* The global options, resolved by main() before a command runs. */
struct bctl_opts {
	const char *socket_path;	/* zhostd's control socket */
	const char *vm_name;		/* the VM's name; NULL with -s */
	const char *runtime_dir;	/* RUNTIME of the VM's directory, checked
					 * before connecting; NULL with -s */
	double timeout;			/* seconds, connecting to last reply */
	bool json;			/* --json: print the "return" object */
};

/*
 * One command of the command line. A plain command has @run; a group
 * ("guest") has @subcmds instead and main() picks the subcommand from the
 * next word. Every descriptor is an object in the file that implements it;
 * a top-level one registers itself there with BCTL_COMMAND(), as zhostd's
 * commands do with ZHOSTD_COMMAND(), so adding a command is one file.
 */
struct bctl_cmd {
	const char *name;		/* the word typed: "status", "ping" */
	const char *args;		/* synopsis of its arguments, "" if none */
	const char *summary;		/* one line for help */
	const char *execute;		/* protocol command it sends, or NULL */
	const struct bctl_cmd *parent;	/* its group, NULL at top level */
	/*
	 * Parse @argv (argv[0] is the command's own name; --json and --help
	 * are already removed) and run. Must detect every usage error before
	 * connecting. Returns an enum bctl_exit.
	 */
	int (*run)(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		   int argc, char **argv);
	const struct bctl_cmd *const *subcmds;	/* groups: NULL-terminated */
	struct bctl_cmd *next;		/* top level: the next one by name */
};

/**
 * bctl_cmd_register() - add a top-level command; BCTL_COMMAND() calls it
 * @cmd: the command, which must live as long as the program
 *
 * The list is kept sorted by name, so help and lookups do not depend on
 * the order the linker ran the registrations in.
 */
void bctl_cmd_register(struct bctl_cmd *cmd);

/* Register the top-level command @_cmd at start-up. */
#define BCTL_REGISTER(_cmd)						\
	__attribute__((constructor)) static void bctl_reg_##_cmd(void)	\
	{								\
		bctl_cmd_register(&(_cmd));				\
	}

/*
 * Define the top-level command bctl_cmd_<_id> next to its code and register
 * it, as ZHOSTD_COMMAND() does in zhostd: the word typed, the synopsis of
 * its arguments, its help line, the protocol command it sends (or NULL),
 * and its run function.
 */
#define BCTL_COMMAND(_id, _name, _args, _summary, _execute, _run)	\
	static struct bctl_cmd bctl_cmd_##_id = {			\
		.name = (_name), .args = (_args), .summary = (_summary), \
		.execute = (_execute), .run = (_run),			\
	};								\
	BCTL_REGISTER(bctl_cmd_##_id)

/* The same for a group: its subcommands instead of a run function. */
#define BCTL_GROUP(_id, _name, _args, _summary, _subcmds)		\
	static struct bctl_cmd bctl_cmd_##_id = {			\
		.name = (_name), .args = (_args), .summary = (_summary), \
		.subcmds = (_subcmds),					\
	};								\
	BCTL_REGISTER(bctl_cmd_##_id)

/**
 * bctl_err() - print "balloon-ctl: MESSAGE" on stderr
 * @fmt: printf format of the message, without the trailing newline
 */
__attribute__((format(printf, 1, 2)))
void bctl_err(const char *fmt, ...);

/**
 * bctl_usage_err() - report a bad argument of @cmd
 * @cmd: the command whose arguments are wrong
 * @fmt: printf format of what is wrong
 *
 * Prints the message and the command's synopsis on stderr.
 *
 * Return: BCTL_EXIT_USAGE, for the caller to return.
 */
__attribute__((format(printf, 2, 3)))
int bctl_usage_err(const struct bctl_cmd *cmd, const char *fmt, ...);

#endif /* BALLOON_CTL_H */
