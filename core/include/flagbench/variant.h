/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a build of core/ is: its variant, knobs and expectations.  The only
 * way the harness learns which variant it was built with.
 */
#ifndef FLAGBENCH_VARIANT_H
#define FLAGBENCH_VARIANT_H

enum expectation {
	EXPECT_ALLOWED,		/* measured and reported only */
	EXPECT_REPRODUCE,	/* must be observed, or sensitivity was lost */
	EXPECT_FORBIDDEN,	/* any observation is a failure */
};

struct variant_knob {
	const char *name;
	const char *value;	/* this build's choice */
	const char *default_value;	/* the pre-fix kernel's */
	const char *choices;	/* space separated */
	const char *help;
};

struct variant_expectation {
	const char *scenario;
	const char *arch;	/* NULL: every architecture */
	enum expectation expect;
};

struct variant {
	const char *name;
	const char *description;
	const char *file;	/* variants/<name>.variant */
	const char *page_flags_release;
	const char *arch;	/* target: x86_64, aarch64, ppc64le, ... */
	const char *bitops_impl;	/* FB_ARCH_NAME / FB_ARCH_ATOMICS */
	const char *atomics_impl;
	const struct variant_knob *knobs;
	unsigned int nr_knobs;
	const struct variant_expectation *expectations;
	unsigned int nr_expectations;
};

extern const struct variant this_variant;

/*
 * The one spelling of each expectation: variant files, describe, races.json
 * and the report read and write these words (results.c parses them).
 */
static inline const char *expectation_name(enum expectation e)
{
	switch (e) {
	case EXPECT_REPRODUCE:
		return "reproduce";
	case EXPECT_FORBIDDEN:
		return "forbidden";
	case EXPECT_ALLOWED:
		break;
	}
	return "allowed";
}
/* The expectation for @scenario on @arch: the arch-specific one wins. */
enum expectation variant_expectation(const struct variant *v,
				     const char *scenario, const char *arch);

#endif /* FLAGBENCH_VARIANT_H */
