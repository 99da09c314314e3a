/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * zhostd control commands: each command file defines its commands and
 * registers them next to their definition with ZHOSTD_COMMAND().
 */
#ifndef ZHOSTD_COMMANDS_H
#define ZHOSTD_COMMANDS_H

#include <jansson.h>

#include "zhostd.h"

/* Error classes of the control protocol (Documentation/control-protocol.rst). */
#define ZERR_COMMAND_NOT_FOUND		"CommandNotFound"
#define ZERR_INVALID_PARAMETER		"InvalidParameter"
#define ZERR_GUEST_NOT_CONNECTED	"GuestNotConnected"
#define ZERR_TIMEOUT			"Timeout"
#define ZERR_GUEST_ERROR		"GuestError"
#define ZERR_GENERIC			"GenericError"

/**
 * struct zhostd_error - why a command failed
 * @cls: one of the ZERR_* classes
 * @desc: human-readable text
 */
struct zhostd_error {
	const char *cls;
	char desc[256];
};

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

/* Fill @err with @cls and a printf-style description. */
void zhostd_error_set(struct zhostd_error *err, const char *cls,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * zhostd_error_from_call() - describe a failed vmrpc_host_call()
 * @err: filled in
 * @what: what was asked, for the description ("meminfo")
 * @ret: vmrpc_host_call()'s return value
 * @status: the guest's status when @ret is 0
 */
void zhostd_error_from_call(struct zhostd_error *err, const char *what,
			    int ret, uint32_t status);

#endif /* ZHOSTD_COMMANDS_H */
