/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Subcommands of flagbench-<variant>, registered where they are defined:
 * adding one never means editing main.c.
 *
 * Exit status everywhere: 0 pass, 1 fail, 2 error or undecidable.
 */
#ifndef FLAGBENCH_BENCH_COMMAND_H
#define FLAGBENCH_BENCH_COMMAND_H

#include <jansson.h>
#include <flagbench/compiler.h>
#include "cli.h"

struct fb_command {
	const char *name;
	const char *usage;	/* arguments, after the name */
	const char *help;	/* one line */
	int (*run)(int argc, char **argv);	/* argv[0] is the name */
};

#define DEFINE_FB_COMMAND(_name, _run, _usage, _help)                          \
	static const struct fb_command __fb_command_##_run                     \
		__fb_registry("fb_commands") = {                               \
			.name = _name,                                         \
			.usage = _usage,                                       \
			.help = _help,                                         \
			.run = _run,                                           \
		}

/*
 * Things `list` prints: each lister adds one key (e.g. "scenarios",
 * "benchmarks") to the JSON object it is given.
 */
struct fb_lister {
	const char *key;
	json_t *(*list)(void);
};

#define DEFINE_FB_LISTER(_key, _list)                                          \
	static const struct fb_lister __fb_lister_##_list                      \
		__fb_registry("fb_listers") = {                                \
			.key = _key,                                           \
			.list = _list,                                         \
		}

const struct fb_command *fb_commands_begin(void);
const struct fb_command *fb_commands_end(void);
const struct fb_lister *fb_listers_begin(void);
const struct fb_lister *fb_listers_end(void);

/* Print one error line "flagbench-<variant>: ..." to stderr. */
void fb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write @json to @path ("-" or NULL: stdout), atomically; 0 or -1 (reported). */
int fb_write_json(json_t *json, const char *path);

#endif /* FLAGBENCH_BENCH_COMMAND_H */
