/* SPDX-License-Identifier: GPL-2.0 */
/* Models include/linux/bits.h, v6.1: a bit's mask and word, once. */
#ifndef FLAGBENCH_BITS_H
#define FLAGBENCH_BITS_H

#include <flagbench/types.h>

#define BIT(nr) (1UL << (nr))
#define BIT_MASK(nr) (1UL << ((nr) % BITS_PER_LONG))
#define BIT_WORD(nr) ((nr) / BITS_PER_LONG)

#endif /* FLAGBENCH_BITS_H */
