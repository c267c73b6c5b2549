// Unit tests of isv/operations/membership.hpp: adding users, creating groups, and what membership changes do to group-assigned licenses.
#include "fixture_a.hpp"

#include <span>
#include <variant>
#include <vector>

using namespace fixture_a;

namespace {

using refs = std::vector<isv::subscription_ref>;

/// The events of a directory operation's update, or its refusal.
isv::result<std::vector<isv::event>> events_of(isv::result<isv::directory_update> r) {
  if (!r) return r.error();
  return std::move(r.value().events);
}

auto try_add(const isv::directory& dir, const refs& subs, const isv::actor& who, isv::group_id group,
             std::vector<isv::user_id> users) {
  return events_of(
      isv::add_members(dir, std::span<const isv::subscription_ref>(subs), who, isv::add_members_command{group, std::move(users)}, now));
}

auto try_remove(const isv::directory& dir, const refs& subs, const isv::actor& who, isv::group_id group,
                std::vector<isv::user_id> users) {
  return events_of(isv::remove_members(dir, std::span<const isv::subscription_ref>(subs), who,
                                       isv::remove_members_command{group, std::move(users)}, now));
}

auto try_remove_users(const world& w, const refs& subs, const isv::actor& who, std::vector<isv::user_id> users) {
  return events_of(isv::remove_users(w.org, w.dir, std::span<const isv::billing_profile>(&w.profile, 1),
                                     std::span<const isv::subscription_ref>(subs), who,
                                     isv::remove_users_command{std::move(users)}, now));
}

auto try_delete(const isv::directory& dir, const refs& subs, const isv::actor& who, isv::group_id group) {
  return events_of(isv::delete_group(dir, std::span<const isv::subscription_ref>(subs), who, isv::delete_group_command{group}, now));
}

/// A second active subscription of the world's tenant with `groups` assigned to it.
held second_with(const world& w, isv::count_t seats, std::vector<isv::group_id> groups) {
  auto second = buy(w.org, w.profile, saas_app(), purchase_of(saas_app(), seats, isv::acquisition_channel::direct, subscription_2));
  const auto assigned =
      isv::assign(second.sub, second.book, w.dir, w.as(global_admin), isv::assign_command{subscription_2, {}, std::move(groups)}, now);
  REQUIRE(assigned.has_value());
  second.apply(assigned.value().events);
  return second;
}

/// The payloads of type P among `events`.
template <class P>
std::vector<P> payloads(const std::vector<isv::event>& events) {
  std::vector<P> out;
  for (const auto& e : events)
    if (const auto* p = std::get_if<P>(&e.payload)) out.push_back(*p);
  return out;
}

} // namespace

TEST_CASE("members added to an assigned group get a license [D-ASSIGN-2]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  (void)w.assign({}, {sales});
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(user_admin), sales, {member(3), member(2)});
  REQUIRE(r.has_value());
  const auto added = payloads<members_added>(r.value());
  REQUIRE(added.size() == 1);
  CHECK(added.front().users == members(2, 3)); // sorted: the order group members are served in
  const auto granted = payloads<licenses_granted>(r.value());
  REQUIRE(granted.size() == 1);
  CHECK(granted.front().via == std::optional{sales});
  CHECK(granted.front().new_holders == members(2, 3));
  w.apply(r.value());
  CHECK(w.dir.is_member(sales, member(2)));
  CHECK(w.holders() == members(1, 3));
  CHECK(w.sub.licenses_in_use == 3);
}

TEST_CASE("members added beyond the free seats are listed in count violation [D-ASSIGN-3] [D-GROUP-1]") {
  auto w = world::with_seats(2);
  w.add_group(sales, {member(1)});
  (void)w.assign({}, {sales});
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, members(2, 4));
  REQUIRE(r.has_value());
  w.apply(r.value());
  CHECK(w.holders() == members(1, 2));
  CHECK(w.sub.licenses_in_use == 2);
  CHECK(w.book.violations() == std::vector<isv::count_violation>{{member(3), sales, isv::violation_reason::count_violation},
                                                                  {member(4), sales, isv::violation_reason::count_violation}});
}

TEST_CASE("a new member who holds a license already gains a path, not a seat [D-ASSIGN-2]") {
  auto w = world::with_seats(2);
  w.add_group(sales, {member(1)});
  (void)w.assign({member(2)}, {sales});
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, {member(2)});
  REQUIRE(r.has_value());
  const auto granted = payloads<licenses_granted>(r.value());
  REQUIRE(granted.size() == 1);
  CHECK(granted.front().new_holders.empty());
  CHECK(granted.front().added_path == std::vector{member(2)});
  w.apply(r.value());
  CHECK(w.sub.licenses_in_use == 2);
  CHECK(paths_of(w.book, member(2)).direct);
  CHECK(paths_of(w.book, member(2)).via(sales));
}

TEST_CASE("adding members to a group assigned nowhere changes only the directory [D-ASSIGN-2]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {});
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, {member(1)});
  REQUIRE(r.has_value());
  REQUIRE(r.value().size() == 1);
  CHECK(std::holds_alternative<members_added>(r.value().front().payload));
  w.apply(r.value());
  CHECK(w.dir.is_member(sales, member(1)));
  CHECK(w.book.size() == 0);
}

TEST_CASE("adding members who are members already changes nothing [D-ASSIGN-6]") {
  auto w = world::with_seats(5);
  w.add_group(sales, members(1, 2));
  (void)w.assign({}, {sales});
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, members(1, 2));
  REQUIRE(r.has_value());
  CHECK(r.value().empty());
}

TEST_CASE("members added while the subscription is suspended wait in violation until it is paid [D-LIFE-4] [D-GROUP-1]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  (void)w.assign({}, {sales});
  const isv::invoice_id unpaid{8};
  w.apply(isv::lapse_payment(w.sub, unpaid, now).value().events);
  const auto r = try_add(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, {member(2)});
  REQUIRE(r.has_value());
  w.apply(r.value());
  CHECK_FALSE(w.book.holds(member(2)));
  CHECK(w.book.violations() == std::vector<isv::count_violation>{{member(2), sales, isv::violation_reason::suspended}});

  w.apply(isv::reinstate(w.sub, w.as(billing_admin), unpaid, now).value().events);
  const auto reprocessed = isv::reprocess(w.sub, w.book, w.dir, w.as(global_admin), isv::reprocess_command{subscription_1}, now);
  REQUIRE(reprocessed.has_value());
  w.apply(reprocessed.value().events);
  CHECK(w.holders() == members(1, 2));
  CHECK(w.book.violation_count() == 0);
}

TEST_CASE("removing a member releases the license the group gave [D-ASSIGN-5]") {
  auto w = world::with_seats(5);
  w.add_group(sales, members(1, 2));
  (void)w.assign({}, {sales});
  const auto r = try_remove(w.dir, {{&w.sub, &w.book}}, w.as(user_admin), sales, {member(1)});
  REQUIRE(r.has_value());
  const auto released = payloads<licenses_released>(r.value());
  REQUIRE(released.size() == 1);
  CHECK(released.front().released == std::vector{member(1)});
  CHECK(released.front().removed_path.empty());
  w.apply(r.value());
  CHECK_FALSE(w.dir.is_member(sales, member(1)));
  CHECK(w.holders() == std::vector{member(2)});
  CHECK(w.sub.licenses_in_use == 1);
  CHECK(w.sub.seats_free() == 4);
}

TEST_CASE("removing a member who still has another path keeps the license [D-ASSIGN-5]") {
  auto w = world::with_seats(5);
  w.add_group(sales, members(1, 2));
  w.add_group(support, {member(2)});
  (void)w.assign({member(1)}, {sales, support});
  REQUIRE(w.sub.licenses_in_use == 2);

  const auto r = try_remove(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, members(1, 2));
  REQUIRE(r.has_value());
  const auto released = payloads<licenses_released>(r.value());
  REQUIRE(released.size() == 1);
  CHECK(released.front().released.empty());
  CHECK(released.front().removed_path == members(1, 2));
  w.apply(r.value());
  CHECK(w.sub.licenses_in_use == 2);
  CHECK(paths_of(w.book, member(1)).direct);
  CHECK_FALSE(paths_of(w.book, member(1)).via(sales));
  CHECK(paths_of(w.book, member(2)).groups == std::vector{support});
}

TEST_CASE("removing a member in count violation clears the violation and frees no seat [D-GROUP-1] [D-ASSIGN-5]") {
  auto w = world::with_seats(1);
  w.add_group(sales, members(1, 2));
  (void)w.assign({}, {sales});
  REQUIRE(w.book.in_violation(member(2), sales));
  const auto r = try_remove(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), sales, {member(2)});
  REQUIRE(r.has_value());
  CHECK(payloads<licenses_released>(r.value()).empty());
  const auto cleared = payloads<violations_cleared>(r.value());
  REQUIRE(cleared.size() == 1);
  CHECK(cleared.front().users == std::vector{member(2)});
  w.apply(r.value());
  CHECK(w.book.violation_count() == 0);
  CHECK(w.holders() == std::vector{member(1)});
}

TEST_CASE("a membership change reaches every subscription the group is assigned to, and skips deactivated ones [D-ASSIGN-2] [D-LIFE-3]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  (void)w.assign({}, {sales});
  auto second = buy(w.org, w.profile, saas_app(), purchase_of(saas_app(), 5, isv::acquisition_channel::direct, subscription_2));
  const auto assigned = isv::assign(second.sub, second.book, w.dir, w.as(global_admin), isv::assign_command{subscription_2, {}, {sales}}, now);
  REQUIRE(assigned.has_value());
  second.apply(assigned.value().events);

  const auto r = try_add(w.dir, {{&w.sub, &w.book}, {&second.sub, &second.book}}, w.as(global_admin), sales, {member(2)});
  REQUIRE(r.has_value());
  w.apply(r.value());
  second.apply(r.value());
  CHECK(w.book.holds(member(2)));
  CHECK(second.book.holds(member(2)));
  CHECK(second.sub.licenses_in_use == 2);

  const auto cancelled = isv::cancel(second.sub, w.as(global_admin), isv::cancel_command{subscription_2}, now);
  REQUIRE(cancelled.has_value());
  second.apply(cancelled.value().events);
  const auto later = try_add(w.dir, {{&w.sub, &w.book}, {&second.sub, &second.book}}, w.as(global_admin), sales, {member(3)});
  REQUIRE(later.has_value());
  w.apply(later.value());
  second.apply(later.value());
  CHECK(w.book.holds(member(3)));
  CHECK(second.book.size() == 0);
  CHECK(second.sub.licenses_in_use == 0);
}

TEST_CASE("only a Global or User administrator manages users, groups and members [D-ROLE-3]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  const refs subs{{&w.sub, &w.book}};
  for (const auto who : {license_admin, billing_admin, global_reader}) {
    CAPTURE(who);
    const auto added_users = isv::add_users(w.dir, w.as(who), isv::add_users_command{{isv::user_id{500}}}, now);
    REQUIRE_FALSE(added_users.has_value());
    CHECK(added_users.error().code == isv::errc::permission_denied);
    CHECK_THAT(added_users.error().message, says("manage users and groups"));
    CHECK_THAT(added_users.error().message, says("Global administrator or User administrator"));

    const auto created = isv::create_group(w.dir, w.as(who), isv::create_group_command{support, "Support"}, now);
    REQUIRE_FALSE(created.has_value());
    CHECK(created.error().code == isv::errc::permission_denied);

    const auto added = try_add(w.dir, subs, w.as(who), sales, {member(2)});
    REQUIRE_FALSE(added.has_value());
    CHECK(added.error().code == isv::errc::permission_denied);

    const auto removed = try_remove(w.dir, subs, w.as(who), sales, {member(1)});
    REQUIRE_FALSE(removed.has_value());
    CHECK(removed.error().code == isv::errc::permission_denied);
  }
  for (const auto who : {global_admin, user_admin}) {
    CAPTURE(who);
    CHECK(isv::add_users(w.dir, w.as(who), isv::add_users_command{{isv::user_id{500}}}, now).has_value());
    CHECK(isv::create_group(w.dir, w.as(who), isv::create_group_command{support, "Support"}, now).has_value());
    CHECK(try_add(w.dir, subs, w.as(who), sales, {member(2)}).has_value());
    CHECK(try_remove(w.dir, subs, w.as(who), sales, {member(1)}).has_value());
  }
}

TEST_CASE("a member or group that is not in the directory is refused [D-TENANT-1] [D-ERR-1]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {});
  const refs subs{{&w.sub, &w.book}};
  const auto unknown_user = try_add(w.dir, subs, w.as(global_admin), sales, {member(1), stranger});
  REQUIRE_FALSE(unknown_user.has_value());
  CHECK(unknown_user.error().code == isv::errc::not_found);
  CHECK_THAT(unknown_user.error().message, says("user 999 is not a user of tenant 1"));

  const auto unknown_group = try_remove(w.dir, subs, w.as(global_admin), isv::group_id{9}, {member(1)});
  REQUIRE_FALSE(unknown_group.has_value());
  CHECK(unknown_group.error().code == isv::errc::not_found);
  CHECK_THAT(unknown_group.error().message, says("group 9"));

  const auto nobody = try_add(w.dir, subs, w.as(global_admin), sales, {});
  REQUIRE_FALSE(nobody.has_value());
  CHECK(nobody.error().code == isv::errc::invalid_argument);

  const auto twice = try_add(w.dir, subs, w.as(global_admin), sales, {member(1), member(1)});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == isv::errc::invalid_argument);
  CHECK_THAT(twice.error().message, says("user 101 is listed twice"));
  CHECK(w.dir.members(sales).empty());
}

TEST_CASE("a membership change cannot reach another tenant's subscription or directory [D-TENANT-1] [D-ROLE-5]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {});
  auto foreign = w.sub;
  foreign.tenant = tenant_2;
  const auto r = try_add(w.dir, {{&foreign, &w.book}}, w.as(global_admin), sales, {member(1)});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::wrong_tenant);
  CHECK_THAT(r.error().message, says("tenant 2"));

  const auto other = make_tenant(tenant_2);
  const auto outsider = try_add(w.dir, {{&w.sub, &w.book}}, other.actor(global_admin), sales, {member(1)});
  REQUIRE_FALSE(outsider.has_value());
  CHECK(outsider.error().code == isv::errc::wrong_tenant);
  const auto users = isv::add_users(w.dir, other.actor(global_admin), isv::add_users_command{{isv::user_id{500}}}, now);
  REQUIRE_FALSE(users.has_value());
  CHECK(users.error().code == isv::errc::wrong_tenant);
}

TEST_CASE("adding users records only those not in the directory yet [D-TENANT-1] [D-ERR-1]") {
  auto w = world::with_seats(5);
  const auto r = events_of(isv::add_users(w.dir, w.as(user_admin), isv::add_users_command{{member(1), isv::user_id{500}, isv::user_id{501}}}, now));
  REQUIRE(r.has_value());
  const auto added = payloads<users_added>(r.value());
  REQUIRE(added.size() == 1);
  CHECK(added.front().users == std::vector{isv::user_id{500}, isv::user_id{501}});
  const auto count_before = w.dir.user_count();
  w.apply(r.value());
  CHECK(w.dir.user_count() == count_before + 2);
  CHECK(w.dir.has_user(isv::user_id{501}));

  const auto again = isv::add_users(w.dir, w.as(user_admin), isv::add_users_command{{isv::user_id{500}}}, now);
  REQUIRE(again.has_value());
  CHECK(again.value().events.empty());
  const auto none = isv::add_users(w.dir, w.as(user_admin), isv::add_users_command{}, now);
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == isv::errc::invalid_argument);
}

TEST_CASE("a group id can be created once [D-ERR-1]") {
  auto w = world::with_seats(5);
  const auto r = isv::create_group(w.dir, w.as(global_admin), isv::create_group_command{support, "Support"}, now);
  REQUIRE(r.has_value());
  w.apply(r.value().events);
  REQUIRE(w.dir.find_group(support) != nullptr);
  CHECK(w.dir.find_group(support)->name == "Support");
  const auto again = isv::create_group(w.dir, w.as(global_admin), isv::create_group_command{support, "Helpdesk"}, now);
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == isv::errc::already_exists);
  CHECK_THAT(again.error().message, says("group 2 already exists"));
}

TEST_CASE("a subscription listed twice for one membership change is refused, so seats are never handed out twice [D-ASSIGN-3] [D-ERR-1]") {
  auto w = world::with_seats(2);
  w.add_group(sales, {member(1)});
  (void)w.assign({}, {sales});
  const refs twice{{&w.sub, &w.book}, {&w.sub, &w.book}};
  const auto r = try_add(w.dir, twice, w.as(global_admin), sales, members(2, 3));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, says("subscription 1 is listed twice"));
  const auto removed = try_remove(w.dir, twice, w.as(global_admin), sales, {member(1)});
  REQUIRE_FALSE(removed.has_value());
  CHECK(removed.error().code == isv::errc::invalid_argument);
  CHECK(w.sub.licenses_in_use == 1);
}

// ---- Removing users and deleting groups (D-DIR-1) ---------------------------------------------

TEST_CASE("removing a user releases every license the user holds, direct or through groups, in every subscription, in one update [D-DIR-1]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1), member(2)});
  w.add_group(support, {member(1)});
  (void)w.assign({member(1)}, {sales, support}); // member 1: direct, sales and support
  auto second = second_with(w, 5, {sales});       // member 1 through sales only
  REQUIRE(w.sub.licenses_in_use == 2);
  REQUIRE(second.sub.licenses_in_use == 2);

  const auto r = try_remove_users(w, {{&w.sub, &w.book}, {&second.sub, &second.book}}, w.as(user_admin), {member(1)});
  REQUIRE(r.has_value());
  REQUIRE_FALSE(r.value().empty());
  CHECK(std::get<users_removed>(r.value().front().payload).users == std::vector{member(1)});
  // Every path but the last loses the user; the last releases the license: direct first, then groups in order.
  CHECK(payloads<licenses_released>(r.value()) ==
        std::vector<licenses_released>{{subscription_1, std::nullopt, {}, {member(1)}},
                                       {subscription_1, sales, {}, {member(1)}},
                                       {subscription_1, support, {member(1)}, {}},
                                       {subscription_2, sales, {member(1)}, {}}});
  for (const auto& e : r.value()) CHECK(e.actor == std::optional{user_admin});

  w.apply(r.value());
  second.apply(r.value());
  CHECK_FALSE(w.dir.has_user(member(1)));
  CHECK_FALSE(w.dir.is_member(sales, member(1)));
  CHECK_FALSE(w.dir.is_member(support, member(1)));
  CHECK(w.dir.is_member(sales, member(2)));
  CHECK(w.holders() == std::vector{member(2)});
  CHECK(w.sub.licenses_in_use == 1);
  CHECK_FALSE(second.book.holds(member(1)));
  CHECK(second.book.holds(member(2)));
  CHECK(second.sub.licenses_in_use == 1);
}

TEST_CASE("removing a user in count violation clears the violation, and a user without licenses only leaves the directory [D-DIR-1] [D-GROUP-1]") {
  auto w = world::with_seats(1);
  w.add_group(sales, {member(1), member(2)});
  (void)w.assign({}, {sales}); // member 1 holds the seat, member 2 waits in violation
  REQUIRE(w.book.in_violation(member(2), sales));
  const auto r = try_remove_users(w, {{&w.sub, &w.book}}, w.as(global_admin), {member(3), member(2)});
  REQUIRE(r.has_value());
  CHECK(std::get<users_removed>(r.value().front().payload).users == members(2, 3)); // sorted
  CHECK(payloads<licenses_released>(r.value()).empty());
  CHECK(payloads<violations_cleared>(r.value()) == std::vector<violations_cleared>{{subscription_1, sales, {member(2)}}});
  w.apply(r.value());
  CHECK(w.book.violation_count() == 0);
  CHECK(w.holders() == std::vector{member(1)});
  CHECK_FALSE(w.dir.has_user(member(2)));
  CHECK_FALSE(w.dir.has_user(member(3)));
}

TEST_CASE("a user who holds a directory role or a role on a billing profile is removed only after the role is revoked [D-DIR-1] [D-ROLE-4] [D-ERR-1]") {
  auto w = world::with_seats(5);
  const refs subs{{&w.sub, &w.book}};

  const auto admin = try_remove_users(w, subs, w.as(global_admin), {member(1), license_admin});
  REQUIRE_FALSE(admin.has_value());
  CHECK(admin.error().code == isv::errc::invalid_argument);
  CHECK_THAT(admin.error().message, says("License administrator") && says("revoke it before removing"));

  w.profile.roles.push_back({member(2), isv::billing_role::contributor});
  const auto contributor = try_remove_users(w, subs, w.as(global_admin), {member(2)});
  REQUIRE_FALSE(contributor.has_value());
  CHECK(contributor.error().code == isv::errc::invalid_argument);
  CHECK_THAT(contributor.error().message, says("102") && says("billing profile contributor") && says("revoke that role"));
  CHECK(w.dir.has_user(member(2))); // a refusal is a value: nothing to undo

  std::erase_if(w.profile.roles, [](const auto& g) { return g.user == member(2); });
  std::erase_if(w.org.admin_roles, [](const auto& g) { return g.user == license_admin; });
  CHECK(try_remove_users(w, subs, w.as(global_admin), {member(2), license_admin}).has_value());
}

TEST_CASE("removing users who are not in the directory, none, or one twice is refused and changes nothing [D-DIR-1] [D-ERR-1]") {
  auto w = world::with_seats(5);
  (void)w.assign({member(1)});
  const refs subs{{&w.sub, &w.book}};
  const auto before = w.state;
  const auto unknown = try_remove_users(w, subs, w.as(global_admin), {member(1), stranger});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == isv::errc::not_found);
  CHECK_THAT(unknown.error().message, says("user 999 is not a user of tenant 1"));
  const auto none = try_remove_users(w, subs, w.as(global_admin), {});
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().code == isv::errc::invalid_argument);
  const auto twice = try_remove_users(w, subs, w.as(global_admin), {member(1), member(1)});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == isv::errc::invalid_argument);
  const auto listed_twice = try_remove_users(w, {{&w.sub, &w.book}, {&w.sub, &w.book}}, w.as(global_admin), {member(1)});
  REQUIRE_FALSE(listed_twice.has_value());
  CHECK(listed_twice.error().code == isv::errc::invalid_argument);
  CHECK(w.state == before);
}

TEST_CASE("deleting a group releases only the licenses it alone gave, ends its assignment and deletes it [D-DIR-1] [D-ASSIGN-5]") {
  auto w = world::with_seats(5);
  w.add_group(sales, members(1, 3));
  w.add_group(support, {member(2)});
  (void)w.assign({member(3)}, {sales, support}); // 1: sales; 2: sales and support; 3: direct and sales
  auto second = second_with(w, 5, {support});
  REQUIRE(w.sub.licenses_in_use == 3);

  const auto r = try_delete(w.dir, {{&w.sub, &w.book}, {&second.sub, &second.book}}, w.as(user_admin), sales);
  REQUIRE(r.has_value());
  CHECK(std::get<group_deleted>(r.value().front().payload).group == sales);
  CHECK(payloads<licenses_released>(r.value()) ==
        std::vector<licenses_released>{{subscription_1, sales, {member(1)}, {member(2), member(3)}}});
  CHECK(payloads<group_unassigned>(r.value()) == std::vector<group_unassigned>{{subscription_1, sales}});

  w.apply(r.value());
  second.apply(r.value());
  CHECK_FALSE(w.dir.has_group(sales));
  CHECK(w.dir.has_user(member(1))); // the members stay in the tenant
  CHECK(w.holders() == members(2, 3));
  CHECK(w.sub.licenses_in_use == 2);
  CHECK_FALSE(w.book.group_assigned(sales));
  CHECK(paths_of(w.book, member(2)).groups == std::vector{support});
  CHECK(paths_of(w.book, member(3)).direct);
  CHECK(paths_of(w.book, member(3)).groups.empty());
  CHECK(second.book.holds(member(2))); // another group's subscription is untouched
  CHECK(second.sub.licenses_in_use == 1);
}

TEST_CASE("deleting a group clears its violations in every subscription [D-DIR-1] [D-GROUP-1]") {
  auto w = world::with_seats(1);
  w.add_group(sales, members(1, 3));
  (void)w.assign({}, {sales}); // member 1 holds the seat; 2 and 3 wait
  auto second = second_with(w, 2, {sales}); // members 1 and 2 hold; 3 waits
  REQUIRE(w.book.violation_count() == 2);
  REQUIRE(second.book.violation_count() == 1);

  const auto r = try_delete(w.dir, {{&w.sub, &w.book}, {&second.sub, &second.book}}, w.as(global_admin), sales);
  REQUIRE(r.has_value());
  CHECK(payloads<violations_cleared>(r.value()) ==
        std::vector<violations_cleared>{{subscription_1, sales, members(2, 3)}, {subscription_2, sales, {member(3)}}});
  w.apply(r.value());
  second.apply(r.value());
  CHECK(w.book.violation_count() == 0);
  CHECK(second.book.violation_count() == 0);
  CHECK(w.book.size() == 0);
  CHECK(second.book.size() == 0);
  CHECK(w.sub.licenses_in_use == 0);
  CHECK(second.sub.licenses_in_use == 0);
  CHECK_FALSE(second.book.group_assigned(sales));
}

TEST_CASE("deleting a group that is not in the directory is refused and changes nothing [D-DIR-1] [D-ERR-1]") {
  auto w = world::with_seats(5);
  const auto before = w.state;
  const auto r = try_delete(w.dir, {{&w.sub, &w.book}}, w.as(global_admin), isv::group_id{9});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::not_found);
  CHECK_THAT(r.error().message, says("group 9 is not a group of tenant 1"));
  CHECK(w.state == before);
}

TEST_CASE("only a Global or User administrator removes users, deletes groups and names users [D-DIR-1] [D-DIR-2] [D-ROLE-3]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  const refs subs{{&w.sub, &w.book}};
  for (const auto who : {license_admin, billing_admin, global_reader}) {
    CAPTURE(who);
    const auto removed = try_remove_users(w, subs, w.as(who), {member(1)});
    REQUIRE_FALSE(removed.has_value());
    CHECK(removed.error().code == isv::errc::permission_denied);
    CHECK_THAT(removed.error().message, says("manage users and groups"));
    CHECK_THAT(removed.error().message, says("Global administrator or User administrator"));
    const auto deleted = try_delete(w.dir, subs, w.as(who), sales);
    REQUIRE_FALSE(deleted.has_value());
    CHECK(deleted.error().code == isv::errc::permission_denied);
    const auto named = isv::name_user(w.dir, w.as(who), isv::name_user_command{member(1), "Ana"}, now);
    REQUIRE_FALSE(named.has_value());
    CHECK(named.error().code == isv::errc::permission_denied);
  }
  for (const auto who : {global_admin, user_admin}) {
    CAPTURE(who);
    CHECK(try_remove_users(w, subs, w.as(who), {member(1)}).has_value());
    CHECK(try_delete(w.dir, subs, w.as(who), sales).has_value());
    CHECK(isv::name_user(w.dir, w.as(who), isv::name_user_command{member(1), "Ana"}, now).has_value());
  }
}

TEST_CASE("naming a user: an unknown user or an empty name is refused, the same name again changes nothing [D-DIR-2] [D-ERR-1]") {
  auto w = world::with_seats(5);
  const auto named = isv::name_user(w.dir, w.as(user_admin), isv::name_user_command{member(1), "Ana"}, now);
  REQUIRE(named.has_value());
  CHECK(payloads<user_named>(named.value().events) == std::vector<user_named>{{member(1), "Ana"}});
  w.apply(named.value().events);
  REQUIRE(w.dir.user_name(member(1)) != nullptr);
  CHECK(*w.dir.user_name(member(1)) == "Ana");

  const auto again = isv::name_user(w.dir, w.as(user_admin), isv::name_user_command{member(1), "Ana"}, now);
  REQUIRE(again.has_value());
  CHECK(again.value().events.empty());
  const auto unknown = isv::name_user(w.dir, w.as(user_admin), isv::name_user_command{stranger, "Eve"}, now);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == isv::errc::not_found);
  CHECK_THAT(unknown.error().message, says("user 999 is not a user of tenant 1"));
  const auto empty = isv::name_user(w.dir, w.as(user_admin), isv::name_user_command{member(1), ""}, now);
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == isv::errc::invalid_argument);
  CHECK(*w.dir.user_name(member(1)) == "Ana");
}
