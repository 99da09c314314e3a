// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl check: zhostd's subblock map, the guest's map and the memfd
 * agree (zhostd's check-memory). Exit status 0 when they do, 5 when not.
 */
#include <stdio.h>

#include "client.h"
#include "format.h"

static void check_print(const json_t *ret)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], c[BCTL_FMT_LEN];
	bool ok = json_is_true(json_object_get(ret, "consistent"));
	const json_t *v = json_object_get(ret, "guest_plugged");

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

static int check_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		     int argc, char **argv)
{
	/* Inconsistent: exit 5. */
	return bctl_client_verdict(cmd, opts, argc, argv, "consistent", false,
				   check_print);
}

BCTL_COMMAND(check, "check", "",
	     "check that zhostd, the guest and the memfd agree on the memory",
	     "check-memory", check_run)
