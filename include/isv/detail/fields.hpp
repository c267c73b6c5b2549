// Internal: the described fields of the library's records (Boost.Describe), visited in declaration order, the check that none is left undescribed, and which of them were added after release 0.1.0.
#pragma once

#include "isv/indirect.hpp"

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

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

// ---- Fields added after release 0.1.0 (ISV_ADDED_AFTER_0_1, detail/record.hpp) ------------------

/// The position, in V's description, of the field its ISV_ADDED_AFTER_0_1 names; without the
/// marker, the number of its fields ("none": no position is at or past it).
template <class V>
consteval std::size_t find_first_added_field() {
  if constexpr (requires { V::first_field_added_after_0_1; }) {
    constexpr std::string_view name = V::first_field_added_after_0_1;
    std::size_t found = described_field_count<V>;
    std::size_t i = 0;
    boost::mp11::mp_for_each<described_fields<V>>([&](auto d) {
      if (found == described_field_count<V> && std::string_view(d.name) == name) found = i;
      ++i;
    });
    return found;
  } else {
    return described_field_count<V>;
  }
}

/// Whether V names, with ISV_ADDED_AFTER_0_1, fields added after release 0.1.0.
template <class V>
inline constexpr bool has_added_fields = requires { V::first_field_added_after_0_1; };

/// The index of V's first added field in its described field list; described_field_count<V> when
/// it has none, so that "index >= first_added_field<V>" holds exactly for the added fields.
template <class V>
inline constexpr std::size_t first_added_field = [] {
  constexpr std::size_t first = find_first_added_field<V>();
  static_assert(!has_added_fields<V> || first < described_field_count<V>,
                "ISV_ADDED_AFTER_0_1 names a field that is not in this record's ISV_RECORD list: name the first "
                "field added after release 0.1.0, which comes after every field of 0.1.0");
  return first;
}();

/// Whether the field described by D (a descriptor of V's description) was added after release 0.1.0.
template <class V, class D>
inline constexpr bool is_added_field = boost::mp11::mp_find<described_fields<V>, D>::value >= first_added_field<V>;

/// The type of the member the descriptor D points to.
template <class V, class D>
using described_member_t = std::remove_cvref_t<decltype(std::declval<V&>().*D::pointer)>;

template <class> inline constexpr bool is_std_optional = false;
template <class V> inline constexpr bool is_std_optional<std::optional<V>> = true;
template <class> inline constexpr bool is_std_variant = false;
template <class... V> inline constexpr bool is_std_variant<std::variant<V...>> = true;
template <class> inline constexpr bool is_indirect_value = false;
template <class V> inline constexpr bool is_indirect_value<indirect<V>> = true;
template <class> inline constexpr bool is_list = false;
template <class V, class A> inline constexpr bool is_list<std::vector<V, A>> = true;
template <class V, class C, class A> inline constexpr bool is_list<std::set<V, C, A>> = true;

/// Whether a value of type V can hold a record with added fields: such a record itself, or a record,
/// optional, indirect, vector, set or variant with one inside. Decided at compile time, so that
/// checking a list of ids or names costs nothing.
template <class V>
consteval bool can_hold_added_fields() {
  if constexpr (is_std_optional<V> || is_indirect_value<V> || is_list<V>) {
    return can_hold_added_fields<typename V::value_type>();
  } else if constexpr (is_std_variant<V>) {
    return []<class... A>(std::variant<A...>*) { return (can_hold_added_fields<A>() || ...); }(static_cast<V*>(nullptr));
  } else if constexpr (described_record<V>) {
    if constexpr (has_added_fields<V>) return true;
    else
      return []<class... D>(boost::mp11::mp_list<D...>) {
        return (can_hold_added_fields<described_member_t<V, D>>() || ...);
      }(boost::mp11::mp_rename<described_fields<V>, boost::mp11::mp_list>{});
  } else {
    return false;
  }
}

/// A default-constructed V: what its added fields hold in data of release 0.1.0.
template <class V>
[[nodiscard]] const V& default_record() {
  static const V defaults{};
  return defaults;
}

/// Whether every added field in v, at any depth, equals the same field of a default-constructed
/// record: then v is what release 0.1.0 could hold, and is written as 0.1.0 wrote it.
template <class V>
[[nodiscard]] bool added_fields_hold_defaults(const V& v) {
  if constexpr (!can_hold_added_fields<V>()) {
    return true;
  } else if constexpr (is_std_optional<V>) {
    return !v || added_fields_hold_defaults(*v);
  } else if constexpr (is_indirect_value<V>) {
    return v.valueless_after_move() || added_fields_hold_defaults(*v);
  } else if constexpr (is_list<V>) {
    return std::all_of(v.begin(), v.end(), [](const auto& item) { return added_fields_hold_defaults(item); });
  } else if constexpr (is_std_variant<V>) {
    return std::visit([](const auto& alternative) { return added_fields_hold_defaults(alternative); }, v);
  } else {
    static_assert(every_field_described<V>);
    bool holds = true;
    boost::mp11::mp_for_each<described_fields<V>>([&](auto d) {
      using D = decltype(d);
      if (!holds) return;
      if constexpr (is_added_field<V, D>) holds = v.*D::pointer == default_record<V>().*D::pointer;
      else holds = added_fields_hold_defaults(v.*D::pointer);
    });
    return holds;
  }
}

/// Calls f(name, field, added) for each described field of v, in declaration order; `added` is a
/// std::bool_constant, true for the fields added after release 0.1.0.
template <described_record V, class F>
constexpr void for_each_field_noting_added(V& v, F&& f) {
  using record = std::remove_const_t<V>;
  static_assert(every_field_described<record>,
                "a field of this record is missing from its BOOST_DESCRIBE_CLASS list: JSON, the SQL record "
                "and the idempotency fingerprint would all leave it out");
  boost::mp11::mp_for_each<described_fields<record>>([&](auto d) {
    f(std::string_view(d.name), v.*d.pointer, std::bool_constant<is_added_field<record, decltype(d)>>{});
  });
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
