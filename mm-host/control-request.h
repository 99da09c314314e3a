/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One request line of the control protocol to its reply, without the
 * socket: what a client sent is parsed here, so tests and the fuzzer
 * (tests/fuzz/fuzz-control.c) reach it on a buffer.
 */
#ifndef ZHOSTD_CONTROL_REQUEST_H
#define ZHOSTD_CONTROL_REQUEST_H

#include <stddef.h>

#include <jansson.h>

#include "zhostd.h"

/**
 * zhostd_control_request() - parse one request line and run it
 * @zd: the daemon whose commands run
 * @line: the line's bytes, without its newline; need not be NUL-terminated
 * @len: their number
 *
 * Any bytes are accepted: malformed JSON, invalid UTF-8, NUL bytes and
 * nesting deeper than jansson's limit get a GenericError reply quoting
 * jansson's reason with anything but printable ASCII replaced by '?'.
 *
 * Return: the reply ({"return": ...} or {"error": ...}), a new reference;
 * NULL only when out of memory.
 */
json_t *zhostd_control_request(struct zhostd *zd, const char *line,
			       size_t len);

/**
 * zhostd_control_error() - a QMP-style error reply
 * @cls: one of the ZERR_* classes
 * @desc: the description; must be valid UTF-8
 *
 * Return: {"error": {"class": @cls, "desc": @desc}}, a new reference, or
 * NULL when out of memory.
 */
json_t *zhostd_control_error(const char *cls, const char *desc);

#endif /* ZHOSTD_CONTROL_REQUEST_H */
