// seed: the tenants the console starts with, made through the admin center as an admin would: the tour's Contoso (users, the Sales group, a billing profile, Fabrikam CRM, an invoice) and Northwind beside it.
#pragma once

#include "console.hpp"

#include <string>
#include <utility>
#include <vector>

namespace console {

/// The ids the seeded story uses (the tour's), for the pages' tests.
namespace seeded {
inline const isv::tenant_id contoso{1}, northwind{2};
inline const isv::user_id alex{1}, bea{2}, lee{3}, chen{11}, dana{12}, eve{13}, farid{14}, grace{15}, hiro{16}, ivan{17},
    jun{18}, noor{21};
inline const isv::group_id sales{1}, hostile{2};
/// A group whose name is a script: the pages must show it as text.
inline const std::string hostile_name = "<script>document.title='owned'</script>";
inline const isv::billing_profile_id germany{1}, northwind_profile{9};
inline const isv::subscription_id crm_sub{100}, planner_sub{102}, northwind_crm{900};
inline const isv::invoice_id january{500};
inline const isv::app_id crm{7}, planner{8};
} // namespace seeded

/// Creates Contoso and Northwind in `repo` (which must hold neither), at `now`. Every step goes
/// through the admin center; the first refusal is returned with the step it stopped at.
[[nodiscard]] inline isv::result<void> seed(repository& repo, const time_point& now) {
  using namespace seeded;
  const isv::currency eur{"EUR"};
  admin_center center(repo);
  std::string step;
  const auto failed = [&](const isv::error& e) { return isv::fail(e.code, "Seeding stopped at " + step + ": " + e.message); };
  const auto as = [&](const isv::tenant_id& t, const isv::user_id& who, const auto& command) -> isv::result<void> {
    auto done = center.execute(t, who, command, now);
    if (!done) return failed(done.error());
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  };

  step = "the app catalog";
  for (auto product : {isv::app{.id = crm, .name = "Fabrikam CRM", .publisher = "Fabrikam", .kind = isv::app_kind::saas,
                                .pricing = isv::pricing_model::per_user, .monthly_price = {.minor_units = 1200, .unit = eur},
                                .annual_price = {.minor_units = 12000, .unit = eur}},
                       isv::app{.id = planner, .name = "Litware Planner", .publisher = "Litware",
                                .kind = isv::app_kind::isv, .pricing = isv::pricing_model::per_user,
                                .monthly_price = {.minor_units = 400, .unit = eur},
                                .annual_price = {.minor_units = 4000, .unit = eur},
                                .install_link = "https://install.litware.example/contoso"}})
    if (auto added = repo.add_app(std::move(product)); !added && added.error().code != isv::errc::already_exists)
      return failed(added.error());

  /// A new tenant whose one admin is its Global administrator.
  const auto create_tenant = [&](const isv::tenant_id& id, std::string name, std::string country,
                                 const isv::user_id& admin) -> isv::result<void> {
    step = "creating " + name;
    auto made = repo.create_tenant(isv::tenant{.id = id, .name = std::move(name), .region = std::move(country),
                                               .admin_roles = {{.tenant = id, .user = admin,
                                                                .role = isv::directory_role::global_administrator}}});
    if (!made) return failed(made.error());
    return BOOST_OUTCOME_V2_NAMESPACE::success();
  };

  BOOST_OUTCOME_TRY(create_tenant(contoso, "Contoso", "DE", alex));
  step = "Contoso's users";
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::add_users_command{.users = {alex, bea, lee, chen, dana, eve, farid, grace, hiro, ivan, jun}}));
  const std::vector<std::pair<isv::user_id, std::string>> people{
      {alex, "Alex Wilber"}, {bea, "Bea Schmidt"},  {lee, "Lee Gu"},      {chen, "Chen Lin"},
      {dana, "Dana Weiss"},  {eve, "Eve Martin"},   {farid, "Farid Haddad"}, {grace, "Grace Taylor"},
      {hiro, "Hiro Tanaka"}, {ivan, "Ivan Petrov"}, {jun, "Jun Park"}};
  for (const auto& [user, name] : people) {
    BOOST_OUTCOME_TRY(as(contoso, alex, isv::name_user_command{.user = user, .name = name}));
  }
  step = "Contoso's admin roles";
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::grant_role_command{.user = bea, .role = isv::directory_role::billing_administrator}));
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::grant_role_command{.user = lee, .role = isv::directory_role::license_administrator}));
  step = "Contoso's groups";
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::create_group_command{.group = sales, .name = "Sales"}));
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::add_members_command{.group = sales, .users = {dana, eve, farid, grace, hiro, ivan}}));
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::create_group_command{.group = hostile, .name = hostile_name}));
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::add_members_command{.group = hostile, .users = {chen, jun}}));
  step = "Contoso's billing profile";
  BOOST_OUTCOME_TRY(as(contoso, alex,
                       isv::create_billing_profile_command{
                           .profile = germany, .name = "Contoso Germany",
                           .contact = {.name = "Alex Wilber", .address = "Contoso GmbH, Berlin"}}));
  BOOST_OUTCOME_TRY(as(contoso, alex,
                       isv::add_payment_method_command{.profile = germany,
                                                       .method = {.id = isv::payment_method_id{1},
                                                                  .kind = isv::payment_method_kind::credit_card,
                                                                  .label = "Visa ending 4242"}}));
  BOOST_OUTCOME_TRY(as(contoso, alex,
                       isv::billing_role_command{.profile = germany, .user = bea, .role = isv::billing_role::contributor}));
  step = "buying Fabrikam CRM";
  BOOST_OUTCOME_TRY(as(contoso, alex,
                       isv::purchase_command{.subscription = crm_sub, .app = crm, .channel = isv::acquisition_channel::direct,
                                             .term = isv::billing_term::monthly, .quantity = 5,
                                             .agreement_accepted = true, .billing_profile = germany}));
  BOOST_OUTCOME_TRY(as(contoso, alex, isv::activate_command{.subscription = crm_sub}));
  step = "buying Litware Planner from its vendor";
  BOOST_OUTCOME_TRY(as(contoso, alex,
                       isv::purchase_command{.subscription = planner_sub, .app = planner,
                                             .channel = isv::acquisition_channel::vendor,
                                             .term = isv::billing_term::annual, .quantity = 10, .agreement_accepted = true}));
  step = "invoicing Contoso Germany";
  if (auto issued = center.execute(contoso, std::nullopt, isv::issue_invoice_command{.invoice = january, .profile = germany}, now);
      !issued)
    return failed(issued.error());

  BOOST_OUTCOME_TRY(create_tenant(northwind, "Northwind", "NL", noor));
  BOOST_OUTCOME_TRY(as(northwind, noor, isv::add_users_command{.users = {noor}}));
  BOOST_OUTCOME_TRY(as(northwind, noor,
                       isv::create_billing_profile_command{.profile = northwind_profile, .name = "Northwind",
                                                           .contact = {.name = "Noor", .address = "Amsterdam"}}));
  BOOST_OUTCOME_TRY(as(northwind, noor,
                       isv::purchase_command{.subscription = northwind_crm, .app = crm,
                                             .channel = isv::acquisition_channel::direct,
                                             .term = isv::billing_term::monthly, .quantity = 3,
                                             .agreement_accepted = true, .billing_profile = northwind_profile}));
  return BOOST_OUTCOME_V2_NAMESPACE::success();
}

} // namespace console
