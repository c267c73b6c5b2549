// The idempotency fingerprint (the service's; isv::detail, not for callers): a canonical byte serialization of commands and a stable 64-bit FNV-1a hash of it, the fingerprint that binds an idempotency key to one request (D-IDEM-1).
#pragma once

#include "isv/detail/fields.hpp"

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <vector>

// The fingerprint is stored next to an idempotency key and compared by every process that shares
// the store, so it must not depend on the platform: integers are written as 8 little-endian bytes,
// strings and lists with their length first, optionals with a presence byte, and a record's fields
// in declaration order, as its description lists them (detail/fields.hpp). Never std::hash (it
// differs between standard libraries and runs).
//
// Fields added to a record after release 0.1.0 (ISV_ADDED_AFTER_0_1) must not change the
// fingerprint of a command 0.1.0 could send, or a retry after an upgrade would be refused as a
// different request: a command whose added fields all hold a new record's values is fingerprinted
// as 0.1.0 did it ("isv-fingerprint-1", without them). Any other is fingerprinted with every field
// of every record under "isv-fingerprint-2". The choice is the whole command's, as in the stored
// format: leaving out one record's defaulted field while writing another's would let two commands
// inside a list give the same bytes (D-IDEM-1).
namespace isv::detail {

class fingerprint_builder {
public:
  /// with_added_fields: whether the fields added after release 0.1.0 are written.
  explicit fingerprint_builder(bool with_added_fields = false) noexcept : with_added_fields_(with_added_fields) {}

  static constexpr std::uint64_t offset_basis = 14695981039346656037ULL;
  static constexpr std::uint64_t prime = 1099511628211ULL;

  void bytes(const unsigned char* data, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
      hash_ ^= data[i];
      hash_ *= prime;
    }
  }
  void u64(std::uint64_t v) noexcept {
    unsigned char buf[8];
    for (unsigned char& b : buf) {
      b = static_cast<unsigned char>(v & 0xffU);
      v >>= 8;
    }
    bytes(buf, sizeof buf);
  }
  void text(std::string_view s) noexcept {
    u64(s.size());
    bytes(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  }

  template <class V>
  void add(const V& v) {
    if constexpr (std::same_as<V, bool>) {
      const unsigned char b = v ? 1 : 0;
      bytes(&b, 1);
    } else if constexpr (std::is_enum_v<V>) {
      u64(static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
    } else if constexpr (std::integral<V>) {
      u64(static_cast<std::uint64_t>(v));
    } else if constexpr (std::convertible_to<const V&, std::string_view>) {
      text(std::string_view(v));
    } else if constexpr (requires { typename V::tag_type; v.value(); }) {
      add(v.value()); // a basic_id
    } else if constexpr (requires { v.minor_units; v.unit.code(); }) {
      add(v.minor_units);
      text(v.unit.code());
    } else if constexpr (requires { v.time_since_epoch(); }) {
      add(static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(v.time_since_epoch()).count()));
    } else if constexpr (requires { v.has_value(); *v; }) {
      add(v.has_value());
      if (v) add(*v);
    } else if constexpr (requires { v.begin(); v.end(); v.size(); }) {
      u64(static_cast<std::uint64_t>(v.size()));
      for (const auto& item : v) add(item);
    } else {
      for_each_field_noting_added(v, [this](std::string_view, const auto& field, auto added) {
        if (!added || with_added_fields_) this->add(field);
      });
    }
  }

  [[nodiscard]] std::uint64_t value() const noexcept { return hash_; }

private:
  bool with_added_fields_;
  std::uint64_t hash_ = offset_basis;
};

/// The fingerprint of one request: the format version, the operation's name, who asks (empty for
/// the platform), and the command. The time of the call is left out on purpose: a retry comes later.
template <class UserId, class Command>
[[nodiscard]] std::uint64_t fingerprint(std::string_view operation, const std::optional<UserId>& acting, const Command& cmd) {
  const bool as_0_1 = added_fields_hold_defaults(cmd);
  fingerprint_builder b(!as_0_1);
  b.text(as_0_1 ? "isv-fingerprint-1" : "isv-fingerprint-2");
  b.text(operation);
  b.add(acting);
  b.add(cmd);
  return b.value();
}

/// The fingerprint of a request under the operation name its command type carries (Command::operation_name).
template <class UserId, class Command>
  requires requires { Command::operation_name; }
[[nodiscard]] std::uint64_t fingerprint(const std::optional<UserId>& acting, const Command& cmd) {
  return fingerprint(std::string_view(Command::operation_name), acting, cmd);
}

} // namespace isv::detail
