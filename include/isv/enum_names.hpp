// The names of the library's enums: to_string, from_string and the list of values, derived from each enum's one description (BOOST_DESCRIBE_ENUM).
#pragma once

#include <boost/describe/enum.hpp>
#include <boost/describe/enumerators.hpp>
#include <boost/mp11/algorithm.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <type_traits>

// Each enum of the library is described once, next to its definition, with BOOST_DESCRIBE_ENUM.
// Its names in logs, on the JSON wire and in SQL checks all come from that description, so a value
// added to the enum and its description is known everywhere at once, and one left out of the
// description is caught by the static tests (tests/static), which compare the two.
namespace isv {

template <class E>
concept described_enum = std::is_enum_v<E> && boost::describe::has_describe_enumerators<E>::value;

/// Every value of E, in declaration order.
template <described_enum E>
inline constexpr auto enum_values = [] {
  using list = boost::describe::describe_enumerators<E>;
  std::array<E, boost::mp11::mp_size<list>::value> out{};
  std::size_t i = 0;
  boost::mp11::mp_for_each<list>([&](auto d) { out[i++] = d.value; });
  return out;
}();

/// The identifier of a value ("pending_activation"), as in logs and the JSON wire format;
/// "unknown" for a number that names no value.
template <described_enum E>
[[nodiscard]] constexpr std::string_view to_string(E value) noexcept {
  std::string_view out = "unknown";
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (d.value == value) out = d.name;
  });
  return out;
}

/// The value named `name`, if E has one.
template <described_enum E>
[[nodiscard]] constexpr std::optional<E> from_string(std::string_view name) noexcept {
  std::optional<E> out;
  boost::mp11::mp_for_each<boost::describe::describe_enumerators<E>>([&](auto d) {
    if (std::string_view(d.name) == name) out = d.value;
  });
  return out;
}

/// Whether `value` is one of E's declared values (a number read from storage may not be).
template <described_enum E>
[[nodiscard]] constexpr bool is_enum_value(E value) noexcept {
  for (const E v : enum_values<E>)
    if (v == value) return true;
  return false;
}

} // namespace isv
