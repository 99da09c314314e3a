/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd control commands: each command file defines its commands and
 * registers them next to their definition with ZHOSTD_COMMAND().
 */
#ifndef ZHOSTD_COMMANDS_H
#define ZHOSTD_COMMANDS_H

#include <jansson.h>

#include "errors.h"
#include "zhostd.h"

/*
 * A command: returns the "return" object (a new reference), or NULL with
 * @err filled in. @args is the "arguments" object, never NULL (empty when
 * the request had none).
 */
typedef json_t *(*zhostd_cmd_fn)(struct zhostd *zd, json_t *args,
				 struct zhostd_error *err);

struct zhostd_cmd {
	const char *name;
	zhostd_cmd_fn fn;
	struct zhostd_cmd *next;
};

/* Add a command to the table; called by ZHOSTD_COMMAND() at start-up. */
void zhostd_cmd_register(struct zhostd_cmd *cmd);

#define ZHOSTD_COMMAND(_name, _fn)					\
	static struct zhostd_cmd zhostd_cmd_##_fn = {			\
		.name = (_name), .fn = (_fn),				\
	};								\
	__attribute__((constructor)) static void zhostd_reg_##_fn(void) \
	{								\
		zhostd_cmd_register(&zhostd_cmd_##_fn);			\
	}

/**
 * zhostd_cmd_execute() - run one request of the control protocol
 * @zd: the daemon
 * @request: the parsed request
 *
 * Return: the reply ({"return": ...} or {"error": ...}, with the request's
 * "id" echoed), a new reference; never NULL unless out of memory.
 */
json_t *zhostd_cmd_execute(struct zhostd *zd, json_t *request);

#endif /* ZHOSTD_COMMANDS_H */
