/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IS_ENABLED() for the CONFIG_FB_* symbols a variant build defines.
 * Models include/linux/kconfig.h, v6.1.
 */
#ifndef FLAGBENCH_KCONFIG_H
#define FLAGBENCH_KCONFIG_H

#include <flagbench/variant-config.h>

#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)

/* 1 if the option is set to 1 in this build, 0 otherwise; usable in C and #if. */
#define IS_ENABLED(option) __is_defined(option)

#endif /* FLAGBENCH_KCONFIG_H */
