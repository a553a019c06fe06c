// SPDX-License-Identifier: GPL-2.0
/*
 * Functional tests of the per-architecture primitives: results on words,
 * return values, and atomicity under two threads hammering one word.
 * Under qemu these are functional results only: the host's memory model,
 * not the target's, decides any ordering outcome.
 */
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <flagbench/compiler.h>
#include <flagbench/types.h>
#include <flagbench/asm/barrier.h>
#include <flagbench/asm/atomic.h>
#include <flagbench/asm/bitops.h>

/* Bit positions of interest: byte edges, the int edge, the word edge, word 1. */
static const long positions[] = { 0, 1, 7, 8, 31, 32, 63, 64, 64 + 7, 64 + 63 };

/* nr < 0: no bit at all. */
static unsigned long expect_word(long nr, long word)
{
	return nr >= 0 && BIT_WORD(nr) == word ? BIT_MASK(nr) : 0;
}

static void check_only(const unsigned long *w, long nr)
{
	assert_int_equal(w[0], expect_word(nr, 0));
	assert_int_equal(w[1], expect_word(nr, 1));
	assert_int_equal(w[2], 0);
}

static void test_arch_name(void **state)
{
	(void)state;
	print_message("arch %s, atomics %s\n", FB_ARCH_NAME, FB_ARCH_ATOMICS);
	if (!strcmp(FB_ARCH_NAME, "x86")) {
#ifndef __x86_64__
		fail_msg("x86 primitives built for another target");
#endif
		assert_string_equal(FB_ARCH_ATOMICS, "lock");
	} else if (!strcmp(FB_ARCH_NAME, "arm64")) {
#ifndef __aarch64__
		fail_msg("arm64 primitives built for another target");
#endif
#ifdef CONFIG_ARM64_LSE_ATOMICS
		assert_string_equal(FB_ARCH_ATOMICS, "lse");
#else
		assert_string_equal(FB_ARCH_ATOMICS, "llsc");
#endif
	} else if (!strcmp(FB_ARCH_NAME, "powerpc")) {
#ifndef __powerpc64__
		fail_msg("powerpc primitives built for another target");
#endif
		assert_string_equal(FB_ARCH_ATOMICS, "ldarx-stdcx");
	} else {
		assert_string_equal(FB_ARCH_NAME, "generic");
		assert_string_equal(FB_ARCH_ATOMICS, "gcc-atomic");
	}
}

/* The words a check at one position is given: bits 0 to 191. */
#define W_BYTES (3 * sizeof(unsigned long))

/* Runs @check at each of positions[], on words cleared for each. */
static void at_each_position(void (*check)(long nr, unsigned long *w))
{
	unsigned long w[3];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(positions); i++) {
		memset(w, 0, W_BYTES);
		check(positions[i], w);
	}
}

static void set_clear_change_at(long nr, unsigned long *w)
{
	arch_set_bit(nr, w);
	check_only(w, nr);
	assert_true(arch_test_bit(nr, w));
	assert_false(arch_test_bit(nr ^ 1, w));
	arch_set_bit(nr, w);	/* idempotent */
	check_only(w, nr);
	arch_clear_bit(nr, w);
	check_only(w, -1);
	assert_false(arch_test_bit(nr, w));

	arch___set_bit(nr, w);
	check_only(w, nr);
	arch___clear_bit(nr, w);
	check_only(w, -1);

	arch_change_bit(nr, w);
	check_only(w, nr);
	arch_change_bit(nr, w);
	check_only(w, -1);
	arch___change_bit(nr, w);
	check_only(w, nr);
	arch___change_bit(nr, w);
	check_only(w, -1);

	/* Clearing one bit leaves every other bit alone. */
	memset(w, 0xff, W_BYTES);
	arch_clear_bit(nr, w);
	assert_int_equal(w[BIT_WORD(nr)], ~BIT_MASK(nr));
	arch___clear_bit(nr ^ 1, w);
	assert_int_equal(w[BIT_WORD(nr)], ~(BIT_MASK(nr) | BIT_MASK(nr ^ 1)));
	assert_int_equal(w[!BIT_WORD(nr)], ~0UL);
	assert_int_equal(w[2], ~0UL);
}

static void test_set_clear_change(void **state)
{
	(void)state;
	at_each_position(set_clear_change_at);
}

/* Literal bit numbers: x86 takes its byte-op (lock orb/andb/xorb) path. */
static void test_constant_nr(void **state)
{
	unsigned long w[3] = { 0 };

	(void)state;
	arch_set_bit(0, w);
	arch_set_bit(7, w);
	arch_set_bit(31, w);
	arch_set_bit(32, w);
	arch_set_bit(63, w);
	arch_set_bit(70, w);
	assert_int_equal(w[0], 0x8000000180000081UL);
	assert_int_equal(w[1], 0x40UL);
	arch_clear_bit(7, w);
	arch_clear_bit(63, w);
	assert_int_equal(w[0], 0x0000000180000001UL);
	assert_int_equal(w[1], 0x40UL);
	arch_change_bit(70, w);
	arch_change_bit(71, w);
	assert_int_equal(w[0], 0x0000000180000001UL);
	assert_int_equal(w[1], 0x80UL);
	assert_int_equal(w[2], 0);
}

static void test_and_ops_at(long nr, unsigned long *w)
{
	assert_false(arch_test_and_set_bit(nr, w));
	check_only(w, nr);
	assert_true(arch_test_and_set_bit(nr, w));
	check_only(w, nr);
	assert_true(arch_test_and_clear_bit(nr, w));
	check_only(w, -1);
	assert_false(arch_test_and_clear_bit(nr, w));
	check_only(w, -1);

	assert_false(arch___test_and_set_bit(nr, w));
	check_only(w, nr);
	assert_true(arch___test_and_set_bit(nr, w));
	assert_true(arch___test_and_clear_bit(nr, w));
	check_only(w, -1);
	assert_false(arch___test_and_clear_bit(nr, w));

	assert_false(arch_test_and_set_bit_lock(nr, w));
	check_only(w, nr);
	assert_true(arch_test_and_set_bit_lock(nr, w));
	check_only(w, nr);
	arch_clear_bit_unlock(nr, w);
	check_only(w, -1);
	assert_false(arch_test_and_set_bit_lock(nr, w));
	arch___clear_bit_unlock(nr, w);
	check_only(w, -1);

	/* Neighbours set: the old value of nr alone decides. */
	memset(w, 0xff, W_BYTES);
	arch_clear_bit(nr, w);
	assert_false(arch_test_and_set_bit(nr, w));
	assert_true(arch_test_and_clear_bit(nr, w));
	assert_false(arch_test_and_set_bit_lock(nr, w));
	arch___clear_bit_unlock(nr, w);
	assert_int_equal(w[BIT_WORD(nr)], ~BIT_MASK(nr));
}

static void test_test_and_ops(void **state)
{
	(void)state;
	at_each_position(test_and_ops_at);
}

static void test_clear_bit_unlock_is_negative_byte(void **state)
{
	unsigned long w[2];
	long base;

	(void)state;
	/* PG_locked (bit 0) with and without PG_waiters (bit 7). */
	w[0] = BIT(0) | BIT(7);
	w[1] = 0;
	assert_true(arch_clear_bit_unlock_is_negative_byte(0, w));
	assert_int_equal(w[0], BIT(7));
	w[0] = BIT(0);
	assert_false(arch_clear_bit_unlock_is_negative_byte(0, w));
	assert_int_equal(w[0], 0);
	/* Already clear: still a clean answer. */
	w[0] = BIT(7);
	assert_true(arch_clear_bit_unlock_is_negative_byte(0, w));
	assert_int_equal(w[0], BIT(7));

	/* Only bit 7 of nr's own byte counts. */
	for (base = 0; base < 128; base += 8) {
		long nr = base + 3;
		unsigned long other = BIT_MASK((base ^ 8) | 7);	/* neighbour byte's bit 7 */

		w[0] = w[1] = 0;
		w[BIT_WORD(nr)] = BIT_MASK(nr) | BIT_MASK(base + 7);
		assert_true(arch_clear_bit_unlock_is_negative_byte(nr, w));
		assert_int_equal(w[BIT_WORD(nr)], BIT_MASK(base + 7));

		w[0] = w[1] = 0;
		w[BIT_WORD(nr)] = BIT_MASK(nr) | other;
		assert_false(arch_clear_bit_unlock_is_negative_byte(nr, w));
		assert_int_equal(w[BIT_WORD(nr)], other);
	}

	/* nr == 7 itself: the byte is no longer negative afterwards. */
	w[0] = BIT(7) | BIT(6);
	assert_false(arch_clear_bit_unlock_is_negative_byte(7, w));
	assert_int_equal(w[0], BIT(6));
}

static void test_atomic_ops(void **state)
{
	atomic_t v;

	(void)state;
	arch_atomic_set(&v, 5);
	assert_int_equal(arch_atomic_read(&v), 5);
	arch_atomic_inc(&v);
	arch_atomic_add(10, &v);
	arch_atomic_dec(&v);
	arch_atomic_sub(3, &v);
	assert_int_equal(arch_atomic_read(&v), 12);
	arch_atomic_add(-20, &v);
	assert_int_equal(arch_atomic_read(&v), -8);

	assert_int_equal(arch_atomic_add_return(10, &v), 2);
	assert_int_equal(arch_atomic_sub_return(5, &v), -3);
	assert_int_equal(arch_atomic_inc_return(&v), -2);
	assert_int_equal(arch_atomic_dec_return(&v), -3);
	assert_int_equal(arch_atomic_read(&v), -3);

	arch_atomic_set(&v, 2);
	assert_false(arch_atomic_dec_and_test(&v));
	assert_true(arch_atomic_dec_and_test(&v));
	assert_false(arch_atomic_dec_and_test(&v));
	assert_int_equal(arch_atomic_read(&v), -1);
	arch_atomic_set(&v, 7);
	assert_false(arch_atomic_sub_and_test(3, &v));
	assert_true(arch_atomic_sub_and_test(4, &v));
	assert_false(arch_atomic_sub_and_test(-1, &v));
	assert_int_equal(arch_atomic_read(&v), 1);

	arch_atomic_set(&v, INT_MAX);
	assert_int_equal(arch_atomic_read(&v), INT_MAX);
	arch_atomic_set(&v, INT_MIN);
	assert_int_equal(arch_atomic_sub_return(-1, &v), INT_MIN + 1);
}

static int cmpxchg_op(atomic_t *v, int old, int new)
{
	return arch_atomic_cmpxchg(v, old, new);
}

static int fetch_add_unless_op(atomic_t *v, int a, int u)
{
	return arch_atomic_fetch_add_unless(v, a, u);
}

/* v at @start; op(&v, a, b) returns @ret and leaves v at @after. */
static const struct rmw_case {
	int (*op)(atomic_t *v, int a, int b);
	int start, a, b, ret, after;
} rmw_cases[] = {
	/* cmpxchg: success returns the old value and stores the new one, */
	{ cmpxchg_op, 40, 40, 41, 40, 41 },
	/* failure returns the current value and stores nothing. */
	{ cmpxchg_op, 41, 40, 99, 41, 41 },
	{ cmpxchg_op, 41, 41, -1, 41, -1 },
	{ cmpxchg_op, -1, -1, 0, -1, 0 },
	/* fetch_add_unless at u: returns u, adds nothing (get_page_unless_zero), */
	{ fetch_add_unless_op, 0, 1, 0, 0, 0 },
	{ fetch_add_unless_op, 5, 1, 5, 5, 5 },
	/* elsewhere: returns the old value and adds. */
	{ fetch_add_unless_op, 5, 1, 0, 5, 6 },
	{ fetch_add_unless_op, 6, -10, 7, 6, -4 },
	{ fetch_add_unless_op, -4, 4, -3, -4, 0 },
};

/* The cases of rmw_cases[] for @op; there must be some. */
static void check_rmw(int (*op)(atomic_t *v, int a, int b))
{
	const struct rmw_case *c;
	int checked = 0;
	atomic_t v;

	for (c = rmw_cases; c < rmw_cases + ARRAY_SIZE(rmw_cases); c++) {
		if (c->op != op)
			continue;
		arch_atomic_set(&v, c->start);
		assert_int_equal(op(&v, c->a, c->b), c->ret);
		assert_int_equal(arch_atomic_read(&v), c->after);
		checked++;
	}
	assert_true(checked > 0);
}

static void test_atomic_cmpxchg_xchg(void **state)
{
	atomic_t v;

	(void)state;
	check_rmw(cmpxchg_op);
	arch_atomic_set(&v, 0);
	assert_int_equal(arch_atomic_xchg(&v, 123), 0);
	assert_int_equal(arch_atomic_xchg(&v, -5), 123);
	assert_int_equal(arch_atomic_read(&v), -5);
}

static void test_atomic_fetch_add_unless(void **state)
{
	(void)state;
	check_rmw(fetch_add_unless_op);
}

static void test_acquire_release(void **state)
{
	int i = 0;
	long l = 0;
	unsigned int u = 0;
	unsigned long ul = 0;
	const long *cl = &l;
	void *p = NULL;

	(void)state;
	smp_store_release(&i, -42);
	assert_int_equal(smp_load_acquire(&i), -42);
	smp_store_release(&l, 0x123456789abcdef0L);
	assert_int_equal(smp_load_acquire(&l), 0x123456789abcdef0L);
	assert_int_equal(smp_load_acquire(cl), 0x123456789abcdef0L);
	smp_store_release(&u, 0xdeadbeefU);
	assert_int_equal(smp_load_acquire(&u), 0xdeadbeefU);
	smp_store_release(&ul, ~0UL);
	assert_int_equal(smp_load_acquire(&ul), ~0UL);
	smp_store_release(&p, (void *)&i);
	assert_ptr_equal(smp_load_acquire(&p), &i);
	/* Full width: no truncation to the low half and no sign games. */
	smp_store_release(&l, -1L);
	assert_int_equal(smp_load_acquire(&l), -1L);
}

/* Smoke: every barrier assembles, runs and returns. */
static void test_barriers(void **state)
{
	int x = 1;

	(void)state;
	mb();
	rmb();
	wmb();
	smp_mb();
	smp_rmb();
	smp_wmb();
	smp_mb__before_atomic();
	smp_mb__after_atomic();
	cpu_relax();
	barrier();
	assert_int_equal(READ_ONCE(x), 1);
	WRITE_ONCE(x, 2);
	assert_int_equal(x, 2);
}

/*
 * Atomicity: two threads hammer one cache line. Losses are impossible
 * with correct atomics; with a broken primitive they show up at once.
 */
static long iters;

struct hammer {
	pthread_t tid;
	int id;
	unsigned long errors;
	unsigned long hits;
	/* One iteration of the hammering; @i counts from 0 to iters - 1. */
	void (*step)(struct hammer *h, long i);
};

static unsigned long word[2] __aligned(64);
static atomic_t counter;
static atomic_t ready;
static int plain_counter;

static void start_together(void)
{
	arch_atomic_inc(&ready);
	while (arch_atomic_read(&ready) < 2)
		cpu_relax();
}

static void *hammer_thread(void *arg)
{
	struct hammer *h = arg;
	long i;

	start_together();
	for (i = 0; i < iters; i++)
		h->step(h, i);
	return NULL;
}

/* Runs @step iters times on each of two threads; the sums of their counts. */
static struct hammer run_pair(void (*step)(struct hammer *h, long i))
{
	struct hammer h[2], sum = { 0 };
	int i;

	arch_atomic_set(&ready, 0);
	for (i = 0; i < 2; i++) {
		h[i] = (struct hammer){ .id = i, .step = step };
		assert_int_equal(pthread_create(&h[i].tid, NULL, hammer_thread,
						&h[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(h[i].tid, NULL), 0);
		sum.errors += h[i].errors;
		sum.hits += h[i].hits;
	}
	return sum;
}

/* Each thread owns every other bit of one word; no other bit may change. */
static void hammer_bits(struct hammer *h, long i)
{
	long nr = h->id + 2 * (i & 31);

	arch_set_bit(nr, word);
	if (!arch_test_bit(nr, word))
		h->errors++;
	arch_clear_bit(nr, word);
	if (arch_test_bit(nr, word))
		h->errors++;
	arch_change_bit(nr, word);
	if (!arch_test_bit(nr, word))
		h->errors++;
	arch_change_bit(nr, word);
}

/* Two threads hammer bits of one word with @step: no error, no bit left. */
static void hammer_word(void (*step)(struct hammer *h, long i))
{
	word[0] = 0;
	assert_int_equal(run_pair(step).errors, 0);
	assert_int_equal(word[0], 0);
}

static void test_atomic_bitops_lose_nothing(void **state)
{
	(void)state;
	hammer_word(hammer_bits);
}

static void hammer_test_and(struct hammer *h, long i)
{
	long nr = h->id + 2 * (i & 31);

	if (arch_test_and_set_bit(nr, word))
		h->errors++;
	if (!arch_test_and_clear_bit(nr, word))
		h->errors++;
}

static void test_test_and_ops_lose_nothing(void **state)
{
	(void)state;
	hammer_word(hammer_test_and);
}

/*
 * A bit lock (PG_locked at bit 0, PG_waiters-style bits set by the other
 * side) guarding a plain counter: mutual exclusion and the unlock flavours.
 */
static void hammer_lock(struct hammer *h, long i)
{
	while (arch_test_and_set_bit_lock(0, word))
		cpu_relax();
	plain_counter++;
	/* A bit of this word the other thread sets meanwhile. */
	arch_set_bit(8 + h->id, word);
	switch (i & 3) {
	case 0:
		arch_clear_bit_unlock(0, word);
		break;
	case 1:
		if (arch_clear_bit_unlock_is_negative_byte(0, word))
			h->errors++;	/* bit 7 is never set */
		break;
	case 2:
		/* Fine: only the lock holder changes this word's value. */
		arch___clear_bit_unlock(0, word);
		break;
	default:
		arch_clear_bit(8 + h->id, word);
		arch_clear_bit_unlock(0, word);
		break;
	}
}

static void test_bit_lock_excludes(void **state)
{
	(void)state;
#if defined(__SANITIZE_THREAD__)
	/* TSan cannot see inline-asm atomics and would report the counter. */
	if (strcmp(FB_ARCH_ATOMICS, "gcc-atomic"))
		skip();
#endif
	word[0] = 0;
	plain_counter = 0;
	assert_int_equal(run_pair(hammer_lock).errors, 0);
	assert_int_equal(plain_counter, 2 * iters);
	assert_false(arch_test_bit(0, word));
}

static void hammer_counter(struct hammer *h, long i)
{
	int old;

	switch (i & 7) {
	case 0:
		arch_atomic_inc(&counter);
		break;
	case 1:
		arch_atomic_add(2, &counter);
		arch_atomic_dec(&counter);
		break;
	case 2:
		arch_atomic_inc_return(&counter);
		break;
	case 3:
		arch_atomic_add_return(3, &counter);
		arch_atomic_sub(2, &counter);
		break;
	case 4:
		arch_atomic_sub_return(-1, &counter);
		break;
	case 5:
		old = arch_atomic_read(&counter);
		while (arch_atomic_cmpxchg(&counter, old, old + 1) != old)
			old = arch_atomic_read(&counter);
		break;
	case 6:
		/* Never at INT_MIN here: always adds. */
		if (arch_atomic_fetch_add_unless(&counter, 1, INT_MIN) == INT_MIN)
			h->errors++;
		break;
	default:
		arch_atomic_add(5, &counter);
		arch_atomic_dec_return(&counter);
		arch_atomic_sub_and_test(3, &counter);
		break;
	}
}

static void test_atomic_counter_loses_nothing(void **state)
{
	(void)state;
	arch_atomic_set(&counter, 0);
	assert_int_equal(run_pair(hammer_counter).errors, 0);
	assert_int_equal(arch_atomic_read(&counter), 2 * iters);
}

/* A refcount dropped from both sides reaches zero exactly once. */
static void hammer_put(struct hammer *h, long i)
{
	if (arch_atomic_dec_and_test(&counter))
		h->hits++;
}

static void test_dec_and_test_hits_zero_once(void **state)
{
	struct hammer sum;

	(void)state;
	arch_atomic_set(&counter, 2 * (int)iters);
	sum = run_pair(hammer_put);
	assert_int_equal(arch_atomic_read(&counter), 0);
	assert_int_equal(sum.hits, 1);
}

/*
 * 2*10^6 iterations per thread natively; about a quarter under an emulator
 * (FB_EMULATED=1 from ctest, or FB_TEST_EMULATED at build time); FB_ITERS
 * overrides both.
 */
static void set_iterations(void)
{
	const char *s = getenv("FB_ITERS");

	iters = 2000000;
#ifdef FB_TEST_EMULATED
	iters = 512000;
#endif
	if (getenv("FB_EMULATED") && strcmp(getenv("FB_EMULATED"), "0"))
		iters = 512000;
	if (s && atol(s) > 0)
		iters = atol(s);
	iters &= ~63L;	/* whole cycles of the bit and switch patterns */
	if (iters < 64)
		iters = 64;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch_name),
		cmocka_unit_test(test_set_clear_change),
		cmocka_unit_test(test_constant_nr),
		cmocka_unit_test(test_test_and_ops),
		cmocka_unit_test(test_clear_bit_unlock_is_negative_byte),
		cmocka_unit_test(test_atomic_ops),
		cmocka_unit_test(test_atomic_cmpxchg_xchg),
		cmocka_unit_test(test_atomic_fetch_add_unless),
		cmocka_unit_test(test_acquire_release),
		cmocka_unit_test(test_barriers),
		cmocka_unit_test(test_atomic_bitops_lose_nothing),
		cmocka_unit_test(test_test_and_ops_lose_nothing),
		cmocka_unit_test(test_bit_lock_excludes),
		cmocka_unit_test(test_atomic_counter_loses_nothing),
		cmocka_unit_test(test_dec_and_test_hits_zero_once),
	};

	set_iterations();
	print_message("%s/%s: %ld iterations per thread\n", FB_ARCH_NAME,
		      FB_ARCH_ATOMICS, iters);
	return cmocka_run_group_tests_name("arch primitives", tests, NULL,
					   NULL);
}
