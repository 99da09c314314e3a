// SPDX-License-Identifier: GPL-2.0-only
/* Counters of one VMRPC host, under one lock (see stats.h). */
#include <errno.h>
#include <string.h>

#include "stats.h"

int vmrpc_stats_init(struct vmrpc_stats *s)
{
	memset(&s->v, 0, sizeof(s->v));
	return -pthread_mutex_init(&s->lock, NULL);
}

void vmrpc_stats_destroy(struct vmrpc_stats *s)
{
	pthread_mutex_destroy(&s->lock);
}

void vmrpc_stats_get(struct vmrpc_stats *s, struct vmrpc_host_stats *out)
{
	pthread_mutex_lock(&s->lock);
	*out = s->v;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_g2h_begin(struct vmrpc_stats *s)
{
	pthread_mutex_lock(&s->lock);
	s->v.g2h_in_flight++;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_g2h_end(struct vmrpc_stats *s, bool began, bool replied,
			 uint32_t status, bool malformed)
{
	pthread_mutex_lock(&s->lock);
	if (began)
		s->v.g2h_in_flight--;
	if (replied) {
		s->v.g2h_calls++;
		if (status != VMRPC_OK)
			s->v.g2h_errors++;
		if (malformed)
			s->v.g2h_malformed++;
		s->v.g2h_status[status < VMRPC_NR_ERRORS ? status : VMRPC_EIO]++;
	}
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_h2g_begin(struct vmrpc_stats *s)
{
	pthread_mutex_lock(&s->lock);
	s->v.h2g_in_flight++;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_h2g_end(struct vmrpc_stats *s, enum vmrpc_stats_h2g how,
			 uint32_t status)
{
	pthread_mutex_lock(&s->lock);
	s->v.h2g_in_flight--;
	switch (how) {
	case VMRPC_STATS_H2G_REPLY:
		s->v.h2g_calls++;
		if (status != VMRPC_OK)
			s->v.h2g_errors++;
		break;
	case VMRPC_STATS_H2G_MALFORMED:
		s->v.h2g_malformed++;
		break;
	case VMRPC_STATS_H2G_TIMEOUT:
		s->v.h2g_timeouts++;
		break;
	case VMRPC_STATS_H2G_FAILED:
		break;
	}
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_h2g_timeout(struct vmrpc_stats *s)
{
	pthread_mutex_lock(&s->lock);
	s->v.h2g_timeouts++;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_h2g_malformed(struct vmrpc_stats *s)
{
	pthread_mutex_lock(&s->lock);
	s->v.h2g_malformed++;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_connection(struct vmrpc_stats *s, bool accepted)
{
	pthread_mutex_lock(&s->lock);
	if (accepted)
		s->v.connects++;
	else
		s->v.refused++;
	pthread_mutex_unlock(&s->lock);
}

void vmrpc_stats_doorbells(struct vmrpc_stats *s, uint64_t rung)
{
	pthread_mutex_lock(&s->lock);
	s->v.doorbells += rung;
	s->v.wakeups++;
	pthread_mutex_unlock(&s->lock);
}
