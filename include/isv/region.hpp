// Countries (ISO 3166-1 alpha-2) and the set of them where third-party apps are sold (D-BUY-2, D-BUY-5).
#pragma once

#include "isv/error.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace isv {

/// One country: its ISO 3166-1 alpha-2 code and its English short name (for messages).
struct country {
  std::string_view code;
  std::string_view name;
};

/// Every officially assigned ISO 3166-1 alpha-2 code, in code order, with its English short name
/// (the ISO 3166 Maintenance Agency's list; the common name where the official short name is
/// inverted, "South Korea" rather than "Korea, Republic of"). The one place a code meets its name.
inline constexpr std::array<country, 249> iso_3166_countries{{
    {"AD", "Andorra"}, {"AE", "United Arab Emirates"}, {"AF", "Afghanistan"}, {"AG", "Antigua and Barbuda"},
    {"AI", "Anguilla"}, {"AL", "Albania"}, {"AM", "Armenia"}, {"AO", "Angola"}, {"AQ", "Antarctica"},
    {"AR", "Argentina"}, {"AS", "American Samoa"}, {"AT", "Austria"}, {"AU", "Australia"}, {"AW", "Aruba"},
    {"AX", "Åland Islands"}, {"AZ", "Azerbaijan"}, {"BA", "Bosnia and Herzegovina"}, {"BB", "Barbados"},
    {"BD", "Bangladesh"}, {"BE", "Belgium"}, {"BF", "Burkina Faso"}, {"BG", "Bulgaria"}, {"BH", "Bahrain"},
    {"BI", "Burundi"}, {"BJ", "Benin"}, {"BL", "Saint Barthélemy"}, {"BM", "Bermuda"}, {"BN", "Brunei Darussalam"},
    {"BO", "Bolivia"}, {"BQ", "Bonaire, Sint Eustatius and Saba"}, {"BR", "Brazil"}, {"BS", "Bahamas"},
    {"BT", "Bhutan"}, {"BV", "Bouvet Island"}, {"BW", "Botswana"}, {"BY", "Belarus"}, {"BZ", "Belize"},
    {"CA", "Canada"}, {"CC", "Cocos (Keeling) Islands"}, {"CD", "Congo, The Democratic Republic of the"},
    {"CF", "Central African Republic"}, {"CG", "Congo"}, {"CH", "Switzerland"}, {"CI", "Côte d'Ivoire"},
    {"CK", "Cook Islands"}, {"CL", "Chile"}, {"CM", "Cameroon"}, {"CN", "China"}, {"CO", "Colombia"},
    {"CR", "Costa Rica"}, {"CU", "Cuba"}, {"CV", "Cabo Verde"}, {"CW", "Curaçao"}, {"CX", "Christmas Island"},
    {"CY", "Cyprus"}, {"CZ", "Czechia"}, {"DE", "Germany"}, {"DJ", "Djibouti"}, {"DK", "Denmark"}, {"DM", "Dominica"},
    {"DO", "Dominican Republic"}, {"DZ", "Algeria"}, {"EC", "Ecuador"}, {"EE", "Estonia"}, {"EG", "Egypt"},
    {"EH", "Western Sahara"}, {"ER", "Eritrea"}, {"ES", "Spain"}, {"ET", "Ethiopia"}, {"FI", "Finland"},
    {"FJ", "Fiji"}, {"FK", "Falkland Islands (Malvinas)"}, {"FM", "Micronesia, Federated States of"},
    {"FO", "Faroe Islands"}, {"FR", "France"}, {"GA", "Gabon"}, {"GB", "United Kingdom"}, {"GD", "Grenada"},
    {"GE", "Georgia"}, {"GF", "French Guiana"}, {"GG", "Guernsey"}, {"GH", "Ghana"}, {"GI", "Gibraltar"},
    {"GL", "Greenland"}, {"GM", "Gambia"}, {"GN", "Guinea"}, {"GP", "Guadeloupe"}, {"GQ", "Equatorial Guinea"},
    {"GR", "Greece"}, {"GS", "South Georgia and the South Sandwich Islands"}, {"GT", "Guatemala"}, {"GU", "Guam"},
    {"GW", "Guinea-Bissau"}, {"GY", "Guyana"}, {"HK", "Hong Kong"}, {"HM", "Heard Island and McDonald Islands"},
    {"HN", "Honduras"}, {"HR", "Croatia"}, {"HT", "Haiti"}, {"HU", "Hungary"}, {"ID", "Indonesia"}, {"IE", "Ireland"},
    {"IL", "Israel"}, {"IM", "Isle of Man"}, {"IN", "India"}, {"IO", "British Indian Ocean Territory"},
    {"IQ", "Iraq"}, {"IR", "Iran"}, {"IS", "Iceland"}, {"IT", "Italy"}, {"JE", "Jersey"}, {"JM", "Jamaica"},
    {"JO", "Jordan"}, {"JP", "Japan"}, {"KE", "Kenya"}, {"KG", "Kyrgyzstan"}, {"KH", "Cambodia"}, {"KI", "Kiribati"},
    {"KM", "Comoros"}, {"KN", "Saint Kitts and Nevis"}, {"KP", "North Korea"}, {"KR", "South Korea"},
    {"KW", "Kuwait"}, {"KY", "Cayman Islands"}, {"KZ", "Kazakhstan"}, {"LA", "Laos"}, {"LB", "Lebanon"},
    {"LC", "Saint Lucia"}, {"LI", "Liechtenstein"}, {"LK", "Sri Lanka"}, {"LR", "Liberia"}, {"LS", "Lesotho"},
    {"LT", "Lithuania"}, {"LU", "Luxembourg"}, {"LV", "Latvia"}, {"LY", "Libya"}, {"MA", "Morocco"}, {"MC", "Monaco"},
    {"MD", "Moldova"}, {"ME", "Montenegro"}, {"MF", "Saint Martin (French part)"}, {"MG", "Madagascar"},
    {"MH", "Marshall Islands"}, {"MK", "North Macedonia"}, {"ML", "Mali"}, {"MM", "Myanmar"}, {"MN", "Mongolia"},
    {"MO", "Macao"}, {"MP", "Northern Mariana Islands"}, {"MQ", "Martinique"}, {"MR", "Mauritania"},
    {"MS", "Montserrat"}, {"MT", "Malta"}, {"MU", "Mauritius"}, {"MV", "Maldives"}, {"MW", "Malawi"},
    {"MX", "Mexico"}, {"MY", "Malaysia"}, {"MZ", "Mozambique"}, {"NA", "Namibia"}, {"NC", "New Caledonia"},
    {"NE", "Niger"}, {"NF", "Norfolk Island"}, {"NG", "Nigeria"}, {"NI", "Nicaragua"}, {"NL", "Netherlands"},
    {"NO", "Norway"}, {"NP", "Nepal"}, {"NR", "Nauru"}, {"NU", "Niue"}, {"NZ", "New Zealand"}, {"OM", "Oman"},
    {"PA", "Panama"}, {"PE", "Peru"}, {"PF", "French Polynesia"}, {"PG", "Papua New Guinea"}, {"PH", "Philippines"},
    {"PK", "Pakistan"}, {"PL", "Poland"}, {"PM", "Saint Pierre and Miquelon"}, {"PN", "Pitcairn"},
    {"PR", "Puerto Rico"}, {"PS", "Palestine, State of"}, {"PT", "Portugal"}, {"PW", "Palau"}, {"PY", "Paraguay"},
    {"QA", "Qatar"}, {"RE", "Réunion"}, {"RO", "Romania"}, {"RS", "Serbia"}, {"RU", "Russian Federation"},
    {"RW", "Rwanda"}, {"SA", "Saudi Arabia"}, {"SB", "Solomon Islands"}, {"SC", "Seychelles"}, {"SD", "Sudan"},
    {"SE", "Sweden"}, {"SG", "Singapore"}, {"SH", "Saint Helena, Ascension and Tristan da Cunha"}, {"SI", "Slovenia"},
    {"SJ", "Svalbard and Jan Mayen"}, {"SK", "Slovakia"}, {"SL", "Sierra Leone"}, {"SM", "San Marino"},
    {"SN", "Senegal"}, {"SO", "Somalia"}, {"SR", "Suriname"}, {"SS", "South Sudan"}, {"ST", "Sao Tome and Principe"},
    {"SV", "El Salvador"}, {"SX", "Sint Maarten (Dutch part)"}, {"SY", "Syria"}, {"SZ", "Eswatini"},
    {"TC", "Turks and Caicos Islands"}, {"TD", "Chad"}, {"TF", "French Southern Territories"}, {"TG", "Togo"},
    {"TH", "Thailand"}, {"TJ", "Tajikistan"}, {"TK", "Tokelau"}, {"TL", "Timor-Leste"}, {"TM", "Turkmenistan"},
    {"TN", "Tunisia"}, {"TO", "Tonga"}, {"TR", "Türkiye"}, {"TT", "Trinidad and Tobago"}, {"TV", "Tuvalu"},
    {"TW", "Taiwan"}, {"TZ", "Tanzania"}, {"UA", "Ukraine"}, {"UG", "Uganda"},
    {"UM", "United States Minor Outlying Islands"}, {"US", "United States"}, {"UY", "Uruguay"}, {"UZ", "Uzbekistan"},
    {"VA", "Holy See (Vatican City State)"}, {"VC", "Saint Vincent and the Grenadines"}, {"VE", "Venezuela"},
    {"VG", "Virgin Islands, British"}, {"VI", "Virgin Islands, U.S."}, {"VN", "Vietnam"}, {"VU", "Vanuatu"},
    {"WF", "Wallis and Futuna"}, {"WS", "Samoa"}, {"YE", "Yemen"}, {"YT", "Mayotte"}, {"ZA", "South Africa"},
    {"ZM", "Zambia"}, {"ZW", "Zimbabwe"},
}};

/// D-BUY-5: a country is written as two capital letters A to Z. Codes ISO has not assigned (user-assigned
/// ones such as "XK") are well formed too: a tenant's country is checked for its form, not looked up.
[[nodiscard]] constexpr bool is_country_code(std::string_view code) noexcept {
  return code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

/// The English short name of an assigned code ("NL": "Netherlands"); none for any other text.
[[nodiscard]] constexpr std::optional<std::string_view> country_name(std::string_view code) noexcept {
  const auto it = std::lower_bound(iso_3166_countries.begin(), iso_3166_countries.end(), code,
                                   [](const country& c, std::string_view key) { return c.code < key; });
  if (it == iso_3166_countries.end() || it->code != code) return std::nullopt;
  return it->name;
}

/// The region a tenant of release 0.1 stored when it lay somewhere in the United Nations geoscheme's
/// Western Europe without saying where (seed 002 lists it as one supported region). It is not a
/// country, so it is read back as it is, never replaced by one of its countries (see western_europe).
inline constexpr std::string_view western_europe_region = "Western Europe";

/// Before D-BUY-5 a tenant's region was a country's English name ("Germany", "United Kingdom"): its
/// code, for every name in iso_3166_countries. None for a code, "Western Europe" or an unknown name,
/// which old data keeps as it is.
[[nodiscard]] constexpr std::optional<std::string_view> country_code_of_name(std::string_view name) noexcept {
  const auto it = std::find_if(iso_3166_countries.begin(), iso_3166_countries.end(),
                               [&](const country& c) { return c.name == name; });
  if (it == iso_3166_countries.end()) return std::nullopt;
  return it->code;
}

/// A set of alpha-2 codes: a value (676 bits), cheap to copy, so a host keeps its own and passes it
/// where a purchase is decided (purchase_policy). Made from literals at compile time, where an
/// ill-formed code does not compile, or grown with insert() at run time.
class country_set {
public:
  constexpr country_set() noexcept = default;
  consteval country_set(std::initializer_list<std::string_view> codes) {
    for (const auto code : codes)
      if (!insert(code)) throw std::invalid_argument("not an ISO 3166-1 alpha-2 code"); // a compile error here
  }

  /// Adds `code`; false, and nothing added, when it is not well formed (is_country_code).
  [[nodiscard]] constexpr bool insert(std::string_view code) noexcept {
    if (!is_country_code(code)) return false;
    const auto i = index(code);
    bits_[i / 64] |= std::uint64_t{1} << (i % 64);
    return true;
  }
  constexpr void erase(std::string_view code) noexcept {
    if (!is_country_code(code)) return;
    const auto i = index(code);
    bits_[i / 64] &= ~(std::uint64_t{1} << (i % 64));
  }
  [[nodiscard]] constexpr bool contains(std::string_view code) const noexcept {
    if (!is_country_code(code)) return false;
    const auto i = index(code);
    return ((bits_[i / 64] >> (i % 64)) & 1U) != 0;
  }
  /// Whether every code of `other` is in this set.
  [[nodiscard]] constexpr bool includes(const country_set& other) const noexcept {
    for (std::size_t w = 0; w < words; ++w)
      if ((other.bits_[w] & ~bits_[w]) != 0) return false;
    return true;
  }
  [[nodiscard]] constexpr bool empty() const noexcept {
    return std::all_of(bits_.begin(), bits_.end(), [](std::uint64_t w) { return w == 0; });
  }
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const auto w : bits_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  /// Calls `f(code)` for each code, in code order.
  template <class F>
  constexpr void for_each(F&& f) const {
    for (std::size_t i = 0; i < letters * letters; ++i)
      if (((bits_[i / 64] >> (i % 64)) & 1U) != 0) {
        const std::array<char, 2> code{static_cast<char>('A' + i / letters), static_cast<char>('A' + i % letters)};
        f(std::string_view(code.data(), code.size()));
      }
  }

  [[nodiscard]] friend constexpr country_set operator|(country_set a, const country_set& b) noexcept {
    for (std::size_t w = 0; w < words; ++w) a.bits_[w] |= b.bits_[w];
    return a;
  }
  friend constexpr bool operator==(const country_set&, const country_set&) = default;

private:
  static constexpr std::size_t letters = 26;
  static constexpr std::size_t words = (letters * letters + 63) / 64;
  [[nodiscard]] static constexpr std::size_t index(std::string_view code) noexcept {
    return static_cast<std::size_t>(code[0] - 'A') * letters + static_cast<std::size_t>(code[1] - 'A');
  }
  std::array<std::uint64_t, words> bits_{};
};

/// D-BUY-5: the United Nations geoscheme's Western Europe, the "Western Europe" of seed 002.
inline constexpr country_set western_europe{"AT", "BE", "CH", "DE", "FR", "LI", "LU", "MC", "NL"};

/// D-BUY-2: where third-party apps are sold unless the host says otherwise (purchase_policy): the
/// countries seed 002 names, and Western Europe.
inline constexpr country_set default_supported_countries =
    country_set{"AR", "AU", "CA", "CL", "FR", "DE", "GR", "PR", "ZA", "GB", "US"} | western_europe;

/// Whether a tenant in `region` may buy where `supported` countries are sold to. A tenant of old data
/// in "Western Europe" may when the whole of Western Europe is supported: its country is one of
/// those, and which one is not known (D-BUY-5).
[[nodiscard]] constexpr bool sells_to(const country_set& supported, std::string_view region) noexcept {
  if (region == western_europe_region) return supported.includes(western_europe);
  return supported.contains(region);
}

/// A region as a person reads it in a message: "Netherlands (NL)", "XK", or an old value quoted.
[[nodiscard]] inline std::string describe_region(std::string_view region) {
  if (is_country_code(region)) {
    const auto name = country_name(region);
    return name ? std::string(*name) + " (" + std::string(region) + ")" : std::string(region);
  }
  if (region == western_europe_region) return std::string(region);
  constexpr std::size_t shown = 64; // old data or a caller's text: enough to recognize it
  return "\"" + std::string(region.substr(0, shown)) + (region.size() > shown ? "...\"" : "\"");
}

/// The countries of `set`, named for a message: "Argentina (AR), Austria (AT) and Australia (AU)".
[[nodiscard]] inline std::string describe_countries(const country_set& set) {
  std::string out;
  std::size_t left = set.size();
  set.for_each([&](std::string_view code) {
    out += describe_region(code);
    --left;
    if (left > 1) out += ", ";
    else if (left == 1) out += " and ";
  });
  return out.empty() ? "no country" : out;
}

/// D-BUY-5: a new tenant's country is a well-formed alpha-2 code; an old name is answered with its code.
[[nodiscard]] inline result<void> check_country_code(std::string_view region) {
  if (is_country_code(region)) return BOOST_OUTCOME_V2_NAMESPACE::success();
  std::string hint;
  if (const auto code = country_code_of_name(region)) hint = " (" + std::string(region) + " is " + std::string(*code) + ")";
  return fail(errc::invalid_argument, "A tenant's country is an ISO 3166-1 alpha-2 code, two capital letters such as "
                                      "\"DE\" or \"NL\"; " + describe_region(region) + " is not one" + hint + ".");
}

} // namespace isv
