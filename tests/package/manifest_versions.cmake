# Checks that every file stating the release version agrees with project(VERSION): the vcpkg manifests and
# CHANGELOG.md (conanfile.py reads the version from CMakeLists.txt itself; version.hpp has a unit test).
# Run as: cmake -DSOURCE_DIR=<repo> -DVERSION=<project version> -P manifest_versions.cmake
set(problems "")
foreach(manifest vcpkg.json ports/isv-licensing/vcpkg.json)
  file(READ "${SOURCE_DIR}/${manifest}" json)
  string(JSON name ERROR_VARIABLE error GET "${json}" name)
  string(JSON stated ERROR_VARIABLE error GET "${json}" version-semver)
  if(error)
    string(APPEND problems "\n  ${manifest} has no \"version-semver\": ${error}")
  elseif(NOT stated STREQUAL VERSION)
    string(APPEND problems "\n  ${manifest} says version ${stated}; set \"version-semver\": \"${VERSION}\"")
  endif()
  if(NOT name STREQUAL "isv-licensing")
    string(APPEND problems "\n  ${manifest} names the package '${name}', not 'isv-licensing'")
  endif()
endforeach()

file(READ "${SOURCE_DIR}/CHANGELOG.md" changelog)
string(REPLACE "." "\\." version_regex "${VERSION}")
if(NOT changelog MATCHES "\n## \\[${version_regex}\\]")
  string(APPEND problems "\n  CHANGELOG.md has no section '## [${VERSION}]'")
endif()

file(READ "${SOURCE_DIR}/conanfile.py" recipe)
if(recipe MATCHES "\n    version = ")
  string(APPEND problems "\n  conanfile.py states a version; it must read it from CMakeLists.txt (set_version)")
endif()

if(problems)
  message(FATAL_ERROR "Release version ${VERSION} (project(VERSION) in CMakeLists.txt) is not stated everywhere:${problems}")
endif()
message(STATUS "vcpkg.json, ports/isv-licensing/vcpkg.json and CHANGELOG.md all say ${VERSION}")
