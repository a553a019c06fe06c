// SPDX-License-Identifier: GPL-2.0
/*
 * How it happened, on the page: each race result's witnesses (race
 * --witness) drawn as inline SVG timelines, one lane per role, time down
 * the page in ns as the seed threads draw their interleavings.  Each event
 * is a mark on its role's lane, labelled with its name and value
 * (race_event_label(), as the terminal and summary.txt print them); an
 * event closer to another role's than the counters' skew plus resolution
 * (race_witness_unordered(), the same rule as their "~") sits in a shaded
 * band that wide.  A gap of microseconds (a sleep until its deadline) is
 * drawn as a break, its length written on it.
 *
 * Per result, the first witness of each outcome is drawn; the others fold
 * under it.  Scenarios in the order the bundle has them, each variant's
 * results under its scenario: a pre-fix witness next to a fix's closest
 * approach.  Everything shown from the bundle is escaped.
 */
#include <math.h>
#include <string.h>
#include "report.h"

#define W_WIDTH 880		/* the drawing's width, px */
#define W_AXIS 64		/* the ns axis on the left */
#define W_TOP 34		/* lane headings */
#define W_LINE 14		/* a label's height: labels never closer */
#define W_SPAN 420		/* px the times take, breaks aside */
#define W_BREAK 26		/* px a break takes */
#define W_GAP_NS 2000.0		/* a gap longer than this is a break */

#define E(s) html_escape(f, s)

/* Time -> y: piecewise linear, each long gap a fixed break. */
struct w_axis {
	const struct race_witness *w;
	double scale;		/* px per ns outside breaks */
};

/* The px a gap of @dt ns takes: linear, or a break. */
static double seg_dy(const struct w_axis *a, double dt)
{
	return dt > W_GAP_NS ? W_BREAK : dt * a->scale;
}

/*
 * The y of time @ns: linear between events, a time inside a break near
 * whichever end of it is closer, before the first event no higher than
 * the lanes' top.
 */
static double y_of(const struct w_axis *a, double ns)
{
	const struct race_witness *w = a->w;
	double y = W_TOP + 10, p, q, dy;

	if (!w->nr || ns <= w->ev[0].ns)
		return fmax(W_TOP, y - (w->nr ? w->ev[0].ns - ns : 0) * a->scale);
	for (int i = 1; i < w->nr; i++) {
		p = w->ev[i - 1].ns;
		q = w->ev[i].ns;
		dy = seg_dy(a, q - p);
		if (ns < q) {
			if (q - p <= W_GAP_NS)
				return y + (ns - p) * a->scale;
			if (ns - p < q - ns)
				return y + fmin((ns - p) * a->scale, dy / 2);
			return y + dy - fmin((q - ns) * a->scale, dy / 2);
		}
		y += dy;
	}
	return y + (ns - w->ev[w->nr - 1].ns) * a->scale;
}

static void axis_init(struct w_axis *a, const struct race_witness *w)
{
	double span = 0;

	for (int i = 1; i < w->nr; i++) {
		double dt = w->ev[i].ns - w->ev[i - 1].ns;

		span += dt > W_GAP_NS ? 0 : dt;
	}
	a->w = w;
	a->scale = span > 0 ? fmin(fmax(W_SPAN / span, 0.05), 2.0) : 1;
}

static double lane_x(const struct race_result *r, int role)
{
	double lane = (W_WIDTH - W_AXIS) / (double)r->nr_roles;

	return W_AXIS + role * lane + 12;
}

/* Breaks, and a tick with its time every few dozen px elsewhere. */
static void draw_axis(FILE *f, const struct w_axis *a, double bottom)
{
	static const double steps[] = { 10, 20, 50, 100, 200, 500, 1000, 2000 };
	const struct race_witness *w = a->w;
	double step = steps[7], last = -1e9;

	for (int i = 0; i < 8; i++)
		if (steps[i] * a->scale >= 36) {
			step = steps[i];
			break;
		}
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%.1f\" class=\"wt-axis\"/>\n",
		W_AXIS - 6, W_TOP, W_AXIS - 6, bottom);
	for (int i = 1; i < w->nr; i++) {
		double t0 = w->ev[i - 1].ns, t1 = w->ev[i].ns, y;

		if (t1 - t0 > W_GAP_NS) {
			y = y_of(a, t0) + W_BREAK / 2.0;
			fprintf(f, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"wt-gap\"/>\n",
				W_AXIS - 6, y, W_WIDTH - 4, y);
			fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"wt-tick\">+%.3g µs</text>\n",
				W_AXIS - 10, y + 4, (t1 - t0) / 1000);
			last = y;
			continue;
		}
		for (double t = ceil(t0 / step) * step; t < t1; t += step) {
			y = y_of(a, t);
			if (y - last < W_LINE)
				continue;
			fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"wt-tick\">%.0f</text>\n",
				W_AXIS - 10, y + 4, t);
			last = y;
		}
	}
}

/*
 * Behind each unordered mark, a bar as long as the stamps' uncertainty
 * either side: where the event may really lie against another role's.
 */
static void draw_bands(FILE *f, const struct race_result *r,
		       const struct w_axis *a)
{
	double apart = race_witness_apart(r);

	for (int i = 0; i < a->w->nr; i++) {
		const struct race_event *e = &a->w->ev[i];
		double y0, y1;

		if (!race_witness_unordered(r, a->w, i))
			continue;
		y0 = y_of(a, e->ns - apart);
		y1 = y_of(a, e->ns + apart);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8\" height=\"%.1f\" rx=\"3\" class=\"wt-band\"><title>within %.0f ns of another role's event</title></rect>\n",
			lane_x(r, e->role) - 4, y0, fmax(y1 - y0, 2), apart);
	}
}

/*
 * Where each mark and its label go: a label that would touch the one above
 * it in its lane moves down (drawn tied to its mark).  Returns the lowest
 * y used.  At most 256 events (the reader's bound).
 */
static double layout(const struct race_result *r, const struct w_axis *a,
		     double *mark_y, double *label_y)
{
	double next[RACE_RESULT_MAX_ROLES] = { 0 }, bottom = W_TOP;

	for (int i = 0; i < a->w->nr; i++) {
		int k = a->w->ev[i].role;

		mark_y[i] = y_of(a, a->w->ev[i].ns);
		label_y[i] = fmax(mark_y[i], next[k]);
		next[k] = label_y[i] + W_LINE;
		bottom = fmax(bottom, label_y[i] + 8);
	}
	(void)r;
	return bottom;
}

/* The engine's own marks of a role's start and return. */
static bool engine_event(const struct race_event *e)
{
	return !strcmp(e->name, "start") || !strcmp(e->name, "return");
}

static void draw_events(FILE *f, const struct race_result *r,
			const struct w_axis *a, const double *mark_y,
			const double *label_y)
{
	char text[160];

	for (int i = 0; i < a->w->nr; i++) {
		const struct race_event *e = &a->w->ev[i];
		double x = lane_x(r, e->role), y = mark_y[i], ly = label_y[i];

		race_event_label(e, text, sizeof(text));
		if (ly > y + 1)
			fprintf(f, "<polyline points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" class=\"wt-leader\"/>\n",
				x, y, x + 6, ly, x + 10, ly);
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"wt-mark%s\"><title>%.1f ns</title></circle>\n",
			x, y, race_witness_unordered(r, a->w, i) ?
			" wt-unordered" : "", e->ns);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"wt-label%s\">",
			x + 12, ly + 4, engine_event(e) ? " wt-engine" : "");
		E(text);
		fputs("</text>\n", f);
	}
}

/*
 * The lanes, each under its role's name, cut to its lane (up to 9 px a
 * character in the headings' bold 12 px, as Chromium draws them) with the
 * whole name as a tooltip.
 */
static void draw_lanes(FILE *f, const struct race_result *r, double bottom)
{
	int room = (int)((W_WIDTH - W_AXIS) / r->nr_roles - 16) / 9 - 1;
	char name[FB_MAX_NAME + 8];

	for (int k = 0; k < r->nr_roles; k++) {
		int n = (int)strlen(r->roles[k]);

		if (n > room)
			snprintf(name, sizeof(name), "%.*s…", room > 1 ? room - 1 : 0,
				 r->roles[k]);
		else
			snprintf(name, sizeof(name), "%s", r->roles[k]);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" class=\"wt-lane\"/>\n",
			lane_x(r, k), W_TOP, lane_x(r, k), bottom);
		fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"wt-role\"><title>",
			lane_x(r, k) - 8, W_TOP - 14);
		E(r->roles[k]);
		fprintf(f, "</title>%c ", 'A' + k);
		E(name);
		fputs("</text>\n", f);
	}
}

/* One witness: its caption and its drawing. */
static void witness_figure(FILE *f, const struct race_result *r,
			   const struct race_witness *w)
{
	double mark_y[256], label_y[256], bottom;
	struct w_axis a;

	if (w->nr > 256 || r->nr_roles < 1 || r->nr_roles > RACE_RESULT_MAX_ROLES)
		return;
	axis_init(&a, w);
	bottom = layout(r, &a, mark_y, label_y) + 10;
	fputs("<figure class=\"witness\"><figcaption>", f);
	fputs(w->closest ? "closest approach: " : "witness of ", f);
	E(w->outcome);
	fprintf(f, ", offset %.0f ns</figcaption>\n", w->offset_ns);
	fprintf(f, "<svg class=\"witness\" viewBox=\"0 0 %d %.0f\" width=\"%d\" height=\"%.0f\" role=\"img\">\n",
		W_WIDTH, bottom, W_WIDTH, bottom);
	draw_lanes(f, r, bottom);
	draw_bands(f, r, &a);
	draw_events(f, r, &a, mark_y, label_y);
	draw_axis(f, &a, bottom);
	fputs("</svg></figure>\n", f);
}

/* Is @w the first of its outcome in @r?  How many more follow, if so. */
static bool first_of_outcome(const struct race_result *r, int i, int *more)
{
	*more = 0;
	for (int k = 0; k < i; k++)
		if (!strcmp(r->w[k].outcome, r->w[i].outcome))
			return false;
	for (int k = i + 1; k < r->nr_witnesses; k++)
		*more += !strcmp(r->w[k].outcome, r->w[i].outcome);
	return true;
}

/* A result's heading: scenario, variant, pair class. */
static void result_heading(FILE *f, const struct variant_data *v,
			   const struct race_result *r)
{
	fputs("<h3>", f);
	E(r->scenario);
	fputs(" — ", f);
	E(v->name);
	fputs(" (", f);
	E(r->pair_class);
	fputs(")</h3>\n", f);
}

/*
 * One result's witnesses: the first of each outcome, the rest folded; or
 * why there is none although it saw bad or window trials.
 */
static void result_witnesses(FILE *f, const struct variant_data *v,
			     const struct race_result *r)
{
	char why[256];
	int more;

	if (race_witness_missing(r, why, sizeof(why))) {
		result_heading(f, v, r);
		fputs("<p class=\"wt-note\">", f);
		E(why);
		fputs("</p>\n", f);
		return;
	}
	if (!r->nr_witnesses)
		return;
	result_heading(f, v, r);
	fprintf(f, "<p class=\"wt-note\">Stamps: counters' skew %.0f ns + resolution %.0f ns; shaded: an event within %.0f ns of another role's, not ordered by its stamp.</p>\n",
		r->skew_ns, r->resolution_ns, race_witness_apart(r));
	for (int i = 0; i < r->nr_witnesses; i++) {
		if (!first_of_outcome(r, i, &more))
			continue;
		witness_figure(f, r, &r->w[i]);
		if (!more)
			continue;
		fprintf(f, "<details><summary>%d more of ", more);
		E(r->w[i].outcome);
		fputs("</summary>\n", f);
		for (int k = i + 1; k < r->nr_witnesses; k++)
			if (!strcmp(r->w[k].outcome, r->w[i].outcome))
				witness_figure(f, r, &r->w[k]);
		fputs("</details>\n", f);
	}
}

/* Has scenario @sc been drawn already, by a variant before @vi/@ri? */
static bool drawn_before(const struct bundle *b, int vi, int ri, const char *sc)
{
	for (int i = 0; i <= vi; i++)
		for (int k = 0; k < (i == vi ? ri : b->v[i].nr_races); k++)
			if (!strcmp(b->v[i].races[k].scenario, sc))
				return true;
	return false;
}

bool witness_any(const struct bundle *b)
{
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++)
			if (b->v[i].races[k].nr_witnesses > 0 ||
			    b->v[i].races[k].witness_trials > 0)
				return true;
	return false;
}

void witness_html(struct bundle *b, FILE *f)
{
	fputs("<h2>How it happened: witnesses</h2>\n"
	      "<p>After each race's measurement, the same run went on with its "
	      "tracepoints on (nothing counted) and kept a few trials of each bad "
	      "outcome it had seen, or, for a build that saw none, of the trials "
	      "that reached the window (a fix's closest approach). Time runs down, "
	      "in ns from the trial's first event; each tracepoint stamps, then "
	      "reads the value it shows.</p>\n", f);
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++) {
			const char *sc = b->v[i].races[k].scenario;

			if (drawn_before(b, i, k, sc))
				continue;
			for (int vi = i; vi < b->nr_variants; vi++)
				for (int rk = 0; rk < b->v[vi].nr_races; rk++) {
					const struct race_result *r = &b->v[vi].races[rk];

					if (!strcmp(r->scenario, sc))
						result_witnesses(f, &b->v[vi], r);
				}
		}
}
