// SPDX-License-Identifier: GPL-2.0
/*
 * The command and lister registries and the output helpers, apart from
 * main() so that test binaries linking the harness get them too.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <flagbench/variant.h>
#include "command.h"

extern const struct fb_command __start_fb_commands[], __stop_fb_commands[];
extern const struct fb_lister __start_fb_listers[] __attribute__((weak));
extern const struct fb_lister __stop_fb_listers[] __attribute__((weak));

const struct fb_command *fb_commands_begin(void)
{
	return __start_fb_commands;
}

const struct fb_command *fb_commands_end(void)
{
	return __stop_fb_commands;
}

const struct fb_lister *fb_listers_begin(void)
{
	return __start_fb_listers;
}

const struct fb_lister *fb_listers_end(void)
{
	return __stop_fb_listers;
}

void fb_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "flagbench-%s: ", this_variant.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int fb_write_json(json_t *json, const char *path)
{
	size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER;
	char tmp[4096];

	if (!path || !strcmp(path, "-")) {
		if (json_dumpf(json, stdout, flags) || fputc('\n', stdout) == EOF ||
		    fflush(stdout)) {
			fb_error("cannot write JSON to standard output");
			return -1;
		}
		return 0;
	}
	/* Never leave a half-written file under the final name. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		fb_error("output path too long: %s", path);
		return -1;
	}
	if (json_dump_file(json, tmp, flags) || rename(tmp, path)) {
		fb_error("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
