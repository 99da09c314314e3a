// SPDX-License-Identifier: GPL-2.0-only
/*
 * zhostd --socket-owner USER[:GROUP]; see socket-owner.h.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socket-owner.h"

/* A decimal id below the (uid_t)-1 that chown() reads as "unchanged". */
static int parse_id(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return errno || *out >= UINT_MAX ? -1 : 0;
}

int zhostd_socket_owner_parse(const char *s, uid_t *uid, gid_t *gid,
			      char *msg, size_t len)
{
	const char *colon = strchr(s, ':');
	size_t ulen = colon ? (size_t)(colon - s) : strlen(s);
	char user[LOGIN_NAME_MAX + 1];
	const struct passwd *pw;
	const struct group *gr;
	unsigned long id;

	if (!ulen || ulen >= sizeof(user) || (colon && !colon[1])) {
		snprintf(msg, len, "--socket-owner: '%s' is not USER or USER:GROUP", s);
		return -1;
	}
	memcpy(user, s, ulen);
	user[ulen] = 0;
	pw = getpwnam(user);
	if (!pw && !parse_id(user, &id))
		pw = getpwuid((uid_t)id);
	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
	} else if (!parse_id(user, &id) && colon) {
		*uid = (uid_t)id;
	} else {
		snprintf(msg, len, "--socket-owner: no user '%s'%s", user,
			 parse_id(user, &id) ? "" : " (a numeric user without a passwd entry needs :GROUP)");
		return -1;
	}
	if (!colon)
		return 0;
	gr = getgrnam(colon + 1);
	if (gr) {
		*gid = gr->gr_gid;
	} else if (!parse_id(colon + 1, &id)) {
		*gid = (gid_t)id;
	} else {
		snprintf(msg, len, "--socket-owner: no group '%s'", colon + 1);
		return -1;
	}
	return 0;
}
