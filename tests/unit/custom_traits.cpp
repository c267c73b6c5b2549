// Tests that the whole flow works with a traits type of the caller's: std::string ids and long long money (D-AUDIT-1, D-ERR-1, D-TENANT-1).
#include "support/catch.hpp"

#include "isv/licensing.hpp"

#include <chrono>
#include <span>
#include <string>
#include <vector>

namespace {

/// Ids as the caller's own strings ("alice", "timesheets-2026").
struct named_traits {
  using id_rep = std::string;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = long long;
};
static_assert(isv::licensing_traits<named_traits>);

using T = named_traits;
using user = isv::user_id_t<T>;
using group = isv::group_id_t<T>;
using money = isv::money_t<T>;

const std::chrono::sys_seconds t0{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};
const isv::tenant_id_t<T> contoso{"contoso"};
const isv::subscription_id_t<T> sub_id{"timesheets-2026"};
const isv::billing_profile_id_t<T> profile_id{"main"};
const isv::payment_method_id_t<T> card{"card-1"};
const user alice{"alice"}, bob{"bob"}, carol{"carol"}, dave{"dave"}, erin{"erin"}, lars{"lars"};
const group sales{"sales"};

template <class R>
auto must(const R& r) {
  if (!r) FAIL(isv::to_string(r.error().code) << ": " << r.error().message);
  return r.value();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The tenant's state, changed only by the events the operations return.
struct state {
  isv::basic_tenant<T> org{contoso, "Contoso", "FR",
                           {{contoso, alice, isv::directory_role::global_administrator},
                            {contoso, lars, isv::directory_role::license_administrator}},
                           0};
  isv::basic_directory<T> dir{contoso};
  isv::basic_subscription<T> sub{};
  isv::basic_license_book<T> book{sub_id};
  isv::basic_billing_profile<T> profile{};
  isv::basic_invoice<T> invoice{};
  std::vector<isv::basic_event<T>> log;

  void record(const std::vector<isv::basic_event<T>>& events) {
    for (const auto& e : events) {
      log.push_back(e);
      org = isv::apply(org, e);
      isv::apply(dir, e);
      sub = isv::apply(sub, e);
      isv::apply(book, e);
      profile = isv::apply(profile, e);
      invoice = isv::apply(invoice, e);
    }
  }
};

} // namespace

TEST_CASE("the whole flow with string ids: buy, activate, assign, reprocess, unassign, invoice, pay, renew, cancel, replay [D-AUDIT-1]") {
  state s;
  const auto admin = s.org.actor(alice);
  const auto licenser = s.org.actor(lars);

  s.record(must(isv::add_users(s.dir, admin, isv::basic_add_users_command<T>{{alice, bob, carol, dave, erin, lars}}, t0)).events);
  s.record(must(isv::create_group(s.dir, admin, isv::basic_create_group_command<T>{sales, "Sales"}, t0)).events);
  {
    const std::vector<isv::basic_subscription_ref<T>> none;
    s.record(must(isv::add_members(s.dir, none, admin,
                                   isv::basic_membership_command<T>{sales, {dave, carol}}, t0)).events);
  }
  CHECK(s.dir.members(sales).size() == 2);

  s.record(must(isv::create_billing_profile(s.org, admin, isv::basic_create_billing_profile_command<T>{profile_id, "Main", {"Alice", "Paris"}}, t0)).events);
  s.record(must(isv::add_payment_method(s.profile, admin,
                                        isv::basic_add_payment_method_command<T>{profile_id, {card, isv::payment_method_kind::credit_card, "Visa"}},
                                        t0))
               .events);
  CHECK(s.profile.default_payment_method == card);

  const isv::basic_app<T> app{isv::app_id_t<T>{"timesheets"}, "Timesheets", "Contoso Apps", isv::app_kind::saas,
                              isv::pricing_model::per_user, money{1250, isv::currency{"EUR"}}, money{12000, isv::currency{"EUR"}}, std::nullopt};
  s.record(must(isv::purchase(s.org, app, std::span(&s.profile, 1), {}, admin,
                              isv::basic_purchase_command<T>{sub_id, app.id, isv::acquisition_channel::direct, isv::billing_term::monthly, 2,
                                                             true, profile_id, true},
                              t0))
               .events);
  CHECK(s.sub.id == sub_id);
  s.record(must(isv::activate(s.sub, admin, isv::basic_activate_command<T>{sub_id}, t0)).events);
  CHECK(s.sub.status == isv::subscription_status::active);

  // Two seats: bob directly, then the group; carol gets the last seat, dave is listed.
  const auto assigned = must(isv::assign(s.sub, s.book, s.dir, licenser, isv::basic_assign_command<T>{sub_id, {bob}, {sales}}, t0));
  REQUIRE(assigned.report.violations.size() == 1);
  CHECK(assigned.report.violations[0].user == dave);
  s.record(assigned.events);
  CHECK(s.book.holds(bob));
  CHECK(s.book.holds(carol));
  CHECK(s.book.in_violation(dave, sales));

  // Messages name the caller's ids.
  const auto full = isv::assign(s.sub, s.book, s.dir, licenser, isv::basic_assign_command<T>{sub_id, {erin}, {}}, t0);
  REQUIRE_FALSE(full);
  CHECK(full.error().code == isv::errc::seats_exhausted);
  CHECK(contains(full.error().message, "subscription timesheets-2026 has 0 free"));
  const auto stranger = isv::basic_tenant<T>{isv::tenant_id_t<T>{"fabrikam"}, "Fabrikam", "FR",
                                             {{isv::tenant_id_t<T>{"fabrikam"}, alice, isv::directory_role::global_administrator}}, 0}
                            .actor(alice);
  const auto foreign = isv::cancel(s.sub, stranger, isv::basic_cancel_command<T>{sub_id}, t0);
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().code == isv::errc::wrong_tenant);
  CHECK(contains(foreign.error().message, "subscription timesheets-2026 belongs to tenant contoso, not to tenant fabrikam"));

  // A third seat; reprocessing serves dave.
  s.record(must(isv::change_quantity(s.sub, admin, isv::basic_change_quantity_command<T>{sub_id, 3}, t0)).events);
  s.record(must(isv::reprocess(s.sub, s.book, s.dir, licenser, isv::basic_reprocess_command<T>{sub_id}, t0)).events);
  CHECK(s.book.holds(dave));
  CHECK(s.book.violation_count() == 0);

  // Unassign bob in two steps.
  const auto preview = must(isv::preview_unassign(s.sub, s.book, s.dir, licenser, isv::basic_unassign_command<T>{sub_id, {bob}, {}}, t0)).report;
  CHECK(preview.losing_license == std::vector<user>{bob});
  s.record(must(isv::confirm_unassign(s.sub, s.book, s.dir, licenser, preview, t0)).events);
  CHECK_FALSE(s.book.holds(bob));
  CHECK(s.sub.licenses_in_use == 2);

  // Invoiced for three seats, paid with the default card.
  {
    const std::vector<isv::basic_subscription<T>> subs{s.sub};
    s.record(must(isv::issue_invoice(s.profile, subs,
                                     isv::basic_issue_invoice_command<T>{isv::invoice_id_t<T>{"inv-1"}, profile_id}, t0))
                 .events);
    CHECK(s.invoice.total == money{3750, isv::currency{"EUR"}});
    s.record(must(isv::pay_invoice(s.profile, s.invoice, subs, admin,
                                   isv::basic_pay_invoice_command<T>{isv::invoice_id_t<T>{"inv-1"}, std::nullopt}, t0 + std::chrono::days{2}))
                 .events);
    CHECK(s.invoice.status == isv::invoice_status::paid);
    CHECK(s.invoice.paid_with == card);
  }

  // A renewal, a role granted, then cancelled.
  s.record(must(isv::advance_to(s.sub, t0 + std::chrono::days{40})).events);
  CHECK(s.sub.term_start == std::chrono::sys_seconds{std::chrono::sys_days{std::chrono::year{2026} / 2 / 15}});
  s.record(must(isv::grant_role(s.org, s.dir, admin, isv::basic_role_command<T>{bob, isv::directory_role::user_administrator}, t0)).events);
  CHECK(s.org.has_role(bob, isv::directory_role::user_administrator));
  s.record(must(isv::cancel(s.sub, admin, isv::basic_cancel_command<T>{sub_id}, t0 + std::chrono::days{41})).events);
  CHECK(s.sub.status == isv::subscription_status::deactivated);
  CHECK(s.book.size() == 0);

  // The log rebuilds the subscription and its book.
  const auto replayed = must(isv::replay_subscription<T>(sub_id, s.log));
  CHECK(replayed.first == s.sub);
  CHECK(replayed.second == s.book);
  for (const auto& e : s.log) CHECK(e.tenant == contoso);
}
