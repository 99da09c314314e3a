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

/*
 * Drop a UTF-8 sequence that truncation cut short at the end of @s: the
 * text quotes what a client sent, and JSON takes only whole characters.
 */
static void utf8_trim(char *s)
{
	size_t len = strlen(s), i = len, need;
	unsigned char lead;

	/* Back over continuation bytes (10xxxxxx) to the sequence's start. */
	while (i > 0 && len - i < 4 && ((unsigned char)s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return;
	lead = (unsigned char)s[i - 1];
	if (lead < 0xc0)
		return;		/* ASCII: nothing was cut */
	need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
	if (len - (i - 1) < need)
		s[i - 1] = '\0';
}

void zhostd_error_set(struct zhostd_error *err, const char *cls,
		      const char *fmt, ...)
{
	va_list ap;

	int n;

	err->cls = cls;
	va_start(ap, fmt);
	n = vsnprintf(err->desc, sizeof(err->desc), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(err->desc))
		utf8_trim(err->desc);
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
