// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control protocol: one request line to its reply; see
 * control-request.h.
 */
#include <stdio.h>
#include <string.h>

#include "ascii.h"
#include "commands.h"
#include "control-request.h"

json_t *zhostd_control_error(const char *cls, const char *desc)
{
	return json_pack("{s:{s:s, s:s}}", "error", "class", cls, "desc", desc);
}

json_t *zhostd_control_request(struct zhostd *zd, const char *line,
			       size_t len)
{
	char desc[sizeof(((json_error_t *)0)->text) + 32];
	json_error_t jerr;
	json_t *req, *reply;

	/*
	 * By length, not up to a NUL: a NUL byte inside the line is an
	 * error, not the end of a shorter request.
	 */
	req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		/* jansson may quote the offending bytes: keep the reply UTF-8. */
		snprintf(desc, sizeof(desc), "JSON parse error: %s", jerr.text);
		zh_ascii_clean(desc, desc, strlen(desc), false);
		return zhostd_control_error(ZERR_GENERIC, desc);
	}
	reply = zhostd_cmd_execute(zd, req);
	json_decref(req);
	/* A reply that cannot be built is still an error reply, no hang-up. */
	if (!reply)
		reply = zhostd_control_error(ZERR_GENERIC,
					     "zhostd cannot build the reply to this request");
	return reply;
}
