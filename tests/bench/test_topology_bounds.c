// SPDX-License-Identifier: GPL-2.0
/*
 * bench/topology-source: a described machine is bounded before hwloc
 * builds it.  Synthetic descriptions past FB_MAX_CPUS PUs, CPU lists
 * reaching 2^31, XML "files" that are devices, FIFOs, too big or nested
 * too deep, PUs past FB_MAX_CPUS: each refused with one line, at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "topology-source.h"
#include "topology.h"
#include "topology_helpers.h"

static char dir[] = "/tmp/flagbench-topology-test-XXXXXX";

static void refused(const char *src, const char *cpuset, const char *why)
{
	char err[512];

	if (load_described(src, cpuset, err, sizeof(err)))
		fail_msg("%s (cpuset %s) was accepted", src, cpuset);
	if (!strstr(err, why))
		fail_msg("%s: '%s' does not say '%s'", src, err, why);
	assert_null(strchr(err, '\n'));
}

/* The PU count read from a synthetic description, as hwloc reads it. */
static void test_synthetic_count(void **state)
{
	static const struct {
		const char *desc;
		long pus;
	} cases[] = {
		{ "package:16 core:15 pu:8", 1920 },	/* POWER10 E1080 */
		{ "package:16 core:32 pu:8", 4096 },
		{ "pu:1000000000", FB_MAX_CPUS + 1 },
		{ "pu:0x1001", FB_MAX_CPUS + 1 },	/* strtoul base 0 */
		{ "pu:0x10", 16 },
		{ "pu:99999999999999999999999999", FB_MAX_CPUS + 1 },
		{ "package:65536 core:65536 l2:65536 l1d:65536 pu:65536",
		  FB_MAX_CPUS + 1 },		/* 2^80: no wrap */
		{ "pack:2 [numa:1000000] pu:2", 4 },	/* memory: no factor */
		{ "(memory=1GB) pack:2 pu:2", 4 },
		{ "pack:2pu:2", 4 },
		{ "2 2", 4 },
		{ "l2:4(size=4MB) pu:2", 8 },
		{ "", -1 },
		{ "pu:0", -1 },
		{ "pack:2 core", -1 },
		{ "pack:2 [numa", -1 },
		{ "pack:2(x pu:2", -1 },
	};
	char src[128], err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long pus = fb_synthetic_pus(cases[i].desc);
		struct fb_topology *t;

		if (pus != cases[i].pus)
			fail_msg("'%s': %ld PUs, not %ld", cases[i].desc, pus,
				 cases[i].pus);
		if (pus < 0 || pus > FB_MAX_CPUS)
			continue;
		/* What hwloc builds from it is what was counted. */
		snprintf(src, sizeof(src), "synthetic:%s", cases[i].desc);
		t = load_described(src, NULL, err, sizeof(err));
		if (!t)
			fail_msg("%s: %s", src, err);
		assert_int_equal(fb_topology_nr_cpus(t), pus);
	}
	back_to_this_machine();
}

static void test_synthetic_refused(void **state)
{
	char err[512];

	refused("synthetic:pu:1000000000", NULL, "FB_MAX_CPUS");
	refused("synthetic:package:2 core:2049 pu:1", NULL, "more than the 4096 PUs");
	refused("synthetic:pu:0x1001", NULL, "FB_MAX_CPUS");
	refused("synthetic:package:2 bogus:2", NULL, "not a valid hwloc synthetic");
	refused("synthetic:pu:2\nsecond line", NULL, "synthetic");
	/* At the bound: every PU, none cut. */
	assert_non_null(load_described("synthetic:package:16 core:32 pu:8", NULL, err,
			     sizeof(err)));
	assert_int_equal(fb_topology_nr_cpus(load_described("synthetic:package:16 core:32 pu:8",
						  NULL, err, sizeof(err))), 4096);
	back_to_this_machine();
}

/* More PUs than FB_MAX_CPUS on "this machine" (hwloc's own override). */
static void test_this_machine_too_big(void **state)
{
	char err[512];

	unsetenv("FB_TOPOLOGY");
	setenv("HWLOC_SYNTHETIC", "package:17 core:16 pu:16", 1);
	fb_topology_reset();
	assert_null(fb_topology_get(err, sizeof(err)));
	assert_non_null(strstr(err, "this machine: 4352 PUs, more than the 4096"));
	back_to_this_machine();
}

static void test_cpu_list(void **state)
{
	static const char e1080[] = "synthetic:package:16 core:15 pu:8";
	hwloc_bitmap_t set = hwloc_bitmap_alloc();
	char err[512];
	struct fb_topology *t;

	/* Clipped, never walked: 2^31 bits would be 256 MiB and seconds. */
	assert_int_equal(fb_cpu_list_parse("0-2147483647", set, err, sizeof(err)), 0);
	assert_int_equal(hwloc_bitmap_weight(set), FB_MAX_CPUS);
	assert_int_equal(hwloc_bitmap_last(set), FB_MAX_CPUS - 1);
	assert_int_equal(fb_cpu_list_parse("0-99999999999999999999999", set,
					   err, sizeof(err)), 0);
	assert_int_equal(hwloc_bitmap_weight(set), FB_MAX_CPUS);
	assert_int_equal(fb_cpu_list_parse("0-3,8,4095", set, err, sizeof(err)), 0);
	assert_int_equal(hwloc_bitmap_weight(set), 6);
	assert_int_equal(fb_cpu_list_parse("5000-6000", set, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "5000-6000: past the 4096 CPUs"));
	assert_int_equal(fb_cpu_list_parse("0,4096", set, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "4096: past"));
	assert_int_equal(fb_cpu_list_parse("1,99999999999999999999", set, err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "past"));
	for (const char *const *bad = (const char *const[]){ "", "a", "3-1",
	     "0-", "-1", "1,,2", "1 2", "0x3", "1,", NULL }; *bad; bad++) {
		if (!fb_cpu_list_parse(*bad, set, err, sizeof(err)))
			fail_msg("'%s' taken as a CPU list", *bad);
		assert_non_null(strstr(err, "not a CPU list"));
	}
	hwloc_bitmap_free(set);

	t = load_described(e1080, "0-2147483647", err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(fb_topology_nr_cpus(t), 1920);
	t = load_described(e1080, "1900-2147483647", err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(fb_topology_nr_cpus(t), 20);
	refused(e1080, "0,5000-6000", "past the 4096");
	refused(e1080, "2000-4095", "no CPU of the described topology");
	back_to_this_machine();
}

static void path_in_dir(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* Devices and FIFOs are refused before a read that never ends or waits. */
static void test_xml_not_a_file(void **state)
{
	char fifo[256], big[256];
	int fd;

	refused("/dev/zero", NULL, "/dev/zero: not a regular file");
	refused("/dev/null", NULL, "not a regular file");
	path_in_dir(fifo, sizeof(fifo), "fifo.xml");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	refused(fifo, NULL, "fifo.xml: not a regular file");
	refused(dir, NULL, "not a regular file");
	path_in_dir(big, sizeof(big), "big.xml");
	fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, FB_XML_MAX_BYTES + 1), 0);
	close(fd);
	refused(big, NULL, "larger than 32 MiB");
	refused("/no/such/topology.xml", NULL, "No such file");
	back_to_this_machine();
	unlink(fifo);
	unlink(big);
}

/* What the scan sees: element depth, PU objects; as hwloc's parser does. */
static void test_xml_shape(void **state)
{
	static const struct {
		const char *xml;
		int depth;
		long pus;
	} cases[] = {
		{ "<a><b/></a>", 2, 0 },
		{ "<?xml version=\"1.0\"?>\n<!DOCTYPE t>\n<a><b></b><c/></a>", 2, 0 },
		{ "<object type=\"PU\" os_index=\"0\"/>", 1, 1 },
		{ "<object os_index=\"0\" type=\"pu\"/>", 1, 1 },
		{ "<object type=\"Proc\"></object>", 1, 1 },
		{ "<distances2 type=\"PU\" nbobjs=\"2\"/>", 1, 0 },
		{ "<object type=\"Core\"><object type=\"PU\"/><object type=\"PU\"/></object>",
		  2, 2 },
		{ "<a><b><c>", 3, 0 },	/* unclosed: hwloc refuses it */
		{ "<a>\0<b><c>", 1, 0 },	/* hwloc stops at a NUL too */
	};
	struct fb_xml_shape s;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fb_xml_shape(cases[i].xml, &s);
		if (s.depth != cases[i].depth || s.pus != cases[i].pus)
			fail_msg("'%s': depth %d, %ld PUs; not %d, %ld",
				 cases[i].xml, s.depth, s.pus, cases[i].depth,
				 cases[i].pus);
	}
}

/* An lstopo-like export of a machine with @pus PUs under @groups Groups. */
static void write_xml(const char *path, int groups, int pus, int last_os)
{
	FILE *f = fopen(path, "w");
	int i;

	assert_non_null(f);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<!DOCTYPE topology SYSTEM \"hwloc2.dtd\">\n"
		"<topology version=\"2.0\">\n"
		"<object type=\"Machine\" os_index=\"0\" cpuset=\"0x00000003\" complete_cpuset=\"0x00000003\" allowed_cpuset=\"0x00000003\" nodeset=\"0x00000001\" complete_nodeset=\"0x00000001\" allowed_nodeset=\"0x00000001\" gp_index=\"1\">\n"
		"<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x00000003\" complete_cpuset=\"0x00000003\" nodeset=\"0x00000001\" complete_nodeset=\"0x00000001\" gp_index=\"2\" local_memory=\"1073741824\"/>\n");
	for (i = 0; i < groups; i++)
		fprintf(f, "<object type=\"Group\" cpuset=\"0x00000003\" complete_cpuset=\"0x00000003\" nodeset=\"0x00000001\" complete_nodeset=\"0x00000001\" gp_index=\"%d\">\n",
			10 + i);
	for (i = 0; i < pus; i++)
		fprintf(f, "<object type=\"PU\" os_index=\"%d\" cpuset=\"0x%08x\" complete_cpuset=\"0x%08x\" nodeset=\"0x00000001\" complete_nodeset=\"0x00000001\" gp_index=\"%d\"/>\n",
			i == pus - 1 ? last_os : i, 1u << (i % 32), 1u << (i % 32),
			10 + groups + i);
	for (i = 0; i < groups; i++)
		fputs("</object>\n", f);
	fputs("</object>\n</topology>\n", f);
	assert_int_equal(fclose(f), 0);
}

static void test_xml_bounds(void **state)
{
	char path[256], err[512];
	struct fb_topology *t;

	path_in_dir(path, sizeof(path), "good.xml");
	write_xml(path, 3, 2, 1);
	t = load_described(path, NULL, err, sizeof(err));
	if (!t)
		fail_msg("%s: %s", path, err);
	assert_int_equal(fb_topology_nr_cpus(t), 2);
	/* hwloc's parser recurses per level: 100,000 overflow its stack. */
	path_in_dir(path, sizeof(path), "deep.xml");
	write_xml(path, 100000, 2, 1);
	refused(path, NULL, "elements nested 100003 deep, more than the 64");
	/* topology > Machine > Groups > PU: 64 deep is enough, 65 is not. */
	write_xml(path, FB_XML_MAX_DEPTH - 3, 2, 1);
	assert_non_null(load_described(path, NULL, err, sizeof(err)));
	write_xml(path, FB_XML_MAX_DEPTH - 2, 2, 1);
	refused(path, NULL, "nested 65 deep");
	/* Too many PUs: refused before hwloc builds them. */
	path_in_dir(path, sizeof(path), "many.xml");
	write_xml(path, 0, FB_MAX_CPUS + 1, FB_MAX_CPUS);
	refused(path, NULL, "4097 PUs, more than the 4096");
	/* A PU past FB_MAX_CPUS: refused, not silently left out. */
	path_in_dir(path, sizeof(path), "far.xml");
	write_xml(path, 0, 2, 5000);
	refused(path, NULL, "PU P#5000, past the 4096");
	back_to_this_machine();
}

/* The export of a described machine reads back as the same machine. */
static void test_xml_round_trip(void **state)
{
	char path[256], err[512];
	struct fb_topology *t;
	struct fb_xml_shape s;
	int a, b, cpus[224];
	long count[2][FB_NR_PAIR_CLASSES] = { { 0 } };
	FILE *f;
	char *text;
	long len;

	path_in_dir(path, sizeof(path), "export.xml");
	for (int round = 0; round < 2; round++) {
		t = load_described(round ? path : "synthetic:package:2 l3:1 l2:56 core:1 pu:2",
			 NULL, err, sizeof(err));
		if (!t)
			fail_msg("round %d: %s", round, err);
		assert_int_equal(fb_topology_cpus(t, cpus, 224), 224);
		for (a = 0; a < 224; a++)
			for (b = a + 1; b < 224; b++)
				count[round][fb_cpu_pair_class(t, cpus[a], cpus[b])]++;
		if (!round)
			assert_int_equal(fb_topology_export_xml(t, path), 0);
	}
	assert_memory_equal(count[0], count[1], sizeof(count[0]));
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(len + 1, 1);
	assert_int_equal(fread(text, 1, len, f), len);
	fclose(f);
	fb_xml_shape(text, &s);
	assert_int_equal(s.pus, 224);
	assert_true(s.depth < FB_XML_MAX_DEPTH);
	free(text);
	unlink(path);
	back_to_this_machine();
}

static int setup(void **state)
{
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) ? -1 : 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_count),
		cmocka_unit_test(test_synthetic_refused),
		cmocka_unit_test(test_this_machine_too_big),
		cmocka_unit_test(test_cpu_list),
		cmocka_unit_test(test_xml_not_a_file),
		cmocka_unit_test(test_xml_shape),
		cmocka_unit_test(test_xml_bounds),
		cmocka_unit_test(test_xml_round_trip),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
