# The API reference (docs/reference.md): target ctnn_docs runs Debian's doxygen on the public
# headers into <build>/docs/html and fails on any warning: a public name of namespace ctnn or a
# member of one without a summary, or broken markup (cmake/ctnnDocWarnings.cmake).
include_guard(GLOBAL)

find_program(CTNN_DOXYGEN doxygen REQUIRED)
set(CTNN_DOCS_OUTPUT ${PROJECT_BINARY_DIR}/docs)
configure_file(${PROJECT_SOURCE_DIR}/docs/Doxyfile.in ${CTNN_DOCS_OUTPUT}/Doxyfile @ONLY)
file(GLOB_RECURSE ctnn_doc_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/include/ctnn/*.hpp)
add_custom_command(
  OUTPUT ${CTNN_DOCS_OUTPUT}/html/index.html
  COMMAND ${CMAKE_COMMAND} -E rm -f ${CTNN_DOCS_OUTPUT}/warnings.txt
  COMMAND ${CTNN_DOXYGEN} ${CTNN_DOCS_OUTPUT}/Doxyfile
  COMMAND ${CMAKE_COMMAND} -DLOG=${CTNN_DOCS_OUTPUT}/warnings.txt
          -P ${PROJECT_SOURCE_DIR}/cmake/ctnnDocWarnings.cmake
  DEPENDS ${ctnn_doc_headers} ${PROJECT_SOURCE_DIR}/docs/Doxyfile.in
  COMMENT "Doxygen: the API reference in ${CTNN_DOCS_OUTPUT}/html"
  VERBATIM)
add_custom_target(ctnn_docs DEPENDS ${CTNN_DOCS_OUTPUT}/html/index.html)
