// Tests that the domain operations are pure: same inputs, same result and events; inputs untouched; time only from the argument (D-PURE-1).
#include "fixture_b.hpp"

using namespace fixture_b;
using namespace std::chrono;
using isv::errc;

namespace {

const isv::subscription_id sub_id{20};

/// An active subscription with 3 seats, a direct license and a group in count violation.
world busy_world() {
  auto w = make_world();
  w.activate(w.buy(sub_id, saas_per_user(), 3));
  w.add_members(sales, {member(2), member(3), member(4)});
  w.add_members(support, {member(5), member(6)});
  w.assign(sub_id, {member(1)}, {sales});
  return w;
}

} // namespace

TEST_CASE("the same inputs give the same result and the same events [D-PURE-1]") {
  const auto w = busy_world();
  const auto& s = w.sub(sub_id);
  const auto& book = w.book(sub_id);
  // Already assigned to member 1; every member of support is left without a seat.
  const isv::assign_command cmd{sub_id, {member(1)}, {support}};

  SECTION("an accepted operation") {
    const auto quantity = isv::change_quantity_command{sub_id, 5};
    const auto first = must(isv::change_quantity(s, w.actor(global_admin), quantity, t0));
    const auto second = must(isv::change_quantity(s, w.actor(global_admin), quantity, t0));
    CHECK(first.state == second.state);
    CHECK(first.events == second.events);
    CHECK_FALSE(first.events.empty());

    const auto a1 = must(isv::assign(s, book, w.dir, w.actor(license_admin), cmd, t0));
    const auto a2 = must(isv::assign(s, book, w.dir, w.actor(license_admin), cmd, t0));
    CHECK(a1.state == a2.state);
    CHECK(a1.events == a2.events);
    CHECK(a1.report == a2.report);
    CHECK(a1.report.already_assigned == std::vector<isv::user_id>{member(1)});
    CHECK(a1.report.violations.size() == 2);
  }
  SECTION("a refused operation") {
    const isv::assign_command too_many{sub_id, {member(5), member(6)}, {}};
    const auto r1 = isv::assign(s, book, w.dir, w.actor(license_admin), too_many, t0);
    const auto r2 = isv::assign(s, book, w.dir, w.actor(license_admin), too_many, t0);
    REQUIRE_FALSE(r1);
    CHECK(r1.error() == r2.error());
  }
  SECTION("the clock and the platform's jobs") {
    CHECK(must(isv::advance_to(s, t0 + days{100})).events == must(isv::advance_to(s, t0 + days{100})).events);
    const auto subs = w.all_subs();
    const auto i1 = must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                            issue_command{isv::invoice_id{30}, main_profile}, t0));
    const auto i2 = must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                            issue_command{isv::invoice_id{30}, main_profile}, t0));
    CHECK(i1.state == i2.state);
    CHECK(i1.events == i2.events);
  }
}

TEST_CASE("operations leave their inputs untouched [D-PURE-1]") {
  const auto w = busy_world();
  const auto copy = w; // every input, by value
  const auto& s = w.sub(sub_id);
  const auto& book = w.book(sub_id);

  (void)isv::assign(s, book, w.dir, w.actor(license_admin), isv::assign_command{sub_id, {member(5)}, {support}}, t0);
  (void)isv::preview_unassign(s, book, w.dir, w.actor(license_admin), isv::unassign_command{sub_id, {member(1)}, {sales}}, t0);
  (void)isv::reprocess(s, book, w.dir, w.actor(license_admin), isv::reprocess_command{sub_id}, t0);
  (void)isv::change_quantity(s, w.actor(global_admin), isv::change_quantity_command{sub_id, 9}, t0);
  (void)isv::cancel(s, w.actor(global_admin), isv::cancel_command{sub_id}, t0);
  (void)isv::advance_to(s, t0 + years{2});
  std::vector<isv::subscription_ref> refs{{&s, &book}};
  (void)isv::add_members(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                         isv::membership_command{sales, {member(8)}}, t0);
  (void)isv::remove_members(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                            isv::remove_members_command{sales, {member(2)}}, t0);
  (void)isv::remove_users(w.org, w.dir, w.profiles(),
                          std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                          isv::remove_users_command{{member(1), member(2)}}, t0);
  (void)isv::delete_group(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin), isv::delete_group_command{sales}, t0);
  (void)isv::name_user(w.dir, w.actor(user_admin), isv::name_user_command{member(1), "Ana"}, t0);
  (void)isv::change_contact_info(w.profile(main_profile), w.actor(global_admin), contact_command{main_profile, {"X", "Y"}}, t0);
  (void)isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{member(1), isv::directory_role::user_administrator}, t0);

  CHECK(w.sub(sub_id) == copy.sub(sub_id));
  CHECK(w.book(sub_id) == copy.book(sub_id));
  CHECK(w.dir == copy.dir);
  CHECK(w.org == copy.org);
  CHECK(w.profile(main_profile) == copy.profile(main_profile));
  CHECK(w.log == copy.log);
}

TEST_CASE("time comes only from the argument [D-PURE-1]") {
  auto w = make_world();
  w.buy(sub_id, saas_per_user(), 3);
  const auto& s = w.sub(sub_id);
  // A moment long before this test ran, and one long after: no hidden clock is consulted.
  const sys_seconds past{sys_days{year{2001} / 3 / 4} + hours{5}};
  const sys_seconds future{sys_days{year{2091} / 7 / 8}};
  const std::pair<sys_seconds, sys_seconds> start_and_end[] = {
      {past, sys_seconds{sys_days{year{2001} / 4 / 4} + hours{5}}},
      {t0, sys_seconds{sys_days{year{2026} / 2 / 15}}},
      {future, sys_seconds{sys_days{year{2091} / 8 / 8}}}};
  for (const auto& [now, end] : start_and_end) {
    const auto update = must(isv::activate(s, w.actor(global_admin), isv::activate_command{sub_id}, now));
    CHECK(update.events.at(0).at == now);
    CHECK(update.state.term_start == now);
    CHECK(update.state.term_end == end);
  }
  const auto activated = must(isv::activate(s, w.actor(global_admin), isv::activate_command{sub_id}, past)).state;
  // advance_to depends on the time passed and the state, nothing else.
  CHECK(must(isv::advance_to(activated, past)).events.empty());
  CHECK(must(isv::advance_to(activated, past + days{31})).events.size() == 2); // the renewal and its charge
  CHECK(must(isv::advance_to(activated, future)).events.size() == must(isv::advance_to(activated, future)).events.size());
  const auto far = must(isv::advance_to(activated, future));
  CHECK(far.events.back().at <= future);
  CHECK(*far.state.term_end > future);
  CHECK(*far.state.term_start <= future);
}
