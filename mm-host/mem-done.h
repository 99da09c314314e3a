/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * How a resize ended (the guest's VMRPC_MEM_DONE, as memory.c kept it) as
 * JSON: one builder for query-memory's "last_resize" and the RESIZE_DONE
 * event, so that both say the same, stages included.
 */
#ifndef ZHOSTD_MEM_DONE_H
#define ZHOSTD_MEM_DONE_H

#include <jansson.h>

#include "memory.h"

/**
 * zhostd_mem_stages_json() - where a resize's time went
 * @d: the report
 *
 * Return: JSON null when the guest sent no stages, else {the ten fields of
 * struct vmrpc_mem_stages, "zhostd_us", "zhostd_calls", "vmrpc_us",
 * "free_us", "free_wait_us"}, where vmrpc_us is host_us less zhostd_us, at
 * least 0: what VMRPC's round trips cost. A new reference, NULL when out
 * of memory.
 */
json_t *zhostd_mem_stages_json(const struct zhostd_memory_done *d);

/**
 * zhostd_mem_done_json() - a resize report
 * @d: the report
 * @count: its number (reports since zhostd started, this one included)
 *
 * Return: {"requested", "plugged", "reason", "error", "count", "stages"},
 * a new reference, NULL when out of memory.
 */
json_t *zhostd_mem_done_json(const struct zhostd_memory_done *d,
			     uint64_t count);

#endif /* ZHOSTD_MEM_DONE_H */
