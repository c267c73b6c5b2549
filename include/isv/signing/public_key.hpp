// ed25519_public_key: a publisher's Ed25519 public key, read from and written as PEM (SubjectPublicKeyInfo, as `openssl pkey -pubin` reads it); on libsodium.
#pragma once

#include "isv/detail/base64.hpp"
#include "isv/error.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isv {

namespace detail {

/// libsodium is ready (sodium_init, which is safe to call from any thread, any number of times).
[[nodiscard]] inline result<void> sodium_ready() {
  static const bool ready = sodium_init() >= 0;
  if (!ready) return fail(errc::storage_fault, "libsodium could not initialize (sodium_init failed): no key can be used.");
  return result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
}

/// The DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) up to the key's 32 bytes.
inline constexpr std::array<unsigned char, 12> ed25519_spki_prefix{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                                  0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

/// PEM text: the label's BEGIN line, the DER in base64 lines of 64, the END line.
[[nodiscard]] inline std::string pem_encode(std::string_view label, std::span<const unsigned char> der) {
  const std::string body = base64_encode(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t i = 0; i < body.size(); i += 64) {
    out += std::string_view(body).substr(i, 64);
    out.push_back('\n');
  }
  out += "-----END " + std::string(label) + "-----\n";
  sodium_memzero(const_cast<char*>(body.data()), body.size()); // the text of a private key, too
  return out;
}

/// The DER inside PEM text with `label`; lines may end in CR LF; text around the block is refused.
[[nodiscard]] inline result<std::vector<unsigned char>> pem_decode(std::string_view text, std::string_view label) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) stop = text.size();
    std::string_view line = text.substr(start, stop - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    start = stop + 1;
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  if (lines.size() < 3 || lines.front() != begin || lines.back() != end)
    return fail(errc::invalid_argument, "Not a PEM \"" + std::string(label) + "\" block: it must start with \"" + begin +
                                            "\" and end with \"" + end + "\", with nothing around them.");
  std::string body;
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) body += lines[i];
  auto der = base64_decode(body);
  if (!der) return fail(errc::invalid_argument, "The PEM \"" + std::string(label) + "\" block does not hold base64.");
  return std::move(*der);
}

} // namespace detail

/// A publisher's Ed25519 public key: what a verifier needs, and all it needs (D-SIGN-1).
class ed25519_public_key {
public:
  static constexpr std::size_t size = crypto_sign_PUBLICKEYBYTES;

  /// The key of 32 bytes (RFC 8032's encoding); invalid_argument when they name no point of the
  /// curve's main subgroup (no key any signer could hold).
  [[nodiscard]] static result<ed25519_public_key> from_bytes(std::span<const unsigned char> bytes) {
    BOOST_OUTCOME_TRY(detail::sodium_ready());
    if (bytes.size() != size)
      return fail(errc::invalid_argument, "An Ed25519 public key is 32 bytes, not " + std::to_string(bytes.size()) + ".");
    if (crypto_core_ed25519_is_valid_point(bytes.data()) != 1)
      return fail(errc::invalid_argument, "These 32 bytes are not an Ed25519 public key (not a point of the curve's main subgroup).");
    ed25519_public_key out;
    std::copy(bytes.begin(), bytes.end(), out.bytes_.begin());
    return out;
  }

  /// Reads "-----BEGIN PUBLIC KEY-----" PEM holding an Ed25519 SubjectPublicKeyInfo (RFC 8410), as
  /// `openssl pkey -pubout` writes it.
  [[nodiscard]] static result<ed25519_public_key> from_pem(std::string_view pem) {
    BOOST_OUTCOME_TRY(auto der, detail::pem_decode(pem, "PUBLIC KEY"));
    const auto& prefix = detail::ed25519_spki_prefix;
    if (der.size() != prefix.size() + size || !std::equal(prefix.begin(), prefix.end(), der.begin()))
      return fail(errc::invalid_argument, "The PEM public key is not an Ed25519 key (RFC 8410 SubjectPublicKeyInfo of 44 bytes).");
    return from_bytes(std::span(der).subspan(prefix.size()));
  }

  /// "-----BEGIN PUBLIC KEY-----" PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify -pubin`.
  [[nodiscard]] std::string to_pem() const {
    std::array<unsigned char, detail::ed25519_spki_prefix.size() + size> der{};
    std::copy(detail::ed25519_spki_prefix.begin(), detail::ed25519_spki_prefix.end(), der.begin());
    std::copy(bytes_.begin(), bytes_.end(), der.begin() + detail::ed25519_spki_prefix.size());
    return detail::pem_encode("PUBLIC KEY", der);
  }

  [[nodiscard]] const std::array<unsigned char, size>& bytes() const noexcept { return bytes_; }
  /// Equal keys; compared in constant time (sodium_memcmp), as every comparison of key material here is.
  friend bool operator==(const ed25519_public_key& a, const ed25519_public_key& b) noexcept {
    return sodium_memcmp(a.bytes_.data(), b.bytes_.data(), size) == 0;
  }

private:
  ed25519_public_key() = default;
  std::array<unsigned char, size> bytes_{};
};

} // namespace isv
