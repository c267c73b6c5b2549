// Optional JSON wire format (needs nlohmann/json): isv::json::encode, and strict isv::json::decode of every entity, command, event and error.
#pragma once

// Included on purpose by programs that speak JSON; the core never includes this header, so the
// core compiles without nlohmann/json. The format is described in docs/wire-format.md.

#include "isv/error.hpp"
#include "isv/json/codecs.hpp"
#include "isv/json/support.hpp"

#include <nlohmann/json.hpp>

#include <concepts>
#include <string>
#include <string_view>
#include <type_traits>

namespace isv::json {

/// An isv::error read from JSON. decode<isv::error> cannot return result<isv::error>: Outcome does
/// not support a result whose value and failure have the same type, so the value is wrapped.
struct decoded_error {
  ::isv::error error{};
  friend bool operator==(const decoded_error&, const decoded_error&) = default;
};

template <>
struct codec<decoded_error> {
  static void write(const decoded_error& v, detail::document& out) { codec<::isv::error>::write(v.error, out); }
  static bool read(const detail::document& in, decoded_error& out, detail::reader& r) {
    return codec<::isv::error>::read(in, out.error, r);
  }
};

/// The types with a wire format: the library's entities, commands, events and isv::error (for
/// every traits type meeting json_traits), and std::vector of any of them.
template <class T>
concept encodable = requires(const T& v, detail::document& out) { codec<T>::write(v, out); };

/// What decode<T> yields: T itself, except decoded_error for isv::error.
template <class T>
using decoded_t = std::conditional_t<std::same_as<T, ::isv::error>, decoded_error, T>;

/// The JSON of a value. Never fails: every value has a form. Strings are copied as they are, so a
/// string that is not UTF-8 makes nlohmann's dump() throw; encode_text() reports that instead.
template <encodable T>
[[nodiscard]] nlohmann::json encode(const T& value) {
  nlohmann::json out;
  codec<T>::write(value, out);
  return out;
}

/// The JSON text of a value, or an error naming the first string that is not valid UTF-8.
template <encodable T>
[[nodiscard]] result<std::string> encode_text(const T& value) {
  const auto doc = encode(value);
  try {
    return doc.dump();
  } catch (const nlohmann::json::exception&) {
    const auto where = detail::find_invalid_utf8(doc);
    return fail(errc::invalid_argument, "Cannot write JSON at \"" + where.value_or("") +
                                            "\": the string is not valid UTF-8; only UTF-8 text can be written.");
  }
}

/// Reads a T from a JSON value, strictly (D-ERR-1): an unknown or missing field, a wrong type, a
/// number out of range or with a fraction, a quantity that is not positive (D-QTY-4), an unknown
/// enum name, text that is not UTF-8 or is too long, a malformed time, currency or id: each is an
/// errc::invalid_argument whose message names the JSON Pointer of the fault, as in
/// `Invalid JSON at "/users/3": ...`. No exception escapes (but std::bad_alloc), and a failure
/// returns no value at all, never a half-read one.
template <encodable T, std::same_as<nlohmann::json> Json>
[[nodiscard]] result<decoded_t<T>> decode(const Json& in) {
  using value_type = decoded_t<T>;
  detail::reader r;
  value_type out{};
  try {
    if (codec<value_type>::read(in, out, r)) return out;
  } catch (const nlohmann::json::exception& e) {
    // Every access is checked first, so this is a defect of the codec; still a refusal, not a crash.
    (void)r.fail("the value could not be read: " + detail::describe_parse_failure(e.what()) + ".");
  }
  return r.take_error();
}

/// Parses JSON text strictly, without reading it as any type: for a document whose parts are
/// decoded one by one (an envelope whose "args" depend on its "command"). Text that is not JSON
/// (RFC 8259: no comments, nothing after the value, no NUL byte), not UTF-8, holds a number too
/// large for a double, or repeats a key in an object is refused with an errc::invalid_argument
/// saying where. Arrays and objects nested deeper than `limits.max_depth` are refused with
/// errc::limit_exceeded while the text is parsed, before a deep tree exists (D-LIMIT-1).
[[nodiscard]] inline result<nlohmann::json> parse(std::string_view text, parse_limits limits = {}) {
  return detail::parse(text, limits);
}

/// Parses JSON text, then reads a T from it as decode(const nlohmann::json&) does. Text that is
/// not JSON, not UTF-8, nested too deep, or repeats a key in an object is refused as parse() refuses it.
template <encodable T>
[[nodiscard]] result<decoded_t<T>> decode(std::string_view text, parse_limits limits = {}) {
  BOOST_OUTCOME_TRY(auto doc, detail::parse(text, limits));
  return decode<T>(doc);
}

} // namespace isv::json
