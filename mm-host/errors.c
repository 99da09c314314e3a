// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd's errors; see errors.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "vmrpc-host.h"

void zhostd_error_set(struct zhostd_error *err, const char *cls,
		      const char *fmt, ...)
{
	va_list ap;

	err->cls = cls;
	va_start(ap, fmt);
	vsnprintf(err->desc, sizeof(err->desc), fmt, ap);
	va_end(ap);
}

void zhostd_error_from_call(struct zhostd_error *err, const char *what,
			    int ret, uint32_t status)
{
	switch (ret) {
	case 0:
		zhostd_error_set(err, ZERR_GUEST_ERROR, "guest failed %s: %s",
				 what, vmrpc_status_str(status));
		break;
	case -ENOTCONN:
		zhostd_error_set(err, ZERR_GUEST_NOT_CONNECTED,
				 "no guest driver is connected");
		break;
	case -ETIMEDOUT:
		zhostd_error_set(err, ZERR_TIMEOUT,
				 "guest did not answer %s in time", what);
		break;
	case -ESHUTDOWN:
		zhostd_error_set(err, ZERR_GENERIC, "zhostd is shutting down");
		break;
	default:
		zhostd_error_set(err, ZERR_GENERIC, "%s: %s", what,
				 strerror(-ret));
		break;
	}
}
