// basic_actor: who performs an operation (a user of one tenant and their directory roles), or the platform itself.
#pragma once

#include "isv/admin_role.hpp"
#include "isv/traits.hpp"

#include <optional>

namespace isv {

/// The admin acting. Operations check the actor's tenant against the entity's (D-TENANT-1) and its
/// roles against the authorization table (D-ROLE-1..6). Build it from the tenant's grants with
/// basic_tenant::actor(user) so the roles are the ones the tenant really granted.
template <licensing_traits Traits>
struct basic_actor {
  using traits_type = Traits;
  tenant_id_t<Traits> tenant{};
  user_id_t<Traits> user{};
  role_set roles{};

  friend bool operator==(const basic_actor&, const basic_actor&) = default;
};

using actor = basic_actor<default_traits>;

/// Who an event says did it: a user, or nobody (the platform: renewals, expiry, payment lapses).
template <licensing_traits Traits>
using actor_ref_t = std::optional<user_id_t<Traits>>;

} // namespace isv
