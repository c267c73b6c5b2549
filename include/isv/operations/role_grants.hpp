// Granting and revoking a tenant's directory roles (a Global administrator's job).
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/tenant.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <variant>

namespace isv {

/// Grants `cmd.role` to `cmd.user` in the admin's tenant; `dir` is the tenant's directory, which
/// must hold the user (D-ROLE-5: a role goes to a user of the tenant, not to any id). Granting a
/// role held already changes nothing.
template <licensing_traits T>
update_result<basic_tenant<T>, T> grant_role(const basic_tenant<T>& org, const basic_directory<T>& dir,
                                             const basic_actor<T>& admin, const basic_grant_role_command<T>& cmd,
                                             const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, org.id, org.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  BOOST_OUTCOME_TRY(detail::role_holder_known(dir, admin, cmd.user, display_name(cmd.role)));
  if (org.has_role(cmd.user, cmd.role)) return detail::update_of(org, admin, now);
  return detail::update_of(org, admin, now, basic_role_granted<T>{cmd.user, cmd.role});
}

/// Revokes a role. The last Global administrator cannot be removed: the tenant would have no one
/// left to grant roles.
template <licensing_traits T>
update_result<basic_tenant<T>, T> revoke_role(const basic_tenant<T>& org, const basic_actor<T>& admin,
                                              const basic_revoke_role_command<T>& cmd, const time_point_t<T>& now) {
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
  return detail::update_of(org, admin, now, basic_role_revoked<T>{cmd.user, cmd.role});
}

} // namespace isv
