// The binary form in which the SQL repositories store events, tenants, apps and idempotency records: compact, deterministic, documented here.
#pragma once

#include "isv/app.hpp"
#include "isv/operations/assignment.hpp"
#include "isv/detail/fields.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/invoice.hpp"
#include "isv/repository.hpp"
#include "isv/tenant.hpp"

#include <boost/mp11/algorithm.hpp>

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

// The format ("isv binary"). Every blob starts with one byte, the format number (1 or 2), then one
// value, written field by field in the order the structs declare them:
// - unsigned integers and enums: LEB128 (7 bits a byte, low group first, high bit = more follows);
// - signed integers (counts, versions, money, seconds since the epoch): zigzag, then LEB128;
// - bool: one byte, 0 or 1; ids: their representation (an integer, as above);
// - strings: the byte count, then the bytes; currencies: three bytes;
// - optional: one byte (0 absent, 1 present), then the value; vector and set: the count, then each item;
// - variant (an event's payload, an idempotency record's value): the alternative's index, then its value;
// - a record (entity, event, report): its fields in the order its BOOST_DESCRIBE_CLASS lists them,
//   which is their declaration order.
// Format 1 is release 0.1.0's: it has no field added after 0.1.0 (ISV_ADDED_AFTER_0_1, which puts
// them last in a record), so reading one leaves those fields as a default-constructed record holds
// them. Format 2 has every field of every record. A value is written in format 1 whenever all its
// added fields, at any depth, hold those defaults, so that it has the bytes 0.1.0 gave it; in
// format 2 otherwise. The format is the whole blob's, never one record's: the fields are
// positional, and a record that may or may not carry its added fields would make two values share
// their bytes.
// Time points are whole seconds of the traits' clock. There is no padding, no field name and no
// hash-map iteration anywhere, so equal values always give equal bytes. A blob of another format,
// that ends early, has bytes left over or holds an enum or index out of range is refused with
// errc::corrupt_data.
namespace isv::detail::sql {

/// The formats: release 0.1.0's, without the fields added since, and the one with every field.
inline constexpr unsigned char format_of_0_1 = 1;
inline constexpr unsigned char format_with_added_fields = 2;

/// The traits a SQL backend can store: integer ids (kept in BIGINT columns), a string type that
/// holds bytes, and whole-second-or-finer integer time points.
template <class T>
concept sql_storable_traits =
    licensing_traits<T> && std::integral<typename T::id_rep> && (sizeof(typename T::id_rep) <= 8) &&
    std::integral<typename T::time_point::rep> && (sizeof(typename T::money_rep) <= 8) &&
    std::constructible_from<typename T::string_type, const char*, std::size_t> &&
    requires(const typename T::string_type& s) {
      { s.data() } -> std::convertible_to<const char*>;
      { s.size() } -> std::convertible_to<std::size_t>;
    };

template <class V> constexpr bool is_optional = is_std_optional<V>;
template <class V> constexpr bool is_indirect = is_indirect_value<V>;
template <class> constexpr bool is_vector = false;
template <class V, class A> constexpr bool is_vector<std::vector<V, A>> = true;
template <class> constexpr bool is_set = false;
template <class V, class C, class A> constexpr bool is_set<std::set<V, C, A>> = true;
template <class V> constexpr bool is_variant = is_std_variant<V>;
template <class> constexpr bool is_money = false;
template <class Rep> constexpr bool is_money<basic_money<Rep>> = true;
template <class> constexpr bool is_time_point = false;
template <class D> constexpr bool is_time_point<std::chrono::time_point<std::chrono::system_clock, D>> = true;

template <class V>
concept byte_string = requires(const V& s) {
  { s.data() } -> std::convertible_to<const char*>;
  { s.size() } -> std::convertible_to<std::size_t>;
} && std::constructible_from<V, const char*, std::size_t>;

/// Appends values to a blob of the given format.
class writer {
public:
  explicit writer(unsigned char format) : format_(format) { out_.push_back(static_cast<char>(format)); }

  void unsigned_int(std::uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void signed_int(std::int64_t v) {
    unsigned_int((static_cast<std::uint64_t>(v) << 1) ^ (v < 0 ? ~std::uint64_t{0} : std::uint64_t{0}));
  }
  void bytes(const char* data, std::size_t n) {
    unsigned_int(n);
    out_.append(data, n);
  }
  void raw(const char* data, std::size_t n) { out_.append(data, n); }

  template <class V>
  void value(const V& v) {
    if constexpr (std::is_same_v<V, bool>) {
      out_.push_back(v ? '\1' : '\0');
    } else if constexpr (std::is_enum_v<V>) {
      unsigned_int(static_cast<std::uint64_t>(v));
    } else if constexpr (std::signed_integral<V>) {
      signed_int(static_cast<std::int64_t>(v));
    } else if constexpr (std::unsigned_integral<V>) {
      unsigned_int(static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<V, std::monostate>) {
    } else if constexpr (is_id<V>) {
      value(v.value());
    } else if constexpr (is_money<V>) {
      value(v.minor_units);
      raw(v.unit.code().data(), 3);
    } else if constexpr (is_time_point<V>) {
      signed_int(static_cast<std::int64_t>(v.time_since_epoch().count()));
    } else if constexpr (is_optional<V>) {
      out_.push_back(v ? '\1' : '\0');
      if (v) value(*v);
    } else if constexpr (is_indirect<V>) {
      value(*v); // written as the value itself
    } else if constexpr (is_vector<V> || is_set<V>) {
      unsigned_int(v.size());
      for (const auto& item : v) value(item);
    } else if constexpr (is_variant<V>) {
      unsigned_int(v.index());
      std::visit([&](const auto& alternative) { value(alternative); }, v);
    } else if constexpr (byte_string<V>) {
      bytes(v.data(), static_cast<std::size_t>(v.size()));
    } else {
      for_each_field_noting_added(v, [&](std::string_view, const auto& member, auto added) {
        if (!added || format_ == format_with_added_fields) value(member);
      });
    }
  }

  [[nodiscard]] std::string take() && { return std::move(out_); }

private:
  unsigned char format_;
  std::string out_;
};

/// Reads values back from a blob; the first problem is kept and every later read is a no-op.
class reader {
public:
  explicit reader(std::string_view in) : in_(in) {
    const unsigned char format = in_.empty() ? 0 : static_cast<unsigned char>(in_[0]);
    if (format != format_of_0_1 && format != format_with_added_fields)
      broken("it is in none of the stored formats 1 and 2 (written by a newer or another program?)");
    else
      format_ = format;
    pos_ = 1;
  }

  std::uint64_t unsigned_int() {
    std::uint64_t v = 0;
    for (unsigned shift = 0; ok_; shift += 7) {
      if (pos_ >= in_.size()) return broken("it ends in the middle of a number"), 0;
      if (shift > 63) return broken("a number is longer than 64 bits"), 0;
      const auto byte = static_cast<unsigned char>(in_[pos_++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return 0;
  }
  std::int64_t signed_int() {
    const std::uint64_t z = unsigned_int();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string_view raw(std::size_t n) {
    if (!ok_) return {};
    if (in_.size() - pos_ < n) return broken("it ends in the middle of a string"), std::string_view{};
    const auto out = in_.substr(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t count() {
    const std::uint64_t n = unsigned_int();
    // Every item takes at least one byte: a larger count is corrupt, not a reason to allocate.
    if (n > in_.size() - pos_) return broken("a list is longer than the data"), 0;
    return static_cast<std::size_t>(n);
  }
  bool flag() {
    const auto b = raw(1);
    if (b.empty()) return false;
    if (b[0] != '\0' && b[0] != '\1') return broken("a flag is neither 0 nor 1"), false;
    return b[0] == '\1';
  }

  template <class V>
  void value(V& v) {
    if (!ok_) return;
    if constexpr (std::is_same_v<V, bool>) {
      v = flag();
    } else if constexpr (std::is_enum_v<V>) {
      const std::uint64_t n = unsigned_int();
      if (!std::in_range<std::underlying_type_t<V>>(n) || !is_enum_value(static_cast<V>(n)))
        return broken("an enumeration value is out of range");
      v = static_cast<V>(n);
    } else if constexpr (std::signed_integral<V>) {
      const std::int64_t n = signed_int();
      if (!std::in_range<V>(n)) return broken("a number is out of range");
      v = static_cast<V>(n);
    } else if constexpr (std::unsigned_integral<V>) {
      const std::uint64_t n = unsigned_int();
      if (!std::in_range<V>(n)) return broken("a number is out of range");
      v = static_cast<V>(n);
    } else if constexpr (std::is_same_v<V, std::monostate>) {
    } else if constexpr (is_id<V>) {
      typename V::rep_type rep{};
      value(rep);
      v = V{rep};
    } else if constexpr (is_money<V>) {
      value(v.minor_units);
      v.unit = currency{raw(3)};
    } else if constexpr (is_time_point<V>) {
      const std::int64_t n = signed_int();
      using rep = typename V::duration::rep;
      if (!std::in_range<rep>(n)) return broken("a time is out of range");
      v = V{typename V::duration{static_cast<rep>(n)}};
    } else if constexpr (is_optional<V>) {
      if (flag()) value(v.emplace());
      else v.reset();
    } else if constexpr (is_indirect<V>) {
      if (v.valueless_after_move()) v = V{};
      value(*v);
    } else if constexpr (is_vector<V>) {
      const std::size_t n = count();
      v.clear();
      v.reserve(n);
      for (std::size_t i = 0; i < n && ok_; ++i) value(v.emplace_back());
    } else if constexpr (is_set<V>) {
      const std::size_t n = count();
      v.clear();
      for (std::size_t i = 0; i < n && ok_; ++i) {
        typename V::value_type item{};
        value(item);
        v.insert(std::move(item));
      }
    } else if constexpr (is_variant<V>) {
      const std::uint64_t index = unsigned_int();
      if (index >= std::variant_size_v<V>) return broken("an event or value kind is unknown");
      emplace_alternative(v, static_cast<std::size_t>(index), std::make_index_sequence<std::variant_size_v<V>>{});
    } else if constexpr (byte_string<V>) {
      const std::size_t n = count();
      const auto b = raw(n);
      v = V(b.data(), b.size());
    } else {
      using record = std::remove_cvref_t<V>;
      static_assert(every_field_described<record>, "a field of this record is missing from its BOOST_DESCRIBE_CLASS list");
      boost::mp11::mp_for_each<described_fields<record>>([&](auto d) {
        using D = decltype(d);
        if constexpr (is_added_field<record, D>) {
          // Format 1 (release 0.1.0) has no added field: it holds what a new record holds.
          if (format_ == format_of_0_1) v.*D::pointer = default_record<record>().*D::pointer;
          else value(v.*D::pointer);
        } else {
          value(v.*D::pointer);
        }
      });
    }
  }

  /// The value, if the blob held exactly one and nothing else.
  template <class V>
  [[nodiscard]] result<V> whole(std::string_view what) {
    V v{};
    value(v);
    if (ok_ && pos_ != in_.size()) broken("it has bytes left over after the value");
    if (!ok_)
      return fail(errc::corrupt_data, "The stored " + std::string(what) + " cannot be read: " + problem_ +
                                          ". The database was changed by another program or is damaged.");
    return v;
  }

private:
  template <class V, std::size_t... I>
  void emplace_alternative(V& v, std::size_t index, std::index_sequence<I...>) {
    (void)((I == index ? (value(v.template emplace<I>()), true) : false) || ...);
  }
  void broken(const char* why) {
    if (!ok_) return;
    ok_ = false;
    problem_ = why;
  }

  std::string_view in_;
  unsigned char format_ = format_of_0_1;
  std::size_t pos_ = 0;
  bool ok_ = true;
  std::string problem_{};
};

/// The blob of v: format 1 (release 0.1.0's bytes) when all its added fields hold their defaults.
template <class V>
[[nodiscard]] std::string encode(const V& v) {
  writer w(added_fields_hold_defaults(v) ? format_of_0_1 : format_with_added_fields);
  w.value(v);
  return std::move(w).take();
}

template <class V>
[[nodiscard]] result<V> decode(std::string_view blob, std::string_view what) {
  return reader(blob).whole<V>(what);
}

} // namespace isv::detail::sql
