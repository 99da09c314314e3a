// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl check: zhostd's subblock map, the guest's map and the memfd
 * agree (zhostd's check-memory). Exit status 0 when they do, 5 when not.
 */
#include <stdio.h>

#include "client.h"
#include "format.h"

static int check_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		     int argc, char **argv)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN];
	json_t *ret, *v;
	bool ok;
	int st;

	if (argc > 1)
		return bctl_usage_err(cmd, "unexpected argument '%s'", argv[1]);
	st = bctl_client_run(opts, cmd->execute, NULL, &ret);
	if (st)
		return st;
	ok = json_is_true(json_object_get(ret, "consistent"));
	if (opts->json) {
		bctl_print_json(ret);
	} else {
		v = json_object_get(ret, "guest_plugged");
		printf("%s: zhostd has %s plugged, the guest %s; %s of host memory behind it\n",
		       ok ? "consistent" : "INCONSISTENT",
		       bctl_fmt_size((uint64_t)json_integer_value(json_object_get(ret, "plugged")), a),
		       json_is_integer(v) ? bctl_fmt_size((uint64_t)json_integer_value(v), b) :
					    "(not asked: no guest)",
		       bctl_fmt_size((uint64_t)json_integer_value(json_object_get(ret, "backed")), c));
		if (json_integer_value(json_object_get(ret, "map_differences")))
			printf("  %lld subblocks differ between the maps, the first is %lld\n",
			       (long long)json_integer_value(json_object_get(ret, "map_differences")),
			       (long long)json_integer_value(json_object_get(ret, "first_difference")));
		if (json_integer_value(json_object_get(ret, "unplugged_backed")))
			printf("  %s of host memory behind unplugged subblocks, from subblock %lld\n",
			       bctl_fmt_size((uint64_t)json_integer_value(json_object_get(ret, "unplugged_backed")), a),
			       (long long)json_integer_value(json_object_get(ret, "first_backed_unplugged")));
	}
	json_decref(ret);
	return ok ? BCTL_EXIT_OK : BCTL_EXIT_PARTIAL;
}

const struct bctl_cmd bctl_cmd_check = {
	.name		= "check",
	.args		= "",
	.summary	= "check that zhostd, the guest and the memfd agree on the memory",
	.execute	= "check-memory",
	.run		= check_run,
};
