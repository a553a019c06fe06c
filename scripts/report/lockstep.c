// SPDX-License-Identifier: GPL-2.0
/*
 * `flagbench-report lockstep`: the turn-taker of a throughput round.
 *
 * Every build's process of the round (`throughput --lockstep SOCKET`)
 * connects, and before each run of a benchmark (each of Google Benchmark's
 * iteration runs) sends "W <key>\n" and waits for a 'G'.  One process runs
 * at a time, its bookkeeping included: its turn ends at its next request
 * or its exit.  The next turn goes to a process waiting for the benchmark
 * just run, the one that has run it least (ties at random), and only when
 * none waits for it to the benchmark most of them wait for.  So builds A's
 * and B's runs of one benchmark lie milliseconds apart, where one whole
 * process after another put them seconds apart: a machine's slow moves
 * (a contended line's level, held for hundreds of milliseconds on a
 * shared host) fall on both sides of a pair, and the paired ratio the gate
 * reads cancels them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "report.h"

#define LS_MAX_CLIENTS 256
#define LS_KEY_MAX 256

struct ls_client {
	int fd;			/* -1: gone */
	bool waiting;		/* has asked, not yet granted */
	char key[LS_KEY_MAX];	/* what it asked for */
	char buf[LS_KEY_MAX + 4];
	size_t len;
	unsigned long served;	/* turns at the current benchmark */
};

struct lockstep {
	struct ls_client c[LS_MAX_CLIENTS];
	int nr;			/* connected so far */
	int expect;
	int listen_fd;
	int holder;		/* index with the turn, -1: none */
	char cur[LS_KEY_MAX];	/* the benchmark of the last turn */
	unsigned long turns, switches;
	uint64_t rng;
};

/* xorshift64*: ties broken at random, so that no build always goes first. */
static unsigned int ls_rand(struct lockstep *ls, unsigned int n)
{
	ls->rng ^= ls->rng >> 12;
	ls->rng ^= ls->rng << 25;
	ls->rng ^= ls->rng >> 27;
	return (unsigned int)((ls->rng * 2685821657736338717ULL) >> 33) % n;
}

static void ls_drop(struct lockstep *ls, int i)
{
	if (ls->c[i].fd >= 0)
		close(ls->c[i].fd);
	ls->c[i].fd = -1;
	ls->c[i].waiting = false;
	if (ls->holder == i)
		ls->holder = -1;
}

/* One line from client @i: "W key".  -1: malformed, the client goes. */
static int ls_line(struct lockstep *ls, int i, char *line)
{
	struct ls_client *c = &ls->c[i];

	if (line[0] != 'W' || line[1] != ' ' || !line[2] ||
	    strlen(line + 2) >= LS_KEY_MAX) {
		fb_err("lockstep: a process sent a malformed request; it goes");
		return -1;
	}
	strcpy(c->key, line + 2);
	c->waiting = true;
	if (ls->holder == i)
		ls->holder = -1;
	return 0;
}

static void ls_read(struct lockstep *ls, int i)
{
	struct ls_client *c = &ls->c[i];
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl;

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		ls_drop(ls, i);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len))) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (ls_line(ls, i, c->buf)) {
			ls_drop(ls, i);
			return;
		}
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len >= sizeof(c->buf) - 1) {
		fb_err("lockstep: a process sent a request too long; it goes");
		ls_drop(ls, i);
	}
}

/* The waiting client to run next, or -1. */
static int ls_pick(struct lockstep *ls)
{
	int i, j, best = -1, ties = 0, most = 0;

	for (i = 0; i < ls->nr; i++) {
		struct ls_client *c = &ls->c[i];

		if (c->fd < 0 || !c->waiting || strcmp(c->key, ls->cur))
			continue;
		if (best < 0 || c->served < ls->c[best].served) {
			best = i;
			ties = 1;
		} else if (c->served == ls->c[best].served && !ls_rand(ls, ++ties)) {
			best = i;
		}
	}
	if (best >= 0)
		return best;
	/* Nobody waits for the last one: the benchmark most of them wait for. */
	for (i = 0; i < ls->nr; i++) {
		int count = 0;

		if (ls->c[i].fd < 0 || !ls->c[i].waiting)
			continue;
		for (j = 0; j < ls->nr; j++)
			count += ls->c[j].fd >= 0 && ls->c[j].waiting &&
				 !strcmp(ls->c[j].key, ls->c[i].key);
		if (count > most) {
			best = i;
			most = count;
			ties = 1;
		} else if (count == most && strcmp(ls->c[i].key, ls->c[best].key) &&
			   !ls_rand(ls, ++ties)) {
			best = i;
		}
	}
	if (best < 0)
		return -1;
	strcpy(ls->cur, ls->c[best].key);
	ls->switches++;
	for (i = 0; i < ls->nr; i++)
		ls->c[i].served = 0;
	return ls_pick(ls);
}

static void ls_grant(struct lockstep *ls, int i)
{
	struct ls_client *c = &ls->c[i];

	c->waiting = false;
	c->served++;
	ls->turns++;
	ls->holder = i;
	if (send(c->fd, "G", 1, MSG_NOSIGNAL) != 1)
		ls_drop(ls, i);
}

static int ls_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fb_err("lockstep: socket path too long (%zu bytes, at most %zu): %s",
		       strlen(path), sizeof(sa.sun_path) - 1, path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, LS_MAX_CLIENTS)) {
		fb_err("lockstep: cannot listen on %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int ls_alive(const struct lockstep *ls, int *waiting)
{
	int i, alive = 0;

	*waiting = 0;
	for (i = 0; i < ls->nr; i++) {
		alive += ls->c[i].fd >= 0;
		*waiting += ls->c[i].fd >= 0 && ls->c[i].waiting;
	}
	return alive;
}

static int ls_serve(struct lockstep *ls, double start_timeout)
{
	struct pollfd pfd[LS_MAX_CLIENTS + 1];
	int idx[LS_MAX_CLIENTS + 1];
	double t0 = mono_s();
	bool started = false;

	for (;;) {
		int n = 0, i, alive, waiting, r;
		bool all_in = ls->listen_fd < 0;
		double left = start_timeout - (mono_s() - t0);

		alive = ls_alive(ls, &waiting);
		/* Turns begin once every process is in, or the wait ran out. */
		if (!started && ((all_in && waiting == alive) || left <= 0)) {
			started = true;
			if (ls->listen_fd >= 0) {
				close(ls->listen_fd);
				ls->listen_fd = -1;
			}
			if (ls->nr && ls->nr < ls->expect)
				fb_err("lockstep: %d of %d processes connected in %g s; "
				       "going on with them", ls->nr, ls->expect,
				       start_timeout);
		}
		if (started && !alive)
			return ls->nr ? EXIT_PASS : EXIT_ERROR;
		if (started && ls->holder < 0 && waiting == alive) {
			i = ls_pick(ls);
			if (i >= 0)
				ls_grant(ls, i);
			continue;
		}
		if (ls->listen_fd >= 0) {
			pfd[n] = (struct pollfd){ .fd = ls->listen_fd, .events = POLLIN };
			idx[n++] = -1;
		}
		for (i = 0; i < ls->nr; i++) {
			if (ls->c[i].fd < 0)
				continue;
			pfd[n] = (struct pollfd){ .fd = ls->c[i].fd, .events = POLLIN };
			idx[n++] = i;
		}
		r = poll(pfd, (nfds_t)n, started ? -1 : (int)(left * 1000) + 1);
		if (r < 0 && errno != EINTR) {
			fb_err("lockstep: poll: %s", strerror(errno));
			return EXIT_ERROR;
		}
		for (i = 0; r > 0 && i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (idx[i] >= 0) {
				ls_read(ls, idx[i]);
				continue;
			}
			int fd = accept4(ls->listen_fd, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0)
				continue;
			ls->c[ls->nr] = (struct ls_client){ .fd = fd };
			if (++ls->nr == ls->expect) {
				close(ls->listen_fd);
				ls->listen_fd = -1;
			}
		}
	}
}

static void lockstep_usage(FILE *f)
{
	fputs("usage: flagbench-report lockstep --socket PATH --clients N\n"
	      "                                 [--start-timeout S]\n"
	      "  Take turns among the N throughput processes of one round\n"
	      "  (`flagbench-V throughput --lockstep PATH`): one runs at a time,\n"
	      "  and the same benchmark goes round all of them before the next.\n"
	      "  Turns begin when all N are connected and waiting, or after S\n"
	      "  seconds (30) with those that are; it exits when all are gone.\n"
	      "  Prints the turns taken on standard output.\n", f);
}

int cmd_lockstep(int argc, char **argv)
{
	static struct lockstep ls;
	const char *path = NULL;
	double start_timeout = 30;
	char *end;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			lockstep_usage(stdout);
			return EXIT_PASS;
		}
		if (i + 1 >= argc) {
			fb_err("lockstep: unknown option or missing value: '%s' (try --help)", o);
			return EXIT_ERROR;
		}
		if (!strcmp(o, "--socket")) {
			path = argv[++i];
		} else if (!strcmp(o, "--clients")) {
			long v = strtol(argv[++i], &end, 10);

			if (*end || end == argv[i] || v < 1 || v > LS_MAX_CLIENTS) {
				fb_err("lockstep: --clients needs a whole number in [1, %d]",
				       LS_MAX_CLIENTS);
				return EXIT_ERROR;
			}
			ls.expect = (int)v;
		} else if (!strcmp(o, "--start-timeout")) {
			start_timeout = strtod(argv[++i], &end);
			if (*end || end == argv[i] || !(start_timeout > 0 && start_timeout <= 3600)) {
				fb_err("lockstep: --start-timeout needs seconds in (0, 3600]");
				return EXIT_ERROR;
			}
		} else {
			fb_err("lockstep: unknown option '%s' (try --help)", o);
			return EXIT_ERROR;
		}
	}
	if (!path || !ls.expect) {
		fb_err("lockstep: --socket and --clients are needed (try --help)");
		return EXIT_ERROR;
	}
	ls.listen_fd = ls_listen(path);
	if (ls.listen_fd < 0)
		return EXIT_ERROR;
	ls.holder = -1;
	ls.rng = ((uint64_t)(mono_s() * 1e6) ^ ((uint64_t)getpid() << 40)) | 1;
	ret = ls_serve(&ls, start_timeout);
	if (ls.listen_fd >= 0)
		close(ls.listen_fd);
	unlink(path);
	if (ret == EXIT_ERROR && !ls.nr)
		fb_err("lockstep: no process connected in %g s", start_timeout);
	printf("lockstep: %d processes, %lu turns, %lu benchmark switches\n",
	       ls.nr, ls.turns, ls.switches);
	return ret;
}
