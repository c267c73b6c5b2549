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

// The user index of the in-memory repository answers "a user's licenses" without probing every
// subscription; with more subscriptions than the index has exact bits, the answer stays exact.
TEST_CASE("memory: the user index stays exact past 63 subscriptions and across releases [D-ASSIGN-2]") {
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
  {
    auto v = conformance::ok(repo.read(tenant_a));
    CHECK(v.subscriptions_of_user(user(1)) == std::vector<isv::subscription_id>{ids[0], ids[62], ids[63], ids[69]});
    CHECK(v.subscriptions_of_user(user(3)).empty());
  }

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

// The holder index is an open-addressing table: removals must keep every other key findable.
TEST_CASE("memory: the holder index keeps every key findable through growth and removals") {
  isv::detail::holder_index<isv::user_id> index;
  for (std::uint64_t n = 0; n < 5000; ++n) index.set(isv::user_id{n}, static_cast<std::uint32_t>(n % 3));
  CHECK(index.size() == 5000);
  for (std::uint64_t n = 0; n < 5000; n += 2) index.clear(isv::user_id{n}, static_cast<unsigned>(n % 3));
  CHECK(index.size() == 2500);
  for (std::uint64_t n = 0; n < 5000; ++n) {
    const std::uint64_t expected = n % 2 == 0 ? 0 : std::uint64_t{1} << (n % 3);
    REQUIRE(index.get(isv::user_id{n}) == expected);
  }
  index.set(isv::user_id{1}, 70); // beyond the exact bits: the overflow bit
  CHECK(index.get(isv::user_id{1}) == ((std::uint64_t{1} << 1) | (std::uint64_t{1} << 63)));
}
