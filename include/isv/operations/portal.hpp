// Where an admin action is handled: the admin center, the publisher's portal, or the vendor (D-PORTAL-1, D-QTY-2).
#pragma once

#include "isv/app.hpp"
#include "isv/enum_names.hpp"
#include "isv/subscription.hpp"

#include <array>
#include <string_view>

namespace isv {

BOOST_DEFINE_ENUM_CLASS(place, admin_center, publisher_portal, vendor)

/// The things an admin does with a third-party app, as the seed articles list them.
BOOST_DEFINE_ENUM_CLASS(admin_action,
    change_quantity,
    manage_invoice_payment,  ///< how the invoice is paid
    change_payment_method,
    view_invoice,
    cancel,
    configure_app,           ///< once per app
    activate,
    assign_licenses,
    technical_support,
    install
)

inline constexpr auto all_admin_actions = enum_values<admin_action>;

/// Where `action` is handled for an app of `kind` bought through `channel`.
/// SaaS apps (seed 002): quantity, payment, invoices and cancellation in the admin center; configuration,
/// activation, license assignment and support in the publisher's portal. ISV apps (seed 004): licenses and
/// installation in the admin center; bought from the vendor, quantity, billing and cancellation go to the vendor.
[[nodiscard]] constexpr place where_handled(app_kind kind, acquisition_channel channel, admin_action action) noexcept {
  const bool commercial = action == admin_action::change_quantity || action == admin_action::manage_invoice_payment ||
                          action == admin_action::change_payment_method || action == admin_action::view_invoice ||
                          action == admin_action::cancel;
  if (commercial) return channel == acquisition_channel::vendor ? place::vendor : place::admin_center;
  if (kind == app_kind::saas) return place::publisher_portal;
  switch (action) {
    case admin_action::assign_licenses:
    case admin_action::install:
    case admin_action::activate: return place::admin_center;
    default: return place::vendor; // configuring an ISV app and its support are the vendor's
  }
}

} // namespace isv
