# Developer settings for ctnn's own tests, examples and benchmarks (never for consumers):
# warnings, and the SIMD flags chosen by the preset (CTNN_SIMD_FLAGS).
include_guard(GLOBAL)

set(CTNN_WARNING_FLAGS -Wall -Wextra -Wpedantic -Wshadow -Wconversion)
option(CTNN_WARNINGS_AS_ERRORS "Treat warnings as errors in ctnn's own targets" OFF)
if(CTNN_WARNINGS_AS_ERRORS)
  list(APPEND CTNN_WARNING_FLAGS -Werror)
endif()
set(CTNN_SIMD_FLAGS "" CACHE STRING "Flags that select the Highway static target, e.g. -march=native")
separate_arguments(ctnn_simd_flags UNIX_COMMAND "${CTNN_SIMD_FLAGS}")

# ctnn_developer_target(<target> [BASELINE]): warnings and SIMD flags for one of ctnn's own
# targets; BASELINE: no SIMD flags (what a distributed binary is built with).
function(ctnn_developer_target target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "BASELINE" "" "")
  if(arg_BASELINE)
    target_compile_options(${target} PRIVATE ${CTNN_WARNING_FLAGS})
  else()
    target_compile_options(${target} PRIVATE ${CTNN_WARNING_FLAGS} ${ctnn_simd_flags})
  endif()
  target_link_libraries(${target} PRIVATE ctnn::ctnn)
endfunction()

# ctnn_build_flags(<var>): the flags this build compiles ctnn's code with, for the tests that run
# the compiler by hand (compile-fail tests, the documentation's C++ blocks), so that they test this
# build: the C++ standard (CMAKE_CXX_STANDARD, default 20), CMAKE_CXX_FLAGS (e.g. -stdlib=libc++), the preset's
# SIMD flags, ctnn's compile definitions, and a cross build's target and sysroot.
function(ctnn_build_flags var)
  set(standard 20)
  if(CMAKE_CXX_STANDARD)
    set(standard ${CMAKE_CXX_STANDARD})
  endif()
  # The compiler's own spelling (Clang 14 takes -std=c++2b for 23).
  set(flags ${CMAKE_CXX${standard}_STANDARD_COMPILE_OPTION})
  if(NOT flags)
    set(flags -std=c++${standard})
  endif()
  separate_arguments(cxx_flags UNIX_COMMAND "${CMAKE_CXX_FLAGS}")
  list(APPEND flags ${cxx_flags} ${ctnn_simd_flags})
  get_target_property(definitions ctnn INTERFACE_COMPILE_DEFINITIONS)
  foreach(definition IN LISTS definitions)
    list(APPEND flags -D${definition})
  endforeach()
  if(CMAKE_CXX_COMPILER_TARGET)
    list(APPEND flags --target=${CMAKE_CXX_COMPILER_TARGET})
  endif()
  if(CMAKE_SYSROOT)
    list(APPEND flags --sysroot=${CMAKE_SYSROOT})
  endif()
  set(${var} "${flags}" PARENT_SCOPE)
endfunction()

# ctnn_dependency_include_dirs(<var>): the include directories of Hana and Highway, for tests that
# run the compiler by hand (compile-fail tests, the documentation's C++ blocks). The compiler's own directories are
# left out: naming them with -isystem breaks #include_next.
function(ctnn_dependency_include_dirs var)
  set(include_dirs)
  foreach(dep IN ITEMS ctnn::hana ctnn::highway)
    get_target_property(dirs ${dep} INTERFACE_INCLUDE_DIRECTORIES)
    if(dirs)
      list(APPEND include_dirs ${dirs})
    endif()
    get_target_property(links ${dep} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links)
      if(TARGET ${link})
        get_target_property(dirs ${link} INTERFACE_INCLUDE_DIRECTORIES)
        if(dirs)
          list(APPEND include_dirs ${dirs})
        endif()
      endif()
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES include_dirs)
  list(FILTER include_dirs EXCLUDE REGEX "^/usr(/local)?/include/?$")
  set(${var} "${include_dirs}" PARENT_SCOPE)
endfunction()
