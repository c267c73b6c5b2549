// Test builders of the signing suite: a tenant served by the admin center on the in-memory repository, with one active per-user subscription, and a license issuer with its verifier.
#pragma once

#include "support/catch.hpp"

#include <isv/licensing.hpp>
#include <isv/signing/issue.hpp>
#include <isv/signing/verify.hpp>
#include <isv/storage/memory.hpp>

#include <chrono>
#include <string>
#include <utility>

namespace signing_world {

using namespace std::chrono;

inline constexpr sys_seconds t0{sys_days{year{2026} / 1 / 15}};
inline constexpr isv::tenant_id contoso{1};
inline constexpr isv::tenant_id fabrikam{2};
inline constexpr isv::user_id admin{1};
inline constexpr isv::user_id ana{2};
inline constexpr isv::user_id ben{3};
inline constexpr isv::user_id carol{4};
inline constexpr isv::subscription_id seats{100};
inline constexpr isv::subscription_id other_tenants{200};
inline constexpr isv::billing_profile_id main_profile{10};
inline constexpr isv::app_id crm_id{7};

template <class T>
T must(isv::result<T> r) {
  INFO((r ? std::string() : r.error().message));
  REQUIRE(r.has_value());
  return std::move(r).value();
}

inline isv::tenant make_org(isv::tenant_id id) {
  return {.id = id, .name = "Tenant " + std::to_string(id.value()), .region = "DE",
          .admin_roles = {{.tenant = id, .user = admin, .role = isv::directory_role::global_administrator}}};
}

/// Contoso with users Ana, Ben and Carol and 3 seats of a monthly SaaS app, active since t0 (its
/// term ends Feb 15), Ana holding one; Fabrikam with a subscription of its own.
struct world {
  isv::memory_repository repo;
  isv::basic_admin_center<isv::memory_repository> center{repo};

  world() {
    must(repo.add_app({.id = crm_id, .name = "Fabrikam CRM", .publisher = "Fabrikam", .kind = isv::app_kind::saas,
                       .pricing = isv::pricing_model::per_user,
                       .monthly_price = {.minor_units = 1200, .unit = isv::currency{"EUR"}}}));
    for (const auto& [tenant, sub] : {std::pair{contoso, seats}, std::pair{fabrikam, other_tenants}}) {
      must(repo.create_tenant(make_org(tenant)));
      run(tenant, isv::add_users_command{.users = {ana, ben, carol}});
      run(tenant, isv::create_billing_profile_command{.profile = main_profile, .name = "Main"});
      run(tenant, isv::purchase_command{.subscription = sub, .app = crm_id, .quantity = 3, .agreement_accepted = true,
                                        .billing_profile = main_profile});
      run(tenant, isv::activate_command{.subscription = sub});
    }
    run(contoso, isv::assign_command{.subscription = seats, .users = {ana}});
  }

  void run(isv::tenant_id tenant, const isv::command& cmd, sys_seconds at = t0) { must(center.execute(tenant, admin, cmd, at)); }

  /// Unassigns `user` from the subscription through the preview and its confirmation.
  void unassign(isv::user_id user, sys_seconds at) {
    const auto preview = must(center.preview_unassign(contoso, admin, {.subscription = seats, .users = {user}}, at));
    must(center.confirm_unassign(contoso, admin, preview.value, at));
  }

  /// Lets an invoice of the main profile go overdue: the subscription is suspended for its grace.
  sys_seconds suspend() {
    const isv::invoice_id inv{70};
    must(center.issue_invoice(contoso, {.invoice = inv, .profile = main_profile}, t0));
    const auto due = must(center.find_invoice(contoso, inv)).due_at;
    must(center.collect_overdue(contoso, {.invoice = inv}, due));
    REQUIRE(must(center.find_subscription(contoso, seats)).status == isv::subscription_status::suspended);
    return due;
  }

  [[nodiscard]] isv::subscription sub() { return must(center.find_subscription(contoso, seats)); }
};

/// The RFC 8032 test 1 key, as a fixed publisher key; and a second key, as the one that replaces it.
inline isv::ed25519_key_pair key_from_hex(std::string_view hex) {
  std::vector<unsigned char> seed;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) seed.push_back(static_cast<unsigned char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return must(isv::ed25519_key_pair::from_seed(seed));
}
inline isv::ed25519_key_pair key_2026() { return key_from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"); }
inline isv::ed25519_key_pair key_2027() { return key_from_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"); }

inline isv::license_issuer issuer(isv::ed25519_key_pair key = key_2026(), std::string id = "fabrikam-2026") {
  return must(isv::license_issuer::make(std::move(key), std::move(id), days{31}));
}

inline isv::license_verifier verifier_of(const isv::license_issuer& by, seconds leeway = minutes{5}) {
  isv::license_verifier out(leeway);
  must(out.add_key(by.key_id(), by.public_key()));
  return out;
}

/// What a result refused with; fails the test when it was accepted.
template <class T>
isv::errc refusal(const isv::result<T>& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error().code;
}

} // namespace signing_world
