// JSON decoding faults: each is an errc::invalid_argument naming the JSON Pointer of the fault, never an exception or a half-read value [D-ERR-1].
#include "samples.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

using namespace samples;

namespace {

/// Decodes `doc` as V and checks the refusal: invalid_argument, at `pointer`, saying `words`.
template <class V>
void refused(const nlohmann::json& doc, const std::string& pointer, const std::string& words = {}) {
  INFO(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  isv::result<isv::json::decoded_t<V>> r = isv::error{};
  REQUIRE_NOTHROW(r = isv::json::decode<V>(doc));
  REQUIRE_FALSE(r.has_value());
  INFO(r.error().message);
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK(pointer_in(r.error().message) == pointer);
  if (!words.empty()) CHECK_THAT(r.error().message, Catch::Matchers::Contains(words));
}

/// The same for JSON text.
template <class V>
isv::error refused_text(std::string_view text) {
  isv::result<isv::json::decoded_t<V>> r = isv::error{};
  REQUIRE_NOTHROW(r = isv::json::decode<V>(text));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  return r.error();
}

nlohmann::json with(nlohmann::json doc, const std::string& pointer, nlohmann::json value) {
  doc[nlohmann::json::json_pointer(pointer)] = std::move(value);
  return doc;
}

nlohmann::json without(nlohmann::json doc, const std::string& pointer) {
  const nlohmann::json::json_pointer p(pointer);
  doc[p.parent_pointer()].erase(p.back());
  return doc;
}

} // namespace

TEST_CASE("an unknown field is refused, named by its path, with the fields that exist [D-ERR-1]") {
  refused<isv::assign_command>(with(isv::json::encode(assign_command()), "/user", nlohmann::json::array()), "/user",
                               "unknown field \"user\"; the fields of an assign command are subscription, users, groups");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/unit_price/cents", 5), "/unit_price/cents");
  refused<isv::event>(with(isv::json::encode(events()[9]), "/payload/seats", 1), "/payload/seats", "licenses_granted");
  refused<isv::billing_profile>(with(isv::json::encode(billing_profile()), "/payment_methods/1/number", "4242"),
                                "/payment_methods/1/number");
  // JSON Pointer escapes '/' and '~' in the name it reports.
  refused<isv::install_command>(with(isv::json::encode(isv::install_command{subscription_id}), "/a~1b~0c", 1), "/a~1b~0c");
}

TEST_CASE("a missing field is refused, named by its path [D-ERR-1]") {
  refused<isv::assign_command>(without(isv::json::encode(assign_command()), "/groups"), "/groups",
                               "the field \"groups\" of an assign command is missing");
  refused<isv::invoice>(without(isv::json::encode(invoice()), "/lines/0/amount"), "/lines/0/amount");
  refused<isv::event>(without(isv::json::encode(events()[0]), "/payload/type"), "/payload/type", "licenses_granted");
  // Where emptiness is an instruction or a fact, the field must be there: null says it.
  refused<isv::basic_billing_role_command<T>>(
      without(isv::json::encode(isv::basic_billing_role_command<T>{profile_id, isv::user_id{1}, std::nullopt}), "/role"),
      "/role", "write null for none");
  refused<isv::event>(without(isv::json::encode(events()[9]), "/payload/via"), "/payload/via");
  refused<isv::event>(without(isv::json::encode(events()[0]), "/actor"), "/actor");
}

TEST_CASE("the directory lifecycle's commands and events are decoded as strictly as the others [D-DIR-1] [D-DIR-2] [D-ERR-1]") {
  const auto remove = isv::json::encode(isv::remove_users_command{{isv::user_id{100}}});
  refused<isv::remove_users_command>(with(remove, "/user", "100"), "/user",
                                     "unknown field \"user\"; the fields of a remove-users command are users");
  refused<isv::remove_users_command>(with(remove, "/users", "100"), "/users", "found a string");
  refused<isv::remove_users_command>(with(remove, "/users/0", "0100"), "/users/0");
  const auto named = isv::json::encode(isv::name_user_command{isv::user_id{100}, "Ana"});
  refused<isv::name_user_command>(without(named, "/name"), "/name", "the field \"name\" of a name-user command is missing");
  refused<isv::name_user_command>(with(named, "/name", "Ana \xFF"), "/name", "valid UTF-8");
  refused<isv::delete_group_command>(without(isv::json::encode(isv::delete_group_command{sales}), "/group"), "/group",
                                     "a delete-group command");
  const auto& all = events();
  for (const auto& e : std::vector<isv::event>(all.end() - 3, all.end())) {
    CAPTURE(isv::event_name<T>(e.payload));
    refused<isv::event>(with(isv::json::encode(e), "/payload/extra", 1), "/payload/extra", std::string(isv::event_name<T>(e.payload)));
  }
}

TEST_CASE("a value of the wrong JSON type is refused, named by its path [D-ERR-1]") {
  const auto assign = isv::json::encode(assign_command());
  refused<isv::assign_command>(with(assign, "/users", "100"), "/users", "found a string");
  refused<isv::assign_command>(with(assign, "/users/3", 103), "/users/3", "expected a user id");
  refused<isv::assign_command>(nlohmann::json::array(), "", "expected an assign command (an object), found an array");
  refused<isv::auto_renew_command>(with(isv::json::encode(isv::auto_renew_command{subscription_id, true}), "/auto_renew", "yes"),
                                   "/auto_renew", "true or false");
  refused<isv::auto_renew_command>(with(isv::json::encode(isv::auto_renew_command{subscription_id, true}), "/auto_renew", 1),
                                   "/auto_renew");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/licenses_in_use", "20"), "/licenses_in_use");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/unit_price", 12345), "/unit_price");
  refused<isv::event>(with(isv::json::encode(events()[0]), "/payload", nlohmann::json::array()), "/payload");
  refused<isv::event>(with(isv::json::encode(events()[0]), "/payload/type", 3), "/payload/type");
  // Null is a value only where the field is optional.
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/tenant", nullptr), "/tenant", "found null");
}

TEST_CASE("a number out of range or not whole is refused, named by its path [D-ERR-1]") {
  const auto sub = isv::json::encode(subscription());
  refused<isv::subscription>(with(sub, "/licenses_in_use", -1), "/licenses_in_use", "out of range");
  refused<isv::subscription>(with(sub, "/licenses_in_use", isv::max_quantity + 1), "/licenses_in_use", "out of range");
  refused<isv::subscription>(with(sub, "/version", -3), "/version");
  refused<isv::subscription>(with(sub, "/version", 18446744073709551615u), "/version", "out of range");
  refused<isv::subscription>(with(sub, "/licenses_in_use", 20.5), "/licenses_in_use", "whole number");
  refused<isv::subscription>(with(sub, "/licenses_in_use", 20.0), "/licenses_in_use", "without fraction or exponent");
  refused<isv::invoice>(with(isv::json::encode(invoice()), "/total/minor_units", 1.5), "/total/minor_units");
  // In text: an exponent, and an integer past 64 bits, which nlohmann reads as a double.
  CHECK(pointer_in(refused_text<isv::change_quantity_command>(R"({"subscription": "7", "quantity": 1e3})").message) ==
        "/quantity");
  CHECK(pointer_in(refused_text<isv::change_quantity_command>(
                       R"({"subscription": "7", "quantity": 99999999999999999999999})")
                       .message) == "/quantity");
}

TEST_CASE("a zero or negative quantity is refused on the wire as in the operations [D-QTY-4]") {
  const auto cmd = isv::json::encode(isv::change_quantity_command{subscription_id, 5});
  for (const auto bad : {0LL, -1LL, -9223372036854775807LL - 1}) {
    CAPTURE(bad);
    refused<isv::change_quantity_command>(with(cmd, "/quantity", bad), "/quantity", "positive whole number (D-QTY-4)");
  }
  refused<isv::change_quantity_command>(with(cmd, "/quantity", isv::max_quantity + 1), "/quantity", "at most 1000000000");
  refused<isv::purchase_command>(with(isv::json::encode(purchase_command()), "/quantity", 0), "/quantity", "D-QTY-4");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/quantity", -5), "/quantity", "D-QTY-4");
  refused<isv::invoice>(with(isv::json::encode(invoice()), "/lines/0/quantity", 0), "/lines/0/quantity", "D-QTY-4");
  refused<isv::event>(with(isv::json::encode(events()[15]), "/payload/to", 0), "/payload/to", "D-QTY-4");
  // A flat-rate purchase has no quantity at all: null, not zero.
  const auto flat = isv::json::decode<isv::purchase_command>(with(isv::json::encode(purchase_command()), "/quantity", nullptr));
  REQUIRE(flat.has_value());
  CHECK_FALSE(flat.value().quantity.has_value());
}

TEST_CASE("an unknown enum name is refused with the names that exist [D-ERR-1]") {
  refused<isv::role_command>(with(isv::json::encode(isv::role_command{isv::user_id{1}, isv::directory_role::global_reader}),
                                  "/role", "Global administrator"),
                             "/role", "expected one of \"global_administrator\"");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/status", "ACTIVE"), "/status",
                             "unknown subscription status \"ACTIVE\"");
  refused<isv::subscription>(with(isv::json::encode(subscription()), "/reason", "fraud"), "/reason");
  refused<isv::billing_profile>(with(isv::json::encode(billing_profile()), "/roles/1/role", "admin"), "/roles/1/role");
  refused<isv::error>(with(isv::json::encode(error()), "/code", "out_of_seats"), "/code", "unknown error code");
  refused<isv::event>(with(isv::json::encode(events()[0]), "/payload/type", "license_granted"), "/payload/type",
                      "unknown event type \"license_granted\"");
}

TEST_CASE("text that is not UTF-8 is refused, whether in JSON text or in a JSON value built in memory [D-ERR-1]") {
  const auto in_text = refused_text<isv::create_group_command>("{\"group\": \"20\", \"name\": \"Sales \xC3\x28\"}");
  CHECK_THAT(in_text.message, Catch::Matchers::Contains("at byte"));
  CHECK_THAT(in_text.message, Catch::Matchers::Contains("UTF-8"));
  const auto overlong = refused_text<isv::create_group_command>("{\"group\": \"20\", \"name\": \"\xC0\xAF\"}");
  CHECK_THAT(overlong.message, Catch::Matchers::Contains("UTF-8"));

  const auto cmd = isv::json::encode(isv::create_group_command{sales, "Sales"});
  refused<isv::create_group_command>(with(cmd, "/name", "Sales \xED\xA0\x80"), "/name", "valid UTF-8"); // a surrogate
  refused<isv::create_group_command>(with(cmd, "/name", "\xF4\x90\x80\x80"), "/name", "valid UTF-8");   // past U+10FFFF
  refused<isv::create_group_command>(with(cmd, "/group", "2\xFF"), "/group");
  auto bad_key = cmd;
  bad_key["na\xFFme"] = "x";
  refused<isv::create_group_command>(bad_key, "/(a field name that is not valid UTF-8)", "unknown field");
}

TEST_CASE("writing a string that is not UTF-8 as text is refused with its path, not thrown") {
  const isv::create_group_command cmd{sales, "Sales \xFF"};
  isv::result<std::string> r = std::string();
  REQUIRE_NOTHROW(r = isv::json::encode_text(cmd));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, Catch::Matchers::Contains("\"/name\""));
}

TEST_CASE("an over-long string is refused at its path, with the limit [D-ERR-1]") {
  const auto cmd = isv::json::encode(isv::create_group_command{sales, "Sales"});
  REQUIRE(isv::json::decode<isv::create_group_command>(with(cmd, "/name", std::string(1024, 'x'))).has_value());
  refused<isv::create_group_command>(with(cmd, "/name", std::string(1025, 'x')), "/name", "at most 1024 bytes");
  // The limit counts bytes: 512 two-byte characters fit, 513 do not.
  std::string two_byte;
  for (int i = 0; i < 512; ++i) two_byte += "\xC3\xA9";
  REQUIRE(isv::json::decode<isv::create_group_command>(with(cmd, "/name", two_byte)).has_value());
  refused<isv::create_group_command>(with(cmd, "/name", two_byte + "\xC3\xA9"), "/name");
  refused<isv::app>(with(isv::json::encode(app()), "/install_link", std::string(2049, 'u')), "/install_link", "2048");
  refused<isv::billing_profile>(with(isv::json::encode(billing_profile()), "/contact/address", std::string(2049, 'a')),
                                "/contact/address");
  refused<isv::error>(with(isv::json::encode(error()), "/message", std::string(4097, 'm')), "/message", "4096");
}

TEST_CASE("a malformed time is refused at its path: only RFC 3339 UTC with whole seconds [D-ERR-1]") {
  const auto sub = isv::json::encode(subscription());
  for (const char* bad : {"2026-01-15", "2026-01-15T00:00:00", "2026-01-15T00:00:00+01:00", "2026-01-15T00:00:00.5Z",
                          "2026-01-15t00:00:00z", "2026-01-15 00:00:00Z", "26-01-15T00:00:00Z", "2026-1-15T00:00:00Z",
                          "+2026-01-15T00:00:0Z", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-15T24:00:00Z",
                          "2026-01-15T23:60:00Z", "2026-06-30T23:59:60Z", "2025-02-29T00:00:00Z", ""}) {
    CAPTURE(bad);
    refused<isv::subscription>(with(sub, "/purchased_at", bad), "/purchased_at");
  }
  refused<isv::subscription>(with(sub, "/term_end", 1768435200), "/term_end", "expected a time");
  refused<isv::event>(with(isv::json::encode(events()[0]), "/at", "yesterday"), "/at", "RFC 3339");
  // A leap day of a leap year is a time.
  REQUIRE(isv::json::decode<isv::subscription>(with(sub, "/purchased_at", "2028-02-29T23:59:59Z")).has_value());
}

TEST_CASE("a malformed currency is refused at its path: three capital letters [D-ERR-1]") {
  const auto inv = isv::json::encode(invoice());
  for (const char* bad : {"eur", "EURO", "EU", "", "E1R", "€", "EU\xC3\x89"}) {
    CAPTURE(bad);
    refused<isv::invoice>(with(inv, "/total/currency", bad), "/total/currency");
  }
  refused<isv::invoice>(with(inv, "/lines/0/unit_price/currency", 978), "/lines/0/unit_price/currency");
  // Only an app's price may be null (not sold for that term); other amounts must be there.
  refused<isv::invoice>(with(inv, "/total", nullptr), "/total");
  refused<isv::app>(with(isv::json::encode(app()), "/monthly_price/currency", "usd"), "/monthly_price/currency");
}

TEST_CASE("a malformed id is refused at its path: canonical decimal in a string [D-ERR-1]") {
  const auto cmd = isv::json::encode(assign_command());
  for (const char* bad : {"", "abc", "-1", "+1", "007", " 7", "7 ", "1e3", "0x10", "18446744073709551616", "4.0"}) {
    CAPTURE(bad);
    refused<isv::assign_command>(with(cmd, "/users/2", bad), "/users/2");
  }
  refused<isv::assign_command>(with(cmd, "/users/2", "18446744073709551616"), "/users/2", "out of range");
  refused<isv::assign_command>(with(cmd, "/subscription", 7), "/subscription", "a subscription id");
  REQUIRE(isv::json::decode<isv::assign_command>(with(cmd, "/users/2", "0")).has_value());
}

TEST_CASE("JSON text that is not JSON, or repeats a key, is refused with where [D-ERR-1]") {
  for (const char* bad : {"", "{", "{\"subscription\": \"7\",}", "{\"subscription\": \"7\"} x", "[1, 2", "nul",
                          "{'subscription': '7'}", "{\"subscription\": \"7\" /* note */}"}) {
    CAPTURE(bad);
    const auto e = refused_text<isv::reprocess_command>(bad);
    CHECK_THAT(e.message, Catch::Matchers::Contains("not valid JSON"));
  }
  // nlohmann would keep the last of two equal keys; a check that read the first would be fooled.
  const auto twice = refused_text<isv::change_quantity_command>(R"({"subscription": "7", "quantity": 5, "quantity": -5})");
  CHECK(pointer_in(twice.message) == "/quantity");
  CHECK_THAT(twice.message, Catch::Matchers::Contains("more than once"));
  const auto nested = refused_text<isv::event>(
      R"({"tenant": "1", "actor": null, "at": "2026-01-15T00:00:00Z",
          "payload": {"type": "users_added", "users": ["1"], "users": ["2"]}})");
  CHECK(pointer_in(nested.message) == "/payload/users");
  const auto parsed = isv::json::parse(R"({"a": {"b": 1, "b": 2}})");
  REQUIRE_FALSE(parsed.has_value());
  CHECK(pointer_in(parsed.error().message) == "/a/b");
  REQUIRE(isv::json::parse(R"({"a": {"b": 1}, "b": 2})").has_value()); // the same key in two objects is fine
  const auto in_list = refused_text<std::vector<isv::role_command>>(
      R"([{"user": "1", "role": "global_reader"}, {"user": "2", "role": "global_reader", "user": "3"}])");
  CHECK(pointer_in(in_list.message) == "/1/user");
}

TEST_CASE("JSON text nested deeper than the limit is refused while it is parsed, naming the limit [D-LIMIT-1]") {
  const auto nested = [](std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); };
  REQUIRE(isv::json::default_max_depth == 64);
  REQUIRE(isv::json::parse(nested(isv::json::default_max_depth)).has_value());
  const auto deep = isv::json::parse(nested(isv::json::default_max_depth + 1));
  REQUIRE_FALSE(deep.has_value());
  CHECK(deep.error().code == isv::errc::limit_exceeded);
  CHECK_THAT(deep.error().message, Catch::Matchers::Contains("nesting depth") && Catch::Matchers::Contains("64"));
  // Tens of thousands of levels: refused at level 65, long before a deep tree could exhaust a stack.
  const auto very_deep = isv::json::parse(R"({"args": )" + nested(100000) + "}");
  REQUIRE_FALSE(very_deep.has_value());
  CHECK(very_deep.error().code == isv::errc::limit_exceeded);
  // Objects count as arrays do; brackets inside strings do not count.
  std::string objects;
  for (int i = 0; i < 3; ++i) objects += R"({"a": )";
  objects += "1" + std::string(3, '}');
  CHECK(isv::json::parse(objects, {.max_depth = 3}).has_value());
  CHECK(isv::json::parse(R"({"a": {"b": [1]}})", {.max_depth = 2}).error().code == isv::errc::limit_exceeded);
  CHECK(isv::json::parse(R"({"a": "[[[[[[[[{{{{{{{{"})", {.max_depth = 1}).has_value());
  // Every value of the wire format, even inside a list, is far inside the default.
  const auto depth_of = [](const nlohmann::json& j, auto& self) -> std::size_t {
    std::size_t below = 0;
    if (j.is_structured())
      for (const auto& child : j) below = std::max(below, self(child, self));
    return (j.is_structured() ? 1 : 0) + below;
  };
  for (const auto& sample : all_samples()) {
    CAPTURE(sample.name);
    const auto listed = nlohmann::json::array({sample.doc});
    CHECK(depth_of(listed, depth_of) < 10);
    CHECK(isv::json::parse(listed.dump()).has_value());
  }
  // decode reads text through the same limit.
  isv::result<isv::reprocess_command> decoded = isv::error{};
  REQUIRE_NOTHROW(decoded = isv::json::decode<isv::reprocess_command>(R"({"subscription": )" + nested(1000) + "}"));
  REQUIRE_FALSE(decoded.has_value());
  CHECK(decoded.error().code == isv::errc::limit_exceeded);
}

TEST_CASE("a NUL byte anywhere in JSON text is refused, even after a complete value [D-ERR-1]") {
  using namespace std::string_view_literals;
  for (const auto text : {"{\"subscription\": \"7\"}\0{\"subscription\": \"8\"}"sv, "{\"subscription\": \"7\"}\0"sv,
                          "{\"subscription\": \"7\0\"}"sv, "\0{\"subscription\": \"7\"}"sv}) {
    CAPTURE(text.size());
    const auto e = refused_text<isv::reprocess_command>(text);
    CHECK_THAT(e.message, Catch::Matchers::Contains("not valid JSON") && Catch::Matchers::Contains("NUL"));
    REQUIRE_FALSE(isv::json::parse(text).has_value());
  }
}

TEST_CASE("a number too large to represent is refused as too large, in text and past 64 bits [D-ERR-1]") {
  for (const char* text : {"1e400", "-1e400", R"({"subscription": "7", "quantity": 1e400})"}) {
    CAPTURE(text);
    const auto parsed = isv::json::parse(text);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().code == isv::errc::invalid_argument);
    CHECK_THAT(parsed.error().message, Catch::Matchers::Contains("too large"));
  }
  // 2^64 and beyond: nlohmann reads them as doubles; the refusal says the number is too large, not that it has a fraction.
  for (const char* number : {"18446744073709551616", "99999999999999999999999", "-9223372036854775809"}) {
    CAPTURE(number);
    const auto e = refused_text<isv::change_quantity_command>(std::string(R"({"subscription": "7", "quantity": )") + number + "}");
    CHECK(pointer_in(e.message) == "/quantity");
    CHECK_THAT(e.message, Catch::Matchers::Contains("too large"));
  }
  const auto sub = isv::json::encode(subscription());
  refused<isv::subscription>(with(sub, "/version", 18446744073709551615u), "/version", "too large");
}

TEST_CASE("what one field cannot say: sorted license paths, a tenant's own grants, one billing role per user [D-ASSIGN-2, D-TENANT-1, D-ROLE-4]") {
  const auto p = isv::json::encode(paths());
  refused<isv::basic_license_paths<T>>(with(p, "/groups", {"21", "20"}), "/groups/1", "increasing order");
  refused<isv::basic_license_paths<T>>(with(p, "/groups", {"20", "20"}), "/groups/1", "repeats");
  refused<isv::license>(with(isv::json::encode(license()), "/paths/groups", {"21", "20"}), "/paths/groups/1");
  refused<isv::tenant>(with(isv::json::encode(tenant()), "/admin_roles/1/tenant", "2"), "/admin_roles/1/tenant", "D-TENANT-1");
  refused<isv::billing_profile>(with(isv::json::encode(billing_profile()), "/roles/1/user", "10"), "/roles/1/user",
                                "one role per billing profile");
}

TEST_CASE("a refused decode throws nothing and yields no value, for any JSON value in place of any type [D-ERR-1]") {
  const nlohmann::json odd[] = {nullptr, true, 0, -1, 1.5, "", "x", nlohmann::json::array(), nlohmann::json::object(),
                                nlohmann::json::binary({1, 2, 3}), nlohmann::json(nlohmann::json::value_t::discarded),
                                nlohmann::json::array({nlohmann::json::object()}), nlohmann::json{{"type", "role_granted"}}};
  for (const auto& sample : all_samples()) {
    CAPTURE(sample.name);
    for (const auto& value : odd) {
      std::variant<isv::error, nlohmann::json> r;
      REQUIRE_NOTHROW(r = sample.reread(value));
      REQUIRE(std::holds_alternative<isv::error>(r));
      CHECK(std::get<isv::error>(r).code == isv::errc::invalid_argument);
      CHECK(pointer_in(std::get<isv::error>(r).message).has_value());
    }
  }
}
