// SPDX-License-Identifier: GPL-2.0
/*
 * The invariants of a bundle (reports/FORMAT.md), checked once when it is
 * loaded, so that the report, the summary and the gate never render a
 * verdict from a bundle that contradicts itself.  Bundles travel between
 * machines: one that is empty, inconsistent or crafted must end in one line
 * naming the broken invariant, never in PASS.
 */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* Counts are integers a double holds exactly. */
#define MAX_COUNT 9007199254740992.0	/* 2^53 */

bool is_count(double v)
{
	return isfinite(v) && v >= 0 && v <= MAX_COUNT && v == floor(v);
}

bool name_ok(const char *s)
{
	return printable(s, FB_MAX_NAME);
}

void json_clean_strings(json_t *j)
{
	const char *key;
	json_t *v;
	size_t i;

	if (json_is_string(j)) {
		char *s = xstrdup(json_string_value(j));

		text_clean(s);
		if (strcmp(s, json_string_value(j)))
			json_string_set(j, s);
		free(s);
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			json_clean_strings(v);
	} else if (json_is_object(j)) {
		json_object_foreach(j, key, v)
			json_clean_strings(v);
	}
}

/* A part's file: relative, inside the bundle. */
bool bundle_path_inside(const char *f)
{
	const char *p = f;

	if (!*f || *f == '/')
		return false;
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && !strncmp(p, "..", 2))
			return false;
		p += n;
		p += *p == '/';
	}
	return true;
}

int part_validate(const struct variant_data *v, const char *kind, char *err,
		  size_t len)
{
	int k;

	if (!strcmp(kind, "throughput")) {
		if (!v->tp || !v->tp->nr)
			return seterr(err, len, "throughput part with no benchmark");
		for (k = 0; k < v->tp->nr; k++)
			if (v->tp->b[k].threads < 0)
				return seterr(err, len, "%s: threads not in [0, %d]",
					    v->tp->b[k].name, FB_MAX_THREADS);
		return 0;
	}
	if (strcmp(kind, "race"))
		return 0;
	/* Every count and word of a result was checked as it was read. */
	if (!v->nr_races)
		return seterr(err, len, "race part with no result");
	return 0;
}

/* Every view loops over the scenarios: a bundle has a few dozen. */
static bool too_many_scenarios(const struct bundle *b)
{
	json_t *seen = json_object();
	bool many = false;

	for (int i = 0; i < b->nr_variants && !many; i++)
		for (int k = 0; k < b->v[i].nr_races && !many; k++) {
			json_object_set_new(seen, b->v[i].races[k].scenario,
					    json_true());
			many = json_object_size(seen) > FB_MAX_SCENARIOS;
		}
	json_decref(seen);
	return many;
}

int bundle_validate(const struct bundle *b, char *err, size_t len)
{
	json_t *parts = json_object_get(b->j, "parts"), *p, *asked, *k;
	const char *d = b->dir;
	size_t i, j;
	int vi;

	if (!b->nr_variants)
		return seterr(err, len, "%s: no variants", d);
	for (vi = 0; vi < b->nr_variants; vi++) {
		for (int wi = 0; wi < vi; wi++)
			if (!strcmp(b->v[wi].name, b->v[vi].name))
				return seterr(err, len, "%s: variant %s listed twice",
					    d, b->v[vi].name);
	}
	if (!json_array_size(parts))
		return seterr(err, len, "%s: no parts", d);
	if (too_many_scenarios(b))
		return seterr(err, len, "%s: more than %d scenarios", d,
			      FB_MAX_SCENARIOS);
	json_array_foreach(parts, i, p) {
		const char *st = jstr(p, "status", "");

		if (!json_is_object(p) || !jstr(p, "variant", NULL) ||
		    !bundle_variant((struct bundle *)b, jstr(p, "variant", "")))
			return seterr(err, len, "%s: parts[%zu] names no listed variant",
				    d, i);
		if (!bundle_part_kind_known(jstr(p, "kind", "")))
			return seterr(err, len, "%s: parts[%zu] has unknown kind", d, i);
		if (strcmp(st, "ok") && strcmp(st, "failed") && strcmp(st, "missing"))
			return seterr(err, len, "%s: parts[%zu] has unknown status", d, i);
		if (!strcmp(st, "ok") && !bundle_path_inside(jstr(p, "file", "")))
			return seterr(err, len, "%s: parts[%zu]: file must be a relative path inside the bundle",
				    d, i);
		if (strcmp(st, "ok") && b->complete)
			return seterr(err, len, "%s: \"complete\" is true but the %s part of %s is %s",
				    d, jstr(p, "kind", ""), jstr(p, "variant", ""), st);
	}
	/* Complete: every part asked for is there. */
	asked = json_object_get(b->j, "kinds");
	if (b->complete && json_is_array(asked))
		for (vi = 0; vi < b->nr_variants; vi++)
			json_array_foreach(asked, j, k)
				if (!json_is_string(k) ||
				    !bundle_find_part(parts, b->v[vi].name,
					     json_string_value(k)))
					return seterr(err, len, "%s: \"complete\" is true but the %s part of %s is absent",
						    d, json_is_string(k) ?
						    json_string_value(k) : "?",
						    b->v[vi].name);
	return 0;
}
