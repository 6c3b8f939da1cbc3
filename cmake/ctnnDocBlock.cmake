# Compiles the INDEX-th ```cpp block of a Markdown page (cmake -P), as written, with warnings as
# errors. Arguments: COMPILER, PAGE, INDEX (1-based), INCLUDES (;-list), CTNN_INCLUDE, WORK (a directory),
# BUILD_FLAGS (;-list: the build's standard, flags and definitions, see ctnn_build_flags).
# A block preceded by `<!-- compile-fail: REGEX -->` must fail with a first error line matching
# REGEX (docs/shape-errors.md's first example); every other block must compile.
cmake_minimum_required(VERSION 3.21)

file(READ ${PAGE} text)
set(rest "${text}")
set(before "")
foreach(i RANGE 1 ${INDEX})
  string(FIND "${rest}" "```cpp\n" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "${PAGE} has fewer than ${INDEX} C++ blocks")
  endif()
  string(SUBSTRING "${rest}" 0 ${start} before)
  math(EXPR start "${start} + 7")
  string(SUBSTRING "${rest}" ${start} -1 rest)
endforeach()
string(FIND "${rest}" "\n```" end)
string(SUBSTRING "${rest}" 0 ${end} code)

set(expect "")
if(before MATCHES "<!-- compile-fail: ([^\n]*) -->\n*$")
  set(expect "${CMAKE_MATCH_1}")
endif()

file(MAKE_DIRECTORY ${WORK})
set(source ${WORK}/readme_block_${INDEX}.cpp)
file(WRITE ${source} "${code}\n")
set(command ${COMPILER} ${BUILD_FLAGS} -O2 -Wall -Wextra -Wpedantic -Werror -fno-diagnostics-color -c
            -o ${WORK}/readme_block_${INDEX}.o)
foreach(dir IN LISTS INCLUDES)
  list(APPEND command -isystem ${dir})
endforeach()
list(APPEND command -I${CTNN_INCLUDE} ${source})
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(APPEND out "${err}")

if(expect STREQUAL "")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${PAGE}: C++ block ${INDEX} does not compile as written:\n${code}\n\n${out}")
  endif()
  message(STATUS "${PAGE}: C++ block ${INDEX} compiles")
else()
  string(REGEX MATCH "[^\n]* error: [^\n]*" first_error "${out}")
  if(status EQUAL 0 OR NOT first_error MATCHES "${expect}")
    message(FATAL_ERROR "${PAGE}: C++ block ${INDEX} should fail with `${expect}`:\n${out}")
  endif()
  message(STATUS "${PAGE}: C++ block ${INDEX} fails as the page says: ${first_error}")
endif()
