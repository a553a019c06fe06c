// SPDX-License-Identifier: GPL-2.0
/* flagbench-<variant>: dispatch to the registered subcommands. */
#include <stdio.h>
#include <string.h>
#include <flagbench/variant.h>
#include "command.h"

static void usage(FILE *f)
{
	const struct fb_command *c;

	fprintf(f, "usage: flagbench-%s COMMAND [ARGS]\n\n%s\n\ncommands:\n",
		this_variant.name, this_variant.description);
	for (c = fb_commands_begin(); c < fb_commands_end(); c++)
		fprintf(f, "  %s%s%s\n      %s\n", c->name, c->usage[0] ? " " : "",
			c->usage, c->help);
	fprintf(f, "\n'flagbench-%s COMMAND --help' for a command's options.\n"
		   "Exit status: 0 pass, 1 fail, 2 error or undecidable.\n",
		this_variant.name);
}

int main(int argc, char **argv)
{
	const struct fb_command *c;
	int ret = cli_no_command(argc, argv, usage);

	if (ret >= 0)
		return ret;
	for (c = fb_commands_begin(); c < fb_commands_end(); c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fb_error("unknown command '%s' (try --help)", argv[1]);
	return EXIT_ERROR;
}
