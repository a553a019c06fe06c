// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a result bundle (reports/FORMAT.md): bundle.json, then every part
 * it lists.
 */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"

/* -------------------------------------------------------------------- bundle */

const char *json_text(json_t *v, char *buf, size_t len)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	snprintf(buf, len, "%s", s ? s : "(none)");
	free(s);
	return buf;
}

json_t *load_json(const char *dir, const char *file, char *err,
			 size_t errlen)
{
	char path[4096];
	json_error_t je;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	j = json_load_file(path, 0, &je);
	if (!j)
		seterr(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
	return j;
}

/* Load one part; -1 with the reason in @err. */
int load_part(struct bundle *b, struct variant_data *v,
		     const char *kind, const char *file, char *err,
		     size_t errlen)
{
	char why[512];
	json_t *j = load_json(b->dir, file, err, errlen);
	int ret = 0;

	if (!j)
		return -1;
	why[0] = 0;
	if ((!strcmp(kind, "describe") && v->describe) ||
	    (!strcmp(kind, "race") && v->races) ||
	    (!strcmp(kind, "throughput") && v->tp)) {
		json_decref(j);
		return seterr(err, errlen, "%s: the %s part of %s is listed twice",
			      b->dir, kind, v->name);
	}
	if (!strcmp(kind, "describe")) {
		v->describe = j;
		return 0;
	}
	if (!strcmp(kind, "code")) {
		/* scripts/code-identity: family -> hash of its machine code. */
		if (strcmp(jstr(j, "format", ""), "flagbench-code") ||
		    !json_is_object(json_object_get(j, "benchmarks"))) {
			json_decref(j);
			return seterr(err, errlen, "%s/%s: not a flagbench-code file",
				      b->dir, file);
		}
		v->code = json_incref(json_object_get(j, "benchmarks"));
		/* Absent from code.json before races had identities. */
		if (json_is_object(json_object_get(j, "races")))
			v->code_races = json_incref(json_object_get(j, "races"));
		json_decref(j);
		return 0;
	}
	if (!strcmp(kind, "race")) {
		ret = races_parse(j, v, why, sizeof(why));
		json_decref(j);
	} else if (!strcmp(kind, "throughput")) {
		v->tp = tp_parse(j, why, sizeof(why));
		ret = v->tp ? 0 : -1;
		json_decref(j);
	} else {
		json_decref(j);
	}
	if (!ret)
		ret = part_validate(v, kind, why, sizeof(why));
	if (ret)
		seterr(err, errlen, "%s/%s: %s", b->dir, file, why);
	return ret;
}

struct variant_data *bundle_variant(struct bundle *b, const char *name)
{
	int i;

	for (i = 0; i < b->nr_variants; i++)
		if (!strcmp(b->v[i].name, name))
			return &b->v[i];
	return NULL;
}

struct bundle *bundle_open(const char *dir, char *err, size_t errlen)
{
	struct bundle *b = xcalloc(1, sizeof(*b));
	json_t *m, *vs, *v;
	char *tmp;
	size_t i;

	b->dir = xstrdup(dir);
	while (strlen(b->dir) > 1 && b->dir[strlen(b->dir) - 1] == '/')
		b->dir[strlen(b->dir) - 1] = 0;
	tmp = xstrdup(b->dir);
	b->id = xstrdup(basename(tmp));
	free(tmp);
	b->j = load_json(dir, "bundle.json", err, errlen);
	if (!b->j)
		goto bad;
	if (strcmp(jstr(b->j, "format", ""), BUNDLE_FORMAT)) {
		seterr(err, errlen, "%s/bundle.json: not a flagbench bundle", dir);
		goto bad;
	}
	if (!json_is_integer(json_object_get(b->j, "version")) ||
	    json_integer_value(json_object_get(b->j, "version")) != BUNDLE_VERSION) {
		char ver[64];

		seterr(err, errlen, "%s: bundle format version %s, this tool reads %d",
		       dir, json_text(json_object_get(b->j, "version"), ver,
				      sizeof(ver)), BUNDLE_VERSION);
		goto bad;
	}
	m = json_object_get(b->j, "machine");
	vs = json_object_get(b->j, "variants");
	if (!json_is_object(m) || !jstr(m, "arch", NULL) || !json_is_array(vs) ||
	    !json_is_array(json_object_get(b->j, "parts"))) {
		seterr(err, errlen, "%s/bundle.json: machine.arch, variants or parts missing",
		       dir);
		goto bad;
	}
	b->arch = jstr(m, "arch", "?");
	b->cpu_model = jstr(m, "cpu_model", "unknown CPU");
	b->emulated = json_is_true(json_object_get(m, "emulated"));
	b->started = jstr(b->j, "started", "");
	b->profile = jstr(b->j, "profile", "");
	b->complete = json_is_true(json_object_get(b->j, "complete"));
	b->verdict = verdict_parse(jstr(b->j, "verdict", ""));
	b->nr_variants = json_array_size(vs);
	b->v = xcalloc(b->nr_variants, sizeof(*b->v));
	json_array_foreach(vs, i, v) {
		if (!json_is_string(v)) {
			seterr(err, errlen, "%s/bundle.json: variants[%zu] is not a name",
			       dir, i);
			goto bad;
		}
		b->v[i].name = xstrdup(json_string_value(v));
	}
	return b;
bad:
	bundle_free(b);
	return NULL;
}

/*
 * The result of another variant than @i's with the same scenario and pair
 * class as @r and the most bad trials (its variant's name in *@name), or
 * NULL when no other variant hit.
 */
static const struct race_result *
most_bad_elsewhere(const struct bundle *b, int i, const struct race_result *r,
		   const char **name)
{
	const struct race_result *ref = NULL;

	for (int j = 0; j < b->nr_variants; j++) {
		if (j == i)
			continue;
		for (int l = 0; l < b->v[j].nr_races; l++) {
			const struct race_result *o = &b->v[j].races[l];

			if (!strcmp(o->scenario, r->scenario) &&
			    !strcmp(o->pair_class, r->pair_class) &&
			    o->bad_count > 0 &&
			    (!ref || o->bad_count > ref->bad_count)) {
				ref = o;
				*name = b->v[j].name;
			}
		}
	}
	return ref;
}

/*
 * For each race result, the trials it spent where another variant of the
 * bundle hit the same scenario on the same pair class (the one with the
 * most bad trials): what a fix's zero is worth.  Once, here; the summary
 * and the page render it.
 */
static void races_at_windows(struct bundle *b)
{
	for (int i = 0; i < b->nr_variants; i++)
		for (int k = 0; k < b->v[i].nr_races; k++) {
			struct race_result *r = &b->v[i].races[k];
			const char *name = NULL;
			const struct race_result *ref =
				most_bad_elsewhere(b, i, r, &name);

			if (ref && res_at_window(ref->bins, ref->nr_bins, r->bins,
						 r->nr_bins, RES_ALPHA, &r->at))
				r->at_variant = name;
		}
}

struct bundle *bundle_load(const char *dir, char *err, size_t errlen)
{
	struct bundle *b = bundle_open(dir, err, errlen);
	json_t *p;
	size_t i;

	if (!b)
		return NULL;
	json_array_foreach(json_object_get(b->j, "parts"), i, p) {
		struct variant_data *v = bundle_variant(b, jstr(p, "variant", ""));

		if (!v || strcmp(jstr(p, "status", ""), "ok"))
			continue;
		if (!bundle_path_inside(jstr(p, "file", ""))) {
			seterr(err, errlen, "%s: parts[%zu]: file must be a relative path inside the bundle",
			       dir, i);
			bundle_free(b);
			return NULL;
		}
		if (!jstr(p, "file", NULL) ||
		    load_part(b, v, jstr(p, "kind", ""), jstr(p, "file", ""),
			      err, errlen)) {
			if (!jstr(p, "file", NULL))
				seterr(err, errlen, "%s: part %zu has no file", dir, i);
			bundle_free(b);
			return NULL;
		}
	}
	if (bundle_validate(b, err, errlen)) {
		bundle_free(b);
		return NULL;
	}
	races_at_windows(b);
	return b;
}

static void race_result_free(struct race_result *r)
{
	free(r->scenario);
	free(r->pair_class);
	free(r->expectation);
	free(r->verdict);
	free(r->message);
	free(r->lkmm_verdict);
	free(r->lkmm_twin);
	for (int k = 0; r->o && k < r->nr_outcomes; k++)
		free(r->o[k].name);
	free(r->o);
	free(r->bins);
	json_decref(r->assertions);
	json_decref(r->window);
}

/* Everything, also of a half-loaded bundle: LeakSanitizer checks it. */
void bundle_free(struct bundle *b)
{
	if (!b)
		return;
	for (int i = 0; b->v && i < b->nr_variants; i++) {
		struct variant_data *v = &b->v[i];

		json_decref(v->describe);
		json_decref(v->code);
		json_decref(v->code_races);
		tp_free(v->tp);
		for (int k = 0; v->races && k < v->nr_races; k++)
			race_result_free(&v->races[k]);
		free(v->races);
		free(v->race_verdict);
		free(v->name);
	}
	free(b->v);
	json_decref(b->j);
	free(b->dir);
	free(b->id);
	free(b);
}

const char *bundle_arch_label(const struct bundle *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", b->arch, b->emulated ? " (emulated)" : "");
	return buf;
}

enum verdict bundle_compute_verdict(struct bundle *b)
{
	enum verdict worst = V_PASS;
	int i, k;

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			enum verdict v = result_verdict(&b->v[i].races[k]);

			if (v > worst)
				worst = v;
		}
	if (!b->complete && worst != V_FAIL)
		worst = V_INCOMPLETE;
	return worst;
}
