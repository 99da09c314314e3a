/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where another process (QEMU) maps a file (the memfd): its lines of
 * /proc/PID/maps that map the file shared, and a range of the file turned
 * into that process's virtual addresses, for process_madvise(). Parsing
 * only: paging.c reads the file. The text is the kernel's, but a line
 * that does not parse is skipped, never trusted.
 */
#ifndef ZHOSTD_QEMU_MAPS_H
#define ZHOSTD_QEMU_MAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/**
 * struct zh_map - one shared mapping of the file
 * @va: its first virtual address
 * @offset: the file offset mapped there
 * @len: its length in bytes
 */
struct zh_map {
	uint64_t va;
	uint64_t offset;
	uint64_t len;
};

/**
 * zh_maps_parse() - the shared mappings of a file in a maps text
 * @text: the contents of /proc/PID/maps, NUL-terminated
 * @dev_major: the file's device (major(st_dev))
 * @dev_minor: minor(st_dev)
 * @ino: its inode number
 * @out: filled with up to @max mappings, in the order of @text
 * @max: room in @out
 *
 * Return: the number of shared mappings of the file found (may exceed
 * @max; only @max are stored).
 */
size_t zh_maps_parse(const char *text, unsigned int dev_major,
		     unsigned int dev_minor, uint64_t ino, struct zh_map *out,
		     size_t max);

/**
 * zh_maps_translate() - a file range as the process's addresses
 * @maps: the mappings (zh_maps_parse())
 * @nr: how many
 * @offset: first byte of the range in the file
 * @len: its length, > 0
 * @iov: filled with up to @max address ranges covering the range
 * @max: room in @iov
 *
 * Where mappings overlap, the first that covers a byte is used.
 *
 * Return: the number of entries of @iov used, or -1 when a byte of the
 * range is not mapped or @max is too small.
 */
int zh_maps_translate(const struct zh_map *maps, size_t nr, uint64_t offset,
		      uint64_t len, struct iovec *iov, int max);

#endif /* ZHOSTD_QEMU_MAPS_H */
