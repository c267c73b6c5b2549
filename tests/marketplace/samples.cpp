// The samples written from the marketplace's pages (tests/marketplace/samples): every file in the folder decodes, field by field, to the values it was written to hold.
#include "support.hpp"

#include <boost/describe/members.hpp>
#include <boost/mp11/algorithm.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>

using namespace mkt;

namespace {

using webhook = isv::marketplace_webhook;
using subscription = isv::marketplace_subscription;
using party = isv::marketplace_party;
using term = isv::marketplace_term;
using A = isv::marketplace_action;
using S = isv::saas_subscription_status;
using O = isv::marketplace_operation_status;

template <class T>
inline constexpr bool is_described = boost::describe::has_describe_members<T>::value;
template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

/// Compares two values member by member (through their descriptions), naming the path of each difference.
template <class T>
void check_fields(const T& actual, const T& expected, const std::string& path) {
  if constexpr (is_described<T>) {
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto d) { check_fields(actual.*d.pointer, expected.*d.pointer, path + "." + d.name); });
  } else if constexpr (is_optional<T>) {
    INFO(path << ": " << (actual ? "has a value" : "is empty") << ", expected " << (expected ? "a value" : "empty"));
    CHECK(actual.has_value() == expected.has_value());
    if (actual && expected) check_fields(*actual, *expected, path);
  } else {
    INFO(path << " differs");
    if constexpr (std::is_same_v<T, isv::marketplace_guid>) INFO(actual.to_string() << " != " << expected.to_string());
    if constexpr (std::is_same_v<T, std::string>) INFO('"' << actual << "\" != \"" << expected << '"');
    if constexpr (std::is_same_v<T, std::int64_t>) INFO(actual << " != " << expected);
    CHECK(actual == expected);
  }
}

const auto contoso = guid("11111111-2222-4333-8444-555555555555");
const auto northwind = guid("22222222-3333-4444-8555-666666666666");
const auto reseller = guid("99999999-8888-4777-8666-555555555555");
const auto design_team = guid("6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60");
const auto wiki = guid("5e0f1a2b-3c4d-4e5f-a6b7-c8d9e0f1a2b3");
const auto activity = guid("c7d8e9f0-a1b2-4c3d-8e4f-5a6b7c8d9e0f");

party person(std::string email, std::string object, isv::marketplace_guid tenant, std::optional<std::string> puid) {
  return {std::move(email), guid(object), tenant, std::move(puid)};
}

/// The design team's subscription to the notes app, as the webhook samples carry it.
subscription design_team_notes() {
  subscription s;
  s.id = design_team;
  s.name = "Notes for the design team";
  s.publisher_id = "fabrikam";
  s.offer_id = "fabrikam-notes";
  s.plan_id = "silver";
  s.quantity = 10;
  s.status = S::subscribed;
  s.beneficiary = person("admin@contoso.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee01", contoso, "1000000000000001");
  s.purchaser = s.beneficiary;
  s.term = term{at(2026, 2, 1), at(2026, 2, 28), "P1M"};
  s.auto_renew = true;
  s.created = at(2026, 1, 5, 9, 12, 44);
  return s;
}

webhook notice(std::string_view operation, A action, isv::marketplace_guid sub, std::chrono::sys_seconds stamp) {
  webhook w;
  w.operation_id = guid(operation);
  w.activity_id = activity;
  w.subscription_id = sub;
  w.publisher_id = "fabrikam";
  w.offer_id = "fabrikam-notes";
  w.plan_id = "silver";
  w.quantity = 10;
  w.action = action;
  w.time_stamp = stamp;
  return w;
}

using expectation = std::variant<webhook, subscription>;

std::map<std::string, expectation> expectations() {
  std::map<std::string, expectation> out;

  // ChangePlan: the new plan at the top level, the nested subscription still on its old plan.
  webhook change_plan = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a01", A::change_plan, design_team, at(2026, 2, 10, 18, 48, 58));
  change_plan.plan_id = "gold";
  change_plan.status = O::in_progress;
  change_plan.operation_request_source = "Azure";
  change_plan.subscription = design_team_notes();
  change_plan.subscription->last_modified = at(2026, 2, 10, 18, 48, 57);
  out["webhook-change-plan.json"] = change_plan;

  // ChangeQuantity: 25 at the top level, 10 in the nested subscription.
  webhook change_quantity =
      notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a02", A::change_quantity, design_team, at(2026, 2, 14, 20, 26, 5));
  change_quantity.quantity = 25;
  change_quantity.status = O::in_progress;
  change_quantity.operation_request_source = "Partner";
  change_quantity.subscription = design_team_notes();
  change_quantity.subscription->last_modified = at(2026, 2, 14, 20, 26, 4);
  out["webhook-change-quantity.json"] = change_quantity;

  webhook renew = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a03", A::renew, wiki, at(2026, 3, 4, 19, 48, 6));
  renew.offer_id = "fabrikam-wiki";
  renew.plan_id = "site";
  renew.quantity = 1;
  renew.status = O::succeeded;
  renew.operation_request_source = "Azure";
  subscription wiki_sub;
  wiki_sub.id = wiki;
  wiki_sub.name = "Team wiki";
  wiki_sub.publisher_id = "fabrikam";
  wiki_sub.offer_id = "fabrikam-wiki";
  wiki_sub.plan_id = "site";
  wiki_sub.status = S::subscribed;
  wiki_sub.beneficiary = person("it@contoso.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee02", contoso, std::nullopt);
  wiki_sub.purchaser = wiki_sub.beneficiary;
  wiki_sub.term = term{at(2026, 3, 4), at(2027, 3, 3), "P1Y"};
  wiki_sub.auto_renew = true;
  wiki_sub.created = at(2025, 3, 4, 7, 3, 17);
  wiki_sub.last_modified = at(2026, 3, 4, 19, 48, 6);
  renew.subscription = wiki_sub;
  out["webhook-renew.json"] = renew;

  webhook suspend = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a04", A::suspend, design_team, at(2026, 3, 10, 16, 34, 41));
  suspend.status = O::succeeded;
  suspend.operation_request_source = "Azure";
  suspend.subscription = design_team_notes();
  suspend.subscription->term = term{at(2026, 3, 1), at(2026, 3, 31), "P1M"};
  suspend.subscription->last_modified = at(2026, 3, 9, 22, 49, 25);
  out["webhook-suspend.json"] = suspend;

  webhook unsubscribe = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a05", A::unsubscribe, design_team, at(2026, 3, 12, 1, 53, 14));
  unsubscribe.status = O::succeeded;
  unsubscribe.operation_request_source = "Azure";
  unsubscribe.subscription = design_team_notes();
  unsubscribe.subscription->status = S::unsubscribed;
  unsubscribe.subscription->term = term{at(2026, 3, 1), at(2026, 3, 31), "P1M"};
  unsubscribe.subscription->last_modified = at(2026, 3, 11, 22, 32, 6);
  out["webhook-unsubscribe.json"] = unsubscribe;

  // Reinstate: the quantity written as a string of digits, no nested subscription.
  webhook reinstate = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a06", A::reinstate, design_team, at(2026, 4, 15, 20, 17, 31));
  reinstate.quantity = 20;
  reinstate.status = O::in_progress;
  out["webhook-reinstate.json"] = reinstate;

  webhook subscribe = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a07", A::subscribe,
                             guid("7b2e5d6f-9a3c-4b4d-8e8f-2c3d4e5f6a71"), at(2026, 4, 20, 10, 0, 0));
  subscribe.quantity = 5;
  subscribe.status = O::succeeded;
  subscribe.operation_request_source = "Azure";
  out["webhook-subscribe.json"] = subscribe;

  webhook whole_seconds = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a08", A::renew, design_team, at(2026, 5, 1, 8, 0, 0));
  whole_seconds.status = O::succeeded;
  whole_seconds.operation_request_source = "Azure";
  out["webhook-time-without-fraction.json"] = whole_seconds;

  // No zone: read as UTC.
  webhook no_zone = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a09", A::reinstate, design_team, at(2026, 5, 2, 0, 0, 0));
  no_zone.quantity = 20;
  no_zone.status = O::in_progress;
  out["webhook-time-without-zone.json"] = no_zone;

  // 02:30:00.999 at +02:00 is 00:30:00 UTC, the fraction cut off.
  webhook offset = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a0a", A::change_quantity, design_team, at(2026, 5, 3, 0, 30, 0));
  offset.quantity = 12;
  offset.status = O::in_progress;
  offset.operation_request_source = "Partner";
  out["webhook-time-with-offset.json"] = offset;

  // Unknown fields ignored, documented nulls read as absent, "" as no quantity, an upper-case GUID.
  webhook lenient = notice("0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a0b", A::suspend, wiki, at(2026, 5, 4, 11, 22, 33));
  lenient.activity_id.reset();
  lenient.offer_id = "fabrikam-wiki";
  lenient.plan_id = "site";
  lenient.quantity.reset();
  lenient.status = O::succeeded;
  subscription lenient_sub = wiki_sub;
  lenient_sub.beneficiary.object_id.reset();
  lenient_sub.purchaser.reset();
  lenient_sub.term = term{std::nullopt, std::nullopt, "P1Y"};
  lenient_sub.auto_renew.reset();
  lenient_sub.last_modified.reset();
  lenient.subscription = lenient_sub;
  out["webhook-unknown-fields-and-nulls.json"] = lenient;

  subscription pending;
  pending.id = guid("7b2e5d6f-9a3c-4b4d-8e8f-2c3d4e5f6a71");
  pending.name = "Notes for the sales team";
  pending.publisher_id = "fabrikam";
  pending.offer_id = "fabrikam-notes";
  pending.plan_id = "silver";
  pending.quantity = 5;
  pending.status = S::pending_fulfillment_start;
  pending.beneficiary = person("sales-admin@contoso.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee03", contoso, "1000000000000003");
  pending.purchaser = pending.beneficiary;
  pending.term = term{std::nullopt, std::nullopt, "P1M"};
  pending.auto_renew = true;
  pending.last_modified = at(1, 1, 1); // the pages show year 1 for a subscription never modified
  out["subscription-pending-fulfillment-start.json"] = pending;

  // " Subscribed ": the pages' own sample pads the status with spaces.
  subscription subscribed = design_team_notes();
  subscribed.last_modified = at(2026, 2, 1);
  out["subscription-subscribed.json"] = subscribed;

  // Bought through a reseller: another purchaser; term dates written as dates; isFreeTrial absent.
  subscription suspended;
  suspended.id = guid("8c3f6e7a-0b4d-4c5e-9f9a-3d4e5f6a7b82");
  suspended.name = "Notes bought through a reseller";
  suspended.publisher_id = "fabrikam";
  suspended.offer_id = "fabrikam-notes";
  suspended.plan_id = "gold";
  suspended.status = S::suspended;
  suspended.beneficiary = person("admin@northwind.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee04", northwind, "1000000000000004");
  suspended.purchaser = person("orders@reseller.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee05", reseller, "1000000000000005");
  suspended.term = term{at(2025, 5, 31), at(2026, 5, 30), "P1Y"};
  suspended.auto_renew = false;
  out["subscription-suspended.json"] = suspended;

  subscription unsubscribed;
  unsubscribed.id = guid("9d4a7f8b-1c5e-4d6f-8a0b-4e5f6a7b8c93");
  unsubscribed.name = "Trial of the wiki";
  unsubscribed.publisher_id = "fabrikam";
  unsubscribed.offer_id = "fabrikam-wiki";
  unsubscribed.plan_id = "site";
  unsubscribed.status = S::unsubscribed;
  unsubscribed.beneficiary = person("it@contoso.example", "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee02", contoso, std::nullopt);
  unsubscribed.purchaser = unsubscribed.beneficiary;
  unsubscribed.term = term{at(2026, 1, 10), at(2026, 2, 9), "P1M"};
  unsubscribed.auto_renew = false;
  unsubscribed.is_free_trial = true;
  unsubscribed.is_test = true;
  unsubscribed.created = at(2026, 1, 10, 8, 15, 0);
  unsubscribed.last_modified = at(2026, 2, 9, 23, 59, 59); // .9999999 cut off, not rounded up
  out["subscription-unsubscribed.json"] = unsubscribed;

  return out;
}

} // namespace

TEST_CASE("marketplace samples: every file in the folder decodes to the values it was written to hold") {
  const auto expected = expectations();
  const auto names = sample_names();
  REQUIRE_FALSE(names.empty());
  for (const auto& name : names) {
    INFO("sample " << name);
    const auto it = expected.find(name);
    REQUIRE(it != expected.end()); // a new sample needs its expected values here
    const auto text = read_sample(name);
    if (const auto* w = std::get_if<webhook>(&it->second)) {
      CHECK(name.rfind("webhook-", 0) == 0);
      const auto decoded = isv::json::decode_marketplace_webhook(text);
      INFO((decoded ? std::string("decoded") : decoded.error().message));
      REQUIRE(decoded.has_value());
      check_fields(decoded.value(), *w, "webhook");
      CHECK(decoded.value() == *w);
    } else {
      CHECK(name.rfind("subscription-", 0) == 0);
      const auto decoded = isv::json::decode_marketplace_subscription(text);
      INFO((decoded ? std::string("decoded") : decoded.error().message));
      REQUIRE(decoded.has_value());
      check_fields(decoded.value(), std::get<subscription>(it->second), "subscription");
      CHECK(decoded.value() == std::get<subscription>(it->second));
    }
  }
  for (const auto& [name, value] : expected) {
    INFO("expected values for a sample that is not in the folder: " << name);
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  }
}

TEST_CASE("marketplace samples: one per action and one resource per status") {
  std::map<A, int> actions;
  std::map<S, int> statuses;
  for (const auto& name : sample_names()) {
    const auto text = read_sample(name);
    if (name.rfind("webhook-", 0) == 0) {
      const auto w = isv::json::decode_marketplace_webhook(text);
      REQUIRE(w.has_value());
      ++actions[w.value().action];
    } else {
      const auto s = isv::json::decode_marketplace_subscription(text);
      REQUIRE(s.has_value());
      ++statuses[s.value().status];
    }
  }
  for (const auto a : isv::enum_values<A>) {
    INFO(isv::marketplace_name(a));
    CHECK(actions[a] >= 1);
  }
  for (const auto s : isv::enum_values<S>) {
    INFO(isv::marketplace_name(s));
    CHECK(statuses[s] >= 1);
  }
}

TEST_CASE("marketplace samples: the requested plan and quantity are the top-level ones") {
  const auto plan = isv::json::decode_marketplace_webhook(read_sample("webhook-change-plan.json"));
  REQUIRE(plan.has_value());
  CHECK(plan.value().requested().plan_id == std::optional<std::string>("gold"));
  REQUIRE(plan.value().subscription.has_value());
  CHECK(plan.value().subscription->plan_id == "silver");

  const auto quantity = isv::json::decode_marketplace_webhook(read_sample("webhook-change-quantity.json"));
  REQUIRE(quantity.has_value());
  CHECK(quantity.value().requested().quantity == std::optional<isv::count_t>(25));
  REQUIRE(quantity.value().subscription.has_value());
  CHECK(quantity.value().subscription->quantity == std::optional<isv::count_t>(10));
}

namespace {
struct nanosecond_traits {
  using id_rep = std::uint64_t;
  using string_type = std::string;
  using time_point = std::chrono::sys_time<std::chrono::nanoseconds>;
  using money_rep = std::int64_t;
};
struct millisecond_traits {
  using id_rep = std::uint64_t;
  using string_type = std::string;
  using time_point = std::chrono::sys_time<std::chrono::milliseconds>;
  using money_rep = std::int64_t;
};
} // namespace

TEST_CASE("marketplace samples: fractions of a second are kept to the traits' precision and cut beyond it") {
  using namespace std::chrono;
  const auto text = read_sample("webhook-change-plan.json"); // "2026-02-10T18:48:58.4449937Z"
  const auto ns = isv::json::decode_marketplace_webhook<nanosecond_traits>(text);
  REQUIRE(ns.has_value());
  CHECK(ns.value().time_stamp == sys_time<nanoseconds>{at(2026, 2, 10, 18, 48, 58).time_since_epoch() + nanoseconds{444'993'700}});
  const auto ms = isv::json::decode_marketplace_webhook<millisecond_traits>(text);
  REQUIRE(ms.has_value());
  CHECK(ms.value().time_stamp == sys_time<milliseconds>{at(2026, 2, 10, 18, 48, 58).time_since_epoch() + milliseconds{444}});
  const auto s = isv::json::decode_marketplace_webhook(text);
  REQUIRE(s.has_value());
  CHECK(s.value().time_stamp == at(2026, 2, 10, 18, 48, 58));

  // Year 1 (the pages' lastModified of a new subscription) is outside what nanoseconds in 64 bits hold.
  const auto pending = isv::json::decode_marketplace_subscription<nanosecond_traits>(read_sample("subscription-pending-fulfillment-start.json"));
  REQUIRE_FALSE(pending.has_value());
  CHECK(pointer_in(pending.error().message) == "/lastModified");
}
