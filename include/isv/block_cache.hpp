// isv::block_cache: freed large arrays of the library's tables (256 KiB and more), kept for reuse up to a limit the host sets.
#pragma once

#include <cstddef>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

// What it is for: a table of a million entries lives in arrays of several MiB, and the allocator
// hands arrays that large straight back to the system when they are freed. The next table of that
// size (a tenant loaded again, a book rebuilt from its events) then writes to fresh pages, and
// each fresh page costs a fault and the zeroing of its memory; on a virtual machine whose host
// reclaims the guest's free memory, 2 to 8 us per 4 KiB page. A host that loads and frees large
// tenants one after another may therefore let the library keep freed arrays here, up to a limit
// it sets with set_block_cache_limit, and an array of the same size is then taken from here
// before the allocator is asked.
//
// It is off by default (limit 0): what the cache keeps is memory the host cannot use for anything
// else (up to the limit, held after every tenant is freed), and the benchmarks showed what it
// gains is one process reusing memory it freed moments before, not what a host's first tenant
// sees (benchmarks/RESULTS.md). The arrays come from operator new and go back to operator
// delete when the cache lets them go, so a host that counts its allocations counts the kept ones
// as held. ISV_BLOCK_CACHE_DEFAULT_LIMIT sets the limit a program starts with.

#ifndef ISV_BLOCK_CACHE_DEFAULT_LIMIT
#define ISV_BLOCK_CACHE_DEFAULT_LIMIT 0
#endif

namespace isv {

/// What the cache holds: how many arrays, their bytes, and the most it may hold.
struct block_cache_usage {
  std::size_t blocks = 0;
  std::size_t bytes = 0;
  std::size_t limit = 0;
  friend bool operator==(const block_cache_usage&, const block_cache_usage&) = default;
};

/// The process's one cache of freed large arrays (thread-safe). An array of 2 MiB or more is
/// aligned to `alignment` (2 MiB, a huge page) and its size rounded up to a multiple of it; a
/// smaller one is aligned to and rounded up to `page_alignment`. Only arrays of the same rounded
/// size are reused.
class block_cache {
public:
  static constexpr std::size_t alignment = std::size_t{2} << 20;
  static constexpr std::size_t page_alignment = std::size_t{4} << 10;
  static constexpr std::size_t default_limit = ISV_BLOCK_CACHE_DEFAULT_LIMIT;

  /// The cache the library's tables use. Never destroyed: tables freed while the program exits
  /// (static ones) still reach it.
  static block_cache& instance() {
    alignas(block_cache) static unsigned char storage[sizeof(block_cache)];
    static block_cache* const cache = ::new (storage) block_cache();
    return *cache;
  }

  /// The alignment of an array of `bytes`, and the size it is rounded up to.
  [[nodiscard]] static constexpr std::size_t alignment_for(std::size_t bytes) noexcept {
    return bytes >= alignment ? alignment : page_alignment;
  }
  [[nodiscard]] static constexpr std::size_t rounded(std::size_t bytes) noexcept {
    const std::size_t a = alignment_for(bytes);
    return (bytes + a - 1) & ~(a - 1);
  }

  /// An array of at least `bytes`, rounded(bytes) in all: a kept one of that size if there is
  /// one, else a new one. If operator new fails, the kept arrays are freed and it is asked once more.
  [[nodiscard]] void* allocate(std::size_t bytes) {
    bytes = rounded(bytes);
    if (void* kept = take(bytes)) return kept;
    try {
      return ::operator new(bytes, std::align_val_t{alignment_for(bytes)});
    } catch (const std::bad_alloc&) {
      if (release() == 0) throw;
      return ::operator new(bytes, std::align_val_t{alignment_for(bytes)});
    }
  }
  /// Takes back an array from allocate(bytes): kept if it fits within the limit (the oldest kept
  /// ones are let go to make room), else freed.
  void deallocate(void* p, std::size_t bytes) noexcept {
    if (p == nullptr) return;
    bytes = rounded(bytes);
    std::vector<block> freed;
    {
      const std::lock_guard lock{mutex_};
      if (bytes <= limit_) {
        try {
          kept_.push_back({p, bytes});
          bytes_ += bytes;
          p = nullptr;
        } catch (const std::bad_alloc&) {
          // no room to note it: free it below
        }
        freed = trim_locked();
      }
    }
    if (p != nullptr) free_block({p, bytes});
    for (const auto& b : freed) free_block(b);
  }

  /// Sets the most the cache may hold; 0 keeps nothing. Kept arrays beyond it are freed, oldest first.
  void set_limit(std::size_t bytes) {
    std::vector<block> freed;
    {
      const std::lock_guard lock{mutex_};
      limit_ = bytes;
      freed = trim_locked();
    }
    for (const auto& b : freed) free_block(b);
  }
  /// Frees every kept array; returns the bytes freed.
  std::size_t release() noexcept {
    std::vector<block> freed;
    {
      const std::lock_guard lock{mutex_};
      freed.swap(kept_);
      bytes_ = 0;
    }
    std::size_t total = 0;
    for (const auto& b : freed) {
      total += b.bytes;
      free_block(b);
    }
    return total;
  }
  [[nodiscard]] block_cache_usage usage() const {
    const std::lock_guard lock{mutex_};
    return {kept_.size(), bytes_, limit_};
  }

private:
  struct block {
    void* p;
    std::size_t bytes;
  };

  block_cache() = default;

  // The most recently kept array of that size: the likeliest to be in the caches still.
  void* take(std::size_t bytes) noexcept {
    const std::lock_guard lock{mutex_};
    for (auto it = kept_.rbegin(); it != kept_.rend(); ++it) {
      if (it->bytes != bytes) continue;
      void* p = it->p;
      kept_.erase(std::next(it).base());
      bytes_ -= bytes;
      return p;
    }
    return nullptr;
  }
  // Removes the oldest kept arrays until the rest fit the limit; the caller frees them unlocked.
  std::vector<block> trim_locked() noexcept {
    std::size_t n = 0;
    std::size_t dropped = 0;
    while (n < kept_.size() && bytes_ - dropped > limit_) dropped += kept_[n++].bytes;
    std::vector<block> out;
    if (n == 0) return out;
    try {
      out.assign(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(n));
    } catch (const std::bad_alloc&) {
      for (std::size_t i = 0; i < n; ++i) free_block(kept_[i]); // rare: free them under the lock
    }
    kept_.erase(kept_.begin(), kept_.begin() + static_cast<std::ptrdiff_t>(n));
    bytes_ -= dropped;
    return out;
  }
  static void free_block(const block& b) noexcept { ::operator delete(b.p, std::align_val_t{alignment_for(b.bytes)}); }

  mutable std::mutex mutex_;
  std::vector<block> kept_{}; ///< oldest first
  std::size_t bytes_ = 0;
  std::size_t limit_ = default_limit;
};

/// Sets the most bytes of freed large arrays the library keeps for reuse (0: none).
inline void set_block_cache_limit(std::size_t bytes) { block_cache::instance().set_limit(bytes); }
/// Frees the large arrays the library keeps for reuse; returns their bytes.
inline std::size_t release_cached_blocks() noexcept { return block_cache::instance().release(); }
/// What the library keeps for reuse now.
[[nodiscard]] inline block_cache_usage cached_blocks() { return block_cache::instance().usage(); }

} // namespace isv
