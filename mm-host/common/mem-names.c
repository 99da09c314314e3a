// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of the guest's resize states and reasons (mem-names.h).
 */
#include <stddef.h>

#include <linux/vmrpc.h>

#include "mem-names.h"

static const char *const state_names[] = { VMRPC_MEM_STATE_NAMES };
static const char *const reason_names[] = { VMRPC_MEM_REASON_NAMES };

const char *zh_mem_state_name(uint32_t state)
{
	return state < sizeof(state_names) / sizeof(state_names[0]) ?
	       state_names[state] : NULL;
}

const char *zh_mem_reason_name(uint32_t reason)
{
	return reason < sizeof(reason_names) / sizeof(reason_names[0]) ?
	       reason_names[reason] : "unknown";
}
