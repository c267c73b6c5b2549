// ed25519_key_pair: a publisher's Ed25519 signing key: generated, loaded and saved (PKCS#8 PEM, mode 0600), never printed; it signs license payloads.
#pragma once

#include "isv/error.hpp"
#include "isv/signing/public_key.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace isv {

/// A publisher's signing key and its public key. The secret never leaves this object except into
/// the key file save() writes: it has no operator<<, no to_string and no accessor, is wiped when the
/// object goes, and is moved, never copied.
class ed25519_key_pair {
public:
  static constexpr std::size_t seed_size = crypto_sign_SEEDBYTES;
  static constexpr std::size_t signature_size = crypto_sign_BYTES;
  using signature = std::array<unsigned char, signature_size>;

  /// A new key pair from the operating system's randomness.
  [[nodiscard]] static result<ed25519_key_pair> generate() {
    BOOST_OUTCOME_TRY(detail::sodium_ready());
    ed25519_key_pair out;
    crypto_sign_keypair(out.public_.data(), out.secret_.data());
    return out;
  }

  /// The key pair of a 32-byte seed (RFC 8032's private key), as the standard's test vectors give it.
  [[nodiscard]] static result<ed25519_key_pair> from_seed(std::span<const unsigned char> seed) {
    BOOST_OUTCOME_TRY(detail::sodium_ready());
    if (seed.size() != seed_size)
      return fail(errc::invalid_argument, "An Ed25519 private key (seed) is 32 bytes, not " + std::to_string(seed.size()) + ".");
    ed25519_key_pair out;
    crypto_sign_seed_keypair(out.public_.data(), out.secret_.data(), seed.data());
    return out;
  }

  /// Reads "-----BEGIN PRIVATE KEY-----" PEM holding an Ed25519 PKCS#8 key (RFC 8410), as save() and
  /// `openssl genpkey -algorithm ed25519` write it.
  [[nodiscard]] static result<ed25519_key_pair> from_pem(std::string_view pem) {
    BOOST_OUTCOME_TRY(auto der, detail::pem_decode(pem, "PRIVATE KEY"));
    const bool ok = der.size() == pkcs8_prefix.size() + seed_size && std::equal(pkcs8_prefix.begin(), pkcs8_prefix.end(), der.begin());
    auto out = ok ? from_seed(std::span(der).subspan(pkcs8_prefix.size()))
                  : result<ed25519_key_pair>(fail(errc::invalid_argument,
                                                  "The PEM private key is not an Ed25519 key (RFC 8410 PKCS#8 of 48 bytes)."));
    sodium_memzero(der.data(), der.size());
    return out;
  }

  /// Reads a key file save() wrote. Refused (invalid_argument) when others than its owner may read
  /// it, as ssh refuses such keys: a signing key others can read signs for them too.
  [[nodiscard]] static result<ed25519_key_pair> load(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(errc::storage_fault, "Cannot open the key file " + file.string() + ": " + std::strerror(errno) + ".");
    struct stat info {};
    if (::fstat(fd, &info) != 0 || (info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
      ::close(fd);
      return fail(errc::invalid_argument, "The key file " + file.string() +
                                              " may be read by others than its owner: make it private (chmod 600) and load it again.");
    }
    std::string text;
    std::array<char, 512> chunk{};
    while (true) {
      const ::ssize_t got = ::read(fd, chunk.data(), chunk.size());
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0 || text.size() > 4096) break;
      text.append(chunk.data(), static_cast<std::size_t>(got));
    }
    sodium_memzero(chunk.data(), chunk.size());
    ::close(fd);
    auto out = from_pem(text);
    sodium_memzero(text.data(), text.size());
    if (!out) return fail(out.error().code, "The key file " + file.string() + " holds no Ed25519 private key: " + out.error().message);
    return out;
  }

  /// Writes the key as PKCS#8 PEM to a new file created with mode 0600 (owner only); an existing
  /// file is never overwritten (already_exists), so a key cannot be lost by saving another.
  [[nodiscard]] result<void> save(const std::filesystem::path& file) const {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
      const int e = errno;
      return fail(e == EEXIST ? errc::already_exists : errc::storage_fault,
                  "Cannot create the key file " + file.string() + ": " + std::strerror(e) +
                      (e == EEXIST ? " (a key file is never overwritten: choose another name or remove it first)." : "."));
    }
    std::string pem = private_pem();
    bool ok = ::fchmod(fd, 0600) == 0;
    for (std::size_t done = 0; ok && done < pem.size();) {
      const ::ssize_t wrote = ::write(fd, pem.data() + done, pem.size() - done);
      if (wrote < 0 && errno == EINTR) continue;
      ok = wrote > 0;
      if (ok) done += static_cast<std::size_t>(wrote);
    }
    ok = ok && ::fsync(fd) == 0;
    const int e = errno;
    sodium_memzero(pem.data(), pem.size());
    ok = (::close(fd) == 0) && ok;
    if (!ok) {
      std::filesystem::remove(file);
      return fail(errc::storage_fault, "Cannot write the key file " + file.string() + ": " + std::strerror(e) + ".");
    }
    return result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
  }

  [[nodiscard]] result<ed25519_public_key> public_key() const { return ed25519_public_key::from_bytes(public_); }

  /// The Ed25519 signature of exactly `message` (deterministic: the same message, the same signature).
  [[nodiscard]] signature sign(std::span<const unsigned char> message) const {
    signature out{};
    crypto_sign_detached(out.data(), nullptr, message.data(), message.size(), secret_.data());
    return out;
  }
  [[nodiscard]] signature sign(std::string_view message) const {
    return sign(std::span(reinterpret_cast<const unsigned char*>(message.data()), message.size()));
  }

  ed25519_key_pair(ed25519_key_pair&& other) noexcept : public_(other.public_), secret_(other.secret_) {
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  ed25519_key_pair& operator=(ed25519_key_pair&& other) noexcept {
    public_ = other.public_;
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
    return *this;
  }
  ed25519_key_pair(const ed25519_key_pair&) = delete;
  ed25519_key_pair& operator=(const ed25519_key_pair&) = delete;
  ~ed25519_key_pair() { sodium_memzero(secret_.data(), secret_.size()); }

private:
  /// The DER of an Ed25519 PKCS#8 private key (RFC 8410) up to the 32-byte seed.
  static constexpr std::array<unsigned char, 16> pkcs8_prefix{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                                              0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};

  ed25519_key_pair() = default;

  [[nodiscard]] std::string private_pem() const {
    std::array<unsigned char, pkcs8_prefix.size() + seed_size> der{};
    std::copy(pkcs8_prefix.begin(), pkcs8_prefix.end(), der.begin());
    crypto_sign_ed25519_sk_to_seed(der.data() + pkcs8_prefix.size(), secret_.data());
    auto pem = detail::pem_encode("PRIVATE KEY", der);
    sodium_memzero(der.data(), der.size());
    return pem;
  }

  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_{};
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_{};
};

} // namespace isv
