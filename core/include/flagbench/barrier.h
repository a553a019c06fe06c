/* SPDX-License-Identifier: GPL-2.0 */
/* Models include/asm-generic/barrier.h over the architecture's, v6.1. */
#ifndef FLAGBENCH_BARRIER_H
#define FLAGBENCH_BARRIER_H

#include <flagbench/compiler.h>
#include <flagbench/asm/barrier.h>

#endif /* FLAGBENCH_BARRIER_H */
