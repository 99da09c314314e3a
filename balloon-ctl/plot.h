/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * balloon-ctl: plots with gnuplot. The data goes in gnuplot's script, the
 * SVG to a temporary file next to the destination that is renamed over it
 * only when gnuplot succeeded: a failed plot leaves whatever was at the
 * destination untouched. gnuplot is given no file name: it cannot be
 * made to run one as a command.
 */
#ifndef BALLOON_CTL_PLOT_H
#define BALLOON_CTL_PLOT_H

#include <jansson.h>

/**
 * bctl_plot_history() - plot query-wss-history samples as an SVG file
 * @samples: the "samples" array of query-wss-history
 * @title: the plot's title
 * @path: the SVG file to write
 *
 * Plots, over time, the plugged size, the host memory backing it, the
 * requested size and the working set of the guest and of ZONE_HOST, in
 * MiB. Reports its failures on stderr (gnuplot missing, no samples, a
 * @path starting with '|', gnuplot failing).
 *
 * Return: 0, or -1 after printing why.
 */
int bctl_plot_history(const json_t *samples, const char *title,
		      const char *path);

#endif /* BALLOON_CTL_PLOT_H */
