# SPDX-License-Identifier: GPL-2.0
#
# Shared body of the Debian cross toolchain files; not a toolchain file by
# itself. Expects FB_CROSS_TRIPLET, FB_CROSS_DEBARCH and FB_CROSS_QEMU.
#
# FLAGBENCH_SYSROOT: the unpacked target -dev libraries (scripts/cross-sysroot);
# it must not contain libc6: glibc comes from /usr/<triplet>, which is also
# what qemu's -L points at, so a process never mixes two C libraries.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${FB_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${FB_CROSS_TRIPLET}-g++)
set(CMAKE_LIBRARY_ARCHITECTURE ${FB_CROSS_TRIPLET})

# Derived from this file's location, not CMAKE_SOURCE_DIR, so try_compile
# projects (which re-read the toolchain file elsewhere) agree.
get_filename_component(_fb_top "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(FLAGBENCH_SYSROOT "${_fb_top}/build/sysroot/${FB_CROSS_DEBARCH}/root"
	CACHE PATH "Unpacked target -dev libraries (scripts/cross-sysroot)")
set(FB_OBJDUMP ${FB_CROSS_TRIPLET}-objdump CACHE STRING "objdump for target objects")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FLAGBENCH_SYSROOT)

if(NOT EXISTS "${FLAGBENCH_SYSROOT}/usr/lib/${FB_CROSS_TRIPLET}")
	message(WARNING "FLAGBENCH_SYSROOT=${FLAGBENCH_SYSROOT} is not populated: "
		"run scripts/cross-sysroot first")
endif()

set(_fb_libdirs
	"${FLAGBENCH_SYSROOT}/usr/lib/${FB_CROSS_TRIPLET}"
	"${FLAGBENCH_SYSROOT}/lib/${FB_CROSS_TRIPLET}")

set(CMAKE_FIND_ROOT_PATH "${FLAGBENCH_SYSROOT}" "/usr/${FB_CROSS_TRIPLET}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot holds only third-party -dev headers (no libc), so it can
# sit in front of the toolchain's own system directories; the multiarch
# directory holds per-arch headers such as hwloc/autogen/config.h.
set(_fb_incdirs
	"${FLAGBENCH_SYSROOT}/usr/include/${FB_CROSS_TRIPLET}"
	"${FLAGBENCH_SYSROOT}/usr/include")
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES ${_fb_incdirs})
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES ${_fb_incdirs})

# Let ld resolve the libraries' own DT_NEEDED (libudev for hwloc, ...).
set(_fb_ldflags "")
foreach(d IN LISTS _fb_libdirs)
	string(APPEND _fb_ldflags " -Wl,-rpath-link,${d}")
endforeach()
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_fb_ldflags}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${_fb_ldflags}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${_fb_ldflags}")

# gcc 12 for arm64 otherwise turns __atomic builtins into libgcc calls
# (__aarch64_ldset8_*); keep them inline in every build, generic included.
if(FB_CROSS_TRIPLET STREQUAL "aarch64-linux-gnu")
	set(CMAKE_C_FLAGS_INIT "-mno-outline-atomics")
	set(CMAKE_CXX_FLAGS_INIT "-mno-outline-atomics")
endif()

# pkg-config must see the target's .pc files only, with paths re-rooted.
unset(ENV{PKG_CONFIG_PATH})
set(ENV{PKG_CONFIG_LIBDIR}
	"${FLAGBENCH_SYSROOT}/usr/lib/${FB_CROSS_TRIPLET}/pkgconfig:${FLAGBENCH_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${FLAGBENCH_SYSROOT}")

# Always through the emulator: binfmt_misc may not be registered.
list(JOIN _fb_libdirs ":" _fb_ld_library_path)
set(CMAKE_CROSSCOMPILING_EMULATOR
	${FB_CROSS_QEMU} -L /usr/${FB_CROSS_TRIPLET}
	-E LD_LIBRARY_PATH=${_fb_ld_library_path})
