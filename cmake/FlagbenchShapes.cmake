# Calibration shapes: a bench/races/*.litmus file whose comment holds a
# "flagbench:" annotation is a race scenario, generated at build time by
# scripts/litmus-shape, as litmus7 generates a harness from a .litmus
# file: a new shape is one .litmus file (fb_find_shapes() in
# FlagbenchVariants.cmake finds them).  Python 3 runs on the build host,
# also for a cross build.

find_program(FB_PYTHON3 python3 REQUIRED)

# fb_generate_shapes(TARGET OUTDIR OUTVAR LITMUS...): OUTDIR/<name>.c for
# each LITMUS file, made by the custom target TARGET (every target that
# compiles them depends on it: one rule, never two racing); the sources
# in OUTVAR.
function(fb_generate_shapes target out outvar)
	file(MAKE_DIRECTORY ${out})
	set(gen ${CMAKE_SOURCE_DIR}/scripts/litmus-shape)
	set(srcs "")
	foreach(f IN LISTS ARGN)
		get_filename_component(name ${f} NAME)
		string(REGEX REPLACE "\\.litmus$" "" name "${name}")
		add_custom_command(OUTPUT ${out}/${name}.c
			COMMAND ${FB_PYTHON3} ${gen} ${f} ${out}/${name}.c
			DEPENDS ${f} ${gen}
			COMMENT "litmus-shape ${name}.litmus"
			VERBATIM)
		list(APPEND srcs ${out}/${name}.c)
	endforeach()
	add_custom_target(${target} DEPENDS ${srcs})
	set(${outvar} "${srcs}" PARENT_SCOPE)
endfunction()
