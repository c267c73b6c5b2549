// Internal: a tiny constexpr set of enum values, stored as bits (for role sets).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <type_traits>

namespace isv::detail {

template <class Enum>
class flag_set {
  static_assert(std::is_enum_v<Enum>);

public:
  constexpr flag_set() = default;
  constexpr flag_set(std::initializer_list<Enum> values) {
    for (Enum v : values) insert(v);
  }
  [[nodiscard]] constexpr bool contains(Enum v) const noexcept { return (bits_ & bit(v)) != 0; }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  [[nodiscard]] constexpr bool intersects(flag_set other) const noexcept { return (bits_ & other.bits_) != 0; }
  constexpr void insert(Enum v) noexcept { bits_ |= bit(v); }
  constexpr void erase(Enum v) noexcept { bits_ &= ~bit(v); }
  [[nodiscard]] constexpr std::uint32_t bits() const noexcept { return bits_; }
  friend constexpr bool operator==(flag_set, flag_set) = default;

private:
  static constexpr std::uint32_t bit(Enum v) noexcept { return std::uint32_t{1} << static_cast<unsigned>(v); }
  std::uint32_t bits_ = 0;
};

} // namespace isv::detail
