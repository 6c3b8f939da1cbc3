# Runs one shape-error example through the compiler (cmake -P). Arguments:
#   COMPILER, COMPILER_ID (GNU or Clang), SOURCE, INCLUDES (;-list of directories), BUILD_FLAGS
#   (;-list: the build's standard, flags and definitions, see ctnn_build_flags), MODE:
#   - fail:    the file must not compile; its first error line must match the file's
#              `// expect:` regex (or `// expect-gcc:` / `// expect-clang:`), and the whole output
#              must stay within `// max-lines-gcc:` / `// max-lines-clang:` lines when given.
#   - control: the file compiled with -DCTNN_CONTROL (the corrected code) must compile.
#   A `// flags:` line adds compiler flags to both (e.g. -Werror=unused-result).
# Prints `lines=<n> first_error=<line>` so that docs/shape-errors.md's table can be checked against CTest.
cmake_minimum_required(VERSION 3.21)

set(command ${COMPILER} ${BUILD_FLAGS} -fsyntax-only -fno-diagnostics-color)
foreach(dir IN LISTS INCLUDES)
  list(APPEND command -isystem ${dir})
endforeach()
file(STRINGS ${SOURCE} flags_line ENCODING UTF-8 REGEX "^// flags: ")
if(flags_line)
  string(REGEX REPLACE "^// flags: " "" flags "${flags_line}")
  separate_arguments(flags UNIX_COMMAND "${flags}")
  list(APPEND command ${flags})
endif()
list(APPEND command -I${CTNN_INCLUDE} ${SOURCE})
if(MODE STREQUAL "control")
  list(APPEND command -DCTNN_CONTROL)
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(APPEND out "${err}")

if(MODE STREQUAL "control")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "the corrected code (CTNN_CONTROL) does not compile:\n${out}")
  endif()
  message(STATUS "control compiles")
  return()
endif()

if(status EQUAL 0)
  message(FATAL_ERROR "${SOURCE} compiled, but it holds a shape mistake that must not compile")
endif()

if(COMPILER_ID STREQUAL "GNU")
  set(tag gcc)
else()
  set(tag clang)
endif()
file(STRINGS ${SOURCE} expect_lines ENCODING UTF-8 REGEX "^// (expect|expect-${tag}|max-lines-${tag}): ")
set(expect "")
set(max_lines "")
foreach(line IN LISTS expect_lines)
  if(line MATCHES "^// (expect|expect-${tag}): (.*)$")
    set(expect "${CMAKE_MATCH_2}")
  elseif(line MATCHES "^// max-lines-${tag}: ([0-9]+)$")
    set(max_lines "${CMAKE_MATCH_1}")
  endif()
endforeach()
if(expect STREQUAL "")
  message(FATAL_ERROR "${SOURCE} has no `// expect:` line")
endif()

# Output lines and the first error line (not via CMake lists: brackets in messages join items).
string(REGEX MATCHALL "\n" newlines "${out}")
list(LENGTH newlines count)
string(REGEX MATCH "[^\n]* error: [^\n]*" first_error "${out}")
message(STATUS "lines=${count} first_error=${first_error}")

if(NOT first_error MATCHES "${expect}")
  message(FATAL_ERROR "the first error line does not match `${expect}`:\n${first_error}\n\n${out}")
endif()
if(max_lines AND count GREATER max_lines)
  message(FATAL_ERROR "${count} lines of diagnostics, more than the ${max_lines} allowed:\n${out}")
endif()
