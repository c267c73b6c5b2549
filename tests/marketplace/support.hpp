// Test support for the marketplace suite: the sample files (read from their folder at run time), GUIDs and times written briefly.
#pragma once

#include "support/catch.hpp"

#include "isv/json/marketplace.hpp"
#include "isv/marketplace_wire.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace mkt {

inline const std::filesystem::path samples_dir{ISV_TEST_MARKETPLACE_SAMPLES};

/// The names of the sample files, sorted.
inline std::vector<std::string> sample_names() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(samples_dir))
    if (entry.is_regular_file() && entry.path().extension() == ".json") out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

inline std::string read_sample(const std::string& name) {
  std::ifstream in(samples_dir / name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A GUID written in a test; a typo throws std::bad_optional_access (usable before Catch runs).
inline isv::marketplace_guid guid(std::string_view text) { return isv::marketplace_guid::parse(text).value(); }

inline std::chrono::sys_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}} + std::chrono::hours{h} +
         std::chrono::minutes{mi} + std::chrono::seconds{s};
}

/// The JSON Pointer a refusal names: the text between the first pair of quotes after "Invalid JSON at ".
inline std::string pointer_in(const std::string& message) {
  constexpr std::string_view prefix = "Invalid JSON at \"";
  const auto start = message.find(prefix);
  if (start == std::string::npos) return "(no pointer in: " + message + ")";
  const auto from = start + prefix.size();
  return message.substr(from, message.find('"', from) - from);
}

} // namespace mkt
