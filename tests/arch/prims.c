// SPDX-License-Identifier: GPL-2.0
/*
 * One out-of-line wrapper per primitive, so check-disasm can read each
 * primitive's instructions in a function body of its own.
 */
#include <flagbench/compiler.h>
#include <flagbench/types.h>
#include <flagbench/asm/barrier.h>
#include <flagbench/asm/atomic.h>
#include <flagbench/asm/bitops.h>

#define __used __attribute__((__used__))

/* check-disasm reads this to know which expectations apply. */
const char fb_prim_flavour[] __used =
	"FB_FLAVOUR=" FB_ARCH_NAME "/" FB_ARCH_ATOMICS;

#define PRIM_BITOP(op)                                                         \
	noinline void fb_prim_##op(long nr, volatile unsigned long *addr)      \
	{                                                                      \
		arch_##op(nr, addr);                                           \
	}
#define PRIM_TESTOP(op)                                                        \
	noinline bool fb_prim_##op(long nr, volatile unsigned long *addr)      \
	{                                                                      \
		return arch_##op(nr, addr);                                    \
	}
#define PRIM_BARRIER(op)                                                       \
	noinline void fb_prim_##op(void)                                       \
	{                                                                      \
		op();                                                          \
	}

PRIM_BITOP(set_bit)
PRIM_BITOP(clear_bit)
PRIM_BITOP(change_bit)
PRIM_BITOP(clear_bit_unlock)
PRIM_TESTOP(test_and_set_bit)
PRIM_TESTOP(test_and_clear_bit)
PRIM_TESTOP(test_and_set_bit_lock)
PRIM_TESTOP(clear_bit_unlock_is_negative_byte)
PRIM_BITOP(__set_bit)
PRIM_BITOP(__clear_bit)
PRIM_BITOP(__change_bit)
PRIM_BITOP(__clear_bit_unlock)
PRIM_TESTOP(__test_and_set_bit)
PRIM_TESTOP(__test_and_clear_bit)

noinline bool fb_prim_test_bit(long nr, const volatile unsigned long *addr)
{
	return arch_test_bit(nr, addr);
}

/* Constant bit numbers: x86 takes its byte-op (orb/andb) path here. */
noinline void fb_prim_set_bit_const(volatile unsigned long *addr)
{
	arch_set_bit(5, addr);
}

noinline void fb_prim_clear_bit_const(volatile unsigned long *addr)
{
	arch_clear_bit(5, addr);
}

noinline void fb_prim___set_bit_const(volatile unsigned long *addr)
{
	arch___set_bit(5, addr);
}

noinline void fb_prim___clear_bit_const(volatile unsigned long *addr)
{
	arch___clear_bit(5, addr);
}

/* PG_locked is bit 0: the call mm/filemap.c:folio_unlock() makes. */
noinline bool fb_prim_unlock_page_is_negative(volatile unsigned long *addr)
{
	return arch_clear_bit_unlock_is_negative_byte(0, addr);
}

noinline int fb_prim_atomic_read(atomic_t *v)
{
	return arch_atomic_read(v);
}

noinline void fb_prim_atomic_set(atomic_t *v, int i)
{
	arch_atomic_set(v, i);
}

#define PRIM_ATOMIC_OP(op)                                                     \
	noinline void fb_prim_atomic_##op(int i, atomic_t *v)                  \
	{                                                                      \
		arch_atomic_##op(i, v);                                        \
	}
#define PRIM_ATOMIC_UNARY(op)                                                  \
	noinline void fb_prim_atomic_##op(atomic_t *v)                         \
	{                                                                      \
		arch_atomic_##op(v);                                           \
	}
#define PRIM_ATOMIC_RETURN(op, type)                                           \
	noinline type fb_prim_atomic_##op(int i, atomic_t *v)                  \
	{                                                                      \
		return arch_atomic_##op(i, v);                                 \
	}
#define PRIM_ATOMIC_UNARY_RETURN(op, type)                                     \
	noinline type fb_prim_atomic_##op(atomic_t *v)                         \
	{                                                                      \
		return arch_atomic_##op(v);                                    \
	}

PRIM_ATOMIC_OP(add)
PRIM_ATOMIC_OP(sub)
PRIM_ATOMIC_UNARY(inc)
PRIM_ATOMIC_UNARY(dec)
PRIM_ATOMIC_RETURN(add_return, int)
PRIM_ATOMIC_RETURN(sub_return, int)
PRIM_ATOMIC_RETURN(sub_and_test, bool)
PRIM_ATOMIC_UNARY_RETURN(inc_return, int)
PRIM_ATOMIC_UNARY_RETURN(dec_return, int)
PRIM_ATOMIC_UNARY_RETURN(dec_and_test, bool)

noinline int fb_prim_atomic_cmpxchg(atomic_t *v, int old, int new)
{
	return arch_atomic_cmpxchg(v, old, new);
}

noinline int fb_prim_atomic_xchg(atomic_t *v, int new)
{
	return arch_atomic_xchg(v, new);
}

noinline int fb_prim_atomic_fetch_add_unless(atomic_t *v, int a, int u)
{
	return arch_atomic_fetch_add_unless(v, a, u);
}

PRIM_BARRIER(mb)
PRIM_BARRIER(rmb)
PRIM_BARRIER(wmb)
PRIM_BARRIER(smp_mb)
PRIM_BARRIER(smp_rmb)
PRIM_BARRIER(smp_wmb)
PRIM_BARRIER(smp_mb__before_atomic)
PRIM_BARRIER(smp_mb__after_atomic)
PRIM_BARRIER(cpu_relax)

noinline int fb_prim_load_acquire_int(const int *p)
{
	return smp_load_acquire(p);
}

noinline long fb_prim_load_acquire_long(const long *p)
{
	return smp_load_acquire(p);
}

noinline void fb_prim_store_release_int(int *p, int v)
{
	smp_store_release(p, v);
}

noinline void fb_prim_store_release_long(long *p, long v)
{
	smp_store_release(p, v);
}
