// Tests of billing.hpp: invoice lines, billing profiles (payment methods, contact info, roles), moving a subscription between profiles, viewing and paying invoices.
#include "fixture_b.hpp"

using namespace fixture_b;
using namespace std::chrono;
using isv::errc;

namespace {

const isv::subscription_id per_user_sub{20};
const isv::subscription_id flat_sub{21};
const isv::subscription_id other_profile_sub{22};
const isv::subscription_id pending_sub{23};
const isv::subscription_id annual_sub{24};
const isv::subscription_id cancelled_sub{25};
const isv::invoice_id invoice_id{30};

isv::result<isv::basic_update<isv::invoice, traits>> invoice_profile(const world& w, isv::billing_profile_id profile,
                                                                     isv::invoice_id id = invoice_id) {
  const auto subs = w.all_subs();
  return isv::issue_invoice(w.profile(profile), subs, issue_command{id, profile}, t0);
}

/// A world with one active per-user subscription (5 seats) on the main profile and an invoice for it.
world with_invoice() {
  auto w = make_world();
  w.buy(per_user_sub, saas_per_user(), 5);
  w.activate(per_user_sub);
  w.record(must(invoice_profile(w, main_profile)).events);
  return w;
}

const isv::invoice_line* line_of(const isv::invoice& inv, isv::subscription_id id) {
  for (const auto& line : inv.lines)
    if (line.subscription == id) return &line;
  return nullptr;
}

} // namespace

TEST_CASE("an invoice lists the active subscriptions charged to its profile, priced by their model [D-BILL-1]") {
  auto w = make_world();
  w.activate(w.buy(per_user_sub, saas_per_user(), 5));
  w.activate(w.buy(flat_sub, saas_flat(), std::nullopt));
  w.activate(w.buy(other_profile_sub, saas_per_user(), 2, isv::billing_term::monthly, isv::acquisition_channel::direct,
                   second_profile));
  w.buy(pending_sub, saas_per_user(), 4);
  w.activate(w.buy(annual_sub, saas_per_user(), 3, isv::billing_term::annual));
  w.activate(w.buy(cancelled_sub, saas_per_user(), 1));
  w.record(must(isv::cancel(w.sub(cancelled_sub), w.actor(global_admin), isv::cancel_command{cancelled_sub}, t0)).events);

  const auto issued = must(invoice_profile(w, main_profile));
  // The invoice, then one event per subscription whose charges it took (D-PRORATE-1: never again).
  REQUIRE(issued.events.size() == 4);
  for (std::size_t i = 1; i < issued.events.size(); ++i) {
    const auto& taken = payload<isv::basic_charges_invoiced<traits>>(issued.events[i]);
    CHECK(taken.invoice == isv::invoice_id{30});
    CHECK(taken.lines == 1);
  }
  CHECK_FALSE(issued.events[0].actor); // the platform invoices
  CHECK(issued.events[0].tenant == home_tenant);
  const auto& inv = issued.state;
  CHECK(inv == isv::apply(isv::invoice{}, issued.events[0]));
  CHECK(inv.lines == payload<invoice_issued>(issued.events[0]).invoice->lines);
  CHECK(inv.profile == main_profile);
  CHECK(inv.issued_at == t0);
  CHECK(inv.due_at == t0 + days{30});
  CHECK(inv.status == isv::invoice_status::open);
  REQUIRE(inv.lines.size() == 3);

  const auto* per_user = line_of(inv, per_user_sub);
  REQUIRE(per_user);
  CHECK(per_user->pricing == isv::pricing_model::per_user);
  CHECK(per_user->quantity == 5);
  CHECK(per_user->unit_price == isv::money{1000, eur});
  CHECK(per_user->amount == isv::money{5000, eur});
  CHECK(per_user->period_start == t0);
  CHECK(per_user->period_end == sys_seconds{sys_days{year{2026} / 2 / 15}});

  const auto* flat = line_of(inv, flat_sub);
  REQUIRE(flat);
  CHECK(flat->pricing == isv::pricing_model::flat_rate);
  CHECK(flat->quantity == 1);
  CHECK(flat->amount == isv::money{50000, eur});

  const auto* annual = line_of(inv, annual_sub);
  REQUIRE(annual);
  CHECK(annual->term == isv::billing_term::annual);
  CHECK(annual->amount == isv::money{30000, eur});
  CHECK(annual->period_end == sys_seconds{sys_days{year{2027} / 1 / 15}});

  CHECK(inv.total == isv::money{85000, eur});
  CHECK_FALSE(inv.charges(other_profile_sub)); // charged to another profile
  CHECK_FALSE(inv.charges(pending_sub));       // not activated: no term yet
  CHECK_FALSE(inv.charges(cancelled_sub));

  const auto second = must(invoice_profile(w, second_profile, isv::invoice_id{31})).state;
  REQUIRE(second.lines.size() == 1);
  CHECK(second.lines[0].subscription == other_profile_sub);
  CHECK(second.total == isv::money{2000, eur});

  SECTION("after a move the subscription is invoiced to its new profile") {
    w.record(must(isv::change_billing_profile(w.sub(per_user_sub), w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                              change_profile_command{per_user_sub, second_profile}, t0))
                 .events);
    CHECK_FALSE(must(invoice_profile(w, main_profile, isv::invoice_id{32})).state.charges(per_user_sub));
    CHECK(must(invoice_profile(w, second_profile, isv::invoice_id{33})).state.charges(per_user_sub));
  }
}

TEST_CASE("an invoice that cannot be issued says why [D-BILL-1, D-ERR-1]") {
  auto w = make_world();
  SECTION("nothing is charged to the profile") {
    w.buy(pending_sub, saas_per_user(), 4);
    CHECK_THAT(refused(invoice_profile(w, main_profile), errc::invalid_argument),
               has("no active subscription charged to billing profile 10 has a charge"));
  }
  SECTION("two currencies on one profile (data from before D-BILL-5 refused them)") {
    auto usd_app = saas_flat();
    usd_app.id = isv::app_id{9};
    usd_app.monthly_price = isv::money{9900, isv::currency{"USD"}};
    w.activate(w.buy(per_user_sub, saas_per_user(), 1));
    w.activate(w.buy(flat_sub, usd_app, std::nullopt, isv::billing_term::monthly, isv::acquisition_channel::direct, second_profile));
    auto subs = w.all_subs();
    for (auto& s : subs) s.billing_profile = main_profile; // as an older release could have stored them
    CHECK_THAT(refused(isv::issue_invoice(w.profile(main_profile), subs, issue_command{invoice_id, main_profile}, t0),
                       errc::invalid_argument),
               has("subscription 21") && has("USD") && has("EUR"));
  }
  SECTION("a subscription of another tenant") {
    w.activate(w.buy(per_user_sub, saas_per_user(), 1));
    auto subs = w.all_subs();
    subs[0].tenant = other_tenant;
    CHECK_THAT(refused(isv::issue_invoice(w.profile(main_profile), subs,
                                          issue_command{invoice_id, main_profile}, t0),
                       errc::wrong_tenant),
               has("subscription 20") && has("tenant 1"));
  }
  SECTION("the command names another profile") {
    const std::vector<isv::subscription> none;
    CHECK_THAT(refused(isv::issue_invoice(w.profile(main_profile), none,
                                          issue_command{invoice_id, second_profile}, t0),
                       errc::invalid_argument),
               has("billing profile 11"));
  }
}

TEST_CASE("creating a billing profile makes its creator the owner [D-BILL-2, D-ROLE-4]") {
  auto w = make_world();
  const isv::billing_profile_id id{12};
  const isv::contact_info contact{"Bea Billing", "2 Side Street, Hamburg"};
  const auto created = must(isv::create_billing_profile(w.org, w.actor(billing_admin), create_profile_command{id, "Marketing", contact}, t0));
  REQUIRE(created.events.size() == 1);
  CHECK(created.events[0].actor == billing_admin);
  CHECK(created.state.id == id);
  CHECK(created.state.tenant == home_tenant);
  CHECK(created.state.contact == contact);
  CHECK(created.state.role_of(billing_admin) == isv::billing_role::owner);
  CHECK(created.state.roles.size() == 1);
  CHECK(created.state.payment_methods.empty());

  CHECK_THAT(refused(isv::create_billing_profile(w.org, w.actor(license_admin), create_profile_command{id, "X", contact}, t0),
                     errc::permission_denied),
             has("create a billing profile") && has("Global administrator or Billing administrator"));
  CHECK_THAT(refused(isv::create_billing_profile(w.org, w.actor(global_admin), create_profile_command{id, "", contact}, t0),
                     errc::invalid_argument),
             has("needs a name"));
}

TEST_CASE("payment methods: the first is the default, the default goes last [D-BILL-2, D-BILL-4]") {
  auto w = make_world();
  const auto& b = w.profile(main_profile);
  CHECK(b.default_payment_method == main_card);
  REQUIRE(b.payment_methods.size() == 1);
  CHECK(b.payment_methods[0].kind == isv::payment_method_kind::credit_card);

  const isv::payment_method wire{isv::payment_method_id{2}, isv::payment_method_kind::check_or_wire_transfer, "Wire to DE12"};
  const auto added = must(isv::add_payment_method(b, w.actor(billing_admin), add_method_command{main_profile, wire}, t0));
  CHECK(names(added.events) == std::vector<std::string>{"payment_method_added"});
  CHECK(added.state.default_payment_method == main_card);
  CHECK(added.state.find_payment_method(wire.id) != nullptr);

  CHECK_THAT(refused(isv::add_payment_method(added.state, w.actor(global_admin), add_method_command{main_profile, wire}, t0),
                     errc::already_exists),
             has("payment method 2"));

  w.record(added.events);
  CHECK_THAT(refused(isv::remove_payment_method(w.profile(main_profile), w.actor(global_admin),
                                                method_command{main_profile, main_card}, t0),
                     errc::invalid_argument),
             has("choose another payment method first"));
  CHECK_THAT(refused(isv::remove_payment_method(w.profile(main_profile), w.actor(global_admin),
                                                method_command{main_profile, isv::payment_method_id{7}}, t0),
                     errc::not_found),
             has("payment method 7"));

  const auto switched = must(isv::set_default_payment_method(w.profile(main_profile), w.actor(global_admin),
                                                             isv::set_default_payment_method_command{main_profile, wire.id}, t0));
  CHECK(switched.state.default_payment_method == wire.id);
  w.record(switched.events);
  const auto removed = must(isv::remove_payment_method(w.profile(main_profile), w.actor(global_admin),
                                                       method_command{main_profile, main_card}, t0));
  CHECK(removed.state.find_payment_method(main_card) == nullptr);
  CHECK(removed.state.payment_methods.size() == 1);
  CHECK(removed.state.default_payment_method == wire.id);

  CHECK(refused(isv::set_default_payment_method(removed.state, w.actor(global_admin), isv::set_default_payment_method_command{main_profile, main_card}, t0),
                errc::not_found) != "");
}

TEST_CASE("contact info is changed by an owner or contributor [D-BILL-2]") {
  auto w = make_world();
  const isv::contact_info moved{"Ada Admin", "9 New Road, Munich"};
  const auto update = must(isv::change_contact_info(w.profile(main_profile), w.actor(billing_admin),
                                                    contact_command{main_profile, moved}, t0));
  CHECK(payload<contact_changed>(update.events.at(0)).contact == moved);
  CHECK(update.state.contact == moved);
  CHECK(update.state.version == w.profile(main_profile).version + 1);
}

TEST_CASE("billing roles: owners grant, change and revoke, the last owner stays [D-BILL-2, D-ROLE-4]") {
  auto w = make_world();
  const auto& b = w.profile(main_profile);
  CHECK(b.role_of(global_admin) == isv::billing_role::owner);
  CHECK(b.role_of(billing_admin) == isv::billing_role::contributor);

  const auto granted = must(isv::set_billing_role(b, w.dir, w.actor(global_admin),
                                                  billing_role_command{main_profile, member(1), isv::billing_role::reader}, t0));
  CHECK(payload<billing_role_changed>(granted.events.at(0)).role == isv::billing_role::reader);
  CHECK(granted.state.role_of(member(1)) == isv::billing_role::reader);
  w.record(granted.events);

  const auto same = must(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                               billing_role_command{main_profile, member(1), isv::billing_role::reader}, t0));
  CHECK(same.events.empty());
  CHECK(same.state == w.profile(main_profile));

  const auto changed = must(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                                  billing_role_command{main_profile, member(1), isv::billing_role::invoice_manager}, t0));
  CHECK(changed.state.role_of(member(1)) == isv::billing_role::invoice_manager);
  CHECK(changed.state.roles.size() == w.profile(main_profile).roles.size()); // one role per user
  w.record(changed.events);

  const auto revoked = must(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                                  billing_role_command{main_profile, member(1), std::nullopt}, t0));
  CHECK_FALSE(revoked.state.role_of(member(1)));
  w.record(revoked.events);
  CHECK_THAT(refused(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                           billing_role_command{main_profile, member(1), std::nullopt}, t0),
                     errc::not_found),
             has("user 101 has no role on billing profile 10"));

  // A contributor cannot grant roles (D-ROLE-4).
  CHECK_THAT(refused(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(billing_admin),
                                           billing_role_command{main_profile, member(2), isv::billing_role::reader}, t0),
                     errc::permission_denied),
             has("manage billing profile roles") && has("billing profile owner") && has("(you are billing profile contributor)"));

  // The last owner can neither be demoted nor removed...
  for (const auto& role : {std::optional<isv::billing_role>{}, std::optional{isv::billing_role::contributor}}) {
    CHECK_THAT(refused(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                             billing_role_command{main_profile, global_admin, role}, t0),
                       errc::invalid_argument),
               has("last owner of billing profile 10") && has("make someone else owner first"));
  }
  // ...until someone else is owner too.
  w.grant_billing_role(main_profile, billing_admin, isv::billing_role::owner);
  const auto stepped_down = must(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                                       billing_role_command{main_profile, global_admin, isv::billing_role::reader}, t0));
  CHECK(stepped_down.state.role_of(global_admin) == isv::billing_role::reader);
  CHECK(stepped_down.state.role_of(billing_admin) == isv::billing_role::owner);
}

TEST_CASE("a billing role goes only to a user of the tenant's directory, revoking needs none [D-ROLE-4, D-ERR-1]") {
  auto w = make_world();
  const isv::user_id stranger{999};
  const auto msg = refused(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                                 billing_role_command{main_profile, stranger, isv::billing_role::reader}, t0),
                           errc::not_found);
  CHECK_THAT(msg, has("user 999 is not a user of tenant 1") && has("billing profile reader") && has("nothing was granted"));
  CHECK_FALSE(w.profile(main_profile).role_of(stranger));
  // Revoking is not granting: it is judged by the profile's grants alone, not the directory.
  CHECK_THAT(refused(isv::set_billing_role(w.profile(main_profile), w.dir, w.actor(global_admin),
                                           billing_role_command{main_profile, stranger, std::nullopt}, t0),
                     errc::not_found),
             has("has no role on"));
}

/// A SaaS app priced in US dollars: 12.00 USD a month per license.
isv::app usd_per_user() {
  return {isv::app_id{9}, "Forms", "Litware", isv::app_kind::saas, isv::pricing_model::per_user,
          isv::money{1200, isv::currency{"USD"}}, isv::money{12000, isv::currency{"USD"}}, std::nullopt};
}

TEST_CASE("a billing profile invoices in one currency: a purchase in another is refused, naming both [D-BILL-5, D-ERR-1]") {
  auto w = make_world();
  w.buy(per_user_sub, saas_per_user(), 5); // EUR on the main profile, pending activation: it will be charged
  const isv::subscription_id usd_sub{30};
  const isv::purchase_command cmd{usd_sub, usd_per_user().id, isv::acquisition_channel::direct, isv::billing_term::monthly, 2,
                                  true, main_profile, true};
  const auto msg = refused(isv::purchase(w.org, usd_per_user(), w.profiles(), w.all_subs(), w.actor(global_admin), cmd, t0),
                           errc::currency_mismatch);
  CHECK_THAT(msg, has("billing profile 10 invoices in EUR") && has("cannot also charge USD") && has("nothing was changed"));
  CHECK_FALSE(w.state.subscriptions.contains(usd_sub));

  // The same purchase on a profile that charges nothing yet is accepted; that profile is USD from then on.
  auto on_second = cmd;
  on_second.billing_profile = second_profile;
  w.record(must(isv::purchase(w.org, usd_per_user(), w.profiles(), w.all_subs(), w.actor(global_admin), on_second, t0)).events);
  auto eur_on_second = isv::purchase_command{isv::subscription_id{31}, saas_per_user().id, isv::acquisition_channel::direct,
                                             isv::billing_term::monthly, 1, true, second_profile, true};
  CHECK_THAT(refused(isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), w.actor(global_admin), eur_on_second, t0),
                     errc::currency_mismatch),
             has("invoices in USD") && has("cannot also charge EUR"));

  // A deactivated subscription charges nothing: once the USD one is cancelled, EUR is welcome.
  w.record(must(isv::cancel(w.sub(usd_sub), w.actor(global_admin), isv::cancel_command{usd_sub}, t0)).events);
  CHECK(isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), w.actor(global_admin), eur_on_second, t0).has_value());
  // Bought from the vendor: no profile, no currency to match.
  CHECK(isv::purchase(w.org, usd_per_user(), {}, w.all_subs(), w.actor(global_admin),
                      {isv::subscription_id{32}, usd_per_user().id, isv::acquisition_channel::vendor, isv::billing_term::monthly,
                       1, true, std::nullopt, true},
                      t0)
            .has_value());
}

TEST_CASE("moving a subscription to a profile that charges another currency is refused, naming both [D-BILL-5, D-BILL-3]") {
  auto w = make_world();
  w.activate(w.buy(per_user_sub, saas_per_user(), 5));                              // EUR on the main profile
  const isv::subscription_id usd_sub{30};
  w.activate(w.buy(usd_sub, usd_per_user(), 2, isv::billing_term::monthly, isv::acquisition_channel::direct, second_profile));
  const auto before = w.sub(per_user_sub);
  const auto msg = refused(isv::change_billing_profile(before, w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                                       change_profile_command{per_user_sub, second_profile}, t0),
                           errc::currency_mismatch);
  CHECK_THAT(msg, has("billing profile 11 invoices in USD") && has("subscription 30") && has("cannot also charge EUR"));
  CHECK(w.sub(per_user_sub) == before);

  // The other way round too; once the EUR subscription is cancelled, the main profile charges nothing and takes USD.
  const auto back = [&] {
    return isv::change_billing_profile(w.sub(usd_sub), w.profile(main_profile), w.all_subs(), w.actor(global_admin),
                                       change_profile_command{usd_sub, main_profile}, t0);
  };
  CHECK_THAT(refused(back(), errc::currency_mismatch), has("invoices in EUR") && has("cannot also charge USD"));
  w.record(must(isv::cancel(w.sub(per_user_sub), w.actor(global_admin), isv::cancel_command{per_user_sub}, t0)).events);
  CHECK(must(back()).state.billing_profile == main_profile);
}

TEST_CASE("a subscription moves to another profile of the same tenant [D-BILL-3]") {
  auto w = make_world();
  w.activate(w.buy(per_user_sub, saas_per_user(), 5));
  const auto& s = w.sub(per_user_sub);

  SECTION("by a Global administrator who owns the target") {
    const auto moved = must(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                                        change_profile_command{per_user_sub, second_profile}, t0));
    REQUIRE(moved.events.size() == 1);
    const auto& p = payload<profile_changed>(moved.events[0]);
    CHECK(p.from == main_profile);
    CHECK(p.to == second_profile);
    CHECK(moved.events[0].actor == global_admin);
    CHECK(moved.state.billing_profile == second_profile);
    CHECK(w.sub(per_user_sub).billing_profile == main_profile);
  }
  SECTION("by a Billing administrator who contributes to the target") {
    CHECK(must(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(billing_admin),
                                           change_profile_command{per_user_sub, second_profile}, t0))
              .state.billing_profile == second_profile);
  }
  SECTION("to the profile it is on already: nothing changes") {
    const auto same = must(isv::change_billing_profile(s, w.profile(main_profile), w.all_subs(), w.actor(global_admin),
                                                       change_profile_command{per_user_sub, main_profile}, t0));
    CHECK(same.events.empty());
    CHECK(same.state == s);
  }
  SECTION("a reader of the target may not charge it") {
    w.grant_billing_role(second_profile, billing_admin, isv::billing_role::reader);
    CHECK_THAT(refused(isv::change_billing_profile(w.sub(per_user_sub), w.profile(second_profile), w.all_subs(), w.actor(billing_admin),
                                                   change_profile_command{per_user_sub, second_profile}, t0),
                       errc::permission_denied),
               has("change a subscription's billing profile") && has("billing profile owner or billing profile contributor") &&
                   has("(you are billing profile reader)"));
  }
  SECTION("a License administrator may not move it") {
    w.grant_billing_role(second_profile, license_admin, isv::billing_role::owner);
    CHECK_THAT(refused(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), w.actor(license_admin),
                                                   change_profile_command{per_user_sub, second_profile}, t0),
                       errc::permission_denied),
               has("Global administrator or Billing administrator"));
  }
  SECTION("another tenant's profile is refused") {
    auto other = make_world();
    other.org = make_tenant(other_tenant);
    const auto foreign = must(isv::create_billing_profile(other.org, other.actor(global_admin),
                                                          create_profile_command{isv::billing_profile_id{40}, "Theirs", {}}, t0))
                             .state;
    CHECK_THAT(refused(isv::change_billing_profile(s, foreign, w.all_subs(), w.actor(global_admin),
                                                   change_profile_command{per_user_sub, foreign.id}, t0),
                       errc::wrong_tenant),
               has("billing profile 40 belongs to tenant 2"));
  }
  SECTION("a deactivated subscription stays where it was") {
    w.record(must(isv::cancel(s, w.actor(global_admin), isv::cancel_command{per_user_sub}, t0)).events);
    CHECK(refused(isv::change_billing_profile(w.sub(per_user_sub), w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                              change_profile_command{per_user_sub, second_profile}, t0),
                  errc::deactivated) != "");
  }
  SECTION("a subscription bought from the vendor is invoiced by the vendor") {
    const isv::subscription_id vendor_sub{26};
    const isv::purchase_command cmd{vendor_sub, isv_per_user().id, isv::acquisition_channel::vendor, isv::billing_term::monthly,
                                    3, true, std::nullopt, true};
    w.record(must(isv::purchase(w.org, isv_per_user(), {}, {}, w.actor(global_admin), cmd, t0)).events);
    CHECK_THAT(refused(isv::change_billing_profile(w.sub(vendor_sub), w.profile(second_profile), w.all_subs(), w.actor(global_admin),
                                                   change_profile_command{vendor_sub, second_profile}, t0),
                       errc::contact_vendor),
               has("contact the vendor"));
  }
}

TEST_CASE("invoices are viewed with any role on the profile and paid with the default method [D-BILL-4]") {
  auto w = with_invoice();
  w.grant_billing_role(main_profile, member(1), isv::billing_role::reader);
  w.grant_billing_role(main_profile, member(2), isv::billing_role::invoice_manager);
  const auto& inv = w.invoice(invoice_id);

  CHECK(must(isv::view_invoice(w.profile(main_profile), inv, w.actor(member(1)), {inv.id})).state == inv);
  CHECK_THAT(refused(isv::view_invoice(w.profile(main_profile), inv, w.actor(member(3)), {inv.id}), errc::permission_denied),
             has("view invoices") && has("on the billing profile"));

  const auto subs = w.all_subs();
  const auto paid = must(isv::pay_invoice(w.profile(main_profile), inv, subs,
                                          w.actor(member(2)), pay_command{invoice_id, std::nullopt}, t0 + days{3}));
  REQUIRE(names(paid.events) == std::vector<std::string>{"invoice_paid"});
  CHECK(paid.events[0].actor == member(2));
  CHECK(payload<invoice_paid>(paid.events[0]).method == main_card);
  CHECK(paid.state.status == isv::invoice_status::paid);
  CHECK(paid.state.paid_at == t0 + days{3});
  CHECK(paid.state.paid_with == main_card);
  w.record(paid.events);
  CHECK(w.invoice(invoice_id) == paid.state);

  const auto again = refused(isv::pay_invoice(w.profile(main_profile), w.invoice(invoice_id), subs,
                                              w.actor(member(2)), pay_command{invoice_id, std::nullopt}, t0 + days{4}),
                             errc::already_paid);
  CHECK_THAT(again, has("invoice 30 was paid already on 2026-01-18T00:00:00Z"));

  CHECK_THAT(refused(isv::pay_invoice(w.profile(main_profile), inv, subs, w.actor(member(1)),
                                      pay_command{invoice_id, std::nullopt}, t0),
                     errc::permission_denied),
             has("pay invoices") && has("(you are billing profile reader)"));
}

TEST_CASE("paying with a chosen method, a new default, or none at all [D-BILL-4]") {
  auto w = with_invoice();
  const isv::payment_method wire{isv::payment_method_id{2}, isv::payment_method_kind::check_or_wire_transfer, "Wire"};
  w.record(must(isv::add_payment_method(w.profile(main_profile), w.actor(global_admin), add_method_command{main_profile, wire}, t0)).events);
  const std::vector<isv::subscription> subs;
  const auto pay = [&](const isv::billing_profile& b, std::optional<isv::payment_method_id> method) {
    return isv::pay_invoice(b, w.invoice(invoice_id), subs, w.actor(global_admin),
                            pay_command{invoice_id, method}, t0);
  };
  CHECK(must(pay(w.profile(main_profile), wire.id)).state.paid_with == wire.id);
  CHECK(must(pay(w.profile(main_profile), std::nullopt)).state.paid_with == main_card);

  w.record(must(isv::set_default_payment_method(w.profile(main_profile), w.actor(global_admin),
                                                isv::set_default_payment_method_command{main_profile, wire.id}, t0))
               .events);
  CHECK(must(pay(w.profile(main_profile), std::nullopt)).state.paid_with == wire.id);

  CHECK_THAT(refused(pay(w.profile(main_profile), isv::payment_method_id{9}), errc::not_found), has("payment method 9"));

  auto bare = w.profile(main_profile);
  bare.payment_methods.clear();
  bare.default_payment_method.reset();
  CHECK_THAT(refused(pay(bare, std::nullopt), errc::invalid_argument), has("has no payment method: add one"));
}

TEST_CASE("each billing role may do exactly what the rule says, checked on the real operations [D-ROLE-4, D-BUY-4]") {
  // Columns: edit the profile, manage its roles, view invoices, pay invoices, use it for purchases,
  // move a subscription onto it. Written out from D-ROLE-4.
  struct row {
    std::optional<isv::billing_role> role;
    bool edit, roles, view, pay, purchase, move_to;
  };
  const row table[] = {
      //  role                               edit   roles  view   pay    purchase move_to
      {isv::billing_role::owner,           true,  true,  true,  true,  true,    true},
      {isv::billing_role::contributor,     true,  false, true,  true,  true,    true},
      {isv::billing_role::reader,          false, false, true,  false, false,   false},
      {isv::billing_role::invoice_manager, false, false, true,  true,  false,   false},
      {std::nullopt,                       false, false, false, false, false,   false},
  };
  for (const auto& r : table) {
    INFO("role: " << (r.role ? std::string(isv::display_name(*r.role)) : std::string("none")));
    auto w = with_invoice();
    // The Billing administrator holds the role on both profiles; only the profile role varies.
    w.grant_billing_role(main_profile, billing_admin, r.role);
    w.grant_billing_role(second_profile, billing_admin, r.role);
    const auto admin = w.actor(billing_admin);
    const auto& b = w.profile(main_profile);
    const auto subs = w.all_subs();
    const auto allowed = [](const auto& result) {
      if (!result) CHECK(result.error().code == errc::permission_denied);
      return result.has_value();
    };

    CHECK(allowed(isv::change_contact_info(b, admin, contact_command{main_profile, {"N", "A"}}, t0)) == r.edit);
    CHECK(allowed(isv::add_payment_method(b, admin, add_method_command{main_profile, {isv::payment_method_id{5}, {}, "Card"}}, t0)) ==
          r.edit);
    CHECK(allowed(isv::set_default_payment_method(b, admin, isv::set_default_payment_method_command{main_profile, main_card}, t0)) == r.edit);
    CHECK(allowed(isv::set_billing_role(b, w.dir, admin, billing_role_command{main_profile, member(9), isv::billing_role::reader}, t0)) ==
          r.roles);
    CHECK(allowed(isv::view_invoice(b, w.invoice(invoice_id), admin, {invoice_id})) == r.view);
    CHECK(allowed(isv::pay_invoice(b, w.invoice(invoice_id), subs, admin,
                                   pay_command{invoice_id, std::nullopt}, t0)) == r.pay);
    CHECK(allowed(isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), admin,
                                isv::purchase_command{isv::subscription_id{70}, saas_per_user().id, isv::acquisition_channel::direct,
                                                      isv::billing_term::monthly, 1, true, main_profile, true},
                                t0)) == r.purchase);
    CHECK(allowed(isv::change_billing_profile(w.sub(per_user_sub), w.profile(second_profile), w.all_subs(), admin,
                                              change_profile_command{per_user_sub, second_profile}, t0)) == r.move_to);
  }
}
