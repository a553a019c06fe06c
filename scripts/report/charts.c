// SPDX-License-Identifier: GPL-2.0
/*
 * Charts: this file writes tab-separated data files under charts/data/ and
 * runs the gnuplot scripts of scripts/gnuplot/ on them, each drawing one PNG
 * and one SVG.  The scripts hold every choice of style; this file only
 * decides what goes in which column.
 */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include "report.h"

extern char **environ;

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

/* gnuplot -e 'k=v;...' SCRIPT; the values are quoted gnuplot strings. */
static int gnuplot(const struct chart_opts *o, const char *script,
		   const char *vars)
{
	char path[4096];
	char *argv[] = { "gnuplot", "-e", (char *)vars, path, NULL };
	pid_t pid;
	int st, err;

	if (o->no_plot)
		return 0;
	snprintf(path, sizeof(path), "%s/%s", o->gnuplot_dir, script);
	err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (err) {
		fb_err("cannot run gnuplot: %s (scripts/install-deps --report)",
		       strerror(err));
		return -1;
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fb_err("gnuplot %s failed for %s", script, vars);
		return -1;
	}
	return 0;
}

/* Escape for a single-quoted gnuplot string: '' is a quote. */
static void gq(char *out, size_t len, const char *s)
{
	size_t i = 0;

	for (; *s && i + 2 < len; s++) {
		if (*s == '\'')
			out[i++] = '\'';
		out[i++] = *s;
	}
	out[i] = 0;
}

static int chart_done(json_t *made, const char *outdir, const char *name,
		      const char *title, const char *group)
{
	char png[600], svg[600];

	snprintf(png, sizeof(png), "charts/%s.png", name);
	snprintf(svg, sizeof(svg), "charts/%s.svg", name);
	json_array_append_new(made, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		"name", name, "title", title, "group", group, "png", png,
		"svg", svg));
	return 0;
}

static FILE *data_file(const char *outdir, const char *name, char *path,
		       size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/charts/data", outdir);
	if (mkdir_p(path)) {
		fb_err("cannot create %s: %s", path, strerror(errno));
		return NULL;
	}
	snprintf(path, len, "%s/charts/data/%s.dat", outdir, name);
	f = fopen(path, "w");
	if (!f)
		fb_err("cannot write %s: %s", path, strerror(errno));
	return f;
}

static int histogram(const struct chart_opts *o, const char *outdir,
		     const char *name, const char *dat, int ncols,
		     const char *ylabel, const char *title, bool logy)
{
	char vars[8192], t[512], y[256];

	gq(t, sizeof(t), title);
	gq(y, sizeof(y), ylabel);
	snprintf(vars, sizeof(vars),
		 "datafile='%s'; outbase='%s/charts/%s'; ncols=%d; ylab='%s'; ttl='%s'; logy=%d",
		 dat, outdir, name, ncols, y, t, logy);
	return gnuplot(o, "histogram.gp", vars);
}

static int lines(const struct chart_opts *o, const char *outdir,
		 const char *name, const char *dat, int ncols,
		 const char *xlabel, const char *ylabel, const char *title,
		 bool xtic, bool logy)
{
	char vars[8192], t[512], y[256], x[256];

	gq(t, sizeof(t), title);
	gq(y, sizeof(y), ylabel);
	gq(x, sizeof(x), xlabel);
	snprintf(vars, sizeof(vars),
		 "datafile='%s'; outbase='%s/charts/%s'; ncols=%d; xlab='%s'; ylab='%s'; ttl='%s'; xtic=%d; logy=%d",
		 dat, outdir, name, ncols, x, y, t, xtic, logy);
	return gnuplot(o, "lines.gp", vars);
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

static int chart_per_op(struct bundle *b, const char *outdir,
			const struct chart_opts *o, json_t *made,
			enum metric m, const char *name, const char *ylabel,
			const char *title)
{
	struct tp_run *first = NULL;
	char path[4096];
	int i, k, rows = 0, cols = 0;
	FILE *f;

	for (i = 0; i < b->nr_variants && !first; i++)
		first = b->v[i].tp;
	if (!first)
		return 0;
	f = data_file(outdir, name, path, sizeof(path));
	if (!f)
		return -1;
	fputs("benchmark", f);
	for (i = 0; i < b->nr_variants && cols < MAX_COLS; i++, cols++)
		fprintf(f, "\t%s\t%s-sd", b->v[i].name, b->v[i].name);
	fputc('\n', f);
	for (k = 0; k < first->nr; k++) {
		bool any = false;

		if (!uncontended(&first->b[k]))
			continue;
		fputs(first->b[k].name, f);
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
	fclose(f);
	if (!rows) {
		remove(path);
		return 0;
	}
	if (histogram(o, outdir, name, path, cols, ylabel, title, true))
		return -1;
	return chart_done(made, outdir, name, title, "throughput");
}

/* ops/s against threads for each contended family, a line per variant. */
static int chart_scaling(struct bundle *b, const char *outdir,
			 const struct chart_opts *o, json_t *made)
{
	json_t *families = json_object();
	const char *fam;
	json_t *dummy;
	int i, k;

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; b->v[i].tp && k < b->v[i].tp->nr; k++)
			if (b->v[i].tp->b[k].threads > 1 ||
			    !strncmp(b->v[i].tp->b[k].name, "contended/", 10))
				json_object_set_new(families, b->v[i].tp->b[k].family,
						    json_true());
	json_object_foreach(families, fam, dummy) {
		char name[512], slug[400], path[4096], title[600];
		int threads, cols = 0;
		FILE *f;

		slugify(fam, slug, sizeof(slug));
		snprintf(name, sizeof(name), "scaling-%s", slug);
		f = data_file(outdir, name, path, sizeof(path));
		if (!f)
			return -1;
		fputs("threads", f);
		for (i = 0; i < b->nr_variants && cols < MAX_COLS; i++, cols++)
			fprintf(f, "\t%s (%s)", b->v[i].name,
				b->v[i].tp ? b->v[i].tp->placement : "-");
		fputc('\n', f);
		for (threads = 1; threads <= 4096; threads++) {
			bool any = false;
			char line[8192];
			size_t n = 0;

			for (i = 0; i < cols; i++) {
				struct tp_run *r = b->v[i].tp;
				struct tp_bench *tb = NULL;

				for (k = 0; r && k < r->nr; k++)
					if (!strcmp(r->b[k].family, fam) &&
					    (r->b[k].threads ? r->b[k].threads : 1) == threads)
						tb = &r->b[k];
				any |= tb != NULL;
				if (tb && isfinite(tb->ops_median))
					n += snprintf(line + n, sizeof(line) - n,
						      "\t%.6g", tb->ops_median);
				else
					n += snprintf(line + n, sizeof(line) - n, "\t?");
			}
			if (any)
				fprintf(f, "%d%s\n", threads, line);
		}
		fclose(f);
		snprintf(title, sizeof(title), "%s: ops/s against threads", fam);
		if (lines(o, outdir, name, path, cols, "threads",
			  "ops/s (median, all threads)", title, false, false))
			return -1;
		chart_done(made, outdir, name, title, "scaling");
	}
	json_decref(families);
	return 0;
}

/*
 * Race rates per scenario, a point per variant with its 95% interval on a
 * log scale; a scenario that never fired is drawn as its upper bound, an
 * arrow pointing down.
 */
static int chart_races(struct bundle *b, const char *outdir,
		       const struct chart_opts *o, json_t *made)
{
	json_t *scen = json_array(), *s;
	char path[4096], vars[32768], xt[8192], names[4096], t[8192];
	size_t n = 0, nn = 0, si;
	int i, k, rows = 0;
	FILE *f;

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			bool seen = false;

			json_array_foreach(scen, si, s)
				seen |= !strcmp(json_string_value(s),
						b->v[i].races[k].scenario);
			if (!seen)
				json_array_append_new(scen, json_string(
					b->v[i].races[k].scenario));
		}
	if (!json_array_size(scen)) {
		json_decref(scen);
		return 0;
	}
	f = data_file(outdir, "races", path, sizeof(path));
	if (!f)
		return -1;
	fputs("x\trate\tlo\thi\tbound\tvariant\tscenario\n", f);
	xt[0] = 0;
	json_array_foreach(scen, si, s) {
		const char *sc = json_string_value(s);
		double x0 = si * (b->nr_variants + 1.0);

		n += snprintf(xt + n, sizeof(xt) - n, "%s\"%s\" %g", si ? ", " : "",
			      sc, x0 + (b->nr_variants - 1) / 2.0);
		for (i = 0; i < b->nr_variants; i++)
			for (k = 0; k < b->v[i].nr_races; k++) {
				struct race_result *r = &b->v[i].races[k];
				double rate = r->bad_count / r->trials * 1e6;

				if (strcmp(r->scenario, sc))
					continue;
				fprintf(f, "%g\t%.6g\t%.6g\t%.6g\t%d\t%d\t%s\n",
					x0 + i, rate > 0 ? rate : r->bad_hi,
					r->bad_lo, r->bad_hi, rate == 0, i + 1, sc);
				rows++;
			}
	}
	fclose(f);
	for (i = 0; i < b->nr_variants; i++)
		nn += snprintf(names + nn, sizeof(names) - nn, "%s%s",
			       i ? " " : "", b->v[i].name);
	gq(t, sizeof(t), xt);
	snprintf(vars, sizeof(vars),
		 "datafile='%s'; outbase='%s/charts/races'; names='%s'; xt='(%s)'; xmax=%g",
		 path, outdir, names, t,
		 json_array_size(scen) * (b->nr_variants + 1.0) - 1);
	json_decref(scen);
	if (!rows || gnuplot(o, "races.gp", vars))
		return rows ? -1 : 0;
	return chart_done(made, outdir, "races",
			  "bad outcomes per million trials, 95% interval (triangle: upper bound, none seen)",
			  "races");
}

int charts_bundle(struct bundle *b, const char *outdir,
		  const struct chart_opts *o, json_t *made)
{
	if (chart_per_op(b, outdir, o, made, M_NS, "ns-per-op",
			 "ns/op (median; bar: stddev)",
			 "ns/op per operation, uncontended"))
		return -1;
	if (chart_scaling(b, outdir, o, made) ||
	    chart_races(b, outdir, o, made) ||
	    charts_windows(b, outdir, o, made))
		return -1;
	if (chart_per_op(b, outdir, o, made, M_CYCLES, "perf-cycles",
			 "cycles/op", "perf: cycles per operation") ||
	    chart_per_op(b, outdir, o, made, M_INSTRUCTIONS, "perf-instructions",
			 "instructions/op", "perf: instructions per operation") ||
	    chart_per_op(b, outdir, o, made, M_CACHE_MISSES, "perf-cache-misses",
			 "cache misses/op", "perf: cache misses per operation"))
		return -1;
	return 0;
}

/* The same benchmark of one variant on every bundle's architecture. */
int charts_cross(struct bundle **bs, int n, const char *outdir,
		 const struct chart_opts *o, json_t *made)
{
	struct bundle *b0 = bs[0];
	int vi, i, k;

	for (vi = 0; vi < b0->nr_variants; vi++) {
		const char *vn = b0->v[vi].name;
		struct tp_run *first = b0->v[vi].tp;
		char name[300], path[4096], title[400];
		int rows = 0;
		FILE *f;

		int have = 0;

		for (i = 0; i < n; i++) {
			struct variant_data *v = bundle_variant(bs[i], vn);

			have += v && v->tp;
		}
		/* Side by side needs at least two sides. */
		if (!first || have < 2)
			continue;
		snprintf(name, sizeof(name), "cross-ns-per-op-%s", vn);
		f = data_file(outdir, name, path, sizeof(path));
		if (!f)
			return -1;
		fputs("benchmark", f);
		for (i = 0; i < n; i++)
			fprintf(f, "\t%s%s\tsd", bs[i]->arch,
				bs[i]->emulated ? " emulated (qemu)" : "");
		fputc('\n', f);
		for (k = 0; k < first->nr; k++) {
			if (!uncontended(&first->b[k]))
				continue;
			fputs(first->b[k].name, f);
			for (i = 0; i < n; i++) {
				struct variant_data *v = bundle_variant(bs[i], vn);
				struct tp_bench *tb = v ? tp_find(v->tp, first->b[k].name) : NULL;

				put_num(f, tb ? tb->median : NAN);
				put_num(f, tb ? tb->stddev : 0);
			}
			fputc('\n', f);
			rows++;
		}
		fclose(f);
		if (!rows)
			continue;
		snprintf(title, sizeof(title),
			 "%s: ns/op by architecture (emulated: functional, not hardware)", vn);
		if (histogram(o, outdir, name, path, n, "ns/op (median; bar: stddev)",
			      title, true))
			return -1;
		chart_done(made, outdir, name, title, "cross");
	}
	return 0;
}

/*
 * History of the headline figures: the median ns/op of the first variant's
 * uncontended benchmarks, over the bundles of one architecture in time
 * order (the caller sorts).
 */
int charts_history(struct bundle **bs, int n, const char *outdir,
		   const struct chart_opts *o, json_t *made)
{
	json_t *archs = json_object(), *dummy;
	const char *arch;

	for (int i = 0; i < n; i++) {
		char label[128];

		json_object_set_new(archs, bundle_arch_label(bs[i], label, sizeof(label)),
				    json_true());
	}
	json_object_foreach(archs, arch, dummy) {
		struct tp_run *ref = NULL;
		const char *vn = NULL;
		char name[300], slug[200], path[4096], title[400], label[128];
		int i, k, cols = 0, rows = 0;
		FILE *f;

		for (i = 0; i < n && !ref; i++)
			if (!strcmp(bundle_arch_label(bs[i], label, sizeof(label)), arch) &&
			    bs[i]->nr_variants && bs[i]->v[0].tp) {
				ref = bs[i]->v[0].tp;
				vn = bs[i]->v[0].name;
			}
		if (!ref)
			continue;
		slugify(arch, slug, sizeof(slug));
		snprintf(name, sizeof(name), "history-%s", slug);
		f = data_file(outdir, name, path, sizeof(path));
		if (!f)
			return -1;
		fputs("run", f);
		for (k = 0; k < ref->nr && cols < 8; k++)
			if (uncontended(&ref->b[k]))
				fprintf(f, "\t%s", ref->b[k].name), cols++;
		fputc('\n', f);
		for (i = 0; i < n; i++) {
			struct variant_data *v;
			int c = 0;

			if (strcmp(bundle_arch_label(bs[i], label, sizeof(label)), arch))
				continue;
			v = bundle_variant(bs[i], vn);
			fprintf(f, "%.16s", bs[i]->started);
			for (k = 0; k < ref->nr && c < cols; k++) {
				struct tp_bench *tb;

				if (!uncontended(&ref->b[k]))
					continue;
				tb = v ? tp_find(v->tp, ref->b[k].name) : NULL;
				put_num(f, tb ? tb->median : NAN);
				c++;
			}
			fputc('\n', f);
			rows++;
		}
		fclose(f);
		snprintf(title, sizeof(title), "%s, variant %s: median ns/op over runs",
			 arch, vn);
		if (lines(o, outdir, name, path, cols, "run", "ns/op (median)",
			  title, true, true))
			return -1;
		chart_done(made, outdir, name, title, "history");
		(void)rows;
	}
	json_decref(archs);
	return 0;
}
