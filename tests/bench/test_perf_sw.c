// SPDX-License-Identifier: GPL-2.0
/*
 * bench/perf: the counter path (group open, enable, disable, read, scale)
 * on the software group, which every Linux machine has, so that a CI
 * virtual machine without a PMU tests the code the hardware group uses.
 * Counts, not times: N first touches of fresh pages are at least N page
 * faults, N sleeps at least N context switches.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <cmocka.h>
#include "perf.h"

#define NR_PAGES 64
#define NR_SLEEPS 5

static void test_names(void **state)
{
	assert_string_equal(fb_perf_sw_name(FB_PERF_PAGE_FAULTS), "page_faults");
	assert_string_equal(fb_perf_sw_name(FB_PERF_TASK_CLOCK), "task_clock_ns");
	assert_string_equal(fb_perf_hw_name(FB_PERF_CYCLES), "cycles");
}

/* The hardware group is there or says why, never both nor neither. */
static void test_hw_probe(void **state)
{
	const char *why = NULL;
	bool ok = fb_perf_hw_supported(&why);

	assert_non_null(why);
	assert_true(ok ? !*why : !!strstr(why, "perf_event_open(cycles)"));
}

static void test_sw_counts(void **state)
{
	struct timespec ms = { 0, 1000000 };
	struct fb_perf_thread p;
	struct fb_perf_values v;
	const char *why;
	char *mem;
	int i;

	if (!fb_perf_sw_supported(&why)) {
		/* Emulators: the reason is the result. */
		assert_non_null(strstr(why, "perf_event_open(task-clock)"));
		skip();
	}
	mem = mmap(NULL, NR_PAGES * 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	/* One fault per 4 KiB page, not one per transparent huge page. */
	madvise(mem, NR_PAGES * 4096, MADV_NOHUGEPAGE);

	fb_perf_thread_open(&p);
	assert_true(p.sw_fd[0] >= 0);
	fb_perf_thread_read(&p, &v);
	assert_true(v.sw_valid == false || v.sw[FB_PERF_PAGE_FAULTS] == 0);
	fb_perf_thread_enable(&p);
	for (i = 0; i < NR_PAGES; i++)
		mem[i * 4096] = 1;
	for (i = 0; i < NR_SLEEPS; i++)
		nanosleep(&ms, NULL);
	fb_perf_thread_disable(&p);
	fb_perf_thread_read(&p, &v);
	fb_perf_thread_close(&p);
	munmap(mem, NR_PAGES * 4096);

	assert_true(v.sw_valid);
	assert_true(v.sw[FB_PERF_PAGE_FAULTS] >= NR_PAGES);
	/* User space only (perf_event_paranoid): no switch is seen there. */
	if (!*why)
		assert_true(v.sw[FB_PERF_CONTEXT_SWITCHES] >= NR_SLEEPS);
	assert_true(v.sw[FB_PERF_TASK_CLOCK] > 0);
	/* Closed means closed: nothing left to read. */
	assert_int_equal(p.sw_fd[0], -1);
	fb_perf_thread_read(&p, &v);
	assert_false(v.sw_valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_hw_probe),
		cmocka_unit_test(test_sw_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
