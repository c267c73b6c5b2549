// Races on isv/block_cache.hpp: threads taking and giving back large arrays at once never share one and never lose one.
#include <catch2/catch.hpp>

#include "isv/block_cache.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

TEST_CASE("block_cache: concurrent takers never hold the same array, and the cache stays within its limit") {
  constexpr std::size_t block = isv::block_cache::alignment;
  constexpr std::size_t limit = 6 * block;
  isv::release_cached_blocks();
  isv::set_block_cache_limit(limit);
  constexpr int threads = 4;
  constexpr int rounds = 200;
  std::vector<std::thread> pool;
  std::vector<int> damaged(threads, 0);
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([t, &damaged] {
      auto& cache = isv::block_cache::instance();
      for (int r = 0; r < rounds; ++r) {
        const std::size_t bytes = block * static_cast<std::size_t>(1 + (r + t) % 2);
        auto* p = static_cast<unsigned char*>(cache.allocate(bytes));
        // Mark the array as this thread's; another holder of it would overwrite the mark.
        std::memset(p, t + 1, 64);
        std::memset(p + bytes - 64, t + 1, 64);
        std::this_thread::yield();
        const bool intact = std::all_of(p, p + 64, [&](unsigned char c) { return c == t + 1; }) &&
                            std::all_of(p + bytes - 64, p + bytes, [&](unsigned char c) { return c == t + 1; });
        if (!intact) ++damaged[static_cast<std::size_t>(t)];
        cache.deallocate(p, bytes);
      }
    });
  }
  for (auto& th : pool) th.join();
  CHECK(std::count(damaged.begin(), damaged.end(), 0) == threads);
  const auto usage = isv::cached_blocks();
  CHECK(usage.bytes <= limit);
  CHECK(usage.bytes > 0);
  isv::release_cached_blocks();
  isv::set_block_cache_limit(isv::block_cache::default_limit);
  CHECK(isv::cached_blocks().bytes == 0);
}
