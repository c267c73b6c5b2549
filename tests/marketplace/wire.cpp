// isv/marketplace_wire.hpp: GUIDs read and written in the marketplace's form, and the marketplace's names of actions and statuses derived from the enumerators.
#include "support/catch.hpp"

#include "isv/marketplace_wire.hpp"

#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace {

template <class E>
void check_round_trip() {
  std::set<std::string_view> seen;
  for (const E v : isv::enum_values<E>) {
    const auto name = isv::marketplace_name(v);
    INFO(name);
    CHECK(seen.insert(name).second); // no two values share a name
    CHECK(isv::from_marketplace_name<E>(name) == v);
  }
}

} // namespace

TEST_CASE("marketplace guid: parse and to_string are each other's inverse, lower case out") {
  const std::vector<std::string> texts = {"6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "00000000-0000-0000-0000-000000000000",
                                          "ffffffff-ffff-ffff-ffff-ffffffffffff", "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a0b"};
  for (const auto& text : texts) {
    INFO(text);
    const auto g = isv::marketplace_guid::parse(text);
    REQUIRE(g.has_value());
    CHECK(g->to_string() == text);
    CHECK(isv::marketplace_guid::parse(g->to_string()) == g);
  }
  const auto upper = isv::marketplace_guid::parse("0B8E2F4A-1C3D-4E5F-8A9B-0C1D2E3F4A0B");
  REQUIRE(upper.has_value());
  CHECK(upper->to_string() == "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a0b");
  CHECK(upper == isv::marketplace_guid::parse("0b8e2f4a-1c3d-4E5F-8a9b-0c1d2e3f4a0b")); // mixed case too
  CHECK(isv::marketplace_guid{}.to_string() == "00000000-0000-0000-0000-000000000000");
}

TEST_CASE("marketplace guid: the bytes are the digits in the order written") {
  const auto g = isv::marketplace_guid::parse("00112233-4455-6677-8899-aabbccddeeff");
  REQUIRE(g.has_value());
  const isv::marketplace_guid::bytes_type expected = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                                      0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  CHECK(g->bytes() == expected);
  CHECK(isv::marketplace_guid(expected) == *g);
}

TEST_CASE("marketplace guid: anything but 8-4-4-4-12 hex digits is refused") {
  for (const std::string_view bad : {
           "",
           "{6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60}", // braces: the pages never write them
           "6a1d4c5e8f2b4a3c9d7e1b2c3d4e5f60",       // no dashes
           "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f6",    // a digit short
           "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f600",  // a digit more
           "6a1d4c5e-8f2b-4a3c-9d7e1-b2c3d4e5f60",   // a dash out of place
           "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f6g",   // not hex
           " 6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f6",   // a space
           "6a1d4c5e_8f2b_4a3c_9d7e_1b2c3d4e5f60",   // other separators
           "<guid>",
       }) {
    INFO(bad);
    CHECK_FALSE(isv::marketplace_guid::parse(bad).has_value());
  }
}

TEST_CASE("marketplace guid: ordered, and equal GUIDs hash alike") {
  const auto a = *isv::marketplace_guid::parse("00000000-0000-0000-0000-000000000001");
  const auto b = *isv::marketplace_guid::parse("00000000-0000-0000-0000-000000000002");
  const auto c = *isv::marketplace_guid::parse("10000000-0000-0000-0000-000000000000");
  CHECK(a < b);
  CHECK(b < c);
  CHECK(std::hash<isv::marketplace_guid>{}(a) == std::hash<isv::marketplace_guid>{}(*isv::marketplace_guid::parse(a.to_string())));
  const std::unordered_set<isv::marketplace_guid> set{a, b, c, a};
  CHECK(set.size() == 3);
}

TEST_CASE("marketplace names: the documented names of actions and statuses") {
  using A = isv::marketplace_action;
  CHECK(isv::marketplace_name(A::subscribe) == "Subscribe");
  CHECK(isv::marketplace_name(A::change_plan) == "ChangePlan");
  CHECK(isv::marketplace_name(A::change_quantity) == "ChangeQuantity");
  CHECK(isv::marketplace_name(A::renew) == "Renew");
  CHECK(isv::marketplace_name(A::suspend) == "Suspend");
  CHECK(isv::marketplace_name(A::unsubscribe) == "Unsubscribe");
  CHECK(isv::marketplace_name(A::reinstate) == "Reinstate");
  using S = isv::saas_subscription_status;
  CHECK(isv::marketplace_name(S::pending_fulfillment_start) == "PendingFulfillmentStart");
  CHECK(isv::marketplace_name(S::subscribed) == "Subscribed");
  CHECK(isv::marketplace_name(S::suspended) == "Suspended");
  CHECK(isv::marketplace_name(S::unsubscribed) == "Unsubscribed");
  using O = isv::marketplace_operation_status;
  CHECK(isv::marketplace_name(O::not_started) == "NotStarted");
  CHECK(isv::marketplace_name(O::in_progress) == "InProgress");
  CHECK(isv::marketplace_name(O::failed) == "Failed");
  CHECK(isv::marketplace_name(O::succeeded) == "Succeeded");
  CHECK(isv::marketplace_name(O::conflict) == "Conflict");
  CHECK(isv::enum_values<A>.size() == 7);
  CHECK(isv::enum_values<S>.size() == 4);
  CHECK(isv::enum_values<O>.size() == 5);
  CHECK(isv::marketplace_name(static_cast<A>(99)) == "unknown");
}

TEST_CASE("marketplace names: every name reads back as its value, spelt exactly") {
  check_round_trip<isv::marketplace_action>();
  check_round_trip<isv::saas_subscription_status>();
  check_round_trip<isv::marketplace_operation_status>();
  CHECK_FALSE(isv::from_marketplace_name<isv::marketplace_action>("changePlan").has_value());
  CHECK_FALSE(isv::from_marketplace_name<isv::marketplace_action>("change_plan").has_value());
  CHECK_FALSE(isv::from_marketplace_name<isv::marketplace_operation_status>("Success").has_value());
  CHECK_FALSE(isv::from_marketplace_name<isv::saas_subscription_status>("").has_value());
}

TEST_CASE("marketplace webhook: requested() is the top-level plan and quantity, not the nested subscription's") {
  isv::marketplace_webhook w;
  w.action = isv::marketplace_action::change_quantity;
  w.plan_id = "silver";
  w.quantity = 25;
  w.subscription = isv::marketplace_subscription{};
  w.subscription->plan_id = "bronze";
  w.subscription->quantity = 10;
  CHECK(w.requested() == isv::marketplace_plan_request{std::string("silver"), 25});
  w.plan_id.reset();
  w.quantity.reset();
  CHECK(w.requested() == isv::marketplace_plan_request{}); // never falls back to the nested values
}
