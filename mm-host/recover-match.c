// SPDX-License-Identifier: GPL-2.0-only
/*
 * The state file and QEMU's fdinfo, parsed and matched; see
 * recover-match.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recover-match.h"

int zh_recover_state_format(const struct zh_recover_state *s, char *buf,
			    size_t len)
{
	size_t at = 0;
	unsigned int v;
	int n;

#define PUT(...) do { \
	n = snprintf(buf + at, len - at, __VA_ARGS__); \
	if (n < 0 || (size_t)n >= len - at) \
		return -1; \
	at += (size_t)n; \
} while (0)
	PUT("zhostd-recover %d\n", ZH_RECOVER_VERSION);
	PUT("qemu_pid %d\n", s->qemu_pid);
	PUT("qemu_start %" PRIu64 "\n", s->qemu_start);
	PUT("memfd_ino %" PRIu64 "\n", s->memfd_ino);
	PUT("bar_size %" PRIu64 "\n", s->bar_size);
	PUT("nr_slots %" PRIu32 "\n", s->nr_slots);
	PUT("slot_size %" PRIu32 "\n", s->slot_size);
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		if (v != VMRPC_HVEC_ECHO || s->echo)
			PUT("host_eventfd %u %" PRIu64 "\n", v, s->host_id[v]);
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		if (v != VMRPC_GVEC_ECHO || s->echo)
			PUT("guest_eventfd %u %" PRIu64 "\n", v, s->guest_id[v]);
#undef PUT
	return (int)at;
}

/* A decimal number of at most @max, the whole of @s. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	if (errno || *end || *out > max)
		return -EINVAL;
	return 0;
}

enum { K_VERSION, K_PID, K_START, K_INO, K_BAR, K_SLOTS, K_SLOT_SIZE,
       K_HOST, K_GUEST = K_HOST + VMRPC_NR_VECTORS,
       K_NR = K_GUEST + VMRPC_NR_VECTORS };

/* One line, split at its spaces into @key, @a and maybe @b. */
static int state_line(char *line, struct zh_recover_state *s, bool *seen,
		      char *err, size_t errlen)
{
	static const char *const keys[] = {
		[K_VERSION] = "zhostd-recover", [K_PID] = "qemu_pid",
		[K_START] = "qemu_start", [K_INO] = "memfd_ino",
		[K_BAR] = "bar_size", [K_SLOTS] = "nr_slots",
		[K_SLOT_SIZE] = "slot_size",
	};
	char *key = strtok(line, " "), *a = strtok(NULL, " ");
	char *b = strtok(NULL, " "), *extra = strtok(NULL, " ");
	uint64_t x = 0, y = 0;
	unsigned int k;

	if (!key || !a || extra || parse_u64(a, INT64_MAX, &x) ||
	    (b && parse_u64(b, UINT64_MAX, &y))) {
		snprintf(err, errlen, "malformed line '%.40s'", key ? key : "");
		return -EINVAL;
	}
	if (!strcmp(key, "host_eventfd") || !strcmp(key, "guest_eventfd")) {
		if (!b || x >= VMRPC_NR_VECTORS) {
			snprintf(err, errlen, "bad %s line", key);
			return -EINVAL;
		}
		k = (key[0] == 'h' ? K_HOST : K_GUEST) + (unsigned int)x;
		if (key[0] == 'h')
			s->host_id[x] = y;
		else
			s->guest_id[x] = y;
	} else {
		for (k = 0; k < K_HOST && strcmp(keys[k], key); k++)
			;
		if (k == K_HOST || b) {
			snprintf(err, errlen, "unknown line '%.40s'", key);
			return -EINVAL;
		}
		switch (k) {
		case K_VERSION:
			if (x != ZH_RECOVER_VERSION) {
				snprintf(err, errlen, "version %" PRIu64 ", this zhostd reads %d",
					 x, ZH_RECOVER_VERSION);
				return -EINVAL;
			}
			break;
		case K_PID:
			if (!x || x > INT32_MAX)
				goto range;
			s->qemu_pid = (int)x;
			break;
		case K_START: s->qemu_start = x; break;
		case K_INO: s->memfd_ino = x; break;
		case K_BAR: s->bar_size = x; break;
		case K_SLOTS:
			if (x > UINT32_MAX)
				goto range;
			s->nr_slots = (uint32_t)x;
			break;
		case K_SLOT_SIZE:
			if (x > UINT32_MAX)
				goto range;
			s->slot_size = (uint32_t)x;
			break;
		}
	}
	if (seen[k]) {
		snprintf(err, errlen, "'%s' twice", key);
		return -EINVAL;
	}
	seen[k] = true;
	return 0;
range:
	snprintf(err, errlen, "%s out of range", key);
	return -EINVAL;
}

int zh_recover_state_parse(const char *text, struct zh_recover_state *s,
			   char *err, size_t errlen)
{
	bool seen[K_NR] = { false };
	char *copy, *line, *save = NULL;
	unsigned int k;
	int ret = 0;

	memset(s, 0, sizeof(*s));
	copy = strdup(text);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (line = strtok_r(copy, "\n", &save); line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = state_line(line, s, seen, err, errlen);
	free(copy);
	/* The echo vector's lines come both or not at all. */
	s->echo = seen[K_HOST + VMRPC_HVEC_ECHO] &&
		  seen[K_GUEST + VMRPC_GVEC_ECHO];
	if (!seen[K_HOST + VMRPC_HVEC_ECHO] && !seen[K_GUEST + VMRPC_GVEC_ECHO])
		seen[K_HOST + VMRPC_HVEC_ECHO] =
			seen[K_GUEST + VMRPC_GVEC_ECHO] = true;
	for (k = 0; !ret && k < K_NR; k++) {
		if (!seen[k]) {
			snprintf(err, errlen, "incomplete (entry %u missing)", k);
			ret = -EINVAL;
		}
	}
	return ret;
}

int zh_fdinfo_parse(const char *text, struct zh_fdinfo *fi)
{
	const char *line = text;
	bool flags = false;
	uint64_t x;

	memset(fi, 0, sizeof(*fi));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		char buf[96];
		size_t n = nl ? (size_t)(nl - line) : strlen(line);
		char *val;

		if (n < sizeof(buf)) {
			memcpy(buf, line, n);
			buf[n] = 0;
			val = strchr(buf, ':');
			if (val) {
				*val++ = 0;
				val += strspn(val, " \t");
				if (!strcmp(buf, "flags"))
					flags = true;
				else if (!strcmp(buf, "ino") &&
					 !parse_u64(val, UINT64_MAX, &x))
					fi->ino = x;
				else if (!strcmp(buf, "eventfd-id") &&
					 !parse_u64(val, UINT64_MAX, &x)) {
					fi->is_eventfd = true;
					fi->eventfd_id = x;
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return flags ? 0 : -EINVAL;
}

void zh_recover_fds_init(struct zh_recover_fds *m)
{
	unsigned int v;

	m->memfd = -1;
	for (v = 0; v < VMRPC_NR_VECTORS; v++)
		m->host_fd[v] = m->guest_fd[v] = -1;
}

void zh_recover_match(const struct zh_recover_state *s, int fd,
		      const struct zh_fdinfo *fi, struct zh_recover_fds *m)
{
	unsigned int v;

	if (!fi->is_eventfd) {
		if (m->memfd < 0 && fi->ino && fi->ino == s->memfd_ino)
			m->memfd = fd;
		return;
	}
	for (v = 0; v < VMRPC_NR_VECTORS; v++) {
		if (v == VMRPC_HVEC_ECHO && !s->echo)
			continue;
		if (m->host_fd[v] < 0 && fi->eventfd_id == s->host_id[v])
			m->host_fd[v] = fd;
		if (m->guest_fd[v] < 0 && fi->eventfd_id == s->guest_id[v])
			m->guest_fd[v] = fd;
	}
}

bool zh_recover_match_done(const struct zh_recover_fds *m, char *err,
			   size_t errlen)
{
	unsigned int v;

	if (m->memfd < 0) {
		snprintf(err, errlen, "QEMU holds no memfd with the recorded inode");
		return false;
	}
	for (v = 0; v < VMRPC_NR_VECTORS_MIN; v++) {
		if (m->host_fd[v] < 0 || m->guest_fd[v] < 0) {
			snprintf(err, errlen, "QEMU holds no %s eventfd of vector %u",
				 m->host_fd[v] < 0 ? "host" : "guest", v);
			return false;
		}
	}
	return true;
}
