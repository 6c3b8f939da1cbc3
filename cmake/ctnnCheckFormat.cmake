# cmake -DCLANG_FORMAT=<exe> -DROOT=<source dir> -P ctnnCheckFormat.cmake
# Fails when a C++ file of the project differs from what .clang-format asks for.
file(GLOB_RECURSE files ${ROOT}/include/*.hpp ${ROOT}/tests/*.hpp ${ROOT}/tests/*.cpp
     ${ROOT}/examples/*.cpp ${ROOT}/examples/*.hpp ${ROOT}/benchmarks/*.cpp)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${files} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "clang-format: the files above need formatting (run clang-format -i)")
endif()
message(STATUS "clang-format: ${CMAKE_ARGC} ok")
