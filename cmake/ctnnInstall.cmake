# Install rules: headers, the exported ctnn::ctnn target, a config and a version file, so that a
# consumer's find_package(ctnn) works.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ctnn DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS ctnn EXPORT ctnnTargets)
install(EXPORT ctnnTargets NAMESPACE ctnn:: DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctnn)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ctnnConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/ctnnConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctnn)
# Header-only: any architecture may use it.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/ctnnConfig.cmake ${PROJECT_BINARY_DIR}/ctnnConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/ctnnDependencies.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/ctnn)
