/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Compiler helpers with the kernel's names.
 * Models include/linux/compiler.h, compiler_types.h and asm-generic/rwonce.h, v6.1.
 */
#ifndef FLAGBENCH_COMPILER_H
#define FLAGBENCH_COMPILER_H

#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define __aligned(x) __attribute__((__aligned__(x)))

/*
 * An entry of the registry in linker section @s, a pointer apart, kept
 * though nothing names it: __start_@s..__stop_@s lists every entry (the
 * harness's commands, listers, scenarios and benchmarks).
 */
#define __fb_registry(s)                                                       \
	__attribute__((__section__(s), __used__, __aligned__(sizeof(void *))))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* The compiler may not move memory accesses across this point. */
#define barrier() __asm__ __volatile__("" : : : "memory")

/*
 * READ_ONCE/WRITE_ONCE: one access of the full width, never torn, fused or
 * re-read; no ordering against other CPUs (that is what smp_* are for).
 */
#define __READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define READ_ONCE(x) __READ_ONCE(x)
#define WRITE_ONCE(x, val)                                                     \
	do {                                                                   \
		*(volatile __typeof__(x) *)&(x) = (val);                       \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* FLAGBENCH_COMPILER_H */
