// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl export list|add|remove|invalidate: the directories zhostd
 * exports to the guest as hostfs (zhostd's query-exports, export-add,
 * export-remove, export-invalidate).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "format.h"
#include "hostfs-spec.h"

static struct bctl_cmd bctl_cmd_export;

/* Sum of the export's refusals, of every reason. */
static uint64_t refused_total(const json_t *e)
{
	uint64_t n = 0;
	const char *key;
	json_t *v;

	json_object_foreach(json_object_get(e, "refused"), key, v)
		n += json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
	return n;
}

/* " (as uid N gid M)" for an export with credentials of its own, else "". */
static const char *creds_str(const json_t *e, char *buf, size_t len)
{
	if (!json_is_integer(json_object_get(e, "uid")))
		return "";
	snprintf(buf, len, " (as uid %llu gid %llu)",
		 (unsigned long long)bctl_json_u64(e, "uid"),
		 (unsigned long long)bctl_json_u64(e, "gid"));
	return buf;
}

static void export_print(const json_t *ret)
{
	const json_t *list = json_object_get(ret, "exports");
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN], d[BCTL_FMT_LEN];
	char ids[64];
	size_t i;
	json_t *e;

	if (!json_array_size(list)) {
		printf("no exports\n");
		return;
	}
	json_array_foreach(list, i, e) {
		const char *tag = json_string_value(json_object_get(e, "tag"));
		const char *dir = json_string_value(json_object_get(e, "dir"));

		printf("%s %s%s%s: %llu mounts, %llu nodes, %llu calls, %llu errors, %llu refused\n",
		       tag ? tag : "?", dir ? dir : "?",
		       json_is_true(json_object_get(e, "ro")) ? " (read-only)" : "",
		       creds_str(e, ids, sizeof(ids)),
		       (unsigned long long)bctl_json_u64(e, "mounts"),
		       (unsigned long long)bctl_json_u64(e, "nodes"),
		       (unsigned long long)bctl_json_u64(e, "calls"),
		       (unsigned long long)bctl_json_u64(e, "errors"),
		       (unsigned long long)refused_total(e));
		printf("  %s into frames (+%s zeroes), %s from frames, %s read and %s written through the payload\n",
		       bctl_fmt_size(bctl_json_u64(e, "bytes_to_frames"), a),
		       bctl_fmt_size(bctl_json_u64(e, "zero_to_frames"), b),
		       bctl_fmt_size(bctl_json_u64(e, "bytes_from_frames"), c),
		       bctl_fmt_size(bctl_json_u64(e, "bytes_read"), d),
		       bctl_fmt_size(bctl_json_u64(e, "bytes_written"), a));
	}
}

/* Send @args, print the reply with @print (or as JSON). */
static int export_send(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		       json_t *args, void (*print)(const json_t *ret))
{
	json_t *ret;
	int st;

	if (!args) {
		bctl_err("out of memory");
		return BCTL_EXIT_UNREACHABLE;
	}
	st = bctl_client_run(opts, cmd->execute, args, &ret);
	if (st)
		return st;
	if (opts->json)
		bctl_print_json(ret);
	else if (!json_is_object(ret))
		st = bctl_client_bad_reply(cmd->execute, "not an object");
	else
		print(ret);
	json_decref(ret);
	return st;
}

static int export_list_run(const struct bctl_cmd *cmd,
			   const struct bctl_opts *opts, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return bctl_usage_err(cmd, "no arguments");
	return export_send(cmd, opts, json_object(), export_print);
}

static int export_add_run(const struct bctl_cmd *cmd,
			  const struct bctl_opts *opts, int argc, char **argv)
{
	struct zh_hostfs_spec sp;
	char err[256];
	json_t *args;

	if (argc != 2)
		return bctl_usage_err(cmd, "one TAG=DIR[,ro][,uid=N,gid=M]");
	if (zh_hostfs_spec_parse(argv[1], &sp, err, sizeof(err)))
		return bctl_usage_err(cmd, "%s", err);
	args = json_pack("{s:s, s:s, s:b}", "tag", sp.tag, "dir", sp.dir, "ro", sp.ro);
	if (args && sp.creds) {
		json_object_set_new(args, "uid", json_integer(sp.uid));
		json_object_set_new(args, "gid", json_integer(sp.gid));
	}
	free(sp.dir);
	return export_send(cmd, opts, args, export_print);
}

static int export_remove_run(const struct bctl_cmd *cmd,
			     const struct bctl_opts *opts, int argc, char **argv)
{
	if (argc != 2)
		return bctl_usage_err(cmd, "one TAG");
	return export_send(cmd, opts, json_pack("{s:s}", "tag", argv[1]),
			   export_print);
}

static void invalidate_print(const json_t *ret)
{
	printf("invalidated in %llu of %llu mounts",
	       (unsigned long long)bctl_json_u64(ret, "invalidated"),
	       (unsigned long long)bctl_json_u64(ret, "mounts"));
	if (bctl_json_u64(ret, "failed"))
		printf(" (%llu failed)", (unsigned long long)bctl_json_u64(ret, "failed"));
	printf("\n");
}

static int export_invalidate_run(const struct bctl_cmd *cmd,
				 const struct bctl_opts *opts, int argc,
				 char **argv)
{
	if (argc != 2 && argc != 3)
		return bctl_usage_err(cmd, "TAG and at most one PATH");
	return export_send(cmd, opts, argc == 3 ?
			   json_pack("{s:s, s:s}", "tag", argv[1], "path", argv[2]) :
			   json_pack("{s:s}", "tag", argv[1]), invalidate_print);
}

#define EXPORT_CMD(_id, _name, _execute, _args, _summary, _run)	\
	static const struct bctl_cmd export_##_id = {			\
		.name = (_name), .args = (_args), .summary = (_summary), \
		.execute = (_execute), .parent = &bctl_cmd_export,	\
		.run = (_run),						\
	}

EXPORT_CMD(list, "list", "query-exports", "",
	   "the exports, their mounts and counters", export_list_run);
EXPORT_CMD(add, "add", "export-add", "TAG=DIR[,ro][,uid=N,gid=M]",
	   "export DIR to the guest as hostfs TAG", export_add_run);
EXPORT_CMD(remove, "remove", "export-remove", "TAG",
	   "stop exporting TAG; its mounts get ESTALE", export_remove_run);
EXPORT_CMD(invalidate, "invalidate", "export-invalidate", "TAG [PATH]",
	   "make the guest drop its cached pages of PATH (or of every file)",
	   export_invalidate_run);

static const struct bctl_cmd *const export_cmds[] = {
	&export_list,
	&export_add,
	&export_remove,
	&export_invalidate,
	NULL,
};

BCTL_GROUP(export, "export", "COMMAND",
	   "directories exported to the guest as hostfs",
	   export_cmds)
