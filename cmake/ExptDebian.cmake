# Debian packages from `cpack -G DEB` (in the build folder), one per component:
#   expt_<version>_amd64.deb      the binary, its man page, bash and zsh completions, the docs;
#   expt-dev_<version>_amd64.deb  the C++ SDK: headers, static libraries, CMake and pkg-config
#                                 files, the example consumer (depends on expt and on the -dev
#                                 packages its headers include).
# The runtime dependencies of the binary come from dpkg-shlibdeps (package dpkg-dev), so they
# name exactly the Debian 12 shared libraries it links. docs/releasing.md has the steps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME expt)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "expt")
set(CPACK_PACKAGE_CONTACT "expt maintainers <expt@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli sdk)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # the build keeps line tables for perf and backtraces; the package need not
set(CPACK_DEBIAN_CLI_PACKAGE_NAME expt)
set(CPACK_DEBIAN_CLI_DESCRIPTION "experiments over a shared registry
expt runs A/B tests, multivariate tests, holdouts and rollouts over a SQLite registry and YAML
specs: collision-free slot allocation, assignment, config bundles served to SDKs, lint for CI,
and analysis from CSV exports or a warehouse.")
set(CPACK_DEBIAN_SDK_PACKAGE_NAME expt-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_SDK_DESCRIPTION "C++ SDK of expt: in-process assignment from config bundles
Headers, static libraries and CMake (find_package(expt)) and pkg-config (expt-sdk) files of the
SDK that evaluates expt's config bundles in-process.")
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "nlohmann-json3-dev, libxxhash-dev")
set(CPACK_DEBIAN_SDK_PACKAGE_SUGGESTS "libcpp-httplib-dev")
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS "man-db, bash-completion")
include(CPack)
