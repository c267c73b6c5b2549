// Unit tests of isv/operations/marketplace.hpp through the admin center: the marketplace's subscribe, the publisher's activation, and the webhook's operations, each decided once per operation id.
#include "support/catch.hpp"

#include <isv/admin_center.hpp>
#include <isv/storage/memory.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono;
using center = isv::basic_admin_center<isv::memory_repository>;
using isv::marketplace_action;
using isv::marketplace_outcome;

const isv::tenant_id contoso{1};
const isv::user_id global_admin{1};
const isv::billing_profile_id profile{50};
const isv::app_id sign{4};
const isv::subscription_id sub{200};
const isv::plan_id small_plan{1}, large_plan{2}, site_plan{3};
const sys_seconds t0 = sys_days{year{2026} / 1 / 15};
const std::string marketplace_sub = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

/// A GUID for operation n: "00000000-0000-4000-8000-0000000000nn".
std::string op(int n) {
  std::string digits = std::to_string(n);
  return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
}

/// A SaaS app with three plans: Small (per user, at most 5 seats), Large (per user), Site (flat rate).
isv::app sign_app() {
  isv::app a{sign, "Sign", "Fabrikam", isv::app_kind::saas, isv::pricing_model::per_user, isv::money{1000, isv::currency{"EUR"}},
             isv::money{10000, isv::currency{"EUR"}}, std::nullopt};
  const auto eur = [](std::int64_t c) { return isv::money{c, isv::currency{"EUR"}}; };
  a.plans = {{small_plan, "Small", isv::pricing_model::per_user, eur(1000), eur(10000), std::nullopt, 5},
             {large_plan, "Large", isv::pricing_model::per_user, eur(1500), eur(15000)},
             {site_plan, "Site", isv::pricing_model::flat_rate, eur(40000), eur(400000)}};
  return a;
}

struct world {
  isv::memory_repository repo;
  center c{repo};
  world() {
    REQUIRE(repo.create_tenant({contoso, "Contoso", "DE", {{contoso, global_admin, isv::directory_role::global_administrator}}}).has_value());
    REQUIRE(repo.add_app(sign_app()).has_value());
    REQUIRE(c.create_billing_profile(contoso, global_admin, {profile, "Main", {}}, t0).has_value());
    REQUIRE(c.add_users(contoso, global_admin, {{isv::user_id{20}, isv::user_id{21}, isv::user_id{22}}}, t0).has_value());
  }
  isv::marketplace_decision subscribe(int operation, isv::count_t seats = 3, sys_seconds at = t0) {
    auto done = c.marketplace_subscribe(contoso, {op(operation), sub, marketplace_sub, sign, small_plan, seats,
                                                  isv::billing_term::monthly, profile, at}, at);
    REQUIRE(done.has_value());
    return done.value().value;
  }
  isv::result<center::receipt<isv::marketplace_decision>> webhook(int operation, marketplace_action action, sys_seconds at,
                                                                 std::optional<isv::plan_id> plan = std::nullopt,
                                                                 std::optional<isv::count_t> quantity = std::nullopt,
                                                                 std::optional<isv::plan_id> reported_plan = std::nullopt) {
    return c.handle_marketplace_webhook(contoso, {op(operation), sub, action, plan, quantity, at, reported_plan, std::nullopt}, at);
  }
  isv::marketplace_decision decided(int operation, marketplace_action action, sys_seconds at,
                                    std::optional<isv::plan_id> plan = std::nullopt, std::optional<isv::count_t> quantity = std::nullopt,
                                    std::optional<isv::plan_id> reported_plan = std::nullopt) {
    auto done = webhook(operation, action, at, plan, quantity, reported_plan);
    REQUIRE(done.has_value());
    return done.value().value;
  }
  [[nodiscard]] isv::subscription subscription() {
    auto v = repo.read(contoso);
    REQUIRE(v.has_value());
    return *v.value().find_subscription(sub);
  }
  [[nodiscard]] std::size_t log_size() { return repo.events(contoso, 0).value().size(); }
  /// Subscribed, activated by the publisher at t0, 3 seats on Small, two of them assigned.
  void active() {
    subscribe(1);
    REQUIRE(c.marketplace_activate(contoso, {op(2), sub, t0}, t0).has_value());
    REQUIRE(c.assign(contoso, global_admin, {sub, {isv::user_id{20}, isv::user_id{21}}, {}}, t0).has_value());
  }
};

} // namespace

TEST_CASE("the marketplace resolves a subscription pending activation, and the publisher activates it [D-MKT-1, D-ACT-1]") {
  world w;
  const auto d = w.subscribe(1);
  CHECK(d.outcome == marketplace_outcome::accepted);
  CHECK(d.report_success);
  CHECK(d.action == marketplace_action::subscribe);
  auto s = w.subscription();
  CHECK(s.status == isv::subscription_status::pending_activation);
  CHECK(s.marketplace_id == std::optional<std::string>{marketplace_sub});
  CHECK(s.plan == small_plan);
  CHECK(s.quantity == std::optional<isv::count_t>{3});
  REQUIRE(s.marketplace_ledger.size() == 1);

  const auto activated = w.c.marketplace_activate(contoso, {op(2), sub, t0 + hours{1}}, t0 + hours{1});
  REQUIRE(activated.has_value());
  CHECK(activated.value().value.outcome == marketplace_outcome::accepted);
  s = w.subscription();
  CHECK(s.status == isv::subscription_status::active);
  CHECK(s.term_start == std::optional{t0 + hours{1}});
  REQUIRE(s.charges.size() == 1); // the first term, charged once (D-PRORATE-1)

  SECTION("activating again changes nothing and says why [D-MKT-4]") {
    const auto again = w.c.marketplace_activate(contoso, {op(3), sub, t0 + hours{2}}, t0 + hours{2});
    REQUIRE(again.has_value());
    CHECK(again.value().value.outcome == marketplace_outcome::unchanged);
    CHECK(again.value().value.reason == std::optional{isv::errc::invalid_transition});
    CHECK(w.subscription().status == isv::subscription_status::active);
  }
  SECTION("a subscribe that breaks the purchase rules is refused and records nothing") {
    const auto refused = w.c.marketplace_subscribe(contoso, {op(9), isv::subscription_id{201}, "2b4e28ba-2fa1-11d2-883f-0016d3cca427",
                                                             sign, small_plan, 9, isv::billing_term::monthly, profile, t0}, t0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::plan_too_small);
    const auto bad_guid = w.c.marketplace_subscribe(contoso, {"not-a-guid", isv::subscription_id{201}, marketplace_sub, sign,
                                                              small_plan, 2, isv::billing_term::monthly, profile, t0}, t0);
    REQUIRE_FALSE(bad_guid.has_value());
    CHECK(bad_guid.error().code == isv::errc::invalid_argument);
  }
}

TEST_CASE("the same operation id again returns the first decision and changes nothing [D-MKT-1]") {
  world w;
  w.active();
  const auto first = w.decided(10, marketplace_action::change_quantity, t0 + days{3}, std::nullopt, 4);
  CHECK(first.outcome == marketplace_outcome::accepted);
  const auto log = w.log_size();
  const auto s = w.subscription();
  // The webhook again, even later and asking for something else: the same answer, nothing saved.
  const auto again = w.webhook(10, marketplace_action::change_quantity, t0 + days{5}, std::nullopt, 5);
  REQUIRE(again.has_value());
  CHECK(again.value().value == first);
  CHECK(again.value().events.empty());
  CHECK(w.log_size() == log);
  CHECK(w.subscription() == s);
  // A repeated subscribe too.
  CHECK(w.subscribe(1) == s.marketplace_ledger.front());
}

TEST_CASE("only the platform or the publisher runs the marketplace's operations, never a tenant admin [D-MKT-1, D-ROLE-3]") {
  for (const auto role : isv::enum_values<isv::directory_role>) {
    const auto refused = isv::authorize(isv::operation::marketplace, isv::role_set{role});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::permission_denied);
  }
  STATIC_REQUIRE(isv::platform_command<isv::marketplace_webhook_command>);
  world w;
  w.active();
  const isv::command as_admin = isv::marketplace_webhook_command{op(11), sub, marketplace_action::suspend, {}, {}, t0};
  const auto refused = w.c.execute(contoso, global_admin, as_admin, t0);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::invalid_argument);
  CHECK(w.subscription().status == isv::subscription_status::active);

  // A subscription bought in the admin center takes no marketplace operation.
  REQUIRE(w.c.purchase(contoso, global_admin, {.subscription = isv::subscription_id{300}, .app = sign, .quantity = 2,
                                               .agreement_accepted = true, .billing_profile = profile}, t0).has_value());
  const auto not_sold = w.c.handle_marketplace_webhook(contoso, {op(12), isv::subscription_id{300}, marketplace_action::suspend, {}, {}, t0}, t0);
  REQUIRE_FALSE(not_sold.has_value());
  CHECK(not_sold.error().code == isv::errc::invalid_argument);
  CHECK(not_sold.error().message.find("not sold through the marketplace") != std::string::npos);
}

TEST_CASE("a marketplace plan or quantity change is decided by the rules, and a rejected one changes nothing [D-MKT-2]") {
  world w;
  w.active();
  SECTION("accepted: the change is made, prorated, and the publisher reports success") {
    const auto d = w.decided(10, marketplace_action::change_plan, t0 + days{10}, large_plan);
    CHECK(d.outcome == marketplace_outcome::accepted);
    CHECK(d.report_success);
    const auto s = w.subscription();
    CHECK(s.plan == large_plan);
    REQUIRE(s.charges.size() == 2);
    CHECK(s.charges.back().kind == isv::invoice_line_kind::proration_charge);
  }
  SECTION("rejected: a quantity below the licenses in use") {
    const auto before = w.subscription();
    const auto d = w.decided(10, marketplace_action::change_quantity, t0 + days{10}, std::nullopt, 1);
    CHECK(d.outcome == marketplace_outcome::rejected);
    CHECK(d.reason == std::optional{isv::errc::quantity_below_in_use});
    CHECK_FALSE(d.report_success);
    CHECK(d.message.find("unassign 1 license first") != std::string::npos);
    auto after = w.subscription();
    CHECK(after.quantity == before.quantity);
    CHECK(after.charges == before.charges);
    CHECK(after.marketplace_ledger.size() == before.marketplace_ledger.size() + 1); // the decision is an event
  }
  SECTION("rejected: a plan that does not exist, and a plan too small") {
    CHECK(w.decided(10, marketplace_action::change_plan, t0 + days{1}, isv::plan_id{77}).reason == std::optional{isv::errc::not_found});
    CHECK(w.decided(11, marketplace_action::change_quantity, t0 + days{1}, std::nullopt, 6).outcome == marketplace_outcome::rejected);
    CHECK(w.subscription().plan == small_plan);
  }
}

TEST_CASE("suspend, reinstate, unsubscribe and renew move the subscription as the marketplace says [D-MKT-3]") {
  world w;
  w.active();
  CHECK(w.decided(10, marketplace_action::suspend, t0 + days{2}).outcome == marketplace_outcome::accepted);
  auto s = w.subscription();
  CHECK(s.status == isv::subscription_status::suspended);
  CHECK(s.grace_ends == std::optional{t0 + days{2} + days{30}});
  CHECK(s.licenses_in_use == 2); // licenses kept (D-LIFE-4)
  CHECK(w.decided(11, marketplace_action::reinstate, t0 + days{3}).outcome == marketplace_outcome::accepted);
  CHECK(w.subscription().status == isv::subscription_status::active);

  SECTION("renew starts the next term once the term has ended, and charges it") {
    const auto early = w.decided(12, marketplace_action::renew, t0 + days{20});
    CHECK(early.outcome == marketplace_outcome::unchanged);
    const auto term_end = *w.subscription().term_end;
    CHECK(w.decided(13, marketplace_action::renew, term_end).outcome == marketplace_outcome::accepted);
    s = w.subscription();
    CHECK(s.term_start == std::optional{term_end});
    CHECK(s.charges.back().period_start == term_end);
  }
  SECTION("the platform's clock neither renews nor expires a marketplace subscription") {
    const auto term_end = *w.subscription().term_end;
    REQUIRE(w.c.advance_to(contoso, {{}}, term_end + days{40}).has_value());
    s = w.subscription();
    CHECK(s.status == isv::subscription_status::active);
    CHECK(s.term_end == std::optional{term_end});
  }
  SECTION("unsubscribe deactivates for good, licenses released [D-LIFE-2]") {
    CHECK(w.decided(12, marketplace_action::unsubscribe, t0 + days{4}).outcome == marketplace_outcome::accepted);
    s = w.subscription();
    CHECK(s.status == isv::subscription_status::deactivated);
    CHECK(s.licenses_in_use == 0);
    const auto revived = w.decided(13, marketplace_action::reinstate, t0 + days{5});
    CHECK(revived.outcome == marketplace_outcome::unchanged);
    CHECK(revived.reason == std::optional{isv::errc::deactivated});
    CHECK(w.subscription().status == isv::subscription_status::deactivated);
  }
}

TEST_CASE("an operation that does not fit the state, or is stale, is answered without a change, saying why [D-MKT-4]") {
  world w;
  w.active();
  const auto active = w.decided(10, marketplace_action::reinstate, t0 + days{1});
  CHECK(active.outcome == marketplace_outcome::unchanged);
  CHECK(active.reason == std::optional{isv::errc::invalid_transition});
  CHECK(active.message.find("active already") != std::string::npos);

  CHECK(w.decided(11, marketplace_action::change_quantity, t0 + days{5}, std::nullopt, 4).outcome == marketplace_outcome::accepted);
  // Sent before the change applied last: stale, whatever it asks.
  const auto stale = w.decided(12, marketplace_action::change_quantity, t0 + days{4}, std::nullopt, 5);
  CHECK(stale.outcome == marketplace_outcome::unchanged);
  CHECK(stale.reason == std::optional{isv::errc::stale_operation});
  CHECK(w.subscription().quantity == std::optional<isv::count_t>{4});
}

TEST_CASE("when a later payload shows the marketplace applied a change the engine rejected, the engine records it and says it reconciled [D-MKT-2]") {
  world w;
  w.active();
  // The engine rejects 9 seats: Small holds at most 5.
  const auto rejected = w.decided(10, marketplace_action::change_quantity, t0 + days{2}, std::nullopt, 9);
  CHECK(rejected.outcome == marketplace_outcome::rejected);
  // The marketplace auto-accepted a move to Large with 9 seats meanwhile; its next call shows it.
  auto done = w.c.handle_marketplace_webhook(contoso, {op(11), sub, marketplace_action::renew, std::nullopt, std::nullopt, t0 + days{3},
                                                large_plan, 9}, t0 + days{3});
  REQUIRE(done.has_value());
  const auto d = done.value().value;
  CHECK(d.reconciled);
  CHECK(d.outcome == marketplace_outcome::unchanged); // the renewal itself is early
  const auto s = w.subscription();
  CHECK(s.plan == large_plan);
  CHECK(s.quantity == std::optional<isv::count_t>{9});
  CHECK(s.marketplace_updated_at == std::optional{t0 + days{3}});
}
