// Tests of authorization.hpp: the table has a row per operation, refusals name the action and the roles, and the role rules hold on the operations (D-ROLE-1..3, D-ROLE-5, D-ROLE-6).
#include "fixture_b.hpp"

#include <set>

using namespace fixture_b;
using isv::errc;
using op = isv::operation;
using dr = isv::directory_role;
using br = isv::billing_role;

namespace {

const isv::subscription_id sub_id{20};

world with_active(isv::acquisition_channel channel = isv::acquisition_channel::direct) {
  auto w = make_world();
  w.activate(w.buy(sub_id, saas_per_user(), 5, isv::billing_term::monthly, channel));
  w.assign(sub_id, {member(1)});
  return w;
}

} // namespace

TEST_CASE("every operation has exactly one row in the authorization table [D-ROLE-3]") {
  // Every enumerator of isv::operation, written out: a new operation must be added here and to the table.
  const op all[] = {op::manage_admin_roles, op::manage_directory,     op::purchase,
                    op::activate,           op::install,              op::assign,
                    op::unassign,           op::reprocess,            op::change_quantity,
                    op::cancel,             op::set_auto_renew,       op::change_billing_profile,
                    op::create_billing_profile, op::edit_billing_profile, op::manage_billing_roles,
                    op::view_invoices,      op::pay_invoice,              op::change_plan,
                    op::marketplace};
  for (const auto o : all) {
    INFO("operation " << static_cast<int>(o));
    const auto rows = std::count_if(isv::operation_rules.begin(), isv::operation_rules.end(), [&](const auto& r) { return r.op == o; });
    CHECK(rows == 1);
    CHECK(isv::rule_for(o).op == o);
    // Every row asks for some role: nothing is allowed to everyone. The platform's own row allows no
    // admin at all, whatever roles they hold (D-MKT-1).
    if (isv::platform_operation(o))
      CHECK_FALSE(isv::authorize(o, isv::role_set{isv::directory_role::global_administrator},
                                 {.profile_role = isv::billing_role::owner}).has_value());
    else
      CHECK_FALSE((isv::rule_for(o).directory.empty() && isv::rule_for(o).profile.empty()));
  }
  CHECK(isv::operation_rules.size() == std::size(all));
  std::set<std::string_view> actions;
  for (const auto& r : isv::operation_rules) {
    CHECK_FALSE(r.action.empty());
    CHECK(actions.insert(r.action).second); // refusals of different operations read differently
  }
}

TEST_CASE("a refusal names the action and every role that would allow it [D-ROLE-3]") {
  const auto denied = isv::authorize(op::assign, {dr::billing_administrator, dr::global_reader});
  REQUIRE_FALSE(denied);
  CHECK(denied.error().code == errc::permission_denied);
  CHECK(denied.error().message ==
        "To assign licenses you need the Global administrator, License administrator or User administrator role.");

  const auto without_roles = isv::authorize(op::change_quantity, {});
  REQUIRE_FALSE(without_roles);
  CHECK(without_roles.error().message == "To change the license quantity you need the Global administrator or Billing administrator role.");

  const auto reader = isv::authorize(op::pay_invoice, {}, {.profile_role = br::reader});
  REQUIRE_FALSE(reader);
  CHECK(reader.error().message == "To pay invoices you need to be billing profile owner, billing profile contributor or invoice "
                                  "manager on the billing profile (you are billing profile reader).");

  const auto none = isv::authorize(op::manage_billing_roles, {dr::global_administrator});
  REQUIRE_FALSE(none);
  CHECK(none.error().message == "To manage billing profile roles you need to be billing profile owner on the billing profile.");

  CHECK(isv::describe_roles(isv::role_set{}) == "no role");
  CHECK(isv::describe_roles(isv::role_set{dr::global_administrator}) == "Global administrator");
  CHECK(isv::describe_roles(isv::billing_role_set{br::owner, br::reader}, "and") == "billing profile owner and billing profile reader");
}

TEST_CASE("a refused operation returns no events and changes nothing [D-ROLE-3, D-ERR-1]") {
  auto w = with_active();
  const auto before_sub = w.sub(sub_id);
  const auto before_book = w.book(sub_id);
  const auto before_dir = w.dir;
  const auto log_size = w.log.size();

  const auto r = isv::assign(w.sub(sub_id), w.book(sub_id), w.dir, w.actor(billing_admin),
                             isv::assign_command{sub_id, {member(2)}, {sales}}, t0);
  CHECK_THAT(refused(r, errc::permission_denied), has("To assign licenses") && has("License administrator"));
  CHECK(w.sub(sub_id) == before_sub);
  CHECK(w.book(sub_id) == before_book);
  CHECK(w.dir == before_dir);
  CHECK(w.log.size() == log_size);
}

TEST_CASE("only a Global, License or User administrator assigns and unassigns [D-ROLE-1]") {
  auto w = with_active();
  const auto& s = w.sub(sub_id);
  for (const auto user : {global_admin, license_admin, user_admin}) {
    INFO("user " << user.value());
    CHECK(must(isv::assign(s, w.book(sub_id), w.dir, w.actor(user), isv::assign_command{sub_id, {member(2)}, {}}, t0))
              .report.licenses_added == 1);
    const auto preview = must(isv::preview_unassign(s, w.book(sub_id), w.dir, w.actor(user),
                                                    isv::unassign_command{sub_id, {member(1)}, {}}, t0))
                             .report;
    CHECK(preview.losing_license == std::vector<isv::user_id>{member(1)});
    CHECK(must(isv::confirm_unassign(s, w.book(sub_id), w.dir, w.actor(user), preview, t0)).state.licenses_in_use == 0);
  }
  // A preview made by an admin cannot be confirmed by someone without the role.
  const auto preview = must(isv::preview_unassign(s, w.book(sub_id), w.dir, w.actor(global_admin),
                                                  isv::unassign_command{sub_id, {member(1)}, {}}, t0))
                           .report;
  for (const auto user : {billing_admin, global_reader, no_role}) {
    INFO("user " << user.value());
    CHECK_THAT(refused(isv::assign(s, w.book(sub_id), w.dir, w.actor(user), isv::assign_command{sub_id, {member(2)}, {}}, t0),
                       errc::permission_denied),
               has("assign licenses"));
    CHECK_THAT(refused(isv::preview_unassign(s, w.book(sub_id), w.dir, w.actor(user), isv::unassign_command{sub_id, {member(1)}, {}}, t0),
                       errc::permission_denied),
               has("unassign licenses"));
    CHECK_THAT(refused(isv::confirm_unassign(s, w.book(sub_id), w.dir, w.actor(user), preview, t0), errc::permission_denied),
               has("unassign licenses"));
    CHECK_THAT(refused(isv::reprocess(s, w.book(sub_id), w.dir, w.actor(user), isv::reprocess_command{sub_id}, t0),
                       errc::permission_denied),
               has("reprocess group licenses"));
  }
}

TEST_CASE("buying, quantity, cancelling and moving need a Global or Billing administrator [D-ROLE-2]") {
  auto w = with_active();
  const auto& s = w.sub(sub_id);
  const auto buy = [&](isv::user_id user) {
    return isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), w.actor(user),
                         isv::purchase_command{isv::subscription_id{70}, saas_per_user().id, isv::acquisition_channel::direct,
                                               isv::billing_term::monthly, 2, true, main_profile, true},
                         t0);
  };
  // Everyone below owns both profiles, so only the directory role decides.
  for (const auto user : {license_admin, user_admin, global_reader, no_role}) {
    w.grant_billing_role(main_profile, user, br::owner);
    w.grant_billing_role(second_profile, user, br::owner);
  }
  for (const auto user : {global_admin, billing_admin}) {
    INFO("user " << user.value());
    CHECK(buy(user).has_value());
    CHECK(isv::change_quantity(s, w.actor(user), isv::change_quantity_command{sub_id, 9}, t0).has_value());
    CHECK(isv::cancel(s, w.actor(user), isv::cancel_command{sub_id}, t0).has_value());
    CHECK(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(user), change_profile_command{sub_id, second_profile}, t0)
              .has_value());
  }
  for (const auto user : {license_admin, user_admin, global_reader, no_role}) {
    INFO("user " << user.value());
    const std::string needed = "Global administrator or Billing administrator";
    CHECK_THAT(refused(buy(user), errc::permission_denied), has("buy a subscription") && has(needed));
    CHECK_THAT(refused(isv::change_quantity(s, w.actor(user), isv::change_quantity_command{sub_id, 9}, t0), errc::permission_denied),
               has("change the license quantity") && has(needed));
    CHECK_THAT(refused(isv::cancel(s, w.actor(user), isv::cancel_command{sub_id}, t0), errc::permission_denied),
               has("cancel a subscription") && has(needed));
    CHECK_THAT(refused(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(user),
                                                   change_profile_command{sub_id, second_profile}, t0),
                       errc::permission_denied),
               has("change a subscription's billing profile") && has(needed));
  }
}

TEST_CASE("a subscription bought through a partner is managed by a Global administrator only [D-ROLE-6]") {
  auto w = with_active(isv::acquisition_channel::partner);
  const auto& s = w.sub(sub_id);
  const std::string why = "bought through a partner you need the Global administrator role";
  CHECK_THAT(refused(isv::change_quantity(s, w.actor(billing_admin), isv::change_quantity_command{sub_id, 9}, t0),
                     errc::permission_denied),
             has("To change the license quantity of a subscription") && has(why));
  CHECK_THAT(refused(isv::cancel(s, w.actor(billing_admin), isv::cancel_command{sub_id}, t0), errc::permission_denied),
             has("To cancel a subscription") && has(why));
  CHECK_THAT(refused(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(billing_admin),
                                                 change_profile_command{sub_id, second_profile}, t0),
                     errc::permission_denied),
             has("billing profile") && has(why));

  CHECK(must(isv::change_quantity(s, w.actor(global_admin), isv::change_quantity_command{sub_id, 9}, t0)).state.quantity == 9);
  CHECK(must(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                         change_profile_command{sub_id, second_profile}, t0))
            .state.billing_profile == second_profile);
  CHECK(must(isv::cancel(s, w.actor(global_admin), isv::cancel_command{sub_id}, t0)).state.status ==
        isv::subscription_status::deactivated);

  // Licenses and auto-renew are not what D-ROLE-6 restricts.
  CHECK(isv::assign(s, w.book(sub_id), w.dir, w.actor(license_admin), isv::assign_command{sub_id, {member(2)}, {}}, t0).has_value());
  CHECK(isv::set_auto_renew(s, w.actor(billing_admin), isv::auto_renew_command{sub_id, false}, t0).has_value());
  // Bought directly, the Billing administrator may do all three.
  auto direct = with_active();
  CHECK(isv::cancel(direct.sub(sub_id), direct.actor(billing_admin), isv::cancel_command{sub_id}, t0).has_value());
}

TEST_CASE("a role in one tenant grants nothing in another [D-ROLE-5, D-TENANT-1]") {
  auto w = with_active();
  const auto other = make_tenant(other_tenant);
  // The same user id is Global administrator in the other tenant: that is a different person.
  const auto stranger = other.actor(global_admin);
  CHECK(stranger.roles.contains(dr::global_administrator));
  const auto msg = refused(isv::cancel(w.sub(sub_id), stranger, isv::cancel_command{sub_id}, t0), errc::wrong_tenant);
  CHECK_THAT(msg, has("subscription 20 belongs to tenant 1") && has("not to tenant 2") &&
                      has("roles in one tenant grant nothing in another"));

  // A tenant's actor carries only that tenant's grants.
  CHECK(w.org.actor(isv::user_id{77}).roles.empty());
  CHECK(w.org.actor(billing_admin).roles == isv::role_set{dr::billing_administrator});
  CHECK(w.org.actor(billing_admin).tenant == home_tenant);
}

TEST_CASE("a purchase from the vendor involves no billing profile role [D-BUY-4, D-QTY-2]") {
  CHECK(isv::authorize(op::purchase, {dr::billing_administrator}, {.profile_involved = false}).has_value());
  CHECK_FALSE(isv::authorize(op::purchase, {dr::license_administrator}, {.profile_involved = false}).has_value());
  CHECK_FALSE(isv::authorize(op::purchase, {dr::billing_administrator}).has_value());

  auto w = make_world();
  const isv::purchase_command cmd{isv::subscription_id{26}, isv_per_user().id, isv::acquisition_channel::vendor,
                                  isv::billing_term::monthly, 3, true, std::nullopt, true};
  CHECK(must(isv::purchase(w.org, isv_per_user(), {}, {}, w.actor(billing_admin), cmd, t0)).state.billing_profile == std::nullopt);
  CHECK(refused(isv::purchase(w.org, isv_per_user(), {}, {}, w.actor(license_admin), cmd, t0), errc::permission_denied) != "");
}
