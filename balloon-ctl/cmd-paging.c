// SPDX-License-Identifier: GPL-2.0-only
/*
 * balloon-ctl paging [on|off]: host paging of the guest's ZONE_HOST
 * memory (zhostd's query-paging, and paging to turn it on or off): the
 * host's mode and why, where the data area's pages are, what the guest
 * says it kept and hinted.
 */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "format.h"

static const char *paging_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

static void paging_print(const json_t *ret)
{
	const json_t *g = json_object_get(ret, "guest");
	const json_t *c = json_object_get(ret, "counters");
	char a[BCTL_FMT_LEN], b[BCTL_FMT_LEN], d[BCTL_FMT_LEN], e[BCTL_FMT_LEN];

	printf("host paging: %s, mode %s", json_is_true(json_object_get(ret, "enabled")) ?
	       "enabled" : "disabled", paging_str(ret, "mode"));
	if (strcmp(paging_str(ret, "reason"), "none"))
		printf(" (%s)", paging_str(ret, "reason"));
	printf("\nhost swap: %s free of %s, floor %s\n",
	       bctl_fmt_size(bctl_json_u64(ret, "swap_free"), a),
	       bctl_fmt_size(bctl_json_u64(ret, "swap_total"), b),
	       bctl_fmt_size(bctl_json_u64(ret, "swap_floor"), d));
	if (json_is_null(json_object_get(ret, "resident")))
		printf("data area: resident and swapped unknown (no cachestat on this host)");
	else
		printf("data area: %s resident, %s swapped",
		       bctl_fmt_size(bctl_json_u64(ret, "resident"), a),
		       bctl_fmt_size(bctl_json_u64(ret, "swapped"), b));
	printf(", %s pinned, %s hinted, %s paged out\n",
	       bctl_fmt_size(bctl_json_u64(ret, "pinned"), d),
	       bctl_fmt_size(bctl_json_u64(ret, "hinted"), e),
	       bctl_fmt_size(bctl_json_u64(c, "paged_out"), a));
	printf("hints: %lld calls, %lld malformed; %s accepted, skipped %s unplugged and %s pinned; %lld page-out errors\n",
	       (long long)json_integer_value(json_object_get(c, "hint_calls")),
	       (long long)json_integer_value(json_object_get(c, "bad_calls")),
	       bctl_fmt_size(bctl_json_u64(c, "accepted"), a),
	       bctl_fmt_size(bctl_json_u64(c, "skipped_unplugged"), b),
	       bctl_fmt_size(bctl_json_u64(c, "skipped_pinned"), d),
	       (long long)json_integer_value(json_object_get(c, "pageout_errors")));
	if (json_is_object(g))
		printf("guest: mode %s, kept %s, hinted %s, own swap %s, dropped %s\n",
		       paging_str(g, "mode"),
		       bctl_fmt_size(bctl_json_u64(g, "kept"), a),
		       bctl_fmt_size(bctl_json_u64(g, "hinted"), b),
		       bctl_fmt_size(bctl_json_u64(g, "guest_swapped"), d),
		       bctl_fmt_size(bctl_json_u64(g, "dropped"), e));
	else
		printf("guest: %s\n", json_is_true(json_object_get(ret, "guest_unsupported")) ?
		       "does not support host paging" : "unknown (not ready)");
}

static int paging_run(const struct bctl_cmd *cmd, const struct bctl_opts *opts,
		      int argc, char **argv)
{
	const char *command = "query-paging";
	json_t *args = NULL, *ret;
	int st;

	if (argc > 2)
		return bctl_usage_err(cmd, "one argument at most");
	if (argc == 2) {
		if (strcmp(argv[1], "on") && strcmp(argv[1], "off"))
			return bctl_usage_err(cmd, "'%s': on or off", argv[1]);
		command = "paging";
		args = json_pack("{s:b}", "enabled", !strcmp(argv[1], "on"));
		if (!args) {
			bctl_err("out of memory");
			return BCTL_EXIT_UNREACHABLE;
		}
	}
	st = bctl_client_run(opts, command, args, &ret);
	if (st)
		return st;
	if (opts->json)
		bctl_print_json(ret);
	else if (!json_is_object(ret))
		st = bctl_client_bad_reply(command, "not an object");
	else
		paging_print(ret);
	json_decref(ret);
	return st;
}

BCTL_COMMAND(paging, "paging", "[on|off]",
	     "host paging of ZONE_HOST: show it, or turn it on or off",
	     "query-paging", paging_run)
