/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sizes typed by users, the one grammar of zhostd, balloon-ctl and
 * zhost-run: decimal digits, optionally followed by a unit K, M, G or T
 * (either case; powers of 1024), which may be spelled with "iB" or "B"
 * after it: "4096", "64K", "64KiB", "512m", "2G", "1T", "1GB". No sign,
 * no fraction, no spaces, nothing above 2^64 - 1 bytes. zhost-run parses
 * the same grammar in bash; tests/unit/sizes.txt holds the strings both
 * are tested with, so the two cannot drift apart.
 */
#ifndef ZH_SIZE_H
#define ZH_SIZE_H

#include <stdint.h>

/* The grammar in a few words, for messages that refuse a size. */
#define ZH_SIZE_HINT	"bytes, or with a unit K, M, G or T"

/**
 * size_parse() - parse a size of the grammar above
 * @s: the text
 * @out: the size in bytes; unchanged on failure
 *
 * Return: 0, or -1 when @s is not a size or overflows 64 bits.
 */
int size_parse(const char *s, uint64_t *out);

#endif /* ZH_SIZE_H */
