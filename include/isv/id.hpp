// Strongly typed ids: basic_id<Tag, Rep> so that a user id never passes for a group or subscription id.
#pragma once

#include <compare>
#include <cstddef>
#include <functional>
#include <utility>

namespace isv {

/// An id of one kind of entity. Ids of different kinds are different types: no conversion between
/// them, and none from the representation except through the explicit constructor.
template <class Tag, class Rep>
class basic_id {
public:
  using tag_type = Tag;
  using rep_type = Rep;

  constexpr basic_id() = default;
  constexpr explicit basic_id(Rep value) : value_(std::move(value)) {}

  [[nodiscard]] constexpr const Rep& value() const noexcept { return value_; }

  friend constexpr bool operator==(const basic_id&, const basic_id&) = default;
  friend constexpr auto operator<=>(const basic_id&, const basic_id&) = default;

private:
  Rep value_{};
};

// The kinds of ids.
struct tenant_tag {};
struct app_tag {};
struct subscription_tag {};
struct user_tag {};
struct group_tag {};
struct billing_profile_tag {};
struct invoice_tag {};
struct payment_method_tag {};
struct plan_tag {};

namespace detail {
/// Whether T is one of the library's ids: the record codecs write an id as its representation.
template <class> inline constexpr bool is_id = false;
template <class Tag, class Rep> inline constexpr bool is_id<basic_id<Tag, Rep>> = true;
} // namespace detail

} // namespace isv

template <class Tag, class Rep>
struct std::hash<isv::basic_id<Tag, Rep>> {
  std::size_t operator()(const isv::basic_id<Tag, Rep>& id) const noexcept { return std::hash<Rep>{}(id.value()); }
};
