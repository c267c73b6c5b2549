// The traits that parametrize every entity (id representation, string, time point, money) and the id types they give.
#pragma once

#include "isv/id.hpp"
#include "isv/money.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <string>

namespace isv {

/// What the library needs of a traits type: a hashable, ordered id representation, a string type,
/// a system-clock time point, and a signed integer for money in minor units.
template <class T>
concept licensing_traits =
    std::regular<typename T::id_rep> && std::totally_ordered<typename T::id_rep> &&
    requires(const typename T::id_rep& rep) { { std::hash<typename T::id_rep>{}(rep) } -> std::convertible_to<std::size_t>; } &&
    std::regular<typename T::string_type> &&
    std::same_as<typename T::time_point::clock, std::chrono::system_clock> &&
    std::signed_integral<typename T::money_rep>;

/// The traits behind isv::tenant, isv::subscription and the other friendly aliases.
struct default_traits {
  using id_rep = std::uint64_t;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = std::int64_t;
};

static_assert(licensing_traits<default_traits>);

template <class T> using tenant_id_t = basic_id<tenant_tag, typename T::id_rep>;
template <class T> using app_id_t = basic_id<app_tag, typename T::id_rep>;
template <class T> using subscription_id_t = basic_id<subscription_tag, typename T::id_rep>;
template <class T> using user_id_t = basic_id<user_tag, typename T::id_rep>;
template <class T> using group_id_t = basic_id<group_tag, typename T::id_rep>;
template <class T> using billing_profile_id_t = basic_id<billing_profile_tag, typename T::id_rep>;
template <class T> using invoice_id_t = basic_id<invoice_tag, typename T::id_rep>;
template <class T> using payment_method_id_t = basic_id<payment_method_tag, typename T::id_rep>;
template <class T> using plan_id_t = basic_id<plan_tag, typename T::id_rep>;
template <class T> using money_t = basic_money<typename T::money_rep>;
template <class T> using time_point_t = typename T::time_point;

using tenant_id = tenant_id_t<default_traits>;
using app_id = app_id_t<default_traits>;
using subscription_id = subscription_id_t<default_traits>;
using user_id = user_id_t<default_traits>;
using group_id = group_id_t<default_traits>;
using billing_profile_id = billing_profile_id_t<default_traits>;
using invoice_id = invoice_id_t<default_traits>;
using payment_method_id = payment_method_id_t<default_traits>;
using plan_id = plan_id_t<default_traits>;
using money = money_t<default_traits>;

/// License counts, quantities and versions. Signed, so that a negative input is seen and refused
/// (D-QTY-4) rather than wrapped into a huge unsigned number.
using count_t = std::int64_t;

/// The largest license quantity a subscription may have; a larger request is refused, not clamped.
inline constexpr count_t max_quantity = 1'000'000'000;

/// An accepted change (isv/event.hpp), declared here for the values that events change in place:
/// the directory and the license book let evolve's apply (isv/evolve.hpp) change them.
template <licensing_traits Traits>
struct basic_event;

} // namespace isv
