/* SPDX-License-Identifier: GPL-2.0 */
/* Facts about the machine every result carries: arch, emulation, CPU model. */
#ifndef FLAGBENCH_BENCH_MACHINE_H
#define FLAGBENCH_BENCH_MACHINE_H

#include <stdbool.h>
#include <stddef.h>

/* The target architecture this binary was built for: "x86_64", "aarch64", "ppc64le", ... */
const char *fb_arch_name(void);

/*
 * True when running under an emulator (qemu-user): timings and race rates
 * mean nothing there, only function.  @how (may be NULL) says how it was
 * decided: "FB_EMULATED=1", "host arch x86_64 != aarch64", "QEMU_* env".
 */
bool fb_emulated(const char **how);

#endif /* FLAGBENCH_BENCH_MACHINE_H */
