/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sizes on the command line: "1G", "512M", "64K", "4096".
 */
#ifndef ZH_SIZE_H
#define ZH_SIZE_H

#include <stdint.h>

/**
 * size_parse() - parse a size with an optional K, M, G or T suffix
 * (binary units; "KiB"-style and "B" suffixes are accepted too)
 * @s: the text
 * @out: the size in bytes
 *
 * Return: 0, or -1 when @s is not a size or overflows 64 bits.
 */
int size_parse(const char *s, uint64_t *out);

#endif /* ZH_SIZE_H */
