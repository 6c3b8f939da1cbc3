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

# ctnn_developer_target(<target>): warnings and SIMD flags for one of ctnn's own targets.
function(ctnn_developer_target target)
  target_compile_options(${target} PRIVATE ${CTNN_WARNING_FLAGS} ${ctnn_simd_flags})
  target_link_libraries(${target} PRIVATE ctnn::ctnn)
endfunction()

# ctnn_dependency_include_dirs(<var>): the include directories of Hana and Highway, for tests that
# run the compiler by hand (compile-fail tests, README blocks). The compiler's own directories are
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
