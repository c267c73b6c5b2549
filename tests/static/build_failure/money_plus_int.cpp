// Must not compile: money added to an int (amounts are added only with checked_add, in one currency).
#include "isv/traits.hpp" // isv::money

std::int64_t total_in_cents() {
  const isv::money price{1250, isv::currency{"EUR"}};
  const auto sum = isv::checked_add(price, price); // happy path
#ifdef ISV_BUILD_FAILURE
  const auto wrong = price + 1; // offending line: one what? cent, euro, dollar?
  (void)wrong;
#endif
  return sum ? sum->minor_units : 0;
}
