// SPDX-License-Identifier: GPL-2.0-only
/*
 * Untrusted text made printable; see ascii.h.
 */
#include "ascii.h"

void zh_ascii_clean(char *dst, const char *src, size_t len, bool keep_lines)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		bool ok = (c >= 0x20 && c < 0x7f) ||
			  (keep_lines && (c == '\n' || c == '\t'));

		dst[i] = ok ? (char)c : '?';
	}
	dst[len] = '\0';
}
