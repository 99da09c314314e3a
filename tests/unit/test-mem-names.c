// SPDX-License-Identifier: GPL-2.0-only
/*
 * The names of the guest's resize states and reasons (mm-host/common/
 * mem-names.c, from the list linux/vmrpc.h gives the guest too): zhostd's
 * replies and balloon-ctl's checks rely on these exact words.
 */
#include <string.h>

#include <linux/vmrpc.h>

#include "../lib/tap.h"
#include "mem-names.h"

int main(void)
{
	tap_timeout(30, NULL);
	tap_plan(4);
	tap_ok(!strcmp(zh_mem_state_name(VMRPC_MEM_S_NONE), "none") &&
	       !strcmp(zh_mem_state_name(VMRPC_MEM_S_IDLE), "idle") &&
	       !strcmp(zh_mem_state_name(VMRPC_MEM_S_RESIZING), "resizing") &&
	       !strcmp(zh_mem_state_name(VMRPC_MEM_S_STUCK), "stuck"),
	       "states: none, idle, resizing, stuck");
	tap_ok(!zh_mem_state_name(VMRPC_MEM_S_STUCK + 1) &&
	       !zh_mem_state_name(UINT32_MAX),
	       "a state this version does not know has no name");
	tap_ok(!strcmp(zh_mem_reason_name(VMRPC_MEM_R_NONE), "reached") &&
	       !strcmp(zh_mem_reason_name(VMRPC_MEM_R_FLOOR), "floor") &&
	       !strcmp(zh_mem_reason_name(VMRPC_MEM_R_BUSY), "busy") &&
	       !strcmp(zh_mem_reason_name(VMRPC_MEM_R_REFUSED), "refused") &&
	       !strcmp(zh_mem_reason_name(VMRPC_MEM_R_ERROR), "error") &&
	       !strcmp(zh_mem_reason_name(VMRPC_MEM_R_NO_ROOM), "no-room"),
	       "reasons: reached, floor, busy, refused, error, no-room");
	tap_ok(!strcmp(zh_mem_reason_name(VMRPC_MEM_R_PINNED + 1), "unknown") &&
	       !strcmp(zh_mem_reason_name(UINT32_MAX), "unknown"),
	       "a reason this version does not know is \"unknown\"");
	return tap_done();
}
