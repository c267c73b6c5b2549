// Unit tests of isv/version.hpp: its macros say the version that project(VERSION) in CMakeLists.txt declares.
#include "support/catch.hpp"

#include <isv/version.hpp>

#include <string>

#ifndef ISV_TEST_PROJECT_VERSION
#error "tests/CMakeLists.txt passes the project's version as ISV_TEST_PROJECT_VERSION"
#endif

// Packages (CMake config version file, pkg-config, Conan, vcpkg) are versioned from project(VERSION);
// the header must not tell a program it was built against another version.
TEST_CASE("the version macros equal the project version") {
  const std::string project = ISV_TEST_PROJECT_VERSION;
  CHECK(std::string(ISV_LICENSING_VERSION_STRING) == project);

  const std::string composed = std::to_string(ISV_LICENSING_VERSION_MAJOR) + "." +
                               std::to_string(ISV_LICENSING_VERSION_MINOR) + "." +
                               std::to_string(ISV_LICENSING_VERSION_PATCH);
  CHECK(composed == project);
}
