// SPDX-License-Identifier: GPL-2.0
/*
 * Charts: this file writes tab-separated data files under charts/data/ and
 * runs the gnuplot scripts of scripts/gnuplot/ on them (plot.c), each
 * drawing one PNG and one SVG.  The scripts hold every choice of style;
 * this file only decides what goes in which column.  Variant names,
 * architectures and benchmark names are untrusted text: they travel in the
 * data files only, never on gnuplot's command line.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

#define MAX_COLS 64

static bool uncontended(const struct tp_bench *b)
{
	return b->threads <= 1 && strncmp(b->name, "contended/", 10);
}

static void put_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "\t%.6g", v);
	else
		fputs("\t?", f);
}

/* A data-file field: tabs and newlines would split it, '"' would quote it. */
static void put_field(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' :
		      *s == '"' ? '\'' : *s, f);
}

/* data/NAME.meta: one line, title<TAB>xlabel<TAB>ylabel, read as data. */
static int meta_file(struct chart_ctx *c, const char *name, const char *title,
		     const char *xlabel, const char *ylabel)
{
	struct sio_file sf;

	if (!plot_file(c, &sf, name, "meta"))
		return -1;
	put_field(sf.f, title);
	fputc('\t', sf.f);
	put_field(sf.f, xlabel);
	fputc('\t', sf.f);
	put_field(sf.f, ylabel);
	fputc('\n', sf.f);
	return sio_commit(&sf);
}

/* data/NAME.dat, in the private directory until plot_end(). */
static FILE *data_file(struct chart_ctx *c, const char *name,
		       struct sio_file *sf)
{
	return plot_file(c, sf, name, "dat");
}

/* data/PREFIX-SLUG.dat, SLUG @text made a file name; the chart's name in @name. */
static FILE *slug_data(struct chart_ctx *c, const char *prefix,
		       const char *text, char *name, size_t len,
		       struct sio_file *sf)
{
	char slug[200];

	slugify(text, slug, sizeof(slug));
	snprintf(name, len, "%s%s", prefix, slug);
	return data_file(c, name, sf);
}

/* gnuplot's answer as the chart's: drawn, listed; not drawn, not an error. */
static int drawn(struct chart_ctx *c, int ret, const char *name,
		 const char *title, const char *group)
{
	if (ret < 0)
		return -1;
	if (!ret)
		plot_made(c, name, title, group);
	return 0;
}

static int histogram(struct chart_ctx *c, const char *name, int ncols,
		     const char *ylabel, const char *title, bool logy,
		     const char *group)
{
	char nums[128];

	if (meta_file(c, name, title, "", ylabel))
		return -1;
	snprintf(nums, sizeof(nums), "ncols=%d; logy=%d", ncols, logy);
	return drawn(c, plot_run(c, "histogram.gp", name, nums), name, title,
		     group);
}

static int lines(struct chart_ctx *c, const char *name, int ncols,
		 const char *xlabel, const char *ylabel, const char *title,
		 bool xtic, bool logy, const char *group)
{
	char nums[128];

	if (meta_file(c, name, title, xlabel, ylabel))
		return -1;
	snprintf(nums, sizeof(nums), "ncols=%d; xtic=%d; logy=%d", ncols,
		 xtic, logy);
	return drawn(c, plot_run(c, "lines.gp", name, nums), name, title,
		     group);
}

/* ns/op (or a perf counter) per uncontended benchmark, a bar per variant. */
enum metric { M_NS, M_CYCLES, M_INSTRUCTIONS, M_CACHE_MISSES };

static double metric(const struct tp_bench *b, enum metric m, double *sd)
{
	*sd = NAN;
	switch (m) {
	case M_NS: *sd = b->stddev; return b->median;
	case M_CYCLES: return b->cycles;
	case M_INSTRUCTIONS: return b->instructions;
	case M_CACHE_MISSES: return b->cache_misses;
	}
	return NAN;
}

static int chart_per_op(struct bundle *b, struct chart_ctx *c,
			enum metric m, const char *name, const char *ylabel,
			const char *title)
{
	struct tp_run *first = NULL;
	struct sio_file sf;
	int i, k, rows = 0, cols = 0;
	FILE *f;

	for (i = 0; i < b->nr_variants && !first; i++)
		first = b->v[i].tp;
	if (!first)
		return 0;
	f = data_file(c, name, &sf);
	if (!f)
		return -1;
	fputs("benchmark", f);
	for (i = 0; i < b->nr_variants && cols < MAX_COLS; i++, cols++) {
		fputc('\t', f), put_field(f, b->v[i].name);
		fputc('\t', f), put_field(f, b->v[i].name), fputs("-sd", f);
	}
	fputc('\n', f);
	for (k = 0; k < first->nr; k++) {
		bool any = false;

		if (!uncontended(&first->b[k]))
			continue;
		put_field(f, first->b[k].name);
		for (i = 0; i < cols; i++) {
			struct tp_bench *tb = tp_find(b->v[i].tp, first->b[k].name);
			double sd = NAN, v = tb ? metric(tb, m, &sd) : NAN;

			any |= isfinite(v);
			put_num(f, v);
			put_num(f, isfinite(sd) ? sd : 0);
		}
		fputc('\n', f);
		rows += any;
	}
	if (!rows) {
		sio_discard(&sf);
		return 0;
	}
	if (sio_commit(&sf))
		return -1;
	return histogram(c, name, cols, ylabel, title, true, "throughput");
}

/* One benchmark of a contended family: the scaling curves' points. */
struct point {
	int family, threads, v, k;
};

static int cmp_point(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	if (x->family != y->family)
		return x->family - y->family;
	if (x->threads != y->threads)
		return x->threads - y->threads;
	return x->v != y->v ? x->v - y->v : x->k - y->k;
}

/*
 * Every benchmark of a contended family (one run on several threads, or
 * named contended/...) of every variant, grouped by family (in the order
 * the families first appear) and thread count: one sort, so that a bundle
 * of many benchmarks costs n log n, not n^2 per family.
 */
static struct point *scaling_points(struct bundle *b, json_t *families,
				    int *n)
{
	struct point *p = NULL;
	int i, k, cap = 0;

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; b->v[i].tp && k < b->v[i].tp->nr; k++) {
			struct tp_bench *tb = &b->v[i].tp->b[k];

			if ((tb->threads > 1 || !strncmp(tb->name, "contended/", 10)) &&
			    !json_object_get(families, tb->family))
				json_object_set_new(families, tb->family,
					json_integer(json_object_size(families)));
		}
	*n = 0;
	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; b->v[i].tp && k < b->v[i].tp->nr; k++) {
			struct tp_bench *tb = &b->v[i].tp->b[k];
			int t = tb->threads ? tb->threads : 1;

			if (!json_object_get(families, tb->family))
				continue;
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				p = realloc(p, cap * sizeof(*p));
				if (!p)
					abort();
			}
			p[(*n)++] = (struct point){
				(int)json_integer_value(json_object_get(families, tb->family)),
				t, i, k };
		}
	if (*n)
		qsort(p, *n, sizeof(*p), cmp_point);
	return p;
}

/* The rows of one family, from its points @p[0..n): threads, ops/s per variant. */
static void scaling_rows(struct bundle *b, FILE *f, const struct point *p,
			 int n, int cols)
{
	for (int at = 0, end; at < n; at = end) {
		const struct tp_bench *tb[MAX_COLS] = { 0 };
		bool any = false;

		for (end = at; end < n && p[end].threads == p[at].threads; end++)
			if (p[end].v < cols) {	/* the last one of a variant */
				tb[p[end].v] = &b->v[p[end].v].tp->b[p[end].k];
				any = true;
			}
		if (p[at].threads > 4096)
			break;
		if (!any)
			continue;
		fprintf(f, "%d", p[at].threads);
		for (int i = 0; i < cols; i++)
			if (tb[i] && isfinite(tb[i]->ops_median))
				fprintf(f, "\t%.6g", tb[i]->ops_median);
			else
				fputs("\t?", f);
		fputc('\n', f);
	}
}

static int scaling_chart(struct bundle *b, struct chart_ctx *c,
			 const char *fam, const struct point *p, int n)
{
	char name[300], title[600];
	struct sio_file sf;
	int i, cols = 0;
	FILE *f;

	f = slug_data(c, "scaling-", fam, name, sizeof(name), &sf);
	if (!f)
		return -1;
	fputs("threads", f);
	for (i = 0; i < b->nr_variants && cols < MAX_COLS; i++, cols++) {
		fputc('\t', f), put_field(f, b->v[i].name);
		fputs(" (", f);
		put_field(f, b->v[i].tp ? b->v[i].tp->placement : "-");
		fputc(')', f);
	}
	fputc('\n', f);
	scaling_rows(b, f, p, n, cols);
	if (sio_commit(&sf))
		return -1;
	snprintf(title, sizeof(title), "%s: ops/s against threads", fam);
	return lines(c, name, cols, "threads", "ops/s (median, all threads)",
		     title, false, false, "scaling");
}

/* ops/s against threads for each contended family, a line per variant. */
static int chart_scaling(struct bundle *b, struct chart_ctx *c)
{
	json_t *families = json_object();
	const char *fam;
	json_t *rank;
	struct point *p;
	int n, at = 0, ret = 0;

	p = scaling_points(b, families, &n);
	json_object_foreach(families, fam, rank) {
		int end = at;

		while (end < n && p[end].family == json_integer_value(rank))
			end++;
		if (!ret && scaling_chart(b, c, fam, p + at, end - at))
			ret = -1;
		at = end;
	}
	free(p);
	json_decref(families);
	return ret;
}

/* The scenarios of @b's race results, in order, each once (new array). */
json_t *race_scenario_names(struct bundle *b, bool with_window)
{
	json_t *scen = json_array(), *s;
	size_t si;

	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++) {
			struct race_result *r = &b->v[i].races[k];
			bool seen = false;

			if (with_window && !r->nr_bins)
				continue;
			json_array_foreach(scen, si, s)
				seen |= !strcmp(json_string_value(s), r->scenario);
			if (!seen)
				json_array_append_new(scen, json_string(r->scenario));
		}
	return scen;
}

/*
 * Race rates per scenario, a point per variant with its 95% interval on a
 * log scale; a scenario that never fired is drawn as its upper bound, an
 * arrow pointing down.
 */
static void races_legend(struct bundle *b, FILE *f)
{
	int i;

	/* The legend: one header line of variant names, one empty row. */
	for (i = 0; i < b->nr_variants; i++)
		fputs(i ? "\t" : "", f), put_field(f, b->v[i].name);
	fputc('\n', f);
	for (i = 0; i < b->nr_variants; i++)
		fputs(i ? "\t?" : "?", f);
	fputc('\n', f);
}

/* races.dat and races-xtics.dat: a point per result, a tic per scenario. */
static int races_points(struct bundle *b, json_t *scen, FILE *f, FILE *xt)
{
	json_t *s;
	size_t si;
	int i, k, rows = 0;

	fputs("x\trate\tlo\thi\tbound\tvariant\tscenario\n", f);
	json_array_foreach(scen, si, s) {
		const char *sc = json_string_value(s);
		double x0 = si * (b->nr_variants + 1.0);

		fprintf(xt, "%g\t", x0 + (b->nr_variants - 1) / 2.0);
		put_field(xt, sc);
		fputc('\n', xt);
		for (i = 0; i < b->nr_variants; i++)
			for (k = 0; k < b->v[i].nr_races; k++) {
				struct race_result *r = &b->v[i].races[k];
				double rate = r->bad / r->trials * 1e6;

				if (strcmp(r->scenario, sc))
					continue;
				fprintf(f, "%g\t%.6g\t%.6g\t%.6g\t%d\t%d\t",
					x0 + i, rate > 0 ? rate : r->d.hi * 1e6,
					r->d.lo * 1e6, r->d.hi * 1e6, rate == 0, i + 1);
				put_field(f, sc);
				fputc('\n', f);
				rows++;
			}
	}
	return rows;
}

static int chart_races(struct bundle *b, struct chart_ctx *c)
{
	json_t *scen = race_scenario_names(b, false);
	struct sio_file sf, sx, sn;
	char nums[128];
	int rows, ret = -1;

	if (!json_array_size(scen)) {
		json_decref(scen);
		return 0;
	}
	if (!data_file(c, "races-names", &sn))
		goto out;
	races_legend(b, sn.f);
	if (sio_commit(&sn) || !data_file(c, "races-xtics", &sx))
		goto out;
	if (!data_file(c, "races", &sf)) {
		sio_discard(&sx);
		goto out;
	}
	rows = races_points(b, scen, sf.f, sx.f);
	if (sio_commit(&sx) | sio_commit(&sf))
		goto out;
	snprintf(nums, sizeof(nums), "nv=%d; xmax=%g", b->nr_variants,
		 json_array_size(scen) * (b->nr_variants + 1.0) - 1);
	ret = !rows ? 0 : drawn(c, plot_run(c, "races.gp", "races", nums), "races",
		"bad outcomes per million trials, 95% interval (triangle: upper bound, none seen)",
		"races");
out:
	json_decref(scen);
	return ret;
}

/*
 * A bundle's charts, in the page's order: one entry each.  A chart that
 * draws itself names its function; a per-op chart its metric and words.
 */
static const struct chart_def {
	int (*draw)(struct bundle *b, struct chart_ctx *c);
	enum metric m;
	const char *name, *ylabel, *title;
} bundle_charts[] = {
	{ .draw = charts_windows },
	{ .draw = chart_races },
	{ .draw = pairmap_charts },
	{ NULL, M_NS, "ns-per-op", "ns/op (median; bar: stddev)",
	  "ns/op per operation, uncontended" },
	{ .draw = chart_scaling },
	{ NULL, M_CYCLES, "perf-cycles", "cycles/op",
	  "perf: cycles per operation" },
	{ NULL, M_INSTRUCTIONS, "perf-instructions", "instructions/op",
	  "perf: instructions per operation" },
	{ NULL, M_CACHE_MISSES, "perf-cache-misses", "cache misses/op",
	  "perf: cache misses per operation" },
};

int charts_bundle(struct bundle *b, struct chart_ctx *c)
{
	for (size_t i = 0; i < sizeof(bundle_charts) / sizeof(bundle_charts[0]); i++) {
		const struct chart_def *d = &bundle_charts[i];

		if (d->draw ? d->draw(b, c) :
		    chart_per_op(b, c, d->m, d->name, d->ylabel, d->title))
			return -1;
	}
	return 0;
}

/* The same benchmark of one variant on every bundle's architecture. */
static int cross_chart(struct bundle **bs, int n, struct chart_ctx *c,
		       const char *vn, struct tp_run *first)
{
	char name[300], title[400];
	struct sio_file sf;
	int i, k, rows = 0;
	FILE *f;

	f = slug_data(c, "cross-ns-per-op-", vn, name, sizeof(name), &sf);
	if (!f)
		return -1;
	fputs("benchmark", f);
	for (i = 0; i < n; i++)
		fputc('\t', f), put_field(f, bs[i]->arch),
		fprintf(f, "%s\tsd", bs[i]->emulated ? " emulated (qemu)" : "");
	fputc('\n', f);
	for (k = 0; k < first->nr; k++) {
		if (!uncontended(&first->b[k]))
			continue;
		put_field(f, first->b[k].name);
		for (i = 0; i < n; i++) {
			struct variant_data *v = bundle_variant(bs[i], vn);
			struct tp_bench *tb = v ? tp_find(v->tp, first->b[k].name) : NULL;

			put_num(f, tb ? tb->median : NAN);
			put_num(f, tb ? tb->stddev : 0);
		}
		fputc('\n', f);
		rows++;
	}
	if (sio_commit(&sf))
		return -1;
	if (!rows)
		return 0;
	snprintf(title, sizeof(title),
		 "%s: ns/op by architecture (emulated: functional, not hardware)", vn);
	return histogram(c, name, n, "ns/op (median; bar: stddev)", title, true,
			 "cross");
}

int charts_cross(struct bundle **bs, int n, struct chart_ctx *c)
{
	struct bundle *b0 = bs[0];

	for (int vi = 0; vi < b0->nr_variants; vi++) {
		const char *vn = b0->v[vi].name;
		int have = 0;

		for (int i = 0; i < n; i++) {
			struct variant_data *v = bundle_variant(bs[i], vn);

			have += v && v->tp;
		}
		/* Side by side needs at least two sides. */
		if (!b0->v[vi].tp || have < 2)
			continue;
		if (cross_chart(bs, n, c, vn, b0->v[vi].tp))
			return -1;
	}
	return 0;
}

/* The history of one architecture (@arch): a line per benchmark. */
static int history_chart(struct bundle **bs, int n, struct chart_ctx *c,
			 const char *arch, struct tp_run *ref, const char *vn)
{
	char name[300], title[400], label[128];
	struct sio_file sf;
	int i, k, cols = 0;
	FILE *f;

	f = slug_data(c, "history-", arch, name, sizeof(name), &sf);
	if (!f)
		return -1;
	fputs("run", f);
	for (k = 0; k < ref->nr && cols < 8; k++)
		if (uncontended(&ref->b[k]))
			fputc('\t', f), put_field(f, ref->b[k].name), cols++;
	fputc('\n', f);
	for (i = 0; i < n; i++) {
		struct variant_data *v;
		int col = 0;

		if (strcmp(bundle_arch_label(bs[i], label, sizeof(label)), arch))
			continue;
		v = bundle_variant(bs[i], vn);
		snprintf(label, 17, "%s", bs[i]->started);
		put_field(f, label);
		for (k = 0; k < ref->nr && col < cols; k++) {
			struct tp_bench *tb;

			if (!uncontended(&ref->b[k]))
				continue;
			tb = v ? tp_find(v->tp, ref->b[k].name) : NULL;
			put_num(f, tb ? tb->median : NAN);
			col++;
		}
		fputc('\n', f);
	}
	if (sio_commit(&sf))
		return -1;
	snprintf(title, sizeof(title), "%s, variant %s: median ns/op over runs",
		 arch, vn);
	return lines(c, name, cols, "run", "ns/op (median)", title, true, true,
		     "history");
}

/*
 * History of the headline figures: the median ns/op of the first variant's
 * uncontended benchmarks, over the bundles of one architecture in time
 * order (the caller sorts).
 */
int charts_history(struct bundle **bs, int n, struct chart_ctx *c)
{
	json_t *archs = json_object(), *dummy;
	const char *arch;
	char label[128];
	int ret = 0;

	for (int i = 0; i < n; i++)
		json_object_set_new(archs, bundle_arch_label(bs[i], label, sizeof(label)),
				    json_true());
	json_object_foreach(archs, arch, dummy) {
		struct tp_run *ref = NULL;
		const char *vn = NULL;

		for (int i = 0; i < n && !ref; i++)
			if (!strcmp(bundle_arch_label(bs[i], label, sizeof(label)), arch) &&
			    bs[i]->nr_variants && bs[i]->v[0].tp) {
				ref = bs[i]->v[0].tp;
				vn = bs[i]->v[0].name;
			}
		if (ref && history_chart(bs, n, c, arch, ref, vn)) {
			ret = -1;
			break;
		}
	}
	json_decref(archs);
	return ret;
}
