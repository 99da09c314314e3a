// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl guest ...: questions zhostd forwards to the guest over VMRPC
 * reverse calls. They need the guest's VMRPC driver to be bound; when it is
 * not, zhostd answers GuestNotConnected (exit status 1).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "size.h"

/* The group, defined below its subcommands, which point to it. */
static struct bctl_cmd bctl_cmd_guest;

/* ping [--size BYTES]: a null call, timed by zhostd. */
static int guest_ping_run(const struct bctl_cmd *cmd,
			  const struct bctl_opts *opts, int argc, char **argv)
{
	static const char opt[] = "--size";
	char buf[BCTL_FMT_LEN];
	json_t *args = NULL, *ret, *rtt;
	const char *val = NULL;
	uint64_t size;
	int st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], opt)) {
			if (++i == argc)
				return bctl_usage_err(cmd, "%s needs a value", opt);
			val = argv[i];
		} else if (!strncmp(argv[i], opt, strlen(opt)) &&
			   argv[i][strlen(opt)] == '=') {
			val = argv[i] + strlen(opt) + 1;
		} else {
			return bctl_usage_err(cmd, "unexpected argument '%s'",
					      argv[i]);
		}
	}
	if (val) {
		if (size_parse(val, &size) || size > LLONG_MAX)
			return bctl_usage_err(cmd, "bad size '%s' (%s)", val,
					      ZH_SIZE_HINT);
		args = json_pack("{s:I}", "size", (json_int_t)size);
		if (!args) {
			bctl_err("out of memory");
			return BCTL_EXIT_UNREACHABLE;
		}
	}

	st = bctl_client_run(opts, cmd->execute, args, &ret);
	if (st)
		return st;
	rtt = json_object_get(ret, "rtt_ns");
	if (opts->json)
		bctl_print_json(ret);
	else if (!json_is_integer(rtt) || json_integer_value(rtt) < 0)
		st = bctl_client_bad_reply(cmd->execute, "no \"rtt_ns\" count");
	else
		printf("guest answered in %s\n", bctl_fmt_duration(
		       (uint64_t)json_integer_value(rtt), buf));
	json_decref(ret);
	return st;
}

/*
 * meminfo, vmstat, loadavg, cpuinfo: the guest's /proc file, printed byte
 * for byte as the guest wrote it; the parsed fields are for --json.
 */
static int guest_text_run(const struct bctl_cmd *cmd,
			  const struct bctl_opts *opts, int argc, char **argv)
{
	json_t *ret, *text;
	int st;

	st = bctl_client_run_bare(cmd, opts, argc, argv, &ret);
	if (st)
		return st;
	text = json_object_get(ret, "text");
	if (opts->json)
		bctl_print_json(ret);
	else if (!json_is_string(text))
		st = bctl_client_bad_reply(cmd->execute, "no \"text\" string");
	else
		fwrite(json_string_value(text), 1, json_string_length(text),
		       stdout);
	json_decref(ret);
	return st;
}

/* drop-caches LEVEL: the guest's /proc/sys/vm/drop_caches. */
static int guest_drop_caches_run(const struct bctl_cmd *cmd,
				 const struct bctl_opts *opts, int argc,
				 char **argv)
{
	json_t *args, *ret;
	int st;

	if (argc < 2)
		return bctl_usage_err(cmd, "LEVEL missing");
	if (argc > 2)
		return bctl_usage_err(cmd, "unexpected argument '%s'", argv[2]);
	/* Checked here: the guest writes the number into drop_caches. */
	if (strlen(argv[1]) != 1 || argv[1][0] < '1' || argv[1][0] > '3')
		return bctl_usage_err(cmd, "bad level '%s' (1 page cache, 2 slab, 3 both)",
				      argv[1]);
	args = json_pack("{s:i}", "level", argv[1][0] - '0');
	if (!args) {
		bctl_err("out of memory");
		return BCTL_EXIT_UNREACHABLE;
	}
	st = bctl_client_run(opts, cmd->execute, args, &ret);
	if (st)
		return st;
	/* Silent on success, like writing drop_caches itself. */
	if (opts->json)
		bctl_print_json(ret);
	json_decref(ret);
	return st;
}

/*
 * A subcommand of guest: zhostd's command for it is "guest-" and its name.
 * BCTL_GROUP() below lists them.
 */
#define GUEST_CMD(_id, _name, _args, _summary, _run)			\
	static const struct bctl_cmd guest_##_id = {			\
		.name = (_name), .args = (_args), .summary = (_summary), \
		.execute = "guest-" _name, .parent = &bctl_cmd_guest,	\
		.run = (_run),						\
	}

GUEST_CMD(ping, "ping", "[--size BYTES]",
	  "time a null call into the guest", guest_ping_run);
GUEST_CMD(meminfo, "meminfo", "",
	  "the guest's /proc/meminfo", guest_text_run);
GUEST_CMD(vmstat, "vmstat", "",
	  "the guest's /proc/vmstat", guest_text_run);
GUEST_CMD(loadavg, "loadavg", "",
	  "the guest's /proc/loadavg", guest_text_run);
GUEST_CMD(cpuinfo, "cpuinfo", "",
	  "the guest's /proc/cpuinfo", guest_text_run);
GUEST_CMD(drop_caches, "drop-caches", "LEVEL",
	  "drop the guest's page cache (1), slab (2) or both (3)",
	  guest_drop_caches_run);

static const struct bctl_cmd *const guest_cmds[] = {
	&guest_ping,
	&guest_meminfo,
	&guest_vmstat,
	&guest_loadavg,
	&guest_cpuinfo,
	&guest_drop_caches,
	NULL,
};

BCTL_GROUP(guest, "guest", "COMMAND",
	   "ask the guest, through zhostd",
	   guest_cmds)
