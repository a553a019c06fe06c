// SPDX-License-Identifier: GPL-2.0
/* describe and list: what this build is, and what it can run. */
#include <stdio.h>
#include <string.h>
#include <flagbench/mmdebug.h>
#include <flagbench/page-flags-layout.h>
#include <flagbench/variant.h>
#include "command.h"
#include "lkmm.h"
#include "options.h"

static json_t *knobs_json(const struct variant *v, bool detail)
{
	json_t *out = detail ? json_array() : json_object();
	unsigned int i;

	for (i = 0; i < v->nr_knobs; i++) {
		const struct variant_knob *k = &v->knobs[i];

		if (!detail) {
			json_object_set_new(out, k->name, json_string(k->value));
			continue;
		}
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:s, s:b, s:s}", "name", k->name,
			"value", k->value, "default", k->default_value,
			"choices", k->choices, "changed",
			strcmp(k->value, k->default_value) != 0, "help", k->help));
	}
	return out;
}

static json_t *expectations_json(const struct variant *v)
{
	json_t *out = json_array();
	unsigned int i;

	for (i = 0; i < v->nr_expectations; i++) {
		const struct variant_expectation *e = &v->expectations[i];

		json_array_append_new(out, json_pack(
			"{s:s, s:o, s:s}", "scenario", e->scenario, "arch",
			e->arch ? json_string(e->arch) : json_null(),
			"expectation", expectation_name(e->expect)));
	}
	return out;
}

static json_t *flag_layout_json(void)
{
	json_t *flags = json_object();
	unsigned int i;
	int col;

	for (col = 0; col < FB_PAGEFLAGS_NR_RELEASES; col++)
		if (!strcmp(page_flags_releases[col], FB_LAYOUT_RELEASE))
			break;
	for (i = 0; i < page_flag_table_size; i++) {
		int bit = page_flag_table[i].bit[col];

		json_object_set_new(flags, page_flag_table[i].name,
				    bit < 0 ? json_null() : json_integer(bit));
	}
	return json_pack("{s:s, s:o}", "release", FB_LAYOUT_RELEASE, "bits",
			 flags);
}

static json_t *assertion_sites_json(void)
{
	json_t *out = json_array();
	struct vm_bug_site *s;

	for (s = vm_bug_sites_begin(); s < vm_bug_sites_end(); s++) {
		if (!strncmp(s->cond, "flagbench:", 10))
			continue;
		json_array_append_new(out, json_pack(
			"{s:s, s:s, s:s, s:s, s:i}", "macro", s->macro, "cond",
			s->cond, "func", s->func, "file", s->file, "line",
			s->line));
	}
	return out;
}

json_t *variant_describe_json(void)
{
	const struct variant *v = &this_variant;

	return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "variant", v->name, "description", v->description,
			 "file", v->file, "arch", v->arch, "primitives",
			 "bitops", v->bitops_impl, "atomics", v->atomics_impl,
			 "knobs", knobs_json(v, false), "knobs_detail",
			 knobs_json(v, true), "expectations",
			 expectations_json(v), "page_flags", flag_layout_json(),
			 "assertion_sites", assertion_sites_json(),
			 "lkmm", lkmm_describe_json());
}

/*
 * A command of no options and no arguments that prints @make()'s JSON;
 * --help says @about.  The exit status.
 */
static int print_command(const char *cmd, const char *about,
			 json_t *(*make)(void), int argc, char **argv)
{
	static const struct fb_option none[] = { OPT_END() };
	const struct fb_cmdline cl = {
		.cmd = cmd, .args = "", .about = about, .opts = none,
	};
	int npos, ret = fb_parse_cmdline(&cl, argc, argv, NULL, 0, &npos);
	json_t *j;

	if (ret)
		return ret == FB_OPT_HELP ? EXIT_PASS : EXIT_ERROR;
	j = make();
	ret = fb_write_json(j, "-") ? EXIT_ERROR : EXIT_PASS;
	json_decref(j);
	return ret;
}

static int cmd_describe(int argc, char **argv)
{
	return print_command("describe",
			     "Print this build's variant, knobs, expectations, flag layout and\n"
			     "assertion sites, and its LKMM twins with herd7's verdict and the\n"
			     "expectation on each architecture, as JSON.",
			     variant_describe_json, argc, argv);
}
DEFINE_FB_COMMAND("describe", cmd_describe, "",
		  "this build's variant, knobs and expectations as JSON");

/* Every lister's key (fb_lister): scenarios, benchmarks, cpus_allowed. */
static json_t *list_json(void)
{
	json_t *j = json_pack("{s:s}", "variant", this_variant.name);

	for (const struct fb_lister *l = fb_listers_begin();
	     l < fb_listers_end(); l++)
		json_object_set_new(j, l->key, l->list());
	return j;
}

static int cmd_list(int argc, char **argv)
{
	return print_command("list",
			     "Print what this build can run, as JSON: its scenarios (each with the\n"
			     "fewest CPUs it runs on), its benchmarks, and the CPUs this process\n"
			     "may use (null when hwloc cannot tell).", list_json, argc, argv);
}
DEFINE_FB_COMMAND("list", cmd_list, "",
		  "the scenarios and benchmarks of this build as JSON");
