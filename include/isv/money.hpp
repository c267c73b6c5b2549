// Money as integer minor units plus an ISO 4217 currency code; never floating point.
#pragma once

#include <array>
#include <compare>
#include <concepts>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace isv {

/// A three-letter ISO 4217 currency code such as "USD".
class currency {
public:
  constexpr currency() = default;
  /// Takes the first three characters; is_valid() tells whether they are three capital letters.
  constexpr explicit currency(std::string_view code) {
    for (std::size_t i = 0; i < 3 && i < code.size(); ++i) code_[i] = code[i];
  }
  [[nodiscard]] constexpr bool is_valid() const noexcept {
    for (char c : code_)
      if (c < 'A' || c > 'Z') return false;
    return true;
  }
  [[nodiscard]] constexpr std::string_view code() const noexcept { return {code_.data(), 3}; }
  friend constexpr bool operator==(const currency&, const currency&) = default;
  friend constexpr auto operator<=>(const currency&, const currency&) = default;

private:
  std::array<char, 3> code_{};
};

/// An amount in minor units (cents for USD) of one currency.
template <class Rep = std::int64_t>
struct basic_money {
  Rep minor_units{};
  currency unit{};

  friend constexpr bool operator==(const basic_money&, const basic_money&) = default;
};

/// amount × count, or nothing when it would overflow. The count may be of another integer type
/// than the amount (a count_t quantity times a traits' money_rep): the product is checked exactly.
template <class Rep, std::integral Count>
[[nodiscard]] constexpr std::optional<basic_money<Rep>> checked_multiply(const basic_money<Rep>& amount, Count count) noexcept {
  Rep product{};
  if (__builtin_mul_overflow(amount.minor_units, count, &product)) return std::nullopt;
  return basic_money<Rep>{product, amount.unit};
}

/// a + b, or nothing when the currencies differ or the sum would overflow.
template <class Rep>
[[nodiscard]] constexpr std::optional<basic_money<Rep>> checked_add(const basic_money<Rep>& a, const basic_money<Rep>& b) noexcept {
  Rep sum{};
  if (a.unit != b.unit || __builtin_add_overflow(a.minor_units, b.minor_units, &sum)) return std::nullopt;
  return basic_money<Rep>{sum, a.unit};
}

/// "12.34 USD": for messages and logs, with two decimals (the library does not track each
/// currency's exponent; minor units are what it computes with).
template <class Rep>
[[nodiscard]] std::string to_string(const basic_money<Rep>& amount) {
  const bool negative = amount.minor_units < 0;
  // Work in unsigned so that the most negative value prints correctly.
  auto magnitude = negative ? 0 - static_cast<std::uint64_t>(amount.minor_units) : static_cast<std::uint64_t>(amount.minor_units);
  std::string cents = std::to_string(magnitude % 100);
  if (cents.size() < 2) cents.insert(0, "0");
  return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + cents + " " + std::string(amount.unit.code());
}

} // namespace isv
