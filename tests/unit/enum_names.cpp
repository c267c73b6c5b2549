// isv/enum_names.hpp: to_string, from_string and the list of values come from each enum's one description, and the wire-format document's table of enum names agrees with them.
#include "support/catch.hpp"

#include "isv/licensing.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

template <class E>
std::string names_of() {
  std::string out;
  for (const E v : isv::enum_values<E>) out += (out.empty() ? "`" : ", `") + std::string(isv::to_string(v)) + "`";
  return out;
}

// The rows `| `name` | `a`, `b` |` of the enum table in docs/wire-format.md, by enum name.
std::map<std::string, std::string> documented_enums() {
  std::ifstream in(ISV_TEST_SOURCE_DIR "/docs/wire-format.md");
  REQUIRE(in);
  std::map<std::string, std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    const auto name_end = line.find("` | ", 3);
    if (name_end == std::string::npos) continue;
    std::string names = line.substr(name_end + 4);
    if (names.size() < 2 || names.substr(names.size() - 2) != " |") continue;
    names.resize(names.size() - 2);
    if (const auto colon = names.find(": "); colon != std::string::npos && names.rfind("`to_string", 0) == 0)
      names = names.substr(colon + 2); // "`to_string(errc)`: `permission_denied`, ..."
    out[line.substr(3, name_end - 3)] = names;
  }
  return out;
}

template <class E>
void check_documented(const std::map<std::string, std::string>& doc, const std::string& name) {
  INFO("enum " << name);
  REQUIRE(doc.count(name) == 1);
  CHECK(doc.at(name) == names_of<E>());
}

} // namespace

TEST_CASE("enum names: to_string and from_string are each other's inverse for every value [D-ERR-1]") {
  for (const auto v : isv::enum_values<isv::subscription_status>) {
    CHECK(isv::from_string<isv::subscription_status>(isv::to_string(v)) == v);
  }
  for (const auto v : isv::enum_values<isv::errc>) CHECK(isv::from_string<isv::errc>(isv::to_string(v)) == v);
  CHECK(isv::to_string(isv::directory_role::license_administrator) == "license_administrator");
  CHECK(isv::display_name(isv::directory_role::license_administrator) == "License administrator");
  CHECK_FALSE(isv::from_string<isv::app_kind>("Saas").has_value()); // names match exactly
  CHECK(isv::to_string(static_cast<isv::invoice_status>(9)) == "unknown");
}

TEST_CASE("enum names: the role lists the authorization tests walk are the descriptions' [D-ROLE-1]") {
  CHECK(isv::all_directory_roles.size() == 5);
  CHECK(isv::all_directory_roles.front() == isv::directory_role::global_administrator);
  CHECK(isv::all_billing_roles.size() == 4);
  CHECK(isv::all_billing_roles.back() == isv::billing_role::invoice_manager);
}

TEST_CASE("enum names: docs/wire-format.md lists every enum's wire names as the descriptions give them [D-ERR-1]") {
  const auto doc = documented_enums();
  check_documented<isv::app_kind>(doc, "app_kind");
  check_documented<isv::pricing_model>(doc, "pricing_model");
  check_documented<isv::billing_term>(doc, "billing_term");
  check_documented<isv::acquisition_channel>(doc, "acquisition_channel");
  check_documented<isv::subscription_status>(doc, "subscription_status");
  check_documented<isv::deactivation_reason>(doc, "deactivation_reason");
  check_documented<isv::directory_role>(doc, "directory_role");
  check_documented<isv::billing_role>(doc, "billing_role");
  check_documented<isv::payment_method_kind>(doc, "payment_method_kind");
  check_documented<isv::invoice_status>(doc, "invoice_status");
  check_documented<isv::invoice_line_kind>(doc, "invoice_line_kind");
  check_documented<isv::marketplace_action>(doc, "marketplace_action");
  check_documented<isv::marketplace_outcome>(doc, "marketplace_outcome");
  check_documented<isv::violation_reason>(doc, "violation_reason");
  check_documented<isv::access_state>(doc, "access_state");
  check_documented<isv::access_reason>(doc, "access_reason");
  check_documented<isv::license_scope>(doc, "license_scope");
  check_documented<isv::errc>(doc, "errc");
}
