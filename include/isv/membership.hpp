// Directory operations: adding users, creating groups, and changing group membership, with what that does to group-assigned licenses.
#pragma once

#include "isv/actor.hpp"
#include "isv/authorization.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/detail/seat_planner.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"

#include <boost/describe/class.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace isv {

/// A subscription and its license book, as read by an operation that may touch many subscriptions.
template <licensing_traits Traits>
struct basic_subscription_ref {
  const basic_subscription<Traits>* subscription = nullptr;
  const basic_license_book<Traits>* book = nullptr;
};

template <licensing_traits Traits>
struct basic_add_users_command {
  std::vector<user_id_t<Traits>> users{};
  static constexpr std::string_view operation_name = "add_users";
  static constexpr std::optional<operation> authorization = operation::manage_directory;
  using result_value = std::monostate;
  friend bool operator==(const basic_add_users_command&, const basic_add_users_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_add_users_command, (), (users), (), ())
};

template <licensing_traits Traits>
struct basic_create_group_command {
  group_id_t<Traits> group{};
  typename Traits::string_type name{};
  static constexpr std::string_view operation_name = "create_group";
  static constexpr std::optional<operation> authorization = operation::manage_directory;
  using result_value = std::monostate;
  friend bool operator==(const basic_create_group_command&, const basic_create_group_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_create_group_command, (), (group, name), (), ())
};

/// Adds members to one group.
template <licensing_traits Traits>
struct basic_add_members_command {
  group_id_t<Traits> group{};
  std::vector<user_id_t<Traits>> users{};
  static constexpr std::string_view operation_name = "add_members";
  static constexpr std::optional<operation> authorization = operation::manage_directory;
  using result_value = std::monostate;
  friend bool operator==(const basic_add_members_command&, const basic_add_members_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_add_members_command, (), (group, users), (), ())
};

/// Removes members from one group.
template <licensing_traits Traits>
struct basic_remove_members_command {
  group_id_t<Traits> group{};
  std::vector<user_id_t<Traits>> users{};
  static constexpr std::string_view operation_name = "remove_members";
  static constexpr std::optional<operation> authorization = operation::manage_directory;
  using result_value = std::monostate;
  friend bool operator==(const basic_remove_members_command&, const basic_remove_members_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_remove_members_command, (), (group, users), (), ())
};

/// The fields of a membership change, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_membership_command = basic_add_members_command<Traits>;

/// What a directory operation produced: its events. The directory is changed in place by applying
/// them (like the license book), never returned as a copy: copying a directory of a million users
/// on every call would cost more than the operation itself.
template <licensing_traits Traits>
using basic_directory_update = basic_update<std::monostate, Traits>;

using add_users_command = basic_add_users_command<default_traits>;
using create_group_command = basic_create_group_command<default_traits>;
using add_members_command = basic_add_members_command<default_traits>;
using remove_members_command = basic_remove_members_command<default_traits>;
using membership_command = basic_membership_command<default_traits>;
using directory_update = basic_directory_update<default_traits>;
using subscription_ref = basic_subscription_ref<default_traits>;

/// Adds users to the tenant's directory. Users already there are left as they are.
template <licensing_traits T>
[[nodiscard]] result<basic_directory_update<T>> add_users(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                                            const basic_add_users_command<T>& cmd,
                                                            const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, dir.tenant(), dir.tenant()));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (cmd.users.empty()) return fail(errc::invalid_argument, "Nothing to add: list at least one user.");
  BOOST_OUTCOME_TRY(detail::distinct(cmd.users));
  basic_users_added<T> added;
  for (const auto& user : cmd.users)
    if (!dir.has_user(user)) added.users.push_back(user);
  basic_directory_update<T> out;
  if (!added.users.empty()) out.events.push_back(detail::make_event(admin, now, std::move(added)));
  return out;
}

/// Creates an empty group.
template <licensing_traits T>
[[nodiscard]] result<basic_directory_update<T>> create_group(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                                               const basic_create_group_command<T>& cmd,
                                                               const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, dir.tenant(), dir.tenant()));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (dir.has_group(cmd.group))
    return fail(errc::already_exists, detail::describe(cmd.group) + " already exists in " + detail::describe(dir.tenant()) + ".");
  basic_directory_update<T> out;
  out.events.push_back(detail::make_event(admin, now, basic_group_created<T>{cmd.group, cmd.name}));
  return out;
}

namespace detail {
template <licensing_traits T, class Command>
[[nodiscard]] result<void> valid_membership(const basic_directory<T>& dir, const basic_actor<T>& admin, const Command& cmd,
                                            detail::range_of<basic_subscription_ref<T>> subscriptions) {
  BOOST_OUTCOME_TRY(same_tenant(admin, dir.tenant(), dir.tenant()));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (!dir.has_group(cmd.group))
    return fail(errc::not_found, describe(cmd.group) + " is not a group of " + describe(dir.tenant()) + ".");
  if (cmd.users.empty()) return fail(errc::invalid_argument, "List at least one member.");
  BOOST_OUTCOME_TRY(distinct(cmd.users));
  for (const auto& user : cmd.users)
    if (!dir.has_user(user))
      return fail(errc::not_found, describe(user) + " is not a user of " + describe(dir.tenant()) + ".");
  std::vector<subscription_id_t<T>> listed;
  for (const auto& ref : subscriptions) {
    BOOST_OUTCOME_TRY(same_tenant(admin, ref.subscription->tenant, ref.subscription->id));
    BOOST_OUTCOME_TRY(same_target(ref.book->subscription(), ref.subscription->id));
    listed.push_back(ref.subscription->id);
  }
  // Each listed subscription plans its seats on its own: one listed twice would hand them out twice.
  return distinct(listed);
}
} // namespace detail

/// Adds members to a group. Every subscription the group is assigned to gives the new members a
/// license, or lists them in violation when no seat is left (D-ASSIGN-2, D-ASSIGN-3). Pass the
/// tenant's subscriptions (or just those the group is assigned to; others are skipped).
template <licensing_traits T>
[[nodiscard]] result<basic_directory_update<T>> add_members(const basic_directory<T>& dir,
                                                              detail::range_of<basic_subscription_ref<T>> subscriptions,
                                                              const basic_actor<T>& admin,
                                                              const basic_add_members_command<T>& cmd,
                                                              const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::valid_membership(dir, admin, cmd, subscriptions));
  basic_members_added<T> added{cmd.group, {}};
  for (const auto& user : cmd.users)
    if (!dir.is_member(cmd.group, user)) added.users.push_back(user);
  std::sort(added.users.begin(), added.users.end());
  basic_directory_update<T> out;
  auto& events = out.events;
  if (added.users.empty()) return out;
  const auto stamp = detail::make_event(admin, now, added);
  events.push_back(stamp);
  for (const auto& ref : subscriptions) {
    const auto& s = *ref.subscription;
    if (s.status == subscription_status::deactivated || !ref.book->group_assigned(cmd.group)) continue;
    detail::seat_planner<T> planner(s, *ref.book);
    (void)detail::grant_via_group(planner, s.id, cmd.group, added.users, stamp, events);
  }
  return out;
}

/// Removes members from a group. Each loses the license the group gave, unless another path still
/// gives one (D-ASSIGN-5); their violations for the group are cleared.
template <licensing_traits T>
[[nodiscard]] result<basic_directory_update<T>> remove_members(const basic_directory<T>& dir,
                                                                 detail::range_of<basic_subscription_ref<T>> subscriptions,
                                                                 const basic_actor<T>& admin,
                                                                 const basic_remove_members_command<T>& cmd,
                                                                 const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::valid_membership(dir, admin, cmd, subscriptions));
  basic_members_removed<T> removed{cmd.group, {}};
  for (const auto& user : cmd.users)
    if (dir.is_member(cmd.group, user)) removed.users.push_back(user);
  std::sort(removed.users.begin(), removed.users.end());
  basic_directory_update<T> out;
  auto& events = out.events;
  if (removed.users.empty()) return out;
  const auto stamp = detail::make_event(admin, now, removed);
  events.push_back(stamp);
  for (const auto& ref : subscriptions) {
    const auto& s = *ref.subscription;
    const auto& book = *ref.book;
    if (!book.group_assigned(cmd.group)) continue;
    basic_licenses_released<T> released{s.id, cmd.group, {}, {}};
    basic_violations_cleared<T> cleared{s.id, cmd.group, {}};
    for (const auto& user : removed.users) {
      if (book.in_violation(user, cmd.group)) cleared.users.push_back(user);
      const auto paths = book.find(user);
      if (!paths || !paths->via(cmd.group)) continue;
      const bool other_path = paths->direct || paths->groups.size() > 1;
      (other_path ? released.removed_path : released.released).push_back(user);
    }
    if (!released.released.empty() || !released.removed_path.empty()) {
      events.push_back(stamp);
      events.back().payload = std::move(released);
    }
    if (!cleared.users.empty()) {
      events.push_back(stamp);
      events.back().payload = std::move(cleared);
    }
  }
  return out;
}

} // namespace isv
