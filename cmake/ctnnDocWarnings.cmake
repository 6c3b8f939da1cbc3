# Judges Doxygen's warnings (cmake -P, -DLOG=<warnings file>): any warning is an error, an
# undocumented public entity of namespace ctnn (a class, a member of one, a function, variable,
# alias or enumeration without a `///` summary) as well as broken markup.
cmake_minimum_required(VERSION 3.21)
file(STRINGS ${LOG} lines REGEX "warning:")
if(lines)
  list(LENGTH lines count)
  list(JOIN lines "\n" text)
  message(FATAL_ERROR "Doxygen: ${count} warnings (public names without a summary, or broken "
                      "markup):\n${text}")
endif()
message(STATUS "Doxygen: every public name of namespace ctnn has a summary, no warning")
