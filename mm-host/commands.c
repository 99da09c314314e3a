// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd control commands: the table, request validation and replies.
 */
#include <string.h>

#include "commands.h"

static struct zhostd_cmd *zhostd_cmds;

void zhostd_cmd_register(struct zhostd_cmd *cmd)
{
	cmd->next = zhostd_cmds;
	zhostd_cmds = cmd;
}

static const struct zhostd_cmd *zhostd_cmd_find(const char *name)
{
	for (const struct zhostd_cmd *c = zhostd_cmds; c; c = c->next)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static json_t *zhostd_reply_error(const struct zhostd_error *err)
{
	return json_pack("{s:{s:s, s:s}}", "error", "class", err->cls,
			 "desc", err->desc);
}

/* Commands that list what exists, served by the table itself. */
static json_t *cmd_query_commands(struct zhostd *zd, json_t *args,
				  struct zhostd_error *err)
{
	json_t *list = json_array();

	(void)zd;
	(void)args;
	(void)err;
	for (const struct zhostd_cmd *c = zhostd_cmds; c; c = c->next)
		json_array_append_new(list, json_pack("{s:s}", "name", c->name));
	return json_pack("{s:o}", "commands", list);
}
ZHOSTD_COMMAND("query-commands", cmd_query_commands)

json_t *zhostd_cmd_execute(struct zhostd *zd, json_t *request)
{
	struct zhostd_error err = { 0 };
	const struct zhostd_cmd *cmd;
	json_t *exec, *args, *id, *ret, *reply;
	const char *key;
	json_t *val;

	if (!json_is_object(request)) {
		zhostd_error_set(&err, ZERR_GENERIC,
				 "a request must be a JSON object");
		return zhostd_reply_error(&err);
	}
	id = json_object_get(request, "id");
	exec = json_object_get(request, "execute");
	args = json_object_get(request, "arguments");
	json_object_foreach(request, key, val) {
		if (strcmp(key, "execute") && strcmp(key, "arguments") &&
		    strcmp(key, "id")) {
			zhostd_error_set(&err, ZERR_GENERIC,
					 "unknown member '%s' in request", key);
			goto fail;
		}
	}
	if (!json_is_string(exec)) {
		zhostd_error_set(&err, ZERR_GENERIC,
				 "a request needs \"execute\" with a command name");
		goto fail;
	}
	if (args && !json_is_object(args)) {
		zhostd_error_set(&err, ZERR_INVALID_PARAMETER,
				 "\"arguments\" must be an object");
		goto fail;
	}
	cmd = zhostd_cmd_find(json_string_value(exec));
	if (!cmd) {
		zhostd_error_set(&err, ZERR_COMMAND_NOT_FOUND,
				 "the command %s has not been found",
				 json_string_value(exec));
		goto fail;
	}
	args = args ? json_incref(args) : json_object();
	ret = cmd->fn(zd, args, &err);
	json_decref(args);
	if (!ret) {
		if (!err.cls)
			zhostd_error_set(&err, ZERR_GENERIC, "out of memory");
		goto fail;
	}
	reply = json_pack("{s:o}", "return", ret);
	goto out;
fail:
	reply = zhostd_reply_error(&err);
out:
	if (reply && id)
		json_object_set(reply, "id", id);
	return reply;
}
