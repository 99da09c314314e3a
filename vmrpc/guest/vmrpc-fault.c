// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMRPC guest driver: fault injection for tests (CONFIG_VMRPC_FAULT_INJECTION).
 *
 * Two faults, both module parameters so that they can be set on the kernel
 * command line (vmrpc.fault_...) before the first call, and changed later in
 * /sys/module/vmrpc/parameters/:
 *
 * fault_lose_reply=MODULE:PROC:COUNT
 *	the next COUNT calls of that procedure reach the host and are
 *	answered, but the caller is told they timed out: what a reply lost
 *	to a slow host looks like, with the host's side effects done.
 * fault_served_delay_ms=MS
 *	after a reverse call is answered, wait this long before ringing the
 *	host: widens the window in which the host may post the slot again.
 */
#define pr_fmt(fmt) "vmrpc: " fmt

#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/spinlock.h>

#include "vmrpc-internal.h"

static unsigned int fault_served_delay_ms;
module_param(fault_served_delay_ms, uint, 0644);
MODULE_PARM_DESC(fault_served_delay_ms,
		 "Test only: delay after answering a reverse call (ms)");

/* The call whose replies are lost; all under vmrpc_fault_lock. */
static DEFINE_SPINLOCK(vmrpc_fault_lock);
static u16 lose_module, lose_proc;
static unsigned int lose_count;

static int vmrpc_fault_lose_set(const char *val, const struct kernel_param *kp)
{
	unsigned int mod, proc, count;
	unsigned long flags;

	if (sscanf(val, "%u:%u:%u", &mod, &proc, &count) != 3 ||
	    mod >= VMRPC_NR_MODULES || proc > U16_MAX)
		return -EINVAL;
	spin_lock_irqsave(&vmrpc_fault_lock, flags);
	lose_module = mod;
	lose_proc = proc;
	lose_count = count;
	spin_unlock_irqrestore(&vmrpc_fault_lock, flags);
	return 0;
}

static int vmrpc_fault_lose_get(char *buf, const struct kernel_param *kp)
{
	unsigned long flags;
	int len;

	spin_lock_irqsave(&vmrpc_fault_lock, flags);
	len = sysfs_emit(buf, "%u:%u:%u\n", lose_module, lose_proc, lose_count);
	spin_unlock_irqrestore(&vmrpc_fault_lock, flags);
	return len;
}

static const struct kernel_param_ops vmrpc_fault_lose_ops = {
	.set = vmrpc_fault_lose_set,
	.get = vmrpc_fault_lose_get,
};
module_param_cb(fault_lose_reply, &vmrpc_fault_lose_ops, NULL, 0644);
MODULE_PARM_DESC(fault_lose_reply,
		 "Test only: MODULE:PROC:COUNT, report the next COUNT replies of that call as timed out");

/**
 * vmrpc_fault_lose_reply() - whether to drop the reply of this call
 * @module: the call's module
 * @proc: the call's procedure
 *
 * Return: true for the calls fault_lose_reply names, as many times as it
 * says.
 */
bool vmrpc_fault_lose_reply(u16 module, u16 proc)
{
	unsigned long flags;
	bool lose = false;

	spin_lock_irqsave(&vmrpc_fault_lock, flags);
	if (lose_count && module == lose_module && proc == lose_proc) {
		lose_count--;
		lose = true;
	}
	spin_unlock_irqrestore(&vmrpc_fault_lock, flags);
	if (lose)
		pr_warn("fault injection: reporting the reply of call %u:%u as lost\n",
			module, proc);
	return lose;
}

/**
 * vmrpc_fault_served_delay() - the delay fault_served_delay_ms asks for
 */
void vmrpc_fault_served_delay(void)
{
	unsigned int ms = READ_ONCE(fault_served_delay_ms);

	if (ms)
		msleep(ms);
}
