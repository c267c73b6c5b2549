// Internal: turning ids and lists into words for error messages and event descriptions.
#pragma once

#include "isv/id.hpp"

#include <concepts>
#include <sstream>
#include <string>
#include <string_view>

namespace isv::detail {

template <class Rep>
[[nodiscard]] std::string rep_to_string(const Rep& rep) {
  if constexpr (std::same_as<Rep, std::string>) {
    return rep;
  } else if constexpr (std::integral<Rep>) {
    return std::to_string(rep);
  } else {
    std::ostringstream out;
    out << rep;
    return out.str();
  }
}

template <class Tag> constexpr std::string_view noun = "id";
template <> inline constexpr std::string_view noun<tenant_tag> = "tenant";
template <> inline constexpr std::string_view noun<app_tag> = "app";
template <> inline constexpr std::string_view noun<subscription_tag> = "subscription";
template <> inline constexpr std::string_view noun<user_tag> = "user";
template <> inline constexpr std::string_view noun<group_tag> = "group";
template <> inline constexpr std::string_view noun<billing_profile_tag> = "billing profile";
template <> inline constexpr std::string_view noun<invoice_tag> = "invoice";
template <> inline constexpr std::string_view noun<payment_method_tag> = "payment method";
template <> inline constexpr std::string_view noun<plan_tag> = "plan";

/// "user 42"
template <class Tag, class Rep>
[[nodiscard]] std::string describe(const basic_id<Tag, Rep>& id) {
  return std::string(noun<Tag>) + " " + rep_to_string(id.value());
}

/// "1 license" / "3 licenses"
[[nodiscard]] inline std::string plural(long long n, std::string_view word) {
  return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

} // namespace isv::detail
