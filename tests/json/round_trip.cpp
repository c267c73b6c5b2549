// JSON round trips: every entity, command, event and error reads back as it was written, and the wire names follow docs/wire-format.md.
#include "samples.hpp"

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>

using namespace samples;

// What has a wire format: every entity, command, event and error, and lists of them. An actor has
// none on purpose: it is built from the tenant's grants, never taken from a request.
static_assert(isv::json::encodable<isv::subscription> && isv::json::encodable<isv::event_payload_t<T>>);
static_assert(isv::json::encodable<std::vector<isv::event>> && isv::json::encodable<isv::error>);
static_assert(!isv::json::encodable<isv::actor> && !isv::json::encodable<isv::directory> && !isv::json::encodable<int>);
static_assert(std::is_same_v<isv::json::decoded_t<isv::error>, isv::json::decoded_error>);
static_assert(std::is_same_v<isv::json::decoded_t<isv::tenant>, isv::tenant>);

TEST_CASE("entities round-trip: tenant, admin role, app, subscription, license, billing profile, invoice [D-AUDIT-1]") {
  check_round_trip(tenant_read_today());
  check_round_trip(admin_role());
  check_round_trip(app());
  check_round_trip(monthly_only_app());
  check_round_trip(subscription());
  check_round_trip(bare_subscription());
  check_round_trip(paths());
  check_round_trip(isv::basic_license_paths<T>{false, {}, at(2026, 1, 1)});
  check_round_trip(license());
  check_round_trip(violation());
  check_round_trip(card());
  check_round_trip(contact());
  check_round_trip(billing_profile());
  check_round_trip(isv::billing_profile{profile_id, tenant_id, "Empty", {}, {}, std::nullopt, {}, 0});
  check_round_trip(invoice_line());
  check_round_trip(invoice());
}

TEST_CASE("a tenant's old region name decodes as its ISO 3166-1 code, while Western Europe and unknown names stay [D-BUY-5]") {
  const auto region_of = [](std::string_view region) {
    auto doc = isv::json::encode(tenant_read_today());
    doc["region"] = std::string(region);
    const auto back = isv::json::decode<isv::tenant>(doc);
    REQUIRE(back.has_value());
    return back.value().region;
  };
  CHECK(region_of("Germany") == "DE");
  CHECK(region_of("United Kingdom") == "GB");
  CHECK(region_of("United States") == "US");
  CHECK(region_of("Puerto Rico") == "PR");
  CHECK(region_of("South Africa") == "ZA");
  CHECK(region_of("Japan") == "JP");
  CHECK(region_of("NL") == "NL");
  CHECK(region_of("Western Europe") == "Western Europe"); // no one country: kept, see isv::sells_to
  CHECK(region_of("Atlantis") == "Atlantis");
  // The golden sample's text, as release 0.1.0 wrote it, reads as today's tenant.
  const auto old_text = isv::json::encode_text(tenant());
  REQUIRE(old_text.has_value());
  CHECK(old_text.value().find("\"region\":\"Germany\"") != std::string::npos);
  const auto back = isv::json::decode<isv::tenant>(std::string_view(old_text.value()));
  REQUIRE(back.has_value());
  CHECK(back.value() == tenant_read_today());
}

TEST_CASE("commands round-trip: every command struct of the library, and what assign and unassign report") {
  check_round_trip(purchase_command());
  check_round_trip(vendor_purchase_command());
  check_round_trip(isv::install_command{subscription_id});
  check_round_trip(assign_command());
  check_round_trip(assignment_report());
  check_round_trip(unassign_command());
  check_round_trip(unassign_preview());
  check_round_trip(isv::reprocess_command{subscription_id});
  check_round_trip(isv::add_users_command{{isv::user_id{1}, isv::user_id{18446744073709551615u}}});
  check_round_trip(isv::create_group_command{sales, "Sales"});
  check_round_trip(isv::membership_command{sales, {isv::user_id{100}}});
  check_round_trip(isv::role_command{isv::user_id{11}, isv::directory_role::global_reader});
  check_round_trip(isv::change_quantity_command{subscription_id, isv::max_quantity});
  check_round_trip(isv::cancel_command{subscription_id});
  check_round_trip(isv::auto_renew_command{subscription_id, true});
  check_round_trip(isv::basic_change_billing_profile_command<T>{subscription_id, profile_id});
  check_round_trip(isv::basic_create_billing_profile_command<T>{profile_id, "EU", contact()});
  check_round_trip(isv::basic_contact_info_command<T>{profile_id, contact()});
  check_round_trip(isv::basic_add_payment_method_command<T>{profile_id, card()});
  check_round_trip(isv::basic_payment_method_command<T>{profile_id, card_id});
  check_round_trip(isv::basic_billing_role_command<T>{profile_id, isv::user_id{12}, isv::billing_role::owner});
  check_round_trip(isv::basic_billing_role_command<T>{profile_id, isv::user_id{12}, std::nullopt});
  check_round_trip(isv::basic_issue_invoice_command<T>{invoice_id, profile_id});
  check_round_trip(isv::basic_pay_invoice_command<T>{invoice_id, card_id});
  check_round_trip(isv::basic_pay_invoice_command<T>{invoice_id, std::nullopt});
  check_round_trip(isv::view_invoice_command{invoice_id});
  check_round_trip(isv::collect_overdue_command{invoice_id});
  check_round_trip(isv::advance_command{{subscription_id}});
  check_round_trip(isv::advance_command{}); // empty: every subscription of the tenant
  check_round_trip(isv::remove_users_command{{isv::user_id{100}, isv::user_id{101}}});
  check_round_trip(isv::delete_group_command{sales});
  check_round_trip(isv::name_user_command{isv::user_id{100}, "Zoë Ø"});
  check_round_trip(isv::reinstate_command{subscription_id});
}

TEST_CASE("every one of the event payloads round-trips, inside its envelope and alone [D-AUDIT-1]") {
  const auto all = events();
  std::set<std::size_t> kinds;
  for (const auto& e : all) kinds.insert(e.payload.index());
  CHECK(kinds.size() == std::variant_size_v<isv::event_payload_t<T>>);
  CHECK(all.size() == kinds.size());
  for (const auto& e : all) {
    CAPTURE(isv::event_name<T>(e.payload));
    check_round_trip(e);
    check_round_trip(e.payload);
  }
  check_round_trip(all); // a log: a list of events
}

TEST_CASE("an event's payload carries its event_name as \"type\", its envelope the tenant, actor and time") {
  const auto all = events();
  for (const auto& e : all) {
    const auto doc = isv::json::encode(e);
    CHECK(doc.at("payload").at("type") == isv::event_name<T>(e.payload));
    CHECK(doc.at("tenant") == "1");
    CHECK(doc.at("at") == "2026-01-15T09:00:00Z");
    if (e.actor) CHECK(doc.at("actor") == "10");
    else CHECK(doc.at("actor").is_null());
  }
}

TEST_CASE("an isv::error round-trips as {code, message} with the errc's short name, for every code [D-ERR-1]") {
  check_round_trip(error());
  CHECK(isv::json::encode(error()) ==
        nlohmann::json{{"code", "seats_exhausted"}, {"message", error().message}});
  for (int code = 1; isv::to_string(static_cast<isv::errc>(code)) != "unknown"; ++code) {
    const isv::error e{static_cast<isv::errc>(code), "because"};
    CAPTURE(isv::to_string(e.code));
    check_round_trip(e);
    CHECK(isv::json::encode(e).at("code") == isv::to_string(e.code));
  }
}

TEST_CASE("the wire format: snake_case fields, enums as strings, ids as decimal strings, RFC 3339 times, money objects") {
  const auto doc = isv::json::encode(subscription());
  CHECK(doc.at("id") == "7");
  CHECK(doc.at("tenant") == "1");
  CHECK(doc.at("channel") == "partner");
  CHECK(doc.at("status") == "suspended");
  CHECK(doc.at("licenses_in_use") == 20);
  CHECK(doc.at("unit_price") == nlohmann::json{{"minor_units", 12345}, {"currency", "EUR"}});
  CHECK(doc.at("purchased_at") == "2026-01-15T00:00:00Z");
  CHECK(doc.at("grace_ends") == "2026-03-01T12:00:00Z");
  CHECK(doc.at("lapsed_invoice") == "900");

  const auto bare = isv::json::encode(bare_subscription());
  for (const char* key : {"quantity", "reason", "billing_profile", "term_start", "term_end", "grace_ends", "lapsed_invoice"}) {
    CAPTURE(key);
    CHECK(bare.at(key).is_null()); // empty optionals are written as null, never left out
  }
  CHECK(isv::json::encode(isv::role_command{isv::user_id{1}, isv::directory_role::license_administrator}).at("role") ==
        "license_administrator");
  CHECK(isv::json::encode(monthly_only_app()).at("annual_price").is_null());
  CHECK(isv::json::encode(isv::user_id{18446744073709551615u}) == "18446744073709551615");
}

TEST_CASE("optional fields may be left out or null when read, but null-only ones must be present") {
  auto doc = isv::json::encode(bare_subscription());
  for (const char* key : {"quantity", "reason", "billing_profile", "term_start", "term_end", "grace_ends", "lapsed_invoice"})
    doc.erase(key);
  const auto r = isv::json::decode<isv::subscription>(doc);
  REQUIRE(r.has_value());
  CHECK(r.value() == bare_subscription());

  const auto pay = isv::json::decode<isv::basic_pay_invoice_command<T>>(R"({"invoice": "900"})");
  REQUIRE(pay.has_value());
  CHECK_FALSE(pay.value().method.has_value());
}

TEST_CASE("events produced by the operations round-trip, and replaying the decoded log rebuilds the subscription [D-AUDIT-1]") {
  const auto now = at(2026, 1, 15);
  const isv::tenant org{tenant_id, "Contoso", "DE", {admin_role()}, 0};
  const auto admin = org.actor(isv::user_id{10});
  const auto product = app();

  std::vector<isv::event> log;
  const auto append = [&](const auto& events) { log.insert(log.end(), events.begin(), events.end()); };
  const auto profile =
      isv::create_billing_profile(org, admin, isv::basic_create_billing_profile_command<T>{profile_id, "EU", contact()}, now);
  REQUIRE(profile.has_value());
  append(profile.value().events);
  const auto bought = isv::purchase(org, product, std::span(&profile.value().state, 1), {}, admin, purchase_command(), now);
  REQUIRE(bought.has_value());
  append(bought.value().events);

  isv::directory dir{tenant_id};
  const auto users = isv::add_users(dir, admin, isv::add_users_command{{isv::user_id{100}, isv::user_id{101}}}, now);
  REQUIRE(users.has_value());
  for (const auto& e : users.value().events) isv::apply(dir, e);
  append(users.value().events);
  const isv::license_book book{subscription_id};
  const auto assigned =
      isv::assign(bought.value().state, book, dir, admin, isv::assign_command{subscription_id, {isv::user_id{100}}, {}}, now);
  REQUIRE(assigned.has_value());
  append(assigned.value().events);
  const auto changed = isv::change_quantity(assigned.value().state, admin, isv::change_quantity_command{subscription_id, 40},
                                            now + std::chrono::hours{1});
  REQUIRE(changed.has_value());
  append(changed.value().events);

  const auto text = isv::json::encode_text(log);
  REQUIRE(text.has_value());
  const auto decoded = isv::json::decode<std::vector<isv::event>>(std::string_view(text.value()));
  REQUIRE(decoded.has_value());
  CHECK(decoded.value() == log);
  const auto rebuilt = isv::replay_subscription<T>(subscription_id, decoded.value());
  REQUIRE(rebuilt.has_value());
  CHECK(rebuilt.value().first == changed.value().state);
  CHECK(rebuilt.value().first.quantity == 40);
  CHECK(rebuilt.value().first.licenses_in_use == 1);
}

namespace {
/// Traits with string ids: the codecs are templates on the traits, not written for default_traits only.
struct text_id_traits {
  using id_rep = std::string;
  using string_type = std::string;
  using time_point = std::chrono::sys_seconds;
  using money_rep = std::int32_t;
};
} // namespace

TEST_CASE("the codecs work for other traits: string ids are written as they are, money in the traits' width") {
  static_assert(isv::json::json_traits<text_id_traits>);
  using TT = text_id_traits;
  isv::basic_subscription<TT> s;
  s.id = isv::subscription_id_t<TT>{"sub-7f3a"};
  s.tenant = isv::tenant_id_t<TT>{"contoso.example"};
  s.app = isv::app_id_t<TT>{"fabrikam.planner"};
  s.unit_price = {2147483647, isv::currency{"SEK"}};
  s.quantity = 3;
  s.billing_profile = isv::billing_profile_id_t<TT>{"bp/eu~1"};
  check_round_trip(s);
  CHECK(isv::json::encode(s).at("id") == "sub-7f3a");
  check_round_trip(isv::basic_event<TT>{s.tenant, isv::user_id_t<TT>{"ana@contoso.example"}, at(2026, 1, 1),
                                        isv::basic_subscription_purchased<TT>{s}});

  auto doc = isv::json::encode(s);
  doc["unit_price"]["minor_units"] = 2147483648LL;
  const auto wide = isv::json::decode<isv::basic_subscription<TT>>(doc);
  REQUIRE_FALSE(wide.has_value());
  CHECK(wide.error().code == isv::errc::invalid_argument);
  CHECK(pointer_in(wide.error().message) == "/unit_price/minor_units");
  doc = isv::json::encode(s);
  doc["id"] = "";
  const auto empty = isv::json::decode<isv::basic_subscription<TT>>(doc);
  REQUIRE_FALSE(empty.has_value());
  CHECK(pointer_in(empty.error().message) == "/id");
}
