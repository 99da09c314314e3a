/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Why something zhostd was asked to do failed: the error classes of the
 * control protocol (Documentation/reference/control-protocol.rst) and a
 * description.
 * Control commands return them; services that commands and background
 * threads share (resize.h) fill them too.
 */
#ifndef ZHOSTD_ERRORS_H
#define ZHOSTD_ERRORS_H

#include <stdint.h>

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

#endif /* ZHOSTD_ERRORS_H */
