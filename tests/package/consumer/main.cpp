// A program that uses isv-licensing as its users do: buy a per-user subscription, assign licenses, and
// see an assignment beyond the seats refused. Every packaging route (installed package, add_subdirectory,
// FetchContent, Conan's test_package) builds and runs this file; it exits non-zero on any mismatch.
#include <isv/licensing.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <span>
#include <string_view>

namespace {

int failures = 0;

void expect(bool ok, std::string_view what) {
  if (!ok) {
    std::cerr << "isv-licensing consumer: expected " << what << '\n';
    ++failures;
  }
}

} // namespace

int main() {
  using namespace std::chrono;
  const sys_seconds now{sys_days{year{2026} / January / 15}};
  const isv::tenant_id contoso{1};
  const isv::user_id admin_user{1};

  const isv::currency eur{"EUR"};
  const isv::tenant org{.id = contoso, .name = "Contoso", .region = "DE",
                        .admin_roles = {{.tenant = contoso, .user = admin_user,
                                         .role = isv::directory_role::global_administrator}}};
  const isv::actor admin = org.actor(admin_user);

  const isv::billing_profile profile{.id = isv::billing_profile_id{10}, .tenant = contoso, .name = "Contoso main",
                                     .roles = {{.user = admin_user, .role = isv::billing_role::owner}}};

  const isv::app notes{.id = isv::app_id{7}, .name = "Field Notes", .publisher = "Fabrikam", .kind = isv::app_kind::isv,
                       .pricing = isv::pricing_model::per_user, .monthly_price = {.minor_units = 500, .unit = eur},
                       .annual_price = {.minor_units = 5000, .unit = eur}};

  // Buy two seats (D-BUY-4): an ISV app's subscription is active from purchase.
  const isv::purchase_command buy{.subscription = isv::subscription_id{100}, .app = notes.id, .quantity = 2,
                                  .agreement_accepted = true, .billing_profile = profile.id};
  const auto bought = isv::purchase(org, notes, std::span(&profile, 1), {}, admin, buy, now);
  if (!bought) {
    std::cerr << "isv-licensing consumer: the purchase was refused: " << bought.error().message << '\n';
    return EXIT_FAILURE;
  }
  const isv::subscription& sub = bought.value().state;
  expect(sub.status == isv::subscription_status::active, "the bought subscription to be active");
  expect(sub.quantity == 2, "the bought subscription to hold 2 seats");

  isv::directory dir{contoso};
  const auto added = isv::add_users(dir, admin, {.users = {isv::user_id{2}, isv::user_id{3}, isv::user_id{4}}}, now);
  if (!added) {
    std::cerr << "isv-licensing consumer: adding users was refused: " << added.error().message << '\n';
    return EXIT_FAILURE;
  }
  for (const auto& e : added.value().events) isv::apply(dir, e);

  // Assign both seats (D-ASSIGN-1), then apply the events to the subscription's license book.
  isv::license_book book{sub.id};
  const auto assigned =
      isv::assign(sub, book, dir, admin, {.subscription = sub.id, .users = {isv::user_id{2}, isv::user_id{3}}}, now);
  if (!assigned) {
    std::cerr << "isv-licensing consumer: the assignment was refused: " << assigned.error().message << '\n';
    return EXIT_FAILURE;
  }
  for (const auto& e : assigned.value().events) isv::apply(book, e);
  const isv::subscription& full = assigned.value().state;
  expect(full.licenses_in_use == 2, "2 licenses in use after assigning 2 users");
  expect(book.size() == 2 && book.holds(isv::user_id{2}) && book.holds(isv::user_id{3}),
         "the license book to hold users 2 and 3");

  // A third user needs a seat that was not bought (D-ASSIGN-3): refused, nothing changes.
  const auto refused = isv::assign(full, book, dir, admin, {.subscription = sub.id, .users = {isv::user_id{4}}}, now);
  expect(!refused && refused.error().code == isv::errc::seats_exhausted,
         "assigning a third user to two seats to be refused with seats_exhausted");

  if (failures != 0) return EXIT_FAILURE;
  std::cout << "isv-licensing " << ISV_LICENSING_VERSION_STRING << ": bought " << *full.quantity << " seats, assigned "
            << full.licenses_in_use << ", a third assignment refused as expected\n";
  return EXIT_SUCCESS;
}
