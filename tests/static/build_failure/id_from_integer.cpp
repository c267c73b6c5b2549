// Must not compile: an id made implicitly from an integer.
#include "isv/traits.hpp"

std::uint64_t user_number() {
  const isv::user_id explicit_id{42}; // happy path
#ifdef ISV_BUILD_FAILURE
  const isv::user_id implicit_id = 42; // offending line: which kind of id would 42 be?
  return implicit_id.value();
#endif
  return explicit_id.value();
}
