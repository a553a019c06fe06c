/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models arch/arm64/include/asm/{atomic,atomic_lse,atomic_ll_sc,cmpxchg}.h,
 * v6.1; atomic-arch-fallback.h derives what arm64 does not write itself.
 */
#ifndef FLAGBENCH_ASM_ATOMIC_H
#define FLAGBENCH_ASM_ATOMIC_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

/*
 * The kernel patches LL/SC to LSE at boot (alternatives); we pick one at
 * build time: CONFIG_ARM64_LSE_ATOMICS selects LSE. Fully-ordered ops are
 * the *al LSE forms, or LL/SC with a store-release exclusive and a
 * trailing dmb ish, exactly as the kernel writes them. The 64-bit helpers
 * (__arch_atomic64_*) exist for asm-generic/bitops/{atomic,lock}.h only.
 */

#ifdef CONFIG_ARM64_LSE_ATOMICS

/* Lets the assembler accept LSE even when -march does not advertise it. */
#define __LSE_PREAMBLE ".arch_extension lse\n"

/*
 * Relaxed: no "memory" clobber, as atomic_lse.h; an ordered form (stclrl,
 * a release) passes "memory" as @cl, or the compiler could move plain
 * accesses across the instruction that orders them for the CPU.
 */
#define __LSE_OP(name, type, w, asm_op, cl...)                                 \
static __always_inline void name(type i, volatile type *v)                     \
{                                                                              \
	__asm__ __volatile__(__LSE_PREAMBLE                                    \
			     "	" #asm_op "	%" #w "[i], %[v]\n"            \
			     : [v] "+Q"(*v)                                    \
			     : [i] "r"(i)                                      \
			     : cl);                                            \
}

#define __LSE_FETCH_OP(name, type, w, asm_op)                                  \
static __always_inline type name(type i, volatile type *v)                     \
{                                                                              \
	type old;                                                              \
                                                                               \
	__asm__ __volatile__(__LSE_PREAMBLE                                    \
			     "	" #asm_op "	%" #w "[i], %" #w "[old], %[v]\n" \
			     : [v] "+Q"(*v), [old] "=r"(old)                   \
			     : [i] "r"(i)                                      \
			     : "memory");                                      \
	return old;                                                            \
}

__LSE_OP(__lse_atomic_add, int, w, stadd)
__LSE_FETCH_OP(__lse_atomic_fetch_add, int, w, ldaddal)
__LSE_FETCH_OP(__lse_xchg_mb_32, int, w, swpal)

__LSE_OP(__lse_atomic64_or, long, x, stset)
__LSE_OP(__lse_atomic64_andnot, long, x, stclr)
__LSE_OP(__lse_atomic64_xor, long, x, steor)
__LSE_OP(__lse_atomic64_andnot_release, long, x, stclrl, "memory")
__LSE_FETCH_OP(__lse_atomic64_fetch_or, long, x, ldsetal)
__LSE_FETCH_OP(__lse_atomic64_fetch_or_acquire, long, x, ldseta)
__LSE_FETCH_OP(__lse_atomic64_fetch_andnot, long, x, ldclral)
__LSE_FETCH_OP(__lse_atomic64_fetch_andnot_release, long, x, ldclrl)

/* atomic_lse.h __CMPXCHG_CASE: one cas, its ordering in @asm_op (casal, casa). */
#define __LSE_CMPXCHG_32(name, asm_op)                                         \
static __always_inline int name(volatile int *v, int old, int new)             \
{                                                                              \
	__asm__ __volatile__(__LSE_PREAMBLE                                    \
			     "	" #asm_op "	%w[old], %w[new], %[v]\n"         \
			     : [v] "+Q"(*v), [old] "+r"(old)                   \
			     : [new] "rZ"(new)                                 \
			     : "memory");                                      \
	return old;                                                            \
}

__LSE_CMPXCHG_32(__lse_cmpxchg_mb_32, casal)
__LSE_CMPXCHG_32(__lse_cmpxchg_acq_32, casa)

#define __arch_cmpxchg_acq_32(v, o, n) __lse_cmpxchg_acq_32(v, o, n)
#define __arch_atomic_add(i, v) __lse_atomic_add(i, v)
#define __arch_atomic_fetch_add(i, v) __lse_atomic_fetch_add(i, v)
#define __arch_xchg_mb_32(v, i) __lse_xchg_mb_32(i, v)
#define __arch_cmpxchg_mb_32(v, o, n) __lse_cmpxchg_mb_32(v, o, n)
#define __arch_atomic64_or(i, v) __lse_atomic64_or(i, v)
#define __arch_atomic64_andnot(i, v) __lse_atomic64_andnot(i, v)
#define __arch_atomic64_xor(i, v) __lse_atomic64_xor(i, v)
#define __arch_atomic64_fetch_or(i, v) __lse_atomic64_fetch_or(i, v)
#define __arch_atomic64_fetch_or_acquire(i, v) __lse_atomic64_fetch_or_acquire(i, v)
#define __arch_atomic64_fetch_andnot(i, v) __lse_atomic64_fetch_andnot(i, v)
#define __arch_atomic64_fetch_andnot_release(i, v)                             \
	__lse_atomic64_fetch_andnot_release(i, v)
/* stclrl: the release clear without a destination register. */
#define __arch_atomic64_andnot_release(i, v) __lse_atomic64_andnot_release(i, v)

#else /* LL/SC */

/* Relaxed: plain exclusives, no barrier, no "memory" clobber. */
#define __LL_SC_OP(name, type, w, asm_op)                                      \
static __always_inline void name(type i, volatile type *v)                     \
{                                                                              \
	type result;                                                           \
	unsigned int tmp;                                                      \
                                                                               \
	__asm__ __volatile__("	prfm	pstl1strm, %2\n"                       \
			     "1:	ldxr	%" #w "0, %2\n"                \
			     "	" #asm_op "	%" #w "0, %" #w "0, %" #w "3\n" \
			     "	stxr	%w1, %" #w "0, %2\n"                   \
			     "	cbnz	%w1, 1b\n"                             \
			     : "=&r"(result), "=&r"(tmp), "+Q"(*v)             \
			     : "r"(i));                                        \
}

/*
 * ld##acq##xr / st##rel##xr, then mb: fully ordered is "", "l", "dmb ish";
 * acquire is "a", "", ""; release is "", "l", "".
 */
#define __LL_SC_FETCH_OP(name, type, w, asm_op, acq, rel, mb)                  \
static __always_inline type name(type i, volatile type *v)                     \
{                                                                              \
	type result, val;                                                      \
	unsigned int tmp;                                                      \
                                                                               \
	__asm__ __volatile__("	prfm	pstl1strm, %3\n"                       \
			     "1:	ld" acq "xr	%" #w "0, %3\n"        \
			     "	" #asm_op "	%" #w "1, %" #w "0, %" #w "4\n" \
			     "	st" rel "xr	%w2, %" #w "1, %3\n"           \
			     "	cbnz	%w2, 1b\n"                             \
			     "	" mb "\n"                                      \
			     : "=&r"(result), "=&r"(val), "=&r"(tmp), "+Q"(*v) \
			     : "r"(i)                                          \
			     : "memory");                                      \
	return result;                                                         \
}

__LL_SC_OP(__ll_sc_atomic_add, int, w, add)
__LL_SC_FETCH_OP(__ll_sc_atomic_fetch_add, int, w, add, "", "l", "dmb ish")

__LL_SC_OP(__ll_sc_atomic64_or, long, x, orr)
__LL_SC_OP(__ll_sc_atomic64_andnot, long, x, bic)
__LL_SC_OP(__ll_sc_atomic64_xor, long, x, eor)
__LL_SC_FETCH_OP(__ll_sc_atomic64_fetch_or, long, x, orr, "", "l", "dmb ish")
__LL_SC_FETCH_OP(__ll_sc_atomic64_fetch_or_acquire, long, x, orr, "a", "", "")
__LL_SC_FETCH_OP(__ll_sc_atomic64_fetch_andnot, long, x, bic, "", "l", "dmb ish")
__LL_SC_FETCH_OP(__ll_sc_atomic64_fetch_andnot_release, long, x, bic, "", "l", "")

/*
 * atomic_ll_sc.h __CMPXCHG_CASE: ld@acq xr, st@rel xr, then @mb; a failed
 * compare skips the store and the barrier, as failure is unordered.  Fully
 * ordered: "", "l", "dmb ish"; acquire: "a", "", "".
 */
#define __LL_SC_CMPXCHG_32(name, acq, rel, mb)                                 \
static __always_inline int name(volatile int *v, int old, int new)             \
{                                                                              \
	unsigned long tmp;                                                     \
	int oldval;                                                            \
                                                                               \
	__asm__ __volatile__("	prfm	pstl1strm, %[v]\n"                     \
			     "1:	ld" acq "xr	%w[oldval], %[v]\n"       \
			     "	eor	%w[tmp], %w[oldval], %w[old]\n"        \
			     "	cbnz	%w[tmp], 2f\n"                         \
			     "	st" rel "xr	%w[tmp], %w[new], %[v]\n"     \
			     "	cbnz	%w[tmp], 1b\n"                         \
			     "	" mb "\n"                                      \
			     "2:"                                              \
			     : [tmp] "=&r"(tmp), [oldval] "=&r"(oldval),       \
			       [v] "+Q"(*v)                                    \
			     : [old] "r"(old), [new] "r"(new)                  \
			     : "memory");                                      \
	return oldval;                                                         \
}

__LL_SC_CMPXCHG_32(__ll_sc_cmpxchg_mb_32, "", "l", "dmb	ish")
__LL_SC_CMPXCHG_32(__ll_sc_cmpxchg_acq_32, "a", "", "")

static __always_inline int __ll_sc_xchg_mb_32(volatile int *v, int new)
{
	unsigned int tmp;
	int ret;

	__asm__ __volatile__("	prfm	pstl1strm, %2\n"
			     "1:	ldxr	%w0, %2\n"
			     "	stlxr	%w1, %w3, %2\n"
			     "	cbnz	%w1, 1b\n"
			     "	dmb	ish"
			     : "=&r"(ret), "=&r"(tmp), "+Q"(*v)
			     : "r"(new)
			     : "memory");
	return ret;
}

#define __arch_atomic_add(i, v) __ll_sc_atomic_add(i, v)
#define __arch_atomic_fetch_add(i, v) __ll_sc_atomic_fetch_add(i, v)
#define __arch_xchg_mb_32(v, i) __ll_sc_xchg_mb_32(v, i)
#define __arch_cmpxchg_mb_32(v, o, n) __ll_sc_cmpxchg_mb_32(v, o, n)
#define __arch_cmpxchg_acq_32(v, o, n) __ll_sc_cmpxchg_acq_32(v, o, n)
#define __arch_atomic64_or(i, v) __ll_sc_atomic64_or(i, v)
#define __arch_atomic64_andnot(i, v) __ll_sc_atomic64_andnot(i, v)
#define __arch_atomic64_xor(i, v) __ll_sc_atomic64_xor(i, v)
#define __arch_atomic64_fetch_or(i, v) __ll_sc_atomic64_fetch_or(i, v)
#define __arch_atomic64_fetch_or_acquire(i, v)                                 \
	__ll_sc_atomic64_fetch_or_acquire(i, v)
#define __arch_atomic64_fetch_andnot(i, v) __ll_sc_atomic64_fetch_andnot(i, v)
#define __arch_atomic64_fetch_andnot_release(i, v)                             \
	__ll_sc_atomic64_fetch_andnot_release(i, v)
#define __arch_atomic64_andnot_release(i, v)                                   \
	((void)__ll_sc_atomic64_fetch_andnot_release(i, v))

#endif /* CONFIG_ARM64_LSE_ATOMICS */

/* A plain load of the word: asm-generic/bitops/lock.h's first look. */
#define __arch_atomic64_read(v) READ_ONCE(*(v))

static __always_inline int arch_atomic_read(const atomic_t *v)
{
	return READ_ONCE(v->counter);
}

static __always_inline void arch_atomic_set(atomic_t *v, int i)
{
	WRITE_ONCE(v->counter, i);
}

static __always_inline void arch_atomic_add(int i, atomic_t *v)
{
	__arch_atomic_add(i, &v->counter);
}

static __always_inline int arch_atomic_add_return(int i, atomic_t *v)
{
	return __arch_atomic_fetch_add(i, &v->counter) + i;
}

static __always_inline int arch_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	return __arch_cmpxchg_mb_32(&v->counter, old, new);
}

static __always_inline int arch_atomic_xchg(atomic_t *v, int new)
{
	return __arch_xchg_mb_32(&v->counter, new);
}

static __always_inline int arch_atomic_cmpxchg_acquire(atomic_t *v, int old,
						       int new)
{
	return __arch_cmpxchg_acq_32(&v->counter, old, new);
}
#define arch_atomic_cmpxchg_acquire arch_atomic_cmpxchg_acquire

#include <flagbench/atomic-arch-fallback.h>

#endif /* FLAGBENCH_ASM_ATOMIC_H */
