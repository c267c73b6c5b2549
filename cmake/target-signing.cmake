# The optional signing component: isv::signing, the license files of isv/signing/ (Ed25519 on libsodium), built only when libsodium is found.
list(PREPEND CMAKE_MODULE_PATH "${PROJECT_SOURCE_DIR}/cmake")
find_package(libsodium QUIET)
list(REMOVE_AT CMAKE_MODULE_PATH 0)

if(NOT libsodium_FOUND)
  message(STATUS "isv-licensing: signed license files (isv::signing) disabled (libsodium not found)")
  return()
endif()
message(STATUS "isv-licensing: signed license files (isv::signing) enabled")

add_library(isv_signing INTERFACE)
add_library(isv::signing ALIAS isv_signing)
set_target_properties(isv_signing PROPERTIES EXPORT_NAME signing)
target_link_libraries(isv_signing INTERFACE isv::licensing libsodium::libsodium)
file(GLOB isv_signing_headers CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/include/isv/signing/*.hpp")
target_sources(isv_signing INTERFACE
  FILE_SET HEADERS BASE_DIRS ${PROJECT_SOURCE_DIR}/include FILES ${isv_signing_headers})
if(NOT PROJECT_IS_TOP_LEVEL)
  # An embedding project should not see our headers' warnings as its own.
  set_target_properties(isv_signing PROPERTIES SYSTEM ON)
endif()
