// Unit tests of isv/indirect.hpp: a heap-held value that copies and compares like the value, which keeps events small.
#include <catch2/catch.hpp>

#include "isv/event.hpp"
#include "isv/indirect.hpp"

#include <string>
#include <type_traits>
#include <utility>
#include <vector>

TEST_CASE("indirect: copies are independent values and compare by value [D-AUDIT-1]") {
  isv::indirect<std::vector<int>> a{std::vector<int>{1, 2, 3}};
  isv::indirect<std::vector<int>> b = a;
  CHECK(a == b);
  b->push_back(4);
  CHECK(a->size() == 3);
  CHECK_FALSE(a == b);
  a = b;
  CHECK(*a == std::vector<int>{1, 2, 3, 4});
  b->clear();
  CHECK(a->size() == 4);
  const isv::indirect<std::string> empty;
  CHECK(empty->empty());
}

TEST_CASE("indirect: a value moved from is valueless until assigned again") {
  isv::indirect<std::string> a{std::string("purchased")};
  isv::indirect<std::string> b = std::move(a);
  CHECK(*b == "purchased");
  CHECK(a.valueless_after_move()); // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
  CHECK_FALSE(b.valueless_after_move());
  CHECK_FALSE(a == b);
  a = b;
  CHECK(a == b);
  static_assert(std::is_nothrow_move_constructible_v<isv::indirect<std::string>>,
                "events move without copying their payloads when a vector grows");
}

TEST_CASE("events stay small although some payloads carry a whole subscription or invoice [D-AUDIT-1]") {
  // The largest payloads inline are the license grants and releases (two id lists and a group).
  static_assert(sizeof(isv::event) <= 112);
  STATIC_REQUIRE(std::is_nothrow_move_constructible_v<isv::event>);
  isv::subscription s;
  s.id = isv::subscription_id{8};
  const isv::event bought{isv::tenant_id{1}, std::nullopt, {}, isv::basic_subscription_purchased<isv::default_traits>{s}};
  isv::event copy = bought;
  CHECK(copy == bought);
  std::get<isv::basic_subscription_purchased<isv::default_traits>>(copy.payload).subscription->quantity = 9;
  CHECK_FALSE(copy == bought);
  CHECK(isv::subscription_of(bought) == isv::subscription_id{8});
}
