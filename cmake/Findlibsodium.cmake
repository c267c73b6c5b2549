# Finds libsodium and provides the imported target libsodium::libsodium, from whichever form this machine has it in.
#
# libsodium's own build installs no CMake package, so each package manager ships its own form:
# Conan's CMakeDeps writes a libsodium config (libsodium::libsodium), vcpkg the package
# unofficial-sodium (unofficial-sodium::sodium), Debian and most systems a pkg-config module
# (libsodium.pc). This module tries them in that order and gives the one target isv::signing links.
if(TARGET libsodium::libsodium)
  set(libsodium_FOUND TRUE)
  return()
endif()

find_package(libsodium CONFIG QUIET)
if(NOT TARGET libsodium::libsodium)
  find_package(unofficial-sodium CONFIG QUIET)
  if(TARGET unofficial-sodium::sodium)
    add_library(libsodium::libsodium INTERFACE IMPORTED)
    set_target_properties(libsodium::libsodium PROPERTIES INTERFACE_LINK_LIBRARIES unofficial-sodium::sodium)
  endif()
endif()
if(NOT TARGET libsodium::libsodium)
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(_isv_libsodium QUIET IMPORTED_TARGET libsodium)
    if(TARGET PkgConfig::_isv_libsodium)
      add_library(libsodium::libsodium INTERFACE IMPORTED)
      set_target_properties(libsodium::libsodium PROPERTIES INTERFACE_LINK_LIBRARIES PkgConfig::_isv_libsodium)
    endif()
  endif()
endif()
if(NOT TARGET libsodium::libsodium)
  find_path(libsodium_INCLUDE_DIR sodium.h)
  find_library(libsodium_LIBRARY NAMES sodium libsodium)
  if(libsodium_INCLUDE_DIR AND libsodium_LIBRARY)
    add_library(libsodium::libsodium UNKNOWN IMPORTED)
    set_target_properties(libsodium::libsodium PROPERTIES IMPORTED_LOCATION "${libsodium_LIBRARY}"
                                                          INTERFACE_INCLUDE_DIRECTORIES "${libsodium_INCLUDE_DIR}")
  endif()
endif()

include(FindPackageHandleStandardArgs)
set(_isv_libsodium_found_as "")
if(TARGET libsodium::libsodium)
  set(_isv_libsodium_found_as "libsodium::libsodium")
endif()
find_package_handle_standard_args(libsodium REQUIRED_VARS _isv_libsodium_found_as)
