// SPDX-License-Identifier: GPL-2.0
/*
 * Topology through hwloc: see topology.h.
 *
 * The allowed set is what the calling thread may run on (sched_getaffinity,
 * so taskset and cgroup cpusets count) intersected with what hwloc knows.
 * The hwloc topology is loaded once; the allowed set is re-read at every
 * fb_topology_get(), so a process that narrows its own affinity (a test
 * does) is taken at its word.
 *
 * FB_TOPOLOGY=FILE.xml (an lstopo --of xml export) or
 * FB_TOPOLOGY=synthetic:DESCRIPTION (hwloc's synthetic syntax, e.g.
 * "package:2 l3:1 core:8 pu:2") describes another machine instead: the
 * machines users have (multi-socket SMT x86, POWER SMT4/SMT8, many-core
 * arm64) can then be planned for here, with FB_CPUSET=LIST standing for
 * their taskset or cgroup.  Such a topology is for planning only: nothing
 * is ever pinned on it (fb_pin_self() refuses).  topology-source.c bounds
 * what it may build (FB_MAX_CPUS) before hwloc builds it.
 *
 * Every query is a table lookup: each PU's levels are looked up once per
 * load, and the classes present and the placement orders once per change
 * of the allowed set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <hwloc.h>
#include "topology-source.h"
#include "topology.h"

/* The levels two CPUs can share, in the order of their pair classes. */
static const hwloc_obj_type_t level_type[FB_PAIR_NONE] = {
	[FB_PAIR_SMT] = HWLOC_OBJ_CORE,
	[FB_PAIR_L2] = HWLOC_OBJ_L2CACHE,
	[FB_PAIR_L3] = HWLOC_OBJ_L3CACHE,
	[FB_PAIR_PACKAGE] = HWLOC_OBJ_PACKAGE,
};

/*
 * A PU's place in hwloc's tree, looked up once per load: the pair loops of
 * `topology` and `race --pairs each` ask millions of pair classes on a big
 * machine, and each is then a few compares instead of a walk of hwloc's
 * PU list.
 */
struct fb_pu {
	hwloc_obj_t obj;
	hwloc_obj_t level[FB_PAIR_NONE];	/* closest core, L2, L3, package */
	/*
	 * below[c]: its topmost ancestor among the levels before class c
	 * (NULL if none).  The levels are nodes of one tree, so two CPUs
	 * share something closer than c exactly when their below[c] is one
	 * object: what picking CPUs pairwise of class c rests on.
	 */
	hwloc_obj_t below[FB_NR_PAIR_CLASSES];
	int smt_rank;	/* which thread of its core */
	int core_rank;	/* which core of its package, -1 without a core */
};

/* Placement keys of an allowed CPU, from its place in hwloc's tree. */
struct place_key {
	int cpu;
	int logical;	/* hwloc's logical PU index: compact order */
	int smt_rank;
	int core_rank;
	int package;
};

struct fb_topology {
	hwloc_topology_t topo;
	int nr_pus;
	struct fb_pu pus[FB_MAX_CPUS];	/* by logical index */
	int pu_of[FB_MAX_CPUS];		/* OS index -> logical index, or -1 */
	/* The allowed set, and what is derived from it once per change. */
	hwloc_bitmap_t allowed;		/* allowed PUs, by OS index */
	int nr_cpus;
	int cpus[FB_MAX_CPUS];		/* allowed OS indexes, ascending */
	unsigned present;		/* pair classes among them */
	int order[2][FB_MAX_CPUS];	/* by enum fb_placement */
	bool ready;
	int next[FB_MAX_CPUS];		/* the allowed set as re-read */
	struct place_key keys[FB_MAX_CPUS];
	int nr_numa;
	bool described;			/* FB_TOPOLOGY: not this machine */
};

static struct fb_topology fb_topo;
static int fb_topo_loaded;
static pthread_mutex_t fb_topo_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const pair_class_names[FB_NR_PAIR_CLASSES] = {
	[FB_PAIR_SMT] = "smt",
	[FB_PAIR_L2] = "l2",
	[FB_PAIR_L3] = "l3",
	[FB_PAIR_PACKAGE] = "package",
	[FB_PAIR_NONE] = "none",
};

const char *fb_pair_class_name(enum fb_pair_class c)
{
	return (unsigned)c < FB_NR_PAIR_CLASSES ? pair_class_names[c] : "?";
}

int fb_pair_class_parse(const char *s)
{
	int c;

	for (c = 0; c < FB_NR_PAIR_CLASSES; c++)
		if (!strcmp(s, pair_class_names[c]))
			return c;
	return -1;
}

const char *fb_placement_name(enum fb_placement p)
{
	return p == FB_PLACE_SCATTER ? "scatter" : "compact";
}

int fb_placement_parse(const char *s)
{
	if (!strcmp(s, "compact"))
		return FB_PLACE_COMPACT;
	if (!strcmp(s, "scatter"))
		return FB_PLACE_SCATTER;
	return -1;
}

/* Its closest ancestors at each level, and the topmost below each class. */
static void pu_levels(struct fb_pu *p, hwloc_obj_t pu)
{
	hwloc_obj_t o;
	int c, k;

	memset(p, 0, sizeof(*p));
	p->obj = pu;
	for (o = pu->parent; o; o = o->parent)
		for (c = 0; c < FB_PAIR_NONE; c++) {
			if (o->type != level_type[c])
				continue;
			if (!p->level[c])
				p->level[c] = o;
			for (k = c + 1; k < FB_NR_PAIR_CLASSES; k++)
				p->below[k] = o;	/* walking up: topmost last */
		}
}

/*
 * Placement ranks: which thread of its core (its rank among the core's
 * PUs in logical order) and which core of its package (likewise), or
 * among all cores when there is no package.
 */
static int rank_pus(struct fb_topology *t)
{
	int nc = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_CORE);
	int np = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PACKAGE);
	int *threads = calloc(nc > 0 ? nc : 1, sizeof(int));
	int *rank = calloc(nc > 0 ? nc : 1, sizeof(int));
	int *cores = calloc(np > 0 ? np : 1, sizeof(int));
	int i, ret = -1;

	if (!threads || !rank || !cores)
		goto out;
	for (i = 0; i < nc; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_CORE, i);
		hwloc_obj_t pkg = hwloc_get_ancestor_obj_by_type(t->topo,
						HWLOC_OBJ_PACKAGE, core);

		rank[i] = pkg ? cores[pkg->logical_index]++ : i;
	}
	for (i = 0; i < t->nr_pus; i++) {
		struct fb_pu *p = &t->pus[i];
		hwloc_obj_t core = p->level[FB_PAIR_SMT];

		p->smt_rank = core ? threads[core->logical_index]++ : 0;
		p->core_rank = core ? rank[core->logical_index] : -1;
	}
	ret = 0;
out:
	free(threads);
	free(rank);
	free(cores);
	return ret;
}

/*
 * Every PU's tables; -1 if the machine (FB_TOPOLOGY's @src, or this one
 * when NULL) is past what this build handles.
 */
static int build_tables(struct fb_topology *t, const char *src, char *err,
			size_t errlen)
{
	int n = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PU), i;
	const char *pre = src ? "FB_TOPOLOGY: " : "";
	const char *what = src ? src : "this machine";

	if (n > FB_MAX_CPUS) {
		snprintf(err, errlen, "%s%s: %d PUs, more than the %d flagbench handles (FB_MAX_CPUS)",
			 pre, what, n, FB_MAX_CPUS);
		return -1;
	}
	memset(t->pu_of, -1, sizeof(t->pu_of));
	for (i = 0; i < n; i++) {
		hwloc_obj_t pu = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PU, i);

		if (pu->os_index >= FB_MAX_CPUS) {
			snprintf(err, errlen, "%s%s: PU P#%u, past the %d CPUs flagbench handles (FB_MAX_CPUS)",
				 pre, what, pu->os_index, FB_MAX_CPUS);
			return -1;
		}
		t->pu_of[pu->os_index] = i;
		pu_levels(&t->pus[i], pu);
	}
	t->nr_pus = n;
	if (rank_pus(t)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int topology_load(struct fb_topology *t, char *err, size_t errlen)
{
	const char *src = getenv("FB_TOPOLOGY");
	char *buf = NULL;

	if (hwloc_topology_init(&t->topo)) {
		snprintf(err, errlen, "hwloc: cannot initialise: %s",
			 strerror(errno));
		return -1;
	}
	/* Caches and NUMA only: I/O objects are not needed. */
	hwloc_topology_set_io_types_filter(t->topo, HWLOC_TYPE_FILTER_KEEP_NONE);
	t->described = src && *src;
	t->ready = false;
	if (t->described && fb_topology_source(t->topo, src, &buf, err, errlen))
		goto fail;
	if (hwloc_topology_load(t->topo)) {
		snprintf(err, errlen, "hwloc: cannot load the topology%s%s: %s",
			 t->described ? " " : "", t->described ? src : "",
			 strerror(errno));
		goto fail;
	}
	free(buf);	/* hwloc has its own copy now */
	buf = NULL;
	if (build_tables(t, t->described ? src : NULL, err, errlen))
		goto fail;
	t->allowed = hwloc_bitmap_alloc();
	if (!t->allowed) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	t->nr_numa = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_NUMANODE);
	return 0;
fail:
	free(buf);
	hwloc_topology_destroy(t->topo);
	return -1;
}

static const struct fb_pu *pu_at(const struct fb_topology *t, int cpu)
{
	if (cpu < 0 || cpu >= FB_MAX_CPUS || t->pu_of[cpu] < 0)
		return NULL;
	return &t->pus[t->pu_of[cpu]];
}

enum fb_pair_class fb_cpu_pair_class(const struct fb_topology *t, int cpu_a,
				     int cpu_b)
{
	const struct fb_pu *a = pu_at(t, cpu_a), *b = pu_at(t, cpu_b);
	int c;

	if (!a || !b)
		return FB_PAIR_NONE;
	for (c = 0; c < FB_PAIR_NONE; c++)
		if (a->level[c] && a->level[c] == b->level[c])
			return c;
	return FB_PAIR_NONE;
}

static unsigned classes_among(const struct fb_topology *t)
{
	unsigned mask = 0, all = (1u << FB_NR_PAIR_CLASSES) - 1;
	int i, j;

	for (i = 0; i < t->nr_cpus; i++)
		for (j = i + 1; j < t->nr_cpus; j++) {
			mask |= 1u << fb_cpu_pair_class(t, t->cpus[i], t->cpus[j]);
			if (mask == all)
				return mask;
		}
	return mask;
}

static int cmp_compact(const void *a, const void *b)
{
	const struct place_key *x = a, *y = b;

	return x->logical - y->logical;
}

static int cmp_scatter(const void *a, const void *b)
{
	const struct place_key *x = a, *y = b;

	if (x->smt_rank != y->smt_rank)
		return x->smt_rank - y->smt_rank;
	if (x->core_rank != y->core_rank)
		return x->core_rank - y->core_rank;
	if (x->package != y->package)
		return x->package - y->package;
	return x->logical - y->logical;
}

/* The allowed CPUs in each placement's order. */
static void order_allowed(struct fb_topology *t)
{
	struct place_key *keys = t->keys;
	int i, n = t->nr_cpus;

	for (i = 0; i < n; i++) {
		const struct fb_pu *p = pu_at(t, t->cpus[i]);
		hwloc_obj_t pkg = p->level[FB_PAIR_PACKAGE];

		keys[i].cpu = t->cpus[i];
		keys[i].logical = (int)p->obj->logical_index;
		keys[i].smt_rank = p->smt_rank;
		keys[i].core_rank = p->core_rank >= 0 ? p->core_rank : i;
		keys[i].package = pkg ? (int)pkg->logical_index : 0;
	}
	qsort(keys, n, sizeof(*keys), cmp_compact);
	for (i = 0; i < n; i++)
		t->order[FB_PLACE_COMPACT][i] = keys[i].cpu;
	qsort(keys, n, sizeof(*keys), cmp_scatter);
	for (i = 0; i < n; i++)
		t->order[FB_PLACE_SCATTER][i] = keys[i].cpu;
}

/*
 * The allowed CPUs: those of @want that hwloc allows and knows as PUs.
 * What is derived from them is computed again only when they change, so
 * every thread of a race may ask for the topology while others read it.
 */
static int install_allowed(struct fb_topology *t, hwloc_const_bitmap_t want)
{
	hwloc_const_bitmap_t known = hwloc_topology_get_allowed_cpuset(t->topo);
	int cpu, n = 0;

	for (cpu = 0; cpu < FB_MAX_CPUS; cpu++)
		if (hwloc_bitmap_isset(want, cpu) &&
		    hwloc_bitmap_isset(known, cpu) && t->pu_of[cpu] >= 0)
			t->next[n++] = cpu;
	if (t->ready && n == t->nr_cpus &&
	    !memcmp(t->next, t->cpus, n * sizeof(int)))
		return n;
	memcpy(t->cpus, t->next, n * sizeof(int));
	t->nr_cpus = n;
	hwloc_bitmap_zero(t->allowed);
	for (cpu = 0; cpu < n; cpu++)
		hwloc_bitmap_set(t->allowed, t->cpus[cpu]);
	t->present = classes_among(t);
	order_allowed(t);
	t->ready = true;
	return n;
}

/* A described machine: FB_CPUSET (a list such as "0-3,8"), or every PU. */
static int described_allowed(struct fb_topology *t, hwloc_bitmap_t want,
			     char *err, size_t errlen)
{
	const char *list = getenv("FB_CPUSET");

	if (!list || !*list) {
		hwloc_bitmap_fill(want);
	} else if (fb_cpu_list_parse(list, want, err, errlen)) {
		return -1;
	}
	if (!install_allowed(t, want)) {
		snprintf(err, errlen, "FB_CPUSET %s: no CPU of the described topology",
			 list);
		return -1;
	}
	return 0;
}

/* The calling thread's affinity (taskset, cgroups). */
static int this_machine_allowed(struct fb_topology *t, hwloc_bitmap_t want,
				char *err, size_t errlen)
{
	size_t size = CPU_ALLOC_SIZE(FB_MAX_CPUS);
	cpu_set_t *mask = CPU_ALLOC(FB_MAX_CPUS);
	int cpu;

	if (!mask || sched_getaffinity(0, size, mask)) {
		snprintf(err, errlen, "sched_getaffinity: %s", strerror(errno));
		CPU_FREE(mask);
		return -1;
	}
	for (cpu = 0; cpu < FB_MAX_CPUS; cpu++)
		if (CPU_ISSET_S(cpu, size, mask))
			hwloc_bitmap_set(want, cpu);
	CPU_FREE(mask);
	if (!install_allowed(t, want)) {
		snprintf(err, errlen, "no allowed CPU is known to hwloc");
		return -1;
	}
	return 0;
}

static int topology_refresh_allowed(struct fb_topology *t, char *err,
				    size_t errlen)
{
	hwloc_bitmap_t want = hwloc_bitmap_alloc();
	int ret;

	if (!want) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (t->described)
		ret = described_allowed(t, want, err, errlen);
	else
		ret = this_machine_allowed(t, want, err, errlen);
	hwloc_bitmap_free(want);
	return ret;
}

struct fb_topology *fb_topology_get(char *err, size_t errlen)
{
	struct fb_topology *t = &fb_topo;

	pthread_mutex_lock(&fb_topo_lock);
	if (!fb_topo_loaded) {
		if (topology_load(t, err, errlen))
			goto fail;
		fb_topo_loaded = 1;
	}
	if (topology_refresh_allowed(t, err, errlen))
		goto fail;
	pthread_mutex_unlock(&fb_topo_lock);
	return t;
fail:
	pthread_mutex_unlock(&fb_topo_lock);
	/* One line, whatever FB_TOPOLOGY or FB_CPUSET held. */
	for (; errlen && *err; err++, errlen--)
		if ((unsigned char)*err < ' ' || *err == 0x7f)
			*err = '?';
	return NULL;
}

void fb_topology_reset(void)
{
	pthread_mutex_lock(&fb_topo_lock);
	if (fb_topo_loaded) {
		hwloc_bitmap_free(fb_topo.allowed);
		hwloc_topology_destroy(fb_topo.topo);
		memset(&fb_topo, 0, sizeof(fb_topo));
		fb_topo_loaded = 0;
	}
	pthread_mutex_unlock(&fb_topo_lock);
}

bool fb_topology_described(const struct fb_topology *t)
{
	return t->described;
}

int fb_topology_here(const struct fb_topology *t, char *err, size_t errlen)
{
	if (!t->described)
		return 0;
	snprintf(err, errlen,
		 "FB_TOPOLOGY describes another machine: plan with `topology --dry-run`, run on the machine itself");
	return -1;
}

int fb_topology_nr_cpus(const struct fb_topology *t)
{
	return t->nr_cpus;
}

int fb_topology_cpus(const struct fb_topology *t, int *cpus, int max)
{
	int n = t->nr_cpus < max ? t->nr_cpus : max;

	memcpy(cpus, t->cpus, (n > 0 ? n : 0) * sizeof(int));
	return n > 0 ? n : 0;
}

unsigned fb_topology_classes_present(const struct fb_topology *t)
{
	return t->present;
}

static int add_pair(int (*pairs)[2], int n, int cap, int a, int b)
{
	if (n < cap) {
		pairs[n][0] = a;
		pairs[n][1] = b;
		n++;
	}
	return n;
}

int fb_topology_each_pair(const struct fb_topology *t, int max,
			  int (*pairs)[2], int cap)
{
	int n = t->nr_cpus, m = n, i, j, k, np = 0, *sample;
	unsigned present, seen = 0;

	if (n < 2)
		return 0;
	while (m > 2 && m * (m - 1) > max)
		m--;
	sample = calloc(m, sizeof(*sample));
	if (!sample)
		return 0;
	/* Evenly spread: the i-th of m is the (i * n / m)-th allowed CPU. */
	for (i = 0; i < m; i++)
		sample[i] = t->cpus[(long)i * n / m];
	for (i = 0; i < m; i++)
		for (j = 0; j < m; j++) {
			if (i == j)
				continue;
			seen |= 1u << fb_cpu_pair_class(t, sample[i], sample[j]);
			np = add_pair(pairs, np, cap, sample[i], sample[j]);
		}
	free(sample);
	present = fb_topology_classes_present(t);
	for (k = 0; k < FB_NR_PAIR_CLASSES; k++) {
		int two[2];
		char err[16];

		if (!(present & ~seen & (1u << k)) ||
		    fb_topology_pick(t, k, 2, two, err, sizeof(err)))
			continue;
		np = add_pair(pairs, np, cap, two[0], two[1]);
		np = add_pair(pairs, np, cap, two[1], two[0]);
	}
	return np;
}

/* @cpu is of class @c with each of cpus[0..k). */
static bool fits(const struct fb_topology *t, enum fb_pair_class c,
		 const int *cpus, int k, int cpu)
{
	while (k--)
		if (fb_cpu_pair_class(t, cpus[k], cpu) != c)
			return false;
	return true;
}

/*
 * The first @n allowed CPUs, in allowed order, pairwise of class @c: what
 * a depth-first search finds, without its cubic cost when there are none.
 * Pairwise @c means one object of level @c shared (nothing shared for
 * FB_PAIR_NONE) and distinct below[c] (struct fb_pu), so from a given
 * first CPU, taking every later CPU that fits is exact: the sets form a
 * partition matroid.
 */
static bool pick_first(const struct fb_topology *t, enum fb_pair_class c,
		       int n, int *cpus)
{
	int i, j, k;

	for (i = 0; i + n <= t->nr_cpus; i++) {
		cpus[0] = t->cpus[i];
		for (k = 1, j = i + 1; j < t->nr_cpus && k < n; j++)
			if (fits(t, c, cpus, k, t->cpus[j]))
				cpus[k++] = t->cpus[j];
		if (k == n)
			return true;
	}
	return false;
}

static void format_allowed(const struct fb_topology *t, char *buf, size_t len)
{
	char *list = NULL;

	hwloc_bitmap_list_asprintf(&list, t->allowed);
	snprintf(buf, len, "%s", list ? list : "?");
	free(list);
}

int fb_topology_pick(const struct fb_topology *t, enum fb_pair_class c, int n,
		     int *cpus, char *err, size_t errlen)
{
	char allowed[256];

	if (n > t->nr_cpus) {
		format_allowed(t, allowed, sizeof(allowed));
		snprintf(err, errlen, "%d CPUs needed, %d allowed: %s", n,
			 t->nr_cpus, allowed);
		return -1;
	}
	if (n == 1) {
		cpus[0] = t->cpus[0];
		return 0;
	}
	if (n > 1 && !pick_first(t, c, n, cpus)) {
		format_allowed(t, allowed, sizeof(allowed));
		snprintf(err, errlen,
			 "no %d allowed CPUs are pairwise of class %s (allowed: %s)",
			 n, fb_pair_class_name(c), allowed);
		return -1;
	}
	return 0;
}

int fb_topology_place(const struct fb_topology *t, enum fb_placement p, int n,
		      int *cpus, char *err, size_t errlen)
{
	if (n > t->nr_cpus) {
		char allowed[256];

		format_allowed(t, allowed, sizeof(allowed));
		snprintf(err, errlen, "%d threads but only %d CPUs allowed: %s",
			 n, t->nr_cpus, allowed);
		return -1;
	}
	memcpy(cpus, t->order[p == FB_PLACE_SCATTER], (n > 0 ? n : 0) * sizeof(int));
	return 0;
}

int fb_pin_self(const struct fb_topology *t, int cpu)
{
	hwloc_bitmap_t set;
	int ret = 0;

	if (!hwloc_bitmap_isset(t->allowed, cpu))
		return -EINVAL;	/* never outside the allowed set */
	if (t->described)
		return -EOPNOTSUPP;	/* a plan, not this machine */
	set = hwloc_bitmap_alloc();
	if (!set)
		return -ENOMEM;
	hwloc_bitmap_only(set, cpu);
	if (hwloc_set_cpubind(t->topo, set,
			      HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT))
		ret = errno ? -errno : -EINVAL;
	hwloc_bitmap_free(set);
	return ret;
}

void *fb_alloc_near(const struct fb_topology *t, size_t len, int cpu)
{
	void *p = NULL;

	if (t->nr_numa > 1) {
		const struct fb_pu *pu = pu_at(t, cpu);

		if (pu)
			p = hwloc_alloc_membind(t->topo, len, pu->obj->cpuset,
						HWLOC_MEMBIND_BIND, 0);
	}
	if (!p)
		p = hwloc_alloc(t->topo, len);	/* page-aligned mmap */
	if (p)
		memset(p, 0, len);	/* first touch, from the caller */
	return p;
}

void fb_free_near(const struct fb_topology *t, void *p, size_t len)
{
	if (p)
		hwloc_free(t->topo, p, len);
}

static const char *cpu_model(const struct fb_topology *t)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(t->topo, HWLOC_OBJ_PACKAGE, 0);
	const char *m = NULL;

	if (pkg)
		m = hwloc_obj_get_info_by_name(pkg, "CPUModel");
	if (!m)
		m = hwloc_obj_get_info_by_name(hwloc_get_root_obj(t->topo),
					       "CPUModel");
	return m ? m : "unknown";
}

static json_t *caches_json(const struct fb_topology *t)
{
	static const hwloc_obj_type_t types[] = {
		HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE,
		HWLOC_OBJ_L4CACHE,
	};
	json_t *a = json_array();
	unsigned i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int n = hwloc_get_nbobjs_by_type(t->topo, types[i]);
		hwloc_obj_t o = hwloc_get_obj_by_type(t->topo, types[i], 0);

		if (n <= 0 || !o)
			continue;
		json_array_append_new(a, json_pack(
			"{s:i, s:I, s:i, s:i, s:I}", "level",
			(int)o->attr->cache.depth, "size_bytes",
			(json_int_t)o->attr->cache.size, "linesize",
			(int)o->attr->cache.linesize, "count", n, "cpus_per_cache",
			(json_int_t)hwloc_bitmap_weight(o->cpuset)));
	}
	return a;
}

json_t *fb_topology_json(const struct fb_topology *t)
{
	int pus = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PU);
	int cores = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_CORE);
	int pkgs = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_PACKAGE);
	json_t *allowed = json_array(), *classes = json_array();
	unsigned present = t->present;
	unsigned api = hwloc_get_api_version();
	char hwloc[32];
	int i;

	snprintf(hwloc, sizeof(hwloc), "%u.%u.%u", api >> 16, (api >> 8) & 0xff,
		 api & 0xff);
	for (i = 0; i < t->nr_cpus; i++)
		json_array_append_new(allowed, json_integer(t->cpus[i]));
	for (i = 0; i < FB_NR_PAIR_CLASSES; i++)
		if (present & (1u << i))
			json_array_append_new(classes,
					      json_string(fb_pair_class_name(i)));
	return json_pack("{s:s, s:i, s:i, s:i, s:i, s:b, s:o, s:o, s:o, s:s}",
			 "cpu_model", cpu_model(t), "pus", pus, "cores",
			 cores > 0 ? cores : pus, "packages", pkgs > 0 ? pkgs : 1,
			 "numa_nodes", t->nr_numa > 0 ? t->nr_numa : 1, "smt",
			 cores > 0 && pus > cores, "caches", caches_json(t),
			 "allowed_cpus", allowed, "pair_classes", classes,
			 "hwloc_api", hwloc);
}

int fb_topology_export_xml(const struct fb_topology *t, const char *path)
{
	return hwloc_topology_export_xml(t->topo, path, 0) ? -1 : 0;
}
