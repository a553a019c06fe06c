// SPDX-License-Identifier: GPL-2.0
/*
 * The window-map chart: each race's hit probability against the roles'
 * measured relative start, one curve per variant, log scale, exact 95%
 * intervals, and under it the trials each variant spent per offset (so
 * that a fixing variant's zero is read against the trials it spent where
 * the pre-fix build's window was).  Bins come from the engine's one
 * global offset table (bench/race-window.h), so the variants' bins
 * coincide.
 *
 * gnuplot is fed data, never code: it runs with its working directory in
 * the charts directory, reads data/window-K.dat and writes window-K.png
 * and .svg, K the scenario's index; the only value on its command line is
 * K.  Variant names live in the data file (column headers), sanitised.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "report.h"

extern char **environ;

/* Tabs, newlines and other controls would break the data file's layout. */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '_' : *s, f);
}

/*
 * One variant's block: a header naming it, a row per finite bin of the
 * bins the bundle reader parsed (and checked) for the gate too.
 */
static int put_block(FILE *f, const char *variant,
		     const struct race_result *r)
{
	int i, rows = 0;

	put_name(f, variant);
	fputs("\tlo\thi\tp\tp_lo\tp_hi\tbound\ttrials\n", f);
	for (i = 0; i < r->nr_bins; i++) {
		double lo = r->bins[i].lo, hi = r->bins[i].hi;
		double n = r->bins[i].trials, k = r->bins[i].bad;
		double plo, phi;

		/* The open outer bins (a role more than 131 us late) have
		 * no place on an offset axis. */
		if (n <= 0 || fabs(lo) >= 1e9 || fabs(hi) >= 1e9)
			continue;
		res_binom_ci(k, n, RES_ALPHA, &plo, &phi);
		fprintf(f, "%g\t%g\t%g\t%.6g\t%.6g\t%.6g\t%d\t%.0f\n",
			(lo + hi) / 2, lo, hi, k > 0 ? k / n : phi, plo, phi,
			k == 0, n);
		rows++;
	}
	/* gnuplot's "index": blocks are two blank lines apart. */
	fputs("\n\n", f);
	return rows;
}

int charts_windows(struct bundle *b, const char *outdir,
		   const struct chart_opts *o, json_t *made)
{
	char dir[4096], path[4200], name[64], nums[32], title[512], png[128], svg[128];
	json_t *scen = race_scenario_names(b, true), *s;
	size_t si;
	int i, k;

	snprintf(dir, sizeof(dir), "%s/charts/data", outdir);
	if (json_array_size(scen) && mkdir_p(dir)) {
		fb_err("cannot create %s: %s", dir, strerror(errno));
		json_decref(scen);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/charts", outdir);
	json_array_foreach(scen, si, s) {
		const char *sc = json_string_value(s);
		int rows = 0;
		FILE *f;

		snprintf(path, sizeof(path), "%s/data/window-%zu.dat", dir, si);
		f = fopen(path, "w");
		if (!f) {
			fb_err("cannot write %s: %s", path, strerror(errno));
			json_decref(scen);
			return -1;
		}
		/* Every pair class of a variant is a curve of its own. */
		for (i = 0; i < b->nr_variants; i++)
			for (k = 0; k < b->v[i].nr_races; k++) {
				struct race_result *r = &b->v[i].races[k];
				char label[256];

				if (strcmp(r->scenario, sc) || !r->nr_bins)
					continue;
				snprintf(label, sizeof(label), "%s %s (%s)",
					 b->v[i].name, r->pair_class,
					 json_string_value(json_object_get(
						 r->window, "plan")) ?: "?");
				rows += put_block(f, label, r);
			}
		fclose(f);
		if (!rows)
			continue;
		snprintf(name, sizeof(name), "window-%zu", si);
		snprintf(nums, sizeof(nums), "k=%zu", si);
		if (chart_gnuplot(o, outdir, "window.gp", name, nums)) {
			json_decref(scen);
			return -1;
		}
		snprintf(png, sizeof(png), "charts/%s.png", name);
		snprintf(svg, sizeof(svg), "charts/%s.svg", name);
		snprintf(title, sizeof(title),
			 "%s: window map, bad trials per trial against the measured offset of the roles' starts (95%% interval; triangle: upper bound, none seen), and trials spent per offset",
			 sc);
		json_array_append_new(made, json_pack(
			"{s:s, s:s, s:s, s:s, s:s}", "name", name, "title",
			title, "group", "windows", "png", png, "svg", svg));
	}
	json_decref(scen);
	return 0;
}
