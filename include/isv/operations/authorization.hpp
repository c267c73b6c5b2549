// Authorization: the one table of which roles allow which operation, and authorize(), which every operation consults.
#pragma once

#include "isv/admin_role.hpp"
#include "isv/detail/describe.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/operation.hpp"

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace isv {


/// What an operation needs: one of `directory` roles (if any are listed) and one of `profile`
/// roles on the billing profile concerned (if any are listed). With `partner_global_only`, a
/// subscription bought through a partner needs the Global administrator (D-ROLE-6).
struct operation_rule {
  operation op;
  std::string_view action; ///< the admin's words for it, used in refusals
  role_set directory;
  billing_role_set profile;
  bool partner_global_only = false;
};

namespace detail {
using dr = directory_role;
using br = billing_role;
inline constexpr role_set admins_of_licenses{dr::global_administrator, dr::license_administrator, dr::user_administrator};
inline constexpr role_set admins_of_billing{dr::global_administrator, dr::billing_administrator};
} // namespace detail

namespace detail {
/// The row of the authorization table that guards a command, as the command names it
/// (Command::authorization): an operation reads its guard from its command instead of naming it again.
template <class Command>
[[nodiscard]] constexpr operation guard_of(const Command&) noexcept {
  static_assert(Command::authorization.has_value(), "a platform command is guarded by no row of the table");
  return *Command::authorization;
}
} // namespace detail

/// The authorization table (D-ROLE-1, D-ROLE-2, D-ROLE-4, D-ROLE-6, D-BUY-4).
inline constexpr std::array operation_rules{
    operation_rule{operation::manage_admin_roles, "manage admin roles", {detail::dr::global_administrator}, {}},
    operation_rule{operation::manage_directory, "manage users and groups",
                   {detail::dr::global_administrator, detail::dr::user_administrator}, {}},
    operation_rule{operation::purchase, "buy a subscription", detail::admins_of_billing,
                   {detail::br::owner, detail::br::contributor}},
    operation_rule{operation::activate, "activate a subscription", detail::admins_of_billing, {}},
    operation_rule{operation::install, "install an app", {detail::dr::global_administrator}, {}},
    operation_rule{operation::assign, "assign licenses", detail::admins_of_licenses, {}},
    operation_rule{operation::unassign, "unassign licenses", detail::admins_of_licenses, {}},
    operation_rule{operation::reprocess, "reprocess group licenses", detail::admins_of_licenses, {}},
    operation_rule{operation::change_quantity, "change the license quantity", detail::admins_of_billing, {}, true},
    operation_rule{operation::cancel, "cancel a subscription", detail::admins_of_billing, {}, true},
    operation_rule{operation::set_auto_renew, "change auto-renew", detail::admins_of_billing, {}},
    operation_rule{operation::change_billing_profile, "change a subscription's billing profile", detail::admins_of_billing,
                   {detail::br::owner, detail::br::contributor}, true},
    operation_rule{operation::create_billing_profile, "create a billing profile", detail::admins_of_billing, {}},
    operation_rule{operation::edit_billing_profile, "edit a billing profile", {},
                   {detail::br::owner, detail::br::contributor}},
    operation_rule{operation::manage_billing_roles, "manage billing profile roles", {}, {detail::br::owner}},
    operation_rule{operation::view_invoices, "view invoices", {},
                   {detail::br::owner, detail::br::contributor, detail::br::reader, detail::br::invoice_manager}},
    operation_rule{operation::pay_invoice, "pay invoices", {},
                   {detail::br::owner, detail::br::contributor, detail::br::invoice_manager}},
    operation_rule{operation::change_plan, "change a subscription's plan", detail::admins_of_billing, {}, true},
    operation_rule{operation::marketplace, "run the marketplace's operations", {}, {}},
};

/// True when row i of operation_rules is operation i: every operation has exactly one row.
[[nodiscard]] constexpr bool operation_rules_complete() noexcept {
  for (std::size_t i = 0; i < operation_rules.size(); ++i)
    if (static_cast<std::size_t>(operation_rules[i].op) != i) return false;
  return true;
}
static_assert(operation_rules_complete(), "operation_rules must list every operation once, in enum order");

/// The row of the table for an operation.
[[nodiscard]] constexpr const operation_rule& rule_for(operation op) noexcept {
  return operation_rules[static_cast<std::size_t>(op)];
}

/// What authorize() looks at besides the actor's directory roles.
struct authorization_context {
  std::optional<billing_role> profile_role{}; ///< the actor's role on the billing profile concerned
  bool bought_through_partner = false;        ///< D-ROLE-6
  bool profile_involved = true;               ///< false when no billing profile is charged (bought from the vendor)
};

/// Allows or refuses `op` for an actor holding `roles`. A refusal names the action and the roles
/// that would allow it (D-ROLE-3).
[[nodiscard]] inline result<void> authorize(operation op, role_set roles, authorization_context context = {}) {
  const auto& rule = rule_for(op);
  if (platform_operation(op))
    return fail(errc::permission_denied, "To " + std::string(rule.action) +
                                             " you need to be the platform or the app's publisher; no tenant admin role allows it (D-MKT-1).");
  if (!rule.directory.empty()) {
    if (context.bought_through_partner && rule.partner_global_only) {
      if (!roles.contains(directory_role::global_administrator))
        return fail(errc::permission_denied,
                    "To " + std::string(rule.action) +
                        " of a subscription bought through a partner you need the Global administrator role (D-ROLE-6).");
    } else if (!roles.intersects(rule.directory)) {
      return fail(errc::permission_denied, "To " + std::string(rule.action) + " you need the " +
                                               describe_roles(rule.directory) + " role.");
    }
  }
  if (!rule.profile.empty() && context.profile_involved && (!context.profile_role || !rule.profile.contains(*context.profile_role))) {
    return fail(errc::permission_denied, "To " + std::string(rule.action) + " you need to be " +
                                             describe_roles(rule.profile) + " on the billing profile" +
                                             (context.profile_role ? std::string(" (you are ") +
                                                                         std::string(display_name(*context.profile_role)) + ")"
                                                                   : std::string()) +
                                             ".");
  }
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

} // namespace isv
