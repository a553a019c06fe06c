// SPDX-License-Identifier: GPL-2.0
/*
 * Running gnuplot.  Bundles travel between machines, so a bundle's
 * charts directory is untrusted: gnuplot never runs in it.  It runs in a
 * private directory made here (charts/.gnuplot-XXXXXXXX, mode 0700), on
 * data files written there; what it draws is renamed into charts/ and
 * charts/data/ afterwards (safe-io.c), so `set output` never meets a link
 * and two reports of one bundle never write into each other's files.
 *
 * gnuplot is fed data, never code: its command line is the script and
 * -e "name='NAME'; NUMS", NAME a plain file name checked here and NUMS
 * numbers we print; titles and labels travel in the data files, read with
 * strcol()/columnheader(), which never evaluate.
 *
 * Each run is bounded (--gnuplot-timeout): a gnuplot that hangs is killed
 * with its process group, and the report goes on without charts, as it
 * does when gnuplot is not installed; the page says which.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "report.h"

#define GNUPLOT_LOG "gnuplot.log"

const char *charts_note(const struct chart_opts *o)
{
	if (o->no_plot)
		return "not drawn (--no-plot): the data files are in charts/data/";
	if (o->gnuplot == GP_MISSING)
		return "not drawn: gnuplot is not installed (scripts/install-deps --report)";
	if (o->gnuplot == GP_HUNG)
		return "not all drawn: gnuplot did not finish within --gnuplot-timeout and was stopped";
	return NULL;
}

/* [A-Za-z0-9._-], not starting with '.' or '-': a file name, never code. */
static bool safe_name(const char *s)
{
	if (!*s || *s == '.' || *s == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return false;
	return true;
}

/* Whether an executable gnuplot is on PATH, as execvp() will look. */
static bool gnuplot_on_path(void)
{
	const char *path = getenv("PATH");
	char dir[PATH_MAX], file[PATH_MAX + 16];
	struct stat st;

	if (!path)
		path = "/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(dir, sizeof(dir), "%.*s", (int)n, n ? path : ".");
		snprintf(file, sizeof(file), "%s/gnuplot", dir);
		if (!stat(file, &st) && S_ISREG(st.st_mode) &&
		    !access(file, X_OK))
			return true;
		path += n;
		path += *path == ':';
	}
	return false;
}

int plot_begin(struct chart_ctx *c, const struct sio_dir *out,
	       struct chart_opts *o, json_t *made)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->made = made;
	c->charts.fd = c->data.fd = c->priv.fd = c->priv_data.fd = -1;
	/* Made now: a link in their place is refused before any work. */
	if (sio_dir_sub(&c->charts, out, "charts", true) ||
	    sio_dir_sub(&c->data, &c->charts, "data", true) ||
	    sio_private_dir(&c->priv, &c->charts, ".gnuplot-") ||
	    sio_dir_sub(&c->priv_data, &c->priv, "data", true)) {
		plot_end(c);
		return -1;
	}
	return 0;
}

FILE *plot_data(struct chart_ctx *c, struct sio_file *sf, const char *name)
{
	return sio_create(sf, &c->priv_data, name);
}

FILE *plot_file(struct chart_ctx *c, struct sio_file *sf, const char *name,
		const char *ext)
{
	char file[600];

	snprintf(file, sizeof(file), "%s.%s", name, ext);
	return plot_data(c, sf, file);
}

/* The child: in the private directory, its messages in gnuplot.log. */
static void run_child(struct chart_ctx *c, char **argv)
{
	int fd, saved;

	setpgid(0, 0);
	if (fchdir(c->priv.fd))
		_exit(126);
	saved = fcntl(2, F_DUPFD_CLOEXEC, 3);
	fd = openat(c->priv.fd, GNUPLOT_LOG, O_WRONLY | O_CREAT | O_APPEND |
			O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	execvp("gnuplot", argv);
	if (saved >= 0)
		dup2(saved, 2);
	_exit(127);
}

/* Wait for @pid at most @limit seconds; false: it was killed. */
static bool wait_bounded(pid_t pid, double limit, int *st)
{
	double end = mono_s() + limit;
	long ns = 1000000;

	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);

		if (r == pid || (r < 0 && errno != EINTR))
			return true;
		if (mono_s() >= end)
			break;
		nanosleep(&(struct timespec){ 0, ns }, NULL);
		if (ns < 50000000)
			ns *= 2;
	}
	/* Its process group: a script's children go with it. */
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, st, 0);
	return false;
}

/*
 * Each regular file of @d but the log, to @fn(@d, name, @arg): what
 * gnuplot drew, what is to be published.  Nonzero from @fn is kept.
 */
static int each_file(const struct sio_dir *d,
		     int (*fn)(const struct sio_dir *, const char *, void *),
		     void *arg)
{
	int fd = openat(d->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	struct stat st;
	int ret = 0;

	if (!dir) {
		if (fd >= 0)
			close(fd);
		fb_err("cannot read %s: %s", d->path, strerror(errno));
		return -1;
	}
	while ((de = readdir(dir)))
		if (strcmp(de->d_name, GNUPLOT_LOG) &&
		    !fstatat(d->fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) &&
		    S_ISREG(st.st_mode) && fn(d, de->d_name, arg))
			ret = -1;
	closedir(dir);
	return ret;
}

/* What a gnuplot that failed or was killed may have half drawn. */
static void drop_drawings(struct chart_ctx *c, const char *name)
{
	static const char *const ext[] = { "png", "svg" };
	char file[300];

	for (int i = 0; i < 2; i++) {
		snprintf(file, sizeof(file), "%s.%s", name, ext[i]);
		unlinkat(c->priv.fd, file, 0);
	}
}

/* No gnuplot: said once; the report goes on without charts. */
static int gnuplot_missing(struct chart_ctx *c)
{
	c->o->gnuplot = GP_MISSING;
	fb_err("gnuplot not found: the page and summary are written without charts (scripts/install-deps --report)");
	return 1;
}

static int gnuplot_start(struct chart_ctx *c, char **argv, pid_t *pid)
{
	if (c->o->gnuplot == GP_UNTRIED && !gnuplot_on_path())
		return gnuplot_missing(c);
	c->o->gnuplot = GP_OK;
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		fb_err("cannot run gnuplot: %s", strerror(errno));
		return -1;
	}
	if (!*pid)
		run_child(c, argv);
	setpgid(*pid, *pid);
	return 0;
}

int plot_run(struct chart_ctx *c, const char *script, const char *name,
	     const char *nums)
{
	char vars[512], gp[PATH_MAX + 64], real[PATH_MAX];
	char *argv[] = { "gnuplot", "-e", vars, gp, NULL };
	pid_t pid;
	int st = 0, ret;

	if (c->o->no_plot || c->o->gnuplot == GP_MISSING ||
	    c->o->gnuplot == GP_HUNG)
		return 1;
	if (!safe_name(name)) {
		fb_err("chart name '%s' is not a plain file name", name);
		return -1;
	}
	if (!realpath(c->o->gnuplot_dir, real)) {
		fb_err("gnuplot scripts %s: %s", c->o->gnuplot_dir, strerror(errno));
		return -1;
	}
	snprintf(gp, sizeof(gp), "%s/%s", real, script);
	snprintf(vars, sizeof(vars), "name='%s'; %s", name, nums);
	ret = gnuplot_start(c, argv, &pid);
	if (ret)
		return ret;
	if (!wait_bounded(pid, c->o->timeout, &st)) {
		fb_err("gnuplot ran longer than %gs on chart %s and was stopped: the rest is written without charts",
		       c->o->timeout, name);
		c->o->gnuplot = GP_HUNG;
		drop_drawings(c, name);
		return 1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
		drop_drawings(c, name);
		return gnuplot_missing(c);
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fb_err("gnuplot %s failed on chart %s (see %s/data/%s)", script,
		       name, c->charts.path, GNUPLOT_LOG);
		drop_drawings(c, name);
		return -1;
	}
	return 0;
}

static int move(const struct sio_dir *from, const char *name, void *to)
{
	return sio_move(from, name, to, name);
}

static int plot_publish(struct chart_ctx *c)
{
	if (each_file(&c->priv_data, move, &c->data) ||
	    each_file(&c->priv, move, &c->charts))
		return -1;
	return 0;
}

int plot_end(struct chart_ctx *c)
{
	int ret = 0;
	struct stat st;

	if (c->priv_data.fd >= 0 && c->data.fd >= 0 && c->charts.fd >= 0)
		ret = plot_publish(c);
	if (c->priv.fd >= 0 && c->data.fd >= 0 &&
	    !fstatat(c->priv.fd, GNUPLOT_LOG, &st, AT_SYMLINK_NOFOLLOW))
		sio_move(&c->priv, GNUPLOT_LOG, &c->data, GNUPLOT_LOG);
	sio_dir_close(&c->priv_data);
	sio_private_remove(&c->priv, &c->charts);
	sio_dir_close(&c->data);
	sio_dir_close(&c->charts);
	return ret;
}

void plot_made(struct chart_ctx *c, const char *name, const char *title,
	       const char *group)
{
	char png[600], svg[600];

	snprintf(png, sizeof(png), "charts/%s.png", name);
	snprintf(svg, sizeof(svg), "charts/%s.svg", name);
	json_array_append_new(c->made, json_pack("{s:s, s:s, s:s, s:s, s:s}",
		"name", name, "title", title, "group", group, "png", png,
		"svg", svg));
}
