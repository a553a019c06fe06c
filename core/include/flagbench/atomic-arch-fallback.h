/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Models include/linux/atomic/atomic-arch-fallback.h, v6.1: the atomic_t
 * operations an architecture does not provide, derived from the few it
 * does (add, sub, add_return, cmpxchg), behind #ifndef.  An
 * architecture's asm/atomic.h marks what it has natively with
 * "#define arch_atomic_inc arch_atomic_inc" and includes this at its end.
 */
#ifndef FLAGBENCH_ATOMIC_ARCH_FALLBACK_H
#define FLAGBENCH_ATOMIC_ARCH_FALLBACK_H

#include <flagbench/compiler.h>
#include <flagbench/types.h>

#ifndef arch_atomic_sub
static __always_inline void arch_atomic_sub(int i, atomic_t *v)
{
	arch_atomic_add(-i, v);
}
#define arch_atomic_sub arch_atomic_sub
#endif

#ifndef arch_atomic_inc
static __always_inline void arch_atomic_inc(atomic_t *v)
{
	arch_atomic_add(1, v);
}
#define arch_atomic_inc arch_atomic_inc
#endif

#ifndef arch_atomic_dec
static __always_inline void arch_atomic_dec(atomic_t *v)
{
	arch_atomic_sub(1, v);
}
#define arch_atomic_dec arch_atomic_dec
#endif

#ifndef arch_atomic_sub_return
static __always_inline int arch_atomic_sub_return(int i, atomic_t *v)
{
	return arch_atomic_add_return(-i, v);
}
#define arch_atomic_sub_return arch_atomic_sub_return
#endif

#ifndef arch_atomic_inc_return
static __always_inline int arch_atomic_inc_return(atomic_t *v)
{
	return arch_atomic_add_return(1, v);
}
#define arch_atomic_inc_return arch_atomic_inc_return
#endif

#ifndef arch_atomic_dec_return
static __always_inline int arch_atomic_dec_return(atomic_t *v)
{
	return arch_atomic_sub_return(1, v);
}
#define arch_atomic_dec_return arch_atomic_dec_return
#endif

#ifndef arch_atomic_dec_and_test
static __always_inline bool arch_atomic_dec_and_test(atomic_t *v)
{
	return arch_atomic_dec_return(v) == 0;
}
#define arch_atomic_dec_and_test arch_atomic_dec_and_test
#endif

#ifndef arch_atomic_sub_and_test
static __always_inline bool arch_atomic_sub_and_test(int i, atomic_t *v)
{
	return arch_atomic_sub_return(i, v) == 0;
}
#define arch_atomic_sub_and_test arch_atomic_sub_and_test
#endif

/* A fully ordered cmpxchg is also an acquire one. */
#ifndef arch_atomic_cmpxchg_acquire
#define arch_atomic_cmpxchg_acquire arch_atomic_cmpxchg
#endif

/* A failed cmpxchg promises no ordering: *old takes what it found. */
#ifndef arch_atomic_try_cmpxchg
static __always_inline bool arch_atomic_try_cmpxchg(atomic_t *v, int *old,
						    int new)
{
	int r, o = *old;

	r = arch_atomic_cmpxchg(v, o, new);
	if (unlikely(r != o))
		*old = r;
	return likely(r == o);
}
#define arch_atomic_try_cmpxchg arch_atomic_try_cmpxchg
#endif

/* Add @a unless the old value is @u; the old value. */
#ifndef arch_atomic_fetch_add_unless
static __always_inline int arch_atomic_fetch_add_unless(atomic_t *v, int a,
							int u)
{
	int c = arch_atomic_read(v);

	do {
		if (unlikely(c == u))
			break;
	} while (!arch_atomic_try_cmpxchg(v, &c, c + a));
	return c;
}
#define arch_atomic_fetch_add_unless arch_atomic_fetch_add_unless
#endif

#endif /* FLAGBENCH_ATOMIC_ARCH_FALLBACK_H */
