// Quickstart: the service runs commands (buy, activate, assign) and explains a refusal; then the same
// rules as pure functions of values, whose updates isv::apply folds into a tenant state.
// The part between the README markers is copied verbatim into README.md (a test keeps them equal).
#include <isv/licensing.hpp>
#include <isv/storage.hpp>

#include <chrono>
#include <iostream>

int main() {
  using namespace std::chrono;
  const sys_seconds now = sys_days{year{2026} / 1 / 15};
  bool ok = true;
  const auto expect = [&](bool condition, const char* what) {
    if (!condition) std::cerr << "unexpected: " << what << '\n';
    ok = ok && condition;
  };

  // README-BEGIN
  // Contoso, a tenant in a supported country; user 1 is its Global administrator. An app sold per user.
  const isv::tenant_id contoso{1};
  const isv::user_id admin{1}, ana{2}, ben{3};
  const isv::subscription_id seats{100};
  const isv::tenant org{.id = contoso, .name = "Contoso", .region = "DE",
                        .admin_roles = {{.tenant = contoso, .user = admin,
                                         .role = isv::directory_role::global_administrator}}};
  const isv::app crm{.id = isv::app_id{7}, .name = "Fabrikam CRM", .publisher = "Fabrikam",
                     .kind = isv::app_kind::saas, .pricing = isv::pricing_model::per_user,
                     .monthly_price = {.minor_units = 1200, .unit = isv::currency{"EUR"}}};

  // The service: execute() runs any command (a value: one type per operation) against a repository,
  // checks the acting admin's roles, and saves the events the operation decided.
  isv::memory_repository repo;
  repo.create_tenant(org).value();
  repo.add_app(crm).value();
  isv::basic_admin_center center{repo};
  const std::vector<isv::command> commands{
      isv::add_users_command{.users = {ana, ben}},
      isv::create_billing_profile_command{.profile = isv::billing_profile_id{10}, .name = "Main"},
      isv::purchase_command{.subscription = seats, .app = crm.id, .quantity = 1, .agreement_accepted = true,
                            .billing_profile = isv::billing_profile_id{10}},
      isv::activate_command{.subscription = seats}, // a SaaS app starts pending activation
      isv::assign_command{.subscription = seats, .users = {ana}},
      isv::assign_command{.subscription = seats, .users = {ben}}, // no seat left: refused, nothing changes
  };
  for (const isv::command& cmd : commands) {
    auto done = center.execute(contoso, admin, cmd, now);
    if (!done) std::cout << done.error().message << '\n'; // typed (done.error().code), and says what to do
  }

  // The same rules as pure functions of values, for a host that keeps its state itself: an
  // operation returns an update (the new value and its events), and isv::apply folds the events
  // into the state. Here the state is rebuilt from the service's log; nothing is saved back.
  isv::tenant_state state{org};
  isv::apply(state, repo.events(contoso).value());
  const isv::actor acting = state.tenant.actor(admin);
  const auto& [sub, book] = state.subscriptions.at(seats); // kept current by isv::apply
  auto raised = isv::change_quantity(sub, acting, {.subscription = seats, .quantity = 2}, now);
  isv::apply(state, raised.value());
  auto assigned = isv::assign(sub, book, state.directory, acting, {.subscription = seats, .users = {ben}}, now);
  isv::apply(state, assigned.value());
  // README-END

  const auto stored = center.find_subscription(contoso, seats);
  expect(stored && stored.value().quantity == 1 && stored.value().licenses_in_use == 1,
         "the service to hold one seat, assigned to Ana");
  const auto again = center.execute(contoso, admin, commands.back(), now);
  expect(!again && again.error().code == isv::errc::seats_exhausted, "assigning Ben through the service to be refused");
  expect(sub.quantity == 2 && sub.licenses_in_use == 2 && book.holds(ana) && book.holds(ben),
         "the pure operations to raise the kept state to two seats, held by Ana and Ben");
  return ok ? 0 : 1;
}
