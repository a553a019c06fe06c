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
 * gnuplot is fed data, never code (plot.c): it reads data/window-K.dat and
 * writes window-K.png and .svg, K the scenario's index; the only values on
 * its command line are K and the chart's name.  Variant names live in the
 * data file (column headers), sanitised.
 */
#include <math.h>
#include <string.h>
#include "report.h"

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

/* data/window-K.dat: a block per variant and pair class of scenario @sc. */
static int window_data(struct bundle *b, struct chart_ctx *c, const char *sc,
		       const char *name, int *rows)
{
	struct sio_file sf;
	char file[80];
	int i, k;

	snprintf(file, sizeof(file), "%s.dat", name);
	if (!plot_data(c, &sf, file))
		return -1;
	*rows = 0;
	/* Every pair class of a variant is a curve of its own. */
	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			struct race_result *r = &b->v[i].races[k];
			char label[256];

			if (strcmp(r->scenario, sc) || !r->nr_bins)
				continue;
			snprintf(label, sizeof(label), "%s %s (%s)",
				 b->v[i].name, r->pair_class,
				 json_string_value(json_object_get(r->window, "plan")) ?: "?");
			*rows += put_block(sf.f, label, r);
		}
	return sio_commit(&sf);
}

int charts_windows(struct bundle *b, struct chart_ctx *c)
{
	char name[64], nums[32], title[512];
	json_t *scen = race_scenario_names(b, true), *s;
	size_t si;
	int rows, ret = 0;

	json_array_foreach(scen, si, s) {
		const char *sc = json_string_value(s);

		snprintf(name, sizeof(name), "window-%zu", si);
		if (window_data(b, c, sc, name, &rows)) {
			ret = -1;
			break;
		}
		if (!rows)
			continue;
		snprintf(nums, sizeof(nums), "k=%zu", si);
		snprintf(title, sizeof(title),
			 "%s: window map, bad trials per trial against the measured offset of the roles' starts (95%% interval; triangle: upper bound, none seen), and trials spent per offset",
			 sc);
		ret = plot_run(c, "window.gp", name, nums);
		if (ret < 0)
			break;
		if (!ret)
			plot_made(c, name, title, "windows");
		ret = 0;
	}
	json_decref(scen);
	return ret;
}
