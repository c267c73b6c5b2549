// Tests of portal.hpp: where each admin action is handled, for every app kind and channel the seed articles speak of (D-PORTAL-1, D-QTY-2, D-INSTALL-1).
#include "fixture_b.hpp"

#include <set>

using namespace fixture_b;
using isv::errc;
using isv::place;
using action = isv::admin_action;
using channel = isv::acquisition_channel;
using kind = isv::app_kind;

namespace {

struct fact {
  kind k;
  channel c;
  action a;
  place p;
};

// What the seed articles state, row by row. SaaS apps (seed 002) are bought directly, through a
// partner or through a proposal; ISV apps (seed 004) through the platform or from the vendor.
// clang-format off
const fact facts[] = {
    // SaaS: "Microsoft 365 admin center" column of seed 002's table
    {kind::saas, channel::direct,   action::change_quantity,        place::admin_center},
    {kind::saas, channel::direct,   action::manage_invoice_payment, place::admin_center},
    {kind::saas, channel::direct,   action::change_payment_method,  place::admin_center},
    {kind::saas, channel::direct,   action::view_invoice,           place::admin_center},
    {kind::saas, channel::direct,   action::cancel,                 place::admin_center},
    {kind::saas, channel::partner,  action::change_quantity,        place::admin_center},
    {kind::saas, channel::partner,  action::manage_invoice_payment, place::admin_center},
    {kind::saas, channel::partner,  action::change_payment_method,  place::admin_center},
    {kind::saas, channel::partner,  action::view_invoice,           place::admin_center},
    {kind::saas, channel::partner,  action::cancel,                 place::admin_center},
    {kind::saas, channel::proposal, action::change_quantity,        place::admin_center},
    {kind::saas, channel::proposal, action::manage_invoice_payment, place::admin_center},
    {kind::saas, channel::proposal, action::change_payment_method,  place::admin_center},
    {kind::saas, channel::proposal, action::view_invoice,           place::admin_center},
    {kind::saas, channel::proposal, action::cancel,                 place::admin_center},
    // SaaS: "publisher's portal" column, and activation ("activated in the publisher's portal")
    {kind::saas, channel::direct,   action::configure_app,          place::publisher_portal},
    {kind::saas, channel::direct,   action::assign_licenses,        place::publisher_portal},
    {kind::saas, channel::direct,   action::technical_support,      place::publisher_portal},
    {kind::saas, channel::direct,   action::activate,               place::publisher_portal},
    {kind::saas, channel::partner,  action::configure_app,          place::publisher_portal},
    {kind::saas, channel::partner,  action::assign_licenses,        place::publisher_portal},
    {kind::saas, channel::partner,  action::technical_support,      place::publisher_portal},
    {kind::saas, channel::partner,  action::activate,               place::publisher_portal},
    {kind::saas, channel::proposal, action::configure_app,          place::publisher_portal},
    {kind::saas, channel::proposal, action::assign_licenses,        place::publisher_portal},
    {kind::saas, channel::proposal, action::technical_support,      place::publisher_portal},
    {kind::saas, channel::proposal, action::activate,               place::publisher_portal},
    // ISV apps bought through the platform: licenses, their count and installing in the admin center
    {kind::isv,  channel::direct,   action::assign_licenses,        place::admin_center},
    {kind::isv,  channel::direct,   action::change_quantity,        place::admin_center},
    {kind::isv,  channel::direct,   action::install,                place::admin_center},
    {kind::isv,  channel::partner,  action::change_quantity,        place::admin_center},
    {kind::isv,  channel::proposal, action::change_quantity,        place::admin_center},
    // ISV apps bought from the vendor: "contact the vendor to add or remove licenses"
    {kind::isv,  channel::vendor,   action::change_quantity,        place::vendor},
    {kind::isv,  channel::vendor,   action::assign_licenses,        place::admin_center},
    {kind::isv,  channel::vendor,   action::install,                place::admin_center},
};
// clang-format on

} // namespace

TEST_CASE("each admin action is handled where the seed articles say [D-PORTAL-1, D-QTY-2, D-INSTALL-1]") {
  for (const auto& f : facts) {
    INFO(isv::to_string(f.k) << " / " << isv::to_string(f.c) << " / " << isv::to_string(f.a));
    CHECK(isv::to_string(isv::where_handled(f.k, f.c, f.a)) == isv::to_string(f.p));
  }
}

TEST_CASE("a SaaS app's commercial actions go to the admin center, the rest to the publisher [D-PORTAL-1]") {
  // The two columns of seed 002's table, over every channel the platform sells through.
  const std::set<action> admin_center{action::change_quantity, action::manage_invoice_payment, action::change_payment_method,
                                      action::view_invoice, action::cancel};
  for (const auto c : {channel::direct, channel::partner, channel::proposal}) {
    for (const auto a : isv::all_admin_actions) {
      INFO(isv::to_string(c) << " / " << isv::to_string(a));
      const auto expected = admin_center.contains(a) ? place::admin_center : place::publisher_portal;
      CHECK(isv::where_handled(kind::saas, c, a) == expected);
    }
  }
  CHECK(isv::all_admin_actions.size() == 10);
  std::set<std::string_view> names;
  for (const auto a : isv::all_admin_actions) CHECK(names.insert(isv::to_string(a)).second);
}

TEST_CASE("the operations agree with where the action is handled [D-PORTAL-1, D-QTY-2, D-INSTALL-1]") {
  auto w = make_world();
  // An ISV app bought from its vendor: quantity and cancellation go to the vendor.
  const isv::subscription_id from_vendor{26};
  w.record(must(isv::purchase(w.org, isv_per_user(), {}, {}, w.actor(global_admin),
                              isv::purchase_command{from_vendor, isv_per_user().id, channel::vendor, isv::billing_term::monthly, 3,
                                                    true, std::nullopt, true},
                              t0))
               .events);
  REQUIRE(isv::where_handled(kind::isv, channel::vendor, action::change_quantity) == place::vendor);
  CHECK_THAT(refused(isv::change_quantity(w.sub(from_vendor), w.actor(global_admin), isv::change_quantity_command{from_vendor, 5}, t0),
                     errc::contact_vendor),
             has("contact the vendor"));
  REQUIRE(isv::where_handled(kind::isv, channel::vendor, action::cancel) == place::vendor);
  CHECK_THAT(refused(isv::cancel(w.sub(from_vendor), w.actor(global_admin), isv::cancel_command{from_vendor}, t0), errc::contact_vendor),
             has("contact the vendor to cancel"));
  // ...while its licenses and its installation are handled in the admin center.
  REQUIRE(isv::where_handled(kind::isv, channel::vendor, action::install) == place::admin_center);
  const auto installed = must(isv::install(w.sub(from_vendor), isv_per_user(), w.actor(global_admin), isv::install_command{from_vendor}, t0));
  CHECK(installed.link == "https://apps.example/install/diagrams");
  CHECK(installed.state.installed);
  CHECK(w.assign(from_vendor, {member(1)}).state.licenses_in_use == 1);

  // A SaaS app is configured in the publisher's portal, never installed from the admin center.
  const isv::subscription_id saas{20};
  w.activate(w.buy(saas, saas_per_user(), 2));
  REQUIRE(isv::where_handled(kind::saas, channel::direct, action::configure_app) == place::publisher_portal);
  CHECK_THAT(refused(isv::install(w.sub(saas), saas_per_user(), w.actor(global_admin), isv::install_command{saas}, t0),
                     errc::invalid_argument),
             has("publisher's portal"));
  // Bought through the platform, its quantity is changed in the admin center.
  REQUIRE(isv::where_handled(kind::saas, channel::direct, action::change_quantity) == place::admin_center);
  CHECK(must(isv::change_quantity(w.sub(saas), w.actor(global_admin), isv::change_quantity_command{saas, 4}, t0)).state.quantity == 4);
}
