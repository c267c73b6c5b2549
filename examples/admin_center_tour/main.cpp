// A tour of the whole domain with the library's pure functions: tenant Contoso buys a SaaS app, assigns,
// bills and loses it for nonpayment, buys it again, manages an ISV app bought from its vendor, and
// buys a third app through the marketplace, whose publisher answers the marketplace's operations;
// then an app checks its user's license offline, in a file its publisher signed.
// Every step checks what it expects; the program exits non-zero when the library behaves otherwise.
// With --db FILE the tour also saves every change it accepts in a SQLite database, after showing
// what earlier runs left there, so a second run starts from what the first one did.
#include "tour.hpp"

#ifdef ISV_TOUR_HAS_SIGNING
#include <isv/signing/issue.hpp>
#include <isv/signing/verify.hpp>
#endif
#ifdef ISV_TOUR_HAS_SQLITE
#include <isv/storage/sqlite.hpp>

#include <sqlite3.h>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

using namespace std::chrono;
using isv::errc;
using channel = isv::acquisition_channel;
using term = isv::billing_term;
using status = isv::subscription_status;
using role = isv::directory_role;
using action = isv::admin_action;
using tour::accepted;
using tour::expect;
using tour::refused;
using tour::say;

namespace {

const isv::user_id alex{1}, bea{2}, lee{3}, chen{11}, dana{12}, eve{13}, farid{14}, grace{15}, hiro{16}, ivan{17},
    jun{18}, noor{21};
const isv::group_id sales{1};
const isv::billing_profile_id germany_profile{1}, emea_profile{2}, northwind_profile{9};
const isv::subscription_id crm_sub{100}, crm_again{101}, planner_sub{102}, sign_sub{103};
const isv::invoice_id january_invoice{500}, february_invoice{501}, sign_invoice{502};

const tour::name_book names{{{alex, "Alex"}, {bea, "Bea"}, {lee, "Lee"}, {chen, "Chen"}, {dana, "Dana"}, {eve, "Eve"},
                             {farid, "Farid"}, {grace, "Grace"}, {hiro, "Hiro"}, {ivan, "Ivan"}, {jun, "Jun"},
                             {noor, "Noor"}},
                            {{sales, "Sales"}}};

const isv::currency eur{"EUR"};
// A SaaS app sold per user on AppSource, and an ISV app whose licenses are managed in the admin center.
const isv::app crm{.id = isv::app_id{7}, .name = "Fabrikam CRM", .publisher = "Fabrikam", .kind = isv::app_kind::saas,
                   .pricing = isv::pricing_model::per_user, .monthly_price = {.minor_units = 1200, .unit = eur},
                   .annual_price = {.minor_units = 12000, .unit = eur}};
const isv::app planner{.id = isv::app_id{8}, .name = "Litware Planner", .publisher = "Litware",
                       .kind = isv::app_kind::isv, .pricing = isv::pricing_model::per_user,
                       .monthly_price = {.minor_units = 400, .unit = eur},
                       .annual_price = {.minor_units = 4000, .unit = eur},
                       .install_link = "https://install.litware.example/contoso"};

// A SaaS app sold through the marketplace's SaaS fulfillment, with three plans; the marketplace
// names them by its own plan ids ("starter", "team", "site").
isv::app make_sign() {
  isv::app a{.id = isv::app_id{9}, .name = "Fabrikam Sign", .publisher = "Fabrikam", .kind = isv::app_kind::saas,
             .pricing = isv::pricing_model::per_user, .monthly_price = {.minor_units = 500, .unit = eur},
             .annual_price = {.minor_units = 5000, .unit = eur}};
  const auto plan = [](std::uint64_t id, std::string name, isv::pricing_model pricing, std::int64_t monthly,
                       std::optional<isv::count_t> max_seats, std::string marketplace_plan) {
    isv::app_plan p;
    p.id = isv::plan_id{id};
    p.name = std::move(name);
    p.pricing = pricing;
    p.monthly_price = isv::money{monthly, eur};
    p.annual_price = isv::money{monthly * 10, eur};
    p.max_seats = max_seats;
    p.marketplace_plan = std::move(marketplace_plan);
    return p;
  };
  a.plans = {plan(1, "Starter", isv::pricing_model::per_user, 500, 5, "starter"),
             plan(2, "Team", isv::pricing_model::per_user, 800, std::nullopt, "team"),
             plan(3, "Site", isv::pricing_model::flat_rate, 20000, std::nullopt, "site")};
  return a;
}
const isv::app sign = make_sign();

/// Day `n` of the story (2026-01-05 is day 0), at 09:00 UTC.
isv::default_traits::time_point on_day(int n) { return sys_days{2026y / January / 5} + days{n} + 9h; }

std::string seats(const isv::subscription& s) {
  return std::to_string(s.licenses_in_use) + " of " + std::to_string(s.quantity.value_or(0)) + " seats in use";
}

/// The users who got a new license in these events, in order.
std::vector<isv::user_id> new_holders(const std::vector<isv::event>& events) {
  std::vector<isv::user_id> out;
  for (const auto& e : events)
    if (const auto* g = std::get_if<isv::basic_licenses_granted<tour::traits>>(&e.payload))
      out.insert(out.end(), g->new_holders.begin(), g->new_holders.end());
  return out;
}

void print_invoice(const isv::invoice& inv) {
  for (const auto& line : inv.lines)
    say("  " + (line.app == crm.id ? crm.name : line.app == sign.id ? sign.name : planner.name) + " (subscription " +
        std::to_string(line.subscription.value()) + ", " + std::string(isv::to_string(line.kind)) + "): " +
        std::to_string(line.quantity) + " x " +
        isv::to_string(line.unit_price) + ", " + tour::date(line.period_start) + " to " + tour::date(line.period_end) +
        " = " + isv::to_string(line.amount));
  say("  total " + isv::to_string(inv.total) + ", due " + tour::date(inv.due_at) + ", " +
      std::string(isv::to_string(inv.status)));
}

constexpr std::string_view usage =
    "usage: admin_center_tour [--db FILE]\n"
    "\n"
    "Tours the whole domain: tenant Contoso buys, assigns, bills and loses a SaaS app, then manages an\n"
    "ISV app bought from its vendor. Every step checks what it expects: the exit status is 0 only when\n"
    "everything went as expected.\n"
    "\n"
    "  --db FILE   also save every accepted change in the SQLite database FILE (created if missing),\n"
    "              after showing the tenants earlier runs left in it; each run adds its own tenants\n"
    "  --help      print this help\n";

struct options {
  std::optional<std::string> db;
};

/// Exits with 0 after --help, and with 2 on a command line it cannot run.
options parse(int argc, char** argv) {
  const auto refuse = [](const std::string& why) {
    std::cerr << "admin_center_tour: " << why << "\n\n" << usage;
    std::exit(2);
  };
  options out;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(EXIT_SUCCESS);
    } else if (arg == "--db" || arg.starts_with("--db=")) {
      const auto file = arg == "--db" ? (i + 1 < args.size() ? args[++i] : std::string_view{}) : arg.substr(5);
      if (file.empty()) refuse("--db needs the name of the database file");
      out.db = std::string(file);
    } else {
      refuse("unknown argument \"" + std::string(arg) + "\"");
    }
  }
#ifndef ISV_TOUR_HAS_SQLITE
  if (out.db) {
    std::cerr << "admin_center_tour: --db needs the SQLite repository, which this build does not have: libsqlite3 was "
                 "not found when the project was configured. Install it (Debian: libsqlite3-dev), configure again "
                 "and rebuild.\n";
    std::exit(2);
  }
#endif
  return out;
}

#ifdef ISV_TOUR_HAS_SQLITE
/// The tenants in the database, by id. The repository reads one tenant at a time and lists none,
/// so their ids come from its tenants table; everything else is read through the repository.
std::vector<isv::tenant_id> stored_tenants(isv::sqlite_repository& db, const std::string& file) {
  sqlite3_stmt* query = nullptr;
  if (sqlite3_prepare_v2(db.native_handle(), "SELECT id FROM tenants ORDER BY id", -1, &query, nullptr) != SQLITE_OK)
    tour::fail_tour("listing the tenants of " + file + ": " + sqlite3_errmsg(db.native_handle()));
  std::vector<isv::tenant_id> out;
  int rc = SQLITE_OK;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW)
    out.push_back(isv::tenant_id{static_cast<std::uint64_t>(sqlite3_column_int64(query, 0))});
  sqlite3_finalize(query);
  if (rc != SQLITE_DONE) tour::fail_tour("listing the tenants of " + file + ": " + sqlite3_errmsg(db.native_handle()));
  return out;
}

/// Shows what earlier runs left in the database and makes sure the shared app catalog lists the
/// tour's apps. Returns the first tenant id no run has used.
isv::tenant_id show_earlier_runs(isv::sqlite_repository& db, const std::string& file) {
  const auto tenants = stored_tenants(db, file);
  std::cout << "Database " << file << ": ";
  if (tenants.empty())
    std::cout << "no tenants left by earlier runs\n";
  else
    std::cout << tenants.size() << (tenants.size() == 1 ? " tenant" : " tenants") << " left by earlier runs\n";
  for (const auto& id : tenants) tour::show_stored(db, id);
  std::vector<std::string> added, present;
  for (const auto* product : {&crm, &planner, &sign}) {
    auto stored = db.add_app(*product);
    if (stored)
      added.push_back(product->name);
    else if (stored.error().code == errc::already_exists)
      present.push_back(product->name);
    else
      tour::fail_tour("adding " + product->name + " to the app catalog was refused: " +
                      std::string(isv::to_string(stored.error().code)) + ": " + stored.error().message);
  }
  const auto both = [](const std::vector<std::string>& apps) {
    std::string out;
    for (std::size_t i = 0; i < apps.size(); ++i) out += (i == 0 ? "" : i + 1 == apps.size() ? " and " : ", ") + apps[i];
    return out;
  };
  if (!present.empty()) say("the app catalog already lists " + both(present));
  if (!added.empty()) say(both(added) + (added.size() == 1 ? " is" : " are") + " added to the app catalog");
  return isv::tenant_id{tenants.empty() ? 1 : tenants.back().value() + 1};
}
#endif

} // namespace

int main(int argc, char** argv) {
  [[maybe_unused]] const auto opts = parse(argc, argv);
  // Without a database the tour's tenants are 1 and 2; in a database, the next ids no run has used.
  isv::tenant_id contoso_id{1}, northwind_id{2};
  tour::saver save;
#ifdef ISV_TOUR_HAS_SQLITE
  std::optional<isv::sqlite_repository> db;
  if (opts.db) {
    db.emplace(accepted(isv::sqlite_repository::open(*opts.db), "opening the database " + *opts.db));
    contoso_id = show_earlier_runs(*db, *opts.db);
    northwind_id = isv::tenant_id{contoso_id.value() + 1};
    save = tour::saving_to(*db);
    std::cout << "This run saves Contoso as tenant " << contoso_id.value() << " and Northwind as tenant "
              << northwind_id.value() << ".\n";
  }
#endif

  const isv::lifecycle_policy policy{.grace_period = days{30}, .payment_terms = days{14}};
  auto now = on_day(0);

  tour::step(1, "Tenant Contoso (Germany): admins, users, the Sales group, a billing profile");
  tour::tracked_tenant contoso(isv::tenant{.id = contoso_id, .name = "Contoso", .region = "DE",
                                           .admin_roles = {{.tenant = contoso_id, .user = alex,
                                                            .role = role::global_administrator}}},
                               save);
  contoso.commit(accepted(
      isv::add_users(contoso.directory(), contoso.as(alex),
                     {.users = {alex, bea, lee, chen, dana, eve, farid, grace, hiro, ivan, jun}}, now),
      "adding users"));
  contoso.commit(accepted(isv::grant_role(contoso.tenant(), contoso.directory(), contoso.as(alex),
                                          {.user = bea, .role = role::billing_administrator}, now),
                          "granting"));
  contoso.commit(accepted(isv::grant_role(contoso.tenant(), contoso.directory(), contoso.as(alex),
                                          {.user = lee, .role = role::license_administrator}, now),
                          "granting"));
  say(contoso.who(names, alex) + " adds " + std::to_string(contoso.directory().user_count()) +
      " users and grants two roles: " + contoso.who(names, bea) + ", " + contoso.who(names, lee));
  contoso.commit(accepted(
      isv::create_group(contoso.directory(), contoso.as(alex), {.group = sales, .name = "Sales"}, now),
      "creating Sales"));
  contoso.commit(accepted(isv::add_members(contoso.directory(), contoso.refs(), contoso.as(alex),
                                           {.group = sales, .users = {dana, eve, farid, grace, hiro, ivan}}, now),
                          "filling Sales"));
  say("Alex creates the group Sales: " +
      names(std::vector(contoso.directory().members(sales).begin(), contoso.directory().members(sales).end())));
  contoso.commit(
      accepted(isv::create_billing_profile(contoso.tenant(), contoso.as(alex),
                                           {.profile = germany_profile,
                                            .name = "Contoso Germany",
                                            .contact = {.name = "Alex", .address = "Contoso GmbH, Berlin"}},
                                           now),
               "creating a billing profile"));
  contoso.commit(accepted(isv::add_payment_method(contoso.profile(germany_profile), contoso.as(alex),
                                                  {.profile = germany_profile,
                                                   .method = {.id = isv::payment_method_id{1},
                                                              .kind = isv::payment_method_kind::credit_card,
                                                              .label = "Visa ending 4242"}},
                                                  now),
                          "adding a credit card"));
  contoso.commit(accepted(isv::set_billing_role(contoso.profile(germany_profile), contoso.directory(), contoso.as(alex),
                                                {.profile = germany_profile,
                                                 .user = bea,
                                                 .role = isv::billing_role::contributor},
                                                now),
                          "making Bea a contributor"));
  say("Alex creates billing profile 'Contoso Germany' (owner Alex), pays it by Visa ending 4242, makes Bea a "
      "contributor");

  tour::step(2, "Buying a SaaS app");
  tour::tracked_tenant northwind(isv::tenant{.id = northwind_id, .name = "Northwind", .region = "JP",
                                             .admin_roles = {{.tenant = northwind_id, .user = noor,
                                                              .role = role::global_administrator}}},
                                 save);
  northwind.commit(accepted(isv::create_billing_profile(northwind.tenant(), northwind.as(noor),
                                                        {.profile = northwind_profile,
                                                         .name = "Northwind",
                                                         .contact = {.name = "Noor", .address = "Tokyo"}},
                                                        now),
                            "creating Northwind's profile"));
  say(northwind.who(names, noor) + " of Northwind, a tenant in " + isv::describe_region(northwind.tenant().region) + ", tries to buy " +
      crm.name + " through AppSource");
  refused(isv::purchase(northwind.tenant(), crm, northwind.profiles(), northwind.all_subscriptions(), northwind.as(noor),
                        {.subscription = isv::subscription_id{900}, .app = crm.id, .channel = channel::direct,
                         .term = term::monthly, .quantity = 5, .agreement_accepted = true,
                         .billing_profile = northwind_profile},
                        now),
          errc::unsupported_region, "buying from Japan");
  auto crm_state = contoso.commit(
      accepted(isv::purchase(contoso.tenant(), crm, contoso.profiles(), contoso.all_subscriptions(), contoso.as(alex),
                             {.subscription = crm_sub, .app = crm.id, .channel = channel::direct, .term = term::monthly,
                              .quantity = 5, .agreement_accepted = true, .billing_profile = germany_profile},
                             now),
               "buying Fabrikam CRM"));
  expect(crm_state.status == status::pending_activation, "a new SaaS subscription to be pending activation");
  say(contoso.who(names, alex) + " buys 5 seats of " + crm.name + " through AppSource, monthly at " +
      isv::to_string(crm_state.unit_price) + " per user → subscription 100, " +
      std::string(isv::to_string(crm_state.status)));

  // A subscription and its license book as they stand now, read fresh at every step.
  const auto sub = [&](const isv::subscription_id& id) -> const isv::subscription& { return contoso.subscription(id); };
  const auto book = [&](const isv::subscription_id& id) -> const isv::license_book& { return contoso.book(id); };

  tour::step(3, "Activation");
  say("Lee tries to assign a license to Chen before the subscription is activated");
  refused(isv::assign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                      {.subscription = crm_sub, .users = {chen}}, now),
          errc::pending_activation, "assigning before activation");
  now = on_day(1);
  contoso.commit(accepted(isv::activate(sub(crm_sub), contoso.as(alex), {.subscription = crm_sub}, now), "activating"));
  say("Alex activates it in Fabrikam's portal → " + std::string(isv::to_string(sub(crm_sub).status)) + ", first term " +
      tour::date(*sub(crm_sub).term_start) + " to " + tour::date(*sub(crm_sub).term_end));

  tour::step(4, "Assigning licenses");
  say(contoso.who(names, bea) + " tries to assign a license to Chen");
  refused(isv::assign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(bea),
                      {.subscription = crm_sub, .users = {chen}}, now),
          errc::permission_denied, "a Billing administrator assigning");
  const auto assigned = accepted(isv::assign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                                             {.subscription = crm_sub, .users = {chen, dana}, .groups = {sales}}, now),
                                 "assigning to Chen, Dana and Sales");
  contoso.commit(assigned);
  say(contoso.who(names, lee) + " assigns " + crm.name + " to Chen, Dana and the group Sales → " + seats(sub(crm_sub)));
  const auto dana_paths = book(crm_sub).find(dana);
  expect(dana_paths && dana_paths->direct && dana_paths->via(sales), "Dana to hold one license through two paths");
  say("  Dana is assigned directly and through Sales: one license, two paths");
  for (const auto& v : assigned.report.violations)
    say("  left without a license: " + names(v.user) + " of " + names(v.group) + " (" +
        std::string(isv::to_string(v.reason)) + ")");
  expect(book(crm_sub).violations().size() == 2 && new_holders(assigned.events).size() == 5,
         "the seat limit to leave two Sales members without a license");

  tour::step(5, "More seats, then reprocessing the group");
  contoso.commit(
      accepted(isv::change_quantity(sub(crm_sub), contoso.as(bea), {.subscription = crm_sub, .quantity = 8}, now),
               "raising the quantity"));
  say("Bea raises the quantity from 5 to 8");
  const auto reprocessed = accepted(isv::reprocess(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                                                   {.subscription = crm_sub}, now),
                                    "reprocessing");
  contoso.commit(reprocessed);
  expect(new_holders(reprocessed.events) == std::vector{hiro, ivan} && book(crm_sub).violation_count() == 0,
         "reprocessing to serve Hiro then Ivan");
  say("Lee reprocesses Sales: " + names(new_holders(reprocessed.events)) +
      " get licenses, in the order they waited → " + seats(sub(crm_sub)));

  tour::step(6, "Lowering the quantity below the licenses in use");
  say("Bea tries to lower the quantity to 5");
  refused(isv::change_quantity(sub(crm_sub), contoso.as(bea), {.subscription = crm_sub, .quantity = 5}, now),
          errc::quantity_below_in_use, "lowering to 5");

  tour::step(7, "Unassigning: preview, then confirm");
  now = on_day(2);
  const isv::unassign_command remove_direct{.subscription = crm_sub, .users = {chen, dana}};
  const auto stale = accepted(isv::preview_unassign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                                                    remove_direct, now),
                              "previewing")
                         .report;
  say("Lee selects Chen and Dana. Preview: losing their license: " + names(stale.losing_license) +
      "; keeping one through a group: " + names(stale.keeping_license));
  expect(stale.losing_license == std::vector{chen} && stale.keeping_license == std::vector{dana} &&
             sub(crm_sub).licenses_in_use == 7,
         "the preview to list Chen as losing, Dana as keeping, and to change nothing");
  const auto joined = accepted(isv::add_members(contoso.directory(), contoso.refs(), contoso.as(alex),
                                                {.group = sales, .users = {jun}}, now),
                               "adding Jun to Sales");
  contoso.commit(joined);
  expect(book(crm_sub).holds(jun), "Jun to get a license through Sales");
  say("Meanwhile Alex adds Jun to Sales: Jun gets a license through the group → " + seats(sub(crm_sub)));
  say("Lee confirms the preview made before that change");
  refused(isv::confirm_unassign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee), stale, now),
          errc::stale_preview, "confirming a stale preview");
  const auto fresh = accepted(isv::preview_unassign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                                                    remove_direct, now),
                              "previewing")
                         .report;
  contoso.commit(accepted(
      isv::confirm_unassign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee), fresh, now),
      "confirming"));
  expect(!book(crm_sub).holds(chen) && book(crm_sub).holds(dana), "Chen to lose the license and Dana to keep hers");
  say("Lee previews again (losing: " + names(fresh.losing_license) + "; keeping: " + names(fresh.keeping_license) +
      ") and confirms → " + seats(sub(crm_sub)));

  tour::step(8, "Moving the subscription to another billing profile");
  contoso.commit(
      accepted(isv::create_billing_profile(contoso.tenant(), contoso.as(bea),
                                           {.profile = emea_profile,
                                            .name = "Contoso Sales EMEA",
                                            .contact = {.name = "Bea", .address = "Contoso GmbH, Munich"}},
                                           now),
               "creating a second profile"));
  contoso.commit(
      accepted(isv::add_payment_method(contoso.profile(emea_profile), contoso.as(bea),
                                       {.profile = emea_profile,
                                        .method = {.id = isv::payment_method_id{2},
                                                   .kind = isv::payment_method_kind::check_or_wire_transfer,
                                                   .label = "wire transfer, IBAN DE89 ...3000"}},
                                       now),
               "adding a wire transfer"));
  say("Bea creates billing profile 'Contoso Sales EMEA' (owner Bea), paid by wire transfer");
  contoso.commit(accepted(isv::change_billing_profile(sub(crm_sub), contoso.profile(emea_profile), contoso.all_subscriptions(), contoso.as(bea),
                                                      {.subscription = crm_sub, .profile = emea_profile}, now),
                          "changing the billing profile"));
  expect(sub(crm_sub).billing_profile == emea_profile, "subscription 100 to be charged to the second profile");
  say("Bea moves subscription 100 from 'Contoso Germany' to '" + contoso.profile(emea_profile).name + "'");

  tour::step(9, "The first invoice");
  now = on_day(3);
  const auto& emea = contoso.profile(emea_profile);
  contoso.commit(accepted(isv::issue_invoice(emea, contoso.all_subscriptions(),
                                             {.invoice = january_invoice, .profile = emea_profile}, now, policy),
                          "issuing invoice 500"));
  say("The platform issues invoice 500 to 'Contoso Sales EMEA'. Lee tries to view it");
  refused(isv::view_invoice(emea, contoso.invoice(january_invoice), contoso.as(lee), {.invoice = january_invoice}),
          errc::permission_denied, "Lee viewing");
  const auto viewed = accepted(isv::view_invoice(emea, contoso.invoice(january_invoice), contoso.as(bea),
                                                 {.invoice = january_invoice}),
                               "Bea viewing")
                          .state;
  say("Bea views it:");
  print_invoice(viewed);
  expect(viewed.total == isv::money{8 * 1200, eur}, "8 seats at 12.00 EUR to cost 96.00 EUR");
  contoso.commit(accepted(isv::pay_invoice(emea, viewed, contoso.all_subscriptions(), contoso.as(bea),
                                           {.invoice = january_invoice}, now),
                          "paying"));
  say("Bea pays it by wire transfer → " + std::string(isv::to_string(contoso.invoice(january_invoice).status)));

  tour::step(10, "The next term goes unpaid");
  now = *sub(crm_sub).term_end;
  contoso.commit(accepted(isv::advance_to(sub(crm_sub), now), "renewing"));
  say(tour::date(now) + ": the term renews, now to " + tour::date(*sub(crm_sub).term_end));
  contoso.commit(accepted(isv::issue_invoice(emea, contoso.all_subscriptions(),
                                             {.invoice = february_invoice, .profile = emea_profile}, now, policy),
                          "issuing invoice 501"));
  const auto due = contoso.invoice(february_invoice).due_at;
  say("Invoice 501 for " + isv::to_string(contoso.invoice(february_invoice).total) + " is issued, due " +
      tour::date(due) + "; nobody pays it");
  const auto early = accepted(
      isv::collect_overdue(contoso.invoice(february_invoice), contoso.all_subscriptions(), due - days{1}, policy),
      "looking at invoice 501 early");
  expect(early.events.empty(), "nothing to happen before the due date");
  now = due + days{1};
  contoso.commit(
      accepted(isv::collect_overdue(contoso.invoice(february_invoice), contoso.all_subscriptions(), now, policy),
               "collecting invoice 501"));
  expect(sub(crm_sub).status == status::suspended, "the overdue invoice to suspend subscription 100");
  say(tour::date(now) + ": invoice 501 is " +
      std::string(isv::to_string(contoso.invoice(february_invoice).status)) +
      " → subscription 100 suspended, grace until " + tour::date(*sub(crm_sub).grace_ends));
  say("Lee tries to assign a license to Chen");
  refused(isv::assign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                      {.subscription = crm_sub, .users = {chen}}, now),
          errc::suspended, "assigning while suspended");
  expect(sub(crm_sub).licenses_in_use == 7 && book(crm_sub).size() == 7, "suspension to keep the licenses");
  say("The licenses already assigned stay: " + seats(sub(crm_sub)));
  now = *sub(crm_sub).grace_ends + days{1};
  const auto lapsed = accepted(isv::advance_to(sub(crm_sub), now), "ending the grace period");
  contoso.commit(lapsed);
  for (const auto& e : lapsed.events)
    say(tour::date(e.at) + ": " + std::string(isv::event_name<tour::traits>(e.payload)) +
        (std::holds_alternative<isv::basic_subscription_renewed<tour::traits>>(e.payload)
             ? " (a new term, still suspended)"
             : " (the grace period is over)"));
  expect(sub(crm_sub).status == status::deactivated && sub(crm_sub).reason == isv::deactivation_reason::nonpayment &&
             book(crm_sub).size() == 0 && book(crm_sub).groups().empty(),
         "the end of the grace to deactivate subscription 100 for nonpayment and release its licenses");
  say("Subscription 100 is deactivated (" + std::string(isv::to_string(*sub(crm_sub).reason)) +
      "); licenses released → " + seats(sub(crm_sub)));

  tour::step(11, "A deactivated subscription stays deactivated");
  say("Alex tries to activate subscription 100 again");
  refused(isv::activate(sub(crm_sub), contoso.as(alex), {.subscription = crm_sub}, now), errc::deactivated,
          "reactivating");
  say("Lee tries to assign Sales to it");
  refused(isv::assign(sub(crm_sub), book(crm_sub), contoso.directory(), contoso.as(lee),
                      {.subscription = crm_sub, .groups = {sales}}, now),
          errc::deactivated, "assigning to a deactivated subscription");
  contoso.commit(accepted(isv::pay_invoice(emea, contoso.invoice(february_invoice), contoso.all_subscriptions(),
                                           contoso.as(bea), {.invoice = february_invoice}, now),
                          "paying late"));
  expect(contoso.invoice(february_invoice).status == isv::invoice_status::paid &&
             sub(crm_sub).status == status::deactivated,
         "a late payment to settle the invoice but not to revive the subscription");
  say("Bea pays invoice 501 late: the invoice is paid, subscription 100 stays " +
      std::string(isv::to_string(sub(crm_sub).status)));
  contoso.commit(
      accepted(isv::purchase(contoso.tenant(), crm, contoso.profiles(), contoso.all_subscriptions(), contoso.as(bea),
                             {.subscription = crm_again, .app = crm.id, .channel = channel::direct,
                              .term = term::monthly, .quantity = 8, .agreement_accepted = true,
                              .billing_profile = emea_profile},
                             now),
               "buying a new copy"));
  contoso.commit(
      accepted(isv::activate(sub(crm_again), contoso.as(alex), {.subscription = crm_again}, now),
               "activating the new copy"));
  contoso.commit(accepted(isv::assign(sub(crm_again), book(crm_again), contoso.directory(), contoso.as(lee),
                                      {.subscription = crm_again, .groups = {sales}}, now),
                          "assigning the new copy"));
  expect(sub(crm_again).licenses_in_use == 7 && book(crm_again).violation_count() == 0,
         "the new copy to license all of Sales");
  say("Bea buys a new copy (subscription 101, 8 seats), Alex activates it, Lee assigns Sales → " +
      seats(sub(crm_again)));

  tour::step(12, "An ISV app bought from its vendor");
  // Bought from the vendor, who invoices it: no billing profile is named, and none is read.
  contoso.commit(
      accepted(isv::purchase(contoso.tenant(), planner, {}, {}, contoso.as(alex),
                             {.subscription = planner_sub, .app = planner.id, .channel = channel::vendor,
                              .term = term::annual, .quantity = 10, .agreement_accepted = true},
                             now),
               "recording the vendor purchase"));
  expect(sub(planner_sub).status == status::active && !sub(planner_sub).billing_profile,
         "an ISV app from the vendor to be active at once, with no billing profile");
  say("Alex records 10 seats of " + planner.name + " bought from Litware → subscription 102, " +
      std::string(isv::to_string(sub(planner_sub).status)) + ", invoiced by the vendor");
  say("Bea tries to raise its quantity to 15");
  refused(isv::change_quantity(sub(planner_sub), contoso.as(bea), {.subscription = planner_sub, .quantity = 15}, now),
          errc::contact_vendor, "changing a vendor quantity");
  contoso.commit(accepted(isv::assign(sub(planner_sub), book(planner_sub), contoso.directory(), contoso.as(lee),
                                      {.subscription = planner_sub, .users = {chen}, .groups = {sales}}, now),
                          "assigning the ISV app"));
  say("Lee assigns it in the admin center to Chen and Sales → " + seats(sub(planner_sub)));
  const auto installed =
      accepted(isv::install(sub(planner_sub), planner, contoso.as(alex), {.subscription = planner_sub}, now),
               "installing");
  contoso.commit(installed);
  expect(sub(planner_sub).installed && installed.link == *planner.install_link,
         "installing to hand over the app's link");
  say("Alex installs it → continue at " + installed.link);

  tour::step(13, "Where each action is handled");
  const std::vector<std::pair<isv::app_kind, isv::acquisition_channel>> columns{{isv::app_kind::saas, channel::direct},
                                                                                {isv::app_kind::isv, channel::direct},
                                                                                {isv::app_kind::isv, channel::vendor}};
  std::cout << "   " << std::left << std::setw(24) << "action" << std::setw(20) << "SaaS, AppSource" << std::setw(20)
            << "ISV, AppSource"
            << "ISV, from vendor\n";
  for (const auto what : {action::change_quantity, action::view_invoice, action::cancel, action::activate,
                          action::assign_licenses, action::install, action::technical_support}) {
    std::cout << "   " << std::setw(24) << isv::to_string(what);
    for (std::size_t i = 0; i < columns.size(); ++i)
      std::cout << std::setw(i + 1 < columns.size() ? 20 : 0)
                << isv::to_string(isv::where_handled(columns[i].first, columns[i].second, what));
    std::cout << '\n';
  }
  expect(isv::where_handled(isv::app_kind::saas, channel::direct, action::assign_licenses) ==
                 isv::place::publisher_portal &&
             isv::where_handled(isv::app_kind::isv, channel::vendor, action::change_quantity) == isv::place::vendor,
         "SaaS licenses in the publisher's portal and vendor quantities with the vendor");

  tour::step(14, "The marketplace: the publisher resolves, activates and answers the webhook");
  {
    // The marketplace's ids are GUIDs: its subscription, and one per operation it sends.
    const std::string marketplace_sub = "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60";
    const auto op = [](int n) { return "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a" + std::string(n < 10 ? "0" : "") + std::to_string(n); };
    const auto decided = [&](const isv::marketplace_webhook_command& cmd) {
      return accepted(isv::handle_marketplace_webhook(sub(sign_sub), sign, cmd, cmd.sent_at, policy), "deciding the webhook");
    };
    const auto show = [&](const isv::marketplace_decision& d) {
      return std::string(isv::marketplace_name(d.action)) + ": " + std::string(isv::to_string(d.outcome)) +
             (d.reason ? " (" + std::string(isv::to_string(*d.reason)) + ": " + d.message + ")" : std::string()) +
             ", report " + (d.report_success ? "Success" : "Failure");
    };
    now += days{1};
    const auto resolved = accepted(
        isv::marketplace_subscribe(contoso.tenant(), sign, contoso.profiles(), contoso.all_subscriptions(),
                                   {.operation_id = op(1), .subscription = sign_sub, .marketplace_subscription = marketplace_sub,
                                    .app = sign.id, .plan = isv::plan_id{1}, .quantity = 3, .term = term::monthly,
                                    .billing_profile = germany_profile, .sent_at = now},
                                   now),
        "resolving the marketplace's purchase");
    contoso.commit(resolved);
    expect(sub(sign_sub).status == status::pending_activation && sub(sign_sub).marketplace_id == marketplace_sub,
           "the marketplace's purchase to be recorded pending activation, linked to its GUID");
    say("Alex buys " + sign.name + " on the marketplace (Starter, 3 seats); the publisher resolves it → subscription " +
        std::to_string(sign_sub.value()) + ", " + std::string(isv::to_string(sub(sign_sub).status)));
    contoso.commit(accepted(isv::marketplace_activate(sub(sign_sub), {.operation_id = op(2), .subscription = sign_sub, .sent_at = now}, now),
                            "activating"));
    say("The publisher activates it → " + std::string(isv::to_string(sub(sign_sub).status)) + ", term to " +
        tour::date(*sub(sign_sub).term_end));

    now += days{10};
    const auto raised = decided({.operation_id = op(3), .subscription = sign_sub, .action = isv::marketplace_action::change_quantity,
                                 .quantity = 5, .sent_at = now});
    contoso.commit(raised);
    expect(raised.decision.outcome == isv::marketplace_outcome::accepted && sub(sign_sub).quantity == 5 &&
               sub(sign_sub).charges.back().kind == isv::invoice_line_kind::proration_charge,
           "the marketplace's ChangeQuantity to be accepted and prorated");
    say(tour::date(now) + ": the marketplace raises the quantity to 5 → " + show(raised.decision) + "; charged " +
        isv::to_string(sub(sign_sub).charges.back().amount) + " for the days left of the term");

    now += days{1};
    const isv::marketplace_webhook_command too_big{.operation_id = op(4), .subscription = sign_sub,
                                                  .action = isv::marketplace_action::change_quantity, .quantity = 9,
                                                  .sent_at = now};
    const auto rejected = decided(too_big);
    contoso.commit(rejected);
    expect(rejected.decision.outcome == isv::marketplace_outcome::rejected && sub(sign_sub).quantity == 5 &&
               !rejected.decision.report_success,
           "a ChangeQuantity past the plan's seats to be rejected, changing nothing");
    say(tour::date(now) + ": it asks for 9 seats on Starter → " + show(rejected.decision));
    const auto again = decided(too_big);
    expect(again.events.empty() && again.decision == rejected.decision, "the same webhook again to change nothing");
    say("The same webhook again (same operation id) → the first decision, nothing saved");

    now += days{1};
    const auto plan_changed = decided({.operation_id = op(5), .subscription = sign_sub, .action = isv::marketplace_action::change_plan,
                                       .plan = isv::plan_id{2}, .sent_at = now});
    contoso.commit(plan_changed);
    say(tour::date(now) + ": ChangePlan to Team → " + show(plan_changed.decision) + "; the dearer plan charged for the rest of the term: " +
        isv::to_string(sub(sign_sub).charges.back().amount));
    const auto invoice = accepted(isv::issue_invoice(contoso.profile(germany_profile), contoso.all_subscriptions(),
                                                     {.invoice = sign_invoice, .profile = germany_profile}, now, policy),
                                  "invoicing the marketplace subscription");
    contoso.commit(invoice);
    say("The next invoice of 'Contoso Germany' has the term and each change as lines of their own:");
    print_invoice(contoso.invoice(sign_invoice));
    const auto& sign_lines = contoso.invoice(sign_invoice).lines;
    expect(std::count_if(sign_lines.begin(), sign_lines.end(), [](const auto& l) { return l.subscription == sign_sub; }) == 3 &&
               sub(sign_sub).charges.empty(),
           "the term and each change to be invoiced once");

    now += days{2};
    const auto suspended = decided({.operation_id = op(6), .subscription = sign_sub, .action = isv::marketplace_action::suspend, .sent_at = now});
    contoso.commit(suspended);
    say(tour::date(now) + ": Suspend → " + std::string(isv::to_string(sub(sign_sub).status)) + ", grace until " +
        tour::date(*sub(sign_sub).grace_ends));
    now += days{1};
    contoso.commit(decided({.operation_id = op(7), .subscription = sign_sub, .action = isv::marketplace_action::reinstate, .sent_at = now}));
    say(tour::date(now) + ": Reinstate → " + std::string(isv::to_string(sub(sign_sub).status)));
    now += days{1};
    const auto gone = decided({.operation_id = op(8), .subscription = sign_sub, .action = isv::marketplace_action::unsubscribe, .sent_at = now});
    contoso.commit(gone);
    say(tour::date(now) + ": Unsubscribe → " + std::string(isv::to_string(sub(sign_sub).status)));
    now += days{1};
    const auto revived = decided({.operation_id = op(9), .subscription = sign_sub, .action = isv::marketplace_action::reinstate, .sent_at = now});
    contoso.commit(revived);
    expect(sub(sign_sub).status == status::deactivated && revived.decision.outcome == isv::marketplace_outcome::unchanged,
           "nothing to revive an unsubscribed subscription (D-LIFE-2)");
    say("A Reinstate after that → " + show(revived.decision));
  }

  tour::step(15, "Signed license files: the app checks its user offline");
#ifdef ISV_TOUR_HAS_SIGNING
  {
    // Litware keeps a signing key; its app embeds the public key and checks files without the store.
    const auto litware = accepted(isv::license_issuer::make(accepted(isv::ed25519_key_pair::generate(), "generating Litware's key"),
                                                            "litware-2026", days{31}),
                                  "making Litware's issuer");
    isv::license_verifier app(minutes{5});
    accepted(app.add_key(litware.key_id(), litware.public_key().to_pem()), "embedding Litware's public key in the app");
    say("Litware makes an Ed25519 key \"" + litware.key_id() + "\"; its app embeds the public key:");
    std::cout << litware.public_key().to_pem();

    const auto online = isv::check_access(sub(planner_sub), book(planner_sub), chen, now);
    expect(online.allows_use(), "Chen to hold a license of " + planner.name);
    say("Online, the store says Chen may use " + planner.name + ": " + std::string(isv::to_string(online.state)) + " (" +
        std::string(isv::to_string(online.reason)) + ")");
    const auto issued = accepted(litware.issue(sub(planner_sub), book(planner_sub),
                                               {.subscription = planner_sub, .user = chen, .lifetime = days{14}}, now),
                                 "issuing Chen's license file");
    say("Litware issues Chen a license file for 14 days (until " + tour::date(issued.statement.expires_at) + "):");
    std::cout << issued.file;
    const auto offline = accepted(app.verify(issued.file, now + days{1}), "verifying Chen's file offline");
    expect(offline.user == chen && offline.status == isv::access_state::active, "the file to say Chen may use the app");
    say("A day later, offline, the app verifies it: user " + std::to_string(offline.user->value()) + " may use app " +
        std::to_string(offline.app.value()) + " until " + tour::date(offline.expires_at));

    std::string forged = issued.file;
    forged[forged.find('\n') + 10] ^= 0x01; // one bit of the statement
    refused(app.verify(forged, now + days{1}), errc::license_tampered, "a file with one bit changed");
    say("One bit of the file changed → " + std::string(isv::to_string(errc::license_tampered)));

    now += days{2};
    const auto preview = accepted(isv::preview_unassign(sub(planner_sub), book(planner_sub), contoso.directory(), contoso.as(lee),
                                                        {.subscription = planner_sub, .users = {chen}}, now),
                                  "previewing Chen's unassignment")
                             .report;
    contoso.commit(accepted(isv::confirm_unassign(sub(planner_sub), book(planner_sub), contoso.directory(), contoso.as(lee), preview, now),
                            "unassigning Chen"));
    say(tour::date(now) + ": Lee unassigns Chen → online: " +
        std::string(isv::to_string(isv::check_access(sub(planner_sub), book(planner_sub), chen, now).reason)));
    refused(litware.issue(sub(planner_sub), book(planner_sub), {.subscription = planner_sub, .user = chen}, now), errc::not_licensed,
            "a new file for Chen");
    say("A new file for Chen → refused: " + std::string(isv::to_string(errc::not_licensed)));
    expect(app.verify(issued.file, now).has_value(), "Chen's old file to verify offline until it expires");
    say("The old file still verifies offline until " + tour::date(issued.statement.expires_at) +
        ": an offline check trusts only the signed bytes, so a short lifetime bounds how long a revoked license lives on");
    refused(app.verify(issued.file, issued.statement.expires_at + minutes{6}), errc::license_expired, "Chen's file after its expiry");
    say("After it expires (and the app's 5-minute leeway) → " + std::string(isv::to_string(errc::license_expired)));
  }
#else
  say("skipped: this build has no libsodium (isv::signing)");
#endif

  tour::step(16, "Replaying the event log");
  for (const auto& id : {crm_sub, crm_again, planner_sub, sign_sub}) {
    const auto replayed = accepted(isv::replay_subscription<tour::traits>(id, contoso.log()), "replaying");
    const bool same = replayed.first == sub(id) && replayed.second == book(id);
    expect(same, "replaying subscription " + std::to_string(id.value()) + " to rebuild its live state");
    say("subscription " + std::to_string(id.value()) + ": replayed state " + (same ? "equals" : "differs from") +
        " the live one (version " + std::to_string(replayed.first.version) + ", " +
        std::string(isv::to_string(replayed.first.status)) + ", " + std::to_string(replayed.second.size()) +
        " licenses)");
  }
  std::map<std::string_view, int> by_type;
  for (const auto& e : contoso.log())
    if (isv::subscription_of(e) == crm_sub) ++by_type[isv::event_name<tour::traits>(e.payload)];
  say("events of subscription 100, by type:");
  for (const auto& [name, count] : by_type) std::cout << "     " << std::setw(26) << name << count << '\n';
  say("the tenant's log holds " + std::to_string(contoso.log().size()) + " events in all");

#ifdef ISV_TOUR_HAS_SQLITE
  if (db) {
    tour::step(17, "What the database holds");
    std::size_t saved = 0;
    for (const auto* state : {&contoso, &northwind}) {
      const auto events = tour::check_saved(*db, *state);
      saved += events;
      say(state->tenant().name + " (tenant " + std::to_string(state->tenant().id.value()) + "): " +
          std::to_string(events) + (events == 1 ? " event" : " events") +
          " saved; read back, its roles, directory, subscriptions, licenses, billing profiles and invoices equal the "
          "tour's");
    }
    {
      const auto view = accepted(db->read(contoso_id), "reading Contoso back");
      expect(view.find_app(crm.id) != nullptr && view.find_app(planner.id) != nullptr && view.find_app(sign.id) != nullptr,
             "the app catalog to list the apps Contoso bought");
    }
    std::cout << "\nThe tour went as expected.\nsaved " << saved << " events to " << *opts.db << '\n';
    return 0;
  }
#endif
  std::cout << "\nThe tour went as expected.\n";
  return 0;
}
