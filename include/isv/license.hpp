// basic_license: one user's right to use an app, consumed from a subscription, and the paths (direct, groups) that give it.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <string_view>
#include <vector>

namespace isv {

/// The paths by which one user holds one subscription's license. A user holds at most one license
/// per subscription however many paths lead to it (D-ASSIGN-2); it is released when the last path goes (D-ASSIGN-5).
template <licensing_traits Traits>
struct basic_license_paths {
  bool direct = false;
  std::vector<group_id_t<Traits>> groups{}; ///< sorted, no duplicates
  typename Traits::time_point assigned_at{};

  [[nodiscard]] bool via(const group_id_t<Traits>& group) const {
    return std::binary_search(groups.begin(), groups.end(), group);
  }
  [[nodiscard]] bool has_any_path() const noexcept { return direct || !groups.empty(); }

  ISV_RECORD(basic_license_paths, (direct, groups, assigned_at))
};

/// One license record: which subscription, which user, and how it was assigned.
template <licensing_traits Traits>
struct basic_license {
  using traits_type = Traits;
  subscription_id_t<Traits> subscription{};
  user_id_t<Traits> user{};
  basic_license_paths<Traits> paths{};

  ISV_RECORD(basic_license, (subscription, user, paths))
};

using license = basic_license<default_traits>;

/// Why a group member holds no license although the group is assigned (D-ASSIGN-3, D-GROUP-1).
BOOST_DEFINE_ENUM_CLASS(violation_reason,
    count_violation,         ///< no seats left
    suspended                ///< the subscription is suspended; nothing can be added until it is paid
)

/// A group member left without a license, with the reason.
template <licensing_traits Traits>
struct basic_count_violation {
  user_id_t<Traits> user{};
  group_id_t<Traits> group{};
  violation_reason reason = violation_reason::count_violation;

  ISV_RECORD(basic_count_violation, (user, group, reason))
};

using count_violation = basic_count_violation<default_traits>;

} // namespace isv
