/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Untrusted text (a guest's, or quoted back from a client) made safe for
 * terminals, logs and JSON: every byte but printable ASCII becomes '?',
 * so no control code, escape sequence, bidi override or invalid UTF-8
 * gets through (Documentation/design/vmrpc.rst promises this).
 */
#ifndef ZH_ASCII_H
#define ZH_ASCII_H

#include <stdbool.h>
#include <stddef.h>

/**
 * zh_ascii_clean() - copy text, turning all but printable ASCII into '?'
 * @dst: room for @len + 1 bytes; may be @src itself
 * @src: @len bytes, NUL bytes included (they become '?' too)
 * @len: bytes to copy
 * @keep_lines: keep newline and tab as they are (multi-line text)
 *
 * @dst is NUL-terminated.
 */
void zh_ascii_clean(char *dst, const char *src, size_t len, bool keep_lines);

#endif /* ZH_ASCII_H */
