// Internal: the machinery of the JSON wire format: JSON Pointer paths, strict readers for numbers, text, ids, money and times, and object codecs built from the descriptions of records.
#pragma once

#include "isv/detail/calendar.hpp"
#include "isv/detail/describe.hpp"
#include "isv/detail/fields.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/id.hpp"
#include "isv/money.hpp"
#include "isv/traits.hpp"

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace isv::json {

/// How one C++ type is written to and read from JSON; isv/json.hpp specializes it for every type
/// of the library. A specialization has
///   static void write(const T&, nlohmann::json& out);
///   static bool read(const nlohmann::json& in, T& out, detail::reader& r); // false once r.fail() was called
/// Reading is strict: anything the wire format does not allow is a failure naming its JSON Pointer.
template <class T>
struct codec;

/// What a traits type needs for the JSON wire format: integer ids (written as decimal strings) or
/// string ids, a contiguous string type, whole-second times and money that fits 64 bits.
template <class S>
concept json_text = std::constructible_from<S, const char*, std::size_t> && requires(const S& s) {
  { s.data() } -> std::convertible_to<const char*>;
  { s.size() } -> std::convertible_to<std::size_t>;
};

template <class T>
concept json_traits =
    licensing_traits<T> &&
    ((std::integral<typename T::id_rep> && !std::same_as<typename T::id_rep, bool>) || json_text<typename T::id_rep>) &&
    json_text<typename T::string_type> && std::same_as<typename T::time_point, std::chrono::sys_seconds> &&
    (sizeof(typename T::money_rep) <= sizeof(std::int64_t));

/// How deep arrays and objects may nest in JSON text by default: far past the wire format's own
/// values, which nest fewer than 10 levels even inside a list (tests/json/faults.cpp checks it).
inline constexpr std::size_t default_max_depth = 64;

/// The bounds of JSON text that parse() and decode(text) check while parsing (D-LIMIT-1).
struct parse_limits {
  /// Arrays and objects inside one another: `[]` is 1 deep, `{"a": []}` 2. Past it: errc::limit_exceeded.
  std::size_t max_depth = default_max_depth;
};

namespace detail {

using document = nlohmann::json;

// ---- Limits -----------------------------------------------------------------------------------

/// Byte limits of strings on the wire (UTF-8 bytes, not characters). A longer string is refused,
/// never cut: a cut name would be a different name.
inline constexpr std::size_t max_name_bytes = 1024;
inline constexpr std::size_t max_address_bytes = 2048;
inline constexpr std::size_t max_link_bytes = 2048;
inline constexpr std::size_t max_message_bytes = 4096;
inline constexpr std::size_t max_id_bytes = 256;

// ---- UTF-8 ------------------------------------------------------------------------------------

/// Well-formed UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing past U+10FFFF.
[[nodiscard]] constexpr bool is_valid_utf8(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) {
      ++i;
      continue;
    }
    std::size_t extra = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      extra = 1;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      extra = 2;
      if (b0 == 0xE0) lo = 0xA0;      // overlong
      else if (b0 == 0xED) hi = 0x9F; // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      extra = 3;
      if (b0 == 0xF0) lo = 0x90;      // overlong
      else if (b0 == 0xF4) hi = 0x8F; // past U+10FFFF
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) return false;
    }
    i += extra + 1;
  }
  return true;
}

/// A piece of untrusted input fit to quote in a message: short and valid UTF-8, or described instead.
[[nodiscard]] inline std::string quote(std::string_view s) {
  if (!is_valid_utf8(s)) return "a string that is not valid UTF-8";
  if (s.size() > 64) return "a string of " + std::to_string(s.size()) + " bytes";
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) out += '?';
    else out += c;
  }
  return out + "\"";
}

/// "a user id", "an invoice id" (the library's nouns; 'u' is pronounced "you" in each)
[[nodiscard]] inline std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeio").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

// ---- Paths and faults -------------------------------------------------------------------------

/// One reference token of a JSON Pointer: RFC 6901 escapes '~' and '/'.
[[nodiscard]] inline std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

/// Where the reader is in the document (a JSON Pointer, RFC 6901) and the first fault it met.
class reader {
public:
  /// Leaves one level of the path when it goes out of scope.
  class [[nodiscard]] scope {
  public:
    explicit scope(reader& r) noexcept : r_(r) {}
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;
    ~scope() { r_.tokens_.pop_back(); }

  private:
    reader& r_;
  };

  [[nodiscard]] scope at(std::string_view key) {
    tokens_.push_back(escape(key));
    return scope(*this);
  }
  [[nodiscard]] scope at(std::size_t index) {
    tokens_.push_back(std::to_string(index));
    return scope(*this);
  }

  /// Records a fault at the current path; reading stops at the first, so later ones are ignored.
  bool fail(std::string_view problem) {
    if (!error_)
      error_ = ::isv::error{errc::invalid_argument, "Invalid JSON at \"" + pointer() + "\": " + std::string(problem)};
    return false;
  }

  [[nodiscard]] std::string pointer() const {
    std::string out;
    for (const auto& t : tokens_) out += "/" + t;
    return out;
  }

  /// The fault; only meaningful after a read returned false.
  [[nodiscard]] ::isv::error take_error() {
    if (!error_) return ::isv::error{errc::invalid_argument, "Invalid JSON at \"" + pointer() + "\"."};
    return std::move(*error_);
  }

private:
  /// RFC 6901 escapes; a key that could not come from JSON text (bad UTF-8) or is very long is
  /// shown in a form fit for a message.
  static std::string escape(std::string_view key) {
    if (!is_valid_utf8(key)) return "(a field name that is not valid UTF-8)";
    std::size_t cut = key.size() > 128 ? 128 : key.size();
    while (cut > 0 && cut < key.size() && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut; // whole characters
    return pointer_token(key.substr(0, cut)) + (cut < key.size() ? "..." : "");
  }

  std::vector<std::string> tokens_;
  std::optional<::isv::error> error_;
};

[[nodiscard]] inline std::string_view kind_of(const document& j) noexcept {
  switch (j.type()) {
    case document::value_t::null: return "null";
    case document::value_t::boolean: return "a boolean";
    case document::value_t::number_integer:
    case document::value_t::number_unsigned: return "a whole number";
    case document::value_t::number_float: return "a number with a fraction or exponent";
    case document::value_t::string: return "a string";
    case document::value_t::array: return "an array";
    case document::value_t::object: return "an object";
    case document::value_t::binary: return "binary data";
    case document::value_t::discarded: return "a discarded value";
  }
  return "an unknown value";
}

inline bool expected(reader& r, std::string_view what, const document& found) {
  return r.fail("expected " + std::string(what) + ", found " + std::string(kind_of(found)) + ".");
}

// ---- Scalars ----------------------------------------------------------------------------------

/// A whole number as JSON holds it, or a fault: fractions and exponents are refused even when the
/// value is whole ("3.0", "1e3"), so that every number has one spelling.
inline bool read_int64(const document& in, std::int64_t& out, reader& r, std::string_view what) {
  if (in.is_number_float()) {
    // nlohmann reads a whole number past 64 bits (2^64, "99999999999999999999999") as a double:
    // what is wrong with it is its size, not a fraction it does not have.
    const double v = in.get<double>();
    if (std::trunc(v) == v && (v >= 0x1p63 || v <= -0x1p63))
      return r.fail("expected " + std::string(what) + ", found a number too large for 64 bits (" + in.dump() +
                    "); whole numbers are from " + std::to_string(std::numeric_limits<std::int64_t>::min()) + " to " +
                    std::to_string(std::numeric_limits<std::int64_t>::max()) + ".");
    return r.fail("expected " + std::string(what) + " written as a whole number without fraction or exponent, found " +
                  std::string(kind_of(in)) + ".");
  }
  if (!in.is_number_integer()) return expected(r, what, in);
  if (in.is_number_unsigned()) {
    const auto v = in.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return r.fail(std::string(what) + " " + std::to_string(v) + " is out of range: too large, the most is " +
                    std::to_string(std::numeric_limits<std::int64_t>::max()) + ".");
    out = static_cast<std::int64_t>(v);
    return true;
  }
  out = in.get<std::int64_t>();
  return true;
}

template <class Rep>
inline bool read_in_range(const document& in, Rep& out, reader& r, std::string_view what, std::int64_t min, std::int64_t max) {
  std::int64_t v = 0;
  if (!read_int64(in, v, r, what)) return false;
  if (v < min || v > max)
    return r.fail(std::string(what) + " must be from " + std::to_string(min) + " to " + std::to_string(max) + "; " +
                  std::to_string(v) + " is out of range.");
  out = static_cast<Rep>(v);
  return true;
}

/// A license quantity: a positive whole number, at most max_quantity (D-QTY-4).
struct quantity_codec {
  static void write(const count_t& v, document& out) { out = static_cast<std::int64_t>(v); }
  static bool read(const document& in, count_t& out, reader& r) {
    std::int64_t v = 0;
    if (!read_int64(in, v, r, "a license quantity")) return false;
    if (v <= 0)
      return r.fail("a license quantity must be a positive whole number (D-QTY-4); " + std::to_string(v) + " is not.");
    if (v > max_quantity)
      return r.fail("a license quantity may be at most " + std::to_string(max_quantity) + "; " + std::to_string(v) +
                    " is more.");
    out = v;
    return true;
  }
};

/// A number of licenses: from zero to max_quantity.
struct count_codec {
  static void write(const count_t& v, document& out) { out = static_cast<std::int64_t>(v); }
  static bool read(const document& in, count_t& out, reader& r) {
    return read_in_range(in, out, r, "a license count", 0, max_quantity);
  }
};

/// A version: the number of events applied, never negative.
struct version_codec {
  static void write(const count_t& v, document& out) { out = static_cast<std::int64_t>(v); }
  static bool read(const document& in, count_t& out, reader& r) {
    return read_in_range(in, out, r, "a version", 0, std::numeric_limits<std::int64_t>::max());
  }
};

/// Amounts in minor units of the traits' money representation.
template <class Rep>
struct minor_units_codec {
  static void write(const Rep& v, document& out) { out = static_cast<std::int64_t>(v); }
  static bool read(const document& in, Rep& out, reader& r) {
    return read_in_range(in, out, r, "an amount in minor units", static_cast<std::int64_t>(std::numeric_limits<Rep>::min()),
                         static_cast<std::int64_t>(std::numeric_limits<Rep>::max()));
  }
};

/// A string literal as a template argument.
template <std::size_t N>
struct fixed_text {
  char chars[N]{};
  constexpr fixed_text(const char (&text)[N]) { std::copy_n(text, N, chars); } // NOLINT: implicit on purpose
  constexpr operator std::string_view() const { return {chars, N - 1}; }
};

/// A kind of text and its limit: what a refusal calls it, and how many bytes of UTF-8 it may hold.
template <fixed_text Noun, std::size_t MaxBytes>
struct text_kind {
  static constexpr std::string_view noun = Noun;
  static constexpr std::size_t max_bytes = MaxBytes;
};
using name_text = text_kind<"a name", max_name_bytes>;
using address_text = text_kind<"an address", max_address_bytes>;
using link_text = text_kind<"a link", max_link_bytes>;
using message_text = text_kind<"a message", max_message_bytes>;

inline bool read_utf8_string(const document& in, std::string_view& out, reader& r, std::string_view what, std::size_t max_bytes) {
  if (!in.is_string()) return expected(r, std::string(what) + " (a string)", in);
  const auto& s = in.get_ref<const std::string&>();
  if (!is_valid_utf8(s)) return r.fail(std::string(what) + " must be valid UTF-8; this string is not.");
  if (s.size() > max_bytes)
    return r.fail(std::string(what) + " may be at most " + std::to_string(max_bytes) + " bytes of UTF-8; this one has " +
                  std::to_string(s.size()) + ".");
  out = s;
  return true;
}

template <class Kind>
struct text_codec {
  template <json_text S>
  static void write(const S& s, document& out) {
    out = std::string(s.data(), s.size());
  }
  template <json_text S>
  static bool read(const document& in, S& out, reader& r) {
    std::string_view s;
    if (!read_utf8_string(in, s, r, Kind::noun, Kind::max_bytes)) return false;
    out = S(s.data(), s.size());
    return true;
  }
};

/// "2026-01-15T00:00:00Z": RFC 3339 in UTC with whole seconds, the one spelling accepted, so that
/// a time has one form on the wire. Years 0000 to 9999; no leap seconds.
struct time_codec {
  static void write(const std::chrono::sys_seconds& t, document& out) { out = ::isv::detail::format_time(t); }
  static bool read(const document& in, std::chrono::sys_seconds& out, reader& r) {
    if (!in.is_string()) return expected(r, "a time (a string such as \"2026-01-15T00:00:00Z\")", in);
    const auto& s = in.get_ref<const std::string&>();
    switch (::isv::detail::parse_time(s, out)) {
      case ::isv::detail::time_text::ok: return true;
      case ::isv::detail::time_text::malformed:
        return r.fail("a time must be written in RFC 3339 UTC as \"YYYY-MM-DDTHH:MM:SSZ\" (such as "
                      "\"2026-01-15T00:00:00Z\"); found " + quote(s) + ".");
      case ::isv::detail::time_text::no_such_moment: return r.fail("a time names no such moment: " + quote(s) + ".");
    }
    return false;
  }
};

/// Three capital letters, ISO 4217 style ("EUR").
struct currency_codec {
  static void write(const currency& c, document& out) { out = std::string(c.code()); }
  static bool read(const document& in, currency& out, reader& r) {
    if (!in.is_string()) return expected(r, "a currency (a string of three capital letters such as \"EUR\")", in);
    const auto& s = in.get_ref<const std::string&>();
    const currency parsed(s);
    if (s.size() != 3 || !parsed.is_valid())
      return r.fail("a currency must be three capital letters, ISO 4217 style (such as \"EUR\"); found " + quote(s) + ".");
    out = parsed;
    return true;
  }
};

// ---- Objects from descriptions ----------------------------------------------------------------

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class T>
struct value_of {
  using type = T;
};
template <class T>
struct value_of<std::optional<T>> {
  using type = T;
};

/// The type of the member a Boost.Describe descriptor points to, and of the value it holds (an optional's content).
template <class P>
struct member_of;
template <class Owner, class Member>
struct member_of<Member Owner::*> {
  using type = Member;
};
template <class D>
using member_t = typename member_of<std::remove_cv_t<decltype(D::pointer)>>::type;
template <class D>
using field_value_t = typename value_of<member_t<D>>::type;

/// Whether a std::optional field may be left out. Either way null means empty.
enum class presence {
  required, ///< the key must be there (non-optional fields, and optional ones whose emptiness means an action)
  optional, ///< the key may be absent: absent and null both mean empty
};

/// How one field goes on the wire: the codec of its value (for a std::optional, of what it holds)
/// and whether an empty optional may be left out.
template <class Codec, presence P>
struct wire_field {
  using codec = Codec;
  static constexpr presence when_empty = P;
};

template <class Codec, class Member>
void write_member(const Member& m, document& slot) {
  if constexpr (is_optional<Member>) {
    if (m) Codec::write(*m, slot);
    else slot = nullptr;
  } else {
    Codec::write(m, slot);
  }
}

/// Reads the field `name` of the object `in` (of `noun`) into `m`.
template <class Codec, presence P, class Member>
bool read_member(const document& in, Member& m, reader& r, std::string_view noun, std::string_view name) {
  const auto it = in.find(name);
  const auto here = r.at(name);
  if (it == in.end()) {
    if constexpr (is_optional<Member> && P == presence::optional) {
      m.reset();
      return true;
    } else {
      return r.fail("the field \"" + std::string(name) + "\" of " + std::string(noun) + " is missing" +
                    (is_optional<Member> ? " (write null for none)." : "."));
    }
  }
  if constexpr (is_optional<Member>) {
    if (it->is_null()) {
      m.reset();
      return true;
    }
    typename Member::value_type v{};
    if (!Codec::read(*it, v, r)) return false;
    m = std::move(v);
    return true;
  } else {
    return Codec::read(*it, m, r);
  }
}

/// Refuses anything but an object whose keys are all among `names` (or `tag`, a key the caller
/// handles: an event's "type"). Unknown keys come first, so that a misspelt field is named as
/// such, not as the missing one.
template <std::size_t N>
bool known_keys_only(const document& in, reader& r, std::string_view noun, const std::array<std::string_view, N>& names,
                     std::string_view tag = {}) {
  if (!in.is_object()) return expected(r, std::string(noun) + " (an object)", in);
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& key = it.key();
    if (!tag.empty() && key == tag) continue;
    bool known = false;
    for (const auto name : names) known = known || name == key;
    if (!known) {
      const auto here = r.at(key);
      const auto shown = key.size() <= 64 ? quote(key) : "(a name of " + std::to_string(key.size()) + " bytes)";
      std::string list;
      for (const auto name : names) list += (list.empty() ? "" : ", ") + std::string(name);
      return r.fail("unknown field " + shown + "; the fields of " + std::string(noun) + " are " + list +
                    (tag.empty() ? "" : " and " + std::string(tag)) + ".");
    }
  }
  return true;
}

/// The codec of a described record: each field its description names (::isv::detail::for_each_field_noting_added),
/// in order, under its own name. `Rules` gives `noun<Owner>`, `field<Owner, D>` (a wire_field: the
/// codec and presence of the field described by D) and may give `check(const Owner&, reader&)`
/// for what one field alone cannot say.
template <class Owner, class Rules>
struct object_codec {
  static constexpr std::string_view noun = Rules::template noun<Owner>;

  /// A field added after release 0.1.0 (ISV_ADDED_AFTER_0_1) that holds the value of a new
  /// record is left out, so that a value 0.1.0 could hold has the JSON 0.1.0 gave it.
  static void write(const Owner& v, document& out) {
    out = document::object();
    each_field([&]<class D, class Field>(D, Field) {
      if constexpr (::isv::detail::is_added_field<Owner, D>)
        if (v.*D::pointer == ::isv::detail::default_record<Owner>().*D::pointer) return;
      write_member<typename Field::codec>(v.*D::pointer, out[std::string(D::name)]);
    });
  }
  static bool read(const document& in, Owner& out, reader& r) { return read_tagged(in, out, r, {}); }
  /// Every field is read as its rules say, but an added field may be absent, as in JSON of
  /// release 0.1.0: it then holds what a new record holds.
  static bool read_tagged(const document& in, Owner& out, reader& r, std::string_view tag) {
    if (!known_keys_only(in, r, noun, names, tag)) return false;
    bool ok = true;
    each_field([&]<class D, class Field>(D, Field) {
      if (!ok) return;
      if constexpr (::isv::detail::is_added_field<Owner, D>)
        if (in.find(D::name) == in.end()) {
          out.*D::pointer = ::isv::detail::default_record<Owner>().*D::pointer;
          return;
        }
      ok = read_member<typename Field::codec, Field::when_empty>(in, out.*D::pointer, r, noun, D::name);
    });
    if constexpr (requires { Rules::check(out, r); }) return ok && Rules::check(out, r);
    else return ok;
  }

private:
  using descriptors = boost::mp11::mp_rename<::isv::detail::described_fields<Owner>, boost::mp11::mp_list>;

  static constexpr auto names = []<class... D>(boost::mp11::mp_list<D...>) {
    return std::array<std::string_view, sizeof...(D)>{std::string_view(D::name)...};
  }(descriptors{});

  /// f(descriptor, wire_field) for each described field. A field declared but not described would
  /// be lost on the wire without a word: this makes it a compile error instead.
  template <class F>
  static void each_field(F&& f) {
    static_assert(::isv::detail::every_field_described<Owner>,
                  "a field of this record is missing from its BOOST_DESCRIBE_CLASS list, so from its JSON");
    boost::mp11::mp_for_each<descriptors>(
        [&](auto d) { f(d, typename Rules::template field<Owner, decltype(d)>{}); });
  }
};

// ---- Lists ------------------------------------------------------------------------------------

template <class Codec>
struct list_codec {
  template <class V>
  static void write(const std::vector<V>& values, document& out) {
    out = document::array();
    for (const auto& v : values) Codec::write(v, out.emplace_back());
  }
  template <class V>
  static bool read(const document& in, std::vector<V>& out, reader& r) {
    if (!in.is_array()) return expected(r, "a list (an array)", in);
    out.clear();
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      const auto here = r.at(i);
      V v{};
      if (!Codec::read(in[i], v, r)) return false;
      out.push_back(std::move(v));
    }
    return true;
  }
};

/// A list kept sorted without repeats (lookups binary-search it): any other order is refused.
template <class Codec>
struct sorted_set_codec {
  template <class V>
  static void write(const std::vector<V>& values, document& out) {
    list_codec<Codec>::write(values, out);
  }
  template <class V>
  static bool read(const document& in, std::vector<V>& out, reader& r) {
    if (!list_codec<Codec>::read(in, out, r)) return false;
    for (std::size_t i = 1; i < out.size(); ++i)
      if (!(out[i - 1] < out[i])) {
        const auto here = r.at(i);
        return r.fail("this list must be in increasing order without repeats; entry " + std::to_string(i) + " " +
                      (out[i - 1] == out[i] ? "repeats" : "comes before") + " entry " + std::to_string(i - 1) + ".");
      }
    return true;
  }
};

// ---- Enums ------------------------------------------------------------------------------------

/// What an enum is called in a refusal ("billing term"): `noun`. Its values and their names on the
/// wire are those of its description (isv/enum_names.hpp).
template <class E>
struct wire_enum;

/// {value, name} for each value of a described enum, in declaration order.
template <described_enum E>
inline constexpr auto wire_names = [] {
  std::array<std::pair<E, std::string_view>, enum_values<E>.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {enum_values<E>[i], ::isv::to_string(enum_values<E>[i])};
  return out;
}();

template <class E>
concept wire_enumeration = described_enum<E> && requires { wire_enum<E>::noun; };

template <wire_enumeration E>
struct enum_codec {
  static void write(const E& v, document& out) {
    for (const auto& [value, name] : wire_names<E>)
      if (value == v) {
        out = std::string(name);
        return;
      }
    out = nullptr; // not a value of the enum: refused when read back rather than guessed
  }
  static bool read(const document& in, E& out, reader& r) {
    const auto noun = with_article(wire_enum<E>::noun);
    if (!in.is_string()) return expected(r, noun + " (a string)", in);
    const auto& s = in.get_ref<const std::string&>();
    for (const auto& [value, name] : wire_names<E>)
      if (name == s) {
        out = value;
        return true;
      }
    std::string names;
    for (const auto& [value, name] : wire_names<E>) names += (names.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    return r.fail("unknown " + std::string(wire_enum<E>::noun) + " " + quote(s) + "; expected one of " + names + ".");
  }
};

// ---- Ids --------------------------------------------------------------------------------------

/// Ids are strings on the wire: integer ids in canonical decimal ("42": no sign, leading zero,
/// space or exponent), so that JavaScript clients never round them through a double.
template <class Tag, class Rep>
struct id_codec {
  using id = basic_id<Tag, Rep>;

  static void write(const id& v, document& out) {
    if constexpr (std::integral<Rep>) out = std::to_string(v.value());
    else out = std::string(v.value().data(), v.value().size());
  }

  static bool read(const document& in, id& out, reader& r) {
    const auto noun = with_article(std::string(::isv::detail::noun<Tag>) + " id");
    if constexpr (std::integral<Rep>) {
      if (!in.is_string()) return expected(r, noun + " (a string of decimal digits such as \"42\")", in);
      const auto& s = in.get_ref<const std::string&>();
      Rep v{};
      const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
      if (ec == std::errc::result_out_of_range)
        return r.fail(noun + " must be from " + std::to_string(std::numeric_limits<Rep>::min()) + " to " +
                      std::to_string(std::numeric_limits<Rep>::max()) + "; " + quote(s) + " is out of range.");
      if (ec != std::errc{} || end != s.data() + s.size() || std::to_string(v) != s)
        return r.fail(noun + " must be written in decimal digits without sign, leading zeros or spaces (such as \"42\"); found " +
                      quote(s) + ".");
      out = id{v};
      return true;
    } else {
      if (!in.is_string()) return expected(r, noun + " (a string)", in);
      std::string_view s;
      if (!read_utf8_string(in, s, r, noun, max_id_bytes)) return false;
      if (s.empty()) return r.fail(noun + " must not be empty.");
      out = id{Rep(s.data(), s.size())};
      return true;
    }
  }
};

// ---- Parsing text -----------------------------------------------------------------------------

/// Thrown by parse_checker to stop the parser at the first array or object past the depth limit.
struct depth_exceeded {};

/// Watches the parser's events. Duplicate keys are refused: nlohmann::json would keep the last
/// silently, so {"quantity": 5, "quantity": -5} could pass a check that read the first and act on
/// the second. Nesting past the depth limit stops the parse at once (depth_exceeded): the tree
/// built so far is never deeper than the limit, so nothing that walks it recursively (a copy,
/// dump()) can run out of stack (D-LIMIT-1).
class parse_checker {
public:
  explicit parse_checker(std::size_t max_depth) noexcept : max_depth_(max_depth) {}

  bool operator()(int /*depth*/, document::parse_event_t event, document& parsed) {
    using event_t = document::parse_event_t;
    switch (event) {
      case event_t::object_start:
      case event_t::array_start:
        if (frames_.size() >= max_depth_) throw depth_exceeded{};
        element_started();
        frames_.push_back({event == event_t::array_start, 0, {}, {}});
        break;
      case event_t::object_end:
      case event_t::array_end:
        if (!frames_.empty()) frames_.pop_back();
        break;
      case event_t::key:
        if (!frames_.empty() && parsed.is_string()) {
          auto& top = frames_.back();
          top.key = parsed.get<std::string>();
          if (!top.keys.insert(top.key).second && !duplicate_) duplicate_ = pointer();
        }
        break;
      case event_t::value: element_started(); break;
    }
    return true;
  }

  /// The JSON Pointer of the first repeated key, if any.
  [[nodiscard]] const std::optional<std::string>& duplicate() const noexcept { return duplicate_; }

private:
  struct frame {
    bool array;
    std::size_t count;
    std::string key;
    std::set<std::string, std::less<>> keys;
  };
  void element_started() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().count;
  }
  [[nodiscard]] std::string pointer() const {
    std::string out;
    for (const auto& f : frames_) out += "/" + (f.array ? std::to_string(f.count - 1) : pointer_token(f.key));
    return out;
  }

  std::size_t max_depth_;
  std::vector<frame> frames_;
  std::optional<std::string> duplicate_;
};

/// nlohmann's description of a parse error without its echo of the input (which may be invalid UTF-8).
[[nodiscard]] inline std::string describe_parse_failure(std::string_view what) {
  if (const auto close = what.find("] "); what.starts_with("[json.exception.") && close != std::string_view::npos)
    what.remove_prefix(close + 2);
  if (const auto echo = what.find("; last read:"); echo != std::string_view::npos) what = what.substr(0, echo);
  std::string out;
  for (char c : what) out += (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) ? '?' : c;
  return out;
}

/// Parses JSON text (RFC 8259, UTF-8, no comments, no repeated keys) without throwing.
[[nodiscard]] inline result<document> parse(std::string_view text, parse_limits limits = {}) {
  // nlohmann's lexer takes a NUL byte for the end of the input and would ignore what follows it;
  // JSON allows none anywhere (in a string it is written \u0000).
  if (const auto nul = text.find('\0'); nul != std::string_view::npos)
    return fail(errc::invalid_argument, "The text is not valid JSON (at byte " + std::to_string(nul + 1) +
                                            "): it holds a NUL byte, which JSON allows nowhere (in a string, write \\u0000).");
  parse_checker finder(limits.max_depth);
  document doc;
  try {
    doc = document::parse(text.data(), text.data() + text.size(), std::ref(finder), true, false);
  } catch (const depth_exceeded&) {
    const auto limit = std::to_string(limits.max_depth);
    return fail(errc::limit_exceeded, "The text nests arrays and objects more than " + limit +
                                          " deep: the limit on nesting depth is " + limit + " (D-LIMIT-1).");
  } catch (const document::parse_error& e) {
    return fail(errc::invalid_argument,
                "The text is not valid JSON (at byte " + std::to_string(e.byte) + "): " + describe_parse_failure(e.what()) + ".");
  } catch (const document::out_of_range& e) {
    // 406: a number past a double's range ("1e400"); JSON lets a reader limit the range of numbers.
    if (e.id != 406) return fail(errc::invalid_argument, "The text is not valid JSON: " + describe_parse_failure(e.what()) + ".");
    std::string_view number = e.what();
    const auto open = number.find('\'');
    const auto close = number.rfind('\'');
    number = open < close ? number.substr(open + 1, close - open - 1) : std::string_view{};
    const std::string shown = number.size() <= 32 ? std::string(number) : std::string(number.substr(0, 32)) + "...";
    return fail(errc::invalid_argument, "The text holds a number too large to represent (" + describe_parse_failure(shown) +
                                            "): JSON numbers here must fit in a double, whole ones in 64 bits.");
  } catch (const document::exception& e) {
    return fail(errc::invalid_argument, "The text is not valid JSON: " + describe_parse_failure(e.what()) + ".");
  }
  if (const auto& key = finder.duplicate())
    return fail(errc::invalid_argument,
                "Invalid JSON at \"" + *key + "\": the field appears more than once in its object; write each field once.");
  return doc;
}

/// The JSON Pointer of the first string or key that is not UTF-8 (nlohmann refuses to write it).
[[nodiscard]] inline std::optional<std::string> find_invalid_utf8(const document& j, const std::string& here = {}) {
  if (j.is_string()) return is_valid_utf8(j.get_ref<const std::string&>()) ? std::nullopt : std::optional(here);
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i)
      if (auto found = find_invalid_utf8(j[i], here + "/" + std::to_string(i))) return found;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (!is_valid_utf8(it.key())) return here + "/(a field name that is not valid UTF-8)";
      if (auto found = find_invalid_utf8(it.value(), here + "/" + pointer_token(it.key()))) return found;
    }
  }
  return std::nullopt;
}

} // namespace detail
} // namespace isv::json
