# SPDX-License-Identifier: GPL-2.0
#
# Cross build for arm64 (Debian 12: gcc-aarch64-linux-gnu, qemu-user).
# Target -dev libraries come from a private sysroot (scripts/cross-sysroot
# aarch64), never from dpkg --add-architecture; libc/libgcc/libstdc++ come
# from the cross toolchain in /usr/aarch64-linux-gnu. Tests run through
# qemu-aarch64 explicitly: binfmt may not be registered.

set(FB_CROSS_TRIPLET aarch64-linux-gnu)
set(FB_CROSS_DEBARCH arm64)
set(FB_CROSS_QEMU qemu-aarch64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

include("${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake")
