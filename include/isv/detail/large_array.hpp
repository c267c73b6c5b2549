// Internal: storage for the large arrays of the hash tables (slots, control bytes, entry segments), on transparent huge pages where Linux offers them.
#pragma once

#include "isv/block_cache.hpp"

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace isv::detail {

// At a million licenses every lookup lands on a page of its own: with 4 KiB pages it pays a
// page-table walk on top of its cache miss (on a virtual machine, a walk of the guest's tables
// and of the host's). Arrays of 2 MiB or more are therefore aligned to 2 MiB and marked for
// transparent huge pages, where one TLB entry covers 512 ordinary pages. The mark is a hint:
// where the system has no huge pages to give (or is not Linux), the array has ordinary ones.
// Arrays of 256 KiB or more come from the block cache (isv/block_cache.hpp), which reuses freed
// ones of the same size instead of faulting in fresh pages (the allocator hands arrays that
// large straight back to the system). Smaller arrays are allocated as usual. Both go through
// operator new, so a host that counts or replaces its allocations sees these too.
inline constexpr std::size_t huge_page_bytes = block_cache::alignment;
inline constexpr std::size_t large_array_min_bytes = huge_page_bytes;
inline constexpr std::size_t cached_array_min_bytes = std::size_t{256} << 10;

[[nodiscard]] inline void* allocate_array_bytes(std::size_t bytes) {
  if (bytes < cached_array_min_bytes) return ::operator new(bytes);
  void* p = block_cache::instance().allocate(bytes);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= large_array_min_bytes) (void)::madvise(p, block_cache::rounded(bytes), MADV_HUGEPAGE);
#endif
  return p;
}

inline void deallocate_array_bytes(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < cached_array_min_bytes) ::operator delete(p);
  else block_cache::instance().deallocate(p, bytes);
}

/// Room for `n` objects of T, none constructed.
template <class T>
[[nodiscard]] T* allocate_array(std::size_t n) {
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__, "isv: over-aligned array elements");
  if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
  return static_cast<T*>(allocate_array_bytes(n * sizeof(T)));
}
template <class T>
void deallocate_array(T* p, std::size_t n) noexcept {
  deallocate_array_bytes(p, n * sizeof(T));
}

/// A fixed-size array of default-initialised T (left uninitialised when T is trivial: a new
/// table of a million slots writes none of them), from allocate_array.
template <class T>
class large_array {
public:
  large_array() = default;
  explicit large_array(std::size_t n) : data_(n == 0 ? nullptr : allocate_array<T>(n)), size_(n) {
    try {
      std::uninitialized_default_construct_n(data_, n);
    } catch (...) {
      deallocate_array(data_, n);
      throw;
    }
  }
  large_array(const large_array&) = delete;
  large_array& operator=(const large_array&) = delete;
  large_array(large_array&& o) noexcept : data_(std::exchange(o.data_, nullptr)), size_(std::exchange(o.size_, 0)) {}
  large_array& operator=(large_array&& o) noexcept {
    if (this != &o) {
      release();
      data_ = std::exchange(o.data_, nullptr);
      size_ = std::exchange(o.size_, 0);
    }
    return *this;
  }
  ~large_array() { release(); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return data_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }

private:
  void release() noexcept {
    if (data_ == nullptr) return;
    std::destroy_n(data_, size_);
    deallocate_array(data_, size_);
    data_ = nullptr;
    size_ = 0;
  }

  T* data_ = nullptr;
  std::size_t size_ = 0;
};

} // namespace isv::detail
