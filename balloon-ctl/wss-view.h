/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl: the working set for humans, shared by the wss, top and
 * history commands. Each function takes JSON as zhostd sends it (a sample
 * of query-wss or query-wss-history,
 * Documentation/reference/control-protocol.rst) and prints to stdout.
 */
#ifndef BALLOON_CTL_WSS_VIEW_H
#define BALLOON_CTL_WSS_VIEW_H

#include <jansson.h>

/* Ages of the idle histogram: idle[i] counts bytes idle for < 2^i windows. */
#define BCTL_WSS_AGES	8

/* "<1", "<2", ... "<128": the columns of the idle histogram. */
const char *bctl_wss_age_label(int age);

/* "600.0 MiB ± 12.0 MiB": a region's working set and its error. */
char *bctl_wss_fmt(const json_t *region, char *buf, size_t len);

/*
 * The regions of @sample side by side, one row per quantity (working set,
 * size, anon, file, kernel, free, user, pinned), then the idle histogram
 * as a row per region.
 */
void bctl_wss_print_regions(const json_t *sample);

/*
 * The idle histogram of @region as text bars of at most @width characters,
 * one row per age and one for what is older, each scaled to the region's
 * user memory.
 */
void bctl_wss_print_idle_bars(const json_t *region, int width);

#endif /* BALLOON_CTL_WSS_VIEW_H */
