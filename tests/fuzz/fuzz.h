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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define fuzz_check(cond)			\
	do {					\
		if (!(cond))			\
			__builtin_trap();	\
	} while (0)

/*
 * A copy of @len bytes of @data in a buffer of exactly that size, so that
 * ASan sees a read past it; aborts when out of memory.
 */
static inline void *fuzz_dup(const void *data, size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p)
		abort();
	return len ? memcpy(p, data, len) : p;
}

/* A memfd of @size bytes, the VM's memory for a backend; aborts on failure. */
static inline int fuzz_memfd(const char *name, off_t size)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0 || ftruncate(fd, size))
		abort();
	return fd;
}

#endif /* ZH_FUZZ_H */
