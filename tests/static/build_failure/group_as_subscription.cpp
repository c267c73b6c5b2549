// Must not compile: a group id passed where a subscription id is expected.
#include "isv/license_book.hpp"

isv::count_t licenses_of_subscription() {
  const isv::license_book book{isv::subscription_id{20}}; // happy path
#ifdef ISV_BUILD_FAILURE
  const isv::license_book wrong{isv::group_id{20}}; // offending line: a group is not a subscription
  return wrong.size();
#endif
  return book.size();
}
