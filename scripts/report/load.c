// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a result bundle (reports/FORMAT.md): bundle.json, then every part
 * it lists, from a tree checked first to hold regular files and
 * directories only (safe-io.c), each file read relative to the bundle's
 * directory without following links and under a size cap.  The headline
 * verdict is recomputed from the rows here, once; every view renders it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report.h"

/* -------------------------------------------------------------------- bundle */

const char *json_text(json_t *v, char *buf, size_t len)
{
	char *s = v ? json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT) : NULL;

	snprintf(buf, len, "%s", s ? s : "(none)");
	free(s);
	return buf;
}

/*
 * @file below the directory @fd (@dir in messages), as JSON; with @bytes,
 * what all files of the bundle read so far add up to, capped too.
 */
static json_t *read_json_at(int fd, const char *dir, const char *file,
			    size_t cap, size_t *bytes, char *err,
			    size_t errlen)
{
	char why[256], *text;
	json_t *j;
	size_t len;

	text = sio_read_at(fd, file, cap, &len, why, sizeof(why));
	/* Many parts each under the cap are still too much together. */
	if (text && bytes && (*bytes += len) > FB_CAP_BUNDLE) {
		seterr(why, sizeof(why), "the bundle's files are larger than %u MiB together",
		       FB_CAP_BUNDLE >> 20);
		free(text);
		text = NULL;
	}
	j = text ? sio_parse_json(text, len, why, sizeof(why)) : NULL;
	free(text);
	if (!j)
		seterr(err, errlen, "%s/%s: %s", dir, file, why);
	return j;
}

static json_t *load_json(struct bundle *b, const char *file, size_t cap,
			 char *err, size_t errlen)
{
	return read_json_at(b->dirfd, b->dir, file, cap, &b->bytes, err,
			    errlen);
}

json_t *bundle_index_read(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	json_t *j;

	if (fd < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	j = read_json_at(fd, dir, "bundle.json", FB_CAP_INDEX, NULL, err,
			 errlen);
	close(fd);
	if (j && bundle_json_check(j, dir, err, errlen)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Load one part; -1 with the reason in @err. */
int bundle_load_part(struct bundle *b, struct variant_data *v,
		     const char *kind, const char *file, char *err,
		     size_t errlen)
{
	char why[512];
	json_t *j;
	int ret = 0;

	if (!file || !bundle_path_inside(file))
		return seterr(err, errlen, "%s: the %s part of %s: file must be a relative path inside the bundle",
			      b->dir, kind, v->name);
	j = load_json(b, file, FB_CAP_PART, err, errlen);
	if (!j)
		return -1;
	why[0] = 0;
	if ((!strcmp(kind, "describe") && v->describe) ||
	    (!strcmp(kind, "race") && v->races) ||
	    (!strcmp(kind, "throughput") && v->tp) ||
	    (!strcmp(kind, "code") && v->code)) {
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
		/* Where the code sits: code.json version 2 on. */
		if (json_is_object(json_object_get(j, "layout")))
			v->code_layout = json_incref(json_object_get(j, "layout"));
		if (json_is_object(json_object_get(j, "race_layout")))
			v->code_race_layout =
				json_incref(json_object_get(j, "race_layout"));
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

/*
 * bundle.json's shape, before anything is taken from it: also for `bundle
 * part` and `bundle finish`, which edit it (a number among "variants"
 * would be a NULL name).
 */
int bundle_json_check(json_t *j, const char *dir, char *err, size_t errlen)
{
	json_t *m = json_object_get(j, "machine");
	json_t *vs = json_object_get(j, "variants"), *v;
	json_t *ver = json_object_get(j, "version");
	size_t i;

	if (strcmp(jstr(j, "format", ""), BUNDLE_FORMAT))
		return seterr(err, errlen, "%s/bundle.json: not a flagbench bundle",
			      dir);
	if (!json_is_integer(ver) || json_integer_value(ver) < BUNDLE_VERSION_MIN ||
	    json_integer_value(ver) > BUNDLE_VERSION) {
		char text[64];

		return seterr(err, errlen, "%s: bundle format version %s, this tool reads %d to %d",
			      dir, json_text(ver, text, sizeof(text)),
			      BUNDLE_VERSION_MIN, BUNDLE_VERSION);
	}
	if (!json_is_object(m) || !jstr(m, "arch", NULL) || !json_is_array(vs) ||
	    !json_is_array(json_object_get(j, "parts")))
		return seterr(err, errlen, "%s/bundle.json: machine.arch, variants or parts missing",
			      dir);
	if (json_array_size(vs) > FB_MAX_VARIANTS)
		return seterr(err, errlen, "%s/bundle.json: more than %d variants",
			      dir, FB_MAX_VARIANTS);
	json_array_foreach(vs, i, v)
		if (!json_is_string(v))
			return seterr(err, errlen, "%s/bundle.json: variants[%zu] is not a name",
				      dir, i);
		else if (!name_ok(json_string_value(v)))
			return seterr(err, errlen, "%s: variants[%zu] is empty, too long or has control characters or bidi overrides",
				      dir, i);
	json_array_foreach(json_object_get(j, "parts"), i, v)
		/* A path, read as it is: no text to clean in it. */
		if (*jstr(v, "file", "") && !printable(jstr(v, "file", ""), 1024))
			return seterr(err, errlen, "%s: parts[%zu]: the file name has control characters or bidi overrides",
				      dir, i);
	json_array_foreach(json_object_get(j, "kinds"), i, v)
		if (!json_is_string(v) || !bundle_part_kind_known(json_string_value(v)))
			return seterr(err, errlen, "%s/bundle.json: kinds[%zu] is not a part kind",
				      dir, i);
	return 0;
}

/* "dir/" -> "dir", and its last component, which names the bundle. */
static void bundle_names(struct bundle *b, const char *dir)
{
	char *tmp;

	b->dir = xstrdup(dir);
	while (strlen(b->dir) > 1 && b->dir[strlen(b->dir) - 1] == '/')
		b->dir[strlen(b->dir) - 1] = 0;
	tmp = xstrdup(b->dir);
	b->id = xstrdup(basename(tmp));
	free(tmp);
}

/* Takes @fd: the bundle's directory, open. */
struct bundle *bundle_open(int fd, const char *dir, char *err, size_t errlen)
{
	struct bundle *b = xcalloc(1, sizeof(*b));
	json_t *m, *vs, *v;
	char why[512];
	size_t i;

	b->dirfd = fd;
	bundle_names(b, dir);
	/* Its name becomes a directory of the cross page and is printed. */
	if (!printable(b->id, 255)) {
		seterr(err, errlen, "%s: the bundle's name has control characters or bidi overrides",
		       dir);
		goto bad;
	}
	if (sio_tree_check(fd, why, sizeof(why))) {
		seterr(err, errlen, "%s: %s", dir, why);
		goto bad;
	}
	b->j = load_json(b, "bundle.json", FB_CAP_INDEX, err, errlen);
	if (!b->j || bundle_json_check(b->j, dir, err, errlen))
		goto bad;
	json_clean_strings(b->j);
	m = json_object_get(b->j, "machine");
	vs = json_object_get(b->j, "variants");
	b->arch = jstr(m, "arch", "?");
	b->cpu_model = jstr(m, "cpu_model", "unknown CPU");
	b->emulated = json_is_true(json_object_get(m, "emulated"));
	b->started = jstr(b->j, "started", "");
	b->profile = jstr(b->j, "profile", "");
	b->complete = json_is_true(json_object_get(b->j, "complete"));
	b->nr_variants = json_array_size(vs);
	b->v = xcalloc(b->nr_variants, sizeof(*b->v));
	json_array_foreach(vs, i, v)
		b->v[i].name = xstrdup(json_string_value(v));
	return b;
bad:
	bundle_free(b);
	return NULL;
}

/*
 * Per scenario and pair class, the reference with the most bad trials
 * (the first such in variant order) and the same among the other variants
 * than its own: the one race_result_pick_ref() gives any result of the
 * bundle, found by an index, not a scan per result.
 */
struct top2 {
	const struct race_result *r[2];
	int v[2];
};

static void top2_add(struct top2 *t, const struct race_result *o, int v)
{
	/* What race_result_pick_ref() takes: a race seen in the window. */
	if (!(o->bad > 0) || !(o->reached > 0) || race_result_sequential(o))
		return;
	if (!t->r[0] || o->bad > t->r[0]->bad) {
		if (t->r[0] && t->v[0] != v) {
			t->r[1] = t->r[0];
			t->v[1] = t->v[0];
		}
		t->r[0] = o;
		t->v[0] = v;
	} else if (v != t->v[0] && (!t->r[1] || o->bad > t->r[1]->bad)) {
		t->r[1] = o;
		t->v[1] = v;
	}
}

/* "scenario\x1fpair_class": a key no name can forge (no controls). */
static void race_key(const struct race_result *r, char *buf, size_t len)
{
	snprintf(buf, len, "%s\x1f%s", r->scenario, r->pair_class);
}

/*
 * Every race result's zero sized by the bundle's pre-fix build: another
 * variant's result of the same scenario and pair class, a race seen in
 * reached trials, with the most bad trials; that also says where it hit.
 * Once, here, before the verdicts: the summary, the page and bundle check
 * render them.
 */
static void races_size_zeros(struct bundle *b)
{
	json_t *index = json_object();
	struct top2 *tops = xcalloc(1, sizeof(*tops));
	int i, k, n = 0;
	char key[2 * FB_MAX_NAME + 8];

	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			const struct race_result *r = &b->v[i].races[k];
			json_t *at;

			race_key(r, key, sizeof(key));
			at = json_object_get(index, key);
			if (!at) {
				tops = realloc(tops, (n + 1) * sizeof(*tops));
				if (!tops)
					abort();
				memset(&tops[n], 0, sizeof(*tops));
				at = json_integer(n++);
				json_object_set_new(index, key, at);
			}
			top2_add(&tops[json_integer_value(at)], r, i);
		}
	for (i = 0; i < b->nr_variants; i++)
		for (k = 0; k < b->v[i].nr_races; k++) {
			struct race_result *r = &b->v[i].races[k];
			const struct top2 *t;
			int w;

			race_key(r, key, sizeof(key));
			t = &tops[json_integer_value(json_object_get(index, key))];
			w = t->r[0] && t->v[0] != i ? 0 : 1;
			if (t->r[w])
				race_result_set_ref(r, t->r[w]);
		}
	free(tops);
	json_decref(index);
}

/*
 * The verdict bundle.json states must be the one its rows give: a bundle
 * that says PASS over a forbidden outcome seen is refused, not believed.
 * A run never finished still says INCOMPLETE, as `bundle init` wrote.
 */
static int verdict_check(const struct bundle *b, char *err, size_t errlen)
{
	const char *said = jstr(b->j, "verdict", "");

	if (res_verdict_parse(said) == (int)b->verdict ||
	    (json_is_null(json_object_get(b->j, "finished")) &&
	     res_verdict_parse(said) == RES_INCOMPLETE))
		return 0;
	return seterr(err, errlen, "%s: bundle.json says verdict %s%s%.20s%s, its race results give %s",
		      b->dir, *said ? "" : "(none)", *said ? "'" : "", said,
		      *said ? "'" : "", res_verdict_name(b->verdict));
}

static int load_parts(struct bundle *b, char *err, size_t errlen)
{
	json_t *p;
	size_t i;

	json_array_foreach(json_object_get(b->j, "parts"), i, p) {
		struct variant_data *v = bundle_variant(b, jstr(p, "variant", ""));

		if (!v || strcmp(jstr(p, "status", ""), "ok"))
			continue;
		if (!jstr(p, "file", NULL))
			return seterr(err, errlen, "%s: part %zu has no file",
				      b->dir, i);
		if (!bundle_path_inside(jstr(p, "file", "")))
			return seterr(err, errlen, "%s: parts[%zu]: file must be a relative path inside the bundle",
				      b->dir, i);
		if (bundle_load_part(b, v, jstr(p, "kind", ""),
				     jstr(p, "file", ""), err, errlen))
			return -1;
	}
	return 0;
}

static struct bundle *load_at(int fd, const char *dir, bool check_verdict,
			      char *err, size_t errlen)
{
	struct bundle *b = bundle_open(fd, dir, err, errlen);

	if (!b)
		return NULL;
	if (load_parts(b, err, errlen) || bundle_validate(b, err, errlen))
		goto bad;
	races_size_zeros(b);
	b->verdict = bundle_compute_verdict(b);
	if (check_verdict && verdict_check(b, err, errlen))
		goto bad;
	return b;
bad:
	bundle_free(b);
	return NULL;
}

/* The directory the user named: its own path may hold links they made. */
static struct bundle *load_path(const char *dir, bool check_verdict,
				char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return NULL;
	}
	return load_at(fd, dir, check_verdict, err, errlen);
}

struct bundle *bundle_load(const char *dir, char *err, size_t errlen)
{
	return load_path(dir, true, err, errlen);
}

struct bundle *bundle_load_rows(const char *dir, char *err, size_t errlen)
{
	return load_path(dir, false, err, errlen);
}

struct bundle *bundle_load_fd(int fd, const char *dir, char *err,
			      size_t errlen)
{
	return load_at(fd, dir, true, err, errlen);
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
		json_decref(v->code_layout);
		json_decref(v->code_race_layout);
		tp_free(v->tp);
		race_result_array_free(v->races, v->nr_races);
		json_decref(v->by_scenario);
		free(v->name);
	}
	free(b->v);
	json_decref(b->j);
	if (b->dirfd >= 0)
		close(b->dirfd);
	free(b->dir);
	free(b->id);
	free(b);
}

const char *bundle_arch_label(const struct bundle *b, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", b->arch, b->emulated ? " (emulated)" : "");
	return buf;
}

enum res_verdict bundle_compute_verdict(struct bundle *b)
{
	enum res_verdict worst = RES_PASS;

	for (int i = 0; i < b->nr_variants; i++) {
		enum res_verdict v = race_results_worst(b->v[i].races,
							b->v[i].nr_races);

		if (v > worst)
			worst = v;
	}
	if (!b->complete && worst != RES_FAIL)
		worst = RES_INCOMPLETE;
	return worst;
}
