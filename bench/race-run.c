// SPDX-License-Identifier: GPL-2.0
/*
 * One run of a scenario on its CPUs, from allocation to result: the batch
 * of trial instances (their own pages in mem_map, cache-line aligned,
 * allocated near the CPUs), the assertion sites its outcomes count, the
 * roles' threads, and the typed result.  race.c holds the map of the
 * engine.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <flagbench/mmdebug.h>
#include <flagbench/sched.h>
#include "cycles.h"
#include "machine.h"
#include "race-run.h"
#include "topology.h"

static int run_alloc_threads(struct race_run *r)
{
	size_t nr_sites = vm_bug_sites_end() - vm_bug_sites_begin();

	for (unsigned int i = 0; i < r->nr_roles; i++) {
		struct race_thread *th = &r->th[i];

		th->busy = calloc(r->batch, sizeof(uint32_t));
		th->sorted = calloc(r->batch, sizeof(uint32_t));
		th->start = calloc(r->batch, sizeof(uint64_t));
		th->end = calloc(r->batch, sizeof(uint64_t));
		th->mark = calloc(r->batch, sizeof(uint16_t));
		th->site_hits = calloc(nr_sites + 1, sizeof(unsigned long));
		if (!th->busy || !th->sorted || !th->start || !th->end ||
		    !th->mark || !th->site_hits)
			return -1;
	}
	return 0;
}

static int run_alloc(struct race_run *r, struct fb_topology *t, int cpu)
{
	size_t stride = (r->s->trial_size + 63) & ~(size_t)63;
	unsigned long nr_pages = (unsigned long)r->batch * r->s->pages_per_trial;
	size_t nr_sites = vm_bug_sites_end() - vm_bug_sites_begin();
	unsigned int i;

	r->data_len = stride * r->batch + 64;
	r->map_len = (nr_pages ? nr_pages : 1) * sizeof(struct page);
	r->data = fb_alloc_near(t, r->data_len, cpu);
	r->map = fb_alloc_near(t, r->map_len, cpu);
	r->inst = calloc(r->batch, sizeof(*r->inst));
	r->aim = calloc(r->batch, sizeof(*r->aim));
	r->aim_bins = calloc(r->batch, sizeof(*r->aim_bins));
	r->site_base = calloc(nr_sites + 1, sizeof(unsigned long));
	if (!r->data || !r->map || !r->inst || !r->aim || !r->aim_bins ||
	    !r->site_base || run_alloc_threads(r))
		return -1;
	set_mem_map(r->map, nr_pages);
	for (i = 0; i < nr_pages; i++)
		init_free_page(&r->map[i]);
	for (i = 0; i < r->batch; i++) {
		r->inst[i].data = (char *)r->data + i * stride;
		r->inst[i].pages = r->map + (size_t)i * r->s->pages_per_trial;
		r->s->reset(&r->inst[i]);
	}
	return 0;
}

/*
 * The packed trials, when this run can use them (race_scenario.packed):
 * the shape's own roles, no interrupt armed, no assertion counted, no
 * sleep.  Each word's array is a line longer than the batch, so that two
 * arrays' entries of one trial are not a multiple of 4 KiB apart (a load
 * after a store 4 KiB away waits as if they overlapped).  0, or -1.
 */
static int packed_alloc(struct race_run *r, struct fb_topology *t, int cpu)
{
	const struct race_scenario *s = r->s;
	const struct race_packed *pk = s->packed;

	if (!pk || r->roles != s->roles || r->irq_ticks || r->nr_asserts ||
	    s->sleeps)
		return 0;
	r->packed_n = r->batch * RACE_PACKED_BATCHES;
	r->packed_span = ((size_t)r->packed_n + 7) / 8 * 8 + 8;
	r->packed_len = pk->nr_words * r->packed_span * sizeof(unsigned long);
	r->packed_data = fb_alloc_near(t, r->packed_len, cpu);
	if (!r->packed_data)
		return -1;
	pk->reset(r->packed_data, r->packed_span, 0, r->packed_n);
	r->packed = pk;
	return 0;
}

static void run_free(struct race_run *r, struct fb_topology *t)
{
	if (r->packed_data)
		fb_free_near(t, r->packed_data, r->packed_len);
	fb_free_near(t, r->data, r->data_len);
	fb_free_near(t, r->map, r->map_len);
	free(r->inst);
	free(r->aim);
	free(r->aim_bins);
	free(r->site_base);
	for (unsigned int i = 0; i < r->nr_roles; i++) {
		free(r->th[i].busy);
		free(r->th[i].sorted);
		free(r->th[i].start);
		free(r->th[i].end);
		free(r->th[i].mark);
		free(r->th[i].site_hits);
	}
	set_mem_map(NULL, 0);
}

/* Every assertion outcome's sites: each inlined copy counts. */
static void resolve_sites(struct race_run *r)
{
	const struct race_scenario *s = r->s;
	unsigned int i;

	for (i = 0; i < s->nr_outcomes; i++) {
		const struct race_outcome *o = &s->outcomes[i];

		if (!o->assert_cond)
			continue;
		race_find_sites(o->assert_func, o->assert_cond, r->asites[i],
				ARRAY_SIZE(r->asites[i]));
		r->nr_asserts++;
	}
}

static void start_measuring(struct race_run *r)
{
	struct vm_bug_site *site;
	size_t n = 0;

	r->measure_start_ns = ktime_get_ns();
	memset(r->counts, 0, sizeof(r->counts));
	r->trials = r->reached = r->bad_trials = r->late = r->slots = 0;
	r->irq_taken = 0;
	for (site = vm_bug_sites_begin(); site < vm_bug_sites_end(); site++)
		r->site_base[n++] = __atomic_load_n(&site->hits, __ATOMIC_RELAXED);
}

/*
 * The plan of the whole run: its bound, the window search, the sleeps'
 * deadline, and the offset table in ticks (the open outer bins clipped
 * to RACE_WINDOW_MAX_AIM_NS, so that an offset fits an int32).  Every
 * trial counts: the sweep that finds the window is measured too, under
 * the plan the result reports.
 */
static void run_plan(struct race_run *r)
{
	const struct race_params *p = r->p;
	const struct race_scenario *s = r->s;
	unsigned int i;

	r->measure_ns = p->seconds > 0 ? p->seconds * 1e9 : 0;
	/* Serialised, the roles never meet: no jitter, no aim. */
	r->jitter = p->jitter > 0 && p->order == RACE_INTERLEAVED ? p->jitter : 0;
	race_window_init(&r->win, p->jitter >= 0 ? RACE_PLAN_JITTER :
			 p->aim ? RACE_PLAN_AIMED : RACE_PLAN_UNIFORM,
			 splitmix64(r->seed));
	for (i = 0; i < s->nr_outcomes; i++)
		r->win.names[i] = s->outcomes[i].name;
	race_deadline_init(&r->dl, p->adaptive_deadline, p->deadline_floor_ns,
			   p->deadline_ns);
	r->deadline_ns = r->dl.ns;
	/* Interrupts in every order: a serialised run shows they alone are not it. */
	if (s->irq_point && p->irq_ns > 0) {
		r->irq_ticks = race_ns_to_ticks(r, p->irq_ns);
		r->win.irq_point = s->irq_point;
		r->win.irq_role = s->roles[s->irq_role].name;
		r->win.irq_max_ns = p->irq_ns;
	}
	for (i = 0; i < RACE_WINDOW_NR_BINS; i++) {
		double lo = fmax(race_window_lo((int)i), -RACE_WINDOW_MAX_AIM_NS);
		double hi = fmin(race_window_hi((int)i), RACE_WINDOW_MAX_AIM_NS);

		r->bin_lo_ticks[i] = (int64_t)floor(lo * r->ticks_per_ns);
		r->bin_width_ticks[i] = hi > lo ?
			(uint64_t)ceil((hi - lo) * r->ticks_per_ns) : 1;
	}
}

/* A run of @s on @roles, allocated and planned; NULL with @err said. */
static struct race_run *run_new(const struct race_scenario *s,
				const struct race_params *p,
				struct fb_topology *t, const int *cpus,
				const struct race_role *roles,
				unsigned int nr_roles, char *err, size_t errlen)
{
	struct race_run *r = aligned_alloc(64, (sizeof(*r) + 63) & ~(size_t)63);
	const char *what = "";

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->roles = roles;
	r->nr_roles = nr_roles;
	r->anchored = s->sleeps && nr_roles > 1;
	r->p = p;
	r->emulated = fb_emulated(NULL);
	r->batch = p->batch;
	r->bar.n = (int)nr_roles;
	r->seed = splitmix64(ktime_get_ns());
	/* Calibrated once: every batch and the result read the same rate. */
	r->ticks_per_ns = fb_cycles_per_ns();
	r->ns_per_tick = 1 / r->ticks_per_ns;
	if (run_alloc(r, t, cpus[0]) || race_witness_alloc(r, cpus))
		goto nomem;
	resolve_sites(r);
	run_plan(r);
	/* Whether a run packs depends on its assertions and its interrupts. */
	what = "packed ";
	if (packed_alloc(r, t, cpus[0]))
		goto nomem;
	start_measuring(r);
	race_leader_init(r);
	return r;
nomem:
	snprintf(err, errlen, "cannot allocate %u %strials of %s", r->batch,
		 what, s->name);
	race_witness_free(r);
	run_free(r, t);
	free(r);
	return NULL;
}

/* One thread per role; the number started (an abort stops the others). */
static unsigned int run_threads(struct race_run *r, const int *cpus)
{
	unsigned int i, started = r->nr_roles;

	for (i = 0; i < r->nr_roles; i++) {
		/* The interrupt point's role: its thread takes them. */
		if (race_takes_irq(r, i))
			fb_irq_source = &r->th[i].irq;
		r->th[i].run = r;
		r->th[i].role = (int)i;
		r->th[i].cpu = cpus[i];
		if (pthread_create(&r->th[i].tid, NULL, race_thread_main,
				   &r->th[i])) {
			__atomic_store_n(&r->abort, true, __ATOMIC_RELAXED);
			started = i;
			break;
		}
	}
	for (i = 0; i < started; i++)
		pthread_join(r->th[i].tid, NULL);
	fb_irq_source = NULL;
	return started;
}

/* Why the run failed, into @err; 0 if it did not. */
static int run_failed(const struct race_run *r, unsigned int started,
		      enum fb_pair_class pc, char *err, size_t errlen)
{
	for (unsigned int i = 0; i < r->nr_roles; i++)
		if (r->th[i].error) {
			snprintf(err, errlen, "%s: cannot pin role %s to CPU %d: %s",
				 r->s->name, r->roles[i].name, r->th[i].cpu,
				 strerror(-r->th[i].error));
			return -1;
		}
	if (r->abort || started < r->nr_roles) {
		snprintf(err, errlen,
			 "%s: a role stayed away from the batch barrier for %llu s (pair %s): run aborted",
			 r->s->name, RACE_BARRIER_DEADLINE_NS / 1000000000ull,
			 fb_pair_class_name(pc));
		return -1;
	}
	return 0;
}

/*
 * Whether @r may run on past its seconds (race_params.extend_seconds):
 * only a time-bounded, interleaved run of a forbidden outcome this build
 * can produce, whose reference knows how many reached trials it needs.
 */
static void run_extension(struct race_run *r, enum fb_pair_class pc)
{
	const struct race_params *p = r->p;

	if (!p->need || !(p->extend_seconds > 0) || !(r->measure_ns > 0) ||
	    p->order != RACE_INTERLEAVED ||
	    race_expectation(r->s, this_variant.arch) != EXPECT_FORBIDDEN ||
	    race_run_structural(r))
		return;
	r->need = p->need(r->s, pc, p->need_arg);
	r->extend_ns = p->extend_seconds * 1e9;
}

int race_run_one(const struct race_scenario *s, const struct race_params *p,
		 struct fb_topology *t, enum fb_pair_class pc, const int *cpus,
		 const struct race_role *roles, unsigned int nr_roles,
		 struct race_results *results, char *err, size_t errlen)
{
	struct race_run *r = run_new(s, p, t, cpus, roles, nr_roles, err,
				     errlen);
	struct race_result *res;
	unsigned int started;
	int ret = -1;

	if (!r)
		return -1;
	run_extension(r, pc);
	started = run_threads(r, cpus);
	if (run_failed(r, started, pc, err, errlen))
		goto out;
	res = race_results_add(results);
	if (!res) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	race_result_collect(res, r, pc, cpus);
	race_witness_move(r, res);
	ret = 0;
out:
	race_witness_free(r);
	run_free(r, t);
	free(r);
	return ret;
}
