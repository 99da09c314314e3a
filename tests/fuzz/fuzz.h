/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the libFuzzer harnesses (tests/fuzz/fuzz-*.c) share: the entry
 * points libFuzzer calls and a check that turns a broken promise of the
 * code under test into a crash libFuzzer reports and saves.
 */
#ifndef ZH_FUZZ_H
#define ZH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_check(cond)			\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

#endif /* ZH_FUZZ_H */
