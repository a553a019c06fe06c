// SPDX-License-Identifier: GPL-2.0
/*
 * Cache-line ping-pong between two pinned CPUs (pingpong.h).  The main
 * thread starts both players; the first writes odd numbers and waits for
 * the next even one, the second the reverse, on one 64-byte line: each
 * step is one transfer of the line, from the other CPU's cache.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cycles.h"
#include "pingpong.h"

/* A partner that never answers (preempted for good): give up then. */
#define PINGPONG_GIVE_UP_NS 10000000000ull

struct pingpong {
	uint64_t ball __attribute__((aligned(64)));
	uint64_t stamp;		/* side 1's counter when it saw the ball */
	int cpu[2];
	int failed;
	double ns[FB_PINGPONG_SAMPLES];
};

struct player {
	struct pingpong *pp;
	int side;
};

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Wait until the ball is @want; false when the partner is gone. */
static bool wait_for(struct pingpong *pp, uint64_t want, uint64_t give_up)
{
	unsigned int n = 0;

	while (__atomic_load_n(&pp->ball, __ATOMIC_ACQUIRE) != want) {
		if (__atomic_load_n(&pp->failed, __ATOMIC_RELAXED))
			return false;
		if (!(++n & 0xffff) && fb_cycles() > give_up) {
			__atomic_store_n(&pp->failed, 1, __ATOMIC_RELAXED);
			return false;
		}
	}
	return true;
}

static void *play(void *arg)
{
	struct player *p = arg;
	struct pingpong *pp = p->pp;
	uint64_t give_up, t0, ball = (uint64_t)p->side;
	int s, i;

	if (pin(pp->cpu[p->side])) {
		__atomic_store_n(&pp->failed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	give_up = fb_cycles() +
		  (uint64_t)(PINGPONG_GIVE_UP_NS * fb_cycles_per_ns());
	for (s = 0; s < FB_PINGPONG_SAMPLES; s++) {
		t0 = fb_cycles();
		for (i = 0; i < FB_PINGPONG_TRIPS; i++) {
			/* Side 0 serves odd balls, side 1 returns even ones. */
			if (!wait_for(pp, ball, give_up))
				return NULL;
			__atomic_store_n(&pp->ball, ++ball, __ATOMIC_RELEASE);
			ball++;
		}
		if (p->side == 0)
			pp->ns[s] = fb_cycles_to_ns((int64_t)(fb_cycles() - t0)) /
				    (2.0 * FB_PINGPONG_TRIPS);
	}
	return NULL;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* A table for two, @a's side 0 and @b's side 1; NULL if out of memory. */
static struct pingpong *pingpong_new(int a, int b)
{
	struct pingpong *pp = aligned_alloc(64, sizeof(*pp));

	if (!pp)
		return NULL;
	memset(pp, 0, sizeof(*pp));
	pp->cpu[0] = a;
	pp->cpu[1] = b;
	return pp;
}

/*
 * A table for @a's side 0 and @b's side 1, and @fn on a thread per side:
 * side i is given the player at @sides + i * @size, its pp and side set
 * here.  Returns the table once both sides are done, or NULL (nothing to
 * free) if it could not be had, a side did not start or one failed.
 */
static struct pingpong *play_both(int a, int b, void *(*fn)(void *),
				  char *sides, size_t size)
{
	struct pingpong *pp = pingpong_new(a, b);
	pthread_t tid[2];
	int i, started = 0;

	if (!pp)
		return NULL;
	for (i = 0; i < 2; i++) {
		struct player *p = (struct player *)(sides + i * size);

		*p = (struct player){ .pp = pp, .side = i };
		if (pthread_create(&tid[i], NULL, fn, p)) {
			__atomic_store_n(&pp->failed, 1, __ATOMIC_RELAXED);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	if (started == 2 && !pp->failed)
		return pp;
	free(pp);
	return NULL;
}

double fb_pingpong_ns(int a, int b)
{
	struct player pl[2];
	struct pingpong *pp = play_both(a, b, play, (char *)pl, sizeof(pl[0]));
	double ns;

	if (!pp)
		return NAN;
	qsort(pp->ns, FB_PINGPONG_SAMPLES, sizeof(pp->ns[0]), cmp_double);
	ns = pp->ns[FB_PINGPONG_SAMPLES / 2];
	free(pp);
	return ns;
}

/* Turns each side plays for the skew: the tightest bound of these is kept. */
#define SKEW_TURNS 20000

struct skew {
	struct player p;	/* first: play_both() sets it */
	int64_t least;	/* the least of this side's stamp minus the other's */
};

/*
 * The sides take turns: each, when the ball comes, reads its counter
 * (fenced), notes it minus the stamp the other left just before it
 * passed the ball, leaves its own and passes the ball.  The other's stamp
 * came before the pass and ours after it, so each difference is the
 * offset between the counters (ours minus theirs) plus a one-way
 * transfer: the least one bounds the offset from above.
 */
static void *skew_play(void *arg)
{
	struct skew *sk = arg;
	struct pingpong *pp = sk->p.pp;
	uint64_t give_up, t;

	sk->least = INT64_MAX;
	if (pin(pp->cpu[sk->p.side])) {
		__atomic_store_n(&pp->failed, 1, __ATOMIC_RELAXED);
		return NULL;
	}
	give_up = fb_cycles_fenced() +
		  (uint64_t)(PINGPONG_GIVE_UP_NS * fb_cycles_per_ns());
	for (uint64_t i = 0; i < SKEW_TURNS; i++) {
		uint64_t ball = 2 * i + (uint64_t)sk->p.side;

		if (!wait_for(pp, ball, give_up))
			return NULL;
		t = fb_cycles_fenced();
		if (ball) {
			int64_t d = (int64_t)(t - __atomic_load_n(&pp->stamp,
							    __ATOMIC_RELAXED));

			if (d < sk->least)
				sk->least = d;
		}
		__atomic_store_n(&pp->stamp, t, __ATOMIC_RELAXED);
		__atomic_store_n(&pp->ball, ball + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

double fb_clock_skew_ns(int a, int b, double *uncertainty)
{
	struct skew sk[2];
	struct pingpong *pp;

	*uncertainty = NAN;
	pp = play_both(a, b, skew_play, (char *)sk, sizeof(sk[0]));
	if (!pp)
		return NAN;
	free(pp);
	if (sk[0].least == INT64_MAX || sk[1].least == INT64_MAX)
		return NAN;
	/* offset (b minus a) <= sk[1].least, and -offset <= sk[0].least */
	*uncertainty = fb_cycles_to_ns(sk[1].least + sk[0].least) / 2;
	return fb_cycles_to_ns(sk[1].least - sk[0].least) / 2;
}

double fb_cycles_resolution_ns(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 10000; i++) {
		uint64_t a = fb_cycles_fenced(), b = fb_cycles_fenced();

		if (b > a && b - a < best)
			best = b - a;
	}
	return best == UINT64_MAX ? NAN : fb_cycles_to_ns((int64_t)best);
}
