// SPDX-License-Identifier: GPL-2.0
/* The top level both executables share (cli.h). */
#include <string.h>
#include "cli.h"

int cli_no_command(int argc, char **argv, void (*usage)(FILE *f))
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_PASS;
	}
	return -1;
}
