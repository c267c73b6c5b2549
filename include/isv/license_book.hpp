// basic_license_book: one subscription's license records, group assignments and group members in violation, updated in place by events.
#pragma once

#include "isv/event.hpp"
#include "isv/license.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace isv {

/// The licenses of one subscription, kept apart from the subscription value so that a pure update
/// never copies them: operations read the book and return events; `apply` then changes the book in
/// O(size of the event). Applying a subscription's events in order to an empty book rebuilds it (D-AUDIT-1).
template <licensing_traits Traits>
class basic_license_book {
public:
  using traits_type = Traits;
  using user_id = user_id_t<Traits>;
  using group_id = group_id_t<Traits>;
  using paths_type = basic_license_paths<Traits>;
  using violation_type = basic_count_violation<Traits>;

  basic_license_book() = default;
  explicit basic_license_book(subscription_id_t<Traits> subscription) : subscription_(std::move(subscription)) {}

  [[nodiscard]] const subscription_id_t<Traits>& subscription() const noexcept { return subscription_; }

  /// Licenses held (equals the subscription's licenses_in_use).
  [[nodiscard]] count_t size() const noexcept { return static_cast<count_t>(licenses_.size()); }
  [[nodiscard]] const paths_type* find(const user_id& user) const {
    const auto it = licenses_.find(user);
    return it == licenses_.end() ? nullptr : &it->second;
  }
  [[nodiscard]] bool holds(const user_id& user) const { return licenses_.contains(user); }

  /// The license record of `user`, if they hold one.
  [[nodiscard]] std::optional<basic_license<Traits>> license_of(const user_id& user) const {
    if (const auto* paths = find(user)) return basic_license<Traits>{subscription_, user, *paths};
    return std::nullopt;
  }

  /// Every license record, sorted by user.
  [[nodiscard]] std::vector<basic_license<Traits>> licenses() const {
    std::vector<basic_license<Traits>> out;
    out.reserve(licenses_.size());
    for (const auto& [user, paths] : licenses_) out.push_back({subscription_, user, paths});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.user < b.user; });
    return out;
  }

  /// Calls f(user, paths) for every license, in no particular order.
  template <class F>
  void for_each_license(F&& f) const {
    for (const auto& [user, paths] : licenses_) f(user, paths);
  }

  /// Groups assigned to the subscription, sorted.
  [[nodiscard]] const std::vector<group_id>& groups() const noexcept { return groups_; }
  [[nodiscard]] bool group_assigned(const group_id& group) const {
    return std::binary_search(groups_.begin(), groups_.end(), group);
  }

  /// Group members without a license, in the order reprocessing serves them (D-GROUP-1).
  [[nodiscard]] std::vector<violation_type> violations() const {
    std::vector<violation_type> out;
    out.reserve(violations_.size());
    for (const auto& [sequence, v] : violations_) out.push_back(v);
    return out;
  }
  [[nodiscard]] std::vector<violation_type> violations_of(const group_id& group) const {
    std::vector<violation_type> out;
    for (const auto& [sequence, v] : violations_)
      if (v.group == group) out.push_back(v);
    return out;
  }
  [[nodiscard]] bool in_violation(const user_id& user, const group_id& group) const {
    return violation_index_.contains(key{user, group});
  }
  [[nodiscard]] count_t violation_count() const noexcept { return static_cast<count_t>(violations_.size()); }

  /// Reserves room for `n` licenses (a hint for bulk loads).
  void reserve(std::size_t n) { licenses_.reserve(n); }

  /// Changes the book by one event; events of other subscriptions are ignored.
  void apply(const basic_event<Traits>& e) {
    std::visit([&](const auto& p) { on(p, e.at); }, e.payload);
  }

  friend bool operator==(const basic_license_book& a, const basic_license_book& b) {
    return a.subscription_ == b.subscription_ && a.licenses_ == b.licenses_ && a.groups_ == b.groups_ &&
           a.violations() == b.violations();
  }

private:
  struct key {
    user_id user;
    group_id group;
    friend bool operator==(const key&, const key&) = default;
  };
  struct key_hash {
    std::size_t operator()(const key& k) const noexcept {
      const std::size_t h = std::hash<user_id>{}(k.user);
      return h ^ (std::hash<group_id>{}(k.group) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
    }
  };

  bool mine(const subscription_id_t<Traits>& s) const { return s == subscription_; }

  void on(const basic_licenses_granted<Traits>& p, const typename Traits::time_point& at) {
    if (!mine(p.subscription)) return;
    for (const auto& user : p.new_holders) {
      paths_type paths;
      paths.assigned_at = at;
      add_path(paths, p.via);
      licenses_.insert_or_assign(user, std::move(paths));
    }
    for (const auto& user : p.added_path)
      if (auto it = licenses_.find(user); it != licenses_.end()) add_path(it->second, p.via);
  }
  void on(const basic_licenses_released<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    for (const auto& user : p.released) licenses_.erase(user);
    for (const auto& user : p.removed_path)
      if (auto it = licenses_.find(user); it != licenses_.end()) remove_path(it->second, p.via);
  }
  void on(const basic_group_assigned<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    insert_sorted(groups_, p.group);
  }
  void on(const basic_group_unassigned<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    erase_sorted(groups_, p.group);
  }
  void on(const basic_violations_recorded<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    for (const auto& user : p.users) {
      const key k{user, p.group};
      if (auto it = violation_index_.find(k); it != violation_index_.end()) {
        violations_[it->second].reason = p.reason;
        continue;
      }
      violations_.emplace(next_sequence_, violation_type{user, p.group, p.reason});
      violation_index_.emplace(k, next_sequence_++);
    }
  }
  void on(const basic_violations_cleared<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    for (const auto& user : p.users) {
      if (auto it = violation_index_.find(key{user, p.group}); it != violation_index_.end()) {
        violations_.erase(it->second);
        violation_index_.erase(it);
      }
    }
  }
  void on(const basic_subscription_deactivated<Traits>& p, const typename Traits::time_point&) {
    if (!mine(p.subscription)) return;
    licenses_.clear();
    groups_.clear();
    violations_.clear();
    violation_index_.clear();
  }
  template <class Other>
  void on(const Other&, const typename Traits::time_point&) {}

  static void add_path(paths_type& paths, const std::optional<group_id>& via) {
    if (via) insert_sorted(paths.groups, *via);
    else paths.direct = true;
  }
  static void remove_path(paths_type& paths, const std::optional<group_id>& via) {
    if (via) erase_sorted(paths.groups, *via);
    else paths.direct = false;
  }
  static void insert_sorted(std::vector<group_id>& v, const group_id& g) {
    const auto it = std::lower_bound(v.begin(), v.end(), g);
    if (it == v.end() || *it != g) v.insert(it, g);
  }
  static void erase_sorted(std::vector<group_id>& v, const group_id& g) {
    const auto it = std::lower_bound(v.begin(), v.end(), g);
    if (it != v.end() && *it == g) v.erase(it);
  }

  subscription_id_t<Traits> subscription_{};
  std::unordered_map<user_id, paths_type> licenses_{};
  std::vector<group_id> groups_{};
  std::map<count_t, violation_type> violations_{}; ///< keyed by arrival: the stable order of D-GROUP-1
  std::unordered_map<key, count_t, key_hash> violation_index_{};
  count_t next_sequence_ = 0;
};

using license_book = basic_license_book<default_traits>;

} // namespace isv
