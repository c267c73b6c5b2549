// Quickstart: buy a seat-based app, activate it, assign licenses, and see a refusal explained.
// The part between the README markers is copied verbatim into README.md (a test keeps them equal).
#include <isv/licensing.hpp>

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
  // A tenant in a supported region, with a Global administrator (user 1) and two users.
  isv::tenant contoso{isv::tenant_id{1}, "Contoso", "Germany",
                      {{isv::tenant_id{1}, isv::user_id{1}, isv::directory_role::global_administrator}}};
  const isv::actor admin = contoso.actor(isv::user_id{1});
  isv::directory dir{contoso.id};
  auto users = isv::add_users(dir, admin, {{isv::user_id{2}, isv::user_id{3}}}, now).value();
  for (const auto& e : users.events) dir.apply(e);

  // A billing profile (its creator becomes owner) and a SaaS app priced per user.
  auto profile = isv::create_billing_profile(contoso, admin, {isv::billing_profile_id{10}, "Main", {}}, now).value().state;
  const isv::app crm{isv::app_id{7}, "Fabrikam CRM", "Fabrikam", isv::app_kind::saas, isv::pricing_model::per_user,
                     isv::money{1200, isv::currency{"EUR"}}, isv::money{12000, isv::currency{"EUR"}}, std::nullopt};

  // Buy one seat through AppSource; a SaaS subscription starts pending activation.
  isv::purchase_command buy{.subscription = isv::subscription_id{100}, .app = crm.id,
                            .channel = isv::acquisition_channel::direct, .quantity = 1,
                            .agreement_accepted = true, .billing_profile = profile.id};
  isv::subscription sub = isv::purchase(contoso, crm, &profile, admin, buy, now).value().state;
  sub = isv::activate(sub, admin, {sub.id}, now).value().state;

  // Assign: the pure function returns the new subscription and the events; the caller keeps the
  // license book (one record per license) by applying the events.
  isv::license_book book{sub.id};
  auto assigned = isv::assign(sub, book, dir, admin, {sub.id, {isv::user_id{2}}, {}}, now);
  for (const auto& e : assigned.value().events) book.apply(e);
  sub = assigned.value().state;

  // A second seat is not there: the refusal is typed and says what to do; nothing changed.
  auto refused = isv::assign(sub, book, dir, admin, {sub.id, {isv::user_id{3}}, {}}, now);
  if (!refused) std::cout << refused.error().message << '\n';
  // README-END

  expect(sub.licenses_in_use == 1 && book.holds(isv::user_id{2}), "user 2 holds the only license");
  expect(!refused && refused.error().code == isv::errc::seats_exhausted, "the second assignment is refused");
  expect(!book.holds(isv::user_id{3}), "user 3 holds nothing");
  return ok ? 0 : 1;
}
