// basic_directory: a tenant's users and groups with their members and display names, and the search by name prefix; events change it in place (how: isv/evolve.hpp).
#pragma once

#include "isv/detail/hash_table.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <map>
#include <set>
#include <type_traits>
#include <utility>
#include <vector>

namespace isv {

/// What a search by name found (D-DIR-2): users and groups, each in the order of their names
/// (case folded, then by id).
template <licensing_traits Traits>
struct basic_name_matches {
  std::vector<user_id_t<Traits>> users{};
  std::vector<group_id_t<Traits>> groups{};
  friend bool operator==(const basic_name_matches&, const basic_name_matches&) = default;
};

namespace detail {
/// A name as the search by prefix compares it: ASCII letters folded to lower case, every other
/// byte (UTF-8 included) as it is. "ana" finds "Ana" and "ANA"; "émile" does not find "Émile".
template <class String>
[[nodiscard]] String fold_name(String name) {
  for (auto& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<std::remove_reference_t<decltype(c)>>(c - 'A' + 'a');
  return name;
}
} // namespace detail

/// Who exists in a tenant. A user or group id that is not here is not this tenant's (D-TENANT-1).
/// Members are kept sorted: group assignments serve them in that stable order (D-GROUP-1).
/// Users and groups have display names, found by a prefix of the name (D-DIR-2).
template <licensing_traits Traits>
class basic_directory {
public:
  using traits_type = Traits;
  using user_id = user_id_t<Traits>;
  using group_id = group_id_t<Traits>;
  using string_type = typename Traits::string_type;
  using name_matches = basic_name_matches<Traits>;

  struct group {
    typename Traits::string_type name{};
    std::set<user_id> members{};
    friend bool operator==(const group&, const group&) = default;
  };

  basic_directory() = default;
  explicit basic_directory(tenant_id_t<Traits> tenant) : tenant_(std::move(tenant)) {}

  [[nodiscard]] const tenant_id_t<Traits>& tenant() const noexcept { return tenant_; }
  [[nodiscard]] bool has_user(const user_id& user) const { return users_.contains(user); }
  [[nodiscard]] bool has_group(const group_id& g) const { return groups_.contains(g); }
  /// The first of `users` who is not in the directory, or nullptr; overlapped lookups for large batches.
  [[nodiscard]] const user_id* first_unknown(const std::vector<user_id>& users) const {
    const user_id* unknown = nullptr;
    detail::for_each_prefetched(users_, users, [&](const user_id& user, detail::hash32 h) {
      if (unknown == nullptr && !users_.contains(user, h)) unknown = &user;
    });
    return unknown;
  }
  /// Starts loading what lookups of the first few of `users` will read (see basic_license_book::prefetch).
  void prefetch(const std::vector<user_id>& users) const noexcept { detail::prefetch_first(users_, users); }
  [[nodiscard]] count_t user_count() const noexcept { return static_cast<count_t>(users_.size()); }
  [[nodiscard]] const group* find_group(const group_id& g) const {
    const auto it = groups_.find(g);
    return it == groups_.end() ? nullptr : &it->second;
  }
  /// The members of a group, sorted; empty when there is no such group.
  [[nodiscard]] const std::set<user_id>& members(const group_id& g) const {
    static const std::set<user_id> none;
    const auto* found = find_group(g);
    return found ? found->members : none;
  }
  [[nodiscard]] bool is_member(const group_id& g, const user_id& user) const { return members(g).contains(user); }
  [[nodiscard]] const std::map<group_id, group>& groups() const noexcept { return groups_; }

  /// A user's display name (D-DIR-2), or nullptr when the user has none or is not here.
  [[nodiscard]] const string_type* user_name(const user_id& user) const {
    const auto it = user_names_.find(user);
    return it == user_names_.end() ? nullptr : &it->second;
  }
  /// The users and groups whose display name starts with `prefix`, ASCII case folded (see
  /// detail::fold_name), at most `limit` of each, in name order (D-DIR-2: "begin typing the name
  /// of a user or group"). An empty prefix matches every name. Users without a name are not found.
  /// Both come from indexes sorted by folded name: O(log n + matches), never a scan of the directory.
  [[nodiscard]] name_matches find_by_name(const string_type& prefix,
                                          std::size_t limit = std::numeric_limits<std::size_t>::max()) const {
    const auto folded = detail::fold_name(prefix);
    return {matching(user_index_, folded, limit), matching(group_index_, folded, limit)};
  }

  void reserve_users(std::size_t n) { users_.reserve(n); }

  friend bool operator==(const basic_directory&, const basic_directory&) = default;

private:
  // The changes events make, in the words of the directory; `isv::apply(dir, e)`, defined in
  // isv/evolve.hpp, says which event makes which (only befriended here: see basic_license_book).
  template <licensing_traits T>
  friend void apply(basic_directory<T>& dir, const basic_event<T>& e);

  void add_users(const std::vector<user_id>& users) { users_.insert(users.begin(), users.end()); }
  // Members of a group never created change nothing: they must not create the group.
  void add_members(const group_id& g, const std::vector<user_id>& users) {
    if (auto it = groups_.find(g); it != groups_.end()) it->second.members.insert(users.begin(), users.end());
  }
  void remove_members(const group_id& g, const std::vector<user_id>& users) {
    if (auto it = groups_.find(g); it != groups_.end())
      for (const auto& user : users) it->second.members.erase(user);
  }
  // A removed user leaves every group and loses the name (D-DIR-1).
  void remove_users(const std::vector<user_id>& users) {
    for (const auto& user : users) {
      users_.erase(user);
      if (const auto it = user_names_.find(user); it != user_names_.end()) {
        user_index_.erase({detail::fold_name(it->second), user});
        user_names_.erase(it);
      }
    }
    for (auto& entry : groups_)
      for (const auto& user : users) entry.second.members.erase(user);
  }
  // A name for a user never added changes nothing: it must not bring the user in.
  void name_user(const user_id& user, const string_type& name) {
    if (users_.contains(user)) rename(user_index_, user, user_names_[user], name);
  }
  void name_group(const group_id& g, const string_type& name) { rename(group_index_, g, groups_[g].name, name); }
  void delete_group(const group_id& g) {
    const auto it = groups_.find(g);
    if (it == groups_.end()) return;
    group_index_.erase({detail::fold_name(it->second.name), g});
    groups_.erase(it);
  }

  // The indexes of the search by name: (folded name, id), sorted, searchable by a folded name
  // alone. Users without a name have no entry anywhere, so a million unnamed users pay nothing.
  template <class Id>
  struct by_name {
    using is_transparent = void;
    using entry = std::pair<string_type, Id>;
    bool operator()(const entry& a, const entry& b) const { return a < b; }
    bool operator()(const entry& a, const string_type& b) const { return a.first < b; }
    bool operator()(const string_type& a, const entry& b) const { return a < b.first; }
  };
  template <class Id>
  using name_index = std::set<std::pair<string_type, Id>, by_name<Id>>;

  // `held` is the name the index has for `id` (empty when it had none); it becomes `name`.
  template <class Id>
  static void rename(name_index<Id>& index, const Id& id, string_type& held, const string_type& name) {
    index.erase({detail::fold_name(held), id});
    held = name;
    index.emplace(detail::fold_name(name), id);
  }
  template <class Id>
  static std::vector<Id> matching(const name_index<Id>& index, const string_type& folded, std::size_t limit) {
    std::vector<Id> out;
    for (auto it = index.lower_bound(folded); it != index.end() && out.size() < limit; ++it) {
      const auto& name = it->first;
      if (name.size() < folded.size() || !std::equal(folded.begin(), folded.end(), name.begin())) break;
      out.push_back(it->second);
    }
    return out;
  }

  tenant_id_t<Traits> tenant_{};
  detail::flat_set<user_id> users_{};
  std::map<group_id, group> groups_{};
  std::map<user_id, string_type> user_names_{}; ///< only users with a display name (D-DIR-2)
  name_index<user_id> user_index_{};
  name_index<group_id> group_index_{};
};

using name_matches = basic_name_matches<default_traits>;

using directory = basic_directory<default_traits>;

} // namespace isv
