// Must not compile: a record field left out of its BOOST_DESCRIBE_CLASS list would silently drop out of JSON, the SQL record and the idempotency fingerprint (D-IDEM-1), so walking such a record is refused.
#include "isv/fingerprint.hpp"

#include <boost/describe/class.hpp>

#include <cstdint>
#include <optional>

namespace {
struct probe_command {
  int subscription = 0;
  int quantity = 0;
#ifdef ISV_BUILD_FAILURE
  int forgotten = 0;
#endif
  BOOST_DESCRIBE_CLASS(probe_command, (), (subscription, quantity), (), ())
};
} // namespace

std::uint64_t probe_fingerprint() {
  return isv::detail::fingerprint("probe", std::optional<int>{}, probe_command{});
}
