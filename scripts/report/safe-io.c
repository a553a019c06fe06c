// SPDX-License-Identifier: GPL-2.0
/*
 * Every file flagbench-report reads or writes goes through here.  A bundle
 * is untrusted files, not just untrusted JSON: it travels between machines
 * and the fleet extracts whatever a host sends, so a name in it may be a
 * link to the controller's files, a FIFO, a device or a hard link.
 *
 * - A bundle is a tree of regular files and directories only:
 *   sio_tree_check() walks it with lstat before anything is read and
 *   refuses links, FIFOs, devices, sockets and files with more than one
 *   name (a hard link is a file outside the bundle too).
 * - Reads open every component relative to a directory fd with O_NOFOLLOW,
 *   the file itself with O_NONBLOCK (a FIFO never blocks), check that
 *   fstat says a regular file, and stop at a cap chosen per kind of file.
 * - Writes go to a fresh temporary name, O_CREAT | O_EXCL | O_NOFOLLOW, in
 *   a directory opened with O_DIRECTORY | O_NOFOLLOW (missing ones made
 *   with mkdirat, an existing link never accepted), then renameat() into
 *   place: never through a link, never half a file, and two reports of one
 *   bundle at once each rename whole files of their own.
 *
 * The only path followed as given is the one the user typed (the bundle
 * or --out directory, --css, --json FILE): its components may be links the
 * user made; everything below it is the bundle's and is not followed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "report.h"

/* A real bundle holds a few hundred files, three levels deep. */
#define SIO_MAX_ENTRIES 50000
#define SIO_MAX_DEPTH 16

int sio_dir_open(struct sio_dir *d, const char *path, bool create)
{
	d->fd = -1;
	if (snprintf(d->path, sizeof(d->path), "%s", path) >=
	    (int)sizeof(d->path)) {
		fb_err("path too long: %.80s...", path);
		return -1;
	}
	if (create && mkdir_p(path)) {
		fb_err("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	d->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		fb_err("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* One component: a name, never "", ".", ".." or with a '/'. */
static bool plain_name(const char *s, size_t n)
{
	return n && n < 256 && !(n == 1 && s[0] == '.') &&
	       !(n == 2 && s[0] == '.' && s[1] == '.') && !memchr(s, '/', n);
}

/* O_NOFOLLOW | O_DIRECTORY on a link says ENOTDIR: say ELOOP, a link. */
static void link_errno(int dirfd, const char *name)
{
	int err = errno;
	struct stat st;

	errno = err == ENOTDIR && !fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
		S_ISLNK(st.st_mode) ? ELOOP : err;
}

/*
 * Open @rel below @dirfd one component at a time, each O_NOFOLLOW, making
 * missing ones when @create: -1 with errno (ELOOP: a link) on failure.
 */
static int open_below(int dirfd, const char *rel, bool create)
{
	int fd = dup(dirfd), next;
	const char *p = rel;
	char name[256];

	if (fd < 0)
		return -1;
	while (*p) {
		size_t n = strcspn(p, "/");
		int err;

		/* "a//b" and "./a" stay where they are: nothing to open. */
		if (!n || (n == 1 && *p == '.')) {
			p += n + (p[n] == '/');
			continue;
		}
		if (!plain_name(p, n)) {
			close(fd);
			errno = EINVAL;
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		if (create && mkdirat(fd, name, 0777) && errno != EEXIST) {
			close(fd);
			return -1;
		}
		next = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				       O_CLOEXEC);
		if (next < 0)
			link_errno(fd, name);
		err = errno;
		close(fd);
		if (next < 0) {
			errno = err;
			return -1;
		}
		fd = next;
		p += n;
		p += *p == '/';
	}
	return fd;
}

static const char *why(int err)
{
	if (err == ELOOP)
		return "a symbolic link (a bundle holds regular files and directories only)";
	if (err == EINVAL)
		return "not a plain relative path";
	return strerror(err);
}

int sio_dir_sub(struct sio_dir *d, const struct sio_dir *parent,
		const char *rel, bool create)
{
	d->fd = -1;
	if (snprintf(d->path, sizeof(d->path), "%s/%s", parent->path, rel) >=
	    (int)sizeof(d->path)) {
		fb_err("path too long: %.80s...", d->path);
		return -1;
	}
	d->fd = open_below(parent->fd, rel, create);
	if (d->fd < 0) {
		fb_err("cannot %s %s: %s", create ? "create" : "open", d->path,
		       why(errno));
		return -1;
	}
	return 0;
}

void sio_dir_close(struct sio_dir *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

static const char *kind_of(mode_t m)
{
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISDIR(m))
		return "a directory";
	return "not a regular file";
}

/* Read all of @fd, at most @cap bytes, NUL-terminated; NULL with @err. */
static char *read_capped(int fd, size_t cap, size_t *len, char *err,
			 size_t errlen)
{
	struct stat st;
	size_t n = 0, size;
	char *buf;
	ssize_t r;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s", kind_of(st.st_mode));
		return NULL;
	}
	if ((unsigned long long)st.st_size > cap) {
		seterr(err, errlen, "larger than %zu MiB, the reader's cap for this file",
		       cap >> 20);
		return NULL;
	}
	size = (size_t)st.st_size;
	buf = malloc(size + 2);
	if (!buf)
		abort();
	/* One byte more than fstat said: a file that grew is refused too. */
	while (n < size + 1 && (r = read(fd, buf + n, size + 1 - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			seterr(err, errlen, "%s", strerror(errno));
			free(buf);
			return NULL;
		}
		n += r;
	}
	if (n > size) {
		seterr(err, errlen, "changed while read");
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* The file: a regular one by lstat before it is opened (no device's open). */
static int open_file_at(int dirfd, const char *name, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		seterr(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s", kind_of(st.st_mode));
		return -1;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				 O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		seterr(err, errlen, "%s", why(errno));
	return fd;
}

char *sio_read_at(int dirfd, const char *rel, size_t cap, size_t *len,
		  char *err, size_t errlen)
{
	const char *slash = strrchr(rel, '/');
	char dir[4096], *buf;
	int dfd = dirfd, fd;

	if (slash) {
		if ((size_t)(slash - rel) >= sizeof(dir)) {
			seterr(err, errlen, "path too long");
			return NULL;
		}
		memcpy(dir, rel, slash - rel);
		dir[slash - rel] = 0;
		dfd = open_below(dirfd, dir, false);
		if (dfd < 0) {
			seterr(err, errlen, "%s", why(errno));
			return NULL;
		}
	}
	if (!plain_name(slash ? slash + 1 : rel, strlen(slash ? slash + 1 : rel))) {
		seterr(err, errlen, "%s", why(EINVAL));
		fd = -1;
	} else {
		fd = open_file_at(dfd, slash ? slash + 1 : rel, err, errlen);
	}
	if (dfd != dirfd)
		close(dfd);
	if (fd < 0)
		return NULL;
	buf = read_capped(fd, cap, len, err, errlen);
	close(fd);
	return buf;
}

char *sio_read_path(const char *path, size_t cap, size_t *len, char *err,
		    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
			    O_CLOEXEC);
	char *buf;

	if (fd < 0) {
		seterr(err, errlen, "%s", why(errno));
		return NULL;
	}
	buf = read_capped(fd, cap, len, err, errlen);
	close(fd);
	return buf;
}

/*
 * jansson's message quotes the text near the error: a file's first word
 * would land in bundle.json and on the page (a link's target, a secret).
 * The error's kind and place only.
 */
json_t *sio_parse_json(const char *buf, size_t len, char *err, size_t errlen)
{
	static const char *const what[] = {
		[json_error_out_of_memory] = "out of memory",
		[json_error_stack_overflow] = "nested too deeply",
		[json_error_invalid_utf8] = "not UTF-8",
		[json_error_premature_end_of_input] = "truncated",
		[json_error_end_of_input_expected] = "text after the end",
		[json_error_invalid_syntax] = "invalid syntax",
		[json_error_null_character] = "a NUL character",
		[json_error_duplicate_key] = "a duplicate key",
		[json_error_numeric_overflow] = "a number out of range",
	};
	json_error_t je;
	json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	enum json_error_code code;

	if (j)
		return j;
	code = json_error_code(&je);
	seterr(err, errlen, "not valid JSON: %s (line %d, column %d)",
	       code < sizeof(what) / sizeof(*what) && what[code] ? what[code] :
	       "invalid", je.line, je.column);
	return NULL;
}

json_t *sio_load_json_path(const char *path, size_t cap, char *err,
			   size_t errlen)
{
	size_t len;
	char *text = sio_read_path(path, cap, &len, err, errlen);
	json_t *j = text ? sio_parse_json(text, len, err, errlen) : NULL;

	free(text);
	return j;
}

/* ------------------------------------------------------------ the walk */

struct walk {
	int entries;
	char path[4096];
	char *err;
	size_t len;
};

static int walk_dir(int fd, struct walk *w, size_t at, int depth);

static int walk_entry(int dfd, const char *name, struct walk *w, size_t at,
		      int depth)
{
	struct stat st;
	int sub;

	snprintf(w->path + at, sizeof(w->path) - at, "%s%s", at ? "/" : "",
		 name);
	if (++w->entries > SIO_MAX_ENTRIES)
		return seterr(w->err, w->len, "more than %d files", SIO_MAX_ENTRIES);
	/* Gone since readdir: another report's temporary, renamed. */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 :
		       seterr(w->err, w->len, "%s: %s", w->path, strerror(errno));
	if (S_ISREG(st.st_mode)) {
		if (st.st_nlink > 1)
			return seterr(w->err, w->len, "%s is a hard link (%lu names): a bundle holds regular files and directories only",
				      w->path, (unsigned long)st.st_nlink);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return seterr(w->err, w->len, "%s is %s: a bundle holds regular files and directories only",
			      w->path, kind_of(st.st_mode));
	if (depth >= SIO_MAX_DEPTH)
		return seterr(w->err, w->len, "%s: directories nested deeper than %d",
			      w->path, SIO_MAX_DEPTH);
	sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (sub < 0 && errno == ENOENT)
		return 0;
	if (sub < 0)
		return seterr(w->err, w->len, "%s: %s", w->path, why(errno));
	return walk_dir(sub, w, strlen(w->path), depth + 1);
}

/* Walks and closes @fd. */
static int walk_dir(int fd, struct walk *w, size_t at, int depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		close(fd);
		return seterr(w->err, w->len, "%s: %s", at ? w->path : ".",
			      strerror(errno));
	}
	while (!ret && (errno = 0, de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		ret = walk_entry(dirfd(d), de->d_name, w, at, depth);
	}
	if (!ret && errno)
		ret = seterr(w->err, w->len, "%s: %s", at ? w->path : ".",
			     strerror(errno));
	closedir(d);
	return ret;
}

int sio_tree_check(int dirfd, char *err, size_t errlen)
{
	struct walk w = { .err = err, .len = errlen };
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return seterr(err, errlen, "%s", strerror(errno));
	return walk_dir(fd, &w, 0, 0);
}

/* ----------------------------------------------------------- writing */

FILE *sio_create(struct sio_file *sf, const struct sio_dir *d,
		 const char *name)
{
	static unsigned int seq;
	int fd = -1, tries;

	sf->f = NULL;
	sf->d = d;
	if (!plain_name(name, strlen(name)) ||
	    snprintf(sf->name, sizeof(sf->name), "%s", name) >=
	    (int)sizeof(sf->name)) {
		fb_err("cannot write %s/%.80s: not a plain file name", d->path, name);
		return NULL;
	}
	/* Unique per process and call; O_EXCL: never an existing file. */
	for (tries = 0; tries < 100; tries++) {
		snprintf(sf->tmp, sizeof(sf->tmp), "%s.tmp.%d.%u", name,
			 (int)getpid(), seq++);
		fd = openat(d->fd, sf->tmp, O_WRONLY | O_CREAT | O_EXCL |
					    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		fb_err("cannot write %s/%s: %s", d->path, name, strerror(errno));
		return NULL;
	}
	sf->f = fdopen(fd, "w");
	if (!sf->f)
		abort();
	return sf->f;
}

void sio_discard(struct sio_file *sf)
{
	if (!sf->f)
		return;
	fclose(sf->f);
	sf->f = NULL;
	unlinkat(sf->d->fd, sf->tmp, 0);
}

int sio_commit(struct sio_file *sf)
{
	int bad = ferror(sf->f), err;

	errno = 0;
	bad |= fclose(sf->f);
	err = errno ? errno : EIO;
	sf->f = NULL;
	if (!bad && !renameat(sf->d->fd, sf->tmp, sf->d->fd, sf->name))
		return 0;
	if (!bad)
		err = errno;
	fb_err("cannot write %s/%s: %s", sf->d->path, sf->name, strerror(err));
	unlinkat(sf->d->fd, sf->tmp, 0);
	return -1;
}

static int sio_dump_json(json_t *json, const struct sio_dir *d,
			 const char *name, size_t flags)
{
	struct sio_file sf;

	if (!sio_create(&sf, d, name))
		return -1;
	if (json_dumpf(json, sf.f, flags | JSON_PRESERVE_ORDER)) {
		sio_discard(&sf);
		fb_err("cannot write %s/%s", d->path, name);
		return -1;
	}
	fputc('\n', sf.f);
	return sio_commit(&sf);
}

int sio_write_json(json_t *json, const struct sio_dir *d, const char *name)
{
	return sio_dump_json(json, d, name, JSON_INDENT(2));
}

/* A file the user named: its directory as given, the file never a link. */
int write_json_atomic(json_t *json, const char *path, bool compact)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct sio_dir d;
	int ret;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1,
		 slash ? (slash == path ? "/" : path) : ".");
	if (sio_dir_open(&d, dir, false))
		return -1;
	ret = sio_dump_json(json, &d, slash ? slash + 1 : path,
			    compact ? JSON_COMPACT : JSON_INDENT(2));
	sio_dir_close(&d);
	return ret;
}

int sio_move(const struct sio_dir *from, const char *name,
	     const struct sio_dir *to, const char *as)
{
	if (!renameat(from->fd, name, to->fd, as))
		return 0;
	fb_err("cannot move %s/%s to %s/%s: %s", from->path, name, to->path,
	       as, strerror(errno));
	return -1;
}

/* ------------------------------------------------- a private directory */

int sio_private_dir(struct sio_dir *d, const struct sio_dir *parent,
		    const char *prefix)
{
	static const char az[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char r[8];
	char name[64];

	for (int tries = 0; tries < 100; tries++) {
		int i, n = snprintf(name, sizeof(name), "%.40s", prefix);

		/* mkdtemp's XXXXXX, relative to a directory fd. */
		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			for (i = 0; i < 8; i++)
				r[i] = (unsigned char)(getpid() + tries * 7 + i * 31);
		for (i = 0; i < 8; i++)
			name[n + i] = az[r[i] % 36];
		name[n + i] = 0;
		if (!mkdirat(parent->fd, name, 0700))
			return sio_dir_sub(d, parent, name, false);
		if (errno != EEXIST)
			break;
	}
	d->fd = -1;
	fb_err("cannot create a private directory in %s: %s", parent->path,
	       strerror(errno));
	return -1;
}

/* Remove what we made in a private directory: files, and directories. */
static void remove_all(int fd, int depth)
{
	DIR *dir = fdopendir(fd);
	struct dirent *de;

	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		struct stat st;
		int sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISDIR(st.st_mode) && depth < SIO_MAX_DEPTH) {
			sub = openat(dirfd(dir), de->d_name, O_RDONLY |
				     O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				remove_all(sub, depth + 1);
			unlinkat(dirfd(dir), de->d_name, AT_REMOVEDIR);
		} else {
			unlinkat(dirfd(dir), de->d_name, 0);
		}
	}
	closedir(dir);
}

void sio_private_remove(struct sio_dir *d, const struct sio_dir *parent)
{
	const char *name = strrchr(d->path, '/');

	if (d->fd < 0)
		return;
	remove_all(d->fd, 0);
	d->fd = -1;
	if (name)
		unlinkat(parent->fd, name + 1, AT_REMOVEDIR);
}
