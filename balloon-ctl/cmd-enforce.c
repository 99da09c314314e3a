// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl enforce: zhostd's memory guard checks now (enforce-memory):
 * host memory behind subblocks the guest never plugged is freed, and the
 * VM paused when zhostd runs with --on-violation stop. Exit status 0 when
 * there was none, 5 when some was found (and freed).
 */
#include <stdio.h>

#include "client.h"
#include "format.h"

/* A byte count of the reply, 0 when missing. */
static uint64_t enforce_bytes(const json_t *ret, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(ret, key));

	return v > 0 ? (uint64_t)v : 0;
}

static void enforce_print(const json_t *ret)
{
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN];
	const json_t *error = json_object_get(ret, "error");

	if (!json_is_true(json_object_get(ret, "found"))) {
		printf("no host memory behind unplugged subblocks%s\n",
		       json_is_false(json_object_get(ret, "complete")) ?
		       " in the part scanned (the scan stopped at its budget; run it again)" : "");
	} else {
		printf("VIOLATION: the guest used host memory it never plugged; freed\n");
		if (json_integer_value(json_object_get(ret, "subblocks")))
			printf("  %s behind %lld unplugged subblocks, %lld to %lld\n",
			       bctl_fmt_size(enforce_bytes(ret, "bytes"), a),
			       (long long)json_integer_value(json_object_get(ret, "subblocks")),
			       (long long)json_integer_value(json_object_get(ret, "first")),
			       (long long)json_integer_value(json_object_get(ret, "last")));
		if (enforce_bytes(ret, "control_bytes"))
			printf("  %s in the unused part of the control area\n",
			       bctl_fmt_size(enforce_bytes(ret, "control_bytes"), a));
		if (json_is_true(json_object_get(ret, "stopped")))
			printf("  the VM is paused (QMP stop); resume it with QMP cont\n");
		else if (json_is_string(error))
			printf("  cannot pause the VM: %s\n", json_string_value(error));
	}
	printf("violations so far: %lld, %s reclaimed\n",
	       (long long)json_integer_value(json_object_get(ret, "violations")),
	       bctl_fmt_size(enforce_bytes(ret, "reclaimed"), b));
}

static int enforce_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		       int argc, char **argv)
{
	/* Host memory found (and freed): exit 5. */
	return bctl_client_verdict(cmd, opts, argc, argv, "found", true,
				   enforce_print);
}

BCTL_COMMAND(enforce, "enforce", "",
	     "free host memory the guest used without plugging it",
	     "enforce-memory", enforce_run)
