// SPDX-License-Identifier: GPL-2.0
/*
 * A witness as a timeline (race-result.h): which events are unordered,
 * how an event's value reads, and the mail-sized table the terminal and
 * summary.txt print.  The page (scripts/report/witness.c) draws the same
 * events by the same two rules.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "race-result.h"

/* The "ns" column: an unordered mark, then the time. */
#define NS_COLUMNS 12
#define LANE_MIN 8

/*
 * Two stamps on two CPUs are off by the counters' skew, and each stamp by
 * up to the counter's resolution as a witness reads it (a fenced read
 * takes that long: what it stamps lies somewhere in it).
 */
double race_witness_apart(const struct race_result *r)
{
	return r->skew_ns + r->resolution_ns;
}

bool race_witness_unordered(const struct race_result *r,
			    const struct race_witness *w, int i)
{
	double apart = race_witness_apart(r);
	const struct race_event *e = &w->ev[i];

	/* Events are in time order: look both ways until out of reach. */
	for (int k = i - 1; k >= 0 && e->ns - w->ev[k].ns < apart; k--)
		if (w->ev[k].role != e->role)
			return true;
	for (int k = i + 1; k < w->nr && w->ev[k].ns - e->ns < apart; k++)
		if (w->ev[k].role != e->role)
			return true;
	return false;
}

bool race_witness_missing(const struct race_result *r, char *buf, size_t len)
{
	if (r->nr_witnesses || !(r->bad > 0 || r->reached > 0) ||
	    !(r->witness_trials > 0))
		return false;
	snprintf(buf, len,
		 "no witness: none came again in %.0f traced trials, %.2g s (the tracepoints' time moves a narrow window)",
		 r->witness_trials, r->witness_seconds);
	return true;
}

void race_event_label(const struct race_event *e, char *buf, size_t len)
{
	switch (e->kind) {
	case RACE_VALUE_WORD:
		snprintf(buf, len, "%s 0x%lx", e->name, e->value);
		break;
	case RACE_VALUE_COUNT:
		snprintf(buf, len, "%s %ld", e->name, (long)e->value);
		break;
	case RACE_VALUE_TEST:
		snprintf(buf, len, "%s %s", e->name,
			 e->value ? "true" : "false");
		break;
	default:
		snprintf(buf, len, "%s", e->name);
	}
}

/*
 * Lane widths for @avail columns: the last lane as wide as its longest
 * label first (its labels have nowhere to run on to), then the others
 * each as wide as its longest, the widest cut down to one cap until they
 * fit (a longer label runs on over the empty lanes to its right); what is
 * left widens lanes whose heading is longer still.
 */
static void lane_widths(const struct race_result *r,
			const struct race_witness *w, int avail, int *lane)
{
	int want[RACE_RESULT_MAX_ROLES], head[RACE_RESULT_MAX_ROLES];
	int n = r->nr_roles, cap, used;
	char text[128];

	for (int k = 0; k < n; k++) {
		want[k] = LANE_MIN;
		head[k] = 2 + (int)strlen(r->roles[k]);
	}
	for (int i = 0; i < w->nr; i++) {
		int k = w->ev[i].role;

		race_event_label(&w->ev[i], text, sizeof(text));
		if (k >= 0 && k < n && (int)strlen(text) > want[k])
			want[k] = (int)strlen(text);
	}
	lane[n - 1] = want[n - 1];
	if (lane[n - 1] > avail - (n - 1) * LANE_MIN)
		lane[n - 1] = avail - (n - 1) * LANE_MIN;
	for (cap = avail; cap > LANE_MIN; cap--) {
		used = lane[n - 1];
		for (int k = 0; k + 1 < n; k++)
			used += want[k] < cap ? want[k] : cap;
		if (used <= avail)
			break;
	}
	used = lane[n - 1];
	for (int k = 0; k + 1 < n; k++) {
		lane[k] = want[k] < cap ? want[k] : cap;
		used += lane[k];
	}
	for (int k = 0; k < n && used < avail; k++) {
		int more = head[k] - lane[k];

		if (more > avail - used)
			more = avail - used;
		if (more > 0) {
			lane[k] += more;
			used += more;
		}
	}
}

/*
 * Append @s to @line (at @col), cut with "~" to @room columns; padded to
 * @pad columns.  Returns the new end.
 */
static int put_text(char *line, int col, const char *s, int room, int pad)
{
	int n = (int)strlen(s);

	if (room < 1)
		return col;
	if (n > room)
		col += sprintf(line + col, "%.*s~", room - 1, s);
	else
		col += sprintf(line + col, "%s", s);
	while (n < pad--)
		line[col++] = ' ';
	line[col] = '\0';
	return col;
}

/* @line without its trailing blanks, and its end. */
static void put_line(FILE *f, char *line, int col)
{
	while (col > 0 && line[col - 1] == ' ')
		col--;
	line[col] = '\0';
	fprintf(f, "%s\n", line);
}

/*
 * One row: @text in lane @role, the other lanes empty.  A label longer
 * than its lane runs on over the lanes to its right (all empty: one event
 * a row) up to the line's @width.
 */
static void put_row(FILE *f, const char *lead, const int *lane, int n,
		    int role, const char *text, int width)
{
	char line[512];
	int col = sprintf(line, "%s", lead);

	if (width >= (int)sizeof(line))
		width = (int)sizeof(line) - 1;
	for (int k = 0; k < n; k++) {
		bool last = k + 1 == n;

		if (k)
			col = put_text(line, col, " | ", width - col, 0);
		if (k != role) {
			col = put_text(line, col, "", width - col,
				       last ? 0 : lane[k]);
			continue;
		}
		if (last || (int)strlen(text) > lane[k]) {
			col = put_text(line, col, text, width - col, 0);
			break;
		}
		col = put_text(line, col, text, lane[k], lane[k]);
	}
	put_line(f, line, col);
}

void race_witness_print(FILE *f, const struct race_result *r,
			const struct race_witness *w, int width)
{
	int n = r->nr_roles, lane[RACE_RESULT_MAX_ROLES];
	char text[128], lead[32], line[512];
	int col;

	fprintf(f, "%s %s, offset %.0f ns\n",
		w->closest ? "closest approach:" : "witness of", w->outcome,
		w->offset_ns);
	fprintf(f, "~: within %.0f ns of another role's (skew %.0f + resolution %.0f)\n",
		race_witness_apart(r), r->skew_ns, r->resolution_ns);
	if (n < 1 || n > RACE_RESULT_MAX_ROLES)
		return;
	lane_widths(r, w, width - NS_COLUMNS - 3 * (n - 1), lane);
	col = sprintf(line, "%10s  ", "ns");
	for (int k = 0; k < n; k++) {
		if (k)
			col = put_text(line, col, " | ", 3, 0);
		snprintf(text, sizeof(text), "%c %s", 'A' + k, r->roles[k]);
		col = put_text(line, col, text,
			       k + 1 == n ? width - col : lane[k],
			       k + 1 == n ? 0 : lane[k]);
	}
	put_line(f, line, col);
	for (int i = 0; i < w->nr; i++) {
		snprintf(lead, sizeof(lead), "%c%9.1f  ",
			 race_witness_unordered(r, w, i) ? '~' : ' ',
			 w->ev[i].ns);
		race_event_label(&w->ev[i], text, sizeof(text));
		put_row(f, lead, lane, n, w->ev[i].role, text, width);
	}
}
