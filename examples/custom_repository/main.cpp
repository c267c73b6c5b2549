// A repository written from scratch against isv::repository (std::map, one thread), used through
// the admin center: buy seats, assign them, see an over-assignment refused, a retried request
// answered from its idempotency record, and the record pruned a day later. The library keeps each
// tenant's state (isv::tenant_state) and says how events change it (isv::apply); the repository
// adds the log and the keys. Exits non-zero if a check fails.
#include "isv/licensing.hpp"
#include "isv/tenant_state.hpp"

#include <cstddef>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace {

struct kept_record {
  isv::idempotency_record record;
  isv::default_traits::time_point recorded_at; // when its request was made: what pruning compares
};

struct tenant_store {
  isv::tenant_state state;
  std::vector<isv::event> log;
  std::map<std::string, kept_record, std::less<>> keys;
};

template <class Map>
auto* find_in(const Map& m, const typename Map::key_type& k) {
  const auto it = m.find(k);
  return it == m.end() ? nullptr : &it->second;
}

class map_repository {
public:
  using traits_type = isv::default_traits;
  struct view_type {
    const tenant_store* s;
    const std::map<isv::app_id, isv::app>* apps;
    const isv::tenant& tenant() const { return s->state.tenant; }
    const isv::directory& directory() const { return s->state.directory; }
    isv::count_t directory_version() const { return s->state.directory_version; }
    std::vector<isv::subscription_id> subscription_ids() const { return s->state.subscription_ids(); }
    std::vector<isv::billing_profile_id> billing_profile_ids() const { return s->state.billing_profile_ids(); }
    const isv::subscription* find_subscription(const isv::subscription_id& id) const { return s->state.find_subscription(id); }
    const isv::license_book* find_license_book(const isv::subscription_id& id) const { return s->state.find_license_book(id); }
    const isv::billing_profile* find_billing_profile(const isv::billing_profile_id& id) const {
      return s->state.find_billing_profile(id);
    }
    const isv::invoice* find_invoice(const isv::invoice_id& id) const { return s->state.find_invoice(id); }
    const isv::app* find_app(const isv::app_id& id) const { return find_in(*apps, id); }
    const isv::idempotency_record* find_idempotency(std::string_view key) const {
      const auto it = s->keys.find(key);
      return it == s->keys.end() ? nullptr : &it->second.record;
    }
  };

  isv::result<view_type> read(const isv::tenant_id& t) {
    if (const auto* s = find_in(tenants_, t)) return view_type{s, &apps_};
    return isv::fail(isv::errc::not_found, "no such tenant");
  }
  isv::result<void> commit(isv::commit c) {
    const auto it = tenants_.find(c.tenant);
    if (it == tenants_.end()) return isv::fail(isv::errc::not_found, "no such tenant");
    tenant_store& s = it->second;
    BOOST_OUTCOME_TRY(isv::check_commit(view_type{&s, &apps_}, c)); // versions, tenant, key: all before any write
    for (auto& e : c.events) {
      isv::apply(s.state, e); // the library's one fold: each event changes the value it names
      s.log.push_back(std::move(e));
    }
    if (c.idempotency) {
      auto key = c.idempotency->key; // copied before the record moves into the map
      s.keys.emplace(std::move(key), kept_record{std::move(*c.idempotency), c.recorded_at});
    }
    return isv::result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
  }
  // The records of requests made before `before` go, in every tenant; their keys are new again.
  isv::result<std::size_t> prune_idempotency(const isv::default_traits::time_point& before) {
    std::size_t removed = 0;
    for (auto& entry : tenants_)
      removed += std::erase_if(entry.second.keys, [&](const auto& kept) { return kept.second.recorded_at < before; });
    return removed;
  }
  isv::result<std::vector<isv::event>> events(const isv::tenant_id& t, std::size_t after) {
    const auto* s = find_in(tenants_, t);
    if (!s) return isv::fail(isv::errc::not_found, "no such tenant");
    return std::vector<isv::event>(s->log.begin() + static_cast<std::ptrdiff_t>(std::min(after, s->log.size())), s->log.end());
  }
  isv::result<void> create_tenant(isv::tenant org) {
    if (tenants_.contains(org.id)) return isv::fail(isv::errc::already_exists, "tenant exists");
    const auto id = org.id;
    tenants_.emplace(id, tenant_store{isv::tenant_state{std::move(org)}, {}, {}});
    return isv::result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
  }
  isv::result<void> add_app(isv::app product) {
    if (!apps_.emplace(product.id, product).second) return isv::fail(isv::errc::already_exists, "app exists");
    return isv::result<void>(BOOST_OUTCOME_V2_NAMESPACE::success());
  }

private:
  std::map<isv::tenant_id, tenant_store> tenants_;
  std::map<isv::app_id, isv::app> apps_;
};

static_assert(isv::repository<map_repository>);

int failures = 0;
void check(bool ok, const char* what) {
  std::printf("%s %s\n", ok ? "ok  " : "FAIL", what);
  if (!ok) ++failures;
}

} // namespace

int main() {
  using namespace std::chrono;
  const sys_seconds now{sys_days{year{2026} / 5 / 4}};
  const isv::tenant_id contoso{1};
  const isv::user_id ada{1}, bo{2}, cy{3};
  const isv::subscription_id seats{10};

  map_repository repo;
  const isv::currency eur{"EUR"};
  isv::tenant org{.id = contoso, .name = "Contoso", .region = "FR",
                  .admin_roles = {{.tenant = contoso, .user = ada, .role = isv::directory_role::global_administrator}}};
  isv::app crm{.id = isv::app_id{7}, .name = "CRM", .publisher = "Fabrikam", .kind = isv::app_kind::isv,
               .pricing = isv::pricing_model::per_user, .monthly_price = {.minor_units = 900, .unit = eur},
               .annual_price = {.minor_units = 9000, .unit = eur}};
  check(repo.create_tenant(org) && repo.add_app(crm), "tenant and catalog set up");

  isv::basic_admin_center center{repo};
  check(bool(center.add_users(contoso, ada, {.users = {ada, bo, cy}}, now)), "users added");
  check(bool(center.create_billing_profile(contoso, ada,
                                           {.profile = isv::billing_profile_id{5},
                                            .name = "Main",
                                            .contact = {.name = "Ada", .address = "1 Rue"}},
                                           now)),
        "billing profile created");
  isv::purchase_command buy{.subscription = seats, .app = crm.id, .channel = isv::acquisition_channel::direct,
                            .term = isv::billing_term::monthly, .quantity = 2, .agreement_accepted = true,
                            .billing_profile = isv::billing_profile_id{5}, .auto_renew = true};
  check(bool(center.purchase(contoso, ada, buy, now)), "2 seats bought");

  const auto first = center.assign(contoso, ada, {.subscription = seats, .users = {ada, bo}}, now, "assign-ada-bo");
  check(first && first.value().value.licenses_added == 2, "ada and bo assigned");
  const auto again = center.assign(contoso, ada, {.subscription = seats, .users = {ada, bo}}, now, "assign-ada-bo");
  check(again && again.value() == first.value(), "the retried request returns the first result (D-IDEM-1)");
  const auto pruned = center.prune_idempotency(now + hours{25});
  check(pruned && pruned.value() == 1, "a day later, the host prunes the record: the key is new again (D-IDEM-1)");
  const auto over = center.assign(contoso, ada, {.subscription = seats, .users = {cy}}, now);
  check(!over && over.error().code == isv::errc::seats_exhausted, "a third seat is refused (D-ASSIGN-3)");
  if (!over) std::printf("     %s\n", over.error().message.c_str());

  const auto stored = center.find_subscription(contoso, seats);
  check(stored && stored.value().licenses_in_use == 2, "2 licenses in use");
  const auto log = repo.events(contoso, 0);
  const auto rebuilt = isv::replay_subscription<isv::default_traits>(seats, log.value());
  check(rebuilt && rebuilt.value().first == stored.value(), "replaying the log rebuilds the subscription (D-AUDIT-1)");
  return failures == 0 ? 0 : 1;
}
