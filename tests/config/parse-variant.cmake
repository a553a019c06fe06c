# cmake -DSOURCE_DIR=... -DVARIANT=file.variant -P parse-variant.cmake
cmake_minimum_required(VERSION 3.25)
# Parses one variant file exactly as the configure step does.
include(${SOURCE_DIR}/cmake/FlagbenchVariants.cmake)
set(CMAKE_SOURCE_DIR ${SOURCE_DIR})
fb_load_knobs(${SOURCE_DIR}/core/include/flagbench/knobs.def)
fb_load_scenarios(${SOURCE_DIR}/bench/races)
fb_parse_variant(${VARIANT})
message(STATUS "parsed ${FB_V_NAME}")
