/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The names of the guest's resize states and reasons, from the list the
 * guest uses too (VMRPC_MEM_STATE_NAMES, VMRPC_MEM_REASON_NAMES in
 * linux/vmrpc.h): zhostd puts them in its replies and events, balloon-ctl
 * reads them back.
 */
#ifndef ZH_MEM_NAMES_H
#define ZH_MEM_NAMES_H

#include <stdint.h>

/**
 * zh_mem_state_name() - the name of a VMRPC_MEM_S_* state
 * @state: the state, as the guest reported it
 *
 * Return: "idle", "stuck", ...; NULL for a state this version does not know.
 */
const char *zh_mem_state_name(uint32_t state);

/**
 * zh_mem_reason_name() - the name of a VMRPC_MEM_R_* reason
 * @reason: the reason, as the guest reported it
 *
 * Return: "reached", "floor", ...; "unknown" for a reason this version
 * does not know.
 */
const char *zh_mem_reason_name(uint32_t reason);

#endif /* ZH_MEM_NAMES_H */
