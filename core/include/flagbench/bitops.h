/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bit operations with the kernel's names, over the architecture's own.
 * Models include/linux/bitops.h and the asm-generic instrumented wrappers, v6.1.
 */
#ifndef FLAGBENCH_BITOPS_H
#define FLAGBENCH_BITOPS_H

#include <flagbench/asm/bitops.h>

#define set_bit(nr, addr) arch_set_bit(nr, addr)
#define clear_bit(nr, addr) arch_clear_bit(nr, addr)
#define change_bit(nr, addr) arch_change_bit(nr, addr)
#define test_and_set_bit(nr, addr) arch_test_and_set_bit(nr, addr)
#define test_and_clear_bit(nr, addr) arch_test_and_clear_bit(nr, addr)
#define test_and_set_bit_lock(nr, addr) arch_test_and_set_bit_lock(nr, addr)
#define clear_bit_unlock(nr, addr) arch_clear_bit_unlock(nr, addr)
#define clear_bit_unlock_is_negative_byte(nr, addr)                            \
	arch_clear_bit_unlock_is_negative_byte(nr, addr)

#define __set_bit(nr, addr) arch___set_bit(nr, addr)
#define __clear_bit(nr, addr) arch___clear_bit(nr, addr)
#define __change_bit(nr, addr) arch___change_bit(nr, addr)
#define __test_and_set_bit(nr, addr) arch___test_and_set_bit(nr, addr)
#define __test_and_clear_bit(nr, addr) arch___test_and_clear_bit(nr, addr)
#define __clear_bit_unlock(nr, addr) arch___clear_bit_unlock(nr, addr)
#define test_bit(nr, addr) arch_test_bit(nr, addr)

#endif /* FLAGBENCH_BITOPS_H */
