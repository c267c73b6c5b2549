// Tests of evolve.hpp: a long life of a subscription logged event by event; replaying the log rebuilds the subscription and its license book exactly (D-AUDIT-1).
#include "fixture_b.hpp"

#include <set>

using namespace fixture_b;
using namespace std::chrono;
using isv::errc;

namespace {

const isv::subscription_id seats{20}; // per user, the one the scenario follows
const isv::subscription_id site{21};  // flat rate, whose events interleave in the log

/// The world plus the subscription as the operations returned it, checked against a replay of the
/// whole log after every step.
struct audit {
  world w = make_world();
  isv::subscription live{};

  void verify() {
    REQUIRE(w.state.find_subscription(seats) != nullptr);
    const auto replayed = must(isv::replay_subscription<traits>(seats, w.log));
    CHECK(replayed.first == live);
    CHECK(replayed.second == w.book(seats));
    CHECK(replayed.first.licenses_in_use == replayed.second.size());
    CHECK(w.sub(seats) == live);
    if (w.state.find_subscription(site) != nullptr) {
      const auto other = must(isv::replay_subscription<traits>(site, w.log));
      CHECK(other.first == w.sub(site));
    }
  }
  /// An operation's events, recorded and folded into the live subscription.
  void took(const std::vector<isv::event>& events) {
    w.record(events);
    live = isv::apply_all(live, events);
    verify();
  }
  /// The same, for an operation that returns the subscription: its state must be the fold.
  template <class Update>
  void took_update(const Update& u) {
    took(u.events);
    CHECK(u.state == live);
  }
};

} // namespace

TEST_CASE("replaying the log of a long life rebuilds the subscription and its license book exactly [D-AUDIT-1]") {
  audit a;
  auto& w = a.w;
  const auto at = [](int day) { return t0 + days{day}; };

  // Bought, activated; the flat-rate one too.
  w.buy(seats, saas_per_user(), 3);
  a.live = w.sub(seats);
  a.verify();
  w.activate(w.buy(site, saas_flat(), std::nullopt));
  a.took_update(must(isv::activate(a.live, w.actor(billing_admin), isv::activate_command{seats}, at(1))));

  // Groups filled, then users and a group assigned: one seat short.
  w.add_members(sales, {member(2), member(3), member(4)}, at(2));
  w.add_members(support, {member(4), member(6)}, at(2));
  const auto first = must(isv::assign(a.live, w.book(seats), w.dir, w.actor(license_admin),
                                      isv::assign_command{seats, {member(1), member(2)}, {sales}}, at(3)));
  CHECK(first.report.violations == std::vector<isv::count_violation>{{member(4), sales, isv::violation_reason::count_violation}});
  a.took_update(first);

  // A new member of the group is left out too.
  {
    std::vector<isv::subscription_ref> refs{{&w.sub(seats), &w.book(seats)}};
    a.took(must(isv::add_members(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                                 isv::membership_command{sales, {member(5)}}, at(4))).events);
  }
  CHECK(w.book(seats).violation_count() == 2);

  // More seats; reprocessing serves those left out.
  a.took_update(must(isv::change_quantity(a.live, w.actor(global_admin), isv::change_quantity_command{seats, 6}, at(5))));
  const auto served = must(isv::reprocess(a.live, w.book(seats), w.dir, w.actor(license_admin), isv::reprocess_command{seats}, at(6)));
  CHECK(served.report.licenses_added == 2);
  a.took_update(served);
  CHECK(w.book(seats).violation_count() == 0);

  // A second group: one member holds a license already (one license, two paths).
  a.took_update(must(isv::assign(a.live, w.book(seats), w.dir, w.actor(user_admin), isv::assign_command{seats, {}, {support}}, at(7))));
  CHECK(w.book(seats).find(member(4))->groups == std::vector<isv::group_id>{sales, support});
  CHECK(a.live.licenses_in_use == 6);

  // Leaving a group takes that group's license.
  {
    std::vector<isv::subscription_ref> refs{{&w.sub(seats), &w.book(seats)}, {&w.sub(site), &w.book(site)}};
    a.took(must(isv::remove_members(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                                    isv::remove_members_command{sales, {member(3)}}, at(8))).events);
  }
  CHECK_FALSE(w.book(seats).holds(member(3)));

  // Unassigned in two steps: a user's direct license and a whole group.
  const auto previewed = must(isv::preview_unassign(a.live, w.book(seats), w.dir, w.actor(license_admin),
                                                    isv::unassign_command{seats, {member(1)}, {support}}, at(9)));
  a.took_update(previewed); // a preview is an update with no events: the subscription as it was
  const auto& preview = previewed.report;
  CHECK(preview.losing_license == std::vector<isv::user_id>{member(1), member(6)});
  CHECK(preview.keeping_license == std::vector<isv::user_id>{member(4)});
  a.took_update(must(isv::confirm_unassign(a.live, w.book(seats), w.dir, w.actor(license_admin), preview, at(9))));
  CHECK(a.live.licenses_in_use == 3);

  // Fewer seats, another billing profile, a role granted, the flat-rate one cancelled.
  a.took_update(must(isv::change_quantity(a.live, w.actor(billing_admin), isv::change_quantity_command{seats, 4}, at(10))));
  a.took_update(must(isv::change_billing_profile(a.live, w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                                 change_profile_command{seats, second_profile}, at(11))));
  a.took(must(isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{member(9), isv::directory_role::license_administrator},
                              at(11)))
              .events);
  a.took(must(isv::cancel(w.sub(site), w.actor(global_admin), isv::cancel_command{site}, at(12))).events);

  // The clock: a renewal; an invoice goes overdue and suspends the subscription.
  a.took_update(must(isv::advance_to(a.live, at(40))));
  CHECK(a.live.term_start == sys_seconds{sys_days{year{2026} / 2 / 16}});
  {
    const auto subs = w.all_subs();
    a.took(must(isv::issue_invoice(w.profile(second_profile), std::span<const isv::subscription>(subs),
                                   issue_command{isv::invoice_id{30}, second_profile}, at(40)))
               .events);
  }
  a.took_update(must(isv::advance_to(a.live, at(70))));
  {
    const auto subs = w.all_subs();
    a.took(must(isv::collect_overdue(w.invoice(isv::invoice_id{30}), std::span<const isv::subscription>(subs), at(70))).events);
  }
  REQUIRE(a.live.status == isv::subscription_status::suspended);

  // While suspended a new group member is listed, not licensed.
  w.add_members(sales, {member(7)}, at(71)); // the fixture's add_members passes every subscription
  a.live = w.sub(seats);
  a.verify();
  CHECK(w.book(seats).violations() ==
        std::vector<isv::count_violation>{{member(7), sales, isv::violation_reason::suspended}});

  // Paid within the grace: reinstated; reprocessing gives the waiting member the free seat.
  {
    const auto subs = w.all_subs();
    a.took(must(isv::pay_invoice(w.profile(second_profile), w.invoice(isv::invoice_id{30}), std::span<const isv::subscription>(subs),
                                 w.actor(global_admin), pay_command{isv::invoice_id{30}, std::nullopt}, at(75)))
               .events);
  }
  REQUIRE(a.live.status == isv::subscription_status::active);
  a.took_update(must(isv::reprocess(a.live, w.book(seats), w.dir, w.actor(license_admin), isv::reprocess_command{seats}, at(76))));
  CHECK(w.book(seats).holds(member(7)));
  CHECK(a.live.licenses_in_use == 4);

  // Auto-renew off: it expires at the end of the term, and every license goes.
  a.took_update(must(isv::set_auto_renew(a.live, w.actor(billing_admin), isv::auto_renew_command{seats, false}, at(77))));
  a.took_update(must(isv::advance_to(a.live, at(400))));
  CHECK(a.live.status == isv::subscription_status::deactivated);
  CHECK(a.live.reason == isv::deactivation_reason::expired);
  CHECK(w.book(seats).size() == 0);

  // The log holds every kind of change the scenario made to the subscription.
  std::set<std::string_view> kinds;
  for (const auto& e : w.log)
    if (isv::subscription_of(e) == seats) kinds.insert(isv::event_name<traits>(e.payload));
  const std::set<std::string_view> expected{
      "subscription_purchased", "subscription_activated", "licenses_granted", "licenses_released", "group_assigned",
      "group_unassigned", "violations_recorded", "violations_cleared", "quantity_changed", "billing_profile_changed",
      "subscription_renewed", "subscription_suspended", "subscription_reinstated", "auto_renew_changed",
      "subscription_deactivated", "charge_recorded", "charges_invoiced"};
  CHECK(kinds == expected);
  CHECK(a.live.version == static_cast<isv::count_t>(std::count_if(w.log.begin(), w.log.end(), [](const auto& e) {
          return isv::subscription_of(e) == seats;
        })));

  // Who, when and which tenant: users for what admins did, nobody for what the platform did.
  const std::set<std::string_view> by_platform{"subscription_renewed", "subscription_suspended", "invoice_issued",
                                               "invoice_overdue", "charges_invoiced"};
  const std::set<isv::user_id> admins{global_admin, billing_admin, license_admin, user_admin};
  for (const auto& e : w.log) {
    const auto name = isv::event_name<traits>(e.payload);
    INFO(name);
    CHECK(e.tenant == home_tenant);
    CHECK(e.at >= t0);
    if (by_platform.contains(name)) {
      CHECK_FALSE(e.actor);
    } else if (name == "subscription_deactivated" && subscription_of(e) == seats) {
      CHECK_FALSE(e.actor); // the term ran out
    } else if (name == "charge_recorded") {
      if (e.actor) CHECK(admins.contains(*e.actor)); // stamped like the activation, change or renewal that made it
    } else {
      REQUIRE(e.actor);
      CHECK(admins.contains(*e.actor));
    }
  }

  // The other entities are folds of the same log.
  CHECK(isv::apply_all(make_tenant(), w.log) == w.org);
  CHECK(w.org.has_role(member(9), isv::directory_role::license_administrator));
  CHECK(isv::apply_all(isv::billing_profile{}, w.log) == w.profile(main_profile)); // the first profile created
  CHECK(isv::apply_all(isv::invoice{}, w.log) == w.invoice(isv::invoice_id{30}));
  isv::directory dir{home_tenant};
  for (const auto& e : w.log) isv::apply(dir, e);
  CHECK(dir == w.dir);
}

TEST_CASE("replay refuses a log without the subscription's purchase [D-AUDIT-1, D-ERR-1]") {
  auto w = make_world();
  w.activate(w.buy(seats, saas_per_user(), 3));
  w.assign(seats, {member(1)});

  CHECK_THAT(refused(isv::replay_subscription<traits>(isv::subscription_id{99}, w.log), errc::not_found),
             has("holds no purchase of subscription 99"));

  std::vector<isv::event> truncated;
  for (const auto& e : w.log)
    if (!std::holds_alternative<purchased>(e.payload)) truncated.push_back(e);
  CHECK_THAT(refused(isv::replay_subscription<traits>(seats, truncated), errc::invalid_argument),
             has("does not start subscription 20 with its purchase"));

  // The log of one subscription alone is enough: other events are skipped.
  std::vector<isv::event> own;
  for (const auto& e : w.log)
    if (isv::subscription_of(e) == seats) own.push_back(e);
  const auto replayed = must(isv::replay_subscription<traits>(seats, own));
  CHECK(replayed.first == w.sub(seats));
  CHECK(replayed.second == w.book(seats));
}

TEST_CASE("apply leaves alone what an event does not concern [D-AUDIT-1]") {
  auto w = make_world();
  w.activate(w.buy(seats, saas_per_user(), 3));
  w.activate(w.buy(site, saas_flat(), std::nullopt));
  const auto s = w.sub(seats);

  // Another subscription's change, and a second purchase event, leave it as it is.
  const auto cancel = must(isv::cancel(w.sub(site), w.actor(global_admin), isv::cancel_command{site}, t0));
  CHECK(isv::apply(s, cancel.events[0]) == s);
  const auto purchase_of_site = std::find_if(w.log.begin(), w.log.end(), [](const auto& e) {
    return std::holds_alternative<purchased>(e.payload) && isv::subscription_of(e) == site;
  });
  REQUIRE(purchase_of_site != w.log.end());
  CHECK(isv::apply(s, *purchase_of_site) == s);

  // Another tenant's events leave the tenant and the directory alone.
  auto foreign = cancel.events[0];
  foreign.tenant = other_tenant;
  foreign.payload = role_granted{member(1), isv::directory_role::global_administrator};
  CHECK(isv::apply(w.org, foreign) == w.org);
  auto dir = w.dir;
  foreign.payload = isv::basic_users_added<traits>{{isv::user_id{999}}};
  isv::apply(dir, foreign);
  CHECK(dir == w.dir);

  // A license book ignores another subscription's licenses.
  auto book = w.book(seats);
  isv::event grant = cancel.events[0];
  grant.payload = licenses_granted{site, std::nullopt, {member(1)}, {}};
  isv::apply(book, grant);
  CHECK(book == w.book(seats));
}
