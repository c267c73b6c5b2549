// basic_license_book: one subscription's license records, group assignments and group members in violation; events change it in place (how: isv/evolve.hpp).
#pragma once

#include "isv/detail/group_lists.hpp"
#include "isv/detail/hash_table.hpp"
#include "isv/license.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace isv {

/// The licenses of one subscription, kept apart from the subscription value so that a pure update
/// never copies them: operations read the book and return events; `isv::apply(book, e)`
/// (isv/evolve.hpp) then changes the book in O(size of the event). Applying a subscription's
/// events in order to an empty book rebuilds it (D-AUDIT-1).
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
  [[nodiscard]] bool holds(const user_id& user) const { return licenses_.contains(user); }
  /// How a user holds a license: not at all, only through groups, or assigned directly (maybe also through groups).
  enum class holding : unsigned char { none, through_groups, direct };
  /// How each of `users` holds a license, in order; one lookup each, overlapped for large batches.
  [[nodiscard]] std::vector<holding> holdings(const std::vector<user_id>& users) const {
    std::vector<holding> out(users.size(), holding::none);
    std::size_t i = 0;
    detail::for_each_prefetched(licenses_, users, [&](const user_id& user, detail::hash32 h) {
      if (const auto* held = licenses_.find(user, h)) out[i] = held->direct ? holding::direct : holding::through_groups;
      ++i;
    });
    return out;
  }
  /// Whether any of `users` holds a license; one lookup each, overlapped for large batches.
  [[nodiscard]] bool holds_any(const std::vector<user_id>& users) const {
    bool any = false;
    detail::for_each_prefetched(licenses_, users, [&](const user_id& user, detail::hash32 h) {
      any = any || licenses_.find(user, h) != nullptr;
    });
    return any;
  }
  /// The paths by which `user` holds a license, if they hold one.
  [[nodiscard]] std::optional<paths_type> find(const user_id& user) const {
    if (const auto* held = licenses_.find(user)) return paths_of(*held);
    return std::nullopt;
  }

  /// The license record of `user`, if they hold one.
  [[nodiscard]] std::optional<basic_license<Traits>> license_of(const user_id& user) const {
    if (const auto* held = licenses_.find(user)) return basic_license<Traits>{subscription_, user, paths_of(*held)};
    return std::nullopt;
  }

  /// Every license record, sorted by user.
  [[nodiscard]] std::vector<basic_license<Traits>> licenses() const {
    std::vector<basic_license<Traits>> out;
    out.reserve(licenses_.size());
    for (const auto& [user, held] : licenses_) out.push_back({subscription_, user, paths_of(held)});
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.user < b.user; });
    return out;
  }

  /// Calls f(user, paths) for every license, in no particular order. `paths` lives for the call only.
  template <class F>
  void for_each_license(F&& f) const {
    paths_type paths;
    for (const auto& [user, held] : licenses_) {
      paths.direct = held.direct;
      paths.groups.assign(lists_[held.groups].begin(), lists_[held.groups].end());
      paths.assigned_at = held.assigned_at;
      f(user, std::as_const(paths));
    }
  }

  /// Groups assigned to the subscription, sorted.
  [[nodiscard]] const std::vector<group_id>& groups() const noexcept { return groups_; }
  [[nodiscard]] bool group_assigned(const group_id& group) const {
    return std::binary_search(groups_.begin(), groups_.end(), group);
  }

  /// Group members without a license, in the order reprocessing serves them (D-GROUP-1).
  [[nodiscard]] std::vector<violation_type> violations() const {
    std::vector<violation_type> out;
    out.reserve(violation_index_.size());
    for (const auto& v : violations_)
      if (v) out.push_back(*v);
    return out;
  }
  [[nodiscard]] std::vector<violation_type> violations_of(const group_id& group) const {
    std::vector<violation_type> out;
    for (const auto& v : violations_)
      if (v && v->group == group) out.push_back(*v);
    return out;
  }
  [[nodiscard]] bool in_violation(const user_id& user, const group_id& group) const {
    return violation_index_.contains(key{user, group});
  }
  [[nodiscard]] count_t violation_count() const noexcept { return static_cast<count_t>(violation_index_.size()); }

  /// Reserves room for `n` licenses (a hint for bulk loads).
  void reserve(std::size_t n) { licenses_.reserve(n); }

  /// Starts loading what lookups of the first few of `users` will read, so that those misses
  /// overlap with other work (an operation calls this before it checks the users elsewhere).
  void prefetch(const std::vector<user_id>& users) const noexcept { detail::prefetch_first(licenses_, users); }

  /// Starts loading what changing the records of the first few of `users` will read, for a caller
  /// that applies a stream of events (replay) and calls this some events ahead: first with `deep`
  /// false, which fetches the index, then, a few events later, with `deep` true, which reads the
  /// index to fetch the records. At a million licenses this overlaps the cache misses of many
  /// events instead of paying them in turn (isv/evolve.hpp picks the users of each event).
  void prefetch_records(const std::vector<user_id>& users, bool deep) const noexcept {
    constexpr std::size_t few = 4; // larger events prefetch their own users as they go
    for (std::size_t i = 0; i < users.size() && i < few; ++i) {
      const auto h = licenses_.hash(users[i]);
      if (deep) licenses_.prefetch_entry(h);
      else licenses_.prefetch(h);
    }
  }

  friend bool operator==(const basic_license_book& a, const basic_license_book& b) {
    if (a.subscription_ != b.subscription_ || a.groups_ != b.groups_ || a.licenses_.size() != b.licenses_.size() ||
        a.violations() != b.violations())
      return false;
    return std::all_of(a.licenses_.begin(), a.licenses_.end(), [&](const auto& held) {
      const auto* other = b.licenses_.find(held.key);
      return other != nullptr && other->direct == held.value.direct && other->assigned_at == held.value.assigned_at &&
             a.lists_[held.value.groups] == b.lists_[other->groups];
    });
  }

private:
  // What the book keeps per license: 24 bytes with the default traits, the user id included.
  struct record {
    typename Traits::time_point assigned_at{};
    typename detail::group_lists<group_id>::handle groups = detail::group_lists<group_id>::none;
    bool direct = false;
  };
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

  [[nodiscard]] paths_type paths_of(const record& held) const {
    return paths_type{held.direct, lists_[held.groups], held.assigned_at};
  }

  // One group list change per distinct starting list in an event, not per user.
  template <class Change>
  struct list_memo {
    Change change;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> seen{};
    std::uint32_t operator()(std::uint32_t from) {
      for (const auto& [a, b] : seen)
        if (a == from) return b;
      seen.emplace_back(from, change(from));
      return seen.back().second;
    }
  };
  template <class Change>
  list_memo(Change) -> list_memo<Change>;

  // The changes events make, in the words of the book; `isv::apply(book, e)`, defined in
  // isv/evolve.hpp beside how every event changes every other value, says which event makes which.
  // Only befriended here: this header sits below the events, and a caller includes isv/evolve.hpp
  // (or isv/tenant_state.hpp) to apply events.
  template <licensing_traits T>
  friend void apply(basic_license_book<T>& book, const basic_event<T>& e);

  // `users` had no license and now hold one, through `via` (direct when empty); a user who
  // already holds one (a replayed or repeated grant) keeps it and gains the path.
  void grant(const std::vector<user_id>& users, const std::optional<group_id>& via, const typename Traits::time_point& at) {
    const auto fresh_groups = via ? lists_.with(lists_.none, *via) : lists_.none;
    lists_.retain(fresh_groups); // held for the loop, so that a list no one takes up is not kept
    detail::for_each_prefetched(licenses_, users, [&](const user_id& user, detail::hash32 h) {
      auto [held, added] = licenses_.try_emplace(user, h, record{at, fresh_groups, !via});
      if (!added) {
        if (via) set_groups(*held, lists_.with(held->groups, *via));
        else held->direct = true;
        return;
      }
      lists_.retain(fresh_groups);
    });
    lists_.release(fresh_groups);
  }
  void release(const std::vector<user_id>& users) {
    for (const auto& user : users)
      if (const auto held = licenses_.erase(user)) lists_.release(held->groups);
  }
  void assign_group(const group_id& group) { insert_sorted(groups_, group); }
  void unassign_group(const group_id& group) { erase_sorted(groups_, group); }
  void record_violations(const group_id& group, const std::vector<user_id>& users, violation_reason reason) {
    for (const auto& user : users) {
      auto [position, added] = violation_index_.try_emplace(key{user, group}, violations_.size());
      if (!added) {
        violations_[*position]->reason = reason;
        continue;
      }
      violations_.push_back(violation_type{user, group, reason});
    }
  }
  void clear_violations(const group_id& group, const std::vector<user_id>& users) {
    for (const auto& user : users) {
      const key k{user, group};
      if (const auto position = violation_index_.erase(k)) violations_[*position].reset();
    }
    compact_violations();
  }
  void clear() {
    licenses_.clear();
    lists_.clear();
    groups_.clear();
    violations_.clear();
    violation_index_.clear();
  }

  // Adds (or removes) the path `via` (direct when empty) to the record of each listed holder.
  void change_path(const std::vector<user_id>& users, const std::optional<group_id>& via, bool add) {
    if (users.empty()) return; // the usual case: a grant or release with no path to change
    list_memo next{[&](std::uint32_t from) { return !via ? from : add ? lists_.with(from, *via) : lists_.without(from, *via); }};
    for (const auto& user : users) {
      if (auto* held = licenses_.find(user)) {
        if (via) set_groups(*held, next(held->groups));
        else held->direct = add;
      }
    }
  }
  void set_groups(record& held, std::uint32_t to) {
    lists_.retain(to);
    lists_.release(held.groups);
    held.groups = to;
  }
  // Cleared violations leave holes that keep the arrival order; closing them once they outnumber
  // the live ones keeps the walk over violations O(live).
  void compact_violations() {
    if (violations_.size() < 64 || violations_.size() < 2 * violation_index_.size()) return;
    std::size_t kept = 0;
    for (auto& v : violations_) {
      if (!v) continue;
      *violation_index_.find(key{v->user, v->group}) = kept;
      violations_[kept++] = std::move(v);
    }
    violations_.resize(kept);
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
  detail::dense_map<user_id, record> licenses_{};
  detail::group_lists<group_id> lists_{};
  std::vector<group_id> groups_{};
  std::vector<std::optional<violation_type>> violations_{}; ///< in arrival order, the stable order of D-GROUP-1; empty: cleared
  detail::dense_map<key, std::size_t, key_hash> violation_index_{};
};

using license_book = basic_license_book<default_traits>;

} // namespace isv
