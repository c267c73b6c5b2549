// Unit tests of isv/block_cache.hpp: freed large arrays are reused by size, within the limit, oldest let go first, and given back when memory runs out.
#include <catch2/catch.hpp>

#include "isv/block_cache.hpp"
#include "isv/detail/large_array.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <vector>

// This program counts and can refuse the aligned allocations the cache makes, to see that it asks
// operator new only when it holds nothing of the size, and gives back what it holds when refused.
namespace {
std::atomic<int> aligned_news{0};
std::atomic<int> aligned_deletes{0};
std::atomic<int> refuse_next{0};
} // namespace

void* operator new(std::size_t size, std::align_val_t align) {
  if (refuse_next.load() > 0) {
    refuse_next.fetch_sub(1);
    throw std::bad_alloc();
  }
  ++aligned_news;
  const std::size_t a = static_cast<std::size_t>(align);
  if (void* p = std::aligned_alloc(a, (size + a - 1) / a * a)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p, std::align_val_t) noexcept {
  if (p != nullptr) ++aligned_deletes;
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  if (p != nullptr) ++aligned_deletes;
  std::free(p);
}

namespace {

constexpr std::size_t mib = std::size_t{1} << 20;
constexpr std::size_t block = isv::block_cache::alignment; // 2 MiB

/// Each test starts from an empty cache with a known limit and leaves the default behind.
struct fresh_cache {
  explicit fresh_cache(std::size_t limit) {
    isv::release_cached_blocks();
    isv::set_block_cache_limit(limit);
  }
  ~fresh_cache() {
    isv::release_cached_blocks();
    isv::set_block_cache_limit(isv::block_cache::default_limit);
  }
  fresh_cache(const fresh_cache&) = delete;
  fresh_cache& operator=(const fresh_cache&) = delete;
};

isv::block_cache& cache() { return isv::block_cache::instance(); }

} // namespace

TEST_CASE("block_cache: it is off unless the host turns it on, so a freed table's arrays are freed") {
  isv::release_cached_blocks();
  CHECK(isv::block_cache::default_limit == 0);
  REQUIRE(isv::cached_blocks() == isv::block_cache_usage{0, 0, 0});
  const int deletes = aligned_deletes.load();
  {
    isv::detail::large_array<std::uint64_t> slots(isv::detail::large_array_min_bytes / sizeof(std::uint64_t));
    slots[0] = 1;
  }
  CHECK(aligned_deletes.load() == deletes + 1);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{0, 0, 0});
}

TEST_CASE("block_cache: a freed array is taken again by the next array of its size, without asking operator new") {
  const fresh_cache scope{64 * mib};
  void* first = cache().allocate(block);
  CHECK(reinterpret_cast<std::uintptr_t>(first) % block == 0);
  cache().deallocate(first, block);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{1, block, 64 * mib});
  const int news = aligned_news.load();
  void* again = cache().allocate(block);
  CHECK(again == first);
  CHECK(aligned_news.load() == news);
  CHECK(isv::cached_blocks().blocks == 0);
  cache().deallocate(again, block);
}

TEST_CASE("block_cache: the tables' large arrays come from it and go back to it") {
  const fresh_cache scope{64 * mib};
  const std::size_t n = isv::detail::large_array_min_bytes / sizeof(std::uint64_t);
  const void* first = nullptr;
  {
    isv::detail::large_array<std::uint64_t> slots(n);
    first = slots.data();
  }
  CHECK(isv::cached_blocks().bytes == block);
  isv::detail::large_array<std::uint64_t> again(n);
  CHECK(again.data() == first);
  // Small arrays never reach it.
  { isv::detail::large_array<std::uint64_t> small(16); }
  CHECK(isv::cached_blocks().blocks == 0);
}

TEST_CASE("block_cache: arrays under 2 MiB are page-aligned and rounded to pages, from 2 MiB, to huge pages") {
  const fresh_cache scope{64 * mib};
  CHECK(isv::block_cache::rounded(300'000) == 74 * isv::block_cache::page_alignment); // 303,104
  CHECK(isv::block_cache::rounded(block - 1) == block);
  CHECK(isv::block_cache::rounded(block + 1) == 2 * block);
  void* medium = cache().allocate(300'000);
  CHECK(reinterpret_cast<std::uintptr_t>(medium) % isv::block_cache::page_alignment == 0);
  cache().deallocate(medium, 300'000);
  CHECK(isv::cached_blocks().bytes == 74 * isv::block_cache::page_alignment);
  CHECK(cache().allocate(303'000) == medium); // the same rounded size
  cache().deallocate(medium, 303'000);
  // A table's array of 256 KiB or more comes from the cache; a smaller one does not.
  const void* first = nullptr;
  {
    isv::detail::large_array<std::uint32_t> index(isv::detail::cached_array_min_bytes / sizeof(std::uint32_t));
    first = index.data();
  }
  isv::detail::large_array<std::uint32_t> again(isv::detail::cached_array_min_bytes / sizeof(std::uint32_t));
  CHECK(again.data() == first);
  const auto before = isv::cached_blocks();
  { isv::detail::large_array<std::uint32_t> smaller(isv::detail::cached_array_min_bytes / sizeof(std::uint32_t) - 1); }
  CHECK(isv::cached_blocks() == before);
}

TEST_CASE("block_cache: sizes are not mixed") {
  const fresh_cache scope{64 * mib};
  void* two = cache().allocate(block);
  cache().deallocate(two, block);
  void* four = cache().allocate(2 * block);
  CHECK(four != two);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{1, block, 64 * mib}); // the 2 MiB one is still kept
  cache().deallocate(four, 2 * block);
  CHECK(isv::cached_blocks().bytes == 3 * block);
}

TEST_CASE("block_cache: it keeps no more than its limit, letting the oldest go first, and hands out the newest") {
  const fresh_cache scope{3 * block};
  std::vector<void*> arrays;
  for (int i = 0; i < 4; ++i) arrays.push_back(cache().allocate(block));
  const int deletes = aligned_deletes.load();
  for (void* p : arrays) cache().deallocate(p, block);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{3, 3 * block, 3 * block});
  CHECK(aligned_deletes.load() == deletes + 1); // the oldest, arrays[0], was freed
  void* newest = cache().allocate(block);
  CHECK(newest == arrays[3]);
  cache().deallocate(newest, block);
  // An array larger than the limit is freed at once.
  void* big = cache().allocate(4 * block);
  cache().deallocate(big, 4 * block);
  CHECK(isv::cached_blocks().bytes == 3 * block);
  CHECK(aligned_deletes.load() == deletes + 2);
}

TEST_CASE("block_cache: lowering the limit frees at once, limit 0 keeps nothing, release frees all") {
  const fresh_cache scope{4 * block};
  void* a = cache().allocate(block);
  void* b = cache().allocate(block);
  void* c = cache().allocate(2 * block);
  cache().deallocate(a, block);
  cache().deallocate(b, block);
  cache().deallocate(c, 2 * block);
  CHECK(isv::cached_blocks().bytes == 4 * block);
  isv::set_block_cache_limit(2 * block);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{1, 2 * block, 2 * block}); // a and b, the oldest, went
  CHECK(isv::release_cached_blocks() == 2 * block);
  CHECK(isv::cached_blocks() == isv::block_cache_usage{0, 0, 2 * block});
  isv::set_block_cache_limit(0);
  void* d = cache().allocate(block);
  const int deletes = aligned_deletes.load();
  cache().deallocate(d, block);
  CHECK(aligned_deletes.load() == deletes + 1);
  CHECK(isv::cached_blocks().blocks == 0);
}

TEST_CASE("block_cache: when operator new refuses, it frees what it keeps and asks once more, with nothing kept, the refusal stands") {
  const fresh_cache scope{64 * mib};
  void* kept = cache().allocate(block);
  cache().deallocate(kept, block);
  refuse_next = 1;
  void* got = cache().allocate(2 * block); // refused once, then served after the kept array went
  CHECK(got != nullptr);
  CHECK(isv::cached_blocks().blocks == 0);
  cache().deallocate(got, 2 * block);
  isv::release_cached_blocks();
  refuse_next = 1;
  CHECK_THROWS_AS(cache().allocate(block), std::bad_alloc);
  CHECK(refuse_next.load() == 0);
}
