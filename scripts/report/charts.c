// SPDX-License-Identifier: GPL-2.0
/*
 * Charts: this file writes tab-separated data files under charts/data/ and
 * runs the gnuplot scripts of scripts/gnuplot/ on them, each drawing one PNG
 * and one SVG.  The scripts hold every choice of style; this file only
 * decides what goes in which column.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
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

/*
 * gnuplot is fed data, never code.  Bundles travel between machines, so a
 * variant name, an architecture or a bundle directory is untrusted text: none
 * of it is ever pasted into `-e` or into a script.  gnuplot runs with its
 * working directory set to OUTDIR/charts; the one string it is given is the
 * chart's name, a slug checked here ([A-Za-z0-9._-], also the file names
 * data/NAME.dat, data/NAME.meta, NAME.png, NAME.svg), the rest of `-e` is
 * numbers printed by us, and the scripts read titles, labels and legends
 * from the data files with strcol()/columnheader(), which never evaluate.
 */
static bool safe_name(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

/* A data-file field: tabs and newlines would split it, '"' would quote it. */
static void put_field(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' :
		      *s == '"' ? '\'' : *s, f);
}

int chart_gnuplot(const struct chart_opts *o, const char *outdir,
		  const char *script, const char *name, const char *nums)
{
	char vars[512], dir[4200], gp[4200], real[PATH_MAX];
	char *argv[] = { "gnuplot", "-e", vars, gp, NULL };
	pid_t pid;
	int st;

	if (o->no_plot)
		return 0;
	if (!safe_name(name)) {
		fb_err("chart name '%s' is not a plain file name", name);
		return -1;
	}
	if (!realpath(o->gnuplot_dir, real)) {
		fb_err("gnuplot scripts %s: %s", o->gnuplot_dir, strerror(errno));
		return -1;
	}
	snprintf(gp, sizeof(gp), "%s/%s", real, script);
	snprintf(dir, sizeof(dir), "%s/charts", outdir);
	snprintf(vars, sizeof(vars), "name='%s'; %s", name, nums);
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		fb_err("cannot run gnuplot: %s", strerror(errno));
		return -1;
	}
	if (!pid) {
		int fd, saved;

		if (chdir(dir)) {
			fb_err("cannot enter %s: %s", dir, strerror(errno));
			_exit(126);
		}
		/* Its warnings ("empty x range" on one point) go to a log. */
		saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
		fd = open("data/gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		execvp("gnuplot", argv);
		if (saved >= 0)
			dup2(saved, 2);
		fb_err("cannot run gnuplot: %s (scripts/install-deps --report)",
		       strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		if (!WIFEXITED(st) || WEXITSTATUS(st) < 126)
			fb_err("gnuplot %s failed on chart %s (see %s/data/gnuplot.log)",
			       script, name, dir);
		return -1;
	}
	return 0;
}

/* data/NAME.meta: one line, title<TAB>xlabel<TAB>ylabel, read as data. */
static int meta_file(const char *outdir, const char *name, const char *title,
		     const char *xlabel, const char *ylabel)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/charts/data/%s.meta", outdir, name);
	f = fopen(path, "w");
	if (!f) {
		fb_err("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	put_field(f, title);
	fputc('\t', f);
	put_field(f, xlabel);
	fputc('\t', f);
	put_field(f, ylabel);
	fputc('\n', f);
	if (fclose(f)) {
		fb_err("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
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
		     const char *name, int ncols, const char *ylabel,
		     const char *title, bool logy)
{
	char nums[128];

	if (meta_file(outdir, name, title, "", ylabel))
		return -1;
	snprintf(nums, sizeof(nums), "ncols=%d; logy=%d", ncols, logy);
	return chart_gnuplot(o, outdir, "histogram.gp", name, nums);
}

static int lines(const struct chart_opts *o, const char *outdir,
		 const char *name, int ncols, const char *xlabel,
		 const char *ylabel, const char *title, bool xtic, bool logy)
{
	char nums[128];

	if (meta_file(outdir, name, title, xlabel, ylabel))
		return -1;
	snprintf(nums, sizeof(nums), "ncols=%d; xtic=%d; logy=%d", ncols,
		 xtic, logy);
	return chart_gnuplot(o, outdir, "lines.gp", name, nums);
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
	fclose(f);
	if (!rows) {
		remove(path);
		return 0;
	}
	if (histogram(o, outdir, name, cols, ylabel, title, true))
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
		for (i = 0; i < b->nr_variants && cols < MAX_COLS; i++, cols++) {
			fputc('\t', f), put_field(f, b->v[i].name);
			fputs(" (", f);
			put_field(f, b->v[i].tp ? b->v[i].tp->placement : "-");
			fputc(')', f);
		}
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
		if (lines(o, outdir, name, cols, "threads",
			  "ops/s (median, all threads)", title, false, false))
			return -1;
		chart_done(made, outdir, name, title, "scaling");
	}
	json_decref(families);
	return 0;
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
static int chart_races(struct bundle *b, const char *outdir,
		       const struct chart_opts *o, json_t *made)
{
	json_t *scen = race_scenario_names(b, false), *s;
	char path[4096], nums[128];
	size_t si;
	int i, k, rows = 0;
	FILE *f, *xt;

	if (!json_array_size(scen)) {
		json_decref(scen);
		return 0;
	}
	/* The legend: one header line of variant names, one empty row. */
	f = data_file(outdir, "races-names", path, sizeof(path));
	if (!f)
		goto fail;
	for (i = 0; i < b->nr_variants; i++)
		fputs(i ? "\t" : "", f), put_field(f, b->v[i].name);
	fputc('\n', f);
	for (i = 0; i < b->nr_variants; i++)
		fputs(i ? "\t?" : "?", f);
	fputc('\n', f);
	fclose(f);
	/* The scenarios' tics: x<TAB>name. */
	xt = data_file(outdir, "races-xtics", path, sizeof(path));
	if (!xt)
		goto fail;
	f = data_file(outdir, "races", path, sizeof(path));
	if (!f) {
		fclose(xt);
		goto fail;
	}
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
	fclose(xt);
	fclose(f);
	snprintf(nums, sizeof(nums), "nv=%d; xmax=%g", b->nr_variants,
		 json_array_size(scen) * (b->nr_variants + 1.0) - 1);
	json_decref(scen);
	if (!rows)
		return 0;
	if (chart_gnuplot(o, outdir, "races.gp", "races", nums))
		return -1;
	return chart_done(made, outdir, "races",
			  "bad outcomes per million trials, 95% interval (triangle: upper bound, none seen)",
			  "races");
fail:
	json_decref(scen);
	return -1;
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
	    pairmap_charts(b, outdir, o, made) ||
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
		char name[300], slug[200], path[4096], title[400];
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
		slugify(vn, slug, sizeof(slug));
		snprintf(name, sizeof(name), "cross-ns-per-op-%s", slug);
		f = data_file(outdir, name, path, sizeof(path));
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
		fclose(f);
		if (!rows)
			continue;
		snprintf(title, sizeof(title),
			 "%s: ns/op by architecture (emulated: functional, not hardware)", vn);
		if (histogram(o, outdir, name, n, "ns/op (median; bar: stddev)",
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
				fputc('\t', f), put_field(f, ref->b[k].name), cols++;
		fputc('\n', f);
		for (i = 0; i < n; i++) {
			struct variant_data *v;
			int c = 0;

			if (strcmp(bundle_arch_label(bs[i], label, sizeof(label)), arch))
				continue;
			v = bundle_variant(bs[i], vn);
			snprintf(label, 17, "%s", bs[i]->started);
			put_field(f, label);
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
		if (lines(o, outdir, name, cols, "run", "ns/op (median)",
			  title, true, true))
			return -1;
		chart_done(made, outdir, name, title, "history");
		(void)rows;
	}
	json_decref(archs);
	return 0;
}
