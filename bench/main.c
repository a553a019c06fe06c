// SPDX-License-Identifier: GPL-2.0
/* flagbench-<variant>: dispatch to the registered subcommands. */
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

static void usage(FILE *f)
{
	const struct fb_command *c;

	fprintf(f, "usage: flagbench-%s COMMAND [ARGS]\n\n%s\n\ncommands:\n",
		this_variant.name, this_variant.description);
	for (c = fb_commands_begin(); c < fb_commands_end(); c++)
		fprintf(f, "  %s %s\n      %s\n", c->name, c->usage, c->help);
	fprintf(f, "\n'flagbench-%s COMMAND --help' for a command's options.\n"
		   "Exit status: 0 pass, 1 fail, 2 error or undecidable.\n",
		this_variant.name);
}

int main(int argc, char **argv)
{
	const struct fb_command *c;

	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_PASS;
	}
	for (c = fb_commands_begin(); c < fb_commands_end(); c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fb_error("unknown command '%s' (try --help)", argv[1]);
	return EXIT_ERROR;
}
