// SPDX-License-Identifier: GPL-2.0
/*
 * A described machine (FB_TOPOLOGY=FILE.xml|synthetic:DESC, FB_CPUSET=LIST)
 * is checked before hwloc builds it, because hwloc builds whatever it is
 * told: a billion synthetic PUs, a bitmap of 2^31 bits for a CPU list, an
 * XML "file" that is /dev/zero or a FIFO read for ever, elements nested so
 * deep that its recursive parser overflows the stack.  So the synthetic
 * string's arities are multiplied first, the XML is read here (a regular
 * file, size-capped, without blocking) and scanned for its depth and its
 * PU count, and hwloc parses our copy, never the path again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "topology-source.h"
#include "topology.h"

/* Past an opening '(' or '[' at @p: after its closing @close, or NULL. */
static const char *past(const char *p, char close)
{
	const char *e = strchr(p, close);

	return e ? e + 1 : NULL;
}

/* @pus times @n, saturated at FB_MAX_CPUS + 1. */
static unsigned long long times(unsigned long long pus, unsigned long long n)
{
	if (n > FB_MAX_CPUS || pus * n > FB_MAX_CPUS)
		return FB_MAX_CPUS + 1;
	return pus * n;
}

/*
 * As hwloc's synthetic parser walks it: an optional "(attributes)" for
 * the machine, then levels "[type:]N[(attributes)]", where N is read by
 * strtoul in base 0 (so "0x10" is 16), and "[memory]" attached to the
 * level before multiplies nothing.
 */
long fb_synthetic_pus(const char *desc)
{
	unsigned long long pus = 1, n;
	const char *p = desc;
	int levels = 0;
	char *end;

	if (*p == '(' && !(p = past(p, ')')))
		return -1;
	for (;;) {
		p += strspn(p, " ");
		if (!*p)
			break;
		if (*p == '[') {
			if (!(p = past(p, ']')))
				return -1;
			continue;
		}
		if (*p < '0' || *p > '9') {
			p = strchr(p, ':');
			if (!p)
				return -1;
			p++;
		}
		errno = 0;
		n = strtoull(p, &end, 0);
		if (end == p || !n)
			return -1;
		pus = times(pus, errno == ERANGE ? FB_MAX_CPUS + 1 : n);
		levels++;
		p = end;
		if (*p == '(' && !(p = past(p, ')')))
			return -1;
	}
	return levels ? (long)pus : -1;
}

/* type="PU" as hwloc reads an object's type: "pu" or "proc", any case. */
static bool is_pu_object(const char *tag, const char *end)
{
	static const char attr[] = " type=\"";
	const char *v;

	if (strncmp(tag, "object ", 7))
		return false;
	v = memmem(tag, end - tag, attr, sizeof(attr) - 1);
	if (!v)
		return false;
	v += sizeof(attr) - 1;
	return !strncasecmp(v, "pu", 2) || !strncasecmp(v, "proc", 4);
}

/*
 * As hwloc's own XML parser (the one built without libxml2) reads it: a
 * tag runs from '<' to the next '>', "</" closes, "/>" closes at once,
 * "<?" and "<!" are headers.  A NUL ends the text for both.
 */
void fb_xml_shape(const char *xml, struct fb_xml_shape *s)
{
	const char *p = xml, *end;
	int depth = 0;

	s->depth = 0;
	s->pus = 0;
	while ((p = strchr(p, '<')) && (end = strchr(++p, '>'))) {
		if (*p == '/') {
			depth--;
		} else if (*p != '?' && *p != '!') {
			if (++depth > s->depth)
				s->depth = depth;
			s->pus += is_pu_object(p, end);
			if (end[-1] == '/')
				depth--;
		}
		p = end + 1;
	}
}

/*
 * FB_TOPOLOGY=FILE.xml must be a regular file: a FIFO or a device is
 * refused before it is opened, and the open never waits.  An fd or -1.
 */
static int xml_open(const char *path, struct stat *st, char *err,
		    size_t errlen)
{
	int fd;

	if (stat(path, st))
		goto sys;
	if (!S_ISREG(st->st_mode))
		goto special;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		goto sys;
	if (!fstat(fd, st) && S_ISREG(st->st_mode))
		return fd;
	close(fd);
special:
	snprintf(err, errlen, "FB_TOPOLOGY: %s: not a regular file (an lstopo --of xml export)",
		 path);
	return -1;
sys:
	snprintf(err, errlen, "FB_TOPOLOGY: %s: %s", path, strerror(errno));
	return -1;
}

/* The whole file, at most FB_XML_MAX_BYTES, NUL-terminated for hwloc. */
static char *xml_read(const char *path, size_t *len, char *err, size_t errlen)
{
	ssize_t got = 0, r = 0;
	struct stat st;
	char *buf = NULL;
	int fd = xml_open(path, &st, err, errlen);

	if (fd < 0)
		return NULL;
	if (st.st_size > FB_XML_MAX_BYTES) {
		snprintf(err, errlen, "FB_TOPOLOGY: %s: larger than %u MiB, more than an lstopo export of %d PUs",
			 path, FB_XML_MAX_BYTES >> 20, FB_MAX_CPUS);
		goto fail;
	}
	buf = malloc(st.st_size + 2);
	if (!buf) {
		snprintf(err, errlen, "FB_TOPOLOGY: %s: out of memory", path);
		goto fail;
	}
	/* One byte past the size stat gave: a file still growing is refused. */
	while (got <= st.st_size &&
	       (r = read(fd, buf + got, st.st_size + 1 - got)) > 0)
		got += r;
	if (r < 0 || got != st.st_size) {
		snprintf(err, errlen, "FB_TOPOLOGY: %s: %s", path,
			 r < 0 ? strerror(errno) : "changed while it was read");
		goto fail;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

static int xml_source(hwloc_topology_t topo, const char *path, char **buf,
		      char *err, size_t errlen)
{
	struct fb_xml_shape s;
	size_t len;

	*buf = xml_read(path, &len, err, errlen);
	if (!*buf)
		return -1;
	fb_xml_shape(*buf, &s);
	if (s.depth > FB_XML_MAX_DEPTH) {
		snprintf(err, errlen, "FB_TOPOLOGY: %s: elements nested %d deep, more than the %d an lstopo export needs",
			 path, s.depth, FB_XML_MAX_DEPTH);
		return -1;
	}
	if (s.pus > FB_MAX_CPUS) {
		snprintf(err, errlen, "FB_TOPOLOGY: %s: %ld PUs, more than the %d flagbench plans for (FB_MAX_CPUS)",
			 path, s.pus, FB_MAX_CPUS);
		return -1;
	}
	if (hwloc_topology_set_xmlbuffer(topo, *buf, (int)len + 1)) {
		snprintf(err, errlen, "FB_TOPOLOGY: cannot read hwloc XML %s: %s",
			 path, strerror(errno));
		return -1;
	}
	return 0;
}

static int synthetic_source(hwloc_topology_t topo, const char *desc,
			    char *err, size_t errlen)
{
	long pus = fb_synthetic_pus(desc);

	if (pus > FB_MAX_CPUS) {
		snprintf(err, errlen, "FB_TOPOLOGY: synthetic:%s: more than the %d PUs flagbench plans for (FB_MAX_CPUS)",
			 desc, FB_MAX_CPUS);
		return -1;
	}
	if (pus < 0 || hwloc_topology_set_synthetic(topo, desc)) {
		snprintf(err, errlen,
			 "FB_TOPOLOGY: not a valid hwloc synthetic description: '%s'",
			 desc);
		return -1;
	}
	return 0;
}

int fb_topology_source(hwloc_topology_t topo, const char *src, char **buf,
		       char *err, size_t errlen)
{
	static const char synth[] = "synthetic:";

	*buf = NULL;
	if (!strncmp(src, synth, sizeof(synth) - 1))
		return synthetic_source(topo, src + sizeof(synth) - 1, err,
					errlen);
	return xml_source(topo, src, buf, err, errlen);
}

/*
 * No machine this build plans for has a CPU at FB_MAX_CPUS or past it, so
 * a range reaching there ("0-2147483647") means every CPU up to it, and
 * nothing walks or allocates bits that cannot be CPUs.
 */
int fb_cpu_list_parse(const char *list, hwloc_bitmap_t set, char *err,
		      size_t errlen)
{
	const char *p = list;
	unsigned long a, b;
	char *end;

	hwloc_bitmap_zero(set);
	for (;;) {
		if (*p < '0' || *p > '9')
			goto bad;
		a = b = strtoul(p, &end, 10);	/* ERANGE: ULONG_MAX */
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				goto bad;
			b = strtoul(end + 1, &end, 10);
			if (b < a)
				goto bad;
		}
		if (a >= FB_MAX_CPUS) {
			snprintf(err, errlen, "FB_CPUSET: %.*s: past the %d CPUs flagbench plans for (FB_MAX_CPUS)",
				 (int)(end - p), p, FB_MAX_CPUS);
			return -1;
		}
		hwloc_bitmap_set_range(set, a, b < FB_MAX_CPUS ? b : FB_MAX_CPUS - 1);
		if (!*end)
			return 0;
		if (*end != ',')
			goto bad;
		p = end + 1;
	}
bad:
	snprintf(err, errlen, "FB_CPUSET: not a CPU list: '%s'", list);
	return -1;
}
