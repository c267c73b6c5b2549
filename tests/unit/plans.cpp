// Unit tests of isv/operations/plans.hpp and the plans of isv/app.hpp: the plans an app offers, buying one, and changing plans.
#include "fixture_a.hpp"

#include <variant>

using namespace fixture_a;

namespace {

const isv::currency eur{"EUR"};

auto change(const world& w, isv::plan_id plan, std::optional<isv::count_t> quantity = std::nullopt,
            isv::user_id who = global_admin) {
  return isv::change_plan(w.sub, planned_app(), w.as(who), isv::change_plan_command{w.sub.id, plan, quantity}, now);
}

std::string refusal(const isv::result<isv::basic_update<isv::subscription, isv::default_traits>>& r, isv::errc code) {
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == code);
  return r.error().message;
}

} // namespace

TEST_CASE("an app without plans offers its default plan, priced as the app is, and existing subscriptions are on it [D-PLAN-1]") {
  const auto product = isv_app();
  REQUIRE(product.plans.empty());
  const auto offered = product.offered_plans();
  REQUIRE(offered.size() == 1);
  CHECK(offered[0].id == isv::plan_id{});
  CHECK(offered[0].pricing == product.pricing);
  CHECK(offered[0].monthly_price == std::optional{product.monthly_price});
  CHECK(offered[0].annual_price == std::optional{product.annual_price});
  CHECK(product.find_plan(isv::plan_id{}).has_value());
  CHECK_FALSE(product.find_plan(basic_plan).has_value());

  const auto w = world::with_seats(5);
  CHECK(w.sub.plan == isv::plan_id{});
  CHECK(w.sub.unit_price == product.monthly_price);
}

TEST_CASE("a subscription is on one plan of its app, and its price comes from that plan [D-PLAN-1]") {
  const auto w = on_plan(standard_plan, 5);
  CHECK(w.sub.plan == standard_plan);
  CHECK(w.sub.unit_price == isv::money{2'000, eur});
  CHECK(w.sub.pricing == isv::pricing_model::per_user);

  const auto site = on_plan(site_plan, std::nullopt);
  CHECK(site.sub.pricing == isv::pricing_model::flat_rate);
  CHECK_FALSE(site.sub.quantity);
  CHECK(site.sub.unit_price == isv::money{50'000, eur});

  SECTION("without a plan named, the first the app offers") {
    world first;
    auto bought = buy(first.org, first.profile, planned_app(), purchase_of(planned_app(), 5));
    CHECK(bought.sub.plan == basic_plan);
    CHECK(bought.sub.unit_price == isv::money{1'000, eur});
  }
  SECTION("a plan the app does not offer, a plan's seat limit, and a term the plan is not sold by are refused") {
    const world w0;
    const auto buy_with = [&](isv::plan_id plan, isv::count_t quantity, isv::billing_term term) {
      auto cmd = purchase_of(planned_app(), quantity);
      cmd.plan = plan;
      cmd.term = term;
      return isv::purchase(w0.org, planned_app(), std::span(&w0.profile, 1), {}, w0.as(global_admin), cmd, now);
    };
    const auto unknown = buy_with(isv::plan_id{77}, 5, isv::billing_term::monthly);
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().code == isv::errc::not_found);
    CHECK_THAT(unknown.error().message, says("plan 77 is not a plan of app 2") && says("plan 1, plan 2, plan 3, plan 4"));
    const auto too_many = buy_with(basic_plan, 11, isv::billing_term::monthly);
    REQUIRE_FALSE(too_many.has_value());
    CHECK(too_many.error().code == isv::errc::plan_too_small);
    CHECK_THAT(too_many.error().message, says("at most 10 licenses"));
    const auto monthly = buy_with(yearly_only, 5, isv::billing_term::monthly);
    REQUIRE_FALSE(monthly.has_value());
    CHECK(monthly.error().code == isv::errc::invalid_argument);
    CHECK_THAT(monthly.error().message, says("no valid monthly price"));
    CHECK(buy_with(yearly_only, 5, isv::billing_term::annual).has_value());
  }
}

TEST_CASE("a plan change moves the subscription to another plan of its app, licenses kept, price from the new plan [D-PLAN-2]") {
  auto w = on_plan(basic_plan, 5);
  w.assign(members(1, 3));
  const auto moved = change(w, standard_plan);
  REQUIRE(moved.has_value());
  const auto* changed = std::get_if<isv::basic_plan_changed<isv::default_traits>>(&moved.value().events.front().payload);
  REQUIRE(changed != nullptr);
  CHECK(changed->from == basic_plan);
  CHECK(changed->to == standard_plan);
  CHECK(moved.value().events.front().actor == std::optional{global_admin});
  w.apply(moved.value().events);
  CHECK(w.sub == moved.value().state);
  CHECK(w.sub.plan == standard_plan);
  CHECK(w.sub.unit_price == isv::money{2'000, eur});
  CHECK(w.sub.quantity == std::optional<isv::count_t>{5});
  CHECK(w.sub.licenses_in_use == 3);
  CHECK(w.book.holds(member(1)));

  SECTION("to a flat rate: Unlimited") {
    const auto flat = change(w, site_plan);
    REQUIRE(flat.has_value());
    CHECK_FALSE(flat.value().state.quantity);
    CHECK(flat.value().state.pricing == isv::pricing_model::flat_rate);
    CHECK(flat.value().state.seats_free() == isv::max_quantity);
    SECTION("and back to per user, which needs a quantity") {
      w.apply(flat.value().events);
      refusal(change(w, basic_plan), isv::errc::invalid_argument);
      const auto back = change(w, basic_plan, 4);
      REQUIRE(back.has_value());
      CHECK(back.value().state.quantity == std::optional<isv::count_t>{4});
    }
  }
  SECTION("with a new quantity") {
    const auto resized = change(w, basic_plan, 8);
    REQUIRE(resized.has_value());
    CHECK(resized.value().state.quantity == std::optional<isv::count_t>{8});
  }
}

TEST_CASE("a plan change is refused, with a typed reason and nothing changed, for an unknown plan, the current plan, or a plan too small [D-PLAN-2, D-ERR-1]") {
  auto w = on_plan(standard_plan, 20);
  w.assign(members(1, 10));
  w.apply({event_of(tenant_1, isv::basic_users_added<traits>{{member(11), member(12)}})});
  w.assign({member(11), member(12)});
  const auto before = w.state;

  CHECK_THAT(refusal(change(w, isv::plan_id{77}), isv::errc::not_found), says("plan 77 is not a plan of app 2"));
  CHECK_THAT(refusal(change(w, standard_plan), isv::errc::plan_unchanged), says("is on plan 2 (\"Standard\") already"));
  // Basic holds at most 10 seats: 12 licenses are in use.
  CHECK_THAT(refusal(change(w, basic_plan, 10), isv::errc::plan_too_small),
             says("at most 10 licenses") && says("12 licenses are in use") && says("unassign 2 licenses first"));
  // The quantity asked for must hold the licenses in use.
  CHECK_THAT(refusal(change(w, yearly_only, 11), isv::errc::quantity_below_in_use), says("unassign 1 license first"));
  CHECK(w.state == before);

  SECTION("a plan of another currency (D-BILL-5)") {
    auto product = planned_app();
    product.plans[0].monthly_price = isv::money{1'000, isv::currency{"USD"}};
    product.plans[0].max_seats.reset();
    const auto r = isv::change_plan(w.sub, product, w.as(global_admin), isv::change_plan_command{w.sub.id, basic_plan, {}}, now);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::currency_mismatch);
  }
  SECTION("only the admins who may change the quantity may change the plan [D-ROLE-2]") {
    CHECK_THAT(refusal(change(w, site_plan, std::nullopt, license_admin), isv::errc::permission_denied),
               says("change a subscription's plan"));
    CHECK(change(w, site_plan, std::nullopt, billing_admin).has_value());
  }
  SECTION("a deactivated subscription changes plan no more [D-LIFE-3]") {
    w.apply(isv::cancel(w.sub, w.as(global_admin), isv::cancel_command{w.sub.id}, now).value().events);
    refusal(change(w, site_plan), isv::errc::deactivated);
  }
}

TEST_CASE("a quantity change stays within the seat limits of the subscription's plan [D-PLAN-1, D-QTY-3]") {
  auto w = on_plan(basic_plan, 5); // Basic holds at most 10 seats
  const auto too_many = isv::change_quantity(w.sub, planned_app(), w.as(global_admin), isv::change_quantity_command{w.sub.id, 11}, now);
  REQUIRE_FALSE(too_many.has_value());
  CHECK(too_many.error().code == isv::errc::plan_too_small);
  CHECK_THAT(too_many.error().message, says("at most 10 licenses"));
  const auto within = isv::change_quantity(w.sub, planned_app(), w.as(global_admin), isv::change_quantity_command{w.sub.id, 10}, now);
  REQUIRE(within.has_value());
  CHECK(within.value().state.quantity == std::optional<isv::count_t>{10});
}
