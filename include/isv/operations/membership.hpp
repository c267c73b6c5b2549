// Directory operations: adding users, creating groups, and changing group membership, with what that does to group-assigned licenses.
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/detail/seat_planner.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"

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

/// What a directory operation produced: its events. The directory is changed in place by applying
/// them (like the license book), never returned as a copy: copying a directory of a million users
/// on every call would cost more than the operation itself.
template <licensing_traits Traits>
using basic_directory_update = basic_update<std::monostate, Traits>;

using directory_update = basic_directory_update<default_traits>;
using subscription_ref = basic_subscription_ref<default_traits>;

/// Adds users to the tenant's directory. Users already there are left as they are.
template <licensing_traits T>
result<basic_directory_update<T>> add_users(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                            const basic_add_users_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, dir.tenant(), dir.tenant()));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (cmd.users.empty()) return fail(errc::invalid_argument, "Nothing to add: list at least one user.");
  BOOST_OUTCOME_TRY(detail::distinct(cmd.users));
  basic_users_added<T> added;
  for (const auto& user : cmd.users)
    if (!dir.has_user(user)) added.users.push_back(user);
  if (added.users.empty()) return detail::update_of(std::monostate{}, admin, now);
  return detail::update_of(std::monostate{}, admin, now, std::move(added));
}

/// Creates an empty group.
template <licensing_traits T>
result<basic_directory_update<T>> create_group(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                               const basic_create_group_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, dir.tenant(), dir.tenant()));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (dir.has_group(cmd.group))
    return fail(errc::already_exists, detail::describe(cmd.group) + " already exists in " + detail::describe(dir.tenant()) + ".");
  return detail::update_of(std::monostate{}, admin, now, basic_group_created<T>{cmd.group, cmd.name});
}

namespace detail {
template <licensing_traits T, class Command>
result<void> valid_membership(const basic_directory<T>& dir, const basic_actor<T>& admin, const Command& cmd,
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

/// The listed users whose membership the command changes, sorted: those not yet in the group when
/// adding, those in it when removing.
template <licensing_traits T, class Command>
[[nodiscard]] std::vector<user_id_t<T>> changed_members(const basic_directory<T>& dir, const Command& cmd,
                                                        bool adding) {
  std::vector<user_id_t<T>> users;
  for (const auto& user : cmd.users)
    if (dir.is_member(cmd.group, user) != adding) users.push_back(user);
  std::sort(users.begin(), users.end());
  return users;
}
} // namespace detail

namespace detail {
/// A membership change: checked, the users it really changes (none: no events), their event, and
/// then `each(subscription, book, users, stamp, events)` for every subscription listed.
template <class Change, licensing_traits T, class Command, class Each>
result<basic_directory_update<T>> change_membership(const basic_directory<T>& dir,
                                                    range_of<basic_subscription_ref<T>> subscriptions,
                                                    const basic_actor<T>& admin, const Command& cmd,
                                                    const time_point_t<T>& now, Each each) {
  BOOST_OUTCOME_TRY(valid_membership(dir, admin, cmd, subscriptions));
  constexpr bool adding = std::same_as<Change, basic_members_added<T>>;
  const Change change{cmd.group, changed_members(dir, cmd, adding)};
  basic_directory_update<T> out;
  if (change.users.empty()) return out;
  const auto stamp = make_event(admin, now, change);
  out.events.push_back(stamp);
  for (const auto& ref : subscriptions) each(*ref.subscription, *ref.book, change.users, stamp, out.events);
  return out;
}
} // namespace detail

/// Adds members to a group. Every subscription the group is assigned to gives the new members a
/// license, or lists them in violation when no seat is left (D-ASSIGN-2, D-ASSIGN-3). Pass the
/// tenant's subscriptions (or just those the group is assigned to; others are skipped).
template <licensing_traits T>
result<basic_directory_update<T>> add_members(
    const basic_directory<T>& dir, detail::range_of<basic_subscription_ref<T>> subscriptions,
    const basic_actor<T>& admin, const basic_add_members_command<T>& cmd, const time_point_t<T>& now) {
  return detail::change_membership<basic_members_added<T>>(
      dir, subscriptions, admin, cmd, now, [&](const auto& s, const auto& book, const auto& users, const auto& stamp, auto& events) {
        if (s.status == subscription_status::deactivated || !book.group_assigned(cmd.group)) return;
        detail::seat_planner<T> planner(s, book);
        (void)detail::grant_via_group(planner, s.id, cmd.group, users, stamp, events);
      });
}

/// Removes members from a group. Each loses the license the group gave, unless another path still
/// gives one (D-ASSIGN-5); their violations for the group are cleared.
template <licensing_traits T>
result<basic_directory_update<T>> remove_members(
    const basic_directory<T>& dir, detail::range_of<basic_subscription_ref<T>> subscriptions,
    const basic_actor<T>& admin, const basic_remove_members_command<T>& cmd, const time_point_t<T>& now) {
  return detail::change_membership<basic_members_removed<T>>(
      dir, subscriptions, admin, cmd, now, [&](const auto& s, const auto& book, const auto& users, const auto& stamp, auto& events) {
        if (!book.group_assigned(cmd.group)) return;
        basic_licenses_released<T> released{s.id, cmd.group, {}, {}};
        basic_violations_cleared<T> cleared{s.id, cmd.group, {}};
        for (const auto& user : users) {
          if (book.in_violation(user, cmd.group)) cleared.users.push_back(user);
          const auto paths = book.find(user);
          if (!paths || !paths->via(cmd.group)) continue;
          const bool other_path = paths->direct || paths->groups.size() > 1;
          (other_path ? released.removed_path : released.released).push_back(user);
        }
        if (!released.released.empty() || !released.removed_path.empty()) detail::emit(events, stamp, std::move(released));
        if (!cleared.users.empty()) detail::emit(events, stamp, std::move(cleared));
      });
}

} // namespace isv
