/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory-management system calls newer than Debian 12's headers: the
 * numbers (x86_64) and the advice zhostd's host paging and its probe use,
 * for building where the C library does not define them yet.
 */
#ifndef ZH_MM_SYSCALLS_H
#define ZH_MM_SYSCALLS_H

#include <sys/mman.h>
#include <sys/syscall.h>

#ifndef __NR_pidfd_open
#define __NR_pidfd_open		434
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise	440
#endif
#ifndef __NR_cachestat
#define __NR_cachestat		451
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT		21
#endif

#endif /* ZH_MM_SYSCALLS_H */
