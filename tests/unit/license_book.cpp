// Unit tests of isv/license_book.hpp: one subscription's licenses, group assignments and violations, changed by events.
#include "fixture_a.hpp"

#include <vector>

using namespace fixture_a;

namespace {

const std::chrono::sys_seconds later = now + std::chrono::hours{1};

template <class Payload>
isv::event at(std::chrono::sys_seconds when, Payload payload) {
  return isv::event{tenant_1, global_admin, when, std::move(payload)};
}

isv::event granted(std::optional<isv::group_id> via, std::vector<isv::user_id> new_holders, std::vector<isv::user_id> added_path = {},
                   isv::subscription_id s = subscription_1) {
  return event_of(tenant_1, licenses_granted{s, via, std::move(new_holders), std::move(added_path)});
}

isv::event released(std::optional<isv::group_id> via, std::vector<isv::user_id> gone, std::vector<isv::user_id> removed_path = {},
                    isv::subscription_id s = subscription_1) {
  return event_of(tenant_1, licenses_released{s, via, std::move(gone), std::move(removed_path)});
}

isv::event recorded(isv::group_id group, std::vector<isv::user_id> users,
                    isv::violation_reason reason = isv::violation_reason::count_violation, isv::subscription_id s = subscription_1) {
  return event_of(tenant_1, violations_recorded{s, group, std::move(users), reason});
}

isv::license_book book_of(const std::vector<isv::event>& events, isv::subscription_id s = subscription_1) {
  isv::license_book book{s};
  for (const auto& e : events) isv::apply(book, e);
  return book;
}

} // namespace

TEST_CASE("a direct grant gives each new holder one license with the direct path and the grant's time [D-ASSIGN-2]") {
  isv::license_book book{subscription_1};
  CHECK(book.size() == 0);
  CHECK(book.subscription() == subscription_1);
  isv::apply(book, at(later, licenses_granted{subscription_1, std::nullopt, {member(2), member(1)}, {}}));
  CHECK(book.size() == 2);
  const auto license = book.license_of(member(1));
  REQUIRE(license.has_value());
  CHECK(license->subscription == subscription_1);
  CHECK(license->paths.direct);
  CHECK(license->paths.groups.empty());
  CHECK(license->paths.assigned_at == later);
  CHECK_FALSE(book.license_of(member(3)).has_value());
}

TEST_CASE("a license reached by several paths is one record holding every path, groups sorted [D-ASSIGN-2]") {
  auto book = book_of({granted(support, {member(1)}), granted(sales, {}, {member(1)}), granted(std::nullopt, {}, {member(1)}),
                       granted(sales, {}, {member(1)})});
  CHECK(book.size() == 1);
  const auto paths = book.find(member(1));
  REQUIRE(paths.has_value());
  CHECK(paths->direct);
  CHECK(paths->groups == std::vector{sales, support});
  CHECK(paths->via(sales));
  CHECK_FALSE(paths->via(engineering));
}

TEST_CASE("releasing one path keeps the license and releasing the last one removes it [D-ASSIGN-5]") {
  auto book = book_of({granted(sales, {member(1), member(2)}), granted(std::nullopt, {}, {member(1)})});
  isv::apply(book, released(sales, {member(2)}, {member(1)}));
  CHECK(book.size() == 1);
  CHECK_FALSE(book.holds(member(2)));
  REQUIRE(book.holds(member(1)));
  CHECK(paths_of(book, member(1)).direct);
  CHECK(paths_of(book, member(1)).groups.empty());
  isv::apply(book, released(std::nullopt, {member(1)}));
  CHECK(book.size() == 0);
}

TEST_CASE("licenses are listed sorted by user, whatever order they were granted in [D-AUDIT-1]") {
  const auto book = book_of({granted(std::nullopt, {member(3)}), granted(sales, {member(1), member(2)})});
  std::vector<isv::user_id> users;
  for (const auto& l : book.licenses()) users.push_back(l.user);
  CHECK(users == members(1, 3));
  isv::count_t visited = 0;
  book.for_each_license([&](const isv::user_id&, const auto&) { ++visited; });
  CHECK(visited == book.size());
}

TEST_CASE("events of other subscriptions leave the book as it is [D-TENANT-1]") {
  auto book = book_of({granted(sales, {member(1)}), event_of(tenant_1, group_assigned{subscription_1, sales}), recorded(sales, {member(2)})});
  const auto before = book;
  isv::apply(book, granted(std::nullopt, {member(5)}, {member(1)}, subscription_2));
  isv::apply(book, released(sales, {member(1)}, {}, subscription_2));
  isv::apply(book, event_of(tenant_1, group_assigned{subscription_2, support}));
  isv::apply(book, event_of(tenant_1, group_unassigned{subscription_2, sales}));
  isv::apply(book, recorded(sales, {member(3)}, isv::violation_reason::count_violation, subscription_2));
  isv::apply(book, event_of(tenant_1, violations_cleared{subscription_2, sales, {member(2)}}));
  isv::apply(book, event_of(tenant_1, subscription_deactivated{subscription_2, isv::deactivation_reason::cancelled}));
  isv::apply(book, event_of(tenant_1, members_added{sales, {member(4)}}));
  CHECK(book == before);
  CHECK(book.holds(member(1)));
  CHECK(book.group_assigned(sales));
  CHECK(book.in_violation(member(2), sales));
}

TEST_CASE("group assignments are kept sorted and once each [D-ASSIGN-6]") {
  auto book = book_of({event_of(tenant_1, group_assigned{subscription_1, engineering}), event_of(tenant_1, group_assigned{subscription_1, sales}),
                       event_of(tenant_1, group_assigned{subscription_1, engineering})});
  CHECK(book.groups() == std::vector{sales, engineering});
  isv::apply(book, event_of(tenant_1, group_unassigned{subscription_1, engineering}));
  CHECK(book.groups() == std::vector{sales});
  CHECK_FALSE(book.group_assigned(engineering));
}

TEST_CASE("violations keep the order they arose in, across groups [D-GROUP-1]") {
  const auto book = book_of({recorded(support, {member(5), member(1)}), recorded(sales, {member(2)}), recorded(support, {member(3)})});
  CHECK(users_of(book.violations()) == std::vector{member(5), member(1), member(2), member(3)});
  CHECK(users_of(book.violations_of(support)) == std::vector{member(5), member(1), member(3)});
  CHECK(book.violation_count() == 4);
  CHECK(book.in_violation(member(2), sales));
  CHECK_FALSE(book.in_violation(member(2), support));
}

TEST_CASE("recording a violation again keeps its place and takes the new reason [D-GROUP-1] [D-LIFE-4]") {
  auto book = book_of({recorded(sales, {member(1), member(2)}, isv::violation_reason::suspended)});
  isv::apply(book, recorded(sales, {member(1)}, isv::violation_reason::count_violation));
  CHECK(book.violations() == std::vector<isv::count_violation>{{member(1), sales, isv::violation_reason::count_violation},
                                                              {member(2), sales, isv::violation_reason::suspended}});
}

TEST_CASE("clearing violations removes only those named and keeps the rest in order [D-GROUP-1]") {
  auto book = book_of({recorded(sales, members(1, 4))});
  isv::apply(book, event_of(tenant_1, violations_cleared{subscription_1, sales, {member(3), member(1), member(9)}}));
  CHECK(users_of(book.violations()) == std::vector{member(2), member(4)});
  // A violation recorded after the clearing goes to the end of the line.
  isv::apply(book, recorded(sales, {member(1)}));
  CHECK(users_of(book.violations()) == std::vector{member(2), member(4), member(1)});
}

TEST_CASE("deactivation clears every license, group assignment and violation [D-LIFE-3]") {
  auto book = book_of({granted(sales, members(1, 2)), event_of(tenant_1, group_assigned{subscription_1, sales}), recorded(sales, {member(3)})});
  isv::apply(book, event_of(tenant_1, subscription_deactivated{subscription_1, isv::deactivation_reason::nonpayment}));
  CHECK(book.size() == 0);
  CHECK(book.groups().empty());
  CHECK(book.violations().empty());
  CHECK_FALSE(book.in_violation(member(3), sales));
  CHECK(book == isv::license_book{subscription_1});
}

TEST_CASE("books are equal when they hold the same licenses, groups and violations in the same order [D-AUDIT-1]") {
  const auto one_by_one = book_of({granted(std::nullopt, {member(1)}), granted(std::nullopt, {member(2)}), recorded(sales, members(3, 4))});
  const auto at_once = book_of({granted(std::nullopt, {member(2), member(1)}), recorded(sales, {member(3)}), recorded(sales, {member(4)})});
  CHECK(one_by_one == at_once);

  const auto other_order = book_of({granted(std::nullopt, members(1, 2)), recorded(sales, {member(4), member(3)})});
  CHECK_FALSE(one_by_one == other_order);
  const auto other_path = book_of({granted(sales, members(1, 2)), recorded(sales, members(3, 4))});
  CHECK_FALSE(one_by_one == other_path);
  const auto other_subscription = book_of({granted(std::nullopt, members(1, 2), {}, subscription_2),
                                           recorded(sales, members(3, 4), isv::violation_reason::count_violation, subscription_2)},
                                          subscription_2);
  CHECK_FALSE(one_by_one == other_subscription);
}

TEST_CASE("the book counts what the subscription counts when both take the same events [D-AUDIT-1]") {
  auto w = world::with_seats(3);
  w.add_group(sales, members(1, 5));
  (void)w.assign({member(6)}, {sales});
  CHECK(w.book.size() == w.sub.licenses_in_use);
  CHECK(w.book.size() == 3);
  CHECK(w.book.violation_count() == 3);
  w.unassign({member(6)});
  CHECK(w.book.size() == w.sub.licenses_in_use);
  CHECK(w.book.size() == 2);
}

// The book keeps records in a hash table, paths as shared group lists and violations with holes
// it closes later; these check the observable results at sizes where those internals matter.
TEST_CASE("thousands of licenses through overlapping groups keep exact paths as paths come and go [D-ASSIGN-2] [D-ASSIGN-5]") {
  const auto many = [](std::uint64_t first, std::uint64_t count) { return members(first, first + count - 1); };
  isv::license_book book{subscription_1};
  isv::apply(book, granted(sales, many(1, 3000)));                  // 1..3000 via sales
  isv::apply(book, granted(support, many(3001, 1000), many(2001, 1000))); // 3001..4000 new via support; 2001..3000 gain support
  isv::apply(book, granted(std::nullopt, {}, many(1, 500)));          // 1..500 also direct
  REQUIRE(book.size() == 4000);
  for (std::uint64_t n = 1; n <= 4000; ++n) {
    const auto paths = book.find(member(n));
    REQUIRE(paths.has_value());
    REQUIRE(paths->direct == (n <= 500));
    REQUIRE(paths->via(sales) == (n <= 3000));
    REQUIRE(paths->via(support) == (n > 2000));
  }
  isv::apply(book, released(sales, many(1501, 500), many(2001, 1000))); // 1501..2000 lose their only path
  isv::apply(book, released(sales, {}, many(1, 500)));                 // 1..500 keep direct
  CHECK(book.size() == 3500);
  CHECK_FALSE(book.holds(member(1700)));
  CHECK(paths_of(book, member(2500)).groups == std::vector{support});
  CHECK(paths_of(book, member(1)).direct);
  CHECK(paths_of(book, member(1)).groups.empty());
  CHECK(paths_of(book, member(600)).groups == std::vector{sales});
  CHECK(book.licenses().size() == 3500);
}

TEST_CASE("books with the same licenses are equal whatever order the events came in [D-AUDIT-1]") {
  const auto a = book_of({granted(sales, {member(1), member(2), member(3)}), granted(std::nullopt, {member(4)}, {member(2)})});
  const auto b = book_of({granted(std::nullopt, {member(4)}), granted(sales, {member(3), member(2), member(1)}),
                          granted(std::nullopt, {}, {member(2)})});
  CHECK(a.size() == b.size());
  CHECK(a.licenses() == b.licenses());
  const auto c = book_of({granted(sales, {member(1), member(2), member(3)}), granted(std::nullopt, {member(4)})});
  CHECK_FALSE(a == c); // member 2 lacks the direct path
}

TEST_CASE("a book reports how each listed user holds a license, in the list's order [D-ASSIGN-6]") {
  const auto book = book_of({granted(sales, {member(1), member(2)}), granted(std::nullopt, {member(3)}, {member(2)})});
  using holding = isv::license_book::holding;
  CHECK(book.holdings({member(3), member(9), member(1), member(2)}) ==
        std::vector{holding::direct, holding::none, holding::through_groups, holding::direct});
  CHECK(book.holdings({}).empty());
  CHECK(book.holds_any({member(9), member(1)}));
  CHECK_FALSE(book.holds_any({member(9), member(10)}));
  CHECK_FALSE(book.holds_any({}));
  std::vector<isv::user_id> many = members(100, 1000); // a batch long enough to prefetch as it goes
  CHECK_FALSE(book.holds_any(many));
  many.push_back(member(3));
  CHECK(book.holds_any(many));
}

TEST_CASE("many violations cleared in turn leave the rest in arrival order [D-GROUP-1]") {
  auto book = book_of({recorded(sales, members(1, 1000))});
  for (std::uint64_t n = 1; n <= 1000; ++n)
    if (n % 10 != 0) isv::apply(book, event_of(tenant_1, violations_cleared{subscription_1, sales, {member(n)}}));
  REQUIRE(book.violation_count() == 100);
  std::vector<isv::user_id> expected;
  for (std::uint64_t n = 10; n <= 1000; n += 10) expected.push_back(member(n));
  CHECK(users_of(book.violations()) == expected);
  CHECK(book.in_violation(member(500), sales));
  CHECK_FALSE(book.in_violation(member(501), sales));
  isv::apply(book, recorded(sales, {member(501)}));
  CHECK(users_of(book.violations()).back() == member(501));
}

// A member apply that forwarded to isv::apply would link only where isv/evolve.hpp is included.
template <class Book>
concept has_member_apply = requires(Book& book, const isv::event& e) { book.apply(e); };

TEST_CASE("a book changes only by isv::apply(book, e), the one fold in evolve.hpp: it has no member apply [D-AUDIT-1]") {
  static_assert(!has_member_apply<isv::license_book>);
  isv::license_book book{subscription_1};
  const std::vector<isv::event> events{
      event_of(tenant_1, licenses_granted{subscription_1, std::nullopt, {member(1), member(2)}, {}}),
      event_of(tenant_1, group_assigned{subscription_1, sales}),
      event_of(tenant_1, licenses_granted{subscription_1, sales, {member(3)}, {member(1)}}),
      event_of(tenant_1, violations_recorded{subscription_1, sales, {member(4)}, isv::violation_reason::count_violation}),
      event_of(tenant_1, licenses_released{subscription_1, std::nullopt, {member(2)}, {member(1)}}),
  };
  for (const auto& e : events) isv::apply(book, e);
  CHECK(book.size() == 2);
  CHECK(book.find(member(1))->groups == std::vector<isv::group_id>{sales});
  CHECK_FALSE(book.find(member(1))->direct);
}
