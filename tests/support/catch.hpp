// Test support: includes Catch2 v3 when it is there (Conan and vcpkg users get v3), else Catch2 v2.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif
