// Assigning licenses to users and groups, unassigning them (preview, then confirm), and reprocessing group members left without a seat.
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/fields.hpp"
#include "isv/detail/record.hpp"
#include "isv/detail/seat_planner.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

namespace isv {

/// An assignment: the update, and its report.
template <licensing_traits Traits>
using basic_assignment = basic_reported_update<basic_subscription<Traits>, Traits, basic_assignment_report<Traits>>;

namespace detail {

/// A batch lists something, and nothing twice.
template <class User, class Group>
result<void> well_formed_selection(const std::vector<User>& users, const std::vector<Group>& groups,
                                   std::string_view action) {
  if (users.empty() && groups.empty())
    return fail(errc::invalid_argument, "Nothing to " + std::string(action) + ": list at least one user or group.");
  BOOST_OUTCOME_TRY(distinct(users));
  return distinct(groups);
}

/// Every id of a batch is this tenant's (D-TENANT-1).
template <licensing_traits T>
result<void> known_selection(const basic_directory<T>& dir, const std::vector<user_id_t<T>>& users,
                             const std::vector<group_id_t<T>>& groups) {
  if (const auto* stranger = dir.first_unknown(users))
    return fail(errc::not_found, describe(*stranger) + " is not a user of " + describe(dir.tenant()) + ".");
  for (const auto& group : groups)
    if (!dir.has_group(group))
      return fail(errc::not_found, describe(group) + " is not a group of " + describe(dir.tenant()) + ".");
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

/// Every id of a batch is this tenant's, and nothing is listed twice.
template <licensing_traits T>
result<void> valid_selection(const basic_directory<T>& dir, const std::vector<user_id_t<T>>& users,
                             const std::vector<group_id_t<T>>& groups, std::string_view action) {
  BOOST_OUTCOME_TRY(well_formed_selection(users, groups, action));
  return known_selection(dir, users, groups);
}

/// The checks shared by every operation on a subscription's licenses.
template <licensing_traits T>
result<void> license_operation_allowed(const basic_subscription<T>& s, const basic_license_book<T>& book,
                                       const basic_directory<T>& dir, const basic_actor<T>& admin,
                                       const subscription_id_t<T>& named, operation op) {
  BOOST_OUTCOME_TRY(same_tenant(admin, s.tenant, s.id));
  BOOST_OUTCOME_TRY(same_target(s.id, named));
  BOOST_OUTCOME_TRY(same_target(book.subscription(), s.id));
  BOOST_OUTCOME_TRY(same_target(dir.tenant(), s.tenant));
  return authorize(op, admin.roles);
}

} // namespace detail

namespace detail {

/// An assignment worked out for a given holding of each listed user (none: every user is new):
/// the result, and the seats its direct users need (all-or-nothing: when they do not fit, nothing
/// is planned).
template <licensing_traits T>
struct assignment_plan {
  basic_assignment<T> out{};
  count_t needed = 0;
  bool seats_enough = false;
};

template <licensing_traits T>
[[nodiscard]] assignment_plan<T> plan_assignment(const basic_subscription<T>& s, const basic_license_book<T>& book,
                                                 const basic_directory<T>& dir, const basic_actor<T>& admin,
                                                 const basic_assign_command<T>& cmd, const time_point_t<T>& now,
                                                 const std::vector<typename basic_license_book<T>::holding>* held) {
  using holding = typename basic_license_book<T>::holding;
  assignment_plan<T> plan;
  auto& out = plan.out;
  plan.needed = held == nullptr ? static_cast<count_t>(cmd.users.size())
                                : static_cast<count_t>(std::count(held->begin(), held->end(), holding::none));
  plan.seats_enough = plan.needed <= s.seats_free();
  if (!plan.seats_enough) return plan;
  basic_licenses_granted<T> direct{s.id, std::nullopt, {}, {}};
  if (static_cast<std::size_t>(plan.needed) == cmd.users.size()) {
    direct.new_holders = cmd.users; // the bulk case: every user is new
  } else {
    direct.new_holders.reserve(static_cast<std::size_t>(plan.needed));
    for (std::size_t i = 0; i < cmd.users.size(); ++i) {
      if ((*held)[i] == holding::none) direct.new_holders.push_back(cmd.users[i]);
      else if ((*held)[i] == holding::direct) out.report.already_assigned.push_back(cmd.users[i]);
      else direct.added_path.push_back(cmd.users[i]);
    }
  }
  seat_planner<T> planner(s, book);
  // Groups of the same batch must see the direct users as holders already (D-ASSIGN-2).
  planner.take(direct.new_holders, /*remember=*/!cmd.groups.empty());

  const basic_event<T> stamp = make_event(admin, now, basic_licenses_granted<T>{});
  if (!direct.new_holders.empty() || !direct.added_path.empty()) detail::emit(out.events, stamp, std::move(direct));
  for (const auto& group : cmd.groups) {
    if (book.group_assigned(group)) {
      out.report.groups_already_assigned.push_back(group);
      continue;
    }
    detail::emit(out.events, stamp, basic_group_assigned<T>{s.id, group});
    auto left_out = grant_via_group(planner, s.id, group, dir.members(group), stamp, out.events);
    out.report.violations.insert(out.report.violations.end(), left_out.begin(), left_out.end());
  }
  out.state = apply_all(s, out.events);
  out.report.licenses_added = out.state.licenses_in_use - s.licenses_in_use;
  return plan;
}

} // namespace detail

/// Assigns licenses to the listed users and groups in one all-or-nothing step (D-ASSIGN-1).
/// Direct users must all fit in the free seats or nothing is assigned; group members beyond the
/// free seats are recorded as count violations and listed (D-ASSIGN-3, D-GROUP-1). A user reached
/// by several paths holds one license (D-ASSIGN-2); what was assigned already is reported (D-ASSIGN-6).
template <licensing_traits T>
result<basic_assignment<T>> assign(const basic_subscription<T>& s, const basic_license_book<T>& book,
                                   const basic_directory<T>& dir, const basic_actor<T>& admin,
                                   const basic_assign_command<T>& cmd, const time_point_t<T>& now) {
  // In a large tenant each user's directory and book lookups are cache misses: start them now, so
  // that they overlap each other and the work that follows, and consult them as late as possible.
  // Nothing is returned before every check passed, and the checks report in their order of importance.
  dir.prefetch(cmd.users);
  book.prefetch(cmd.users);
  BOOST_OUTCOME_TRY(detail::license_operation_allowed(s, book, dir, admin, cmd.subscription, detail::guard_of(cmd)));
  if (s.status != subscription_status::active) return detail::status_refusal(s, "assign licenses");
  BOOST_OUTCOME_TRY(detail::well_formed_selection(cmd.users, cmd.groups, "assign"));

  // Direct users are all-or-nothing: the seats they need are counted before anything is planned.
  // One book lookup per user serves both the count and the plan. Without groups, the plan is made
  // first as if every user were new (the usual case), while the lookups are under way, and made
  // again only if one of them holds a license already.
  detail::assignment_plan<T> plan;
  if (cmd.groups.empty()) plan = detail::plan_assignment(s, book, dir, admin, cmd, now, nullptr);
  if (!cmd.groups.empty() || book.holds_any(cmd.users)) {
    const auto held = book.holdings(cmd.users);
    plan = detail::plan_assignment(s, book, dir, admin, cmd, now, &held);
  }

  BOOST_OUTCOME_TRY(detail::known_selection(dir, cmd.users, cmd.groups)); // D-TENANT-1, last: its lookups had the most time
  if (!plan.seats_enough)
    return fail(errc::seats_exhausted,
                "Assigning these licenses needs " + detail::plural(plan.needed, "new seat") + " but " +
                    detail::describe(s.id) + " has " + std::to_string(s.seats_free()) + " free (" +
                    std::to_string(*s.quantity) + " bought, " + std::to_string(s.licenses_in_use) +
                    " in use). Raise the quantity by " + std::to_string(plan.needed - s.seats_free()) +
                    ", unassign licenses, or assign fewer users; nothing was assigned.");
  return std::move(plan.out);
}



namespace detail {

/// Works out an unassignment against the current state: the preview and the events that confirm it.
template <licensing_traits T>
void plan_unassign(const basic_subscription<T>& s, const basic_license_book<T>& book, const basic_directory<T>& dir,
                   const basic_unassign_command<T>& cmd, const basic_event<T>& stamp, basic_unassign_preview<T>& preview,
                   std::vector<basic_event<T>>& events) {
  preview.subscription = s.id;
  preview.version = s.version;
  // Paths of the users this unassignment touches, as they stand after each step.
  std::unordered_map<user_id_t<T>, basic_license_paths<T>> touched;
  const auto current = [&](const user_id_t<T>& user) -> basic_license_paths<T>* {
    if (auto it = touched.find(user); it != touched.end()) return &it->second;
    auto paths = book.find(user);
    return paths ? &touched.emplace(user, std::move(*paths)).first->second : nullptr;
  };
  std::vector<user_id_t<T>> losing;

  basic_licenses_released<T> direct{s.id, std::nullopt, {}, {}};
  for (const auto& user : cmd.users) {
    auto* paths = current(user);
    if (!paths || !paths->direct) {
      preview.not_assigned.push_back(user);
      continue;
    }
    preview.users.push_back(user);
    paths->direct = false;
    (paths->has_any_path() ? direct.removed_path : direct.released).push_back(user);
  }
  if (!direct.released.empty() || !direct.removed_path.empty()) {
    losing.insert(losing.end(), direct.released.begin(), direct.released.end());
    detail::emit(events, stamp, std::move(direct));
  }

  for (const auto& group : cmd.groups) {
    if (!book.group_assigned(group)) {
      preview.groups_not_assigned.push_back(group);
      continue;
    }
    preview.groups.push_back(group);
    basic_violations_cleared<T> cleared{s.id, group, {}};
    basic_licenses_released<T> via{s.id, group, {}, {}};
    for (const auto& member : dir.members(group)) {
      if (book.in_violation(member, group)) cleared.users.push_back(member);
      auto* paths = current(member);
      if (!paths || !paths->via(group)) continue;
      std::erase(paths->groups, group);
      (paths->has_any_path() ? via.removed_path : via.released).push_back(member);
    }
    // Violations of members who have left the group since go too.
    for (const auto& v : book.violations_of(group))
      if (!dir.is_member(group, v.user)) cleared.users.push_back(v.user);
    losing.insert(losing.end(), via.released.begin(), via.released.end());
    if (!cleared.users.empty()) detail::emit(events, stamp, std::move(cleared));
    detail::emit(events, stamp, basic_group_unassigned<T>{s.id, group});
    if (!via.released.empty() || !via.removed_path.empty()) detail::emit(events, stamp, std::move(via));
  }
  std::sort(losing.begin(), losing.end());
  preview.losing_license = losing;
  for (const auto& [user, paths] : touched)
    if (const auto before = book.find(user); paths.has_any_path() && before &&
        (before->direct != paths.direct || before->groups != paths.groups))
      preview.keeping_license.push_back(user);
  std::sort(preview.keeping_license.begin(), preview.keeping_license.end());
}

} // namespace detail

/// A preview of an unassignment: the subscription unchanged, no events, and the preview as its report.
template <licensing_traits Traits>
using basic_unassign_preview_update =
    basic_reported_update<basic_subscription<Traits>, Traits, basic_unassign_preview<Traits>>;

/// Step one of an unassignment: shows what would be removed, changes nothing (D-ASSIGN-4). Like
/// every operation it returns an update; its state is `s` as it was, it has no events, and its
/// report is the preview that confirm_unassign takes.
template <licensing_traits T>
result<basic_unassign_preview_update<T>> preview_unassign(
    const basic_subscription<T>& s, const basic_license_book<T>& book, const basic_directory<T>& dir,
    const basic_actor<T>& admin, const basic_unassign_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::license_operation_allowed(s, book, dir, admin, cmd.subscription, detail::guard_of(cmd)));
  if (s.status == subscription_status::deactivated) return detail::status_refusal(s, "unassign licenses");
  BOOST_OUTCOME_TRY(detail::valid_selection(dir, cmd.users, cmd.groups, "unassign"));
  basic_unassign_preview_update<T> out;
  out.state = s;
  std::vector<basic_event<T>> would_confirm; // what confirm_unassign would record; a preview records nothing
  detail::plan_unassign(s, book, dir, cmd, detail::make_event(admin, now, basic_licenses_released<T>{}), out.report,
                        would_confirm);
  return out;
}

/// Step two: applies a preview, only if the subscription is still at the version the preview saw;
/// otherwise it is refused as stale and nothing changes (D-UNASSIGN-1).
template <licensing_traits T>
update_result<basic_subscription<T>, T> confirm_unassign(
    const basic_subscription<T>& s, const basic_license_book<T>& book, const basic_directory<T>& dir,
    const basic_actor<T>& admin, const std::type_identity_t<basic_confirm_unassign_command<T>>& preview,
    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::license_operation_allowed(s, book, dir, admin, preview.subscription, detail::guard_of(preview)));
  if (preview.version != s.version)
    return fail(errc::stale_preview, "The preview was made from version " + std::to_string(preview.version) + " of " +
                                         detail::describe(s.id) + ", which has changed since (now version " +
                                         std::to_string(s.version) + "). Preview the unassignment again and confirm that.");
  if (s.status == subscription_status::deactivated) return detail::status_refusal(s, "unassign licenses");
  // The preview's lists are checked against the state, not only its version: a preview whose lists
  // were edited (a user said to keep a license, a user added) is refused, and nothing changes.
  basic_unassign_command<T> selection{preview.subscription, preview.users, preview.groups};
  selection.users.insert(selection.users.end(), preview.not_assigned.begin(), preview.not_assigned.end());
  selection.groups.insert(selection.groups.end(), preview.groups_not_assigned.begin(), preview.groups_not_assigned.end());
  BOOST_OUTCOME_TRY(detail::valid_selection(dir, selection.users, selection.groups, "unassign"));
  basic_unassign_preview<T> replanned;
  std::vector<basic_event<T>> events;
  detail::plan_unassign(s, book, dir, selection, detail::make_event(admin, now, basic_licenses_released<T>{}), replanned, events);
  if (static_cast<basic_confirm_unassign_command<T>>(replanned) != preview)
    return fail(errc::stale_preview, "The preview does not say what unassigning its selection from " + detail::describe(s.id) +
                                         " does (a list was changed after the preview was made). Preview the "
                                         "unassignment again and confirm that; nothing was unassigned.");
  return detail::updated(s, std::move(events));
}

/// Gives group members in violation the seats that are free now, in the order they were left out
/// (D-GROUP-1, D-ASSIGN-3); those still without a seat stay listed.
template <licensing_traits T>
result<basic_assignment<T>> reprocess(const basic_subscription<T>& s, const basic_license_book<T>& book,
                                      const basic_directory<T>& dir, const basic_actor<T>& admin,
                                      const basic_reprocess_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::license_operation_allowed(s, book, dir, admin, cmd.subscription, detail::guard_of(cmd)));
  if (s.status != subscription_status::active) return detail::status_refusal(s, "reprocess group licenses");

  basic_assignment<T> out;
  detail::seat_planner<T> planner(s, book);
  planner.expect(static_cast<std::size_t>(book.violation_count()));
  const basic_event<T> stamp = detail::make_event(admin, now, basic_licenses_granted<T>{});
  // Runs of consecutive violations of one group become one pair of events, keeping the order.
  std::optional<group_id_t<T>> run_group;
  basic_licenses_granted<T> granted;
  basic_violations_cleared<T> cleared;
  basic_violations_recorded<T> renewed_reason;
  const auto flush = [&] {
    if (!run_group) return;
    if (!granted.new_holders.empty() || !granted.added_path.empty()) detail::emit(out.events, stamp, granted);
    if (!cleared.users.empty()) detail::emit(out.events, stamp, cleared);
    if (!renewed_reason.users.empty()) detail::emit(out.events, stamp, renewed_reason);
  };
  for (const auto& v : book.violations()) {
    if (run_group != v.group) {
      flush();
      run_group = v.group;
      granted = {s.id, v.group, {}, {}};
      cleared = {s.id, v.group, {}};
      renewed_reason = {s.id, v.group, {}, violation_reason::count_violation};
    }
    if (!book.group_assigned(v.group) || !dir.is_member(v.group, v.user)) {
      cleared.users.push_back(v.user);
      continue;
    }
    switch (planner.place(v.user)) {
      case detail::seat_planner<T>::placement::new_holder:
        granted.new_holders.push_back(v.user);
        cleared.users.push_back(v.user);
        break;
      case detail::seat_planner<T>::placement::added_path:
        granted.added_path.push_back(v.user);
        cleared.users.push_back(v.user);
        break;
      case detail::seat_planner<T>::placement::no_seat:
        out.report.violations.push_back({v.user, v.group, violation_reason::count_violation});
        if (v.reason != violation_reason::count_violation) renewed_reason.users.push_back(v.user);
        break;
    }
  }
  flush();
  out.state = apply_all(s, out.events);
  out.report.licenses_added = out.state.licenses_in_use - s.licenses_in_use;
  return out;
}

} // namespace isv
