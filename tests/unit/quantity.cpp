// Unit tests of isv/operations/quantity.hpp: changing a subscription's license quantity.
#include "fixture_a.hpp"

#include <variant>

using namespace fixture_a;

namespace {

auto try_change(const world& w, isv::user_id who, isv::count_t quantity) {
  return isv::change_quantity(w.sub, w.as(who), isv::change_quantity_command{w.sub.id, quantity}, now);
}

} // namespace

TEST_CASE("the quantity of a flat-rate subscription cannot be changed: it is Unlimited [D-QTY-1]") {
  const auto w = world::with(flat_app(), std::nullopt);
  REQUIRE_FALSE(w.sub.quantity.has_value());
  const auto r = try_change(w, global_admin, 10);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::quantity_not_adjustable);
  CHECK_THAT(r.error().message, says("subscription 1"));
  CHECK_THAT(r.error().message, says("Unlimited"));
}

TEST_CASE("the quantity of a subscription bought from the vendor is changed with the vendor [D-QTY-2]") {
  const auto w = world::with(isv_app(), 5, isv::acquisition_channel::vendor);
  REQUIRE(w.sub.channel == isv::acquisition_channel::vendor);
  for (const auto who : {global_admin, billing_admin}) {
    CAPTURE(who);
    const auto r = try_change(w, who, 10);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::contact_vendor);
    CHECK_THAT(r.error().message, says("contact the vendor"));
  }
  CHECK(w.sub.quantity == std::optional<isv::count_t>{5});
}

TEST_CASE("the quantity of a subscription bought through the platform is changed in the admin center [D-QTY-2]") {
  for (const auto channel :
       {isv::acquisition_channel::direct, isv::acquisition_channel::partner, isv::acquisition_channel::proposal}) {
    CAPTURE(isv::to_string(channel));
    auto w = world::with(isv_app(), 5, channel);
    const auto r = try_change(w, global_admin, 8);
    REQUIRE(r.has_value());
    // The change, and its prorated difference for the rest of the term (D-PRORATE-1).
    REQUIRE(r.value().events.size() == 2);
    const auto* charged = std::get_if<isv::basic_charge_recorded<isv::default_traits>>(&r.value().events.back().payload);
    REQUIRE(charged != nullptr);
    CHECK(charged->line->kind == isv::invoice_line_kind::proration_charge);
    CHECK(charged->line->quantity == 8);
    const auto* changed = std::get_if<quantity_changed>(&r.value().events.front().payload);
    REQUIRE(changed != nullptr);
    CHECK(changed->from == 5);
    CHECK(changed->to == 8);
    CHECK(r.value().events.front().actor == std::optional{global_admin});
    w.apply(r.value().events);
    CHECK(w.sub == r.value().state);
    CHECK(w.sub.quantity == std::optional<isv::count_t>{8});
    CHECK(w.sub.seats_free() == 8);
  }
}

TEST_CASE("the quantity cannot fall below the licenses in use: the error says how many to unassign [D-QTY-3]") {
  auto w = world::with_seats(5);
  (void)w.assign(members(1, 5));
  const auto before = w.sub;

  const auto three = try_change(w, billing_admin, 2);
  REQUIRE_FALSE(three.has_value());
  CHECK(three.error().code == isv::errc::quantity_below_in_use);
  CHECK_THAT(three.error().message, says("5 licenses in use"));
  CHECK_THAT(three.error().message, says("unassign 3 licenses first"));

  const auto one = try_change(w, billing_admin, 4);
  REQUIRE_FALSE(one.has_value());
  CHECK_THAT(one.error().message, says("unassign 1 license first"));
  CHECK(w.sub == before);

  w.unassign({member(5)});
  const auto lowered = try_change(w, billing_admin, 4);
  REQUIRE(lowered.has_value());
  CHECK(lowered.value().state.quantity == std::optional<isv::count_t>{4});
  CHECK(lowered.value().state.seats_free() == 0);
}

TEST_CASE("a new quantity of zero, a negative one or one above the maximum is refused [D-QTY-4]") {
  const auto w = world::with_seats(5);
  for (const isv::count_t bad : {isv::count_t{0}, isv::count_t{-3}}) {
    CAPTURE(bad);
    const auto r = try_change(w, global_admin, bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::invalid_argument);
    CHECK_THAT(r.error().message, says("positive whole number"));
  }
  const auto huge = try_change(w, global_admin, isv::max_quantity + 1);
  REQUIRE_FALSE(huge.has_value());
  CHECK(huge.error().code == isv::errc::invalid_argument);
  CHECK_THAT(huge.error().message, says("at most"));

  const auto largest = try_change(w, global_admin, isv::max_quantity);
  REQUIRE(largest.has_value());
  CHECK(largest.value().state.quantity == std::optional{isv::max_quantity});
}

TEST_CASE("changing the quantity needs a Global or Billing administrator [D-ROLE-2] [D-ROLE-3]") {
  const auto w = world::with_seats(5);
  for (const auto who : {license_admin, user_admin, global_reader}) {
    CAPTURE(who);
    const auto r = try_change(w, who, 10);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::permission_denied);
    CHECK_THAT(r.error().message, says("change the license quantity"));
    CHECK_THAT(r.error().message, says("Global administrator or Billing administrator"));
  }
  const auto billing = try_change(w, billing_admin, 10);
  REQUIRE(billing.has_value());
  CHECK(billing.value().state.quantity == std::optional<isv::count_t>{10});
}

TEST_CASE("a subscription bought through a partner has its quantity changed by a Global administrator only [D-ROLE-6]") {
  const auto w = world::with(isv_app(), 5, isv::acquisition_channel::partner);
  const auto billing = try_change(w, billing_admin, 10);
  REQUIRE_FALSE(billing.has_value());
  CHECK(billing.error().code == isv::errc::permission_denied);
  CHECK_THAT(billing.error().message, says("partner"));
  CHECK_THAT(billing.error().message, says("Global administrator"));

  const auto global = try_change(w, global_admin, 10);
  REQUIRE(global.has_value());
  CHECK(global.value().state.quantity == std::optional<isv::count_t>{10});
}

TEST_CASE("setting the quantity it has already changes nothing [D-QTY-2] [D-PURE-1]") {
  const auto w = world::with_seats(5);
  const auto r = try_change(w, global_admin, 5);
  REQUIRE(r.has_value());
  CHECK(r.value().events.empty());
  CHECK(r.value().state == w.sub);
}

TEST_CASE("a deactivated subscription accepts no quantity change [D-LIFE-3]") {
  auto w = world::with_seats(5);
  const auto cancelled = isv::cancel(w.sub, w.as(global_admin), isv::cancel_command{subscription_1}, now);
  REQUIRE(cancelled.has_value());
  w.apply(cancelled.value().events);
  const auto r = try_change(w, global_admin, 10);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::deactivated);
  CHECK_THAT(r.error().message, says("change the license quantity"));
  CHECK_THAT(r.error().message, says("never be reactivated"));
}

TEST_CASE("an admin of another tenant cannot change this tenant's quantity [D-TENANT-1] [D-ROLE-5]") {
  const auto w = world::with_seats(5);
  const auto other = make_tenant(tenant_2);
  const auto r = isv::change_quantity(w.sub, other.actor(global_admin), isv::change_quantity_command{subscription_1, 10}, now);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::wrong_tenant);
  CHECK_THAT(r.error().message, says("tenant 2"));

  const auto misnamed = isv::change_quantity(w.sub, w.as(global_admin), isv::change_quantity_command{subscription_2, 10}, now);
  REQUIRE_FALSE(misnamed.has_value());
  CHECK(misnamed.error().code == isv::errc::invalid_argument);
  CHECK_THAT(misnamed.error().message, says("subscription 2"));
}

TEST_CASE("raising the quantity makes room for a direct assignment that was refused [D-ASSIGN-3] [D-QTY-2]") {
  auto w = world::with_seats(1);
  (void)w.assign({member(1)});
  const auto refused =
      isv::assign(w.sub, w.book, w.dir, w.as(global_admin), isv::assign_command{subscription_1, {member(2)}, {}}, now);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::seats_exhausted);
  w.set_quantity(2);
  (void)w.assign({member(2)});
  CHECK(w.holders() == members(1, 2));
  CHECK(w.sub.seats_free() == 0);
}
