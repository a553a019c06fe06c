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
 * is ever pinned on it (fb_pin_self() refuses).
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
#include "topology.h"

#define FB_MAX_CPUS 4096

struct fb_topology {
	hwloc_topology_t topo;
	hwloc_bitmap_t allowed;		/* allowed PUs, by OS index */
	int nr_cpus;
	int cpus[FB_MAX_CPUS];		/* allowed OS indexes, ascending */
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

/* FB_TOPOLOGY: an XML file or "synthetic:DESCRIPTION". */
static int topology_set_source(struct fb_topology *t, const char *src,
			       char *err, size_t errlen)
{
	static const char synth[] = "synthetic:";

	t->described = true;
	if (!strncmp(src, synth, sizeof(synth) - 1)) {
		if (hwloc_topology_set_synthetic(t->topo, src + sizeof(synth) - 1)) {
			snprintf(err, errlen,
				 "FB_TOPOLOGY: not a valid hwloc synthetic description: '%s'",
				 src + sizeof(synth) - 1);
			return -1;
		}
		return 0;
	}
	if (hwloc_topology_set_xml(t->topo, src)) {
		snprintf(err, errlen, "FB_TOPOLOGY: cannot read hwloc XML %s: %s",
			 src, strerror(errno));
		return -1;
	}
	return 0;
}

static int topology_load(struct fb_topology *t, char *err, size_t errlen)
{
	const char *src = getenv("FB_TOPOLOGY");

	if (hwloc_topology_init(&t->topo)) {
		snprintf(err, errlen, "hwloc: cannot initialise: %s",
			 strerror(errno));
		return -1;
	}
	/* Caches and NUMA only: I/O objects are not needed. */
	hwloc_topology_set_io_types_filter(t->topo, HWLOC_TYPE_FILTER_KEEP_NONE);
	t->described = false;
	if (src && *src && topology_set_source(t, src, err, errlen)) {
		hwloc_topology_destroy(t->topo);
		return -1;
	}
	if (hwloc_topology_load(t->topo)) {
		snprintf(err, errlen, "hwloc: cannot load the topology%s%s: %s",
			 t->described ? " " : "", t->described ? src : "",
			 strerror(errno));
		hwloc_topology_destroy(t->topo);
		return -1;
	}
	t->allowed = hwloc_bitmap_alloc();
	t->nr_numa = hwloc_get_nbobjs_by_type(t->topo, HWLOC_OBJ_NUMANODE);
	return 0;
}

/* A described machine: FB_CPUSET (a list such as "0-3,8"), or every PU. */
static int described_allowed(struct fb_topology *t, char *err, size_t errlen)
{
	hwloc_const_bitmap_t known = hwloc_topology_get_allowed_cpuset(t->topo);
	const char *list = getenv("FB_CPUSET");
	hwloc_bitmap_t want = hwloc_bitmap_alloc();
	int cpu, n = 0;

	if (!want) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (list && *list) {
		if (hwloc_bitmap_list_sscanf(want, list) ||
		    hwloc_bitmap_iszero(want)) {
			snprintf(err, errlen, "FB_CPUSET: not a CPU list: '%s'",
				 list);
			hwloc_bitmap_free(want);
			return -1;
		}
	} else {
		hwloc_bitmap_copy(want, known);
	}
	hwloc_bitmap_zero(t->allowed);
	hwloc_bitmap_foreach_begin(cpu, want) {
		if (cpu >= FB_MAX_CPUS || !hwloc_bitmap_isset(known, cpu) ||
		    !hwloc_get_pu_obj_by_os_index(t->topo, cpu))
			continue;
		hwloc_bitmap_set(t->allowed, cpu);
		t->cpus[n++] = cpu;
	} hwloc_bitmap_foreach_end();
	hwloc_bitmap_free(want);
	t->nr_cpus = n;
	if (!n) {
		snprintf(err, errlen, "FB_CPUSET %s: no CPU of the described topology",
			 list);
		return -1;
	}
	return 0;
}

/* The calling thread's affinity, within what hwloc's topology holds. */
static int topology_refresh_allowed(struct fb_topology *t, char *err,
				    size_t errlen)
{
	hwloc_const_bitmap_t known = hwloc_topology_get_allowed_cpuset(t->topo);
	cpu_set_t *mask;
	size_t size;
	int cpu, n = 0;

	if (t->described)
		return described_allowed(t, err, errlen);
	mask = CPU_ALLOC(FB_MAX_CPUS);
	size = CPU_ALLOC_SIZE(FB_MAX_CPUS);
	if (!mask || sched_getaffinity(0, size, mask)) {
		snprintf(err, errlen, "sched_getaffinity: %s", strerror(errno));
		CPU_FREE(mask);
		return -1;
	}
	hwloc_bitmap_zero(t->allowed);
	for (cpu = 0; cpu < FB_MAX_CPUS; cpu++) {
		if (!CPU_ISSET_S(cpu, size, mask) ||
		    !hwloc_bitmap_isset(known, cpu) ||
		    !hwloc_get_pu_obj_by_os_index(t->topo, cpu))
			continue;
		hwloc_bitmap_set(t->allowed, cpu);
		t->cpus[n++] = cpu;
	}
	CPU_FREE(mask);
	t->nr_cpus = n;
	if (!n) {
		snprintf(err, errlen, "no allowed CPU is known to hwloc");
		return -1;
	}
	return 0;
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

int fb_topology_nr_cpus(const struct fb_topology *t)
{
	return t->nr_cpus;
}

int fb_topology_cpus(const struct fb_topology *t, int *cpus, int max)
{
	int i;

	for (i = 0; i < t->nr_cpus && i < max; i++)
		cpus[i] = t->cpus[i];
	return i;
}

static hwloc_obj_t pu_obj(const struct fb_topology *t, int cpu)
{
	return hwloc_get_pu_obj_by_os_index(t->topo, (unsigned)cpu);
}

/* The ancestor of @cpu of @type, NULL if the machine has none. */
static hwloc_obj_t pu_ancestor(const struct fb_topology *t, int cpu,
			       hwloc_obj_type_t type)
{
	hwloc_obj_t pu = pu_obj(t, cpu);

	return pu ? hwloc_get_ancestor_obj_by_type(t->topo, type, pu) : NULL;
}

static bool share(const struct fb_topology *t, int a, int b,
		  hwloc_obj_type_t type)
{
	hwloc_obj_t oa = pu_ancestor(t, a, type);

	return oa && oa == pu_ancestor(t, b, type);
}

enum fb_pair_class fb_cpu_pair_class(const struct fb_topology *t, int cpu_a,
				     int cpu_b)
{
	if (share(t, cpu_a, cpu_b, HWLOC_OBJ_CORE))
		return FB_PAIR_SMT;
	if (share(t, cpu_a, cpu_b, HWLOC_OBJ_L2CACHE))
		return FB_PAIR_L2;
	if (share(t, cpu_a, cpu_b, HWLOC_OBJ_L3CACHE))
		return FB_PAIR_L3;
	if (share(t, cpu_a, cpu_b, HWLOC_OBJ_PACKAGE))
		return FB_PAIR_PACKAGE;
	return FB_PAIR_NONE;
}

unsigned fb_topology_classes_present(const struct fb_topology *t)
{
	unsigned mask = 0;
	int i, j;

	for (i = 0; i < t->nr_cpus; i++)
		for (j = i + 1; j < t->nr_cpus; j++) {
			mask |= 1u << fb_cpu_pair_class(t, t->cpus[i], t->cpus[j]);
			if (mask == (1u << FB_NR_PAIR_CLASSES) - 1)
				return mask;
		}
	return mask;
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

/* Depth-first: extend cpus[0..k) with allowed CPUs after index @from. */
static bool pick_from(const struct fb_topology *t, enum fb_pair_class c,
		      int n, int *cpus, int k, int from)
{
	int i, j;

	if (k == n)
		return true;
	for (i = from; i < t->nr_cpus; i++) {
		int cpu = t->cpus[i];

		for (j = 0; j < k; j++)
			if (fb_cpu_pair_class(t, cpus[j], cpu) != c)
				break;
		if (j < k)
			continue;
		cpus[k] = cpu;
		if (pick_from(t, c, n, cpus, k + 1, i + 1))
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

	format_allowed(t, allowed, sizeof(allowed));
	if (n > t->nr_cpus) {
		snprintf(err, errlen, "%d CPUs needed, %d allowed: %s", n,
			 t->nr_cpus, allowed);
		return -1;
	}
	if (n == 1) {
		cpus[0] = t->cpus[0];
		return 0;
	}
	if (!pick_from(t, c, n, cpus, 0, 0)) {
		snprintf(err, errlen,
			 "no %d allowed CPUs are pairwise of class %s (allowed: %s)",
			 n, fb_pair_class_name(c), allowed);
		return -1;
	}
	return 0;
}

/* Placement keys of an allowed CPU, from its place in hwloc's tree. */
struct place_key {
	int cpu;
	int logical;	/* hwloc's logical PU index: compact order */
	int smt_rank;	/* which thread of its core */
	int core_rank;	/* which core of its package */
	int package;
};

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

/* The rank of @obj among the objects of its type inside @parent. */
static int rank_within(const struct fb_topology *t, hwloc_obj_t obj,
		       hwloc_obj_t parent)
{
	hwloc_obj_t o = NULL;
	int rank = 0;

	if (!obj)
		return 0;
	while ((o = hwloc_get_next_obj_by_type(t->topo, obj->type, o))) {
		if (o == obj)
			return rank;
		if (!parent || hwloc_obj_is_in_subtree(t->topo, o, parent))
			rank++;
	}
	return rank;
}

int fb_topology_place(const struct fb_topology *t, enum fb_placement p, int n,
		      int *cpus, char *err, size_t errlen)
{
	struct place_key *keys;
	int i;

	if (n > t->nr_cpus) {
		char allowed[256];

		format_allowed(t, allowed, sizeof(allowed));
		snprintf(err, errlen, "%d threads but only %d CPUs allowed: %s",
			 n, t->nr_cpus, allowed);
		return -1;
	}
	keys = calloc(t->nr_cpus, sizeof(*keys));
	if (!keys) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < t->nr_cpus; i++) {
		hwloc_obj_t pu = pu_obj(t, t->cpus[i]);
		hwloc_obj_t core = pu_ancestor(t, t->cpus[i], HWLOC_OBJ_CORE);
		hwloc_obj_t pkg = pu_ancestor(t, t->cpus[i], HWLOC_OBJ_PACKAGE);

		keys[i].cpu = t->cpus[i];
		keys[i].logical = (int)pu->logical_index;
		keys[i].smt_rank = core ? rank_within(t, pu, core) : 0;
		keys[i].core_rank = core ? rank_within(t, core, pkg) : i;
		keys[i].package = pkg ? (int)pkg->logical_index : 0;
	}
	qsort(keys, t->nr_cpus, sizeof(*keys),
	      p == FB_PLACE_SCATTER ? cmp_scatter : cmp_compact);
	for (i = 0; i < n; i++)
		cpus[i] = keys[i].cpu;
	free(keys);
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
		hwloc_obj_t pu = pu_obj(t, cpu);

		if (pu)
			p = hwloc_alloc_membind(t->topo, len, pu->cpuset,
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
	unsigned present = fb_topology_classes_present(t);
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
