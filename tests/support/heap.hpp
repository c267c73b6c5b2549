// Test support: the bytes this process holds on the heap now, to show that repeating something does not grow it.
#pragma once

#include <cstddef>

#if defined(__SANITIZE_ADDRESS__)
#define ISV_TEST_SANITIZER_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ISV_TEST_SANITIZER_HEAP 1
#endif
#endif

#ifdef ISV_TEST_SANITIZER_HEAP
#include <sanitizer/allocator_interface.h>
#else
#include <malloc.h>
#endif

namespace test_support {

/// Bytes allocated and not yet freed: the sanitizer allocator's count under AddressSanitizer,
/// glibc's mallinfo2 (arena and mmapped chunks) otherwise.
inline std::size_t heap_in_use() {
#ifdef ISV_TEST_SANITIZER_HEAP
  return __sanitizer_get_current_allocated_bytes();
#else
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
#endif
}

} // namespace test_support
