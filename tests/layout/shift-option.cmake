# FLAGBENCH_LAYOUT_SHIFT as the configure step reads it: N for every
# variant, VARIANT=N for some, and bad values refused with one message.
#   cmake -DSOURCE_DIR=... -P shift-option.cmake
# (run with -DSHIFT=... -DVARIANT=... it is the driver of one case)
cmake_minimum_required(VERSION 3.25)
if(DEFINED SHIFT)
	include(${SOURCE_DIR}/cmake/FlagbenchCodeLayout.cmake)
	set(FLAGBENCH_LAYOUT_SHIFT "${SHIFT}")
	fb_code_layout_options(opts ${VARIANT})
	fb_layout_check_variants("atomic;nonatomic;llsc")
	message(STATUS "options: ${opts}")
	return()
endif()

set(failed "")
function(expect shift variant want_ok want_regex)
	execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${SOURCE_DIR}
		"-DSHIFT=${shift}" -DVARIANT=${variant}
		-P ${CMAKE_CURRENT_LIST_FILE}
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	string(REGEX REPLACE "[ \t\r\n]+" " " all "${out}${err}")
	set(ok FALSE)
	if(((want_ok AND rc EQUAL 0) OR (NOT want_ok AND NOT rc EQUAL 0)) AND
	   all MATCHES "${want_regex}")
		set(ok TRUE)
	endif()
	message(STATUS "${ok}: '${shift}' for ${variant} -> exit ${rc}")
	if(NOT ok)
		message(STATUS "  want /${want_regex}/, got: ${all}")
		set(failed ${failed} "'${shift}'/${variant}" PARENT_SCOPE)
	endif()
endfunction()

expect("0" atomic TRUE "options: -falign-functions=64;-ffunction-sections;-fno-reorder-blocks-and-partition;-fno-ipa-ra;-falign-loops=64 ?$")
expect("16" llsc TRUE "-fpatchable-function-entry=16,16")
expect("atomic=32,nonatomic=0" atomic TRUE "-fpatchable-function-entry=32,32")
expect("atomic=32,nonatomic=0" llsc TRUE "-falign-loops=64 ?$")
expect("abc" atomic FALSE "FLAGBENCH_LAYOUT_SHIFT: 'abc' is not a whole number of bytes in \\[0, 4096\\]")
expect("atomic=5000" llsc FALSE "FLAGBENCH_LAYOUT_SHIFT atomic: '5000' is not a whole number")
expect("nosuch=16" atomic FALSE "FLAGBENCH_LAYOUT_SHIFT: no variant 'nosuch'")
if(failed)
	message(FATAL_ERROR "failed: ${failed}")
endif()
