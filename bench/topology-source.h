/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where a described machine comes from (FB_TOPOLOGY, FB_CPUSET), bounded
 * before hwloc builds anything: see topology-source.c.  For bench/topology*
 * and its tests only.
 */
#ifndef FLAGBENCH_BENCH_TOPOLOGY_SOURCE_H
#define FLAGBENCH_BENCH_TOPOLOGY_SOURCE_H

#include <stddef.h>
#include <hwloc.h>

/* An lstopo --of xml export of a 4,096-PU machine is a few MiB. */
#define FB_XML_MAX_BYTES (32u << 20)
/* An export nests about a dozen elements; hwloc's parser recurses on them. */
#define FB_XML_MAX_DEPTH 64

/*
 * The PUs hwloc would build from a synthetic description, read as hwloc
 * reads it; saturated at FB_MAX_CPUS + 1.  -1 if hwloc would refuse it.
 */
long fb_synthetic_pus(const char *desc);
/* What an XML text holds: its deepest element nesting and its PU objects. */
struct fb_xml_shape {
	int depth;
	long pus;
};
void fb_xml_shape(const char *xml, struct fb_xml_shape *s);
/*
 * Hand FB_TOPOLOGY's @src (FILE.xml or synthetic:DESC) to @topo, or refuse
 * it with one line in @err.  *@buf is what hwloc reads from: free it after
 * hwloc_topology_load().
 */
int fb_topology_source(hwloc_topology_t topo, const char *src, char **buf,
		       char *err, size_t errlen);
/*
 * A CPU list ("0-3,8") into @set, each range clipped below FB_MAX_CPUS;
 * -1 and one line in @err if it is not a list or a range starts past it.
 */
int fb_cpu_list_parse(const char *list, hwloc_bitmap_t set, char *err,
		      size_t errlen);

#endif /* FLAGBENCH_BENCH_TOPOLOGY_SOURCE_H */
