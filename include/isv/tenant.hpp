// basic_tenant: an organization, its country, and the directory roles it granted to its admins.
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
  /// The tenant's country, an ISO 3166-1 alpha-2 code ("DE", "NL"; D-BUY-5), checked when the tenant is
  /// created. Named `region` as before, so the JSON key and the stored bytes stay the same; a tenant
  /// written before reads its old name as the code ("Germany": "DE"), except "Western Europe", which
  /// names no one country and is kept (see isv::sells_to).
  string_type region{};
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
