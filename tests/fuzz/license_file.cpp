// Fuzz target: the input read as a license file and as a statement's payload: never a crash, a leak or UB; what is read is the one text of what it holds, and the verifier agrees with the reader (D-SIGN-2).
#include <isv/license_file.hpp>
#include <isv/signing/key_pair.hpp>
#include <isv/signing/verify.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using T = isv::default_traits;

/// A fixed publisher key (RFC 8032's first test key): the seeds of the corpus are signed with it.
const isv::ed25519_key_pair& publisher() {
  static const auto key = [] {
    constexpr std::array<unsigned char, 32> seed{0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
                                                 0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
                                                 0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
    auto made = isv::ed25519_key_pair::from_seed(seed);
    if (!made) std::abort();
    return std::move(made).value();
  }();
  return key;
}

const isv::license_verifier& verifier() {
  static const auto v = [] {
    isv::license_verifier out(std::chrono::seconds{0});
    if (!out.add_key("fabrikam-2026", publisher().public_key().value())) std::abort();
    return out;
  }();
  return v;
}

constexpr std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 1 / 16}};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // As a file: a frame read is the one text of its parts, and a refusal is one of the typed ones.
  if (auto parts = isv::parse_license_file(text)) {
    const auto& p = parts.value();
    if (isv::compose_license_file(p.payload, p.key_id, p.signature) != text) std::abort();
  } else if (parts.error().code != isv::errc::license_malformed && parts.error().code != isv::errc::limit_exceeded) {
    std::abort();
  }
  const auto verified = verifier().verify(text, now);
  if (verified && verified.value().expires_at + std::chrono::seconds{0} < now) std::abort();

  // As a payload: a statement read is written back byte for byte (its one canonical form).
  const auto statement = isv::read_license_payload<T>(text);
  if (statement && isv::license_payload(statement.value()) != text) std::abort();
  if (!statement && statement.error().code != isv::errc::license_malformed &&
      statement.error().code != isv::errc::license_format_unknown)
    std::abort();

  // Signed by the publisher, the payload verifies exactly when it is a statement under that key id
  // that has not expired: the verifier adds the signature's check and the clock, nothing else.
  if (size <= 4096) {
    const auto file = isv::compose_license_file(text, "fabrikam-2026", publisher().sign(text));
    const auto checked = verifier().verify(file, now);
    const bool should = statement && statement.value().key_id == "fabrikam-2026" && now <= statement.value().expires_at;
    if (checked.has_value() != should) std::abort();
    if (checked && !(checked.value() == statement.value())) std::abort();
  }
  return 0;
}
