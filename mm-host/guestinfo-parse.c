// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsing of the guest's /proc texts.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "guestinfo-parse.h"

/*
 * Call fn for each line of text[0..len), with the line copied into a
 * NUL-terminated buffer (longer lines are cut, they are never valid input).
 */
static void for_each_line(const char *text, size_t len,
			  void (*fn)(const char *line, void *arg), void *arg)
{
	char line[256];
	size_t i = 0;

	while (i < len) {
		size_t n = 0;

		while (i < len && text[i] != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = text[i];
			i++;
		}
		i++;	/* the newline */
		line[n] = '\0';
		fn(line, arg);
	}
}

/* A field name: letters, digits, '_', '(', ')'; at most 63 bytes. */
static bool valid_name(const char *s, size_t n)
{
	if (!n || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_()", s[i]))
			return false;
	return true;
}

/* Parse a decimal unsigned number; false if it is not one. */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && (*end == '\0' || isspace((unsigned char)*end));
}

/* obj[name[0..len)] = v; len was checked by valid_name(). */
static void set_field(json_t *obj, const char *name, size_t len, uint64_t v)
{
	char key[64];

	if (v > INT64_MAX)
		return;
	memcpy(key, name, len);
	key[len] = '\0';
	json_object_set_new(obj, key, json_integer((json_int_t)v));
}

static void meminfo_line(const char *line, void *arg)
{
	const char *colon = strchr(line, ':');
	const char *p;
	uint64_t v;

	if (!colon || !valid_name(line, colon - line))
		return;
	p = colon + 1;
	while (*p == ' ')
		p++;
	if (!parse_u64(p, &v))
		return;
	while (isdigit((unsigned char)*p))
		p++;
	while (*p == ' ')
		p++;
	if (!strcmp(p, "kB")) {
		if (v > UINT64_MAX / 1024)
			return;
		v *= 1024;
	} else if (*p) {
		return;
	}
	set_field(arg, line, (size_t)(colon - line), v);
}

json_t *guestinfo_parse_meminfo(const char *text, size_t len)
{
	json_t *obj = json_object();

	if (obj)
		for_each_line(text, len, meminfo_line, obj);
	return obj;
}

static void vmstat_line(const char *line, void *arg)
{
	const char *sp = strchr(line, ' ');
	uint64_t v;

	if (!sp || !valid_name(line, sp - line) || !parse_u64(sp + 1, &v))
		return;
	set_field(arg, line, (size_t)(sp - line), v);
}

json_t *guestinfo_parse_vmstat(const char *text, size_t len)
{
	json_t *obj = json_object();

	if (obj)
		for_each_line(text, len, vmstat_line, obj);
	return obj;
}

int guestinfo_parse_loadavg(const char *text, size_t len, json_t *obj)
{
	double l1, l5, l15;
	unsigned int run, total, last;
	char buf[128];
	int n;

	if (len >= sizeof(buf))
		len = sizeof(buf) - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (sscanf(buf, "%lf %lf %lf %u/%u %u%n", &l1, &l5, &l15, &run, &total,
		   &last, &n) != 6)
		return -1;
	json_object_set_new(obj, "load1", json_real(l1));
	json_object_set_new(obj, "load5", json_real(l5));
	json_object_set_new(obj, "load15", json_real(l15));
	json_object_set_new(obj, "running", json_integer(run));
	json_object_set_new(obj, "total", json_integer(total));
	json_object_set_new(obj, "last_pid", json_integer(last));
	return 0;
}

struct cpuinfo_acc {
	json_t *obj;
	int cpus;
};

static void cpuinfo_line(const char *line, void *arg)
{
	struct cpuinfo_acc *acc = arg;
	const char *colon = strchr(line, ':');

	if (!colon)
		return;
	if (!strncmp(line, "processor", 9) && (line[9] == '\t' || line[9] == ' '))
		acc->cpus++;
	if (!strncmp(line, "model name", 10) &&
	    !json_object_get(acc->obj, "model_name")) {
		const char *v = colon + 1;
		char clean[256];

		while (*v == ' ')
			v++;
		/*
		 * The guest's words go to terminals and JSON readers: control
		 * codes and bidi overrides become '?', as vmrpc.rst promises.
		 */
		zh_ascii_clean(clean, v, strnlen(v, sizeof(clean) - 1), false);
		json_object_set_new(acc->obj, "model_name", json_string(clean));
	}
}

void guestinfo_parse_cpuinfo(const char *text, size_t len, json_t *obj)
{
	struct cpuinfo_acc acc = { .obj = obj };

	for_each_line(text, len, cpuinfo_line, &acc);
	json_object_set_new(obj, "cpus", json_integer(acc.cpus));
}

/*
 * The guest's text as a JSON string. The guest is untrusted and JSON
 * needs valid UTF-8, so anything but printable ASCII, tab and newline
 * becomes '?'.
 */
json_t *guestinfo_text_json(const char *buf, size_t len)
{
	char *clean = malloc(len + 1);
	json_t *s;

	if (!clean)
		return NULL;
	zh_ascii_clean(clean, buf, len, true);
	s = json_stringn(clean, len);
	free(clean);
	return s;
}
