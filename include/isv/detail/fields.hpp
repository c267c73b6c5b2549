// Internal: the described fields of the library's records (Boost.Describe), visited in declaration order, and the check that none is left undescribed.
#pragma once

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

// A record (entity, command, event, report) describes its fields once, inside its own definition,
// with BOOST_DESCRIBE_CLASS. The JSON codec, the SQL record codec and the idempotency fingerprint
// all walk that one description, so a field added to a record reaches all three. A field declared
// but left out of the description would silently drop out of all three: `for_each_field` refuses
// to compile for a record whose aggregate has more fields than its description names.
namespace isv::detail {

template <class V>
concept described_record = boost::describe::has_describe_members<std::remove_cvref_t<V>>::value;

/// Converts to any type: the probe with which an aggregate's fields are counted.
struct any_field {
  template <class U>
  operator U() const; // never defined: used in unevaluated contexts only
};

/// The number of fields of an aggregate: the largest N for which V{any_field x N} is well formed.
template <class V, std::size_t... I>
constexpr std::size_t aggregate_field_count(std::index_sequence<I...>) {
  if constexpr (requires { V{(static_cast<void>(I), any_field{})..., any_field{}}; })
    return aggregate_field_count<V>(std::make_index_sequence<sizeof...(I) + 1>{});
  else
    return sizeof...(I);
}

template <class V>
using described_fields = boost::describe::describe_members<V, boost::describe::mod_public>;

template <class V>
inline constexpr std::size_t described_field_count = boost::mp11::mp_size<described_fields<V>>::value;

template <class V>
inline constexpr bool every_field_described =
    !std::is_aggregate_v<V> || aggregate_field_count<V>(std::index_sequence<>{}) == described_field_count<V>;

/// Calls f(name, field) for each described field of v, in declaration order.
template <described_record V, class F>
constexpr void for_each_field(V& v, F&& f) {
  using record = std::remove_const_t<V>;
  static_assert(every_field_described<record>,
                "a field of this record is missing from its BOOST_DESCRIBE_CLASS list: JSON, the SQL record "
                "and the idempotency fingerprint would all leave it out");
  boost::mp11::mp_for_each<described_fields<record>>([&](auto d) { f(std::string_view(d.name), v.*d.pointer); });
}

/// A record made from another whose description lists the same fields, in the same order.
template <class To, class From>
[[nodiscard]] To copy_fields(const From& from) {
  using to_fields = described_fields<To>;
  using from_fields = described_fields<From>;
  static_assert(every_field_described<To> && every_field_described<From>);
  static_assert(boost::mp11::mp_size<to_fields>::value == boost::mp11::mp_size<from_fields>::value);
  To to{};
  boost::mp11::mp_for_each<boost::mp11::mp_iota<boost::mp11::mp_size<to_fields>>>([&](auto i) {
    using to_field = boost::mp11::mp_at_c<to_fields, decltype(i)::value>;
    using from_field = boost::mp11::mp_at_c<from_fields, decltype(i)::value>;
    static_assert(std::string_view(to_field::name) == std::string_view(from_field::name), "the same fields, in the same order");
    to.*to_field::pointer = from.*from_field::pointer;
  });
  return to;
}

} // namespace isv::detail
