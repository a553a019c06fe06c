// SPDX-License-Identifier: GPL-2.0
/*
 * The window-map chart, one per scenario, read at a glance: small
 * multiples, one panel per build on a shared offset axis, the pre-fix
 * build first (the scenario's reference: the result with the most bad
 * trials in reached ones, the one every zero is sized by) and each other
 * build in a panel of its own, the scenario named in the title.  A panel
 * shows the build's hit probability per bin of the measured offset of the
 * roles' starts (log scale, exact 95% intervals; a bin with no bad trial
 * is its upper bound, a triangle), the trials it spent per bin (grey
 * steps, right axis), and, shaded, the bins where the reference hit: a
 * fix's zero is read against the trials it spent there.  Bins come from
 * the engine's one global offset table (bench/race-window.h), so every
 * build's bins coincide.  The scenarios whose code changed in some build
 * come first, the calibration shapes and other identical code after.
 *
 * gnuplot is fed data, never code (plot.c): it reads data/window-K.dat
 * (a block per panel), window-K.ref (the reference's hit bins) and
 * window-K.titles (the figure's title, then each panel's), K the
 * scenario's index, and writes window-K.png and .svg; its command line
 * carries only numbers.  Names live in the data files, sanitised.
 */
#include <math.h>
#include <string.h>
#include "report.h"

#define MAX_PANELS 16	/* a default run has 13 builds */

struct panel {
	const char *variant;
	const struct race_result *r;
};

/* Tabs, newlines and other controls would break the data file's layout. */
static void put_name(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '_' : *s, f);
}

/* The open outer bins (a role more than 131 us late) have no place on the axis. */
static bool drawn_bin(const struct res_bin *b)
{
	return b->trials > 0 && fabs(b->lo) < 1e9 && fabs(b->hi) < 1e9;
}

static bool has_drawn_bin(const struct race_result *r)
{
	for (int i = 0; i < r->nr_bins; i++)
		if (drawn_bin(&r->bins[i]))
			return true;
	return false;
}

/* One panel's block: a header, a row per drawn bin; the lowest value in @ymin. */
static int put_block(FILE *f, const struct panel *p, double *ymin)
{
	const struct race_result *r = p->r;
	int rows = 0;

	put_name(f, p->variant);
	fputs("\tlo\thi\tp\tp_lo\tp_hi\tbound\ttrials\n", f);
	for (int i = 0; i < r->nr_bins; i++) {
		const struct res_bin *b = &r->bins[i];
		double plo, phi, p0;

		if (!drawn_bin(b))
			continue;
		res_binom_ci(b->bad, b->trials, RES_ALPHA, &plo, &phi);
		p0 = b->bad > 0 ? b->bad / b->trials : phi;
		*ymin = fmin(*ymin, b->bad > 0 && plo > 0 ? plo : p0);
		fprintf(f, "%g\t%g\t%g\t%.6g\t%.6g\t%.6g\t%d\t%.0f\n",
			(b->lo + b->hi) / 2, b->lo, b->hi, p0, plo, phi,
			b->bad == 0, b->trials);
		rows++;
	}
	/* gnuplot's "index": blocks are two blank lines apart. */
	fputs("\n\n", f);
	return rows;
}

/* The eligible reference (results.h's rule): a race seen in reached trials. */
static bool could_be_ref(const struct race_result *r)
{
	return r->bad > 0 && r->reached > 0 && !race_result_sequential(r);
}

/*
 * The panels of scenario @sc: every result with a bin on the axis, the
 * reference (most bad trials) first, the others in the bundle's order.
 * Their number, at most MAX_PANELS; *has_ref when the first is a
 * reference.  The results whose every trial fell in an open outer bin (a
 * loaded machine can keep the roles that far apart) go to @off, *nr_off
 * of them: an empty panel would stop gnuplot, so the title names them.
 */
static int panels_of(struct bundle *b, const char *sc, struct panel *p,
		     bool *has_ref, struct panel *off, int *nr_off)
{
	int n = 0, ref = -1;

	*nr_off = 0;
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races && n < MAX_PANELS; k++) {
			const struct race_result *r = &b->v[i].races[k];

			if (strcmp(r->scenario, sc) || !r->nr_bins)
				continue;
			if (!has_drawn_bin(r)) {
				if (*nr_off < MAX_PANELS)
					off[(*nr_off)++] = (struct panel){ b->v[i].name, r };
				continue;
			}
			if (could_be_ref(r) && (ref < 0 || r->bad > p[ref].r->bad))
				ref = n;
			p[n++] = (struct panel){ b->v[i].name, r };
		}
	*has_ref = ref >= 0;
	if (ref > 0) {
		struct panel first = p[ref];

		memmove(p + 1, p, ref * sizeof(*p));
		p[0] = first;
	}
	return n;
}

/* A panel's title: the build, its count, and what its zero is worth. */
static void put_title(FILE *f, const struct panel *p, bool is_ref)
{
	const struct race_result *r = p->r;

	put_name(f, p->variant);
	fputs(" (", f);
	put_name(f, r->pair_class);
	fprintf(f, "), %s, %s: ", expectation_name(r->expect),
		res_verdict_name(r->d.verdict));
	if (r->bad > 0)
		fprintf(f, "%.0f bad in %.0f trials (%.0f reached the window)%s",
			r->bad, r->trials, r->reached,
			is_ref ? "; the reference, its hits shaded below" : "");
	else
		fprintf(f, "0 bad in %.0f trials", r->trials);
	if (r->bad > 0 && race_result_sequential(r))
		fputs("; sequential, not a race", f);
	if (!r->bad && r->at_variant) {
		fprintf(f, "; %.0f trials where ", r->at.trials);
		put_name(f, r->at_variant);
		fprintf(f, " hit, <= %.3g per million", r->at.rate_hi * 1e6);
	}
	fputc('\n', f);
}

static int titles_file(struct chart_ctx *c, const char *name, const char *sc,
		       const struct panel *p, int n, bool has_ref,
		       const struct panel *off, int nr_off)
{
	struct sio_file sf;

	if (!plot_file(c, &sf, name, "titles"))
		return -1;
	put_name(sf.f, sc);
	fputs(": window map, bad trials per trial against the offset of the roles' starts",
	      sf.f);
	for (int i = 0; i < nr_off; i++) {
		fputs(i ? ", " : "; not drawn, every trial's roles over 131 us apart: ",
		      sf.f);
		put_name(sf.f, off[i].variant);
		fputs(" (", sf.f);
		put_name(sf.f, off[i].r->pair_class);
		fputc(')', sf.f);
	}
	fputc('\n', sf.f);
	for (int i = 0; i < n; i++)
		put_title(sf.f, &p[i], has_ref && !i);
	return sio_commit(&sf);
}

/* The reference's hit bins, to shade in every other panel. */
static int ref_file(struct chart_ctx *c, const char *name,
		    const struct panel *ref)
{
	struct sio_file sf;
	int rows = 0;

	if (!plot_file(c, &sf, name, "ref"))
		return -1;
	for (int i = 0; ref && i < ref->r->nr_bins; i++) {
		const struct res_bin *b = &ref->r->bins[i];

		if (drawn_bin(b) && b->bad > 0) {
			fprintf(sf.f, "%g\t%g\n", b->lo, b->hi);
			rows++;
		}
	}
	if (!rows)	/* no point: gnuplot skips it with a warning */
		fputs("?\t?\n", sf.f);
	return sio_commit(&sf);
}

/* data/window-K.dat and its companions; the rows drawn in *rows. */
static int window_data(struct chart_ctx *c, const char *name, const char *sc,
		       const struct panel *p, int n, bool has_ref,
		       const struct panel *off, int nr_off, int *rows,
		       double *ymin)
{
	struct sio_file sf;

	if (!plot_file(c, &sf, name, "dat"))
		return -1;
	*rows = 0;
	*ymin = 1;
	for (int i = 0; i < n; i++)
		*rows += put_block(sf.f, &p[i], ymin);
	if (sio_commit(&sf) || titles_file(c, name, sc, p, n, has_ref, off, nr_off))
		return -1;
	return ref_file(c, name, has_ref ? &p[0] : NULL);
}

static int window_chart(struct bundle *b, struct chart_ctx *c, const char *sc,
			size_t k, const char *group)
{
	struct panel p[MAX_PANELS], off[MAX_PANELS];
	char name[64], nums[160], title[512];
	bool has_ref;
	double ymin;
	int nr_off, n = panels_of(b, sc, p, &has_ref, off, &nr_off), rows, ret;

	snprintf(name, sizeof(name), "window-%zu", k);
	if (!n)
		return 0;
	if (window_data(c, name, sc, p, n, has_ref, off, nr_off, &rows, &ymin))
		return -1;
	if (!rows)
		return 0;
	/* A decade below the lowest value, so that no interval is cut. */
	snprintf(nums, sizeof(nums), "k=%zu; n=%d; hasref=%d; ymin=%.3g", k, n,
		 has_ref, pow(10, floor(log10(fmax(ymin, 1e-12))) - 1));
	snprintf(title, sizeof(title),
		 "%s: window map, one panel per build%s: bad trials per trial against the measured offset of the roles' starts (95%% interval; triangle: upper bound, none seen), trials spent per offset (grey)",
		 sc, has_ref ? ", the pre-fix reference first and where it hit shaded" : "");
	ret = plot_run(c, "window.gp", name, nums);
	if (!ret)
		plot_made(c, name, title, group);
	return ret < 0 ? -1 : 0;
}

/*
 * Whether scenario @sc runs other code in some build (code.json "races"),
 * or nobody knows: its map goes first, as what changed does on the page.
 */
static bool code_changed(struct bundle *b, const char *sc)
{
	const char *first = NULL;

	for (int i = 0; i < b->nr_variants; i++) {
		const char *h = json_string_value(json_object_get(b->v[i].code_races, sc));

		if (!b->v[i].nr_races)
			continue;
		if (!h || (first && strcmp(h, first)))
			return true;
		first = h;
	}
	return false;
}

/*
 * The scenarios whose code changed somewhere first (group "windows"), then
 * the others ("windows-same", which the page folds).
 */
int charts_windows(struct bundle *b, struct chart_ctx *c)
{
	json_t *scen = race_scenario_names(b, true), *s;
	size_t si;
	int ret = 0;

	for (int changed = 1; changed >= 0 && !ret; changed--)
		json_array_foreach(scen, si, s) {
			const char *sc = json_string_value(s);

			if (code_changed(b, sc) != changed)
				continue;
			if (window_chart(b, c, sc, si, changed ? "windows" :
					 "windows-same")) {
				ret = -1;
				break;
			}
		}
	json_decref(scen);
	return ret;
}
