// basic_license_verifier: what an app includes to check a license file offline, with the publisher's public keys by key id and its own clock (D-SIGN-1, D-SIGN-2); needs libsodium and nothing of the storage or JSON.
#pragma once

#include "isv/error.hpp"
#include "isv/license_file.hpp"
#include "isv/signing/public_key.hpp"
#include "isv/traits.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace isv {

namespace detail {

/// Whether 64 bytes can be an Ed25519 signature at all (RFC 8032, 5.1.7): R a point of the main
/// subgroup, S below the group's order L. A signature that is not is no one's, whatever was signed.
[[nodiscard]] inline bool well_formed_ed25519_signature(std::span<const unsigned char> sig) {
  if (sig.size() != crypto_sign_BYTES) return false;
  // L = 2^252 + 27742317777372353535851937790883648493, little-endian.
  static constexpr std::array<unsigned char, 32> order{0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                                       0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10};
  bool below = false;
  for (std::size_t i = order.size(); i-- > 0;) {
    const unsigned char s = sig[32 + i];
    if (s != order[i]) {
      below = s < order[i];
      break;
    }
  }
  return below && crypto_core_ed25519_is_valid_point(sig.data()) == 1;
}

} // namespace detail

/// Checks license files with the publisher's public keys, each under its key id (so that keys can
/// rotate: a new key signs new files while files of the old one still verify), at the verifier's
/// own clock with a stated leeway for clocks that disagree. Only public keys: nothing it holds is secret.
template <licensing_traits Traits>
class basic_license_verifier {
public:
  using time_point = typename Traits::time_point;
  using statement = basic_license_statement<Traits>;

  /// A verifier whose files stay valid until `leeway` after their expiry (5 minutes unless said).
  explicit basic_license_verifier(std::chrono::seconds leeway = std::chrono::minutes{5}) : leeway_(leeway) {}

  [[nodiscard]] std::chrono::seconds leeway() const noexcept { return leeway_; }

  /// Trusts `key` for files naming `key_id`; invalid_argument for an id no key may have, already_exists
  /// for an id that names another key already.
  [[nodiscard]] result<void> add_key(std::string_view key_id, const ed25519_public_key& key) {
    if (!valid_key_id(key_id))
      return fail(errc::invalid_argument, "\"" + std::string(key_id) + "\" is not a key id: 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.");
    const auto [at, added] = keys_.emplace(std::string(key_id), key);
    if (!added && !(at->second == key))
      return fail(errc::already_exists, "The key id \"" + std::string(key_id) + "\" names another key already.");
    return result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
  }
  /// The same, with the key as PEM (SubjectPublicKeyInfo), as an app embeds it.
  [[nodiscard]] result<void> add_key(std::string_view key_id, std::string_view pem) {
    BOOST_OUTCOME_TRY(const auto key, ed25519_public_key::from_pem(pem));
    return add_key(key_id, key);
  }

  /// The statement of a license file, if it is one this verifier trusts and it has not expired at
  /// `now`. The refusals, in the order they are checked (D-SIGN-2):
  /// - limit_exceeded: longer than license_file_max_bytes;
  /// - license_malformed: not the frame of a license file, or a signed statement that is not one;
  /// - license_key_unknown: the Key-Id line names no key this verifier holds;
  /// - license_signature_invalid: the signature field holds no Ed25519 signature at all;
  /// - license_tampered: the signature does not match the payload's bytes: a byte of the payload or
  ///   the signature changed (or another key signed it under this id);
  /// - license_format_unknown: a signed statement of another format version;
  /// - license_expired: `now` is past expires_at plus the leeway.
  /// Nothing outside the signed bytes is trusted: the statement read is the payload's, and a Key-Id
  /// line that differs from the key id inside it is a tampered file.
  [[nodiscard]] result<statement> verify(std::string_view file, const time_point& now) const {
    if (leeway_ < std::chrono::seconds::zero())
      return fail(errc::invalid_argument, "The verifier's leeway is negative (" + std::to_string(leeway_.count()) + " s).");
    BOOST_OUTCOME_TRY(detail::sodium_ready());
    BOOST_OUTCOME_TRY(const auto parts, parse_license_file(file));
    const auto key = keys_.find(parts.key_id);
    if (key == keys_.end())
      return fail(errc::license_key_unknown, "The license file is signed with the key \"" + parts.key_id +
                                                 "\", which this verifier does not hold" + known_ids() + ".");
    if (!detail::well_formed_ed25519_signature(parts.signature))
      return fail(errc::license_signature_invalid,
                  "The license file's signature is not an Ed25519 signature (64 bytes, a valid point and scalar): it was "
                  "damaged or never signed.");
    const auto* bytes = reinterpret_cast<const unsigned char*>(parts.payload.data());
    if (crypto_sign_verify_detached(parts.signature.data(), bytes, parts.payload.size(), key->second.bytes().data()) != 0)
      return fail(errc::license_tampered, "The license file's statement does not match its signature by the key \"" + parts.key_id +
                                              "\": it was changed after it was signed. Ask the publisher for a new file.");
    BOOST_OUTCOME_TRY(auto said, read_license_payload<Traits>(parts.payload));
    if (said.key_id != parts.key_id)
      return fail(errc::license_tampered, "The license file's Key-Id line names \"" + parts.key_id + "\" but its statement was signed as \"" +
                                              said.key_id + "\": the file was changed after it was signed.");
    if (now > said.expires_at + leeway_)
      return fail(errc::license_expired, "The license file expired at " + detail::format_time(said.expires_at) + " (with a leeway of " +
                                             std::to_string(leeway_.count()) + " s, it is now " + detail::format_time(now) +
                                             "). Ask the publisher for a new file.");
    return said;
  }

private:
  [[nodiscard]] std::string known_ids() const {
    if (keys_.empty()) return " (it holds no keys)";
    std::string out = " (it holds ";
    for (const auto& [id, key] : keys_) out += (out.size() > 11 ? ", \"" : "\"") + id + "\"";
    return out + ")";
  }

  std::chrono::seconds leeway_;
  std::map<std::string, ed25519_public_key, std::less<>> keys_{};
};

using license_verifier = basic_license_verifier<default_traits>;

} // namespace isv
