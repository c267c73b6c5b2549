// Must not compile: a user id passed where a group id is expected.
#include "isv/directory.hpp"

bool is_member_of_sales(const isv::directory& dir) {
  const isv::group_id sales{501};
  const isv::user_id alice{7};
  bool found = dir.is_member(sales, alice); // happy path
#ifdef ISV_BUILD_FAILURE
  found = dir.is_member(alice, alice); // offending line: a user is not a group
#endif
  return found;
}
