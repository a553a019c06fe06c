// SPDX-License-Identifier: GPL-2.0
/*
 * The per-pair race map: for a scenario run with `race --pairs each`, its
 * bad-outcome rate on every ordered CPU pair (A's CPU down, B's across), a
 * heatmap drawn by scripts/gnuplot/pairmap.gp, and per pair class the pooled
 * rate in a table on the page: the race-rate counterpart of core-to-core
 * latency maps.
 *
 * The rates and the pairs are the bundle loader's (race_result: bad,
 * trials, the interval, pair_cpus, pair_of), so the map and every other
 * view show one number, read once.
 *
 * gnuplot is fed data, never code (plot.c): it runs in a private
 * directory, on fixed file names (pairmap.dat in, pairmap.png/.svg out,
 * renamed afterwards); titles, CPU numbers and class letters travel in the
 * data file only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

static const char *const class_names[] = { "smt", "l2", "l3", "package", "none" };
#define NR_CLASSES 5

/* One ordered pair's result, and its variant and scenario. */
struct pm_cell {
	int a, b, cls;
	const struct race_result *r;
};

struct pm_map {
	const char *variant, *scenario;
	int nr;
	struct pm_cell *c;
};

static int class_index(const char *s)
{
	for (int i = 0; i < NR_CLASSES; i++)
		if (!strcmp(s, class_names[i]))
			return i;
	return -1;
}

/* The map of @variant and @scenario among maps[from..n), or NULL. */
static struct pm_map *find_map(struct pm_map *maps, int from, int n,
			       const char *scenario)
{
	for (int i = from; i < n; i++)
		if (!strcmp(maps[i].scenario, scenario))
			return &maps[i];
	return NULL;
}

/* Maps of one bundle: one per variant and scenario with "pair" results. */
static int collect(struct bundle *b, struct pm_map **out)
{
	struct pm_map *maps = NULL;
	int nmaps = 0;

	for (int i = 0; i < b->nr_variants; i++) {
		struct variant_data *v = &b->v[i];
		int first = nmaps;	/* this variant's maps */

		for (int k = 0; k < v->nr_races; k++) {
			const struct race_result *r = &v->races[k];
			int cls = r->has_pair ? class_index(r->pair_of) : -1;
			struct pm_map *m;

			if (cls < 0)
				continue;
			m = find_map(maps, first, nmaps, r->scenario);
			if (!m) {
				maps = realloc(maps, (nmaps + 1) * sizeof(*maps));
				if (!maps)
					abort();
				m = &maps[nmaps++];
				memset(m, 0, sizeof(*m));
				m->variant = v->name;
				m->scenario = r->scenario;
			}
			m->c = realloc(m->c, (m->nr + 1) * sizeof(*m->c));
			if (!m->c)
				abort();
			m->c[m->nr++] = (struct pm_cell){
				.a = r->pair_cpus[0], .b = r->pair_cpus[1],
				.cls = cls, .r = r,
			};
		}
	}
	*out = maps;
	return nmaps;
}

static void free_maps(struct pm_map *maps, int n)
{
	for (int i = 0; i < n; i++)
		free(maps[i].c);
	free(maps);
}

static int cmp_int(const void *x, const void *y)
{
	return *(const int *)x - *(const int *)y;
}

/* The CPUs of a map, ascending and unique, into @cpus; their count. */
static int map_cpus(const struct pm_map *m, int *cpus)
{
	int n = 0, u = 0;

	for (int i = 0; i < m->nr; i++) {
		cpus[n++] = m->c[i].a;
		cpus[n++] = m->c[i].b;
	}
	qsort(cpus, n, sizeof(*cpus), cmp_int);
	for (int i = 0; i < n; i++)
		if (!u || cpus[u - 1] != cpus[i])
			cpus[u++] = cpus[i];
	return u;
}

/* @cpu's place among the sorted @cpus. */
static int index_of(const int *cpus, int n, int cpu)
{
	const int *at = bsearch(&cpu, cpus, n, sizeof(*cpus), cmp_int);

	return at ? (int)(at - cpus) : -1;
}

/*
 * pairmap.dat: a header line whose third column is the title, then per
 * ordered pair: x (B's CPU index) y (A's) rate per million (-1: none seen)
 * class letter, A's CPU, B's CPU.
 */
static int write_map(const struct pm_map *m, struct chart_ctx *c)
{
	static const char letter[NR_CLASSES] = { 'S', '2', '3', 'P', 'N' };
	int *cpus = calloc(2 * m->nr, sizeof(int)), n;
	struct sio_file sf;
	FILE *f;

	if (!cpus)
		return -1;
	n = map_cpus(m, cpus);
	/* gnuplot's fixed name, beside it in the private directory. */
	f = sio_create(&sf, &c->priv, "pairmap.dat");
	if (!f) {
		free(cpus);
		return -1;
	}
	fprintf(f, "x\ty\t%s: %s, bad per million trials (letters: S smt, 2 l2, 3 l3, P package, N none; grey: none seen)\tclass\tcpu_a\tcpu_b\n",
		m->variant, m->scenario);
	for (int i = 0; i < m->nr; i++) {
		const struct race_result *r = m->c[i].r;
		double rate = r->bad > 0 ? r->bad / r->trials * 1e6 : -1;

		fprintf(f, "%d\t%d\t%.6g\t%c\t%d\t%d\n",
			index_of(cpus, n, m->c[i].b), index_of(cpus, n, m->c[i].a),
			rate, letter[m->c[i].cls], m->c[i].a, m->c[i].b);
	}
	free(cpus);
	return sio_commit(&sf);
}

/* gnuplot's fixed names, renamed to map @i's: pairmap-I.dat, .png, .svg. */
static int rename_map(struct chart_ctx *c, const char *name, bool drawn)
{
	static const char *const ext[] = { "png", "svg" };
	char to[96];

	snprintf(to, sizeof(to), "%s.dat", name);
	if (sio_move(&c->priv, "pairmap.dat", &c->priv_data, to))
		return -1;
	for (int e = 0; e < 2 && drawn; e++) {
		char from[32];

		snprintf(from, sizeof(from), "pairmap.%s", ext[e]);
		snprintf(to, sizeof(to), "%s.%s", name, ext[e]);
		if (sio_move(&c->priv, from, &c->priv, to))
			return -1;
	}
	return 0;
}

int pairmap_charts(struct bundle *b, struct chart_ctx *c)
{
	struct pm_map *maps;
	char title[512], name[64];
	int n = collect(b, &maps), ret = 0;

	for (int i = 0; i < n && !ret; i++) {
		int drawn;

		if (write_map(&maps[i], c)) {
			ret = -1;
			break;
		}
		drawn = plot_run(c, "pairmap.gp", "pairmap", "");
		snprintf(name, sizeof(name), "pairmap-%d", i + 1);
		if (drawn < 0 || rename_map(c, name, !drawn)) {
			ret = -1;
			break;
		}
		if (drawn)
			continue;
		snprintf(title, sizeof(title),
			 "%s, %s: bad outcomes per million trials per CPU pair (A's CPU down, B's across)",
			 maps[i].variant, maps[i].scenario);
		plot_made(c, name, title, "pairmap");
	}
	free_maps(maps, n);
	return ret;
}

bool pairmap_any(struct bundle *b)
{
	struct pm_map *maps;
	int n = collect(b, &maps);

	free_maps(maps, n);
	return n > 0;
}

void pairmap_html(struct bundle *b, FILE *f)
{
	struct pm_map *maps;
	int n = collect(b, &maps);

	if (!n)
		return;
	fputs("<h2>Race rate per CPU pair</h2>\n"
	      "<p>Scenarios run with <code>race --pairs each</code>: the maps are "
	      "among the charts; here each pair class pooled (bad trials over "
	      "trials of its pairs, exact 95% interval).</p>\n"
	      "<div class=\"scroll\"><table><thead><tr><th>variant</th><th>scenario</th>"
	      "<th>class</th><th>pairs</th><th>trials</th><th>bad</th>"
	      "<th>per million</th><th>95% CI per million</th></tr></thead><tbody>\n", f);
	for (int i = 0; i < n; i++)
		for (int c = 0; c < NR_CLASSES; c++) {
			double trials = 0, bad = 0, lo, hi;
			int pairs = 0;

			for (int k = 0; k < maps[i].nr; k++)
				if (maps[i].c[k].cls == c) {
					pairs++;
					trials += maps[i].c[k].r->trials;
					bad += maps[i].c[k].r->bad;
				}
			if (!pairs)
				continue;
			res_binom_ci(bad, trials, RES_ALPHA, &lo, &hi);
			fputs("<tr><td>", f);
			html_escape(f, maps[i].variant);
			fputs("</td><td>", f);
			html_escape(f, maps[i].scenario);
			fprintf(f, "</td><td>%s</td><td>%d</td><td>%.0f</td><td>%.0f</td>"
				"<td>%.4g</td><td>%.4g – %.4g</td></tr>\n",
				class_names[c], pairs, trials, bad,
				bad / trials * 1e6, lo * 1e6, hi * 1e6);
		}
	fputs("</tbody></table></div>\n", f);
	free_maps(maps, n);
}
