# vcpkg overlay port of isv-licensing (header-only): vcpkg install isv-licensing --overlay-ports=<repo>/ports
#
# This port builds the repository it lives in. A port in the vcpkg registry would fetch a release instead:
#   vcpkg_from_github(OUT_SOURCE_PATH SOURCE_PATH REPO <owner>/isv-licensing REF "v${VERSION}" SHA512 <hash>
#                     HEAD_REF main)
set(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../..")

# A feature turns its component on; without it, its backend is not even looked for, so the package
# never depends on a library the port did not declare.
vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  INVERTED_FEATURES
    json     CMAKE_DISABLE_FIND_PACKAGE_nlohmann_json
    sqlite   CMAKE_DISABLE_FIND_PACKAGE_SQLite3
    postgres CMAKE_DISABLE_FIND_PACKAGE_PostgreSQL
    signing  CMAKE_DISABLE_FIND_PACKAGE_libsodium
)
# The components to install, which the build refuses to leave out: a feature never silently does nothing.
set(components "")
foreach(component IN ITEMS json sqlite postgres signing)
  if(component IN_LIST FEATURES)
    list(APPEND components "${component}")
  endif()
endforeach()
list(JOIN components "," components)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    "-DISV_LICENSING_INSTALL_COMPONENTS=${components}"
    -DISV_LICENSING_BUILD_TESTS=OFF
    -DISV_LICENSING_BUILD_EXAMPLES=OFF
    -DISV_LICENSING_BUILD_BENCHMARKS=OFF
    -DISV_LICENSING_INSTALL=ON
)
vcpkg_cmake_install()

# The library installs its config under share/isv-licensing (CMAKE_INSTALL_DATADIR), as vcpkg wants it.
vcpkg_cmake_config_fixup(PACKAGE_NAME isv-licensing CONFIG_PATH share/isv-licensing)
vcpkg_fixup_pkgconfig()

# Header-only: the debug tree holds nothing the release tree does not.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/debug")

file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
