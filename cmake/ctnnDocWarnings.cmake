# Judges Doxygen's warnings (cmake -P, -DLOG=<warnings file>). Errors: an undocumented entity of a
# namespace (a class, function, variable, type or enum without a `///` summary) and any warning
# that is not about documentation left out (broken markup, unknown commands). Counted, not errors:
# undocumented members of a documented class (the layer contract's `forward`, `value_type`, ...).
cmake_minimum_required(VERSION 3.21)
file(STRINGS ${LOG} lines REGEX "warning:")
set(errors "")
set(members 0)
foreach(line IN LISTS lines)
  if(line MATCHES "warning: Member .* of (class|struct|union) .* is not documented")
    math(EXPR members "${members} + 1")
  else()
    string(APPEND errors "\n${line}")
  endif()
endforeach()
if(NOT errors STREQUAL "")
  message(FATAL_ERROR "Doxygen: public names without a summary, or broken markup:${errors}")
endif()
message(STATUS "Doxygen: every public name of namespace ctnn has a summary "
               "(${members} members of documented classes have none)")
