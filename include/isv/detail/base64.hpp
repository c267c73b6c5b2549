// Internal: base64 (RFC 4648, standard alphabet, padded) written and read strictly, so that each text has one reading and each byte string one text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace isv::detail {

inline constexpr std::string_view base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The padded base64 text of `bytes`.
[[nodiscard]] inline std::string base64_encode(std::span<const unsigned char> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(base64_alphabet[(n >> shift) & 63U]);
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    std::uint32_t n = std::uint32_t{bytes[i]} << 16;
    if (rest == 2) n |= std::uint32_t{bytes[i + 1]} << 8;
    out.push_back(base64_alphabet[(n >> 18) & 63U]);
    out.push_back(base64_alphabet[(n >> 12) & 63U]);
    out.push_back(rest == 2 ? base64_alphabet[(n >> 6) & 63U] : '=');
    out.push_back('=');
  }
  return out;
}

[[nodiscard]] inline std::string base64_encode(std::string_view text) {
  return base64_encode(std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

/// The bytes of a padded base64 text; nothing when it is not one: a length that is not a multiple of
/// four, a character outside the alphabet, padding anywhere but at the end, or padding bits that are
/// not zero (which would give a second text for the same bytes).
[[nodiscard]] inline std::optional<std::vector<unsigned char>> base64_decode(std::string_view text) {
  static constexpr auto values = [] {
    std::array<std::int8_t, 256> out{};
    out.fill(-1);
    for (std::size_t i = 0; i < base64_alphabet.size(); ++i)
      out[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::int8_t>(i);
    return out;
  }();
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t pad = last ? (text[i + 3] == '=' ? (text[i + 2] == '=' ? 2 : 1) : 0) : 0;
    std::uint32_t n = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      if (k >= 4 - pad) {
        n <<= 6;
        continue;
      }
      const std::int8_t v = values[static_cast<unsigned char>(text[i + k])];
      if (v < 0) return std::nullopt; // also a '=' before the end
      n = (n << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<unsigned char>(n >> 16));
    if (pad < 2) out.push_back(static_cast<unsigned char>(n >> 8));
    else if ((n & 0xFFFFU) != 0) return std::nullopt;
    if (pad < 1) out.push_back(static_cast<unsigned char>(n));
    else if ((n & 0xFFU) != 0) return std::nullopt;
  }
  return out;
}

} // namespace isv::detail
