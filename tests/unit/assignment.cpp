// Unit tests of isv/operations/assignment.hpp: assigning, unassigning (preview and confirm) and reprocessing licenses.
#include "fixture_a.hpp"

#include <algorithm>
#include <span>
#include <variant>
#include <vector>

using namespace fixture_a;

namespace {

auto try_assign(const world& w, isv::user_id who, std::vector<isv::user_id> users, std::vector<isv::group_id> groups = {}) {
  return isv::assign(w.sub, w.book, w.dir, w.as(who), isv::assign_command{w.sub.id, std::move(users), std::move(groups)}, now);
}

auto try_reprocess(const world& w, isv::user_id who) {
  return isv::reprocess(w.sub, w.book, w.dir, w.as(who), isv::reprocess_command{w.sub.id}, now);
}

/// The refused operation left the subscription, its licenses and the directory as they were.
bool same_state(const world& a, const world& b) { return a.sub == b.sub && a.book == b.book && a.dir == b.dir; }

/// The users an operation's events release, sorted.
std::vector<isv::user_id> released_by(const std::vector<isv::event>& events) {
  std::vector<isv::user_id> out;
  for (const auto& e : events)
    if (const auto* p = std::get_if<licenses_released>(&e.payload)) out.insert(out.end(), p->released.begin(), p->released.end());
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

TEST_CASE("an assignment batch with one id not in the directory assigns nothing [D-ASSIGN-1] [D-TENANT-1]") {
  auto w = world::with_seats(10);
  w.add_group(sales, members(5, 6));
  const auto before = w;

  const auto unknown_user = try_assign(w, global_admin, {member(1), member(2), stranger}, {sales});
  REQUIRE_FALSE(unknown_user.has_value());
  CHECK(unknown_user.error().code == isv::errc::not_found);
  CHECK_THAT(unknown_user.error().message, says("user 999"));
  CHECK_THAT(unknown_user.error().message, says("tenant 1"));

  const auto unknown_group = try_assign(w, global_admin, {member(1), member(2)}, {sales, isv::group_id{9}});
  REQUIRE_FALSE(unknown_group.has_value());
  CHECK(unknown_group.error().code == isv::errc::not_found);
  CHECK_THAT(unknown_group.error().message, says("group 9"));
  CHECK(same_state(before, w));

  (void)w.assign({member(1), member(2)}, {sales});
  CHECK(w.holders() == std::vector{member(1), member(2), member(5), member(6)});
}


TEST_CASE("a batch with a stranger that also needs more seats than are free is refused for the stranger [D-TENANT-1] [D-ASSIGN-1]") {
  // The directory is consulted last (its lookups are the slow ones), but its refusal still comes
  // before the seat count's: a tenant's ids are checked before anything is counted against them.
  auto w = world::with_seats(1);
  const auto before = w;
  const auto r = try_assign(w, global_admin, {member(1), member(2), stranger}, {});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::not_found);
  CHECK_THAT(r.error().message, says("user 999"));
  CHECK(same_state(before, w));
}
TEST_CASE("an empty batch or one that lists an id twice is refused [D-ASSIGN-1] [D-ERR-1]") {
  const auto w = world::with_seats(10);
  const auto empty = try_assign(w, global_admin, {});
  REQUIRE_FALSE(empty.has_value());
  CHECK(empty.error().code == isv::errc::invalid_argument);
  CHECK_THAT(empty.error().message, says("at least one user or group"));

  const auto twice = try_assign(w, global_admin, {member(1), member(2), member(1)});
  REQUIRE_FALSE(twice.has_value());
  CHECK(twice.error().code == isv::errc::invalid_argument);
  CHECK_THAT(twice.error().message, says("user 101 is listed twice"));
}

TEST_CASE("users and groups listed together are assigned in one step [D-ASSIGN-1] [D-ASSIGN-2]") {
  auto w = world::with_seats(10);
  w.add_group(sales, members(3, 4));
  const auto r = try_assign(w, license_admin, {member(1), member(2)}, {sales});
  REQUIRE(r.has_value());
  CHECK(r.value().report.licenses_added == 4);
  CHECK(r.value().state.licenses_in_use == 4);
  w.apply(r.value().events);
  CHECK(w.sub == r.value().state);
  CHECK(w.book.size() == 4);
  CHECK(w.book.group_assigned(sales));
  CHECK(paths_of(w.book, member(1)).direct);
  CHECK(paths_of(w.book, member(3)).via(sales));
  CHECK_FALSE(paths_of(w.book, member(3)).direct);
  for (const auto& e : r.value().events) {
    CHECK(e.actor == std::optional{license_admin});
    CHECK(e.tenant == tenant_1);
    CHECK(e.at == now);
  }
}

TEST_CASE("a user reached directly and through two groups holds one license, counted once [D-ASSIGN-2]") {
  // Three seats for three people: counting member 1 twice would leave someone in violation.
  auto w = world::with_seats(3);
  w.add_group(sales, {member(1), member(2)});
  w.add_group(support, {member(1), member(3)});
  const auto report = w.assign({member(1)}, {sales, support});
  CHECK(report.violations.empty());
  CHECK(report.licenses_added == 3);
  CHECK(w.sub.licenses_in_use == 3);
  CHECK(w.book.size() == 3);
  const auto paths = w.book.find(member(1));
  REQUIRE(paths.has_value());
  CHECK(paths->direct);
  CHECK(paths->groups == std::vector{sales, support});
}

TEST_CASE("a direct assignment beyond the free seats is refused, saying how many seats are missing [D-ASSIGN-3]") {
  auto w = world::with_seats(2);
  const auto before = w;
  const auto r = try_assign(w, global_admin, members(1, 3));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::seats_exhausted);
  CHECK_THAT(r.error().message, says("3 new seats"));
  CHECK_THAT(r.error().message, says("has 2 free"));
  CHECK_THAT(r.error().message, says("Raise the quantity by 1"));
  CHECK_THAT(r.error().message, says("nothing was assigned"));
  CHECK(same_state(before, w));

  // A user who holds a license already needs no new seat.
  (void)w.assign({member(1)});
  const auto again = try_assign(w, global_admin, {member(1), member(2), member(3)});
  REQUIRE_FALSE(again.has_value());
  CHECK_THAT(again.error().message, says("2 new seats"));
  CHECK_THAT(again.error().message, says("has 1 free"));
  CHECK(w.book.size() == 1);
}

TEST_CASE("group members beyond the free seats become count violations listed per member [D-ASSIGN-3] [D-GROUP-1]") {
  auto w = world::with_seats(2);
  w.add_group(sales, members(1, 4));
  const auto report = w.assign({}, {sales});
  CHECK(report.licenses_added == 2);
  CHECK(report.violations == std::vector<isv::count_violation>{{member(3), sales, isv::violation_reason::count_violation},
                                                              {member(4), sales, isv::violation_reason::count_violation}});
  CHECK(w.book.violations() == report.violations);
  CHECK(w.sub.licenses_in_use == 2);
  CHECK(w.sub.licenses_in_use <= *w.sub.quantity);
  CHECK(w.holders() == members(1, 2));
  CHECK(w.book.in_violation(member(3), sales));
  CHECK_FALSE(w.book.holds(member(3)));
}

TEST_CASE("previewing an unassignment changes nothing [D-ASSIGN-4]") {
  auto w = world::with_seats(5);
  (void)w.assign({member(1), member(2)});
  const auto before = w;
  const auto preview = w.preview({member(1)});
  CHECK(preview.subscription == subscription_1);
  CHECK(preview.version == w.sub.version);
  CHECK(preview.users == std::vector{member(1)});
  CHECK(preview.losing_license == std::vector{member(1)});
  CHECK(preview.keeping_license.empty());
  CHECK(same_state(before, w));
  CHECK(w.book.holds(member(1)));

  // Like every operation it returns an update: the subscription as it was, no events, the preview as its report.
  const auto update = isv::preview_unassign(w.sub, w.book, w.dir, w.as(global_admin),
                                            isv::unassign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE(update.has_value());
  CHECK(update.value().state == w.sub);
  CHECK(update.value().events.empty());
  CHECK(update.value().report.losing_license == preview.losing_license);
}

TEST_CASE("confirming an unassignment applies exactly what the preview showed [D-ASSIGN-4] [D-ASSIGN-5]") {
  auto w = world::with_seats(10);
  w.add_group(sales, members(1, 3));
  (void)w.assign({member(1), member(4), member(5)}, {sales});
  const auto preview = w.preview({member(1), member(4)}, {sales});
  CHECK(preview.losing_license == members(1, 4));
  CHECK(preview.keeping_license.empty());

  const auto r = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(user_admin), preview, now);
  REQUIRE(r.has_value());
  CHECK(released_by(r.value().events) == preview.losing_license);
  CHECK(r.value().state.licenses_in_use == w.sub.licenses_in_use - static_cast<isv::count_t>(preview.losing_license.size()));
  w.apply(r.value().events);
  CHECK(w.holders() == std::vector{member(5)});
  CHECK_FALSE(w.book.group_assigned(sales));
}

TEST_CASE("removing one path of a user who has another keeps the license [D-ASSIGN-5] [D-ASSIGN-4]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(1)});
  (void)w.assign({member(1)}, {sales});
  const auto preview = w.preview({member(1)});
  CHECK(preview.losing_license.empty());
  CHECK(preview.keeping_license == std::vector{member(1)});
  w.unassign({member(1)});
  const auto paths = w.book.find(member(1));
  REQUIRE(paths.has_value());
  CHECK_FALSE(paths->direct);
  CHECK(paths->via(sales));
  CHECK(w.sub.licenses_in_use == 1);

  // The group was the last path: now the license goes.
  w.unassign({}, {sales});
  CHECK_FALSE(w.book.holds(member(1)));
  CHECK(w.sub.licenses_in_use == 0);
}

TEST_CASE("assigning what is assigned already is reported and not counted again [D-ASSIGN-6]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(2)});
  (void)w.assign({member(1)}, {sales});
  const auto before = w;

  const auto r = try_assign(w, global_admin, {member(1)}, {sales});
  REQUIRE(r.has_value());
  CHECK(r.value().report.already_assigned == std::vector{member(1)});
  CHECK(r.value().report.groups_already_assigned == std::vector{sales});
  CHECK(r.value().report.licenses_added == 0);
  CHECK(r.value().events.empty());
  CHECK(r.value().state == before.sub);

  // Member 2 holds a license through sales: a direct assignment adds a path, not a seat.
  const auto direct = w.assign({member(2)});
  CHECK(direct.licenses_added == 0);
  CHECK(w.sub.licenses_in_use == 2);
  CHECK(paths_of(w.book, member(2)).direct);
  CHECK(paths_of(w.book, member(2)).via(sales));
}

TEST_CASE("unassigning what is not assigned is reported and changes nothing [D-ASSIGN-6]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(2)});
  w.add_group(support, {member(3)});
  (void)w.assign({member(1)}, {sales});
  const auto before = w;

  // Member 2 holds a license only through sales, so there is no direct assignment to remove.
  const auto preview = w.preview({member(2), member(4)}, {support});
  CHECK(preview.not_assigned == std::vector{member(2), member(4)});
  CHECK(preview.groups_not_assigned == std::vector{support});
  CHECK(preview.losing_license.empty());
  const auto r = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(global_admin), preview, now);
  REQUIRE(r.has_value());
  CHECK(r.value().events.empty());
  CHECK(r.value().state == before.sub);
}

TEST_CASE("after the quantity is raised, reprocessing serves count violations in order [D-GROUP-1] [D-ASSIGN-3]") {
  auto w = world::with_seats(2);
  w.add_group(sales, members(1, 5));
  const auto report = w.assign({}, {sales});
  CHECK(users_of(report.violations) == members(3, 5));

  w.set_quantity(4);
  const auto r = try_reprocess(w, license_admin);
  REQUIRE(r.has_value());
  CHECK(r.value().report.licenses_added == 2);
  CHECK(users_of(r.value().report.violations) == std::vector{member(5)});
  w.apply(r.value().events);
  CHECK(w.holders() == members(1, 4));
  CHECK(users_of(w.book.violations()) == std::vector{member(5)});
  CHECK(w.sub.licenses_in_use == 4);
}

TEST_CASE("reprocessing serves violations in the order they arose, across groups [D-GROUP-1]") {
  auto w = world::with_seats(1);
  w.add_group(sales, {member(5), member(6)});
  w.add_group(support, {member(1), member(2)});
  (void)w.assign({}, {sales});
  (void)w.assign({}, {support});
  // Member 6 was left out first, then members 1 and 2: arrival order, not id order.
  CHECK(users_of(w.book.violations()) == std::vector{member(6), member(1), member(2)});

  w.set_quantity(3);
  const auto r = try_reprocess(w, global_admin);
  REQUIRE(r.has_value());
  w.apply(r.value().events);
  CHECK(w.holders() == std::vector{member(1), member(5), member(6)});
  CHECK(w.book.violations() == std::vector<isv::count_violation>{{member(2), support, isv::violation_reason::count_violation}});
}

TEST_CASE("unassigning a group releases its members' licenses and clears its violations [D-ASSIGN-4] [D-GROUP-1]") {
  auto w = world::with_seats(2);
  w.add_group(sales, members(1, 3));
  (void)w.assign({}, {sales});
  REQUIRE(w.book.violation_count() == 1);
  w.unassign({}, {sales});
  CHECK(w.book.size() == 0);
  CHECK(w.book.violation_count() == 0);
  CHECK(w.book.groups().empty());
  CHECK(w.sub.licenses_in_use == 0);
}

TEST_CASE("confirming a preview after the subscription changed is refused as stale [D-UNASSIGN-1]") {
  auto w = world::with_seats(5);
  (void)w.assign({member(1), member(2)});
  const auto preview = w.preview({member(1)});
  (void)w.assign({member(3)});
  const auto before = w;

  const auto stale = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(global_admin), preview, now);
  REQUIRE_FALSE(stale.has_value());
  CHECK(stale.error().code == isv::errc::stale_preview);
  CHECK_THAT(stale.error().message, says("version " + std::to_string(preview.version)));
  CHECK_THAT(stale.error().message, says("Preview the unassignment again"));
  CHECK(same_state(before, w));
  CHECK(w.book.holds(member(1)));

  w.unassign({member(1)});
  CHECK(w.holders() == std::vector{member(2), member(3)});
}

TEST_CASE("a preview whose lists were edited is refused, at the same version, and nothing changes [D-UNASSIGN-1]") {
  auto w = world::with_seats(5);
  (void)w.assign({member(1), member(2), member(3)});
  const auto genuine = w.preview({member(1), member(4)});
  REQUIRE(genuine.losing_license == std::vector{member(1)});
  REQUIRE(genuine.not_assigned == std::vector{member(4)});

  isv::unassign_preview extra_user = genuine; // a user slipped into the selection, not into what it shows
  extra_user.users.push_back(member(2));
  isv::unassign_preview said_to_keep = genuine; // the user said to keep a license that goes
  said_to_keep.keeping_license.push_back(member(1));
  said_to_keep.losing_license.clear();
  isv::unassign_preview moved_list = genuine; // a user moved from "not assigned" to "losing"
  moved_list.not_assigned.clear();
  moved_list.users.push_back(member(4));
  // A preview that says exactly what its selection does now is the preview of that selection: the
  // check is that the lists agree with the state, so only lists that do not are refused.
  const std::vector<std::pair<const char*, isv::unassign_preview>> forgeries{
      {"extra user", extra_user}, {"said to keep", said_to_keep}, {"moved list", moved_list}};
  for (const auto& [what, forged] : forgeries) {
    INFO(what);
    const auto before = w;
    const auto refused = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(global_admin), forged, now);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::stale_preview);
    CHECK_THAT(refused.error().message, says("does not say what unassigning its selection"));
    CHECK(same_state(before, w));
  }
  CHECK(w.holders() == std::vector{member(1), member(2), member(3)});

  const auto confirmed = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(global_admin), genuine, now);
  REQUIRE(confirmed.has_value());
  CHECK(confirmed.value().state.licenses_in_use == 2);
}

TEST_CASE("Global, License and User administrators may assign licenses [D-ROLE-1]") {
  for (const auto who : {global_admin, license_admin, user_admin}) {
    CAPTURE(who);
    const auto w = world::with_seats(5);
    const auto r = try_assign(w, who, {member(1)});
    REQUIRE(r.has_value());
    CHECK(r.value().state.licenses_in_use == 1);
  }
}

TEST_CASE("a Billing administrator or Global reader may not assign, unassign or reprocess [D-ROLE-1] [D-ROLE-3]") {
  auto w = world::with_seats(5);
  (void)w.assign({member(1)});
  for (const auto who : {billing_admin, global_reader}) {
    CAPTURE(who);
    const auto assigned = try_assign(w, who, {member(2)});
    REQUIRE_FALSE(assigned.has_value());
    CHECK(assigned.error().code == isv::errc::permission_denied);
    CHECK_THAT(assigned.error().message, says("assign licenses"));
    CHECK_THAT(assigned.error().message, says("Global administrator, License administrator or User administrator"));

    const auto previewed = isv::preview_unassign(w.sub, w.book, w.dir, w.as(who), isv::unassign_command{subscription_1, {member(1)}, {}}, now);
    REQUIRE_FALSE(previewed.has_value());
    CHECK(previewed.error().code == isv::errc::permission_denied);
    CHECK_THAT(previewed.error().message, says("unassign licenses"));

    const auto confirmed = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(who), w.preview({member(1)}), now);
    REQUIRE_FALSE(confirmed.has_value());
    CHECK(confirmed.error().code == isv::errc::permission_denied);

    const auto reprocessed = try_reprocess(w, who);
    REQUIRE_FALSE(reprocessed.has_value());
    CHECK(reprocessed.error().code == isv::errc::permission_denied);
    CHECK_THAT(reprocessed.error().message, says("reprocess group licenses"));
  }
  CHECK(w.holders() == std::vector{member(1)});
}

TEST_CASE("a pending SaaS subscription accepts no assignment until it is activated [D-ACT-1]") {
  world w;
  const auto bought = isv::purchase(w.org, saas_app(), std::span(&w.profile, 1), {}, w.as(global_admin), purchase_of(saas_app(), 5), now);
  REQUIRE(bought.has_value());
  w.apply(bought.value().events);
  REQUIRE(w.sub.status == isv::subscription_status::pending_activation);

  const auto r = try_assign(w, global_admin, {member(1)});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::pending_activation);
  CHECK_THAT(r.error().message, says("publisher's portal"));

  const auto activated = isv::activate(w.sub, w.as(global_admin), isv::activate_command{subscription_1}, now);
  REQUIRE(activated.has_value());
  w.apply(activated.value().events);
  (void)w.assign({member(1)});
  CHECK(w.book.holds(member(1)));
}

TEST_CASE("a deactivated subscription has released its licenses and accepts no assignment [D-LIFE-3] [D-LIFE-2]") {
  auto w = world::with_seats(5);
  w.add_group(sales, members(3, 4));
  (void)w.assign({member(1), member(2)}, {sales});
  const auto cancelled = isv::cancel(w.sub, w.as(billing_admin), isv::cancel_command{subscription_1}, now);
  REQUIRE(cancelled.has_value());
  w.apply(cancelled.value().events);
  CHECK(w.sub.status == isv::subscription_status::deactivated);
  CHECK(w.sub.licenses_in_use == 0);
  CHECK(w.book.size() == 0);
  CHECK(w.book.groups().empty());

  const auto r = try_assign(w, global_admin, {member(5)});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::deactivated);
  CHECK_THAT(r.error().message, says("cancelled"));
  CHECK_THAT(r.error().message, says("Buy a new subscription"));

  const auto previewed =
      isv::preview_unassign(w.sub, w.book, w.dir, w.as(global_admin), isv::unassign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE_FALSE(previewed.has_value());
  CHECK(previewed.error().code == isv::errc::deactivated);
}

TEST_CASE("a suspended subscription keeps its licenses but takes no new ones until paid [D-LIFE-4]") {
  auto w = world::with_seats(5);
  w.add_group(sales, {member(3)});
  (void)w.assign({member(1)}, {sales});
  const isv::invoice_id unpaid{77};
  w.apply(isv::lapse_payment(w.sub, unpaid, now).value().events);
  REQUIRE(w.sub.status == isv::subscription_status::suspended);
  CHECK(w.holders() == std::vector{member(1), member(3)});
  CHECK(w.sub.licenses_in_use == 2);

  const auto r = try_assign(w, global_admin, {member(2)});
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::suspended);
  CHECK_THAT(r.error().message, says("invoice 77"));
  CHECK_THAT(r.error().message, says("2026-02-14"));
  const auto reprocessed = try_reprocess(w, global_admin);
  REQUIRE_FALSE(reprocessed.has_value());
  CHECK(reprocessed.error().code == isv::errc::suspended);
  CHECK(w.holders() == std::vector{member(1), member(3)});

  w.apply(isv::reinstate(w.sub, w.as(billing_admin), unpaid, now).value().events);
  REQUIRE(w.sub.status == isv::subscription_status::active);
  (void)w.assign({member(2)});
  CHECK(w.sub.licenses_in_use == 3);
}

TEST_CASE("an admin of another tenant cannot assign on this tenant's subscription [D-TENANT-1] [D-ROLE-5]") {
  const auto w = world::with_seats(5);
  const auto other = make_tenant(tenant_2);
  const auto r = isv::assign(w.sub, w.book, w.dir, other.actor(global_admin), isv::assign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::wrong_tenant);
  CHECK_THAT(r.error().message, says("subscription 1 belongs to tenant 1"));
  CHECK_THAT(r.error().message, says("tenant 2"));

  const auto previewed = isv::preview_unassign(w.sub, w.book, w.dir, other.actor(global_admin),
                                               isv::unassign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE_FALSE(previewed.has_value());
  CHECK(previewed.error().code == isv::errc::wrong_tenant);
  const auto reprocessed = isv::reprocess(w.sub, w.book, w.dir, other.actor(global_admin), isv::reprocess_command{subscription_1}, now);
  REQUIRE_FALSE(reprocessed.has_value());
  CHECK(reprocessed.error().code == isv::errc::wrong_tenant);

  // A Global administrator of tenant 2 holds no role in tenant 1, even under a user id tenant 1 knows.
  auto granted_elsewhere = other;
  granted_elsewhere.admin_roles.push_back({tenant_2, member(1), isv::directory_role::global_administrator});
  CHECK(granted_elsewhere.actor(member(1)).roles.contains(isv::directory_role::global_administrator));
  const auto as_member = isv::assign(w.sub, w.book, w.dir, w.org.actor(member(1)), isv::assign_command{subscription_1, {member(2)}, {}}, now);
  REQUIRE_FALSE(as_member.has_value());
  CHECK(as_member.error().code == isv::errc::permission_denied);

  // Another tenant's directory does not vouch for this tenant's users.
  const auto foreign_dir = make_directory(tenant_2, 10);
  const auto mixed = isv::assign(w.sub, w.book, foreign_dir, w.as(global_admin), isv::assign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE_FALSE(mixed.has_value());
  CHECK(mixed.error().code == isv::errc::invalid_argument);
  CHECK_THAT(mixed.error().message, says("tenant 2"));
}

TEST_CASE("a command naming another subscription than the state passed in is refused [D-TENANT-1] [D-ERR-1]") {
  const auto w = world::with_seats(5);
  const auto r = isv::assign(w.sub, w.book, w.dir, w.as(global_admin), isv::assign_command{subscription_2, {member(1)}, {}}, now);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == isv::errc::invalid_argument);
  CHECK_THAT(r.error().message, says("subscription 2"));

  const isv::license_book other_book{subscription_2};
  const auto mismatched = isv::assign(w.sub, other_book, w.dir, w.as(global_admin), isv::assign_command{subscription_1, {member(1)}, {}}, now);
  REQUIRE_FALSE(mismatched.has_value());
  CHECK(mismatched.error().code == isv::errc::invalid_argument);
}

TEST_CASE("replaying the events of assignments rebuilds the subscription and its license book [D-AUDIT-1]") {
  world w;
  std::vector<isv::event> log;
  const auto record = [&](const std::vector<isv::event>& events) {
    log.insert(log.end(), events.begin(), events.end());
    w.apply(events);
  };
  const auto bought = isv::purchase(w.org, isv_app(), std::span(&w.profile, 1), {}, w.as(global_admin), purchase_of(isv_app(), 2), now);
  REQUIRE(bought.has_value());
  record(bought.value().events);
  w.add_group(sales, members(1, 4));
  const auto assigned = try_assign(w, global_admin, {member(5)}, {sales});
  REQUIRE(assigned.has_value());
  record(assigned.value().events);
  const auto unassigned = isv::confirm_unassign(w.sub, w.book, w.dir, w.as(global_admin), w.preview({member(5)}), now);
  REQUIRE(unassigned.has_value());
  record(unassigned.value().events);
  const auto reprocessed = try_reprocess(w, global_admin);
  REQUIRE(reprocessed.has_value());
  record(reprocessed.value().events);

  const auto replayed = isv::replay_subscription<traits>(subscription_1, log);
  REQUIRE(replayed.has_value());
  CHECK(replayed.value().first == w.sub);
  CHECK(replayed.value().second == w.book);
  CHECK(w.holders() == members(1, 2));
  CHECK(users_of(w.book.violations()) == members(3, 4));
}
