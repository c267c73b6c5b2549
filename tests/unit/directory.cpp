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
