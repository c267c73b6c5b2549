// Tests of tenant.hpp and role_grants.hpp: every operation family refuses an actor of another tenant, and directory roles are granted and revoked by Global administrators (D-TENANT-1, D-ROLE-5).
#include "fixture_b.hpp"

#include <functional>

using namespace fixture_b;
using isv::errc;
using dr = isv::directory_role;

namespace {

const isv::subscription_id saas_sub{20};
const isv::subscription_id isv_sub{22};
const isv::invoice_id invoice_id{30};

world full_world() {
  auto w = make_world();
  w.activate(w.buy(saas_sub, saas_per_user(), 5));
  w.buy(isv_sub, isv_per_user(), 5);
  w.add_members(sales, {member(2)});
  w.assign(saas_sub, {member(1)}, {sales});
  const auto subs = w.all_subs();
  w.record(must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                   issue_command{invoice_id, main_profile}, t0))
               .events);
  return w;
}

} // namespace

TEST_CASE("every operation family refuses an admin of another tenant [D-TENANT-1, D-ROLE-5]") {
  const auto w = full_world();
  // Same user id, Global administrator, owner by id of every profile: but of tenant 2.
  const auto stranger = make_tenant(other_tenant).actor(global_admin);
  REQUIRE(stranger.roles.contains(dr::global_administrator));
  const auto& s = w.sub(saas_sub);
  const auto& book = w.book(saas_sub);
  const auto& b = w.profile(main_profile);
  const auto subs = w.all_subs();
  const std::vector<isv::subscription_ref> refs{{&s, &book}};
  const auto preview = must(isv::preview_unassign(s, book, w.dir, w.actor(license_admin),
                                                  isv::unassign_command{saas_sub, {member(1)}, {}}, t0))
                           .report;
  const auto refusal = [](const auto& r) -> std::optional<isv::error> {
    if (r) return std::nullopt;
    return r.error();
  };

  const std::pair<const char*, std::function<std::optional<isv::error>()>> attempts[] = {
      {"purchase", [&] { return refusal(isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), stranger,
                                                      isv::purchase_command{isv::subscription_id{70}, saas_per_user().id,
                                                                            isv::acquisition_channel::direct,
                                                                            isv::billing_term::monthly, 1, true, main_profile, true},
                                                      t0)); }},
      {"install", [&] { return refusal(isv::install(w.sub(isv_sub), isv_per_user(), stranger, isv::install_command{isv_sub}, t0)); }},
      {"activate", [&] { return refusal(isv::activate(s, stranger, isv::activate_command{saas_sub}, t0)); }},
      {"cancel", [&] { return refusal(isv::cancel(s, stranger, isv::cancel_command{saas_sub}, t0)); }},
      {"set_auto_renew", [&] { return refusal(isv::set_auto_renew(s, stranger, isv::auto_renew_command{saas_sub, false}, t0)); }},
      {"change_quantity", [&] { return refusal(isv::change_quantity(s, stranger, isv::change_quantity_command{saas_sub, 9}, t0)); }},
      {"assign", [&] { return refusal(isv::assign(s, book, w.dir, stranger, isv::assign_command{saas_sub, {member(3)}, {}}, t0)); }},
      {"preview_unassign", [&] { return refusal(isv::preview_unassign(s, book, w.dir, stranger,
                                                                      isv::unassign_command{saas_sub, {member(1)}, {}}, t0)); }},
      {"confirm_unassign", [&] { return refusal(isv::confirm_unassign(s, book, w.dir, stranger, preview, t0)); }},
      {"reprocess", [&] { return refusal(isv::reprocess(s, book, w.dir, stranger, isv::reprocess_command{saas_sub}, t0)); }},
      {"change_billing_profile", [&] { return refusal(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), stranger,
                                                                                  change_profile_command{saas_sub, second_profile}, t0)); }},
      {"create_billing_profile", [&] { return refusal(isv::create_billing_profile(w.org, stranger,
                                                                                  create_profile_command{isv::billing_profile_id{12}, "X", {}}, t0)); }},
      {"change_contact_info", [&] { return refusal(isv::change_contact_info(b, stranger, contact_command{main_profile, {"X", "Y"}}, t0)); }},
      {"add_payment_method", [&] { return refusal(isv::add_payment_method(b, stranger, add_method_command{main_profile, {isv::payment_method_id{5}, {}, "Card"}}, t0)); }},
      {"remove_payment_method", [&] { return refusal(isv::remove_payment_method(b, stranger, method_command{main_profile, main_card}, t0)); }},
      {"set_default_payment_method", [&] { return refusal(isv::set_default_payment_method(b, stranger, isv::set_default_payment_method_command{main_profile, main_card}, t0)); }},
      {"set_billing_role", [&] { return refusal(isv::set_billing_role(b, w.dir, stranger, billing_role_command{main_profile, member(1), isv::billing_role::reader}, t0)); }},
      {"view_invoice", [&] { return refusal(isv::view_invoice(b, w.invoice(invoice_id), stranger, {invoice_id})); }},
      {"reinstate", [&] { return refusal(isv::reinstate(s, stranger, invoice_id, t0)); }},
      {"pay_invoice", [&] { return refusal(isv::pay_invoice(b, w.invoice(invoice_id), std::span<const isv::subscription>(subs), stranger,
                                                            pay_command{invoice_id, std::nullopt}, t0)); }},
      {"add_users", [&] { return refusal(isv::add_users(w.dir, stranger, isv::add_users_command{{isv::user_id{900}}}, t0)); }},
      {"create_group", [&] { return refusal(isv::create_group(w.dir, stranger, isv::create_group_command{isv::group_id{900}, "X"}, t0)); }},
      {"add_members", [&] { return refusal(isv::add_members(w.dir, std::span<const isv::subscription_ref>(refs), stranger,
                                                            isv::membership_command{sales, {member(3)}}, t0)); }},
      {"remove_members", [&] { return refusal(isv::remove_members(w.dir, std::span<const isv::subscription_ref>(refs), stranger,
                                                                  isv::remove_members_command{sales, {member(2)}}, t0)); }},
      {"remove_users", [&] { return refusal(isv::remove_users(w.org, w.dir, w.profiles(),
                                                              std::span<const isv::subscription_ref>(refs), stranger,
                                                              isv::remove_users_command{{member(2)}}, t0)); }},
      {"delete_group", [&] { return refusal(isv::delete_group(w.dir, std::span<const isv::subscription_ref>(refs), stranger,
                                                              isv::delete_group_command{sales}, t0)); }},
      {"name_user", [&] { return refusal(isv::name_user(w.dir, stranger, isv::name_user_command{member(2), "Bea"}, t0)); }},
      {"grant_role", [&] { return refusal(isv::grant_role(w.org, w.dir, stranger, isv::role_command{member(1), dr::license_administrator}, t0)); }},
      {"revoke_role", [&] { return refusal(isv::revoke_role(w.org, stranger, isv::revoke_role_command{license_admin, dr::license_administrator}, t0)); }},
  };
  for (const auto& [name, attempt] : attempts) {
    INFO(name);
    const auto e = attempt();
    REQUIRE(e);
    CHECK(isv::to_string(e->code) == "wrong_tenant");
    CHECK_THAT(e->message, has("belongs to tenant 1") && has("not to tenant 2") && has("user 1 acts"));
  }
}

TEST_CASE("a state or subscription of another tenant is refused, never looked up [D-TENANT-1]") {
  auto w = full_world();
  // A membership change that is handed another tenant's subscription.
  auto foreign = w.sub(saas_sub);
  foreign.tenant = other_tenant;
  const auto& book = w.book(saas_sub);
  const std::vector<isv::subscription_ref> refs{{&foreign, &book}};
  CHECK_THAT(refused(isv::add_members(w.dir, std::span<const isv::subscription_ref>(refs), w.actor(user_admin),
                                      isv::membership_command{sales, {member(3)}}, t0),
                     errc::wrong_tenant),
             has("subscription 20 belongs to tenant 2"));

  // The platform's jobs pass over another tenant's subscriptions, even with the same id.
  const std::vector<isv::subscription> mixed{foreign};
  const auto& inv = w.invoice(invoice_id);
  const auto overdue = must(isv::collect_overdue(inv, std::span<const isv::subscription>(mixed), inv.due_at));
  CHECK(names(overdue.events) == std::vector<std::string>{"invoice_overdue"});
  const auto paid = must(isv::pay_invoice(w.profile(main_profile), inv, std::span<const isv::subscription>(mixed),
                                          w.actor(global_admin), pay_command{invoice_id, std::nullopt}, t0));
  CHECK(names(paid.events) == std::vector<std::string>{"invoice_paid"});

  // Another tenant's invoice that happens to name a profile with the same id is not this
  // tenant's to view or pay.
  auto theirs = w.invoice(invoice_id);
  theirs.tenant = other_tenant;
  CHECK_THAT(refused(isv::view_invoice(w.profile(main_profile), theirs, w.actor(global_admin), {theirs.id}), errc::wrong_tenant),
             has("invoice 30 belongs to tenant 2"));
  const std::vector<isv::subscription> own = w.all_subs();
  CHECK_THAT(refused(isv::pay_invoice(w.profile(main_profile), theirs, std::span<const isv::subscription>(own), w.actor(global_admin),
                                      pay_command{invoice_id, std::nullopt}, t0),
                     errc::wrong_tenant),
             has("invoice 30 belongs to tenant 2"));

  // A directory ignores another tenant's events.
  auto dir = w.dir;
  isv::event e{other_tenant, global_admin, t0, isv::basic_users_added<traits>{{isv::user_id{999}}}};
  isv::apply(dir, e);
  CHECK_FALSE(dir.has_user(isv::user_id{999}));
  CHECK(dir == w.dir);
}

TEST_CASE("a Global administrator grants directory roles, a grant is recorded once [D-ROLE-5, D-AUDIT-1]") {
  auto w = make_world();
  const isv::role_command cmd{member(1), dr::license_administrator};
  const auto granted = must(isv::grant_role(w.org, w.dir, w.actor(global_admin), cmd, t0));
  REQUIRE(granted.events.size() == 1);
  CHECK(granted.events[0].actor == global_admin);
  CHECK(payload<role_granted>(granted.events[0]) == role_granted{member(1), dr::license_administrator});
  CHECK(granted.state.has_role(member(1), dr::license_administrator));
  CHECK(granted.state.actor(member(1)).roles == isv::role_set{dr::license_administrator});
  CHECK(granted.state.version == w.org.version + 1);
  CHECK_FALSE(w.org.has_role(member(1), dr::license_administrator)); // the input is untouched
  w.record(granted.events);
  CHECK(w.org == granted.state);

  const auto again = must(isv::grant_role(w.org, w.dir, w.actor(global_admin), cmd, t0));
  CHECK(again.events.empty());
  CHECK(again.state == w.org);

  // The new License administrator may now assign licenses.
  w.activate(w.buy(saas_sub, saas_per_user(), 2));
  CHECK(isv::assign(w.sub(saas_sub), w.book(saas_sub), w.dir, w.actor(member(1)), isv::assign_command{saas_sub, {member(2)}, {}}, t0)
            .has_value());

  for (const auto user : {billing_admin, license_admin, user_admin, global_reader, no_role}) {
    INFO("user " << user.value());
    CHECK_THAT(refused(isv::grant_role(w.org, w.dir, w.actor(user), isv::role_command{member(3), dr::global_reader}, t0), errc::permission_denied),
               has("To manage admin roles you need the Global administrator role."));
    CHECK_THAT(refused(isv::revoke_role(w.org, w.actor(user), isv::revoke_role_command{member(1), dr::license_administrator}, t0),
                       errc::permission_denied),
               has("manage admin roles"));
  }
}

TEST_CASE("a directory role goes only to a user of the tenant's directory, a stranger is refused by name [D-ROLE-5, D-ERR-1]") {
  auto w = make_world();
  const isv::user_id stranger{999};
  REQUIRE_FALSE(w.dir.has_user(stranger));
  const auto msg = refused(isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{stranger, dr::license_administrator}, t0),
                           errc::not_found);
  CHECK_THAT(msg, has("user 999 is not a user of tenant 1") && has("License administrator") && has("nothing was granted"));
  CHECK_FALSE(w.org.has_role(stranger, dr::license_administrator));

  // The directory handed in must be the admin's tenant's (D-TENANT-1).
  const isv::directory elsewhere{other_tenant};
  refused(isv::grant_role(w.org, elsewhere, w.actor(global_admin), isv::role_command{member(1), dr::license_administrator}, t0),
          errc::wrong_tenant);

  // Once added, the same grant is accepted.
  w.record(must(isv::add_users(w.dir, w.actor(global_admin), isv::add_users_command{{stranger}}, t0)).events);
  CHECK(must(isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{stranger, dr::license_administrator}, t0))
            .state.has_role(stranger, dr::license_administrator));
}

TEST_CASE("roles are revoked, but never the last Global administrator [D-ROLE-5, D-ERR-1]") {
  auto w = make_world();
  const auto last = refused(isv::revoke_role(w.org, w.actor(global_admin), isv::revoke_role_command{global_admin, dr::global_administrator}, t0),
                            errc::invalid_argument);
  CHECK(last == "Cannot revoke the last Global administrator of tenant 1: grant the role to someone else first.");

  CHECK_THAT(refused(isv::revoke_role(w.org, w.actor(global_admin), isv::revoke_role_command{member(1), dr::license_administrator}, t0),
                     errc::not_found),
             has("user 101 does not hold the License administrator role"));

  const auto revoked = must(isv::revoke_role(w.org, w.actor(global_admin), isv::revoke_role_command{license_admin, dr::license_administrator}, t0));
  CHECK(payload<role_revoked>(revoked.events.at(0)) == role_revoked{license_admin, dr::license_administrator});
  CHECK(revoked.state.actor(license_admin).roles.empty());
  w.record(revoked.events);
  w.activate(w.buy(saas_sub, saas_per_user(), 2));
  CHECK(refused(isv::assign(w.sub(saas_sub), w.book(saas_sub), w.dir, w.actor(license_admin),
                            isv::assign_command{saas_sub, {member(2)}, {}}, t0),
                errc::permission_denied) != "");

  // With a second Global administrator, the first may step down; then the second is the last.
  w.record(must(isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{member(1), dr::global_administrator}, t0)).events);
  w.record(must(isv::revoke_role(w.org, w.actor(member(1)), isv::revoke_role_command{global_admin, dr::global_administrator}, t0)).events);
  CHECK_FALSE(w.org.has_role(global_admin, dr::global_administrator));
  CHECK(refused(isv::revoke_role(w.org, w.actor(member(1)), isv::revoke_role_command{member(1), dr::global_administrator}, t0),
                errc::invalid_argument) != "");
  // The former Global administrator can no longer grant anything.
  CHECK(refused(isv::grant_role(w.org, w.dir, w.actor(global_admin), isv::role_command{global_admin, dr::global_administrator}, t0),
                errc::permission_denied) != "");
}
