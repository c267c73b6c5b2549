// Unit tests of isv/directory.hpp: a tenant's users and groups, changed by events.
#include "fixture_a.hpp"

#include <set>
#include <span>
#include <vector>

using namespace fixture_a;

namespace {

isv::directory directory_of(const std::vector<isv::event>& events, isv::tenant_id tenant = tenant_1) {
  isv::directory dir{tenant};
  for (const auto& e : events) isv::apply(dir, e);
  return dir;
}

} // namespace

TEST_CASE("users added are in the directory, once each [D-TENANT-1]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 3)})});
  CHECK(dir.tenant() == tenant_1);
  CHECK(dir.user_count() == 3);
  CHECK(dir.has_user(member(2)));
  CHECK_FALSE(dir.has_user(stranger));
  isv::apply(dir, event_of(tenant_1, users_added{members(2, 4)}));
  CHECK(dir.user_count() == 4);
}

TEST_CASE("a directory ignores the events of another tenant [D-TENANT-1]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, group_created{sales, "Sales"}),
                           event_of(tenant_1, members_added{sales, {member(1)}})});
  const auto before = dir;
  isv::apply(dir, event_of(tenant_2, users_added{{stranger}}));
  isv::apply(dir, event_of(tenant_2, group_created{support, "Support"}));
  isv::apply(dir, event_of(tenant_2, members_added{sales, {member(2)}}));
  isv::apply(dir, event_of(tenant_2, members_removed{sales, {member(1)}}));
  CHECK(dir == before);
  CHECK_FALSE(dir.has_user(stranger));
  CHECK_FALSE(dir.has_group(support));
  CHECK(dir.members(sales) == std::set{member(1)});
}

TEST_CASE("a directory ignores events that are not about users or groups [D-TENANT-1]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 2)})});
  const auto before = dir;
  isv::apply(dir, event_of(tenant_1, licenses_granted{subscription_1, std::nullopt, {stranger}, {}}));
  isv::apply(dir, event_of(tenant_1, group_assigned{subscription_1, sales}));
  CHECK(dir == before);
  CHECK_FALSE(dir.has_group(sales));
}

TEST_CASE("group members are kept sorted, the order a group assignment serves them in [D-GROUP-1]") {
  const auto dir = directory_of({event_of(tenant_1, users_added{members(1, 5)}), event_of(tenant_1, group_created{sales, "Sales"}),
                                 event_of(tenant_1, members_added{sales, {member(4), member(1)}}),
                                 event_of(tenant_1, members_added{sales, {member(5), member(2), member(1)}})});
  const auto& listed = dir.members(sales);
  CHECK(std::vector<isv::user_id>(listed.begin(), listed.end()) == std::vector{member(1), member(2), member(4), member(5)});
  REQUIRE(dir.find_group(sales) != nullptr);
  CHECK(dir.find_group(sales)->name == "Sales");
  CHECK(dir.is_member(sales, member(4)));
  CHECK_FALSE(dir.is_member(sales, member(3)));
}

TEST_CASE("removing members leaves the others, and an unknown group has no members [D-ASSIGN-5]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 3)}), event_of(tenant_1, group_created{sales, "Sales"}),
                           event_of(tenant_1, members_added{sales, members(1, 3)})});
  isv::apply(dir, event_of(tenant_1, members_removed{sales, {member(2), stranger}}));
  CHECK(dir.members(sales) == std::set{member(1), member(3)});
  CHECK(dir.has_user(member(2))); // leaving a group does not leave the tenant
  CHECK(dir.members(engineering).empty());
  CHECK_FALSE(dir.has_group(engineering));
  CHECK(dir.find_group(engineering) == nullptr);
}

TEST_CASE("directories are equal when built from the same users, groups and members [D-AUDIT-1]") {
  const auto a = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, group_created{sales, "Sales"}),
                               event_of(tenant_1, members_added{sales, members(1, 2)})});
  const auto b = directory_of({event_of(tenant_1, group_created{sales, "Sales"}), event_of(tenant_1, users_added{{member(2), member(1)}}),
                               event_of(tenant_1, members_added{sales, {member(2)}}), event_of(tenant_1, members_added{sales, {member(1)}})});
  CHECK(a == b);
  auto c = a;
  isv::apply(c, event_of(tenant_1, members_removed{sales, {member(2)}}));
  CHECK_FALSE(a == c);
  auto renamed = a;
  isv::apply(renamed, event_of(tenant_1, group_created{sales, "Sales EMEA"}));
  CHECK_FALSE(a == renamed);
  CHECK_FALSE(directory_of({}, tenant_1) == directory_of({}, tenant_2));
}

TEST_CASE("the directory built by the membership operations lists what they did [D-ASSIGN-2]") {
  isv::directory dir{tenant_1};
  const auto org = make_tenant(tenant_1);
  const auto admin = org.actor(user_admin);
  const auto apply = [&](const isv::result<isv::directory_update>& r) {
    REQUIRE(r.has_value());
    for (const auto& e : r.value().events) isv::apply(dir, e);
  };
  apply(isv::add_users(dir, admin, isv::add_users_command{members(1, 3)}, now));
  apply(isv::create_group(dir, admin, isv::create_group_command{sales, "Sales"}, now));
  apply(isv::add_members(dir, std::span<const isv::subscription_ref>{}, admin, isv::membership_command{sales, {member(3), member(1)}}, now));
  CHECK(dir.user_count() == 3);
  CHECK(dir.members(sales) == std::set{member(1), member(3)});
  apply(isv::remove_members(dir, std::span<const isv::subscription_ref>{}, admin, isv::remove_members_command{sales, {member(1)}}, now));
  CHECK(dir.members(sales) == std::set{member(3)});
}

TEST_CASE("a membership event for a group that was never created does not create it [D-TENANT-1]") {
  // Otherwise a stray event would make an id pass for one of the tenant's groups.
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 2)})});
  const auto before = dir;
  isv::apply(dir, event_of(tenant_1, members_removed{engineering, {member(1)}}));
  isv::apply(dir, event_of(tenant_1, members_added{engineering, {member(2)}}));
  CHECK_FALSE(dir.has_group(engineering));
  CHECK(dir.groups().empty());
  CHECK(dir == before);
}

TEST_CASE("a directory names the first listed user who is not in it [D-TENANT-1]") {
  const auto dir = directory_of({event_of(tenant_1, users_added{members(1, 800)})});
  CHECK(dir.first_unknown(members(1, 800)) == nullptr);
  auto with_strangers = members(790, 800);
  with_strangers.push_back(stranger);
  with_strangers.push_back(member(9000));
  const auto* unknown = dir.first_unknown(with_strangers);
  REQUIRE(unknown != nullptr);
  CHECK(*unknown == stranger);
  CHECK(dir.first_unknown({}) == nullptr);
  CHECK(dir.user_count() == 800);
}

// A member apply that forwarded to isv::apply would link only where isv/evolve.hpp is included.
template <class Directory>
concept has_member_apply = requires(Directory& dir, const isv::event& e) { dir.apply(e); };

TEST_CASE("a directory changes only by isv::apply(dir, e), the one fold in evolve.hpp: it has no member apply [D-AUDIT-1] [D-TENANT-1]") {
  static_assert(!has_member_apply<isv::directory>);
  isv::directory dir{tenant_1};
  const std::vector<isv::event> events{
      event_of(tenant_1, users_added{members(1, 3)}),     event_of(tenant_1, group_created{sales, "Sales"}),
      event_of(tenant_1, members_added{sales, members(1, 2)}), event_of(tenant_1, members_removed{sales, {member(1)}}),
      event_of(tenant_2, users_added{{stranger}}),
  };
  for (const auto& e : events) isv::apply(dir, e);
  CHECK(dir.members(sales) == std::set<isv::user_id>{member(2)});
  CHECK_FALSE(dir.has_user(stranger));
}

// ---- Display names and the search by name (D-DIR-2), removals (D-DIR-1) -----------------------

TEST_CASE("a name prefix finds users and groups, ASCII case folded, in name order [D-DIR-2]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 6)}), event_of(tenant_1, user_named{member(1), "Ana Lima"}),
                           event_of(tenant_1, user_named{member(2), "ANDREA"}), event_of(tenant_1, user_named{member(3), "andy"}),
                           event_of(tenant_1, user_named{member(4), "Dana"}), event_of(tenant_1, user_named{member(5), "Émile"}),
                           event_of(tenant_1, group_created{sales, "Analytics"}), event_of(tenant_1, group_created{support, "Support"})});
  const auto an = dir.find_by_name("an");
  CHECK(an.users == std::vector{member(1), member(2), member(3)}); // "ana lima" < "andrea" < "andy"; not "Dana"
  CHECK(an.groups == std::vector{sales});
  CHECK(dir.find_by_name("AND").users == members(2, 3));
  CHECK(dir.find_by_name("ana l").users == std::vector{member(1)});
  CHECK(dir.find_by_name("su").users.empty());
  CHECK(dir.find_by_name("su").groups == std::vector{support});
  CHECK(dir.find_by_name("Émile").users == std::vector{member(5)}); // other bytes compare as they are
  CHECK(dir.find_by_name("émile").users.empty());
  CHECK(dir.find_by_name("x") == isv::name_matches{});
  // At most `limit` of each; an empty prefix lists every named user and group, in name order.
  CHECK(dir.find_by_name("an", 2).users == members(1, 2));
  const auto all = dir.find_by_name("");
  CHECK(all.users == std::vector{member(1), member(2), member(3), member(4), member(5)}); // member 6 has no name
  CHECK(all.groups == std::vector{sales, support});
}

TEST_CASE("a renamed user or group is found by the new name only, removed users and deleted groups are not found [D-DIR-2] [D-DIR-1]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, user_named{member(1), "Ana"}),
                           event_of(tenant_1, user_named{member(2), "Bea"}), event_of(tenant_1, group_created{sales, "Sales"})});
  isv::apply(dir, event_of(tenant_1, user_named{member(1), "Carla"}));
  isv::apply(dir, event_of(tenant_1, group_created{sales, "Revenue"}));
  CHECK(dir.find_by_name("an").users.empty());
  CHECK(dir.find_by_name("car").users == std::vector{member(1)});
  CHECK(dir.find_by_name("sa").groups.empty());
  CHECK(dir.find_by_name("rev").groups == std::vector{sales});
  REQUIRE(dir.user_name(member(1)) != nullptr);
  CHECK(*dir.user_name(member(1)) == "Carla");

  isv::apply(dir, event_of(tenant_1, users_removed{{member(2)}}));
  isv::apply(dir, event_of(tenant_1, group_deleted{sales}));
  CHECK(dir.find_by_name("bea").users.empty());
  CHECK(dir.user_name(member(2)) == nullptr);
  CHECK(dir.find_by_name("").groups.empty());
  // Added again, a removed user starts without a name.
  isv::apply(dir, event_of(tenant_1, users_added{{member(2)}}));
  CHECK(dir.user_name(member(2)) == nullptr);
  CHECK(dir.find_by_name("").users == std::vector{member(1)});
}

TEST_CASE("a removed user leaves the directory and every group, a deleted group is gone with its members list [D-DIR-1]") {
  auto dir = directory_of({event_of(tenant_1, users_added{members(1, 3)}), event_of(tenant_1, group_created{sales, "Sales"}),
                           event_of(tenant_1, group_created{support, "Support"}),
                           event_of(tenant_1, members_added{sales, members(1, 3)}), event_of(tenant_1, members_added{support, members(1, 2)})});
  isv::apply(dir, event_of(tenant_1, users_removed{{member(1), member(2)}}));
  CHECK_FALSE(dir.has_user(member(1)));
  CHECK_FALSE(dir.has_user(member(2)));
  CHECK(dir.has_user(member(3)));
  CHECK(dir.user_count() == 1);
  CHECK(dir.members(sales) == std::set{member(3)});
  CHECK(dir.members(support).empty());
  CHECK(dir.has_group(support)); // a group emptied by removals stays
  isv::apply(dir, event_of(tenant_1, group_deleted{sales}));
  CHECK_FALSE(dir.has_group(sales));
  CHECK(dir.members(sales).empty());
  CHECK(dir.has_user(member(3))); // deleting a group removes no user
}

TEST_CASE("naming a user never added, removing or deleting what is not there, or another tenant's event changes nothing [D-DIR-1] [D-DIR-2] [D-TENANT-1]") {
  const auto before = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, group_created{sales, "Sales"})});
  auto dir = before;
  isv::apply(dir, event_of(tenant_1, user_named{stranger, "Eve"}));
  isv::apply(dir, event_of(tenant_1, users_removed{{stranger}}));
  isv::apply(dir, event_of(tenant_1, group_deleted{support}));
  isv::apply(dir, event_of(tenant_2, user_named{member(1), "Ana"}));
  isv::apply(dir, event_of(tenant_2, users_removed{{member(1)}}));
  isv::apply(dir, event_of(tenant_2, group_deleted{sales}));
  CHECK(dir == before);
  CHECK_FALSE(dir.has_user(stranger));
  CHECK(dir.find_by_name("eve").users.empty());
}

TEST_CASE("directories built from the same events in either order of naming are equal, names and indexes included [D-DIR-2] [D-AUDIT-1]") {
  const auto a = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, user_named{member(1), "Ana"}),
                               event_of(tenant_1, user_named{member(2), "Bea"})});
  const auto b = directory_of({event_of(tenant_1, users_added{members(1, 2)}), event_of(tenant_1, user_named{member(2), "Bea"}),
                               event_of(tenant_1, user_named{member(1), "Zoe"}), event_of(tenant_1, user_named{member(1), "Ana"})});
  CHECK(a == b);
  auto c = a;
  isv::apply(c, event_of(tenant_1, user_named{member(1), "ana"}));
  CHECK_FALSE(c == a); // the display name keeps its case; only the search folds it
  CHECK(c.find_by_name("ANA").users == std::vector{member(1)});
}
