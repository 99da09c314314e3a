/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Parsing of the guest's /proc texts that reverse calls return. The guest
 * is untrusted: every parser accepts any bytes, skips what it does not
 * understand and never reads past @len.
 */
#ifndef ZHOSTD_GUESTINFO_PARSE_H
#define ZHOSTD_GUESTINFO_PARSE_H

#include <stddef.h>

#include <jansson.h>

/* /proc/meminfo: {"MemTotal": bytes, ...}; "kB" values become bytes. */
json_t *guestinfo_parse_meminfo(const char *text, size_t len);

/* /proc/vmstat: {"nr_free_pages": N, ...}. */
json_t *guestinfo_parse_vmstat(const char *text, size_t len);

/*
 * /proc/loadavg into @obj: load1, load5, load15, running, total, last_pid.
 * Return: 0, or -1 when the text is not a loadavg line.
 */
int guestinfo_parse_loadavg(const char *text, size_t len, json_t *obj);

/*
 * /proc/cpuinfo into @obj: cpus (processor entries) and model_name (the
 * first, anything but printable ASCII replaced by '?').
 */
void guestinfo_parse_cpuinfo(const char *text, size_t len, json_t *obj);

/**
 * guestinfo_text_json() - the guest's text as a JSON string
 * @buf: the text (any bytes)
 * @len: its length
 *
 * Return: a new string with anything but printable ASCII, tab and newline
 * replaced by '?' (JSON needs valid UTF-8), or NULL when out of memory.
 */
json_t *guestinfo_text_json(const char *buf, size_t len);

#endif /* ZHOSTD_GUESTINFO_PARSE_H */
