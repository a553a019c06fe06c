// SPDX-License-Identifier: GPL-2.0
/*
 * One bundle's page: its sections are a table (bundle_sections[]), each
 * an id, a name in the page's navigation and a renderer; adding a section
 * is adding one entry.  Verdicts first, then what changed against the
 * baseline (html-compare.c), the machine, the charts and the tables
 * behind them.  Every number comes from the loaded bundle and the
 * comparisons compare.c built: the page decides nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "report.h"

#define E(s) html_escape(f, s)

/* What a section reads. */
struct page {
	FILE *f;
	struct bundle *b;
	const struct bundle_comparisons *bc;
	const struct report_opts *ro;
	json_t *charts;
	const char *topo;	/* the lstopo picture, relative, or NULL */
};

/* The trials that reached the window, and those a zero needed, if any. */
static void exposure_cell(FILE *f, const struct race_result *r)
{
	fprintf(f, "<td class=\"num\">%.0f", r->reached);
	if (r->d.needed > 0)
		fprintf(f, " / %.0f", r->d.needed);
	fputs("</td>", f);
}

static void fmt_g(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.4g", v);
	else
		fputs("–", f);
}

static void machine_section(const struct page *p)
{
	struct bundle *b = p->b;
	FILE *f = p->f;
	const char *topo = p->topo;
	json_t *m = json_object_get(b->j, "machine");
	json_t *s = json_object_get(b->j, "suite");
	json_t *perf = json_object_get(m, "perf");
	static const char *const keys[] = { "host", "cpu_model", "cpus", "cores",
		"packages", "numa_nodes", "kernel", "compiler", "cflags", NULL };
	int i;

	fputs("<h2>Machine</h2>\n<table class=\"kv\">\n", f);
	fputs("<tr><th>arch</th><td>", f);
	E(b->arch);
	if (b->emulated)
		fputs(" <span class=\"emulated\">emulated (qemu): functional, not hardware</span>", f);
	fputs("</td></tr>\n", f);
	for (i = 0; keys[i]; i++) {
		json_t *v = json_object_get(m, keys[i]);

		if (!v)
			continue;
		fprintf(f, "<tr><th>%s</th><td>", keys[i]);
		if (json_is_string(v))
			E(json_string_value(v));
		else if (json_is_number(v))
			fprintf(f, "%g", json_number_value(v));
		fputs("</td></tr>\n", f);
	}
	fprintf(f, "<tr><th>smt</th><td>%s</td></tr>\n",
		json_is_true(json_object_get(m, "smt")) ? "yes" : "no");
	fputs("<tr><th>perf counters</th><td>", f);
	if (json_is_true(json_object_get(perf, "supported")))
		fputs("available", f);
	else
		fputs("not available: ", f), E(jstr(perf, "reason", "?"));
	fputs("</td></tr>\n<tr><th>suite</th><td>", f);
	E(jstr(s, "commit", "?"));
	fputs(json_is_true(json_object_get(s, "dirty")) ? " (dirty)" : "", f);
	fputs("</td></tr>\n<tr><th>run</th><td>", f);
	E(b->started);
	fputs(" → ", f);
	E(jstr(b->j, "finished", "not finished"));
	fputs(", profile ", f);
	E(b->profile);
	fputs("</td></tr>\n</table>\n", f);
	if (topo) {
		fprintf(f, "<figure><img src=\"%s\" alt=\"lstopo picture of the machine\" "
			   "class=\"topology\"><figcaption>Topology (lstopo)</figcaption>"
			   "</figure>\n", topo);
	}
}

/* One race result's row: its verdict, count, word, bound and exposure. */
static void verdict_row(FILE *f, const char *variant, const struct race_result *r)
{
	fputs("<tr><td>", f);
	E(r->scenario);
	fputs("</td><td>", f);
	E(variant);
	fputs("</td><td>", f);
	E(r->pair_class);
	fputs("</td><td>", f);
	E(expectation_name(r->expect));
	fputs("</td>", f);
	html_race_verdict_cell(f, r);
	fprintf(f, "<td>%s</td><td title=\"", r->d.observation);
	E(r->lkmm_twin ? r->lkmm_twin : "");	/* herd7's verdict on the twin */
	fputs("\">", f);
	E(r->lkmm_verdict ? r->lkmm_verdict : "-");
	fprintf(f, "</td><td class=\"num\">%.0f / %.0f</td>", r->bad, r->trials);
	if (r->bad)
		fprintf(f, "<td class=\"num\">%.3g <small>[%.3g, %.3g]</small></td>",
			r->bad / r->trials * 1e6, r->d.lo * 1e6, r->d.hi * 1e6);
	else
		fprintf(f, "<td class=\"num\">≤ %.3g</td>", r->d.hi * 1e6);
	exposure_cell(f, r);
	/* A Never is worth the trials spent where a bug hit. */
	if (!r->bad && r->at_variant) {
		fputs("<td class=\"at\">", f);
		E(r->at_variant);
		fprintf(f, ", %d bins [%g, %g) ns: %.0f / %.0f, ≤ %.3g/M</td>",
			r->at.bins, r->at.lo, r->at.hi, r->at.bad, r->at.trials,
			r->at.rate_hi * 1e6);
	} else {
		fputs("<td></td>", f);
	}
	fputs("</tr>\n", f);
}

/* What did not run is part of the verdict. */
static void parts_not_ok(FILE *f, struct bundle *b)
{
	json_t *part;
	size_t pi;

	json_array_foreach(json_object_get(b->j, "parts"), pi, part) {
		if (!strcmp(jstr(part, "status", ""), "ok"))
			continue;
		fputs("<p class=\"v-INCOMPLETE\">", f);
		E(jstr(part, "variant", "?"));
		fputs(" ", f);
		E(jstr(part, "kind", "?"));
		fputs(": ", f);
		E(jstr(part, "status", "?"));
		fputs(" — ", f);
		E(jstr(part, "error", ""));
		fputs("</p>\n", f);
	}
}

/* Does @scenario model a seed thread (not a calibration shape)? */
static bool seed_scenario(struct bundle *b, const char *scenario)
{
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++)
			if (!strcmp(b->v[i].races[k].scenario, scenario))
				return b->v[i].races[k].seed != NULL;
	return false;
}

/*
 * The verdict table of the seed scenarios, or of the shapes: by scenario,
 * each scenario's builds side by side, pre-fix and fixes together.
 */
static void verdict_table(const struct page *p, json_t *scen, bool seeds,
			  const char *id)
{
	struct bundle *b = p->b;
	FILE *f = p->f;
	json_t *s;
	size_t si;

	fprintf(f, "<div class=\"scroll\"><table class=\"data\" id=\"%s\"><thead><tr>"
		"<th>scenario</th><th>variant</th><th>pair</th><th>expectation</th>"
		"<th>verdict</th><th>observation</th><th>LKMM</th><th>bad / trials</th>"
		"<th>per million (95%%)</th><th>reached the window / needed</th>"
		"<th>where the reference hit</th></tr></thead>\n", id);
	json_array_foreach(scen, si, s) {
		if (seed_scenario(b, json_string_value(s)) != seeds)
			continue;
		fputs("<tbody>\n", f);
		for (int i = 0; i < b->nr_variants; i++)
			for (int k = 0; k < b->v[i].nr_races; k++)
				if (!strcmp(b->v[i].races[k].scenario,
					    json_string_value(s)))
					verdict_row(f, b->v[i].name,
						    &b->v[i].races[k]);
		fputs("</tbody>\n", f);
	}
	fputs("</table></div>\n", f);
}

/*
 * The seed races first; the calibration shapes (litmus tests of the
 * engine, no seed) after them, folded when there are seeds.
 */
static void verdict_section(const struct page *p)
{
	json_t *scen = race_scenario_names(p->b, false), *s;
	bool seeds = false, shapes = false;
	size_t si;

	json_array_foreach(scen, si, s) {
		if (seed_scenario(p->b, json_string_value(s)))
			seeds = true;
		else
			shapes = true;
	}
	fputs("<h2>Verdicts</h2>\n", p->f);
	if (seeds)
		verdict_table(p, scen, true, "verdict-table");
	if (shapes && seeds)
		fputs("<details><summary>The calibration shapes: the engine's own "
		      "litmus tests</summary>\n", p->f);
	if (shapes)
		verdict_table(p, scen, false, seeds ? "shape-table" : "verdict-table");
	if (shapes && seeds)
		fputs("</details>\n", p->f);
	json_decref(scen);
	parts_not_ok(p->f, p->b);
}

/* A variant's throughput measurements, as its part has them. */
static void tp_details(FILE *f, const struct variant_data *v)
{
	const struct tp_run *r = v->tp;

	fputs("<details><summary>", f);
	E(v->name);
	fputs(": throughput</summary>\n", f);
	if (!r) {
		fputs("<p>No throughput results.</p></details>\n", f);
		return;
	}
	fputs("<p>placement ", f);
	E(r->placement);
	fputs("</p><div class=\"scroll\"><table class=\"data\"><thead><tr>"
	      "<th>benchmark</th><th>threads</th><th>reps</th><th>median ns/op</th>"
	      "<th>mean</th><th>stddev</th><th>ops/s</th><th>cycles/op</th>"
	      "<th>instructions/op</th><th>cache-misses/op</th></tr></thead><tbody>\n", f);
	for (int k = 0; k < r->nr; k++) {
		const struct tp_bench *tb = &r->b[k];
		double vals[] = { tb->median, tb->mean, tb->stddev, tb->ops_median,
				  tb->cycles, tb->instructions, tb->cache_misses };

		fputs("<tr><td>", f);
		E(tb->name);
		fprintf(f, "</td><td class=\"num\">%d</td><td class=\"num\">%d%s</td>",
			tb->threads, tb->nreps, tb->aggregate_only ? " (aggregates)" : "");
		for (size_t o = 0; o < sizeof(vals) / sizeof(vals[0]); o++) {
			fputs("<td class=\"num\">", f);
			fmt_g(f, vals[o]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div></details>\n", f);
}

/* One result's outcome classes, each with its count and interval. */
static void outcome_rows(FILE *f, const struct race_result *r)
{
	char msg[1024];

	for (int o = 0; o < r->nr_outcomes; o++) {
		const struct race_result_outcome *ro = &r->o[o];
		double lo, hi;

		res_binom_ci(ro->count, r->trials, RES_ALPHA, &lo, &hi);
		fputs("<tr><td>", f);
		E(r->scenario);
		fputs("</td><td>", f);
		E(r->pair_class);
		fprintf(f, "</td><td class=\"num\">%.3g s</td><td>", r->seconds);
		E(ro->name);
		fprintf(f, "</td><td>%s</td><td class=\"num\">%.0f</td>",
			ro->bad ? "bad" : ro->racy ? "window" : "", ro->count);
		if (ro->count)
			fprintf(f, "<td class=\"num\">%.3g [%.3g, %.3g]</td></tr>\n",
				ro->count / r->trials * 1e6, lo * 1e6, hi * 1e6);
		else
			fprintf(f, "<td class=\"num\">≤ %.3g</td></tr>\n", hi * 1e6);
	}
	race_result_message(r, msg, sizeof(msg));
	fputs("<tr><td colspan=\"7\" class=\"msg\">", f);
	E(msg);
	fputs("</td></tr>\n", f);
}

static void tables_section(const struct page *p)
{
	struct bundle *b = p->b;
	FILE *f = p->f;

	fputs("<h2>Tables behind the charts</h2>\n", f);
	for (int i = 0; i < b->nr_variants; i++)
		tp_details(f, &b->v[i]);
	for (int i = 0; i < b->nr_variants; i++) {
		const struct variant_data *v = &b->v[i];

		if (!v->nr_races)
			continue;
		fputs("<details><summary>", f);
		E(v->name);
		fputs(": race outcomes</summary>\n<table class=\"data\"><thead><tr>"
		      "<th>scenario</th><th>pair</th><th>cpus/seconds</th><th>outcome</th>"
		      "<th>bad</th><th>count</th><th>per million (95%)</th></tr></thead>"
		      "<tbody>\n", f);
		for (int k = 0; k < v->nr_races; k++)
			outcome_rows(f, &v->races[k]);
		fputs("</tbody></table></details>\n", f);
	}
}

static void race_changes_section(const struct page *p)
{
	html_race_changes(p->f, p->b, p->bc);
}

static void throughput_section(const struct page *p)
{
	html_throughput(p->f, p->b, p->bc);
}

static void race_charts_section(const struct page *p)
{
	static const char *const groups[] = { "windows", "races", "pairmap", NULL };
	static const char *const same[] = { "windows-same", NULL };

	fputs("<h2>Race charts</h2>\n", p->f);
	html_charts(p->f, p->charts, p->ro, groups);
	if (!html_charts_count(p->charts, same))
		return;
	fputs("<details><summary>Window maps of the scenarios whose code is identical in every build</summary>\n",
	      p->f);
	html_charts(p->f, p->charts, p->ro, same);
	fputs("</details>\n", p->f);
}

static void tp_charts_section(const struct page *p)
{
	static const char *const groups[] = { "throughput", "scaling", NULL };

	fputs("<h2>Throughput charts</h2>\n", p->f);
	html_charts(p->f, p->charts, p->ro, groups);
}

static bool has_races(const struct page *p)
{
	return p->bc->base && p->bc->base->races_present && p->b->nr_variants > 1;
}

static bool has_pairmaps(const struct page *p)
{
	return pairmap_any(p->b);
}

static bool has_witnesses(const struct page *p)
{
	return witness_any(p->b);
}

static void witness_section(const struct page *p)
{
	witness_html(p->b, p->f);
}

static void pairmap_section(const struct page *p)
{
	pairmap_html(p->b, p->f);
}

/*
 * The sections, in the page's order: id, its name in the navigation,
 * whether this bundle has it (NULL: always), and what writes it.
 */
static const struct page_section {
	const char *id, *nav;
	bool (*shown)(const struct page *p);
	void (*render)(const struct page *p);
} bundle_sections[] = {
	{ "verdicts", "verdicts", NULL, verdict_section },
	{ "races", "races against the baseline", has_races, race_changes_section },
	{ "race-charts", "race charts", NULL, race_charts_section },
	{ "witnesses", "witnesses", has_witnesses, witness_section },
	{ "pairmap", "CPU pairs", has_pairmaps, pairmap_section },
	{ "throughput", "throughput", NULL, throughput_section },
	{ "throughput-charts", "throughput charts", NULL, tp_charts_section },
	{ "machine", "machine", NULL, machine_section },
	{ "tables", "tables", NULL, tables_section },
};
#define NR_SECTIONS (sizeof(bundle_sections) / sizeof(bundle_sections[0]))

static bool shown(const struct page_section *s, const struct page *p)
{
	return !s->shown || s->shown(p);
}

static void page_header(const struct page *p)
{
	struct bundle *b = p->b;
	FILE *f = p->f;

	fputs("<header><h1>flagbench: ", f);
	E(b->id);
	fprintf(f, "</h1>\n<p class=\"verdict v-%s\">Verdict: %s%s</p>\n",
		res_verdict_name(b->verdict), res_verdict_name(b->verdict),
		b->complete ? "" : " — bundle incomplete");
	fputs("<p>", f);
	E(b->arch);
	if (b->emulated)
		fputs(" <span class=\"emulated\">emulated (qemu): functional, not hardware</span>", f);
	fputs(" · ", f);
	E(b->cpu_model);
	fputs(" · <a href=\"summary.txt\">plain-text summary</a></p>\n<nav>", f);
	for (size_t i = 0; i < NR_SECTIONS; i++)
		if (shown(&bundle_sections[i], p))
			fprintf(f, "<a href=\"#%s\">%s</a> ", bundle_sections[i].id,
				bundle_sections[i].nav);
	fputs("</nav></header>\n", f);
}

/*
 * The lstopo picture, next to the page: "machine/topology.svg" or NULL.
 * Read from the bundle as every file of it is (a regular file, no link
 * followed, capped): a link to a secret is refused when the bundle is
 * loaded, and would not be followed here either.
 */
static const char *topology_picture(struct bundle *b, const struct sio_dir *out,
				    char *rel, size_t len)
{
	static const char *const pics[] = { "topology.svg", "topology.png" };
	char from[64], err[256], *data;
	struct sio_dir machine;
	struct sio_file sf;
	struct stat a, o;
	size_t n;

	for (int i = 0; i < 2; i++) {
		snprintf(from, sizeof(from), "machine/%s", pics[i]);
		data = sio_read_at(b->dirfd, from, FB_CAP_PICTURE, &n, err,
				   sizeof(err));
		if (!data)
			continue;
		snprintf(rel, len, "%s", from);
		/* The page is written into the bundle: the picture is there. */
		if (!fstat(b->dirfd, &a) && !fstat(out->fd, &o) &&
		    a.st_dev == o.st_dev && a.st_ino == o.st_ino) {
			free(data);
			return rel;
		}
		if (sio_dir_sub(&machine, out, "machine", true)) {
			free(data);
			return NULL;
		}
		if (sio_create(&sf, &machine, pics[i]))
			fwrite(data, 1, n, sf.f);
		free(data);
		if (!sf.f || sio_commit(&sf))
			rel = NULL;
		sio_dir_close(&machine);
		return rel;
	}
	return NULL;
}

int html_bundle(struct bundle *b, const struct bundle_comparisons *bc,
		const struct sio_dir *out, const struct report_opts *ro,
		json_t *charts)
{
	char rel[256], title[512];
	struct sio_file sf;
	struct page p = { .b = b, .bc = bc, .ro = ro, .charts = charts };

	p.topo = topology_picture(b, out, rel, sizeof(rel));
	snprintf(title, sizeof(title), "flagbench %s", b->id);
	p.f = html_page_begin(&sf, out, title, ro);
	if (!p.f)
		return -1;
	page_header(&p);
	fputs("<main>\n", p.f);
	for (size_t i = 0; i < NR_SECTIONS; i++) {
		if (!shown(&bundle_sections[i], &p))
			continue;
		fprintf(p.f, "<section id=\"%s\">", bundle_sections[i].id);
		bundle_sections[i].render(&p);
		fputs("</section>\n", p.f);
	}
	fputs("</main>\n", p.f);
	return html_page_end(&sf);
}
