// Internal: hands out the free seats of one subscription during one operation, and writes the license events that follow.
#pragma once

#include "isv/actor.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/hash_table.hpp"
#include "isv/event.hpp"
#include "isv/license_book.hpp"
#include "isv/subscription.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <ranges>
#include <vector>

namespace isv::detail {

/// Tracks, within one operation, which users got a license and how many seats are left, so that
/// a user reached by several paths is counted once (D-ASSIGN-2) and seats never run over (D-ASSIGN-3).
template <licensing_traits T>
class seat_planner {
public:
  enum class placement { new_holder, added_path, no_seat };

  seat_planner(const basic_subscription<T>& s, const basic_license_book<T>& book)
      : book_(book), seats_left_(s.status == subscription_status::active ? s.seats_free() : 0),
        no_seat_reason_(s.status == subscription_status::active ? violation_reason::count_violation
                                                                 : violation_reason::suspended) {}

  [[nodiscard]] bool holds(const user_id_t<T>& user) const { return book_.holds(user) || granted_.contains(user); }
  [[nodiscard]] count_t seats_left() const noexcept { return seats_left_; }
  [[nodiscard]] violation_reason no_seat_reason() const noexcept { return no_seat_reason_; }

  /// Takes one seat for each of `users`, who hold none yet and fit in the free seats (the caller
  /// checked). With `remember`, later placements in this operation see them as holders.
  void take(const std::vector<user_id_t<T>>& users, bool remember) {
    seats_left_ -= static_cast<count_t>(users.size());
    if (remember) granted_.insert(users.begin(), users.end());
  }

  /// How many of `n` users about to be placed can become new holders: at most the free seats.
  [[nodiscard]] std::size_t new_holders_at_most(std::size_t n) const noexcept {
    return seats_left_ <= 0 ? 0 : std::min(n, static_cast<std::size_t>(seats_left_));
  }
  /// Makes room for `n` users about to be placed, so that a group of a hundred thousand members
  /// grows the set of this operation's holders once instead of once per doubling.
  void expect(std::size_t n) { granted_.reserve(granted_.size() + new_holders_at_most(n)); }

  /// Gives `user` a license through some path: counts a new seat only if they hold none yet.
  placement place(const user_id_t<T>& user) {
    if (holds(user)) return placement::added_path;
    if (seats_left_ <= 0) return placement::no_seat;
    --seats_left_;
    granted_.insert(user);
    return placement::new_holder;
  }

private:
  const basic_license_book<T>& book_;
  count_t seats_left_;
  violation_reason no_seat_reason_;
  flat_set<user_id_t<T>> granted_{};
};

/// Grants licenses via `group` to `members` in their order; members left without a seat are
/// recorded as violations (D-ASSIGN-3, D-GROUP-1). Appends the events and returns the violations.
template <licensing_traits T, class Members>
std::vector<basic_count_violation<T>> grant_via_group(seat_planner<T>& planner, const subscription_id_t<T>& subscription,
                                                      const group_id_t<T>& group, const Members& members,
                                                      const basic_event<T>& stamp, std::vector<basic_event<T>>& events) {
  basic_licenses_granted<T> granted{subscription, group, {}, {}};
  basic_violations_recorded<T> left_out{subscription, group, {}, planner.no_seat_reason()};
  if constexpr (std::ranges::sized_range<const Members&>) {
    const auto n = static_cast<std::size_t>(std::ranges::size(members));
    planner.expect(n);
    granted.new_holders.reserve(planner.new_holders_at_most(n));
  }
  for (const auto& user : members) {
    switch (planner.place(user)) {
      case seat_planner<T>::placement::new_holder: granted.new_holders.push_back(user); break;
      case seat_planner<T>::placement::added_path: granted.added_path.push_back(user); break;
      case seat_planner<T>::placement::no_seat: left_out.users.push_back(user); break;
    }
  }
  std::vector<basic_count_violation<T>> violations;
  for (const auto& user : left_out.users) violations.push_back({user, group, left_out.reason});
  if (!granted.new_holders.empty() || !granted.added_path.empty()) emit(events, stamp, std::move(granted));
  if (!left_out.users.empty()) emit(events, stamp, std::move(left_out));
  return violations;
}

} // namespace isv::detail
