// Test support: Catch2's main, in a translation unit of its own so that it is compiled once.
#if __has_include(<catch2/catch_all.hpp>)
// Catch2 v3 brings its main in the Catch2::Catch2WithMain target; nothing to define here.
#else
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
