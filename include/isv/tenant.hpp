// basic_tenant: an organization, its country or region, and the directory roles it granted to its admins.
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/detail/record.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <vector>

namespace isv {

/// An organization. Owns everything else; nothing crosses tenants (D-TENANT-1).
template <licensing_traits Traits>
struct basic_tenant {
  using traits_type = Traits;
  using string_type = typename Traits::string_type;

  tenant_id_t<Traits> id{};
  string_type name{};
  string_type region{}; ///< country or region, as in supported_regions ("Germany")
  std::vector<basic_admin_role<Traits>> admin_roles{};
  count_t version = 0;

  /// The directory roles the tenant granted to `user`.
  [[nodiscard]] role_set roles_of(const user_id_t<Traits>& user) const {
    role_set roles;
    for (const auto& grant : admin_roles)
      if (grant.user == user) roles.insert(grant.role);
    return roles;
  }

  [[nodiscard]] bool has_role(const user_id_t<Traits>& user, directory_role role) const {
    return std::any_of(admin_roles.begin(), admin_roles.end(),
                       [&](const auto& grant) { return grant.user == user && grant.role == role; });
  }

  /// The actor for `user` with exactly the roles this tenant granted.
  [[nodiscard]] basic_actor<Traits> actor(const user_id_t<Traits>& user) const { return {id, user, roles_of(user)}; }

  ISV_RECORD(basic_tenant, (id, name, region, admin_roles, version))
};

using tenant = basic_tenant<default_traits>;

} // namespace isv
