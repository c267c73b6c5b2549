// Test support for the JSON suite: one sample of every type with a wire format, every optional filled and empty, and helpers to check round trips and faults.
#pragma once

#include "support/catch.hpp"

#include "isv/json.hpp"
#include "isv/licensing.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace samples {

using T = isv::default_traits;

inline std::chrono::sys_seconds at(int y, unsigned m, unsigned d, int h = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} + std::chrono::hours{h};
}
inline isv::money eur(std::int64_t minor_units) { return {minor_units, isv::currency{"EUR"}}; }

inline isv::tenant_id tenant_id{1};
inline isv::subscription_id subscription_id{7};
inline isv::app_id app_id{3};
inline isv::billing_profile_id profile_id{5};
inline isv::invoice_id invoice_id{900};
inline isv::payment_method_id card_id{41};
inline isv::group_id sales{20};
inline isv::group_id support{21};

inline isv::admin_role admin_role() { return {tenant_id, isv::user_id{10}, isv::directory_role::global_administrator}; }

inline isv::tenant tenant() {
  isv::tenant t;
  t.id = tenant_id;
  t.name = "Contoso Zoë Müller & Søn 🚀"; // UTF-8 beyond ASCII passes as it is
  t.region = "Germany"; // as release 0.1.0 wrote it: the golden bytes keep the old name
  t.admin_roles = {admin_role(), {tenant_id, isv::user_id{11}, isv::directory_role::license_administrator}};
  t.version = 2;
  return t;
}

/// tenant() as JSON decoding reads it today: the old region name is its ISO 3166-1 code (D-BUY-5).
inline isv::tenant tenant_read_today() {
  auto t = tenant();
  t.region = "DE";
  return t;
}

inline isv::app app() {
  return {app_id, "Fabrikam Planner", "Fabrikam", isv::app_kind::isv, isv::pricing_model::per_user, eur(1000), eur(10000),
          "https://fabrikam.example/install"};
}

/// Sold monthly only: the annual price is the core's "no price" (no currency), null on the wire.
inline isv::app monthly_only_app() {
  return {isv::app_id{4}, "Northwind Sites", "Northwind", isv::app_kind::saas, isv::pricing_model::flat_rate, eur(50000),
          isv::money{}, std::nullopt};
}

/// Fields added after release 0.1.0, set (D-PLAN-1, D-PRORATE-1): an app with plans, a
/// subscription on one with charges not yet invoiced, a proration line.
inline isv::app_plan plan() {
  return {isv::plan_id{2}, "Standard", isv::pricing_model::per_user, eur(2000), std::nullopt, std::optional<isv::count_t>{5},
          std::optional<isv::count_t>{500}};
}
inline isv::app planned_app() {
  auto a = app();
  a.plans = {plan(), {isv::plan_id{3}, "Site", isv::pricing_model::flat_rate, std::nullopt, eur(500000), {}, {}}};
  return a;
}
inline isv::invoice_line proration_line() {
  return {subscription_id, app_id, isv::pricing_model::per_user, isv::billing_term::monthly, 30, eur(2000), eur(-1290),
          at(2026, 2, 5), at(2026, 2, 16), isv::invoice_line_kind::proration_credit};
}

inline isv::subscription subscription() {
  isv::subscription s;
  s.id = subscription_id;
  s.tenant = tenant_id;
  s.app = app_id;
  s.kind = isv::app_kind::saas;
  s.channel = isv::acquisition_channel::partner;
  s.pricing = isv::pricing_model::per_user;
  s.term = isv::billing_term::annual;
  s.unit_price = eur(12345);
  s.quantity = 25;
  s.licenses_in_use = 20;
  s.status = isv::subscription_status::suspended;
  s.reason = isv::deactivation_reason::nonpayment;
  s.billing_profile = profile_id;
  s.auto_renew = false;
  s.installed = true;
  s.purchased_at = at(2026, 1, 15);
  s.term_start = at(2026, 1, 16);
  s.term_end = at(2027, 1, 16);
  s.grace_ends = at(2026, 3, 1, 12);
  s.lapsed_invoice = invoice_id;
  s.version = 9;
  return s;
}

/// A marketplace ChangeQuantity the rules rejected (D-MKT-2).
inline isv::marketplace_decision marketplace_rejection() {
  isv::marketplace_decision d;
  d.operation_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
  d.action = isv::marketplace_action::change_quantity;
  d.outcome = isv::marketplace_outcome::rejected;
  d.reason = isv::errc::quantity_below_in_use;
  d.message = "Subscription 7 has 20 licenses in use: unassign 5 licenses first.";
  d.report_success = false;
  d.reconciled = true;
  d.sent_at = at(2026, 2, 1, 9);
  return d;
}
inline isv::marketplace_subscribe_command marketplace_subscribe() {
  return {"0f8fad5b-d9cb-469f-a165-70867728950e", subscription_id, "1b4e28ba-2fa1-11d2-883f-0016d3cca427", app_id,
          isv::plan_id{2}, 25, isv::billing_term::monthly, profile_id, at(2026, 1, 15, 8)};
}
inline isv::marketplace_webhook_command marketplace_webhook() {
  return {"7c9e6679-7425-40de-944b-e07fc1f90ae7", subscription_id, isv::marketplace_action::change_plan, isv::plan_id{3},
          std::nullopt, at(2026, 2, 1, 9), isv::plan_id{2}, 25};
}

/// On a plan, with a term charge and a proration credit not yet invoiced.
inline isv::subscription planned_subscription() {
  auto s = subscription();
  s.plan = isv::plan_id{2};
  auto term = proration_line();
  term.kind = isv::invoice_line_kind::term;
  term.amount = eur(60000);
  term.period_start = at(2026, 1, 16);
  s.charges = {term, proration_line()};
  return s;
}

/// Flat rate, bought from the vendor, pending: every optional empty.
inline isv::subscription bare_subscription() {
  isv::subscription s;
  s.id = isv::subscription_id{8};
  s.tenant = tenant_id;
  s.app = isv::app_id{4};
  s.channel = isv::acquisition_channel::vendor;
  s.pricing = isv::pricing_model::flat_rate;
  s.unit_price = {-250, isv::currency{"USD"}};
  s.purchased_at = at(2026, 2, 28, 23);
  return s;
}

inline isv::basic_license_paths<T> paths() { return {true, {sales, support}, at(2026, 1, 20)}; }
inline isv::license license() { return {subscription_id, isv::user_id{100}, paths()}; }
inline isv::count_violation violation() { return {isv::user_id{101}, sales, isv::violation_reason::count_violation}; }
inline isv::payment_method card() { return {card_id, isv::payment_method_kind::credit_card, "Visa ending 4242"}; }
inline isv::contact_info contact() { return {"Zoë Ø", "Hovedgaden 1\n2800 Kongens Lyngby\nDenmark"}; }

inline isv::billing_profile billing_profile() {
  isv::billing_profile b;
  b.id = profile_id;
  b.tenant = tenant_id;
  b.name = "Contoso EU";
  b.contact = contact();
  b.payment_methods = {card(), {isv::payment_method_id{42}, isv::payment_method_kind::check_or_wire_transfer, "Wire"}};
  b.default_payment_method = card_id;
  b.roles = {{isv::user_id{10}, isv::billing_role::owner}, {isv::user_id{12}, isv::billing_role::invoice_manager}};
  b.version = 4;
  return b;
}

inline isv::invoice_line invoice_line() {
  return {subscription_id, app_id,    isv::pricing_model::per_user, isv::billing_term::monthly, 25,
          eur(1000),       eur(25000), at(2026, 1, 16),             at(2026, 2, 16)};
}

inline isv::invoice invoice() {
  isv::invoice inv;
  inv.id = invoice_id;
  inv.tenant = tenant_id;
  inv.profile = profile_id;
  inv.issued_at = at(2026, 1, 16);
  inv.due_at = at(2026, 2, 15);
  inv.lines = {invoice_line()};
  inv.total = eur(25000);
  inv.status = isv::invoice_status::paid;
  inv.paid_at = at(2026, 1, 20);
  inv.paid_with = card_id;
  inv.version = 2;
  return inv;
}

inline isv::purchase_command purchase_command() {
  return {subscription_id, app_id, isv::acquisition_channel::direct, isv::billing_term::annual, 25, true, profile_id, false};
}
inline isv::purchase_command vendor_purchase_command() {
  return {isv::subscription_id{8}, isv::app_id{4}, isv::acquisition_channel::vendor, isv::billing_term::monthly,
          std::nullopt, true, std::nullopt, true};
}
inline isv::assign_command assign_command() {
  return {subscription_id, {isv::user_id{100}, isv::user_id{101}, isv::user_id{102}, isv::user_id{103}}, {sales}};
}
inline isv::unassign_command unassign_command() { return {subscription_id, {isv::user_id{100}}, {sales, support}}; }
inline isv::unassign_preview unassign_preview() {
  return {subscription_id, 9, {isv::user_id{100}}, {sales}, {isv::user_id{100}}, {isv::user_id{101}}, {isv::user_id{104}}, {support}};
}
inline isv::assignment_report assignment_report() { return {{isv::user_id{100}}, {support}, {violation()}, 3}; }

/// One event of every payload type, in the variant's order: a new payload type without a sample
/// here fails the test that counts them.
inline std::vector<isv::event> events() {
  using namespace isv;
  const auto e = [](event_payload_t<T> p, std::optional<user_id> who = user_id{10}) {
    return event{tenant_id, who, at(2026, 1, 15, 9), std::move(p)};
  };
  return {
      e(basic_role_granted<T>{user_id{11}, directory_role::billing_administrator}),
      e(basic_role_revoked<T>{user_id{11}, directory_role::user_administrator}),
      e(basic_users_added<T>{{user_id{100}, user_id{101}}}),
      e(basic_group_created<T>{sales, "Sales — Nordics"}),
      e(basic_members_added<T>{sales, {user_id{100}, user_id{101}}}),
      e(basic_members_removed<T>{sales, {user_id{101}}}),
      e(basic_subscription_purchased<T>{subscription()}),
      e(basic_subscription_activated<T>{subscription_id, at(2026, 1, 16), at(2026, 2, 16)}),
      e(basic_app_installed<T>{subscription_id, "https://fabrikam.example/install?tenant=1"}),
      e(basic_licenses_granted<T>{subscription_id, sales, {user_id{100}}, {user_id{101}}}),
      e(basic_licenses_released<T>{subscription_id, std::nullopt, {user_id{100}}, {user_id{101}}}),
      e(basic_group_assigned<T>{subscription_id, sales}),
      e(basic_group_unassigned<T>{subscription_id, support}),
      e(basic_violations_recorded<T>{subscription_id, sales, {user_id{102}, user_id{103}}, violation_reason::suspended}),
      e(basic_violations_cleared<T>{subscription_id, sales, {user_id{102}}}),
      e(basic_quantity_changed<T>{subscription_id, 25, 30}),
      e(basic_auto_renew_changed<T>{subscription_id, false}),
      e(basic_billing_profile_changed<T>{subscription_id, profile_id, billing_profile_id{6}}),
      e(basic_subscription_renewed<T>{subscription_id, at(2026, 2, 16), at(2026, 3, 16)}, std::nullopt),
      e(basic_subscription_suspended<T>{subscription_id, invoice_id, at(2026, 3, 18)}, std::nullopt),
      e(basic_subscription_reinstated<T>{subscription_id, invoice_id}),
      e(basic_subscription_deactivated<T>{subscription_id, deactivation_reason::expired}, std::nullopt),
      e(basic_billing_profile_created<T>{profile_id, "Contoso EU", contact(), user_id{10}}),
      e(basic_contact_info_changed<T>{profile_id, {"Ana", "Calle 1, Madrid"}}),
      e(basic_payment_method_added<T>{profile_id, card()}),
      e(basic_payment_method_removed<T>{profile_id, payment_method_id{42}}),
      e(basic_default_payment_method_set<T>{profile_id, card_id}),
      e(basic_billing_role_changed<T>{profile_id, user_id{12}, std::nullopt}),
      e(basic_invoice_issued<T>{invoice()}, std::nullopt),
      e(basic_invoice_paid<T>{invoice_id, card_id}),
      e(basic_invoice_overdue<T>{invoice_id}, std::nullopt),
      // Added after release 0.1.0
      e(basic_users_removed<T>{{user_id{101}, user_id{102}}}),
      e(basic_group_deleted<T>{support}),
      e(basic_user_named<T>{user_id{100}, "Zoë Ø"}),
      e(basic_plan_changed<T>{subscription_id, plan_id{2}, plan_id{3}, pricing_model::flat_rate, eur(500000), std::nullopt}),
      e(basic_charge_recorded<T>{subscription_id, proration_line()}),
      e(basic_charges_invoiced<T>{subscription_id, invoice_id, 2}, std::nullopt),
      e(basic_marketplace_operation_decided<T>{subscription_id, marketplace_rejection()}, std::nullopt),
      e(basic_marketplace_suspended<T>{subscription_id, at(2026, 3, 1, 12)}, std::nullopt),
      e(basic_marketplace_reinstated<T>{subscription_id}, std::nullopt),
  };
}

inline isv::error error() {
  return {isv::errc::seats_exhausted, "Assigning these licenses needs 3 new seats but subscription 7 has 1 free."};
}

/// `encode(decode(encode(x))) == encode(x)` and `decode(encode(x)) == x`, through a JSON value and
/// through JSON text.
template <class V>
void check_round_trip(const V& x) {
  const auto unwrap = [](const auto& decoded) -> const V& {
    if constexpr (std::is_same_v<V, isv::error>) return decoded.error;
    else return decoded;
  };
  const auto doc = isv::json::encode(x);
  INFO(doc.dump());
  const auto back = isv::json::decode<V>(doc);
  if (!back) FAIL(back.error().message);
  CHECK(unwrap(back.value()) == x);
  CHECK(isv::json::encode(unwrap(back.value())) == doc);

  const auto text = isv::json::encode_text(x);
  REQUIRE(text.has_value());
  const auto from_text = isv::json::decode<V>(std::string_view(text.value()));
  if (!from_text) FAIL(from_text.error().message);
  CHECK(unwrap(from_text.value()) == x);
}

/// A sample of one type, type-erased so that one test can walk every type's JSON.
struct sample {
  std::string name;
  nlohmann::json doc;
  /// decode, then encode again: the error, or the re-encoded JSON.
  std::function<std::variant<isv::error, nlohmann::json>(const nlohmann::json&)> reread;
};

template <class V>
sample make_sample(std::string name, const V& value) {
  return {std::move(name), isv::json::encode(value), [](const nlohmann::json& doc) -> std::variant<isv::error, nlohmann::json> {
            auto r = isv::json::decode<V>(doc);
            if (!r) return r.error();
            return isv::json::encode(r.value());
          }};
}

inline std::vector<sample> all_samples() {
  std::vector<sample> out{
      make_sample("tenant", tenant_read_today()), // what decoding gives back: the region as a code
      make_sample("admin_role", admin_role()),
      make_sample("app", app()),
      make_sample("monthly-only app", monthly_only_app()),
      make_sample("subscription", subscription()),
      make_sample("bare subscription", bare_subscription()),
      make_sample("license", license()),
      make_sample("license paths", paths()),
      make_sample("count_violation", violation()),
      make_sample("billing_profile", billing_profile()),
      make_sample("payment_method", card()),
      make_sample("contact_info", contact()),
      make_sample("invoice", invoice()),
      make_sample("invoice_line", invoice_line()),
      make_sample("app_plan", plan()),
      make_sample("app with plans", planned_app()),
      make_sample("subscription on a plan", planned_subscription()),
      make_sample("proration invoice_line", proration_line()),
      make_sample("purchase_command with a plan", [] { auto c = purchase_command(); c.plan = isv::plan_id{2}; return c; }()),
      make_sample("purchase_command", purchase_command()),
      make_sample("vendor purchase_command", vendor_purchase_command()),
      make_sample("install_command", isv::install_command{subscription_id}),
      make_sample("assign_command", assign_command()),
      make_sample("assignment_report", assignment_report()),
      make_sample("unassign_command", unassign_command()),
      make_sample("unassign_preview", unassign_preview()),
      make_sample("reprocess_command", isv::reprocess_command{subscription_id}),
      make_sample("add_users_command", isv::add_users_command{{isv::user_id{100}, isv::user_id{101}}}),
      make_sample("create_group_command", isv::create_group_command{sales, "Sales"}),
      make_sample("membership_command", isv::membership_command{sales, {isv::user_id{100}}}),
      make_sample("role_command", isv::role_command{isv::user_id{11}, isv::directory_role::user_administrator}),
      make_sample("change_quantity_command", isv::change_quantity_command{subscription_id, 30}),
      make_sample("subscription_command", isv::activate_command{subscription_id}),
      make_sample("auto_renew_command", isv::auto_renew_command{subscription_id, false}),
      make_sample("change_billing_profile_command",
                  isv::basic_change_billing_profile_command<T>{subscription_id, isv::billing_profile_id{6}}),
      make_sample("create_billing_profile_command", isv::basic_create_billing_profile_command<T>{profile_id, "EU", contact()}),
      make_sample("contact_info_command", isv::basic_contact_info_command<T>{profile_id, contact()}),
      make_sample("add_payment_method_command", isv::basic_add_payment_method_command<T>{profile_id, card()}),
      make_sample("payment_method_command", isv::basic_payment_method_command<T>{profile_id, card_id}),
      make_sample("billing_role_command",
                  isv::basic_billing_role_command<T>{profile_id, isv::user_id{12}, isv::billing_role::contributor}),
      make_sample("revoking billing_role_command", isv::basic_billing_role_command<T>{profile_id, isv::user_id{12}, std::nullopt}),
      make_sample("issue_invoice_command", isv::basic_issue_invoice_command<T>{invoice_id, profile_id}),
      make_sample("pay_invoice_command", isv::basic_pay_invoice_command<T>{invoice_id, card_id}),
      make_sample("view_invoice_command", isv::view_invoice_command{invoice_id}),
      make_sample("collect_overdue_command", isv::collect_overdue_command{invoice_id}),
      make_sample("advance_command", isv::advance_command{{subscription_id, isv::subscription_id{8}}}),
      make_sample("remove_users_command", isv::remove_users_command{{isv::user_id{100}, isv::user_id{101}}}),
      make_sample("delete_group_command", isv::delete_group_command{sales}),
      make_sample("name_user_command", isv::name_user_command{isv::user_id{100}, "Zoë Ø"}),
      make_sample("reinstate_command", isv::reinstate_command{subscription_id}),
      make_sample("change_plan_command", isv::change_plan_command{subscription_id, isv::plan_id{3}, std::nullopt}),
      make_sample("change_plan_command with seats", isv::change_plan_command{subscription_id, isv::plan_id{2}, 40}),
      make_sample("marketplace_decision", marketplace_rejection()),
      make_sample("marketplace_subscribe_command", marketplace_subscribe()),
      make_sample("marketplace_activate_command",
                  isv::marketplace_activate_command{"6fa459ea-ee8a-3ca4-894e-db77e160355e", subscription_id, at(2026, 1, 16)}),
      make_sample("marketplace_webhook_command", marketplace_webhook()),
      make_sample("error", error()),
  };
  for (const auto& e : events()) out.push_back(make_sample("event " + std::string(isv::event_name<T>(e.payload)), e));
  return out;
}

/// The JSON Pointer an "Invalid JSON at "<pointer>": ..." message names, or nothing.
inline std::optional<std::string> pointer_in(const std::string& message) {
  constexpr std::string_view lead = "Invalid JSON at \"";
  if (message.rfind(lead, 0) != 0) return std::nullopt;
  const auto end = message.find("\": ", lead.size());
  if (end == std::string::npos) return std::nullopt;
  return message.substr(lead.size(), end - lead.size());
}

} // namespace samples
