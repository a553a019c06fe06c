// SPDX-License-Identifier: GPL-2.0
/* Tracepoints (trace.h): the recording half, called only when on. */
#include <flagbench/trace.h>

__thread struct fb_trace *fb_trace_cur;

struct fb_trace_event *fb_trace_stamp(struct fb_trace *t, const char *name)
{
	/* Stamp first: the event happened before its bookkeeping. */
	uint64_t now = t->clock();

	if (t->nr >= t->cap)
		return NULL;	/* a full buffer keeps the trial's first events */
	t->ev[t->nr] = (struct fb_trace_event){
		.name = name, .stamp = now, .kind = FB_TRACE_STEP,
	};
	return &t->ev[t->nr++];
}
