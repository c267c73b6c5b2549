// Admin roles: the tenant's directory roles, the roles on a billing profile, and basic_admin_role (one grant of a directory role).
#pragma once

#include "isv/detail/flag_set.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace isv {

/// Directory roles of a tenant that matter to licensing (D-ROLE-1, D-ROLE-2).
BOOST_DEFINE_ENUM_CLASS(directory_role, global_administrator, billing_administrator, license_administrator, user_administrator, global_reader)

inline constexpr auto all_directory_roles = enum_values<directory_role>;

/// Roles on one billing profile (D-ROLE-4).
BOOST_DEFINE_ENUM_CLASS(billing_role,
    owner,                   ///< everything, including granting roles on the profile
    contributor,             ///< everything but granting roles
    reader,                  ///< view only
    invoice_manager          ///< view and pay invoices
)

inline constexpr auto all_billing_roles = enum_values<billing_role>;

using role_set = detail::flag_set<directory_role>;
using billing_role_set = detail::flag_set<billing_role>;

/// "Global administrator", as the admin center names it.
[[nodiscard]] constexpr std::string_view display_name(directory_role r) noexcept {
  switch (r) {
    case directory_role::global_administrator: return "Global administrator";
    case directory_role::billing_administrator: return "Billing administrator";
    case directory_role::license_administrator: return "License administrator";
    case directory_role::user_administrator: return "User administrator";
    case directory_role::global_reader: return "Global reader";
  }
  return "unknown role";
}

[[nodiscard]] constexpr std::string_view display_name(billing_role r) noexcept {
  switch (r) {
    case billing_role::owner: return "billing profile owner";
    case billing_role::contributor: return "billing profile contributor";
    case billing_role::reader: return "billing profile reader";
    case billing_role::invoice_manager: return "invoice manager";
  }
  return "unknown billing role";
}

/// One grant of a directory role to a user of a tenant. A grant means nothing outside its tenant (D-ROLE-5).
template <licensing_traits Traits>
struct basic_admin_role {
  using traits_type = Traits;
  tenant_id_t<Traits> tenant{};
  user_id_t<Traits> user{};
  directory_role role{};

  ISV_RECORD(basic_admin_role, (tenant, user, role))
};

using admin_role = basic_admin_role<default_traits>;

/// "Global administrator or Billing administrator"
template <class Enum>
[[nodiscard]] std::string describe_roles(detail::flag_set<Enum> roles, std::string_view conjunction = "or") {
  std::string out;
  int listed = 0;
  for (unsigned i = 0; i < 32; ++i) {
    const auto role = static_cast<Enum>(i);
    if (!roles.contains(role)) continue;
    if (listed++ > 0) out += ", ";
    out += display_name(role);
  }
  if (const auto last = out.rfind(", "); last != std::string::npos && listed > 1)
    out.replace(last, 2, " " + std::string(conjunction) + " ");
  return listed == 0 ? std::string("no role") : out;
}

} // namespace isv
