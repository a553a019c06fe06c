// SPDX-License-Identifier: GPL-2.0
/* Interrupt points (interrupt.h): the delivering half, called only when armed. */
#include <flagbench/barrier.h>
#include <flagbench/interrupt.h>
#include <flagbench/sched.h>
#include <flagbench/trace.h>

struct fb_irq *fb_irq_source;

void fb_irq_deliver(struct fb_irq *irq)
{
	uint64_t end;

	if (irq->owner != current || !irq->ticks)
		return;
	end = irq->clock() + irq->ticks;
	/* One per trial: the engine arms the next. */
	irq->ticks = 0;
	irq->taken++;
	trace_fb_step(irq->enter);
	/* The handler touches nothing the interrupted path holds. */
	while (irq->clock() < end)
		cpu_relax();
	trace_fb_step(irq->exit);
}
