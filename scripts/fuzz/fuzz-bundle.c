// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the bundle reader of flagbench-report: the input is
 * a bundle's files joined by FUZZ_SPLIT (bundle.json first, then the parts,
 * named 1.json, 2.json, ... so that the seed's bundle.json points at them).
 * Each input is written to a private directory on /dev/shm, loaded and
 * validated (bundle_load_rows: the stored verdict is not compared, so that
 * mutations reach the renderers), then everything that renders a loaded
 * bundle runs on it: the text summary, the chart data files (gnuplot is
 * not run) and the HTML page, written as the report writes them.  Built and run by
 * scripts/fuzz-bundle, outside CI.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"

#define FUZZ_SPLIT "\n=====8<=====\n"
#define MAX_FILES 8

static char dir[128], out[160];

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		abort();
	if (n && fwrite(p, 1, n, f) != n)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_opts ro = { .alpha = 0.05, .threshold = 0.05 };
	struct chart_opts co = { .gnuplot_dir = ".", .no_plot = true,
				 .timeout = 10 };
	const uint8_t *p = data, *end = data + size;
	size_t sl = strlen(FUZZ_SPLIT);
	struct bundle *b;
	char err[1024], name[32];
	int i;

	if (!*dir) {
		snprintf(dir, sizeof(dir), "/dev/shm/fuzz-bundle.%d", (int)getpid());
		snprintf(out, sizeof(out), "%s/out", dir);
		mkdir(dir, 0700);
		mkdir(out, 0700);
	}
	for (i = 0; i < MAX_FILES; i++) {
		const uint8_t *q = p;

		/* The next separator, or the end. */
		while (q < end && !(end - q >= (long)sl && !memcmp(q, FUZZ_SPLIT, sl)))
			q++;
		if (i)
			snprintf(name, sizeof(name), "%d.json", i);
		else
			snprintf(name, sizeof(name), "bundle.json");
		if (p <= end && (i == 0 || p < end || q != p)) {
			put(name, p, q - p);
		} else {
			char path[256];

			snprintf(path, sizeof(path), "%s/%s", dir, name);
			unlink(path);
		}
		p = q < end ? q + sl : end + 1;
	}
	b = bundle_load_rows(dir, err, sizeof(err));
	if (b) {
		json_t *charts = json_array();
		FILE *f = fopen("/dev/null", "w");
		struct chart_ctx c;
		struct sio_dir o;

		text_summary(b, f, &ro);
		fclose(f);
		if (!sio_dir_open(&o, out, true)) {
			if (!plot_begin(&c, &o, &co, charts)) {
				charts_bundle(b, &c);
				plot_end(&c);
			}
			html_bundle(b, &o, &ro, charts);
			sio_dir_close(&o);
		}
		json_decref(charts);
		bundle_free(b);
	}
	return 0;
}
