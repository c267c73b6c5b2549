// Tests of tenant_state.hpp: a whole tenant changed in place by apply; its log rebuilds it exactly, every value an operation returned included, and another tenant's events change nothing.
#include "fixture_b.hpp"

#include "isv/storage/memory.hpp"
#include "isv/tenant_state.hpp"

#include <set>
#include <span>
#include <vector>

using namespace fixture_b;
using namespace std::chrono;
using isv::errc;

namespace {

const isv::subscription_id seats{20}; // per user, on the main profile
const isv::subscription_id site{21};  // flat rate, on the main profile
const isv::invoice_id bill{30};

/// A tenant taken through purchases, assignments, membership, roles and billing by the library's
/// operations, and the values those operations returned, last one of each kind.
struct scenario {
  world w = make_world();
  isv::subscription seats_returned{};
  isv::tenant tenant_returned{};
  isv::invoice invoice_returned{};

  scenario() {
    w.activate(w.buy(seats, saas_per_user(), 3));
    w.activate(w.buy(site, saas_flat(), std::nullopt));
    w.add_members(sales, {member(1), member(2)});
    seats_returned = w.assign(seats, {member(3)}, {sales}).state;
    const auto granted = must(isv::grant_role(w.org, w.dir, w.actor(global_admin),
                                              isv::role_command{member(9), isv::directory_role::license_administrator}, t0));
    w.record(granted.events);
    tenant_returned = granted.state;
    const auto subs = w.all_subs();
    const auto issued = must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                                issue_command{bill, main_profile}, t0 + days{1}));
    w.record(issued.events);
    invoice_returned = issued.state;
    // The invoice took the subscription's charges (D-PRORATE-1): its events change it too.
    seats_returned = isv::apply_all(seats_returned, issued.events);
  }
};

/// Every event of `log` of the home tenant folded into a fresh state of the tenant as created.
isv::tenant_state replayed(const std::vector<isv::event>& log) {
  isv::tenant_state out{make_tenant()};
  isv::apply(out, log);
  return out;
}

} // namespace

TEST_CASE("applying every event of the log to the tenant as created gives exactly the state the operations returned [D-AUDIT-1]") {
  const scenario s;
  const auto state = replayed(s.w.log);

  CHECK(state == s.w.state);
  CHECK(state.tenant == s.tenant_returned);
  CHECK(state.tenant.has_role(member(9), isv::directory_role::license_administrator));
  REQUIRE(state.find_subscription(seats) != nullptr);
  CHECK(*state.find_subscription(seats) == s.seats_returned);
  REQUIRE(state.find_invoice(bill) != nullptr);
  CHECK(*state.find_invoice(bill) == s.invoice_returned);
  CHECK(state.directory.members(sales) == std::set<isv::user_id>{member(1), member(2)});
  CHECK(state.directory_version == 4); // users added, two groups created, members added

  // Each subscription is also what replaying its own events alone rebuilds.
  for (const auto& id : state.subscription_ids()) {
    const auto alone = must(isv::replay_subscription<traits>(id, s.w.log));
    CHECK(alone.first == *state.find_subscription(id));
    CHECK(alone.second == *state.find_license_book(id));
  }
  CHECK(state.find_license_book(seats)->size() == 3);
  CHECK(state.find_subscription(seats)->licenses_in_use == 3);

  // Each billing profile is the fold of the log into an empty profile.
  for (const auto& [id, profile] : state.profiles) {
    isv::billing_profile folded{};
    for (const auto& e : s.w.log) {
      const auto* created = std::get_if<profile_created>(&e.payload);
      if (folded.version == 0 && (created == nullptr || created->profile != id)) continue;
      folded = isv::apply(std::move(folded), e);
    }
    CHECK(folded == profile);
  }
}

TEST_CASE("the in-memory repository keeps a tenant state that its log rebuilds [D-AUDIT-1]") {
  const scenario s;
  isv::memory_repository repo;
  REQUIRE(repo.create_tenant(make_tenant()).has_value());
  // The whole log in one commit: each event names a value that exists or that an earlier one creates.
  REQUIRE(repo.commit(isv::commit{home_tenant, {}, s.w.log, std::nullopt}).has_value());
  const auto v = repo.read(home_tenant).value();
  CHECK(v.state() == s.w.state);
  CHECK(v.directory_version() == s.w.state.directory_version);
  CHECK(v.subscription_ids() == std::vector<isv::subscription_id>{seats, site});
}

TEST_CASE("apply(state, update) applies every event of an operation: payment and collection change subscriptions too [D-LIFE-4] [D-AUDIT-1]") {
  scenario s;
  auto& w = s.w;
  const auto subs = w.all_subs();

  // Unpaid past its due date: the invoice goes overdue and the subscriptions it bills are suspended.
  const auto overdue = must(isv::collect_overdue(w.invoice(bill), std::span<const isv::subscription>(subs), t0 + days{60}));
  REQUIRE(overdue.state.status == isv::invoice_status::overdue);
  isv::tenant_state state = w.state;
  isv::apply(state, overdue);
  CHECK(*state.find_invoice(bill) == overdue.state);
  CHECK(state.find_subscription(seats)->status == isv::subscription_status::suspended);
  CHECK(state.find_subscription(seats)->lapsed_invoice == bill);
  CHECK(state.find_subscription(site)->status == isv::subscription_status::suspended);
  // Applying only the invoice would have missed them.
  isv::tenant_state invoice_only = w.state;
  invoice_only.invoices.at(bill) = overdue.state;
  CHECK(invoice_only.find_subscription(seats)->status == isv::subscription_status::active);
  CHECK(invoice_only != state);
  w.record(overdue.events);
  CHECK(w.state == state);

  // Paid within the grace: the invoice is paid and the subscriptions are reinstated.
  const auto suspended_subs = w.all_subs();
  const auto paid = must(isv::pay_invoice(w.profile(main_profile), w.invoice(bill), std::span<const isv::subscription>(suspended_subs),
                                          w.actor(global_admin), pay_command{bill, std::nullopt}, t0 + days{61}));
  isv::apply(state, paid);
  CHECK(*state.find_invoice(bill) == paid.state);
  CHECK(state.find_invoice(bill)->status == isv::invoice_status::paid);
  CHECK(state.find_subscription(seats)->status == isv::subscription_status::active);
  CHECK(state.find_subscription(site)->status == isv::subscription_status::active);
  CHECK_FALSE(state.find_subscription(seats)->lapsed_invoice.has_value());
  CHECK(state.find_license_book(seats)->size() == 3); // licenses stayed assigned while suspended
  w.record(paid.events);
  CHECK(state == replayed(w.log));

  // An operation that returns a subscription update and a report applies the same way.
  const auto unassigned_preview = must(isv::preview_unassign(w.sub(seats), w.book(seats), w.dir, w.actor(license_admin),
                                                             isv::unassign_command{seats, {member(3)}, {}}, t0 + days{62}))
                                      .report;
  const auto unassigned = must(isv::confirm_unassign(w.sub(seats), w.book(seats), w.dir, w.actor(license_admin),
                                                     unassigned_preview, t0 + days{62}));
  isv::apply(state, unassigned);
  CHECK(*state.find_subscription(seats) == unassigned.state);
  CHECK_FALSE(state.find_license_book(seats)->holds(member(3)));
}

TEST_CASE("events of another tenant change nothing in a tenant state [D-TENANT-1]") {
  const scenario s;
  isv::tenant_state state = s.w.state;
  for (auto e : s.w.log) {
    e.tenant = other_tenant;
    INFO(isv::event_name<traits>(e.payload));
    isv::apply(state, e);
    REQUIRE(state == s.w.state);
  }
  // Not even a purchase, a profile or an invoice that would be new here.
  for (auto e : s.w.log) {
    e.tenant = other_tenant;
    if (const auto* bought = std::get_if<purchased>(&e.payload)) {
      auto copy = *bought->subscription;
      copy.id = isv::subscription_id{77};
      copy.tenant = other_tenant;
      e.payload = purchased{copy};
      isv::apply(state, e);
    }
  }
  CHECK(state.find_subscription(isv::subscription_id{77}) == nullptr);
  CHECK(state == s.w.state);
}

TEST_CASE("only a purchase, a profile's creation or an invoice's issue brings a value into a tenant state [D-TENANT-1] [D-AUDIT-1]") {
  isv::tenant_state state{make_tenant()};
  const isv::subscription_id unknown{99};
  isv::apply(state, isv::event{home_tenant, global_admin, t0, licenses_granted{unknown, std::nullopt, {member(1)}, {}}});
  isv::apply(state, isv::event{home_tenant, global_admin, t0, quantity_changed{unknown, 1, 5}});
  isv::apply(state, isv::event{home_tenant, global_admin, t0, contact_changed{main_profile, {"Bo", "2 Side Street"}}});
  isv::apply(state, isv::event{home_tenant, std::nullopt, t0, invoice_overdue{bill}});
  CHECK(state.subscriptions.empty());
  CHECK(state.profiles.empty());
  CHECK(state.invoices.empty());
  CHECK(state == isv::tenant_state{make_tenant()});

  // The lookups answer for what exists and nothing else; ids come sorted.
  const scenario s;
  CHECK(s.w.state.find_subscription(unknown) == nullptr);
  CHECK(s.w.state.find_license_book(unknown) == nullptr);
  CHECK(s.w.state.find_billing_profile(isv::billing_profile_id{999}) == nullptr);
  CHECK(s.w.state.find_invoice(isv::invoice_id{999}) == nullptr);
  REQUIRE(s.w.state.find_billing_profile(main_profile) != nullptr);
  CHECK(s.w.state.find_billing_profile(main_profile)->name == "Main");
  CHECK(s.w.state.subscription_ids() == std::vector<isv::subscription_id>{seats, site});
  CHECK(s.w.state.subscription_values().size() == 2);
  CHECK(s.w.state.subscription_values()[0] == *s.w.state.find_subscription(seats));
}
