/* SPDX-License-Identifier: GPL-2.0 */
/*
 * LKMM twins: what the Linux kernel memory model says of a scenario's
 * ordering core.  Each scenario and calibration shape may have a .litmus
 * twin beside it in bench/races/; herd7's verdict on it is data
 * (bench/races/lkmm-verdicts.tsv, re-checked by scripts/lkmm-check), and
 * CMake compiles into each build the twins whose knob conditions the
 * build's knobs meet: at most one per scenario.
 */
#ifndef FLAGBENCH_BENCH_LKMM_H
#define FLAGBENCH_BENCH_LKMM_H

#include <stdbool.h>
#include <jansson.h>

struct lkmm_twin {
	const char *scenario;
	const char *twin;	/* file name in bench/races/ */
	const char *verdict;	/* herd7's word: "Never" or "Sometimes" */
	unsigned long positive, negative, states;
	/*
	 * The architectures whose hardware permits the outcome, comma
	 * separated ("" for none): x86's TSO forbids some LKMM Sometimes.
	 */
	const char *hardware;
	const char *herd7;	/* "herd7 7.58" */
	const char *lkmm;	/* "linux 6.12": whose tools/memory-model */
	const char *knobs;	/* the conditions it was matched on, "-": any */
};

/* This build's twin of @scenario, or NULL. */
const struct lkmm_twin *lkmm_twin_for(const char *scenario);
/* Whether the hardware of @arch permits the twin's outcome. */
bool lkmm_hardware_permits(const struct lkmm_twin *t, const char *arch);
/* describe's "lkmm": this build's twins and the expectations they judge. */
json_t *lkmm_describe_json(void);

#endif /* FLAGBENCH_BENCH_LKMM_H */
