// Unit tests of isv/command.hpp and basic_admin_center::execute: commands as values, one entry point, one receipt per command.
#include "support/catch.hpp"

#include <isv/admin_center.hpp>
#include <isv/command.hpp>
#include <isv/storage/memory.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace {

using namespace std::chrono;
using center = isv::basic_admin_center<isv::memory_repository>;

const isv::tenant_id contoso{1};
const isv::user_id global_admin{1};
const isv::user_id nobody{2};
const isv::user_id alice{20};
const isv::user_id bob{21};
const isv::group_id sales{30};
const isv::billing_profile_id main_profile{50};
const isv::billing_profile_id second_profile{51};
const isv::payment_method_id card{60};
const isv::payment_method_id second_card{61};
const isv::subscription_id crm_sub{100};
const isv::subscription_id sign_sub{101};
const isv::invoice_id january{70};
const isv::app_id crm{3};
const isv::app_id sign{4};
const sys_seconds t0 = sys_days{year{2026} / 1 / 15};

isv::app make_app(isv::app_id id, isv::app_kind kind, std::optional<std::string> link) {
  isv::app product{id, "App", "Fabrikam", kind, isv::pricing_model::per_user, isv::money{1000, isv::currency{"EUR"}},
                   isv::money{10000, isv::currency{"EUR"}}, std::move(link)};
  if (kind == isv::app_kind::saas)
    for (const std::int64_t price : {1000, 2000})
      product.plans.push_back({isv::plan_id{static_cast<std::uint64_t>(price / 1000)}, "Plan", isv::pricing_model::per_user,
                               isv::money{price, isv::currency{"EUR"}}, isv::money{price * 10, isv::currency{"EUR"}}});
  return product;
}

/// Contoso as created: user 1 is its Global administrator.
isv::tenant contoso_as_created() {
  return isv::tenant{contoso, "Contoso", "DE", {{contoso, global_admin, isv::directory_role::global_administrator}}};
}

void set_up(isv::memory_repository& repo) {
  REQUIRE(repo.create_tenant(contoso_as_created()).has_value());
  REQUIRE(repo.add_app(make_app(crm, isv::app_kind::saas, std::nullopt)).has_value());
  REQUIRE(repo.add_app(make_app(sign, isv::app_kind::isv, "https://sign.example/install")).has_value());
}

isv::purchase_command buy(isv::subscription_id id, isv::app_id app, isv::count_t seats) {
  return {.subscription = id, .app = app, .quantity = seats, .agreement_accepted = true, .billing_profile = main_profile};
}

/// One command of each operation, in an order in which each is accepted (the preview's version is filled in on the way).
std::vector<isv::command> script() {
  return {
      isv::add_users_command{{alice, bob, nobody}},
      isv::create_group_command{sales, "Sales"},
      isv::add_members_command{sales, {alice, bob}},
      isv::remove_members_command{sales, {bob}},
      isv::grant_role_command{nobody, isv::directory_role::global_reader},
      isv::revoke_role_command{nobody, isv::directory_role::global_reader},
      isv::create_billing_profile_command{main_profile, "Main", {}},
      isv::create_billing_profile_command{second_profile, "Second", {}},
      isv::contact_info_command{main_profile, {"Ada", "1 Main Street"}},
      isv::add_payment_method_command{main_profile, {card, isv::payment_method_kind::credit_card, "Visa"}},
      isv::add_payment_method_command{main_profile, {second_card, isv::payment_method_kind::credit_card, "Amex"}},
      isv::set_default_payment_method_command{main_profile, second_card},
      isv::remove_payment_method_command{main_profile, card},
      isv::billing_role_command{main_profile, nobody, isv::billing_role::reader},
      buy(crm_sub, crm, 5),
      buy(sign_sub, sign, 2),
      isv::activate_command{crm_sub},
      isv::install_command{sign_sub},
      isv::change_quantity_command{crm_sub, 6},
      isv::change_plan_command{crm_sub, isv::plan_id{2}, std::nullopt},
      isv::auto_renew_command{crm_sub, false},
      isv::change_billing_profile_command{sign_sub, second_profile},
      isv::assign_command{crm_sub, {bob}, {sales}},
      isv::unassign_command{crm_sub, {bob}, {}},
      isv::confirm_unassign_command{},
      isv::reprocess_command{crm_sub},
      isv::issue_invoice_command{january, main_profile},
      isv::view_invoice_command{january},
      isv::pay_invoice_command{january, std::nullopt},
      isv::collect_overdue_command{january},
      isv::cancel_command{sign_sub},
      isv::advance_command{{}},
      isv::name_user_command{alice, "Alice"},
      isv::delete_group_command{sales},
      isv::remove_users_command{{bob}},
      isv::marketplace_subscribe_command{"0f8fad5b-d9cb-469f-a165-70867728950e", isv::subscription_id{102},
                                         "1b4e28ba-2fa1-11d2-883f-0016d3cca427", crm, std::nullopt, 3,
                                         isv::billing_term::monthly, main_profile, t0},
      isv::marketplace_activate_command{"6fa459ea-ee8a-3ca4-894e-db77e160355e", isv::subscription_id{102}, t0},
      isv::marketplace_webhook_command{"7c9e6679-7425-40de-944b-e07fc1f90ae7", isv::subscription_id{102},
                                       isv::marketplace_action::change_quantity, std::nullopt, 4, t0},
  };
}

std::optional<isv::user_id> acting_for(const isv::command& c) {
  return std::visit([](const auto& x) -> std::optional<isv::user_id> {
    if constexpr (isv::platform_command<std::remove_cvref_t<decltype(x)>>) return std::nullopt;
    else return global_admin;
  }, c);
}

/// The same command through its named member function, as a receipt of the variant's value.
isv::result<center::receipt<isv::command_value>> by_name(center& c, const isv::command& cmd, std::string_view key = {}) {
  const auto widen = [](auto done) -> isv::result<center::receipt<isv::command_value>> {
    if (!done) return done.error();
    return center::receipt<isv::command_value>{done.value().events, isv::command_value(done.value().value)};
  };
  return std::visit(isv::detail::overloaded{
      [&](const isv::purchase_command& x) { return widen(c.purchase(contoso, global_admin, x, t0, key)); },
      [&](const isv::activate_command& x) { return widen(c.activate(contoso, global_admin, x, t0, key)); },
      [&](const isv::install_command& x) { return widen(c.install(contoso, global_admin, x, t0, key)); },
      [&](const isv::change_quantity_command& x) { return widen(c.change_quantity(contoso, global_admin, x, t0, key)); },
      [&](const isv::change_plan_command& x) { return widen(c.change_plan(contoso, global_admin, x, t0, key)); },
      [&](const isv::cancel_command& x) { return widen(c.cancel(contoso, global_admin, x, t0, key)); },
      [&](const isv::auto_renew_command& x) { return widen(c.set_auto_renew(contoso, global_admin, x, t0, key)); },
      [&](const isv::change_billing_profile_command& x) { return widen(c.change_billing_profile(contoso, global_admin, x, t0, key)); },
      [&](const isv::assign_command& x) { return widen(c.assign(contoso, global_admin, x, t0, key)); },
      [&](const isv::unassign_command& x) { return widen(c.preview_unassign(contoso, global_admin, x, t0, key)); },
      [&](const isv::confirm_unassign_command& x) { return widen(c.confirm_unassign(contoso, global_admin, x, t0, key)); },
      [&](const isv::reprocess_command& x) { return widen(c.reprocess(contoso, global_admin, x, t0, key)); },
      [&](const isv::add_users_command& x) { return widen(c.add_users(contoso, global_admin, x, t0, key)); },
      [&](const isv::create_group_command& x) { return widen(c.create_group(contoso, global_admin, x, t0, key)); },
      [&](const isv::add_members_command& x) { return widen(c.add_members(contoso, global_admin, x, t0, key)); },
      [&](const isv::remove_members_command& x) { return widen(c.remove_members(contoso, global_admin, x, t0, key)); },
      [&](const isv::grant_role_command& x) { return widen(c.grant_role(contoso, global_admin, x, t0, key)); },
      [&](const isv::revoke_role_command& x) { return widen(c.revoke_role(contoso, global_admin, x, t0, key)); },
      [&](const isv::create_billing_profile_command& x) { return widen(c.create_billing_profile(contoso, global_admin, x, t0, key)); },
      [&](const isv::contact_info_command& x) { return widen(c.change_contact_info(contoso, global_admin, x, t0, key)); },
      [&](const isv::add_payment_method_command& x) { return widen(c.add_payment_method(contoso, global_admin, x, t0, key)); },
      [&](const isv::remove_payment_method_command& x) { return widen(c.remove_payment_method(contoso, global_admin, x, t0, key)); },
      [&](const isv::set_default_payment_method_command& x) {
        return widen(c.set_default_payment_method(contoso, global_admin, x, t0, key));
      },
      [&](const isv::billing_role_command& x) { return widen(c.set_billing_role(contoso, global_admin, x, t0, key)); },
      [&](const isv::issue_invoice_command& x) { return widen(c.issue_invoice(contoso, x, t0, key)); },
      [&](const isv::view_invoice_command& x) { return widen(c.view_invoice(contoso, global_admin, x, t0, key)); },
      [&](const isv::pay_invoice_command& x) { return widen(c.pay_invoice(contoso, global_admin, x, t0, key)); },
      [&](const isv::collect_overdue_command& x) { return widen(c.collect_overdue(contoso, x, t0, key)); },
      [&](const isv::advance_command& x) { return widen(c.advance_to(contoso, x, t0, key)); },
      [&](const isv::remove_users_command& x) { return widen(c.remove_users(contoso, global_admin, x, t0, key)); },
      [&](const isv::delete_group_command& x) { return widen(c.delete_group(contoso, global_admin, x, t0, key)); },
      [&](const isv::name_user_command& x) { return widen(c.name_user(contoso, global_admin, x, t0, key)); },
      [&](const isv::reinstate_command& x) { return widen(c.reinstate(contoso, x, t0, key)); },
      [&](const isv::marketplace_subscribe_command& x) { return widen(c.marketplace_subscribe(contoso, x, t0, key)); },
      [&](const isv::marketplace_activate_command& x) { return widen(c.marketplace_activate(contoso, x, t0, key)); },
      [&](const isv::marketplace_webhook_command& x) { return widen(c.handle_marketplace_webhook(contoso, x, t0, key)); },
  }, cmd);
}

} // namespace

TEST_CASE("every command names its own operation, and a name leads back to its command [D-ROLE-3]") {
  for (const auto& cmd : script()) {
    const auto name = isv::name_of(cmd);
    CAPTURE(name);
    const auto index = isv::visit_command_named<isv::default_traits>(name, [](auto type) {
      return isv::command(typename decltype(type)::type{}).index();
    });
    REQUIRE(index.has_value());
    CHECK(*index == cmd.index());
  }
  CHECK_FALSE(isv::visit_command_named<isv::default_traits>("grant_everything", [](auto) { return 0; }).has_value());
  CHECK(isv::command_names<isv::default_traits>.size() == std::variant_size_v<isv::command>);
}

TEST_CASE("each command through execute gives the receipt its named member gives [D-IDEM-1]") {
  isv::memory_repository by_variant_repo;
  isv::memory_repository by_name_repo;
  set_up(by_variant_repo);
  set_up(by_name_repo);
  center by_variant(by_variant_repo);
  center named(by_name_repo);
  std::optional<isv::unassign_preview> seen;
  for (auto cmd : script()) {
    if (auto* confirm = std::get_if<isv::confirm_unassign_command>(&cmd)) {
      REQUIRE(seen.has_value());
      *confirm = *seen; // a preview converts to the command that confirms it
    }
    CAPTURE(isv::name_of(cmd));
    const auto via_execute = by_variant.execute(contoso, acting_for(cmd), cmd, t0);
    const auto via_name = by_name(named, cmd);
    REQUIRE(via_execute.has_value());
    REQUIRE(via_name.has_value());
    CHECK(via_execute.value() == via_name.value());
    if (const auto* preview = std::get_if<isv::unassign_preview>(&via_execute.value().value)) seen = *preview;
  }
  CHECK(by_variant_repo.events(contoso).value() == by_name_repo.events(contoso).value());
  CHECK(by_variant.find_subscription(contoso, crm_sub).value() == named.find_subscription(contoso, crm_sub).value());
}

TEST_CASE("an unauthorized command through execute is refused and changes nothing [D-ROLE-1] [D-ROLE-3]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  REQUIRE(c.execute(contoso, global_admin, isv::command{isv::add_users_command{{alice}}}, t0).has_value());
  REQUIRE(c.execute(contoso, global_admin, isv::command{isv::create_billing_profile_command{main_profile, "Main", {}}}, t0).has_value());
  const auto before = repo.events(contoso).value();
  for (const isv::command& cmd : {isv::command{isv::add_users_command{{bob}}}, isv::command{buy(crm_sub, crm, 1)},
                                 isv::command{isv::create_billing_profile_command{second_profile, "Second", {}}},
                                 isv::command{isv::grant_role_command{nobody, isv::directory_role::global_administrator}}}) {
    CAPTURE(isv::name_of(cmd));
    for (const auto& who : {std::optional<isv::user_id>{nobody}, std::optional<isv::user_id>{}}) {
      const auto refused = c.execute(contoso, who, cmd, t0, "k-refused");
      REQUIRE_FALSE(refused.has_value());
      CHECK(refused.error().code == isv::errc::permission_denied);
    }
  }
  CHECK(repo.events(contoso).value() == before);
  // The key of a refused call was not used up.
  CHECK(c.execute(contoso, global_admin, isv::command{isv::add_users_command{{bob}}}, t0, "k-refused").has_value());
}

TEST_CASE("a platform command names no acting user") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  const auto refused = c.execute(contoso, global_admin, isv::command{isv::advance_command{}}, t0);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::invalid_argument);
  CHECK(c.execute(contoso, std::nullopt, isv::command{isv::advance_command{}}, t0).has_value());
}

TEST_CASE("reinstate is the platform's: no admin may name themselves, a refusal changes nothing [D-LIFE-4] [D-ROLE-3]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  for (const isv::command& cmd : {isv::command{isv::create_billing_profile_command{main_profile, "Main", {}}},
                                  isv::command{isv::add_payment_method_command{main_profile, {card, isv::payment_method_kind::credit_card, "Visa"}}},
                                  isv::command{buy(crm_sub, crm, 2)}, isv::command{isv::activate_command{crm_sub}}})
    REQUIRE(c.execute(contoso, global_admin, cmd, t0).has_value());
  const auto issued = c.issue_invoice(contoso, {january, main_profile}, t0);
  REQUIRE(issued.has_value());
  const auto due = issued.value().value.due_at;
  REQUIRE(c.collect_overdue(contoso, isv::collect_overdue_command{january}, due).has_value());
  REQUIRE(c.find_subscription(contoso, crm_sub).value().status == isv::subscription_status::suspended);
  const auto before = repo.events(contoso).value();

  const isv::command reinstate{isv::reinstate_command{crm_sub}};
  const auto by_admin = c.execute(contoso, global_admin, reinstate, due + hours{1});
  REQUIRE_FALSE(by_admin.has_value());
  CHECK(by_admin.error().code == isv::errc::invalid_argument);
  CHECK(repo.events(contoso).value() == before);

  const auto done = c.execute(contoso, std::nullopt, reinstate, due + hours{1});
  REQUIRE(done.has_value());
  REQUIRE(done.value().events.size() == 1);
  CHECK(isv::event_name<isv::default_traits>(done.value().events[0].payload) == "subscription_reinstated");
  CHECK(c.find_subscription(contoso, crm_sub).value().status == isv::subscription_status::active);

  const auto after = repo.events(contoso).value();
  const auto again = c.reinstate(contoso, isv::reinstate_command{crm_sub}, due + hours{2});
  REQUIRE_FALSE(again.has_value());
  CHECK(again.error().code == isv::errc::invalid_transition);
  CHECK(again.error().message.find("active") != std::string::npos);
  CHECK(repo.events(contoso).value() == after);
}

TEST_CASE("the admin center grants roles only to users of the tenant's directory, and changes nothing otherwise [D-ROLE-4, D-ROLE-5]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  REQUIRE(c.create_billing_profile(contoso, global_admin, {main_profile, "Main", {}}, t0).has_value());
  const auto before = repo.events(contoso).value();
  const isv::command grants[] = {isv::command{isv::grant_role_command{alice, isv::directory_role::license_administrator}},
                                 isv::command{isv::billing_role_command{main_profile, alice, isv::billing_role::reader}}};
  for (const auto& cmd : grants) {
    CAPTURE(isv::name_of(cmd));
    const auto refused = c.execute(contoso, global_admin, cmd, t0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::not_found);
    CHECK(refused.error().message.find("user 20") != std::string::npos);
  }
  CHECK(repo.events(contoso).value() == before);

  REQUIRE(c.add_users(contoso, global_admin, {{alice}}, t0).has_value());
  for (const auto& cmd : grants) CHECK(c.execute(contoso, global_admin, cmd, t0).has_value());
  CHECK(c.find_tenant(contoso).value().has_role(alice, isv::directory_role::license_administrator));
  CHECK(c.find_billing_profile(contoso, main_profile).value().role_of(alice) == isv::billing_role::reader);
}

TEST_CASE("the admin center keeps a billing profile in one currency, from the subscriptions it charges [D-BILL-5]") {
  isv::memory_repository repo;
  set_up(repo);
  const isv::app_id forms{5};
  REQUIRE(repo.add_app(isv::app{forms, "Forms", "Litware", isv::app_kind::saas, isv::pricing_model::per_user,
                                isv::money{1200, isv::currency{"USD"}}, isv::money{12000, isv::currency{"USD"}}, std::nullopt})
              .has_value());
  center c(repo);
  REQUIRE(c.create_billing_profile(contoso, global_admin, {main_profile, "Main", {}}, t0).has_value());
  REQUIRE(c.create_billing_profile(contoso, global_admin, {second_profile, "Second", {}}, t0).has_value());
  REQUIRE(c.purchase(contoso, global_admin, buy(crm_sub, crm, 2), t0).has_value()); // EUR on the main profile
  const isv::subscription_id forms_sub{102};
  const auto before = repo.events(contoso).value();

  const auto refused = c.execute(contoso, global_admin, isv::command{buy(forms_sub, forms, 1)}, t0);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code == isv::errc::currency_mismatch);
  CHECK(refused.error().message.find("EUR") != std::string::npos);
  CHECK(refused.error().message.find("USD") != std::string::npos);
  CHECK(repo.events(contoso).value() == before);

  auto on_second = buy(forms_sub, forms, 1);
  on_second.billing_profile = second_profile;
  REQUIRE(c.purchase(contoso, global_admin, on_second, t0).has_value());
  const auto after_purchase = repo.events(contoso).value();
  const auto moved = c.change_billing_profile(contoso, global_admin, {crm_sub, second_profile}, t0);
  REQUIRE_FALSE(moved.has_value());
  CHECK(moved.error().code == isv::errc::currency_mismatch);
  CHECK(repo.events(contoso).value() == after_purchase);
  CHECK(c.find_subscription(contoso, crm_sub).value().billing_profile == main_profile);
}

TEST_CASE("an idempotency key replays through execute and through the named member alike [D-IDEM-1]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  const isv::command add{isv::add_users_command{{alice, bob}}};
  const auto first = c.execute(contoso, global_admin, add, t0, "k1");
  REQUIRE(first.has_value());
  REQUIRE(first.value().events.size() == 1);
  const auto log = repo.events(contoso).value();

  const auto again = c.execute(contoso, global_admin, add, t0 + hours{1}, "k1");
  REQUIRE(again.has_value());
  CHECK(again.value() == first.value());
  const auto named = c.add_users(contoso, global_admin, isv::add_users_command{{alice, bob}}, t0, "k1");
  REQUIRE(named.has_value());
  CHECK(named.value().events == first.value().events);
  CHECK(repo.events(contoso).value() == log);

  // The same fields under another operation are another request.
  const auto other = c.execute(contoso, global_admin, isv::command{isv::create_group_command{sales, "Sales"}}, t0, "k1");
  REQUIRE_FALSE(other.has_value());
  CHECK(other.error().code == isv::errc::idempotency_mismatch);
  CHECK(repo.events(contoso).value() == log);
}

TEST_CASE("removing a user through execute releases a direct and a group license in two subscriptions in one commit, and the log rebuilds the state [D-DIR-1] [D-AUDIT-1]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  for (const isv::command& cmd : std::vector<isv::command>{
           isv::add_users_command{{alice, bob}}, isv::create_group_command{sales, "Sales"},
           isv::add_members_command{sales, {alice, bob}}, isv::create_billing_profile_command{main_profile, "Main", {}},
           buy(crm_sub, crm, 2), isv::activate_command{crm_sub}, buy(sign_sub, sign, 1),
           isv::assign_command{crm_sub, {alice}, {sales}}, // alice: direct and through sales
           isv::assign_command{sign_sub, {}, {sales}},     // one seat: alice holds it, bob waits in violation
       }) {
    CAPTURE(isv::name_of(cmd));
    REQUIRE(c.execute(contoso, global_admin, cmd, t0).has_value());
  }
  REQUIRE(c.find_subscription(contoso, crm_sub).value().licenses_in_use == 2);
  REQUIRE(c.find_subscription(contoso, sign_sub).value().licenses_in_use == 1);
  const auto before = repo.events(contoso).value();

  // An unknown user: a typed refusal, and nothing is saved.
  const auto unknown = c.execute(contoso, global_admin, isv::command{isv::remove_users_command{{alice, isv::user_id{999}}}}, t0);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == isv::errc::not_found);
  CHECK(repo.events(contoso).value() == before);

  const auto done = c.execute(contoso, global_admin, isv::command{isv::remove_users_command{{alice}}}, t0);
  REQUIRE(done.has_value());
  const auto& events = done.value().events;
  REQUIRE(events.size() == 4);
  CHECK(std::holds_alternative<isv::basic_users_removed<isv::default_traits>>(events[0].payload));
  using released = isv::basic_licenses_released<isv::default_traits>;
  CHECK(std::get<released>(events[1].payload) == released{crm_sub, std::nullopt, {}, {alice}});
  CHECK(std::get<released>(events[2].payload) == released{crm_sub, sales, {alice}, {}});
  CHECK(std::get<released>(events[3].payload) == released{sign_sub, sales, {alice}, {}});
  // One commit: the log grew by exactly the receipt's events.
  const auto log = repo.events(contoso).value();
  REQUIRE(log.size() == before.size() + events.size());
  CHECK(std::equal(events.begin(), events.end(), log.end() - static_cast<std::ptrdiff_t>(events.size())));

  // The seats are free: bob, waiting for sign's one seat, gets it on reprocessing.
  CHECK(c.find_subscription(contoso, crm_sub).value().licenses_in_use == 1);
  CHECK(c.find_subscription(contoso, sign_sub).value().licenses_in_use == 0);
  const auto reprocessed = c.reprocess(contoso, global_admin, isv::reprocess_command{sign_sub}, t0);
  REQUIRE(reprocessed.has_value());
  CHECK(reprocessed.value().value.licenses_added == 1);

  const auto stored = repo.read(contoso).value();
  CHECK_FALSE(stored.directory().has_user(alice));
  CHECK_FALSE(stored.directory().is_member(sales, alice));
  CHECK_FALSE(stored.find_license_book(crm_sub)->holds(alice));
  CHECK(stored.find_license_book(sign_sub)->holds(bob));
  // Replaying the log into the tenant as created rebuilds exactly the stored state (evolve).
  isv::tenant_state replayed{contoso_as_created()};
  isv::apply(replayed, repo.events(contoso).value());
  CHECK(replayed == stored.state());
}

TEST_CASE("deleting a group and naming a user through execute: refusals change nothing, and the name is found [D-DIR-1] [D-DIR-2] [D-ROLE-3]") {
  isv::memory_repository repo;
  set_up(repo);
  center c(repo);
  REQUIRE(c.add_users(contoso, global_admin, {{alice, bob}}, t0).has_value());
  REQUIRE(c.create_group(contoso, global_admin, {sales, "Sales"}, t0).has_value());
  const auto before = repo.events(contoso).value();
  for (const isv::command& cmd : {isv::command{isv::delete_group_command{sales}}, isv::command{isv::remove_users_command{{bob}}},
                                 isv::command{isv::name_user_command{alice, "Alice"}}}) {
    CAPTURE(isv::name_of(cmd));
    const auto refused = c.execute(contoso, nobody, cmd, t0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::permission_denied);
  }
  const auto missing = c.delete_group(contoso, global_admin, {isv::group_id{99}}, t0);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == isv::errc::not_found);
  CHECK(repo.events(contoso).value() == before);

  REQUIRE(c.name_user(contoso, global_admin, {alice, "Alice Smith"}, t0).has_value());
  REQUIRE(c.delete_group(contoso, global_admin, {sales}, t0).has_value());
  const auto stored = repo.read(contoso).value();
  CHECK(stored.directory().find_by_name("alice").users == std::vector{alice});
  CHECK_FALSE(stored.directory().has_group(sales));
}
