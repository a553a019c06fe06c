# SPDX-License-Identifier: GPL-2.0
#
# Cross build for ppc64le, POWER8+ (Debian 12: gcc-powerpc64le-linux-gnu,
# qemu-user).
# Target -dev libraries come from a private sysroot (scripts/cross-sysroot
# ppc64le), never from dpkg --add-architecture; libc/libgcc/libstdc++ come
# from the cross toolchain in /usr/powerpc64le-linux-gnu. Tests run through
# qemu-ppc64le explicitly: binfmt may not be registered.

set(FB_CROSS_TRIPLET powerpc64le-linux-gnu)
set(FB_CROSS_DEBARCH ppc64el)
set(FB_CROSS_QEMU qemu-ppc64le)
set(CMAKE_SYSTEM_PROCESSOR ppc64le)

include("${CMAKE_CURRENT_LIST_DIR}/cross-common.cmake")
