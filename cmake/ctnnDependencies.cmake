# Finds ctnn's two header-only dependencies and exposes them as ctnn::hana and ctnn::highway.
# Used both by ctnn's own build and by ctnnConfig.cmake in a consumer's find_package(ctnn).
#   Boost.Hana: Boost >= 1.74 headers (Debian: libboost-dev).
#   Highway  : >= 1.0.3, static dispatch, headers only (Debian: libhwy-dev); no -lhwy needed.
# When either is missing and CTNN_FETCH_DEPENDENCIES is ON, a pinned FetchContent download is the
# fallback (needs internet access).
include_guard(GLOBAL)

if(NOT TARGET ctnn::hana)
  find_package(Boost 1.74 QUIET)
  if(Boost_FOUND)
    add_library(ctnn::hana INTERFACE IMPORTED)
    target_link_libraries(ctnn::hana INTERFACE Boost::headers)
  elseif(CTNN_FETCH_DEPENDENCIES)
    message(STATUS "ctnn: Boost >= 1.74 not found; fetching Boost.Hana (boost-1.83.0)")
    include(FetchContent)
    FetchContent_Declare(ctnn_hana GIT_REPOSITORY https://github.com/boostorg/hana.git
                                   GIT_TAG boost-1.83.0 GIT_SHALLOW TRUE)
    FetchContent_Populate(ctnn_hana)
    add_library(ctnn::hana INTERFACE IMPORTED)
    target_include_directories(ctnn::hana SYSTEM INTERFACE ${ctnn_hana_SOURCE_DIR}/include)
  else()
    message(FATAL_ERROR "ctnn needs Boost >= 1.74 headers (Debian: apt-get install libboost-dev)")
  endif()
endif()

if(NOT TARGET ctnn::highway)
  find_path(CTNN_HIGHWAY_INCLUDE_DIR hwy/highway.h)
  if(CTNN_HIGHWAY_INCLUDE_DIR)
    add_library(ctnn::highway INTERFACE IMPORTED)
    target_include_directories(ctnn::highway SYSTEM INTERFACE ${CTNN_HIGHWAY_INCLUDE_DIR})
  elseif(CTNN_FETCH_DEPENDENCIES)
    message(STATUS "ctnn: Highway not found; fetching Highway 1.0.3 (headers only)")
    include(FetchContent)
    FetchContent_Declare(ctnn_highway GIT_REPOSITORY https://github.com/google/highway.git
                                      GIT_TAG 1.0.3 GIT_SHALLOW TRUE)
    FetchContent_Populate(ctnn_highway)
    add_library(ctnn::highway INTERFACE IMPORTED)
    target_include_directories(ctnn::highway SYSTEM INTERFACE ${ctnn_highway_SOURCE_DIR})
  else()
    message(FATAL_ERROR "ctnn needs Google Highway >= 1.0.3 (Debian: apt-get install libhwy-dev)")
  endif()
endif()
