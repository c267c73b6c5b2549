// Internal: the distinct lists of groups through which a license book's licenses are held, each stored once and counted, so that a license record stays small.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace isv::detail {

/// Licenses held through groups mostly share a handful of group lists (every member of "Sales"
/// holds through {Sales}). A license record keeps a 32-bit handle to its list instead of a vector
/// of its own; a list lives while some record uses it. Handle 0 is the empty list and always exists.
template <class Group>
class group_lists {
public:
  using handle = std::uint32_t;
  static constexpr handle none = 0;

  group_lists() = default;

  [[nodiscard]] const std::vector<Group>& operator[](handle h) const noexcept { return lists_[h]; }
  /// Lists in use besides the empty one.
  [[nodiscard]] std::size_t size() const noexcept { return by_content_.size(); }

  /// The list `from` with `group` added, or with it removed; neither counts a use of the result
  /// (retain does) nor ends one of `from` (release does).
  [[nodiscard]] handle with(handle from, const Group& group) {
    const auto& list = lists_[from];
    const auto at = std::lower_bound(list.begin(), list.end(), group);
    if (at != list.end() && *at == group) return from;
    scratch_.assign(list.begin(), at);
    scratch_.push_back(group);
    scratch_.insert(scratch_.end(), at, list.end());
    return intern();
  }
  [[nodiscard]] handle without(handle from, const Group& group) {
    const auto& list = lists_[from];
    const auto at = std::lower_bound(list.begin(), list.end(), group);
    if (at == list.end() || *at != group) return from;
    scratch_.assign(list.begin(), at);
    scratch_.insert(scratch_.end(), at + 1, list.end());
    return intern();
  }

  void retain(handle h, std::size_t uses = 1) noexcept {
    if (h != none) uses_[h] += uses;
  }
  void release(handle h) {
    if (h == none || --uses_[h] != 0) return;
    by_content_.erase(lists_[h]);
    lists_[h] = {};
    free_.push_back(h);
  }
  void clear() {
    lists_.assign(1, {});
    uses_.assign(1, 0);
    free_.clear();
    by_content_.clear();
  }

private:
  // The scratch list's handle, made if no record uses that list yet. Found lists cost no allocation.
  handle intern() {
    if (scratch_.empty()) return none;
    if (const auto it = by_content_.find(scratch_); it != by_content_.end()) return it->second;
    handle h = 0;
    if (!free_.empty()) {
      h = free_.back();
      free_.pop_back();
      lists_[h] = scratch_;
    } else {
      h = static_cast<handle>(lists_.size());
      lists_.push_back(scratch_);
      uses_.push_back(0);
    }
    by_content_.emplace(scratch_, h);
    return h;
  }

  std::vector<std::vector<Group>> lists_{std::vector<Group>{}};
  std::vector<std::size_t> uses_{0};
  std::vector<handle> free_{};
  std::map<std::vector<Group>, handle> by_content_{};
  std::vector<Group> scratch_{};
};

} // namespace isv::detail
