/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The top level flagbench-<variant> and flagbench-report share: their exit
 * statuses and how the first word of a command line is read.
 */
#ifndef FLAGBENCH_BENCH_CLI_H
#define FLAGBENCH_BENCH_CLI_H

#include <stdio.h>

/* Exit status everywhere: 0 pass, 1 fail, 2 error or undecidable. */
enum {
	EXIT_PASS = 0,
	EXIT_FAIL = 1,
	EXIT_ERROR = 2,
};

/*
 * PROGRAM COMMAND [ARGS]: without a COMMAND, @usage goes to stderr and the
 * status is EXIT_ERROR; "--help", "-h" or "help" sends it to stdout, for
 * EXIT_PASS.  Returns that status, or -1: argv[1] names a command, which
 * the caller looks up.
 */
int cli_no_command(int argc, char **argv, void (*usage)(FILE *f));

#endif /* FLAGBENCH_BENCH_CLI_H */
