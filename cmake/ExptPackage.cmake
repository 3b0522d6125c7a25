# The C++ SDK as an installable package: `cmake --install build --prefix P` puts <expt/...>
# headers, libexpt_sdk.a and libexpt_base.a, a pkg-config file and exptConfig.cmake (target
# expt::sdk) under P. docs/examples/sdk-consumer/ is a project that uses it; the test
# sdk.install_and_consume builds it against a fresh prefix.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

# The public headers, with their includes rewritten to <expt/...>, in the build tree too.
file(GLOB EXPT_SDK_HEADERS RELATIVE ${PROJECT_SOURCE_DIR}/core CONFIGURE_DEPENDS
     ${PROJECT_SOURCE_DIR}/core/base/*.h ${PROJECT_SOURCE_DIR}/core/assign/*.h ${PROJECT_SOURCE_DIR}/core/client/*.h)
set(EXPT_SDK_INCLUDE_DIR ${PROJECT_BINARY_DIR}/include)
set(sdk_outputs ${EXPT_SDK_HEADERS})
list(TRANSFORM sdk_outputs PREPEND ${EXPT_SDK_INCLUDE_DIR}/expt/)
set(sdk_inputs ${EXPT_SDK_HEADERS})
list(TRANSFORM sdk_inputs PREPEND ${PROJECT_SOURCE_DIR}/core/)
string(REPLACE ";" "\\;" sdk_header_list "${EXPT_SDK_HEADERS}")
add_custom_command(
  OUTPUT ${sdk_outputs}
  COMMAND ${CMAKE_COMMAND} -DSRC_DIR=${PROJECT_SOURCE_DIR} -DOUT_DIR=${EXPT_SDK_INCLUDE_DIR}
          "-DHEADERS=${sdk_header_list}" -P ${PROJECT_SOURCE_DIR}/cmake/sdk_headers.cmake
  DEPENDS ${sdk_inputs} ${PROJECT_SOURCE_DIR}/cmake/sdk_headers.cmake
  COMMENT "SDK headers as <expt/...>")
add_custom_target(expt_sdk_headers DEPENDS ${sdk_outputs})
add_dependencies(expt_sdk expt_sdk_headers)
add_dependencies(expt_base expt_sdk_headers)
add_dependencies(expt_client expt_sdk_headers)
foreach(target expt_base expt_sdk expt_client)
  target_include_directories(${target} INTERFACE $<BUILD_INTERFACE:${EXPT_SDK_INCLUDE_DIR}>
                                                 $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
endforeach()
add_library(expt::sdk ALIAS expt_sdk)
set_target_properties(expt_base PROPERTIES EXPORT_NAME base)
set_target_properties(expt_sdk PROPERTIES EXPORT_NAME sdk)
add_library(expt::client ALIAS expt_client)
set_target_properties(expt_client PROPERTIES EXPORT_NAME client)

install(TARGETS expt_base expt_sdk EXPORT exptTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk)
install(DIRECTORY ${EXPT_SDK_INCLUDE_DIR}/expt DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk)
install(EXPORT exptTargets NAMESPACE expt:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/expt COMPONENT sdk)
# expt::client (BundleClient) also needs cpp-httplib, so it has its own export file, loaded only
# when the consumer's machine has cpp-httplib.
install(TARGETS expt_client EXPORT exptClientTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT sdk)
install(EXPORT exptClientTargets NAMESPACE expt:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/expt COMPONENT sdk)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/exptConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/exptConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/expt)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/exptConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/exptConfig.cmake ${PROJECT_BINARY_DIR}/exptConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/expt COMPONENT sdk)
# The .pc file finds its prefix from its own folder, so `--prefix` at install time is honoured.
file(RELATIVE_PATH EXPT_PC_TO_PREFIX /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
configure_file(${PROJECT_SOURCE_DIR}/cmake/expt-sdk.pc.in ${PROJECT_BINARY_DIR}/expt-sdk.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/expt-sdk.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig COMPONENT sdk)
