// Directory operations: adding, naming and removing users, creating and deleting groups, and changing group membership, with what that does to licenses.
#pragma once

#include "isv/actor.hpp"
#include "isv/admin_role.hpp"
#include "isv/billing_profile.hpp"
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
#include "isv/tenant.hpp"

#include <algorithm>
#include <cstddef>
#include <map>
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

namespace detail {
/// Every directory operation starts here: the acting admin is of the directory's tenant
/// (D-TENANT-1) and holds a role the command's row of the authorization table allows.
template <licensing_traits T, class Command>
result<void> may_change_directory(const basic_directory<T>& dir, const basic_actor<T>& admin, const Command& cmd) {
  BOOST_OUTCOME_TRY(same_tenant(admin, dir.tenant(), dir.tenant()));
  return authorize(guard_of(cmd), admin.roles);
}

/// Every listed user is in the directory; else not_found, naming the first who is not.
template <licensing_traits T>
result<void> known_users(const basic_directory<T>& dir, const std::vector<user_id_t<T>>& users) {
  if (const auto* unknown = dir.first_unknown(users))
    return fail(errc::not_found, describe(*unknown) + " is not a user of " + describe(dir.tenant()) + ".");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// The group is in the directory; else not_found.
template <licensing_traits T>
result<void> known_group(const basic_directory<T>& dir, const group_id_t<T>& group) {
  if (!dir.has_group(group)) return fail(errc::not_found, describe(group) + " is not a group of " + describe(dir.tenant()) + ".");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}
} // namespace detail

/// Adds users to the tenant's directory. Users already there are left as they are.
template <licensing_traits T>
result<basic_directory_update<T>> add_users(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                            const basic_add_users_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::may_change_directory(dir, admin, cmd));
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
  BOOST_OUTCOME_TRY(detail::may_change_directory(dir, admin, cmd));
  if (dir.has_group(cmd.group))
    return fail(errc::already_exists, detail::describe(cmd.group) + " already exists in " + detail::describe(dir.tenant()) + ".");
  return detail::update_of(std::monostate{}, admin, now, basic_group_created<T>{cmd.group, cmd.name});
}

namespace detail {
/// The subscriptions a directory operation reads: the actor's tenant's, each with its own book, each once.
template <licensing_traits T>
result<void> valid_subscriptions(const basic_actor<T>& admin, range_of<basic_subscription_ref<T>> subscriptions) {
  std::vector<subscription_id_t<T>> listed;
  for (const auto& ref : subscriptions) {
    BOOST_OUTCOME_TRY(same_tenant(admin, ref.subscription->tenant, ref.subscription->id));
    BOOST_OUTCOME_TRY(same_target(ref.book->subscription(), ref.subscription->id));
    listed.push_back(ref.subscription->id);
  }
  // Each listed subscription plans its seats on its own: one listed twice would hand them out twice.
  return distinct(listed);
}

template <licensing_traits T, class Command>
result<void> valid_membership(const basic_directory<T>& dir, const basic_actor<T>& admin, const Command& cmd,
                              detail::range_of<basic_subscription_ref<T>> subscriptions) {
  BOOST_OUTCOME_TRY(may_change_directory(dir, admin, cmd));
  BOOST_OUTCOME_TRY(known_group(dir, cmd.group));
  if (cmd.users.empty()) return fail(errc::invalid_argument, "List at least one member.");
  BOOST_OUTCOME_TRY(distinct(cmd.users));
  BOOST_OUTCOME_TRY(known_users(dir, cmd.users));
  return valid_subscriptions(admin, subscriptions);
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

namespace detail {
/// `users` lose the path through `group` in one subscription: the license goes unless another
/// path still gives one (D-ASSIGN-5), and their violations for the group are cleared.
template <licensing_traits T>
void release_group_path(const basic_subscription<T>& s, const basic_license_book<T>& book, const group_id_t<T>& group,
                        const std::vector<user_id_t<T>>& users, const basic_event<T>& stamp,
                        std::vector<basic_event<T>>& events) {
  basic_licenses_released<T> released{s.id, group, {}, {}};
  basic_violations_cleared<T> cleared{s.id, group, {}};
  for (const auto& user : users) {
    if (book.in_violation(user, group)) cleared.users.push_back(user);
    const auto paths = book.find(user);
    if (!paths || !paths->via(group)) continue;
    const bool other_path = paths->direct || paths->groups.size() > 1;
    (other_path ? released.removed_path : released.released).push_back(user);
  }
  if (!released.released.empty() || !released.removed_path.empty()) emit(events, stamp, std::move(released));
  if (!cleared.users.empty()) emit(events, stamp, std::move(cleared));
}

/// `users` (sorted) leave the tenant: in one subscription, every path to their licenses goes. A
/// license held through several paths loses each but the last (removed_path), then is released
/// through the last, direct first and groups in order, so each event applies to what the ones
/// before left (D-DIR-1). Their violations are cleared.
template <licensing_traits T>
void release_every_path(const basic_subscription<T>& s, const basic_license_book<T>& book,
                        const std::vector<user_id_t<T>>& users, const basic_event<T>& stamp,
                        std::vector<basic_event<T>>& events) {
  std::map<std::optional<group_id_t<T>>, basic_licenses_released<T>> by_path;
  for (const auto& user : users) {
    const auto paths = book.find(user);
    if (!paths) continue;
    std::vector<std::optional<group_id_t<T>>> via;
    if (paths->direct) via.emplace_back(std::nullopt);
    via.insert(via.end(), paths->groups.begin(), paths->groups.end());
    std::sort(via.begin(), via.end());
    for (std::size_t i = 0; i < via.size(); ++i) {
      auto& event = by_path.try_emplace(via[i], basic_licenses_released<T>{s.id, via[i], {}, {}}).first->second;
      (i + 1 == via.size() ? event.released : event.removed_path).push_back(user);
    }
  }
  for (auto& entry : by_path) emit(events, stamp, std::move(entry.second));
  for (const auto& group : book.groups()) {
    basic_violations_cleared<T> cleared{s.id, group, {}};
    for (const auto& user : users)
      if (book.in_violation(user, group)) cleared.users.push_back(user);
    if (!cleared.users.empty()) emit(events, stamp, std::move(cleared));
  }
}
} // namespace detail

/// Removes members from a group. Each loses the license the group gave, unless another path still
/// gives one (D-ASSIGN-5); their violations for the group are cleared.
template <licensing_traits T>
result<basic_directory_update<T>> remove_members(
    const basic_directory<T>& dir, detail::range_of<basic_subscription_ref<T>> subscriptions,
    const basic_actor<T>& admin, const basic_remove_members_command<T>& cmd, const time_point_t<T>& now) {
  return detail::change_membership<basic_members_removed<T>>(
      dir, subscriptions, admin, cmd, now, [&](const auto& s, const auto& book, const auto& users, const auto& stamp, auto& events) {
        if (book.group_assigned(cmd.group)) detail::release_group_path(s, book, cmd.group, users, stamp, events);
      });
}

namespace detail {
/// None of `users` holds a role: a removed user must not keep the power to act (revoke roles first).
template <licensing_traits T>
result<void> hold_no_role(const basic_tenant<T>& org, range_of<basic_billing_profile<T>> profiles,
                          const basic_actor<T>& admin, const std::vector<user_id_t<T>>& users) {
  BOOST_OUTCOME_TRY(same_tenant(admin, org.id, org.id));
  for (const auto& b : profiles) {
    BOOST_OUTCOME_TRY(same_tenant(admin, b.tenant, b.id));
  }
  for (const auto& user : users) {
    if (const auto roles = org.roles_of(user); !roles.empty())
      return fail(errc::invalid_argument, describe(user) + " holds the " + describe_roles(roles, "and") + " role in " +
                                              describe(org.id) + ": revoke it before removing the user.");
    for (const auto& b : profiles)
      if (const auto role = b.role_of(user))
        return fail(errc::invalid_argument, describe(user) + " holds the " + std::string(display_name(*role)) + " role on " +
                                                describe(b.id) + ": revoke that role before removing the user.");
  }
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}
} // namespace detail

/// Removes users from the tenant (D-DIR-1). In the same update, every license they hold in the
/// listed subscriptions (pass all of the tenant's), direct or through groups, is released and
/// their violations cleared; they leave every group and lose their display names. All or nothing:
/// a user who is not in the directory, or who holds a directory role or a role on one of the
/// tenant's billing profiles (pass them all), refuses the whole list: roles are revoked first, so a
/// removed user never keeps the power to act.
template <licensing_traits T>
result<basic_directory_update<T>> remove_users(const basic_tenant<T>& org, const basic_directory<T>& dir,
                                               detail::range_of<basic_billing_profile<T>> profiles,
                                               detail::range_of<basic_subscription_ref<T>> subscriptions,
                                               const basic_actor<T>& admin, const basic_remove_users_command<T>& cmd,
                                               const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::may_change_directory(dir, admin, cmd));
  if (cmd.users.empty()) return fail(errc::invalid_argument, "Nothing to remove: list at least one user.");
  BOOST_OUTCOME_TRY(detail::distinct(cmd.users));
  BOOST_OUTCOME_TRY(detail::known_users(dir, cmd.users));
  BOOST_OUTCOME_TRY(detail::hold_no_role(org, profiles, admin, cmd.users));
  BOOST_OUTCOME_TRY(detail::valid_subscriptions(admin, subscriptions));
  basic_users_removed<T> removed{cmd.users};
  std::sort(removed.users.begin(), removed.users.end());
  basic_directory_update<T> out;
  const auto stamp = detail::make_event(admin, now, removed);
  out.events.push_back(stamp);
  for (const auto& ref : subscriptions)
    detail::release_every_path(*ref.subscription, *ref.book, removed.users, stamp, out.events);
  return out;
}

/// Deletes a group (D-DIR-1). In every listed subscription (pass all of the tenant's) its members
/// lose the licenses only it gave, keeping those another path still gives (D-ASSIGN-5); its
/// violations are cleared, even of users who left it since, and its assignment ends.
template <licensing_traits T>
result<basic_directory_update<T>> delete_group(const basic_directory<T>& dir,
                                               detail::range_of<basic_subscription_ref<T>> subscriptions,
                                               const basic_actor<T>& admin, const basic_delete_group_command<T>& cmd,
                                               const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::may_change_directory(dir, admin, cmd));
  BOOST_OUTCOME_TRY(detail::known_group(dir, cmd.group));
  BOOST_OUTCOME_TRY(detail::valid_subscriptions(admin, subscriptions));
  basic_directory_update<T> out;
  const auto stamp = detail::make_event(admin, now, basic_group_deleted<T>{cmd.group});
  out.events.push_back(stamp);
  const auto& members = dir.members(cmd.group);
  for (const auto& ref : subscriptions) {
    const auto& book = *ref.book;
    std::vector<user_id_t<T>> users(members.begin(), members.end());
    for (const auto& v : book.violations_of(cmd.group))
      if (!members.contains(v.user)) users.push_back(v.user);
    std::sort(users.begin(), users.end());
    detail::release_group_path(*ref.subscription, book, cmd.group, users, stamp, out.events);
    if (book.group_assigned(cmd.group))
      detail::emit(out.events, stamp, basic_group_unassigned<T>{ref.subscription->id, cmd.group});
  }
  return out;
}

/// Sets a user's display name (D-DIR-2). The same name again changes nothing; an empty name is refused.
template <licensing_traits T>
result<basic_directory_update<T>> name_user(const basic_directory<T>& dir, const basic_actor<T>& admin,
                                            const basic_name_user_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::may_change_directory(dir, admin, cmd));
  BOOST_OUTCOME_TRY(detail::known_users(dir, std::vector{cmd.user}));
  if (cmd.name == typename T::string_type{})
    return fail(errc::invalid_argument, "A display name cannot be empty: give " + detail::describe(cmd.user) + " a name.");
  if (const auto* current = dir.user_name(cmd.user); current && *current == cmd.name)
    return detail::update_of(std::monostate{}, admin, now);
  return detail::update_of(std::monostate{}, admin, now, basic_user_named<T>{cmd.user, cmd.name});
}

} // namespace isv
