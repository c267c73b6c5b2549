// basic_directory: a tenant's users and groups with their members; events change it in place (how: isv/evolve.hpp).
#pragma once

#include "isv/detail/hash_table.hpp"
#include "isv/traits.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

namespace isv {

/// Who exists in a tenant. A user or group id that is not here is not this tenant's (D-TENANT-1).
/// Members are kept sorted: group assignments serve them in that stable order (D-GROUP-1).
template <licensing_traits Traits>
class basic_directory {
public:
  using traits_type = Traits;
  using user_id = user_id_t<Traits>;
  using group_id = group_id_t<Traits>;

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

  void reserve_users(std::size_t n) { users_.reserve(n); }

  friend bool operator==(const basic_directory&, const basic_directory&) = default;

private:
  // The changes events make, in the words of the directory; `isv::apply(dir, e)`, defined in
  // isv/evolve.hpp, says which event makes which (only befriended here: see basic_license_book).
  template <licensing_traits T>
  friend void apply(basic_directory<T>& dir, const basic_event<T>& e);

  void add_users(const std::vector<user_id>& users) { users_.insert(users.begin(), users.end()); }
  void name_group(const group_id& g, const typename Traits::string_type& name) { groups_[g].name = name; }
  // Members of a group never created change nothing: they must not create the group.
  void add_members(const group_id& g, const std::vector<user_id>& users) {
    if (auto it = groups_.find(g); it != groups_.end()) it->second.members.insert(users.begin(), users.end());
  }
  void remove_members(const group_id& g, const std::vector<user_id>& users) {
    if (auto it = groups_.find(g); it != groups_.end())
      for (const auto& user : users) it->second.members.erase(user);
  }

  tenant_id_t<Traits> tenant_{};
  detail::flat_set<user_id> users_{};
  std::map<group_id, group> groups_{};
};

using directory = basic_directory<default_traits>;

} // namespace isv
