/* SPDX-License-Identifier: GPL-2.0 */
/* Models include/linux/types.h (atomic_t, atomic_long_t), v6.1. */
#ifndef FLAGBENCH_TYPES_H
#define FLAGBENCH_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BITS_PER_LONG (8 * (int)sizeof(long))
#define BITS_PER_BYTE 8

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

struct list_head {
	struct list_head *next, *prev;
};

#endif /* FLAGBENCH_TYPES_H */
