// Decoding faults of the marketplace's JSON: what a decision needs, missing, null or of the wrong kind, is refused with errc::invalid_argument naming its JSON Pointer; everything else may be missing.
#include "support.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

using namespace mkt;

namespace {

using json = nlohmann::json;

enum class kind { webhook, subscription };

isv::result<bool> decode(kind k, const std::string& text) {
  if (k == kind::webhook) {
    const auto r = isv::json::decode_marketplace_webhook(text);
    if (!r) return r.error();
  } else {
    const auto r = isv::json::decode_marketplace_subscription(text);
    if (!r) return r.error();
  }
  return true;
}

kind kind_of(const std::string& sample) { return sample.rfind("webhook-", 0) == 0 ? kind::webhook : kind::subscription; }

/// Decodes `doc` and checks the refusal: invalid_argument, naming `pointer`, and saying `words`.
void refused(kind k, const json& doc, const std::string& pointer, const std::string& words = {}) {
  const auto text = doc.dump();
  INFO(text);
  isv::result<bool> r = isv::error{};
  REQUIRE_NOTHROW(r = decode(k, text));
  REQUIRE_FALSE(r.has_value());
  INFO(r.error().message);
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK(pointer_in(r.error().message) == pointer);
  if (!words.empty()) CHECK(r.error().message.find(words) != std::string::npos);
}

void accepted(kind k, const json& doc) {
  const auto text = doc.dump();
  INFO(text);
  const auto r = decode(k, text);
  INFO((r ? std::string("accepted") : r.error().message));
  CHECK(r.has_value());
}

json sample(const std::string& name) { return json::parse(read_sample(name)); }

json with(json doc, const std::string& pointer, json value) {
  doc[json::json_pointer(pointer)] = std::move(value);
  return doc;
}

json without(json doc, const std::string& pointer) {
  const json::json_pointer p(pointer);
  doc[p.parent_pointer()].erase(p.back());
  return doc;
}

/// The JSON Pointer of every member of every object in `doc` (array elements are not members).
void members(const json& doc, const std::string& here, std::vector<std::string>& out) {
  if (!doc.is_object()) return;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string p = here + "/" + it.key();
    out.push_back(p);
    members(it.value(), p, out);
  }
}

/// What a decision needs of each sample: the members whose absence refuses it. The operation id,
/// the subscription, the action and the time stamp of a webhook call; the new plan of a ChangePlan
/// and the new quantity of a ChangeQuantity; the subscription's id, offer, plan, status and
/// beneficiary tenant (and the purchaser's tenant, when a purchaser is given).
std::set<std::string> required_of(const std::string& name, const json& doc) {
  std::set<std::string> out;
  std::string sub;
  if (kind_of(name) == kind::webhook) {
    out = {"/id", "/subscriptionId", "/action", "/timeStamp"};
    if (doc["action"] == "ChangePlan") out.insert("/planId");
    if (doc["action"] == "ChangeQuantity") out.insert("/quantity");
    if (!doc.contains("subscription") || doc["subscription"].is_null()) return out;
    sub = "/subscription";
  }
  for (const auto* field : {"/id", "/offerId", "/planId", "/saasSubscriptionStatus", "/beneficiary", "/beneficiary/tenantId"})
    out.insert(sub + field);
  const json::json_pointer purchaser(sub + "/purchaser");
  if (doc.contains(purchaser) && !doc[purchaser].is_null()) out.insert(sub + "/purchaser/tenantId");
  return out;
}

} // namespace

TEST_CASE("marketplace faults: each member a decision needs, removed from any sample, is refused naming its pointer") {
  for (const auto& name : sample_names()) {
    const auto doc = sample(name);
    const auto required = required_of(name, doc);
    std::vector<std::string> pointers;
    members(doc, "", pointers);
    for (const auto& p : pointers) {
      INFO(name << " without " << p);
      if (required.count(p)) refused(kind_of(name), without(doc, p), p, "is missing");
      else accepted(kind_of(name), without(doc, p)); // everything else is optional
    }
    for (const auto& p : required) {
      INFO(name << ": " << p << " is in the sample");
      CHECK(doc.contains(json::json_pointer(p)));
    }
  }
}

TEST_CASE("marketplace faults: each member a decision needs, null in any sample, is refused naming its pointer") {
  for (const auto& name : sample_names()) {
    const auto doc = sample(name);
    for (const auto& p : required_of(name, doc)) {
      INFO(name << " with null at " << p);
      refused(kind_of(name), with(doc, p, nullptr), p, "is null");
    }
  }
}

TEST_CASE("marketplace faults: a ChangeQuantity whose quantity is an empty string is refused at /quantity") {
  const auto doc = sample("webhook-change-quantity.json");
  refused(kind::webhook, with(doc, "/quantity", ""), "/quantity", "ChangeQuantity");
  refused(kind::webhook, with(sample("webhook-change-plan.json"), "/planId", ""), "/planId", "must not be empty");
}

TEST_CASE("marketplace faults: values of the wrong kind are refused naming their pointer and what was expected") {
  const auto w = sample("webhook-change-plan.json");
  refused(kind::webhook, with(w, "/id", 42), "/id", "expected a GUID");
  refused(kind::webhook, with(w, "/subscriptionId", json::array()), "/subscriptionId", "expected a GUID");
  refused(kind::webhook, with(w, "/activityId", true), "/activityId", "expected a GUID");
  refused(kind::webhook, with(w, "/action", 3), "/action", "expected an action (a string)");
  refused(kind::webhook, with(w, "/status", json::object()), "/status", "expected an operation status (a string)");
  refused(kind::webhook, with(w, "/timeStamp", 1700000000), "/timeStamp", "expected a time");
  refused(kind::webhook, with(w, "/planId", 7), "/planId", "expected a plan id (a string)");
  refused(kind::webhook, with(w, "/quantity", true), "/quantity", "a whole number, a string of digits");
  refused(kind::webhook, with(w, "/quantity", 2.5), "/quantity");
  refused(kind::webhook, with(w, "/quantity", -1), "/quantity", "out of range");
  refused(kind::webhook, with(w, "/quantity", 1'000'000'001), "/quantity", "out of range");
  refused(kind::webhook, with(w, "/quantity", "12a"), "/quantity", "decimal digits");
  refused(kind::webhook, with(w, "/quantity", "-3"), "/quantity", "decimal digits");
  refused(kind::webhook, with(w, "/quantity", "99999999999999999999"), "/quantity");
  refused(kind::webhook, with(w, "/publisherId", 1), "/publisherId", "expected a publisher id (a string)");
  refused(kind::webhook, with(w, "/purchaseToken", 1), "/purchaseToken", "expected a purchase token (a string)");
  refused(kind::webhook, with(w, "/subscription", json::array()), "/subscription", "expected a SaaS subscription (an object)");
  refused(kind::webhook, with(w, "/subscription/isFreeTrial", "false"), "/subscription/isFreeTrial", "expected true or false");
  refused(kind::webhook, with(w, "/subscription/autoRenew", 1), "/subscription/autoRenew", "expected true or false");
  refused(kind::webhook, with(w, "/subscription/beneficiary", "admin@contoso.example"), "/subscription/beneficiary",
          "expected a beneficiary (an object)");
  refused(kind::webhook, with(w, "/subscription/beneficiary/tenantId", 5), "/subscription/beneficiary/tenantId", "expected a GUID");
  refused(kind::webhook, with(w, "/subscription/purchaser/objectId", "x"), "/subscription/purchaser/objectId", "8-4-4-4-12");
  refused(kind::webhook, with(w, "/subscription/term", "P1M"), "/subscription/term", "expected a term (an object)");
  refused(kind::webhook, with(w, "/subscription/term/startDate", 0), "/subscription/term/startDate", "expected a time");
  refused(kind::webhook, with(w, "/subscription/saasSubscriptionStatus", false), "/subscription/saasSubscriptionStatus",
          "expected a SaaS subscription status (a string)");
  refused(kind::webhook, json::array({w}), "", "expected a webhook payload (an object)");
  refused(kind::subscription, json("Subscribed"), "", "expected a SaaS subscription (an object)");
}

TEST_CASE("marketplace faults: unknown action, operation status and subscription status names are refused naming their pointer") {
  const auto w = sample("webhook-change-plan.json");
  refused(kind::webhook, with(w, "/action", "Delete"), "/action", "unknown action \"Delete\"");
  refused(kind::webhook, with(w, "/action", "changePlan"), "/action", "\"ChangePlan\""); // names are spelt exactly
  refused(kind::webhook, with(w, "/action", ""), "/action", "unknown action");
  refused(kind::webhook, with(w, "/status", "Success"), "/status", "unknown operation status \"Success\"");
  refused(kind::webhook, with(w, "/subscription/saasSubscriptionStatus", "Active"), "/subscription/saasSubscriptionStatus",
          "unknown SaaS subscription status \"Active\"; expected one of \"PendingFulfillmentStart\", \"Subscribed\", "
          "\"Suspended\", \"Unsubscribed\"");
  refused(kind::subscription, with(sample("subscription-suspended.json"), "/saasSubscriptionStatus", "suspended"),
          "/saasSubscriptionStatus", "unknown SaaS subscription status");
}

TEST_CASE("marketplace faults: malformed GUIDs are refused naming their pointer") {
  const auto w = sample("webhook-change-plan.json");
  for (const auto* bad : {"{6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60}", "6a1d4c5e8f2b4a3c9d7e1b2c3d4e5f60",
                          "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f6", "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f6z", "<guid>", ""}) {
    INFO(bad);
    refused(kind::webhook, with(w, "/id", bad), "/id", "8-4-4-4-12");
    refused(kind::webhook, with(w, "/subscriptionId", bad), "/subscriptionId", "8-4-4-4-12");
    refused(kind::webhook, with(w, "/subscription/id", bad), "/subscription/id", "8-4-4-4-12");
    refused(kind::webhook, with(w, "/subscription/beneficiary/tenantId", bad), "/subscription/beneficiary/tenantId", "8-4-4-4-12");
  }
}

TEST_CASE("marketplace faults: a nested subscription of another subscription is refused at /subscription/id") {
  const auto w = sample("webhook-change-plan.json");
  refused(kind::webhook, with(w, "/subscription/id", "5e0f1a2b-3c4d-4e5f-a6b7-c8d9e0f1a2b3"), "/subscription/id",
          "is not the payload's subscriptionId");
}

TEST_CASE("marketplace faults: malformed or impossible times are refused naming their pointer") {
  const auto w = sample("webhook-change-plan.json");
  for (const auto* bad : {"", "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-10T24:00:00Z", "2026-02-10T18:60:00Z",
                          "2026-02-10T18:48:60Z", "2026-02-10T18:48Z", "2026-02-10T18:48:58.Z", "2026-02-10T18:48:58ZZ",
                          "2026-02-10T18:48:58+24:00", "2026-02-10T18:48:58+02:60", "2026-02-10T18:48:58+2", "26-02-10T18:48:58Z",
                          "2026-2-10T18:48:58Z", "2026-02-10 18:48:58Z", "2026-02-10T", "2026-02-1", "yesterday",
                          "2026-02-10T18:48:58.4449937 Z"}) {
    INFO(bad);
    refused(kind::webhook, with(w, "/timeStamp", bad), "/timeStamp", "time");
    refused(kind::webhook, with(w, "/subscription/lastModified", bad), "/subscription/lastModified", "time");
  }
}

TEST_CASE("marketplace faults: times in the spellings the pages use are read as UTC") {
  const auto w = sample("webhook-time-without-fraction.json");
  const auto stamp = [&](const char* text) {
    const auto r = isv::json::decode_marketplace_webhook(with(w, "/timeStamp", text).dump());
    INFO(text << ": " << (r ? std::string("decoded") : r.error().message));
    REQUIRE(r.has_value());
    return r.value().time_stamp;
  };
  CHECK(stamp("2026-05-01T08:00:00Z") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T08:00:00") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01t08:00:00z") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T08:00:00.9999999999999999999999Z") == at(2026, 5, 1, 8)); // any length, cut
  CHECK(stamp("2026-05-01T08:00:00.1") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T10:00:00+02:00") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T10:00:00+0200") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T10:00:00+02") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T02:30:00-05:30") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01T00:30:00.5-07:30") == at(2026, 5, 1, 8));
  CHECK(stamp("2026-05-01") == at(2026, 5, 1));
  CHECK(stamp("2026-01-01T01:00:00+02:00") == at(2025, 12, 31, 23)); // across a year
}

TEST_CASE("marketplace faults: text that is not JSON is refused, as in the pages' samples with comments or trailing commas") {
  for (const std::string_view bad : {std::string_view(""), std::string_view("{"), std::string_view("nul"),
                                     std::string_view("{\"id\": \"<guid>\", // operation id\n}"),
                                     std::string_view("{\"puid\": \"1234567890\",}")}) {
    INFO(bad);
    const auto r = isv::json::decode_marketplace_webhook(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == isv::errc::invalid_argument);
    CHECK(r.error().message.find("not valid JSON") != std::string::npos);
    const auto s = isv::json::decode_marketplace_subscription(bad);
    REQUIRE_FALSE(s.has_value());
    CHECK(s.error().code == isv::errc::invalid_argument);
  }
}

TEST_CASE("marketplace faults: a field written twice is refused rather than one copy believed") {
  auto text = read_sample("webhook-change-quantity.json");
  const auto at_quantity = text.find("\"quantity\": 25,");
  REQUIRE(at_quantity != std::string::npos);
  text.insert(at_quantity, "\"quantity\": 1000, ");
  const auto r = isv::json::decode_marketplace_webhook(text);
  REQUIRE_FALSE(r.has_value());
  CHECK(pointer_in(r.error().message) == "/quantity");
  CHECK(r.error().message.find("more than once") != std::string::npos);
}
