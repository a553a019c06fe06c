# Code layout: where the linker puts the measured code must not decide its
# timing.  Every function compiled into a flagbench-<variant> (core/,
# bench/, the Google Benchmark shim) starts at FB_CODE_ALIGN bytes, as the
# kernel's CONFIG_DEBUG_FORCE_FUNCTION_ALIGN_64B does for 0-day: code that
# is identical in two builds then sits at the same offset in its cache
# lines in both, whatever was added or removed elsewhere.  Without it one
# unused function added to core/ moved paths/compaction_racy_check by 15%
# (issue 19).  scripts/code-identity checks it (layout/<variant>/aligned).
#
# FLAGBENCH_LAYOUT_SHIFT moves the code on purpose, for
# scripts/layout-sensitivity and scripts/gate-bench --shift: N bytes of
# padding before every function (-fpatchable-function-entry=N,N puts N
# nops after the alignment and before the entry), so that each function
# starts at N mod FB_CODE_ALIGN, its bytes unchanged.  N a multiple of
# FB_CODE_ALIGN moves every function to another place without changing its
# alignment.  "N" shifts every variant; "VARIANT=N,..." only those named.

set(FB_CODE_ALIGN 64)
# And no measured function crosses a page: each sits in its own section
# (-ffunction-sections), aligned to the smallest power of two from
# FB_CODE_ALIGN to FB_CODE_PAGE that holds it (cmake/natural-align, a
# compiler launcher).  With 64 bytes alone, a 64-byte shift made
# paths/compaction_racy_check's callee cross a 4 KiB boundary and the
# benchmark 15-16% slower in 19 of 20 A/A comparisons; with it 5 of 5 of
# a shift that left the callee inside a page passed.
set(FB_CODE_PAGE 4096)
set(FLAGBENCH_LAYOUT_SHIFT "0" CACHE STRING
	"Bytes of padding before every measured function: N, or VARIANT=N,... (0: none)")
# Loop heads aligned to the cache line too: the hot loop of a benchmark
# then starts a line whatever code precedes it in its function (a patch
# that grows a function's prologue does not move its loop), and a shifted
# build's loops stay where they were.  Measured (scripts/layout-sensitivity,
# atomic shifted by 16, 32 and 48, 60 rounds): with the compiler's loop
# alignment 7 of 66 benchmarks moved significantly (shim/c_batch +96%,
# shim/cxx_native -50% at every shift, ref/folio_try_get/frozen +91%),
# with loops at 64 bytes 2 (paths/compaction_racy_check +16% at 48,
# paths/alloc_slab_page+__free_slab +10% at 32: their work is in a
# callee, whose entry the shift moves).  At shift 0 the two builds agreed
# (median ratio of their ns/op 1.000; four benchmarks 5% slower, and
# shim/cxx_native twice as fast, with loops at 64).
set(FLAGBENCH_ALIGN_LOOPS "${FB_CODE_ALIGN}" CACHE STRING
	"Alignment of loop heads in measured code (bytes, a power of two; 0: the compiler's default)")

# fb_layout_check_number(WHAT VALUE MAX): a whole number in [0, MAX].
function(fb_layout_check_number what value max)
	if(NOT value MATCHES "^[0-9]+$" OR value GREATER max)
		message(FATAL_ERROR "${what}: '${value}' is not a whole number of bytes in [0, ${max}]")
	endif()
endfunction()

# fb_layout_shift(OUT VARIANT): the shift FLAGBENCH_LAYOUT_SHIFT gives VARIANT.
function(fb_layout_shift out v)
	string(REPLACE "," ";" items "${FLAGBENCH_LAYOUT_SHIFT}")
	set(shift 0)
	foreach(item IN LISTS items)
		if(item MATCHES "^([a-z0-9][a-z0-9-]*)=(.*)$")
			fb_layout_check_number("FLAGBENCH_LAYOUT_SHIFT ${CMAKE_MATCH_1}"
				"${CMAKE_MATCH_2}" 4096)
			if(CMAKE_MATCH_1 STREQUAL v)
				set(shift ${CMAKE_MATCH_2})
			endif()
		else()
			fb_layout_check_number("FLAGBENCH_LAYOUT_SHIFT" "${item}" 4096)
			set(shift ${item})
		endif()
	endforeach()
	set(${out} ${shift} PARENT_SCOPE)
endfunction()

# fb_layout_check_variants(PARSED): every VARIANT=N names a variant file.
function(fb_layout_check_variants parsed)
	string(REPLACE "," ";" items "${FLAGBENCH_LAYOUT_SHIFT}")
	foreach(item IN LISTS items)
		if(item MATCHES "^([^=]+)=" AND NOT CMAKE_MATCH_1 IN_LIST parsed)
			message(FATAL_ERROR "FLAGBENCH_LAYOUT_SHIFT: no variant '${CMAKE_MATCH_1}'")
		endif()
	endforeach()
endfunction()

# fb_code_layout_options(OUT VARIANT): compile options for the measured
# code of VARIANT; FB_LAYOUT_SHIFT_<VARIANT> gets its shift.
function(fb_code_layout_options out v)
	fb_layout_check_number("FLAGBENCH_ALIGN_LOOPS" "${FLAGBENCH_ALIGN_LOOPS}" 4096)
	# No function.cold parts: they would sit unaligned in .text.unlikely,
	# packed after whatever cold code precedes them.  The cold blocks stay
	# at the end of their function instead.  No IPA-RA: GCC gives up its
	# knowledge of a callee's clobbers once the callee has patchable
	# entry padding, so a shifted build would allocate registers
	# otherwise (tests/layout/identity.c showed it); without it in every
	# build, a shift moves code and nothing else.
	set(opts -falign-functions=${FB_CODE_ALIGN} -ffunction-sections
		-fno-reorder-blocks-and-partition -fno-ipa-ra)
	if(FLAGBENCH_ALIGN_LOOPS GREATER 0)
		list(APPEND opts -falign-loops=${FLAGBENCH_ALIGN_LOOPS})
	endif()
	fb_layout_shift(shift ${v})
	if(shift GREATER 0)
		list(APPEND opts -fpatchable-function-entry=${shift},${shift})
	endif()
	set(${out} ${opts} PARENT_SCOPE)
	set(FB_LAYOUT_SHIFT_${v} ${shift} PARENT_SCOPE)
endfunction()

# fb_code_layout(TARGET VARIANT): TARGET's code laid out as above: the
# options of fb_code_layout_options and cmake/natural-align run after each
# compile (before any launcher the user set, such as ccache).
function(fb_code_layout target v)
	fb_code_layout_options(opts ${v})
	target_compile_options(${target} PRIVATE ${opts})
	if(NOT CMAKE_OBJCOPY OR NOT CMAKE_READELF)
		message(FATAL_ERROR "flagbench: objcopy and readelf of binutils are needed to lay out "
			"the measured code (found: '${CMAKE_OBJCOPY}', '${CMAKE_READELF}')")
	endif()
	foreach(lang C CXX)
		set_property(TARGET ${target} PROPERTY ${lang}_COMPILER_LAUNCHER
			${CMAKE_SOURCE_DIR}/cmake/natural-align ${CMAKE_OBJCOPY} ${CMAKE_READELF}
			${FB_CODE_ALIGN} ${FB_CODE_PAGE} -- ${CMAKE_${lang}_COMPILER_LAUNCHER})
	endforeach()
	set(FB_LAYOUT_SHIFT_${v} ${FB_LAYOUT_SHIFT_${v}} PARENT_SCOPE)
endfunction()

# fb_code_layout_test(VARIANT): every function of flagbench-VARIANT's
# benchmarks and races starts at its shift mod FB_CODE_ALIGN (nm and
# objdump through scripts/code-identity, on the host: a cross build's
# binary is read with the cross binutils' objdump).
function(fb_code_layout_test v)
	add_test(NAME layout/${v}/aligned
		COMMAND python3 ${CMAKE_SOURCE_DIR}/scripts/code-identity
			$<TARGET_FILE:flagbench-${v}> --check-aligned ${FB_LAYOUT_SHIFT_${v}})
	set_tests_properties(layout/${v}/aligned PROPERTIES LABELS "layout;${v}")
endfunction()

# layout/identity: scripts/code-identity on a tiny binary built four
# times (tests/layout/identity.c): as it is, shifted, changed, and laid
# out without cmake/natural-align so that a function crosses a page.
function(fb_code_layout_identity_test)
	if(CMAKE_CROSSCOMPILING)
		return()
	endif()
	set(src ${CMAKE_SOURCE_DIR}/tests/layout/identity.c)
	set(shift 16)
	foreach(kind base shifted changed)
		set(FLAGBENCH_LAYOUT_SHIFT 0)
		if(kind STREQUAL "shifted")
			set(FLAGBENCH_LAYOUT_SHIFT ${shift})
		endif()
		add_executable(layout-identity-${kind} ${src})
		fb_code_layout(layout-identity-${kind} layout-identity)
		target_include_directories(layout-identity-${kind} PRIVATE
			${CMAKE_SOURCE_DIR}/bench ${CMAKE_SOURCE_DIR}/core/include)
		target_link_libraries(layout-identity-${kind} PRIVATE PkgConfig::JANSSON)
		set_target_properties(layout-identity-${kind} PROPERTIES
			RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
	endforeach()
	target_compile_definitions(layout-identity-changed PRIVATE FB_IDENTITY_CHANGED)
	# In source order, in one .text, with a page's worth of padding before
	# op(): what natural-align exists to prevent.
	add_executable(layout-identity-crossing ${src})
	target_compile_options(layout-identity-crossing PRIVATE
		-falign-functions=${FB_CODE_ALIGN} -fno-toplevel-reorder)
	target_compile_definitions(layout-identity-crossing PRIVATE FB_IDENTITY_CROSSING)
	target_include_directories(layout-identity-crossing PRIVATE
		${CMAKE_SOURCE_DIR}/bench ${CMAKE_SOURCE_DIR}/core/include)
	target_link_libraries(layout-identity-crossing PRIVATE PkgConfig::JANSSON)
	set_target_properties(layout-identity-crossing PROPERTIES
		RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
	add_test(NAME layout/identity
		COMMAND bash ${CMAKE_SOURCE_DIR}/tests/layout/identity-test
			${CMAKE_SOURCE_DIR}/scripts/code-identity
			$<TARGET_FILE:layout-identity-base>
			$<TARGET_FILE:layout-identity-shifted> ${shift}
			$<TARGET_FILE:layout-identity-changed>
			$<TARGET_FILE:layout-identity-crossing>
			${CMAKE_BINARY_DIR}/layout-tests/identity)
	set_tests_properties(layout/identity PROPERTIES LABELS layout)
endfunction()

# layout/shift-option: FLAGBENCH_LAYOUT_SHIFT's forms and its bad values.
function(fb_code_layout_option_test)
	add_test(NAME layout/shift-option COMMAND ${CMAKE_COMMAND}
		-DSOURCE_DIR=${CMAKE_SOURCE_DIR}
		-P ${CMAKE_SOURCE_DIR}/tests/layout/shift-option.cmake)
	set_tests_properties(layout/shift-option PROPERTIES LABELS layout)
endfunction()
