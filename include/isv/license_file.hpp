// The license file's text: the statement it signs (D-SIGN-1), its canonical JSON, and the frame around payload, key id and signature; no cryptography (that is isv/signing/).
#pragma once

#include "isv/detail/base64.hpp"
#include "isv/detail/calendar.hpp"
#include "isv/detail/fields.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/id.hpp"
#include "isv/operations/access.hpp"
#include "isv/traits.hpp"

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <algorithm>
#include <charconv>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

// docs/license-file.md describes the format for other implementations; the code here is its
// reference. A license file is:
//
//   -----BEGIN ISV LICENSE-----
//   <the payload in base64, in lines of 64 characters, the last one shorter>
//   Key-Id: <the key id>
//   Signature: <the Ed25519 signature of the payload's bytes, in base64>
//   -----END ISV LICENSE-----
//
// each line ended by one LF. The payload is the statement as canonical JSON: one flat object, its
// keys sorted, no whitespace, strings escaping only '"', '\' and control characters (as \u00XX),
// integers in shortest decimal form. Exactly one text is the file of a given statement and
// signature: a reader refuses any other, so that no byte of a file can change and still verify.
namespace isv {

/// The format version this library writes and reads.
inline constexpr std::int64_t license_file_format = 1;

/// What a license file grants: one user's license, or the tenant's seats (a site license).
BOOST_DEFINE_ENUM_CLASS(license_scope,
    user,                    ///< one user who holds a license of the subscription
    site                     ///< the subscription's seat count for the whole tenant
)

/// D-SIGN-1: what a license file says, every field of it signed. The JSON keys are the field names.
template <licensing_traits Traits>
struct basic_license_statement {
  using traits_type = Traits;
  using time_point = typename Traits::time_point;

  std::int64_t format = license_file_format;
  std::string key_id{};               ///< the key that signed it; the frame names it too
  tenant_id_t<Traits> tenant{};
  subscription_id_t<Traits> subscription{};
  app_id_t<Traits> app{};
  plan_id_t<Traits> plan{};
  license_scope scope = license_scope::user;
  std::optional<user_id_t<Traits>> user{}; ///< scope user: who may use the app
  std::optional<count_t> seats{};          ///< scope site: the seats bought; none: unlimited (a flat rate)
  access_state status = access_state::active; ///< active, or warning (suspended, within its grace) when issued
  time_point issued_at{};
  time_point expires_at{};

  ISV_RECORD(basic_license_statement,
             (format, key_id, tenant, subscription, app, plan, scope, user, seats, status, issued_at, expires_at))
};

using license_statement = basic_license_statement<default_traits>;

/// Bounds on what a license file reader takes (D-LIMIT-1).
inline constexpr std::size_t license_file_max_bytes = 16 * 1024;
inline constexpr std::size_t license_key_id_max_bytes = 64;
inline constexpr std::size_t license_payload_line = 64; ///< characters of base64 per payload line

inline constexpr std::string_view license_file_begin = "-----BEGIN ISV LICENSE-----";
inline constexpr std::string_view license_file_end = "-----END ISV LICENSE-----";
inline constexpr std::string_view license_key_id_label = "Key-Id: ";
inline constexpr std::string_view license_signature_label = "Signature: ";

/// Whether `id` may name a signing key: 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-', so
/// that it reads the same in the frame, in JSON and on a command line.
[[nodiscard]] constexpr bool valid_key_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > license_key_id_max_bytes) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  });
}

/// A license file taken apart, before its signature is checked: nothing here is trusted yet.
struct license_file_parts {
  std::string payload{};                ///< the signed bytes: the statement's canonical JSON
  std::string key_id{};                 ///< as the Key-Id line names it
  std::vector<unsigned char> signature{};
};

namespace detail {


/// An id's representation in a license file: an integer, or a string.
template <class Rep>
concept license_id_rep = std::integral<Rep> || (std::convertible_to<const Rep&, std::string_view> &&
                                                 std::constructible_from<Rep, std::string_view>);

inline void write_json_string(std::string_view s, std::string& out) {
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      constexpr std::string_view hex = "0123456789abcdef";
      out += "\\u00";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 15U]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

template <class T>
void write_statement_value(const T& v, std::string& out) {
  if constexpr (is_std_optional<T>) {
    if (v) write_statement_value(*v, out);
    else out += "null";
  } else if constexpr (is_id<T>) {
    static_assert(license_id_rep<typename T::rep_type>, "license files write ids as integers or strings");
    write_statement_value(v.value(), out);
  } else if constexpr (described_enum<T>) {
    write_json_string(to_string(v), out);
  } else if constexpr (std::same_as<T, bool>) {
    out += v ? "true" : "false";
  } else if constexpr (std::integral<T>) {
    out += std::to_string(v);
  } else if constexpr (std::convertible_to<const T&, std::string_view>) {
    write_json_string(std::string_view(v), out);
  } else {
    write_json_string(format_time(v), out); // a time point
  }
}

/// One value of the flat object a payload holds: a string, an integer's digits, or null.
struct flat_value {
  enum class kind { string, number, null } what = kind::null;
  std::string text{};
};

/// Reads the flat JSON object of a payload into its keys and values; nothing when it is not one.
/// Canonical form is checked afterwards, by writing the statement again.
[[nodiscard]] inline std::optional<std::map<std::string, flat_value, std::less<>>> read_flat_object(std::string_view s) {
  std::map<std::string, flat_value, std::less<>> out;
  std::size_t i = 0;
  const auto at = [&](char c) { return i < s.size() && s[i] == c; };
  const auto read_string = [&](std::string& into) -> bool {
    if (!at('"')) return false;
    ++i;
    while (i < s.size() && s[i] != '"') {
      const auto u = static_cast<unsigned char>(s[i]);
      if (u < 0x20) return false;
      if (s[i] != '\\') {
        into.push_back(s[i++]);
        continue;
      }
      if (++i >= s.size()) return false;
      const char e = s[i++];
      if (e == '"' || e == '\\') {
        into.push_back(e);
      } else if (e == 'u') {
        if (s.size() - i < 4 || s.substr(i, 2) != "00") return false; // only control characters are escaped
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(s.data() + i + 2, s.data() + i + 4, value, 16);
        if (ec != std::errc{} || end != s.data() + i + 4 || value >= 0x20) return false;
        into.push_back(static_cast<char>(value));
        i += 4;
      } else {
        return false;
      }
    }
    if (!at('"')) return false;
    ++i;
    return true;
  };
  if (!at('{')) return std::nullopt;
  ++i;
  if (at('}')) return i + 1 == s.size() ? std::optional(std::move(out)) : std::nullopt;
  while (true) {
    std::string key;
    if (!read_string(key) || !at(':')) return std::nullopt;
    ++i;
    flat_value v;
    if (at('"')) {
      v.what = flat_value::kind::string;
      if (!read_string(v.text)) return std::nullopt;
    } else if (s.substr(i, 4) == "null") {
      i += 4;
    } else {
      v.what = flat_value::kind::number;
      const std::size_t start = i;
      if (at('-')) ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start || (i == start + 1 && s[start] == '-')) return std::nullopt;
      v.text = std::string(s.substr(start, i - start));
    }
    if (!out.emplace(std::move(key), std::move(v)).second) return std::nullopt; // a key twice
    if (at(',')) {
      ++i;
      continue;
    }
    if (!at('}')) return std::nullopt;
    return i + 1 == s.size() ? std::optional(std::move(out)) : std::nullopt;
  }
}

template <class T>
[[nodiscard]] bool read_statement_value(const flat_value& in, T& out) {
  using kind = flat_value::kind;
  if constexpr (is_std_optional<T>) {
    if (in.what == kind::null) {
      out.reset();
      return true;
    }
    typename T::value_type v{};
    if (!read_statement_value(in, v)) return false;
    out = std::move(v);
    return true;
  } else if constexpr (is_id<T>) {
    typename T::rep_type rep{};
    if (!read_statement_value(in, rep)) return false;
    out = T{std::move(rep)};
    return true;
  } else if constexpr (described_enum<T>) {
    if (in.what != kind::string) return false;
    const auto v = from_string<T>(in.text);
    if (!v) return false;
    out = *v;
    return true;
  } else if constexpr (std::integral<T> && !std::same_as<T, bool>) {
    if (in.what != kind::number) return false;
    const auto [end, ec] = std::from_chars(in.text.data(), in.text.data() + in.text.size(), out);
    return ec == std::errc{} && end == in.text.data() + in.text.size();
  } else if constexpr (std::convertible_to<const T&, std::string_view> && std::constructible_from<T, std::string_view>) {
    if (in.what != kind::string) return false;
    out = T(std::string_view(in.text));
    return true;
  } else {
    if (in.what != kind::string) return false;
    std::chrono::sys_seconds t{};
    if (parse_time(in.text, t) != time_text::ok) return false;
    out = std::chrono::time_point_cast<typename T::duration>(t);
    return true;
  }
}

} // namespace detail

/// The payload of a statement: its canonical JSON (keys sorted, no whitespace), the bytes a key signs.
template <licensing_traits Traits>
[[nodiscard]] std::string license_payload(const basic_license_statement<Traits>& statement) {
  using described = boost::describe::describe_members<basic_license_statement<Traits>, boost::describe::mod_public>;
  std::vector<std::pair<std::string_view, std::string>> fields;
  boost::mp11::mp_for_each<described>([&](auto d) {
    std::string value;
    detail::write_statement_value(statement.*d.pointer, value);
    fields.emplace_back(d.name, std::move(value));
  });
  std::sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out.push_back(',');
    detail::write_json_string(name, out);
    out.push_back(':');
    out += value;
  }
  out.push_back('}');
  return out;
}

/// The statement a payload holds: license_malformed when it is not the canonical JSON of a statement
/// (a field missing, unknown or of the wrong type, another spelling of the same values), and
/// license_format_unknown when it says a format version other than license_file_format. Reading
/// a payload trusts nothing: the signature over it is checked by the verifier (isv/signing/verify.hpp).
template <licensing_traits Traits>
[[nodiscard]] result<basic_license_statement<Traits>> read_license_payload(std::string_view payload) {
  const auto malformed = [](const std::string& why) {
    return fail(errc::license_malformed, "The license file's statement " + why + ".");
  };
  const auto object = detail::read_flat_object(payload);
  if (!object) return malformed("is not a flat JSON object of strings, integers and nulls");
  if (const auto f = object->find("format"); f != object->end()) {
    std::int64_t format = 0;
    if (!detail::read_statement_value(f->second, format)) return malformed("has a format that is not an integer");
    if (format != license_file_format)
      return fail(errc::license_format_unknown, "The license file is of format " + std::to_string(format) +
                                                    "; this verifier reads format " + std::to_string(license_file_format) +
                                                    ". Update the app, or issue a file of format " +
                                                    std::to_string(license_file_format) + ".");
  }
  basic_license_statement<Traits> out{};
  std::string problem;
  std::size_t known = 0;
  using described = boost::describe::describe_members<basic_license_statement<Traits>, boost::describe::mod_public>;
  boost::mp11::mp_for_each<described>([&](auto d) {
    if (!problem.empty()) return;
    const auto f = object->find(std::string_view(d.name));
    if (f == object->end()) {
      problem = std::string("lacks the field \"") + d.name + "\"";
      return;
    }
    ++known;
    if (!detail::read_statement_value(f->second, out.*d.pointer))
      problem = std::string("has a field \"") + d.name + "\" that is not a valid value";
  });
  if (!problem.empty()) return malformed(problem);
  if (known != object->size()) return malformed("has fields that format " + std::to_string(license_file_format) + " does not know");
  if (license_payload(out) != payload)
    return malformed("is not in canonical form (keys sorted, no whitespace, one spelling of each value)");
  if (!valid_key_id(out.key_id)) return malformed("names a key id that no key may have");
  if ((out.scope == license_scope::user) != out.user.has_value() || (out.scope == license_scope::user && out.seats))
    return malformed("names a user exactly when its scope is not \"user\", or seats for a user");
  if (out.status != access_state::active && out.status != access_state::warning)
    return malformed("has a status that allows no use");
  if (out.expires_at < out.issued_at) return malformed("expires before it was issued");
  return out;
}

/// The text of a license file: the frame around the payload, the key id and the signature.
[[nodiscard]] inline std::string compose_license_file(std::string_view payload, std::string_view key_id,
                                                      std::span<const unsigned char> signature) {
  const std::string body = detail::base64_encode(payload);
  std::string out;
  out.reserve(body.size() + body.size() / license_payload_line + 200);
  out += license_file_begin;
  out.push_back('\n');
  for (std::size_t i = 0; i < body.size(); i += license_payload_line) {
    out += std::string_view(body).substr(i, license_payload_line);
    out.push_back('\n');
  }
  out += license_key_id_label;
  out += key_id;
  out.push_back('\n');
  out += license_signature_label;
  out += detail::base64_encode(signature);
  out.push_back('\n');
  out += license_file_end;
  out.push_back('\n');
  return out;
}

/// Takes a license file's text apart; limit_exceeded past license_file_max_bytes, license_malformed
/// when it is not exactly the text compose_license_file writes for some payload, key id and
/// signature (a line added, moved, cut or re-wrapped, CR line ends, text around the frame).
[[nodiscard]] inline result<license_file_parts> parse_license_file(std::string_view text) {
  if (text.size() > license_file_max_bytes)
    return fail(errc::limit_exceeded, "The license file is " + std::to_string(text.size()) + " bytes; a license file is at most " +
                                          std::to_string(license_file_max_bytes) + " bytes.");
  const auto malformed = [](const std::string& why) {
    return fail(errc::license_malformed, "This is not a license file: " + why + ".");
  };
  if (text.empty() || text.back() != '\n') return malformed("its last line does not end with a line feed");
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  if (lines.size() < 5) return malformed("it has " + std::to_string(lines.size()) + " lines, and a license file has at least 5");
  if (lines.front() != license_file_begin)
    return malformed("its first line is not \"" + std::string(license_file_begin) + "\"");
  if (lines.back() != license_file_end) return malformed("its last line is not \"" + std::string(license_file_end) + "\"");
  const std::string_view key_line = lines[lines.size() - 3];
  const std::string_view signature_line = lines[lines.size() - 2];
  if (!key_line.starts_with(license_key_id_label)) return malformed("the line before the signature is not the Key-Id line");
  if (!signature_line.starts_with(license_signature_label)) return malformed("the line before the end is not the Signature line");
  license_file_parts out;
  out.key_id = std::string(key_line.substr(license_key_id_label.size()));
  if (!valid_key_id(out.key_id))
    return malformed("the Key-Id line names no valid key id (1 to 64 of A-Z, a-z, 0-9, '.', '_', '-')");
  std::string body;
  const std::size_t payload_lines = lines.size() - 4;
  for (std::size_t i = 1; i <= payload_lines; ++i) {
    const bool last = i == payload_lines;
    if (lines[i].empty() || lines[i].size() > license_payload_line || (!last && lines[i].size() != license_payload_line))
      return malformed("payload line " + std::to_string(i) + " is not 64 characters (only the last may be shorter)");
    body += lines[i];
  }
  auto payload = detail::base64_decode(body);
  if (!payload) return malformed("the payload is not base64 (RFC 4648, padded, no stray bits)");
  out.payload.assign(payload->begin(), payload->end());
  auto signature = detail::base64_decode(signature_line.substr(license_signature_label.size()));
  if (!signature) return malformed("the signature is not base64 (RFC 4648, padded, no stray bits)");
  out.signature = std::move(*signature);
  return out;
}

} // namespace isv
