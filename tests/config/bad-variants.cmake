# Every bad variant must fail with a message naming the file and the
cmake_minimum_required(VERSION 3.25)
# offending knob (or line); every shipped variant must parse.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(failures 0)

function(expect_parse file want_ok want_regex)
	execute_process(COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${SOURCE_DIR}
		-DVARIANT=${file} -P ${SOURCE_DIR}/tests/config/parse-variant.cmake
		RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
	# CMake wraps long messages: compare with white space folded.
	string(REGEX REPLACE "[ \t\r\n]+" " " all "${out}${err}")
	get_filename_component(name ${file} NAME)
	if(want_ok AND NOT rc EQUAL 0)
		message(SEND_ERROR "${name}: should parse, failed:\n${all}")
		math(EXPR f "${failures} + 1")
		set(failures ${f} PARENT_SCOPE)
	elseif(NOT want_ok AND rc EQUAL 0)
		message(SEND_ERROR "${name}: should be rejected, was accepted")
		math(EXPR f "${failures} + 1")
		set(failures ${f} PARENT_SCOPE)
	elseif(NOT all MATCHES "${want_regex}")
		message(SEND_ERROR "${name}: message does not match '${want_regex}':\n${all}")
		math(EXPR f "${failures} + 1")
		set(failures ${f} PARENT_SCOPE)
	else()
		message(STATUS "ok: ${name}")
	endif()
endfunction()

function(case name content want_regex)
	file(WRITE ${WORK_DIR}/${name}.variant "${content}")
	expect_parse(${WORK_DIR}/${name}.variant FALSE "${want_regex}")
	set(failures ${failures} PARENT_SCOPE)
endfunction()

case(unknown-knob "description: x\nknob isolated_clearing = atomic\n"
	"unknown-knob.variant:2: unknown knob 'isolated_clearing'")
case(bad-choice "description: x\nknob isolated_bitops = sometimes\n"
	"bad-choice.variant:2: knob 'isolated_bitops' has no choice 'sometimes'")
case(twice "description: x\nknob isolated_bitops = atomic\nknob isolated_bitops = nonatomic\n"
	"twice.variant:3: knob 'isolated_bitops' set to 'atomic' and again to 'nonatomic'")
case(contradiction "description: x\nknob slab_barriers = wmb-rmb\n"
	"contradiction.variant: knob 'slab_barriers' = wmb-rmb contradicts 'movable_check' = movable")
case(bad-expect "description: x\nexpect lost-waiters = maybe\n"
	"bad-expect.variant:2: expectation 'maybe' for 'lost-waiters'")
case(two-expect "description: x\nexpect lost-waiters = forbidden\nexpect lost-waiters = reproduce\n"
	"two-expect.variant:3: 'lost-waiters' expected both 'forbidden' and 'reproduce'")
case(no-scenario "description: x\nexpect lost-waiter = forbidden\n"
	"no-scenario.variant:2: no scenario 'lost-waiter' in bench/races/")
case(bad-arch "description: x\nexpect SB@sparc = reproduce\n"
	"bad-arch.variant:2: unknown architecture 'sparc'")
case(no-description "knob isolated_bitops = atomic\n"
	"no-description.variant: no 'description:' line")
case(garbage "description: x\nisolated_bitops: atomic\n"
	"garbage.variant:2: cannot parse 'isolated_bitops: atomic'")
case(Bad_Name "description: x\n" "Bad_Name.variant: variant name 'Bad_Name'")

file(GLOB shipped ${SOURCE_DIR}/variants/*.variant)
foreach(v IN LISTS shipped)
	expect_parse(${v} TRUE "parsed")
endforeach()

if(failures GREATER 0)
	message(FATAL_ERROR "${failures} variant parsing check(s) failed")
endif()
