// Granting and revoking a tenant's directory roles (a Global administrator's job).
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/authorization.hpp"
#include "isv/detail/checks.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/tenant.hpp"

#include <boost/describe/class.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
#include <variant>

namespace isv {

template <licensing_traits Traits>
struct basic_grant_role_command {
  user_id_t<Traits> user{};
  directory_role role{};
  static constexpr std::string_view operation_name = "grant_role";
  static constexpr std::optional<operation> authorization = operation::manage_admin_roles;
  using result_value = std::monostate;
  friend bool operator==(const basic_grant_role_command&, const basic_grant_role_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_grant_role_command, (), (user, role), (), ())
};

template <licensing_traits Traits>
struct basic_revoke_role_command {
  user_id_t<Traits> user{};
  directory_role role{};
  static constexpr std::string_view operation_name = "revoke_role";
  static constexpr std::optional<operation> authorization = operation::manage_admin_roles;
  using result_value = std::monostate;
  friend bool operator==(const basic_revoke_role_command&, const basic_revoke_role_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_revoke_role_command, (), (user, role), (), ())
};

/// The fields of a role change, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_role_command = basic_grant_role_command<Traits>;

using grant_role_command = basic_grant_role_command<default_traits>;
using revoke_role_command = basic_revoke_role_command<default_traits>;
using role_command = basic_role_command<default_traits>;

/// Grants `cmd.role` to `cmd.user` in the admin's tenant. Granting a role held already changes nothing.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_tenant<T>, T>> grant_role(const basic_tenant<T>& org, const basic_actor<T>& admin,
                                                                  const basic_grant_role_command<T>& cmd,
                                                                  const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, org.id, org.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  basic_update<basic_tenant<T>, T> out;
  if (!org.has_role(cmd.user, cmd.role))
    out.events.push_back(detail::make_event(admin, now, basic_role_granted<T>{cmd.user, cmd.role}));
  out.state = apply_all(org, out.events);
  return out;
}

/// Revokes a role. The last Global administrator cannot be removed: the tenant would have no one
/// left to grant roles.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_tenant<T>, T>> revoke_role(const basic_tenant<T>& org, const basic_actor<T>& admin,
                                                                   const basic_revoke_role_command<T>& cmd,
                                                                   const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, org.id, org.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (!org.has_role(cmd.user, cmd.role))
    return fail(errc::not_found, detail::describe(cmd.user) + " does not hold the " +
                                     std::string(display_name(cmd.role)) + " role.");
  if (cmd.role == directory_role::global_administrator &&
      std::count_if(org.admin_roles.begin(), org.admin_roles.end(),
                    [](const auto& g) { return g.role == directory_role::global_administrator; }) == 1)
    return fail(errc::invalid_argument, "Cannot revoke the last Global administrator of " +
                                            detail::describe(org.id) + ": grant the role to someone else first.");
  basic_update<basic_tenant<T>, T> out;
  out.events.push_back(detail::make_event(admin, now, basic_role_revoked<T>{cmd.user, cmd.role}));
  out.state = apply_all(org, out.events);
  return out;
}

} // namespace isv
