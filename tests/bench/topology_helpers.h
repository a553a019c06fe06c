/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by tests/bench/test_topology*.c: load a described machine. */
#ifndef FLAGBENCH_TESTS_TOPOLOGY_HELPERS_H
#define FLAGBENCH_TESTS_TOPOLOGY_HELPERS_H

#include <stdlib.h>
#include "topology.h"

/* FB_TOPOLOGY=@src, FB_CPUSET=@cpuset (unset if NULL), loaded afresh. */
static inline struct fb_topology *load_described(const char *src,
						 const char *cpuset, char *err,
						 size_t errlen)
{
	setenv("FB_TOPOLOGY", src, 1);
	if (cpuset)
		setenv("FB_CPUSET", cpuset, 1);
	else
		unsetenv("FB_CPUSET");
	fb_topology_reset();
	return fb_topology_get(err, errlen);
}

static inline void back_to_this_machine(void)
{
	unsetenv("FB_TOPOLOGY");
	unsetenv("FB_CPUSET");
	unsetenv("HWLOC_SYNTHETIC");
	fb_topology_reset();
}

#endif /* FLAGBENCH_TESTS_TOPOLOGY_HELPERS_H */
