// SPDX-License-Identifier: GPL-2.0
/* flagbench-report: bundle bookkeeping, reports and the gate. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"

#ifndef FB_SOURCE_DIR
#define FB_SOURCE_DIR "."
#endif

static const char *source_dir(void)
{
	const char *s = getenv("FLAGBENCH_SOURCE_DIR");

	return s && *s ? s : FB_SOURCE_DIR;
}

static bool is_bundle(const char *dir)
{
	char p[4400];

	snprintf(p, sizeof(p), "%s/bundle.json", dir);
	return !access(p, R_OK);
}

static int cmp_started(const void *a, const void *b)
{
	const struct bundle *x = *(struct bundle *const *)a;
	const struct bundle *y = *(struct bundle *const *)b;
	int c = strcmp(x->started, y->started);

	return c ? c : strcmp(x->id, y->id);
}

struct report_args {
	const char *out;
	struct report_opts ro;
	struct chart_opts co;
	const char *pos[256];
	int npos;
};

/* A finite number in [min, max], or one line naming the option. */
static int parse_num(const char *cmd, const char *o, const char *v, double min,
		     double max, double *out)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end || errno || !isfinite(d) || d < min || d > max) {
		fb_err("%s: %s: '%s' is not a number in [%g, %g]", cmd, o, v,
		       min, max);
		return -1;
	}
	*out = d;
	return 0;
}

static bool takes_value(const char *o)
{
	static const char *const with_value[] = {
		"--out", "--baseline", "--gnuplot-dir", "--css", "--threshold",
		"--alpha", "--gnuplot-timeout",
	};

	for (size_t i = 0; i < sizeof(with_value) / sizeof(*with_value); i++)
		if (!strcmp(o, with_value[i]))
			return true;
	return false;
}

static int parse_report_args(int argc, char **argv, struct report_args *a)
{
	static char gp[4096], css[4096];
	int i;

	snprintf(gp, sizeof(gp), "%s/scripts/gnuplot", source_dir());
	snprintf(css, sizeof(css), "%s/reports/style.css", source_dir());
	a->co.gnuplot_dir = gp;
	a->ro.css_path = css;
	a->ro.rules.alpha = 0.05;
	a->ro.rules.threshold = 0.05;
	a->co.timeout = 60;
	for (i = 1; i < argc; i++) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(o, "--no-plot")) {
			a->co.no_plot = true;
			continue;
		}
		if (o[0] != '-') {
			if (a->npos == 256) {
				fb_err("too many bundles");
				return -1;
			}
			a->pos[a->npos++] = o;
			continue;
		}
		/* Unknown first: "--typo" is not "needs a value". */
		if (!takes_value(o)) {
			fb_err("%s: unknown option %s", argv[0], o);
			return -1;
		}
		if (!v || !*v) {
			fb_err("%s: %s needs a value", argv[0], o);
			return -1;
		}
		i++;
		if (!strcmp(o, "--out"))
			a->out = v;
		else if (!strcmp(o, "--baseline"))
			a->ro.baseline = v;
		else if (!strcmp(o, "--gnuplot-dir"))
			a->co.gnuplot_dir = v;
		else if (!strcmp(o, "--css"))
			a->ro.css_path = v;
		else if (!strcmp(o, "--threshold")) {
			if (parse_num(argv[0], o, v, 0, 1000, &a->ro.rules.threshold))
				return -1;
			a->ro.rules.threshold /= 100;
		} else if (!strcmp(o, "--alpha")) {
			if (parse_num(argv[0], o, v, 1e-12, 0.5, &a->ro.rules.alpha))
				return -1;
		} else if (!strcmp(o, "--gnuplot-timeout")) {
			if (parse_num(argv[0], o, v, 0.001, 86400, &a->co.timeout))
				return -1;
		}
	}
	if (!a->npos) {
		fb_err("%s: no bundle given", argv[0]);
		return -1;
	}
	return 0;
}

/* --baseline names a variant every bundle has; a typo is no comparison. */
static int check_baseline(struct bundle **bs, int n, const char *baseline)
{
	for (int i = 0; baseline && i < n; i++)
		if (!bundle_variant(bs[i], baseline)) {
			fb_err("--baseline %s: no such variant in %s", baseline,
			       bs[i]->dir);
			return -1;
		}
	return 0;
}

static int write_summary(struct bundle *b, const struct bundle_comparisons *bc,
			 const struct sio_dir *out)
{
	struct sio_file sf;

	if (!sio_create(&sf, out, "summary.txt"))
		return -1;
	text_summary(b, bc, sf.f);
	return sio_commit(&sf);
}

/*
 * Page, charts and summary of one bundle into @out, rendering one set of
 * comparisons.  The summary first: it needs no chart, and the page says
 * when the charts could not be drawn.
 */
static int report_one(struct bundle *b, const struct sio_dir *out,
		      struct report_args *a)
{
	struct bundle_comparisons bc;
	json_t *charts = json_array();
	struct chart_ctx c;
	int ret = -1;

	bundle_comparisons_build(b, a->ro.baseline, &a->ro.rules,
				 &bc);
	if (write_summary(b, &bc, out) ||
	    plot_begin(&c, out, &a->co, charts))
		goto out;
	ret = charts_bundle(b, &c);
	if (plot_end(&c) || ret)
		goto out;
	a->ro.charts_note = charts_note(&a->co);
	ret = html_bundle(b, &bc, out, &a->ro, charts);
out:
	bundle_comparisons_free(&bc);
	json_decref(charts);
	return ret ? -1 : 0;
}

/* A directory of bundles, as a history: grows as needed. */
struct bundles {
	struct bundle **b;
	int n, cap;
	json_t *skipped;	/* why entries were not loaded, said at the end */
};

static void bundles_add(struct bundles *l, struct bundle *b)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->b = realloc(l->b, l->cap * sizeof(*l->b));
		if (!l->b)
			abort();
	}
	l->b[l->n++] = b;
}

/*
 * Entry @name of the history directory @d, if it is a bundle: a directory
 * (never a link: a link would write the page elsewhere) holding a
 * bundle.json.  Unreadable bundles are skipped with one line each.
 */
static void load_entry(const struct sio_dir *d, const char *name,
		       struct bundles *l)
{
	char sub[4400], err[1024];
	struct bundle *b;
	struct stat st;
	int fd;

	if (name[0] == '.' || fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW))
		return;
	snprintf(sub, sizeof(sub), "%s/%s", d->path, name);
	if (S_ISLNK(st.st_mode)) {
		json_array_append_new(l->skipped, json_sprintf(
			"skipping %s: a symbolic link, not a bundle's directory", sub));
		return;
	}
	if (!S_ISDIR(st.st_mode))
		return;
	fd = openat(d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstatat(fd, "bundle.json", &st, AT_SYMLINK_NOFOLLOW)) {
		close(fd);
		return;
	}
	b = bundle_load_fd(fd, sub, err, sizeof(err));
	if (!b)
		json_array_append_new(l->skipped, json_sprintf("skipping %s", err));
	else
		bundles_add(l, b);
}

/*
 * What was skipped: a line each beside a report that went on; with no
 * bundle left, the one line of the error says the first reason.
 */
static int say_skipped(const char *dir, const struct bundles *l)
{
	json_t *s;
	size_t i;

	if (!l->n) {
		fb_err("%s: no bundle in this directory%s%s%s", dir,
		       json_array_size(l->skipped) ? " (" : "",
		       json_string_value(json_array_get(l->skipped, 0)) ?: "",
		       json_array_size(l->skipped) ? ")" : "");
		return -1;
	}
	json_array_foreach(l->skipped, i, s)
		fb_err("%s", json_string_value(s));
	return 0;
}

/* Every bundle under @dir, however many. */
static int load_dir(const char *dir, struct bundles *l)
{
	struct sio_dir d;
	struct dirent *de;
	DIR *dd;

	if (sio_dir_open(&d, dir, false))
		return -1;
	dd = fdopendir(dup(d.fd));
	if (!dd) {
		fb_err("cannot read %s: %s", dir, strerror(errno));
		sio_dir_close(&d);
		return -1;
	}
	l->skipped = json_array();
	while ((de = readdir(dd)))
		load_entry(&d, de->d_name, l);
	closedir(dd);
	sio_dir_close(&d);
	return say_skipped(dir, l) ? 0 : l->n;
}

/* Each bundle's page in @out/ID, then the index or cross page of them all. */
static int report_many(struct bundle **bs, int n, const char *outdir,
		       struct report_args *a, bool index)
{
	json_t *charts = json_array();
	struct sio_dir out, sub;
	struct chart_ctx c;
	int i, ret = -1;

	qsort(bs, n, sizeof(*bs), cmp_started);
	if (sio_dir_open(&out, outdir, true))
		goto done;
	for (i = 0; i < n; i++) {
		if (sio_dir_sub(&sub, &out, bs[i]->id, true))
			goto done;
		ret = report_one(bs[i], &sub, a);
		sio_dir_close(&sub);
		if (ret)
			goto done;
	}
	ret = -1;
	if (plot_begin(&c, &out, &a->co, charts))
		goto done;
	ret = index ? charts_history(bs, n, &c) : charts_cross(bs, n, &c);
	if (plot_end(&c) || ret)
		goto done;
	a->ro.charts_note = charts_note(&a->co);
	ret = index ? html_index(bs, n, &out, &a->ro, charts) :
		      html_cross(bs, n, &out, &a->ro, charts);
done:
	sio_dir_close(&out);
	json_decref(charts);
	return ret ? -1 : 0;
}

/* A directory of bundles: the index with the history, in it or --out. */
static int report_history(struct report_args *a)
{
	struct bundles l = { 0 };
	struct stat st;
	int n, ret;

	if (stat(a->pos[0], &st) || !S_ISDIR(st.st_mode)) {
		fb_err("%s: not a bundle or a directory of bundles", a->pos[0]);
		return EXIT_ERROR;
	}
	n = load_dir(a->pos[0], &l);
	ret = n > 0 && !report_many(l.b, n, a->out ? a->out : a->pos[0], a,
				    true) ? EXIT_PASS : EXIT_ERROR;
	for (int i = 0; i < l.n; i++)
		bundle_free(l.b[i]);
	free(l.b);
	json_decref(l.skipped);
	return ret;
}

/* One bundle's page in it (or --out); several: the cross page in --out. */
static int report_bundles(struct bundle **bs, int n, struct report_args *a)
{
	struct sio_dir out;
	int ret;

	if (n > 1 && !a->out) {
		fb_err("report: several bundles need --out DIR for the cross-architecture page");
		return -1;
	}
	if (n > 1)
		return report_many(bs, n, a->out, a, false);
	if (sio_dir_open(&out, a->out ? a->out : bs[0]->dir, true))
		return -1;
	ret = report_one(bs[0], &out, a);
	sio_dir_close(&out);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	struct report_args a = { 0 };
	struct bundle *bs[256];
	char err[1024];
	int i, n = 0, ret = EXIT_ERROR;

	if (parse_report_args(argc, argv, &a))
		return EXIT_ERROR;
	if (a.npos == 1 && !is_bundle(a.pos[0]))
		return report_history(&a);
	for (i = 0; i < a.npos; i++) {
		bs[n] = bundle_load(a.pos[i], err, sizeof(err));
		if (!bs[n]) {
			fb_err("%s", err);
			goto out;
		}
		n++;
	}
	if (check_baseline(bs, n, a.ro.baseline) || report_bundles(bs, n, &a))
		goto out;
	ret = EXIT_PASS;
	printf("%s/index.html\n", a.out ? a.out : bs[0]->dir);
out:
	for (i = 0; i < n; i++)
		bundle_free(bs[i]);
	return ret;
}

int cmd_summary(int argc, char **argv)
{
	struct report_args a = { 0 };
	struct bundle_comparisons bc;
	struct bundle *b;
	char err[1024];
	int ret;

	if (parse_report_args(argc, argv, &a))
		return EXIT_ERROR;
	b = bundle_load(a.pos[0], err, sizeof(err));
	if (!b) {
		fb_err("%s", err);
		return EXIT_ERROR;
	}
	if (check_baseline(&b, 1, a.ro.baseline)) {
		bundle_free(b);
		return EXIT_ERROR;
	}
	bundle_comparisons_build(b, a.ro.baseline, &a.ro.rules, &bc);
	ret = text_summary(b, &bc, stdout) ? EXIT_ERROR : EXIT_PASS;
	bundle_comparisons_free(&bc);
	bundle_free(b);
	return ret;
}

/* The commands: one entry each, its usage beside it. */
static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "report", cmd_report,
	  "  report BUNDLE... [--out DIR] [--baseline VARIANT] [--threshold PCT]\n"
	  "         [--alpha A] [--gnuplot-dir DIR] [--css FILE] [--no-plot]\n"
	  "         [--gnuplot-timeout S]\n"
	  "      one bundle: its page, charts and summary.txt (in the bundle,\n"
	  "      or DIR); several: the cross-architecture page in DIR; a\n"
	  "      directory of bundles: an index with the history of each run.\n"
	  "      A gnuplot run longer than S seconds (60) is stopped; without\n"
	  "      gnuplot the page and summary are written without charts.\n"
	  "      A bundle must be regular files and directories only (no\n"
	  "      links, FIFOs, devices or hard links) and its stored verdict\n"
	  "      the one its race results give, or it is refused (exit 2)\n" },
	{ "summary", cmd_summary,
	  "  summary BUNDLE [--baseline VARIANT] [--threshold PCT] [--alpha A]\n"
	  "      the plain-text summary (72 columns) on standard output\n" },
	{ "gate", cmd_gate,
	  "  gate BASELINE CANDIDATE [options]   ('gate --help')\n" },
	{ "bundle", cmd_bundle,
	  "  bundle init|part|finish|check|rounds ...  (used by run-bench)\n" },
	{ "lockstep", cmd_lockstep,
	  "  lockstep --socket PATH --clients N ...  (used by run-bench;\n"
	  "      'lockstep --help')\n" },
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fputs("usage: flagbench-report COMMAND ...\n\n", f);
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fputs(commands[i].usage, f);
	fputs("\nExit status: 0 pass, 1 fail, 2 error or undecidable.\n", f);
}

int main(int argc, char **argv)
{
	int ret = cli_no_command(argc, argv, usage);

	if (ret >= 0)
		return ret;
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fb_err("unknown command '%s' (try --help)", argv[1]);
	return EXIT_ERROR;
}
