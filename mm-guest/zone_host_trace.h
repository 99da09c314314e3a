/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints of the ZONE_HOST provider (events/zone_host/ in tracefs):
 * one resize from start to end, each run of subblocks plugged, isolated
 * and unplugged, each call to the host issued and answered, and the
 * watermark recompute. The numbers the host gets with VMRPC_MEM_DONE
 * (struct vmrpc_mem_stages) sum these up; the events show the order and
 * each step's share. zone_host_trace.c creates them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM zone_host

#if !defined(_MM_ZONE_HOST_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MM_ZONE_HOST_TRACE_H

#include <linux/tracepoint.h>

TRACE_EVENT(zone_host_resize_start,
	    TP_PROTO(u64 requested, u64 plugged),
	    TP_ARGS(requested, plugged),
	    TP_STRUCT__entry(__field(u64, requested)
			     __field(u64, plugged)),
	    TP_fast_assign(__entry->requested = requested;
			   __entry->plugged = plugged;),
	    TP_printk("requested=%llu plugged=%llu",
		      __entry->requested, __entry->plugged)
);

TRACE_EVENT(zone_host_resize_done,
	    TP_PROTO(u64 requested, u64 plugged, u32 reason, int error,
		     u64 total_ns, unsigned int steps),
	    TP_ARGS(requested, plugged, reason, error, total_ns, steps),
	    TP_STRUCT__entry(__field(u64, requested)
			     __field(u64, plugged)
			     __field(u64, total_ns)
			     __field(u32, reason)
			     __field(int, error)
			     __field(unsigned int, steps)),
	    TP_fast_assign(__entry->requested = requested;
			   __entry->plugged = plugged;
			   __entry->total_ns = total_ns;
			   __entry->reason = reason;
			   __entry->error = error;
			   __entry->steps = steps;),
	    TP_printk("requested=%llu plugged=%llu reason=%u error=%d total_ns=%llu steps=%u",
		      __entry->requested, __entry->plugged, __entry->reason,
		      __entry->error, __entry->total_ns, __entry->steps)
);

/* A run of subblocks: plugged, isolated (taken from the allocator), unplugged. */
DECLARE_EVENT_CLASS(zone_host_run,
		    TP_PROTO(unsigned long first, unsigned long count, int ret),
		    TP_ARGS(first, count, ret),
		    TP_STRUCT__entry(__field(unsigned long, first)
				     __field(unsigned long, count)
				     __field(int, ret)),
		    TP_fast_assign(__entry->first = first;
				   __entry->count = count;
				   __entry->ret = ret;),
		    TP_printk("first=%lu count=%lu ret=%d",
			      __entry->first, __entry->count, __entry->ret)
);

/* The host granted (ret 0) or refused a run, and the guest onlined it. */
DEFINE_EVENT(zone_host_run, zone_host_plug,
	     TP_PROTO(unsigned long first, unsigned long count, int ret),
	     TP_ARGS(first, count, ret)
);

/* alloc_contig_range() over a run: isolation and migration. */
DEFINE_EVENT(zone_host_run, zone_host_isolate,
	     TP_PROTO(unsigned long first, unsigned long count, int ret),
	     TP_ARGS(first, count, ret)
);

/* A run the guest gave back, and whether the host confirmed it. */
DEFINE_EVENT(zone_host_run, zone_host_unplug,
	     TP_PROTO(unsigned long first, unsigned long count, int ret),
	     TP_ARGS(first, count, ret)
);

/* A memory block hot-added (and onlined) for a grow. */
TRACE_EVENT(zone_host_block_add,
	    TP_PROTO(unsigned long block, int ret),
	    TP_ARGS(block, ret),
	    TP_STRUCT__entry(__field(unsigned long, block)
			     __field(int, ret)),
	    TP_fast_assign(__entry->block = block;
			   __entry->ret = ret;),
	    TP_printk("block=%lu ret=%d", __entry->block, __entry->ret)
);

TRACE_EVENT(zone_host_call_issue,
	    TP_PROTO(u16 module, u16 proc, u32 req_len),
	    TP_ARGS(module, proc, req_len),
	    TP_STRUCT__entry(__field(u16, module)
			     __field(u16, proc)
			     __field(u32, req_len)),
	    TP_fast_assign(__entry->module = module;
			   __entry->proc = proc;
			   __entry->req_len = req_len;),
	    TP_printk("module=%u proc=%u req_len=%u",
		      __entry->module, __entry->proc, __entry->req_len)
);

/* @ret: reply length or negative errno, as vmrpc_call() returned it. */
TRACE_EVENT(zone_host_call_answer,
	    TP_PROTO(u16 module, u16 proc, int ret, u64 ns),
	    TP_ARGS(module, proc, ret, ns),
	    TP_STRUCT__entry(__field(u64, ns)
			     __field(u16, module)
			     __field(u16, proc)
			     __field(int, ret)),
	    TP_fast_assign(__entry->ns = ns;
			   __entry->module = module;
			   __entry->proc = proc;
			   __entry->ret = ret;),
	    TP_printk("module=%u proc=%u ret=%d ns=%llu",
		      __entry->module, __entry->proc, __entry->ret,
		      __entry->ns)
);

/* The zones' watermarks recomputed after a resize changed managed pages. */
TRACE_EVENT(zone_host_watermarks,
	    TP_PROTO(unsigned long managed, u64 ns),
	    TP_ARGS(managed, ns),
	    TP_STRUCT__entry(__field(unsigned long, managed)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->managed = managed;
			   __entry->ns = ns;),
	    TP_printk("host_managed_pages=%lu ns=%llu",
		      __entry->managed, __entry->ns)
);

#endif /* _MM_ZONE_HOST_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE zone_host_trace
#include <trace/define_trace.h>
