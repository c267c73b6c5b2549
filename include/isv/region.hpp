// Regions where third-party apps are sold (D-BUY-2).
#pragma once

#include <algorithm>
#include <array>
#include <string_view>

namespace isv {

/// The countries and regions whose tenants may buy third-party apps (seed 002, "Supported regions").
inline constexpr std::array<std::string_view, 12> supported_regions{
    "Argentina", "Australia",    "Canada",         "Chile",          "France",        "Germany",
    "Greece",    "Puerto Rico",  "South Africa",   "United Kingdom", "United States", "Western Europe"};

[[nodiscard]] constexpr bool is_supported_region(std::string_view region) noexcept {
  return std::find(supported_regions.begin(), supported_regions.end(), region) != supported_regions.end();
}

} // namespace isv
