/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine as hwloc sees it, restricted to the CPUs this process may
 * run on (taskset, cgroups): CPU pairs classed by what they share, CPU
 * picks for races and placements for throughput, pinning, and memory bound
 * near a CPU.  Never pins outside the allowed set.
 */
#ifndef FLAGBENCH_BENCH_TOPOLOGY_H
#define FLAGBENCH_BENCH_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* What two CPUs share, closest first. */
enum fb_pair_class {
	FB_PAIR_SMT,		/* hardware threads of one core */
	FB_PAIR_L2,		/* different cores sharing an L2 */
	FB_PAIR_L3,		/* sharing an L3 (last-level cache) */
	FB_PAIR_PACKAGE,	/* same package, no shared cache */
	FB_PAIR_NONE,		/* different packages / nothing shared */
	FB_NR_PAIR_CLASSES
};

/*
 * The most PUs, and the highest OS index plus one, this build handles: a
 * machine or a description past it is refused, never cut.  POWER10 E1080:
 * 1,920; the biggest x86 and arm64 boxes: a few hundred.
 */
#define FB_MAX_CPUS 4096

enum fb_placement {
	FB_PLACE_COMPACT,	/* fill a core's threads, then the next core */
	FB_PLACE_SCATTER,	/* one thread per core, packages round-robin */
};

struct fb_topology;

/*
 * Loaded once per process; NULL and a message in @err on failure.
 * FB_TOPOLOGY=FILE.xml|synthetic:DESCRIPTION loads a described machine
 * instead of this one, FB_CPUSET=LIST its allowed CPUs (default: all); a
 * described machine is for planning only (fb_pin_self() refuses).
 */
struct fb_topology *fb_topology_get(char *err, size_t errlen);
/* Forget the loaded topology: the next get loads FB_TOPOLOGY afresh. */
void fb_topology_reset(void);
/* Loaded from FB_TOPOLOGY rather than from this machine. */
bool fb_topology_described(const struct fb_topology *t);
/*
 * 0 if @t is this machine, else -1 and one line in @err: what runs
 * (race, throughput) says so before running anything.
 */
int fb_topology_here(const struct fb_topology *t, char *err, size_t errlen);
/* Allowed PUs. */
int fb_topology_nr_cpus(const struct fb_topology *t);
/* The allowed CPUs' OS indexes, ascending, into @cpus (up to @max). */
int fb_topology_cpus(const struct fb_topology *t, int *cpus, int max);

const char *fb_pair_class_name(enum fb_pair_class c);
int fb_pair_class_parse(const char *s);	/* -1 if unknown */
const char *fb_placement_name(enum fb_placement p);
int fb_placement_parse(const char *s);	/* -1 if unknown */

struct fb_option;
/* --placement compact|scatter, for an option table (options.h). */
int fb_placement_option(const struct fb_option *opt, const char *v);

enum fb_pair_class fb_cpu_pair_class(const struct fb_topology *t, int cpu_a,
				     int cpu_b);
/*
 * @n allowed CPUs (OS indexes) such that every pair among them is of class
 * @c; -1 with a message in @err if impossible.
 */
int fb_topology_pick(const struct fb_topology *t, enum fb_pair_class c, int n,
		     int *cpus, char *err, size_t errlen);
/* Classes present among allowed CPU pairs: bitmask of 1 << class. */
unsigned fb_topology_classes_present(const struct fb_topology *t);
/*
 * Ordered pairs of allowed CPUs for a per-pair map, into @pairs (up to
 * @cap): all of them when there are at most @max, else all ordered pairs
 * among m CPUs spread evenly over the allowed ones (m(m-1) <= @max), and
 * both orders of the first pair of each class present that the sample
 * missed, so that every class is on the map.  Returns the count.
 */
int fb_topology_each_pair(const struct fb_topology *t, int max,
			  int (*pairs)[2], int cap);
/* @n CPUs in placement order; -1 and a message if @n > allowed CPUs. */
int fb_topology_place(const struct fb_topology *t, enum fb_placement p, int n,
		      int *cpus, char *err, size_t errlen);
/* Bind the calling thread to @cpu: 0 or -errno. */
int fb_pin_self(const struct fb_topology *t, int cpu);
/* Page-aligned, zeroed, bound near @cpu's NUMA node when there are several. */
void *fb_alloc_near(const struct fb_topology *t, size_t len, int cpu);
void fb_free_near(const struct fb_topology *t, void *p, size_t len);
/* cpu model, pus, cores, packages, numa nodes, smt, caches, allowed cpus. */
json_t *fb_topology_json(const struct fb_topology *t);
/* hwloc's XML export of the whole machine: 0 or -1. */
int fb_topology_export_xml(const struct fb_topology *t, const char *path);

#endif /* FLAGBENCH_BENCH_TOPOLOGY_H */
