// The conformance suite for the in-memory repository.
#include "conformance.hpp"

#include "isv/storage/memory.hpp"

namespace {

struct memory_backend {
  isv::memory_repository repo;
  isv::memory_repository& repository() { return repo; }
};

} // namespace

ISV_REPOSITORY_CONFORMANCE_SUITE(memory_backend, "memory")

// "A user's licenses" probes each subscription's book; across many subscriptions, releases and a
// cancellation, the answer stays exact.
TEST_CASE("memory: a user's licenses stay exact across 70 subscriptions, releases and a cancellation [D-ASSIGN-2]") {
  isv::memory_repository repo;
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  using conformance::admin;
  using conformance::now;
  using conformance::tenant_a;
  using conformance::user;
  std::vector<isv::subscription_id> ids;
  for (std::uint64_t n = 0; n < 70; ++n) {
    ids.push_back(isv::subscription_id{5000 + n});
    conformance::ok(center.purchase(tenant_a, admin, conformance::buy(ids.back(), conformance::isv_app, 2), now));
  }
  // user 1 in subscriptions 0, 62, 63, 69; user 2 in 64 only.
  for (const std::size_t i : {std::size_t{0}, std::size_t{62}, std::size_t{63}, std::size_t{69}})
    conformance::ok(center.assign(tenant_a, admin, {ids[i], {user(1)}, {}}, now));
  conformance::ok(center.assign(tenant_a, admin, {ids[64], {user(2)}, {}}, now));

  const auto held = [&](isv::user_id u) {
    std::vector<isv::subscription_id> out;
    for (const auto& l : conformance::ok(center.licenses_of_user(tenant_a, u))) out.push_back(l.subscription);
    return out;
  };
  CHECK(held(user(1)) == std::vector<isv::subscription_id>{ids[0], ids[62], ids[63], ids[69]});
  CHECK(held(user(2)) == std::vector<isv::subscription_id>{ids[64]});

  const auto release = [&](isv::subscription_id s, isv::user_id u) {
    const auto preview = conformance::ok(center.preview_unassign(tenant_a, admin, {s, {u}, {}}, now)).value;
    conformance::ok(center.confirm_unassign(tenant_a, admin, preview, now));
  };
  release(ids[63], user(1));
  CHECK(held(user(1)) == std::vector<isv::subscription_id>{ids[0], ids[62], ids[69]});
  release(ids[69], user(1));
  release(ids[0], user(1));
  CHECK(held(user(1)) == std::vector<isv::subscription_id>{ids[62]});
  conformance::ok(center.cancel(tenant_a, admin, {ids[62]}, now));
  CHECK(held(user(1)).empty());
  CHECK(held(user(2)) == std::vector<isv::subscription_id>{ids[64]});
}
