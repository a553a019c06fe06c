// SPDX-License-Identifier: GPL-2.0
/* This build's variant, from the generated flagbench/variant-config.h. */
#include <string.h>
#include <flagbench/asm/barrier.h>
#include <flagbench/kconfig.h>
#include <flagbench/page-flags-layout.h>
#include <flagbench/variant.h>

static const struct variant_knob knobs[] = {
#define KNOB(name, def, choices, help)                                         \
	{ #name, FB_KNOB_VALUE_##name, def, choices, help },
#include <flagbench/knobs.def>
#undef KNOB
};

static const struct variant_expectation expectations[] = {
#define FB_EXPECT(scenario, arch, e) { scenario, arch, e },
	FB_VARIANT_EXPECTATIONS(FB_EXPECT)
#undef FB_EXPECT
	{ NULL, NULL, EXPECT_ALLOWED }
};

const struct variant this_variant = {
	.name = FB_VARIANT_NAME,
	.description = FB_VARIANT_DESCRIPTION,
	.file = FB_VARIANT_FILE,
	.page_flags_release = FB_LAYOUT_RELEASE,
	.arch = FB_TARGET_ARCH,
	.bitops_impl = FB_ARCH_NAME,
	.atomics_impl = FB_ARCH_ATOMICS,
	.knobs = knobs,
	.nr_knobs = ARRAY_SIZE(knobs),
	.expectations = expectations,
	.nr_expectations = ARRAY_SIZE(expectations) - 1,
};

enum expectation variant_expectation(const struct variant *v,
				     const char *scenario, const char *arch)
{
	enum expectation any = EXPECT_ALLOWED;
	unsigned int i;

	for (i = 0; i < v->nr_expectations; i++) {
		const struct variant_expectation *e = &v->expectations[i];

		if (strcmp(e->scenario, scenario))
			continue;
		if (!e->arch)
			any = e->expect;
		else if (arch && !strcmp(e->arch, arch))
			return e->expect;
	}
	return any;
}
