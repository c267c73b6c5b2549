// Unit tests of isv/operations/access.hpp: check_access answers active, warning or inactive with the reason, from a subscription, its license book and the time.
#include "fixture_a.hpp"

using namespace fixture_a;

namespace {

using std::chrono::days;

} // namespace

TEST_CASE("a licensed user of an active subscription is active, a user without a license is inactive [D-CHECK-1]") {
  world w = world::with_seats(5);
  w.assign({member(1)});

  const auto in = isv::check_access(w.sub, w.book, member(1), now);
  CHECK(in.state == isv::access_state::active);
  CHECK(in.reason == isv::access_reason::licensed);
  CHECK(in.allows_use());
  CHECK(in.subscription == w.sub.id);
  CHECK(in.app == w.sub.app);
  CHECK(in.plan == w.sub.plan);
  CHECK(in.user == member(1));
  CHECK_FALSE(in.until);

  const auto out = isv::check_access(w.sub, w.book, member(2), now);
  CHECK(out.state == isv::access_state::inactive);
  CHECK(out.reason == isv::access_reason::no_license);
  CHECK_FALSE(out.allows_use());
}

TEST_CASE("a license of a suspended subscription warns until the grace ends, then allows no use [D-CHECK-1]") {
  world w = world::with_seats(5);
  w.assign({member(1)});
  w.sub.status = isv::subscription_status::suspended;
  w.sub.grace_ends = now + days{30};

  const auto within = isv::check_access(w.sub, w.book, member(1), now + days{29});
  CHECK(within.state == isv::access_state::warning);
  CHECK(within.reason == isv::access_reason::suspended);
  CHECK(within.until == now + days{30});
  CHECK(within.allows_use());

  // The platform's clock has not deactivated it yet, but the grace is over: no use.
  const auto after = isv::check_access(w.sub, w.book, member(1), now + days{30});
  CHECK(after.state == isv::access_state::inactive);
  CHECK(after.reason == isv::access_reason::grace_ended);
  CHECK(after.until == now + days{30});
  CHECK_FALSE(after.allows_use());

  // Without a license, suspension does not matter: no license is the reason.
  const auto stranger_access = isv::check_access(w.sub, w.book, member(2), now);
  CHECK(stranger_access.state == isv::access_state::inactive);
  CHECK(stranger_access.reason == isv::access_reason::no_license);
  CHECK_FALSE(stranger_access.until);
}

TEST_CASE("a subscription pending activation or deactivated allows no one, and says why [D-CHECK-1]") {
  world w = world::with_seats(5);
  w.assign({member(1)});

  w.sub.status = isv::subscription_status::pending_activation;
  const auto pending = isv::check_access(w.sub, w.book, member(1), now);
  CHECK(pending.state == isv::access_state::inactive);
  CHECK(pending.reason == isv::access_reason::pending_activation);

  w.sub.status = isv::subscription_status::deactivated;
  w.sub.reason = isv::deactivation_reason::nonpayment;
  const auto gone = isv::check_access(w.sub, w.book, member(1), now);
  CHECK(gone.state == isv::access_state::inactive);
  CHECK(gone.reason == isv::access_reason::deactivated);
  CHECK(gone.deactivated_because == isv::deactivation_reason::nonpayment);
  CHECK_FALSE(gone.allows_use());
  // The deactivation is the reason for everyone, licensed or not.
  CHECK(isv::check_access(w.sub, w.book, member(2), now).reason == isv::access_reason::deactivated);
}

TEST_CASE("only active and warning allow use, whatever the reason [D-CHECK-1]") {
  for (const auto state : isv::enum_values<isv::access_state>) {
    isv::access a;
    a.state = state;
    CHECK(a.allows_use() == (state != isv::access_state::inactive));
  }
}

TEST_CASE("a license given through a group counts as a license [D-CHECK-1]") {
  world w = world::with_seats(5);
  w.add_group(sales, {member(3)});
  w.assign({}, {sales});
  CHECK(isv::check_access(w.sub, w.book, member(3), now).state == isv::access_state::active);
  w.unassign({}, {sales});
  CHECK(isv::check_access(w.sub, w.book, member(3), now).reason == isv::access_reason::no_license);
}
