// The invariants harness: recorded steps (operations of the admin center), a runner that applies them to a fresh in-memory service and checks the invariants after each, a seeded generator, and a delta-debugging shrinker.
#pragma once

#include <isv/admin_center.hpp>
#include <isv/storage/memory.hpp>
#ifdef ISV_INVARIANTS_HAVE_JSON
#include <isv/json.hpp>
#endif

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace invariants {

using T = isv::default_traits;
using time_point = T::time_point;
using repository = isv::memory_repository;
using center = isv::basic_admin_center<repository>;

// ---- Steps ------------------------------------------------------------------------------------

/// Every operation of the admin center, plus the test-only forgeries that prove the checker can fail.
enum class op {
  purchase, activate, install, change_quantity, cancel, set_auto_renew, change_billing_profile,
  assign, preview_unassign, confirm_unassign, reprocess,
  add_users, create_group, add_members, remove_members, grant_role, revoke_role,
  create_billing_profile, change_contact_info, add_payment_method, remove_payment_method, set_default_payment_method,
  set_billing_role, issue_invoice, view_invoice, pay_invoice, collect_overdue, advance_to,
  remove_users, delete_group, name_user, change_plan, marketplace_subscribe, marketplace_webhook,
  forge_over_assignment, ///< test only: grants licenses beyond the quantity, straight into the repository
  forge_other_tenant,    ///< test only: saves an event of this step's tenant into another tenant
};

inline constexpr const char* op_names[] = {
    "purchase", "activate", "install", "change_quantity", "cancel", "set_auto_renew", "change_billing_profile",
    "assign", "preview_unassign", "confirm_unassign", "reprocess",
    "add_users", "create_group", "add_members", "remove_members", "grant_role", "revoke_role",
    "create_billing_profile", "change_contact_info", "add_payment_method", "remove_payment_method",
    "set_default_payment_method", "set_billing_role", "issue_invoice", "view_invoice", "pay_invoice", "collect_overdue",
    "advance_to", "remove_users", "delete_group", "name_user", "change_plan", "marketplace_subscribe", "marketplace_webhook", "forge_over_assignment", "forge_other_tenant"};
inline constexpr std::size_t op_count = std::size(op_names);

[[nodiscard]] inline bool is_platform(op o) {
  return o == op::issue_invoice || o == op::collect_overdue || o == op::advance_to || o == op::marketplace_subscribe ||
         o == op::marketplace_webhook;
}
[[nodiscard]] inline bool is_forgery(op o) { return o == op::forge_over_assignment || o == op::forge_other_tenant; }

using command = std::variant<std::monostate, isv::purchase_command, isv::activate_command, isv::install_command,
                             isv::change_quantity_command, isv::auto_renew_command,
                             isv::basic_change_billing_profile_command<T>, isv::assign_command, isv::unassign_command,
                             isv::unassign_preview, isv::reprocess_command, isv::add_users_command, isv::create_group_command,
                             isv::membership_command, isv::role_command, isv::basic_create_billing_profile_command<T>,
                             isv::basic_contact_info_command<T>, isv::basic_add_payment_method_command<T>,
                             isv::basic_payment_method_command<T>, isv::basic_billing_role_command<T>,
                             isv::basic_issue_invoice_command<T>, isv::view_invoice_command,
                             isv::basic_pay_invoice_command<T>, isv::collect_overdue_command, isv::advance_command,
                             isv::remove_users_command, isv::delete_group_command, isv::name_user_command,
                             isv::change_plan_command, isv::marketplace_subscribe_command, isv::marketplace_webhook_command>;

/// One recorded operation: everything needed to run it again from scratch.
struct step {
  op kind = op::assign;
  isv::tenant_id tenant{};
  isv::user_id actor{}; ///< ignored by platform operations
  time_point at{};
  std::string key{}; ///< idempotency key; empty: none
  command cmd{};
};

/// The step as an isv-admin command line (or a comment for a forgery), for failure reports.
[[nodiscard]] inline std::string describe(const step& s) {
  const std::string name = op_names[static_cast<std::size_t>(s.kind)];
  const auto seconds = s.at.time_since_epoch().count();
  if (is_forgery(s.kind))
    return "# test-only " + name + " in tenant " + std::to_string(s.tenant.value()) + " at " + std::to_string(seconds);
#ifdef ISV_INVARIANTS_HAVE_JSON
  nlohmann::json line{{"tenant", isv::json::encode(s.tenant)}, {"op", name}, {"at", isv::json::encode(s.at)}};
  if (!is_platform(s.kind)) line["actor"] = isv::json::encode(s.actor);
  std::visit(
      [&](const auto& c) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(c)>, std::monostate>) line["args"] = isv::json::encode(c);
      },
      s.cmd);
  if (!s.key.empty()) line["idempotency_key"] = s.key;
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
#else
  return name + " tenant=" + std::to_string(s.tenant.value()) + " actor=" + std::to_string(s.actor.value()) +
         " at=" + std::to_string(seconds) + (s.key.empty() ? "" : " key=" + s.key);
#endif
}

// ---- The world: tenants, ids, the catalog ---------------------------------------------------------

inline constexpr std::uint64_t tenant_count = 4; ///< tenant 4 is in a country where apps are not sold
inline constexpr std::uint64_t users_per_tenant = 16;
inline const time_point epoch{std::chrono::sys_days{std::chrono::January / 1 / 2026}};

/// Ids of tenant t live in [t*1000, t*1000+1000): an id of another tenant is a real id, just not this one's.
[[nodiscard]] inline std::uint64_t base(const isv::tenant_id& t) { return t.value() * 1000; }
[[nodiscard]] inline isv::user_id founder(const isv::tenant_id& t) { return isv::user_id{base(t) + 1}; }

/// A fresh repository: the tenants with their founders (first Global administrators) and the app catalog.
[[nodiscard]] inline std::unique_ptr<repository> fresh_repository() {
  auto repo = std::make_unique<repository>();
  const char* regions[] = {"DE", "US", "FR", "JP"};
  for (std::uint64_t i = 1; i <= tenant_count; ++i) {
    const isv::tenant_id t{i};
    isv::tenant org{t, "Tenant " + std::to_string(i), regions[i - 1], {{t, founder(t), isv::directory_role::global_administrator}}, 0};
    (void)repo->create_tenant(org);
  }
  const isv::currency eur{"EUR"}, usd{"USD"};
  using isv::app_kind, isv::pricing_model;
  const isv::app apps[] = {
      {isv::app_id{1}, "Sign", "Fabrikam", app_kind::saas, pricing_model::per_user, {1000, eur}, {10000, eur}, std::nullopt},
      {isv::app_id{2}, "Wiki", "Fabrikam", app_kind::saas, pricing_model::flat_rate, {5000, eur}, {50000, eur}, std::nullopt},
      {isv::app_id{3}, "Board", "Contoso", app_kind::isv, pricing_model::per_user, {700, eur}, {7000, eur},
       std::string("https://board.example/install")},
      {isv::app_id{4}, "Notes", "Contoso", app_kind::isv, pricing_model::flat_rate, {900, eur}, {9000, eur}, std::nullopt},
      {isv::app_id{5}, "Chat", "Northwind", app_kind::saas, pricing_model::per_user, {300, usd}, {3000, usd}, std::nullopt},
  };
  for (auto a : apps) {
    // Two apps offer plans (D-PLAN-1): plan 1 is the first, so a purchase without a plan lands on it.
    const auto plan = [&](std::uint64_t id, pricing_model pricing, std::int64_t monthly, std::optional<isv::count_t> max_seats) {
      isv::app_plan p{isv::plan_id{id}, "Plan " + std::to_string(id), pricing, isv::money{monthly, a.monthly_price.unit},
                      isv::money{monthly * 10, a.monthly_price.unit}, std::nullopt, max_seats};
      return p;
    };
    if (a.id == isv::app_id{1} || a.id == isv::app_id{3})
      a.plans = {plan(1, pricing_model::per_user, a.monthly_price.minor_units, std::nullopt),
                 plan(2, pricing_model::per_user, a.monthly_price.minor_units / 2, 5),
                 plan(3, pricing_model::flat_rate, a.monthly_price.minor_units * 20, std::nullopt)};
    (void)repo->add_app(a);
  }
  return repo;
}

// ---- The replayed state: the log folded with the library's apply functions ------------------------

/// One tenant as its event log says it is: a tenant state rebuilt only by isv::apply, so comparing
/// it with the repository proves that the log rebuilds the state (D-AUDIT-1).
struct shadow_tenant {
  isv::tenant_state state{};
  std::size_t log_length = 0;

  void apply(const isv::event& e) {
    ++log_length;
    isv::apply(state, e);
  }
};

// ---- The runner and its checks ----------------------------------------------------------------

/// The first invariant a run broke: which step, and what.
struct failure {
  std::size_t step_index = 0;
  std::string invariant; ///< a short name, so that shrinking keeps looking for the same failure
  std::string message;
};

/// How often the whole state is compared with a replay of the whole log from scratch.
inline constexpr std::size_t full_replay_every = 5000;

/// Applies steps to a fresh service and checks every invariant after each.
class runner {
public:
  runner() : repo_(fresh_repository()), center_(*repo_) {
    for (std::uint64_t i = 1; i <= tenant_count; ++i) {
      const isv::tenant_id t{i};
      auto v = repo_->read(t).value();
      shadows_.emplace(t, shadow_tenant{isv::tenant_state(v.tenant()), 0});
      initial_.emplace(t, v.tenant());
    }
  }

  [[nodiscard]] repository& repo() { return *repo_; }
  [[nodiscard]] const shadow_tenant& shadow(const isv::tenant_id& t) const { return shadows_.at(t); }
  /// What the last step returned when it was an unassignment preview.
  [[nodiscard]] const std::optional<isv::unassign_preview>& last_preview() const { return last_preview_; }
  [[nodiscard]] bool last_ok() const { return last_ok_; }
  /// "seats_exhausted: ..." for the last step when it was refused.
  [[nodiscard]] const std::string& last_error() const { return last_error_; }
  [[nodiscard]] const std::vector<isv::event>& last_events() const { return last_events_; }
  [[nodiscard]] std::size_t steps_run() const { return index_; }

  /// Runs one step and checks everything; the first broken invariant, if any.
  [[nodiscard]] std::optional<failure> run(const step& s) {
    const std::size_t index = index_++;
    const bool keyed_repeat = !s.key.empty() && keys_.contains({s.tenant, s.key});
    // Before: what a refusal must leave as it was.
    const auto before_tenant = shadows_.at(s.tenant).state.tenant;
    const auto named = named_subscription(s);
    std::optional<std::pair<isv::subscription, isv::license_book>> before_named;
    if (named) before_named = current_subscription(s.tenant, *named);

    execute(s);

    // The log of every tenant: only the step's tenant may have grown, and only if the step was accepted
    // (or, for a keyed repeat, not at all).
    std::vector<isv::event> delta;
    for (auto& [t, shadow] : shadows_) {
      auto grown = repo_->events(t, shadow.log_length);
      if (!grown) return failure{index, "log", "the log of tenant " + std::to_string(t.value()) + " cannot be read"};
      if (grown.value().empty()) continue;
      if (t != s.tenant)
        return failure{index, "tenant isolation",
                       "a step of tenant " + std::to_string(s.tenant.value()) + " added " +
                           std::to_string(grown.value().size()) + " events to tenant " + std::to_string(t.value()) +
                           " (D-TENANT-1)"};
      delta = std::move(grown).value();
    }
    for (const auto& [t, shadow] : shadows_) {
      if (t == s.tenant) continue;
      auto v = repo_->read(t).value();
      if (v.tenant() != shadow.state.tenant || v.directory_version() != shadow.state.directory_version)
        return failure{index, "tenant isolation", "tenant " + std::to_string(t.value()) + " changed through a step of tenant " +
                                                      std::to_string(s.tenant.value()) + " (D-TENANT-1)"};
    }
    if (!last_ok_ && !delta.empty())
      return failure{index, "refusal changed something",
                     "the step was refused (" + last_error_ + ") but the log grew by " + std::to_string(delta.size()) + " (D-ERR-1)"};
    if (keyed_repeat && !delta.empty())
      return failure{index, "idempotency", "a repeated idempotency key saved " + std::to_string(delta.size()) + " more events (D-IDEM-1)"};
    if (last_ok_ && !keyed_repeat && !is_forgery(s.kind) && delta != last_events_)
      return failure{index, "receipt", "the events returned (" + std::to_string(last_events_.size()) +
                                           ") are not the events saved (" + std::to_string(delta.size()) + ") (D-AUDIT-1)"};
    if (last_ok_ && !s.key.empty()) keys_.insert({s.tenant, s.key});

    // Every new event: of this tenant, at this step's time (platform events: no later), by its actor.
    for (const auto& e : delta) {
      if (is_forgery(s.kind)) break;
      if (e.tenant != s.tenant) return failure{index, "forged event", "an event names another tenant (D-AUDIT-1)"};
      if (e.at > s.at || (!is_platform(s.kind) && e.at != s.at))
        return failure{index, "forged event", "an event of " + std::string(isv::event_name<T>(e.payload)) + " carries another time"};
      if (is_platform(s.kind) ? e.actor.has_value() : e.actor != std::optional(s.actor))
        return failure{index, "forged event", "an event of " + std::string(isv::event_name<T>(e.payload)) + " names the wrong actor"};
    }

    // Replay: fold the new events into the shadow and compare what they touched.
    auto& shadow = shadows_.at(s.tenant);
    std::set<isv::subscription_id> touched;
    if (named) touched.insert(*named);
    for (const auto& e : delta) {
      shadow.apply(e);
      if (auto id = isv::subscription_of(e)) touched.insert(*id);
    }
    {
      auto v = repo_->read(s.tenant).value();
      if (v.tenant() != shadow.state.tenant) return failure{index, "replay", "the tenant differs from its replayed log (D-AUDIT-1)"};
      if (v.directory_version() != shadow.state.directory_version || v.directory() != shadow.state.directory)
        return failure{index, "replay", "the directory differs from its replayed log (D-AUDIT-1)"};
      if (!last_ok_ && v.tenant() != before_tenant)
        return failure{index, "refusal changed something", "a refused step changed the tenant (D-ERR-1)"};
    }
    for (const auto& id : touched) {
      auto now = current_subscription(s.tenant, id);
      if (!last_ok_ && now != before_named && named && id == *named)
        return failure{index, "refusal changed something",
                       "a refused step changed subscription " + std::to_string(id.value()) + " (D-ERR-1)"};
      if (!now) continue;
      const auto* found = shadow.state.find_subscription_state(id);
      if (found == nullptr || found->subscription != now->first || found->book != now->second)
        return failure{index, "replay", "subscription " + std::to_string(id.value()) + " differs from its replayed log (D-AUDIT-1)"};
      if (auto broken = check_subscription(s.tenant, now->first, now->second)) return failure{index, broken->first, broken->second};
    }
    if ((index + 1) % full_replay_every == 0) return check_everything(index, false);
    return std::nullopt;
  }

  /// Rebuilds every tenant from its whole log, from scratch, and compares it with the repository,
  /// then checks the invariants of every subscription. With `each_subscription_alone`, also
  /// rebuilds each subscription by itself with replay_subscription (a scan of the log per
  /// subscription: done at the end of a run, not every few thousand steps).
  [[nodiscard]] std::optional<failure> check_everything(std::size_t index, bool each_subscription_alone = true) {
    for (const auto& [t, incremental] : shadows_) {
      shadow_tenant replayed{isv::tenant_state(initial_.at(t)), 0};
      auto log = repo_->events(t, 0);
      if (!log) return failure{index, "log", "the log cannot be read"};
      for (const auto& e : log.value()) replayed.apply(e);
      auto v = repo_->read(t).value();
      const std::string who = "tenant " + std::to_string(t.value());
      if (replayed.state.tenant != v.tenant() || replayed.state.directory != v.directory() ||
          replayed.state.directory_version != v.directory_version())
        return failure{index, "replay", who + ": the tenant or directory differs from a replay of the whole log (D-AUDIT-1)"};
      if (v.subscription_ids().size() != replayed.state.subscriptions.size())
        return failure{index, "replay", who + ": the number of subscriptions differs from a replay of the whole log"};
      for (const auto& id : replayed.state.subscription_ids()) {
        const auto& entry = replayed.state.subscriptions.at(id);
        const auto* sub = v.find_subscription(id);
        const auto* book = v.find_license_book(id);
        if (!sub || !book || *sub != entry.subscription || *book != entry.book)
          return failure{index, "replay", who + ": subscription " + std::to_string(id.value()) + " differs from a replay of the whole log"};
        if (each_subscription_alone) {
          auto alone = isv::replay_subscription<T>(id, log.value());
          if (!alone || alone.value().first != *sub || alone.value().second != *book)
            return failure{index, "replay", who + ": replay_subscription does not rebuild subscription " + std::to_string(id.value())};
        }
        if (auto broken = check_subscription(t, *sub, *book)) return failure{index, broken->first, broken->second};
      }
      for (const auto& [id, b] : replayed.state.profiles)
        if (const auto* stored = v.find_billing_profile(id); !stored || *stored != b)
          return failure{index, "replay", who + ": billing profile " + std::to_string(id.value()) + " differs from the replay"};
      for (const auto& [id, inv] : replayed.state.invoices)
        if (const auto* stored = v.find_invoice(id); !stored || *stored != inv)
          return failure{index, "replay", who + ": invoice " + std::to_string(id.value()) + " differs from the replay"};
      if (replayed.log_length != incremental.log_length)
        return failure{index, "replay", who + ": the log length differs from what the steps saved"};
    }
    return std::nullopt;
  }

private:
  using pair_t = std::pair<isv::subscription, isv::license_book>;

  /// The invariants of one subscription and its licenses.
  std::optional<std::pair<std::string, std::string>> check_subscription(const isv::tenant_id& t, const isv::subscription& sub,
                                                                        const isv::license_book& book) {
    const std::string who = "subscription " + std::to_string(sub.id.value()) + " of tenant " + std::to_string(t.value());
    if (sub.tenant != t) return std::pair{"tenant isolation", who + " names tenant " + std::to_string(sub.tenant.value())};
    if (sub.is_seat_based() && (!sub.quantity || sub.licenses_in_use > *sub.quantity))
      return std::pair{"seats", who + " has " + std::to_string(sub.licenses_in_use) + " licenses in use for " +
                                    (sub.quantity ? std::to_string(*sub.quantity) : std::string("no")) + " seats (D-ASSIGN-3)"};
    if (book.size() != sub.licenses_in_use)
      return std::pair{"one license per user", who + " counts " + std::to_string(sub.licenses_in_use) + " licenses in use but holds " +
                                                   std::to_string(book.size()) + " (D-ASSIGN-2)"};
    if ((sub.status == isv::subscription_status::deactivated || sub.status == isv::subscription_status::pending_activation) &&
        book.size() != 0)
      return std::pair{"no license on a dead subscription",
                       who + " is " + std::string(isv::to_string(sub.status)) + " and holds licenses (D-ACT-1, D-LIFE-3)"};
    auto& dead = deactivated_[t];
    if (dead.contains(sub.id) && sub.status != isv::subscription_status::deactivated)
      return std::pair{"never reactivated", who + " was deactivated and is " + std::string(isv::to_string(sub.status)) + " again (D-LIFE-2)"};
    if (sub.status == isv::subscription_status::deactivated) dead.insert(sub.id);
    const auto& dir = shadows_.at(t).state.directory;
    std::optional<std::pair<std::string, std::string>> broken;
    book.for_each_license([&](const isv::user_id& user, const auto& paths) {
      if (broken) return;
      if (!paths.has_any_path()) broken = std::pair{"one license per user", who + " keeps a license without a path (D-ASSIGN-5)"};
      else if (!dir.has_user(user))
        broken = std::pair{"tenant isolation", who + " licenses user " + std::to_string(user.value()) + ", not of the tenant"};
      else
        for (const auto& g : paths.groups)
          if (!book.group_assigned(g))
            broken = std::pair{"one license per user", who + " keeps a license through group " + std::to_string(g.value()) +
                                                           ", which is not assigned (D-ASSIGN-5)"};
    });
    return broken;
  }

  std::optional<pair_t> current_subscription(const isv::tenant_id& t, const isv::subscription_id& id) {
    auto v = repo_->read(t).value();
    const auto* sub = v.find_subscription(id);
    if (!sub) return std::nullopt;
    return pair_t{*sub, *v.find_license_book(id)};
  }

  static std::optional<isv::subscription_id> named_subscription(const step& s) {
    return std::visit(
        [](const auto& c) -> std::optional<isv::subscription_id> {
          if constexpr (requires { c.subscription; }) {
            if constexpr (std::is_same_v<std::decay_t<decltype(c.subscription)>, isv::subscription_id>) return c.subscription;
          }
          return std::nullopt;
        },
        s.cmd);
  }

  template <class R>
  void record(R&& r) {
    last_ok_ = static_cast<bool>(r);
    last_events_.clear();
    last_error_.clear();
    if (!r) {
      last_error_ = std::string(isv::to_string(r.error().code)) + ": " + r.error().message;
      return;
    }
    last_events_ = r.value().events;
    if constexpr (std::is_same_v<std::decay_t<decltype(r.value().value)>, isv::unassign_preview>) last_preview_ = r.value().value;
  }

  template <class C>
  const C& as(const step& s) {
    return std::get<C>(s.cmd);
  }

  void execute(const step& s) {
    last_preview_.reset();
    auto& c = center_;
    const auto& t = s.tenant;
    const auto& u = s.actor;
    const auto& at = s.at;
    const std::string_view k = s.key;
    switch (s.kind) {
      case op::purchase: return record(c.purchase(t, u, as<isv::purchase_command>(s), at, k));
      case op::activate: return record(c.activate(t, u, as<isv::activate_command>(s), at, k));
      case op::install: return record(c.install(t, u, as<isv::install_command>(s), at, k));
      case op::change_quantity: return record(c.change_quantity(t, u, as<isv::change_quantity_command>(s), at, k));
      case op::change_plan: return record(c.change_plan(t, u, as<isv::change_plan_command>(s), at, k));
      case op::marketplace_subscribe:
        return record(c.marketplace_subscribe(t, as<isv::marketplace_subscribe_command>(s), at, k));
      case op::marketplace_webhook:
        return record(c.handle_marketplace_webhook(t, as<isv::marketplace_webhook_command>(s), at, k));
      case op::cancel: return record(c.cancel(t, u, {as<isv::activate_command>(s).subscription}, at, k));
      case op::set_auto_renew: return record(c.set_auto_renew(t, u, as<isv::auto_renew_command>(s), at, k));
      case op::change_billing_profile:
        return record(c.change_billing_profile(t, u, as<isv::basic_change_billing_profile_command<T>>(s), at, k));
      case op::assign: return record(c.assign(t, u, as<isv::assign_command>(s), at, k));
      case op::preview_unassign: return record(c.preview_unassign(t, u, as<isv::unassign_command>(s), at, k));
      case op::confirm_unassign: return record(c.confirm_unassign(t, u, as<isv::unassign_preview>(s), at, k));
      case op::reprocess: return record(c.reprocess(t, u, as<isv::reprocess_command>(s), at, k));
      case op::add_users: return record(c.add_users(t, u, as<isv::add_users_command>(s), at, k));
      case op::create_group: return record(c.create_group(t, u, as<isv::create_group_command>(s), at, k));
      case op::add_members: return record(c.add_members(t, u, as<isv::membership_command>(s), at, k));
      case op::remove_members: return record(c.remove_members(t, u, {as<isv::membership_command>(s).group, as<isv::membership_command>(s).users}, at, k));
      case op::grant_role: return record(c.grant_role(t, u, as<isv::role_command>(s), at, k));
      case op::revoke_role: return record(c.revoke_role(t, u, {as<isv::role_command>(s).user, as<isv::role_command>(s).role}, at, k));
      case op::create_billing_profile:
        return record(c.create_billing_profile(t, u, as<isv::basic_create_billing_profile_command<T>>(s), at, k));
      case op::change_contact_info: return record(c.change_contact_info(t, u, as<isv::basic_contact_info_command<T>>(s), at, k));
      case op::add_payment_method:
        return record(c.add_payment_method(t, u, as<isv::basic_add_payment_method_command<T>>(s), at, k));
      case op::remove_payment_method:
        return record(c.remove_payment_method(t, u, as<isv::basic_payment_method_command<T>>(s), at, k));
      case op::set_default_payment_method:
        return record(c.set_default_payment_method(t, u, {as<isv::basic_payment_method_command<T>>(s).profile, as<isv::basic_payment_method_command<T>>(s).method}, at, k));
      case op::set_billing_role: return record(c.set_billing_role(t, u, as<isv::basic_billing_role_command<T>>(s), at, k));
      case op::issue_invoice: return record(c.issue_invoice(t, as<isv::basic_issue_invoice_command<T>>(s), at, k));
      case op::view_invoice: return record(c.view_invoice(t, u, as<isv::view_invoice_command>(s), at, k));
      case op::pay_invoice: return record(c.pay_invoice(t, u, as<isv::basic_pay_invoice_command<T>>(s), at, k));
      case op::collect_overdue: return record(c.collect_overdue(t, as<isv::collect_overdue_command>(s), at, k));
      case op::advance_to: return record(c.advance_to(t, as<isv::advance_command>(s), at, k));
      case op::remove_users: return record(c.remove_users(t, u, as<isv::remove_users_command>(s), at, k));
      case op::delete_group: return record(c.delete_group(t, u, as<isv::delete_group_command>(s), at, k));
      case op::name_user: return record(c.name_user(t, u, as<isv::name_user_command>(s), at, k));
      case op::forge_over_assignment: return forge_over_assignment(s);
      case op::forge_other_tenant: return forge_other_tenant(s);
    }
  }

  // A broken service, simulated: licenses for every user of the tenant on its first active
  // seat-based subscription, saved with correct versions but without asking the rules.
  void forge_over_assignment(const step& s) {
    last_ok_ = true;
    last_events_.clear();
    isv::commit c{s.tenant, {}, {}, {}};
    {
      auto v = repo_->read(s.tenant).value();
      for (const auto& id : v.subscription_ids()) {
        const auto* sub = v.find_subscription(id);
        const auto* book = v.find_license_book(id);
        if (sub->status != isv::subscription_status::active || !sub->is_seat_based()) continue;
        isv::basic_licenses_granted<T> granted{id, std::nullopt, {}, {}};
        for (std::uint64_t i = 1; i <= users_per_tenant; ++i)
          if (isv::user_id u{base(s.tenant) + i}; v.directory().has_user(u) && !book->holds(u)) granted.new_holders.push_back(u);
        if (static_cast<isv::count_t>(granted.new_holders.size()) <= sub->seats_free()) continue;
        c.expected.push_back(isv::expected_version(*sub));
        c.events.push_back(isv::event{s.tenant, s.actor, s.at, granted});
        break;
      }
    }
    if (!c.events.empty()) (void)repo_->commit(std::move(c));
  }

  // A broken service, simulated: a step of one tenant that adds a user to the next tenant.
  void forge_other_tenant(const step& s) {
    last_ok_ = true;
    last_events_.clear();
    const isv::tenant_id other{s.tenant.value() % tenant_count + 1};
    isv::commit c{other, {}, {isv::event{other, s.actor, s.at, isv::basic_users_added<T>{{isv::user_id{base(other) + 999}}}}}, {}};
    (void)repo_->commit(std::move(c));
  }

  std::unique_ptr<repository> repo_;
  center center_;
  std::map<isv::tenant_id, shadow_tenant> shadows_{};
  std::map<isv::tenant_id, isv::tenant> initial_{};
  std::map<isv::tenant_id, std::set<isv::subscription_id>> deactivated_{};
  std::set<std::pair<isv::tenant_id, std::string>> keys_{};
  std::optional<isv::unassign_preview> last_preview_{};
  std::vector<isv::event> last_events_{};
  std::string last_error_{};
  bool last_ok_ = false;
  std::size_t index_ = 0;
};

/// Runs recorded steps from scratch; the first failure, checking the whole state at the end too.
[[nodiscard]] inline std::optional<failure> replay_steps(const std::vector<step>& steps) {
  runner r;
  for (const auto& s : steps)
    if (auto f = r.run(s)) return f;
  return r.check_everything(steps.empty() ? 0 : steps.size() - 1);
}

// ---- Shrinking --------------------------------------------------------------------------------

/// The shortest failing subsequence delta debugging finds (ddmin: drop chunks, keep what still
/// fails the same invariant), re-running every candidate from scratch. Bounded by `max_runs`.
[[nodiscard]] inline std::vector<step> shrink(std::vector<step> steps, const failure& original, std::size_t max_runs = 4000) {
  steps.resize(std::min(steps.size(), original.step_index + 1));
  std::size_t runs = 0;
  const auto still_fails = [&](const std::vector<step>& candidate) -> std::optional<failure> {
    ++runs;
    auto f = replay_steps(candidate);
    if (f && f->invariant == original.invariant) return f;
    return std::nullopt;
  };
  std::size_t chunks = 2;
  while (steps.size() >= 2 && runs < max_runs) {
    const std::size_t size = steps.size();
    const std::size_t chunk = (size + chunks - 1) / chunks;
    bool reduced = false;
    for (std::size_t start = 0; start < size && runs < max_runs; start += chunk) {
      std::vector<step> complement(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(start));
      complement.insert(complement.end(), steps.begin() + static_cast<std::ptrdiff_t>(std::min(size, start + chunk)), steps.end());
      if (auto f = still_fails(complement)) {
        complement.resize(std::min(complement.size(), f->step_index + 1));
        steps = std::move(complement);
        chunks = std::max<std::size_t>(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (chunks >= size) break;
    chunks = std::min(chunks * 2, size);
  }
  return steps;
}

// ---- The generator ----------------------------------------------------------------------------

/// Makes random steps from the live state of a runner: mostly valid, often not (bad ids, other
/// tenants' ids, bad quantities, duplicates, stale previews, wrong roles, reused keys).
class generator {
public:
  /// `forgery`: a test-only broken step to mix in (proof that the checker fails), or none.
  explicit generator(std::uint64_t seed, std::optional<op> forgery = std::nullopt) : rng_(seed), forgery_(forgery), now_(epoch) {}

  /// The set-up every run starts with: users, an admin with each directory role, billing profiles
  /// with payment methods and roles. Recorded as ordinary steps, so shrinking may drop them.
  [[nodiscard]] std::vector<step> bootstrap() {
    std::vector<step> out;
    using dr = isv::directory_role;
    for (std::uint64_t i = 1; i <= tenant_count; ++i) {
      const isv::tenant_id t{i};
      const auto b = base(t);
      const auto f = founder(t);
      isv::add_users_command users;
      for (std::uint64_t u = 1; u <= users_per_tenant; ++u) users.users.push_back(isv::user_id{b + u});
      out.push_back({op::add_users, t, f, now_, {}, users});
      const dr roles[] = {dr::billing_administrator, dr::license_administrator, dr::user_administrator, dr::global_reader,
                          dr::global_administrator};
      for (std::uint64_t r = 0; r < std::size(roles); ++r)
        out.push_back({op::grant_role, t, f, now_, {}, isv::role_command{isv::user_id{b + 2 + r}, roles[r]}});
      for (std::uint64_t p = 0; p < 2; ++p) {
        const isv::billing_profile_id profile{b + 200 + p};
        out.push_back({op::create_billing_profile, t, p == 0 ? f : isv::user_id{b + 2}, now_, {},
                       isv::basic_create_billing_profile_command<T>{profile, "Profile " + std::to_string(p), {"Contact", "Street 1"}}});
        out.push_back({op::add_payment_method, t, p == 0 ? f : isv::user_id{b + 2}, now_, {},
                       isv::basic_add_payment_method_command<T>{
                           profile, {isv::payment_method_id{b + 400 + p}, isv::payment_method_kind::credit_card, "Card"}}});
      }
      const isv::billing_role granted[] = {isv::billing_role::contributor, isv::billing_role::reader, isv::billing_role::invoice_manager};
      for (std::uint64_t r = 0; r < std::size(granted); ++r)
        out.push_back({op::set_billing_role, t, f, now_, {},
                       isv::basic_billing_role_command<T>{isv::billing_profile_id{b + 200}, isv::user_id{b + 7 + r}, granted[r]}});
    }
    return out;
  }

  /// The next step, given what the runner holds now.
  [[nodiscard]] step next(runner& r) {
    if (pending_confirm_ && chance(0.6)) {
      step s{op::confirm_unassign, pending_confirm_->first, pending_actor_, tick(), {}, pending_confirm_->second};
      previews_.push_back(*pending_confirm_);
      pending_confirm_.reset();
      return keyed(s);
    }
    pending_confirm_.reset();
    if (!keyed_steps_.empty() && chance(0.01)) {
      // A repeat of a keyed request: the same command (D-IDEM-1), or another one under its key.
      step s = keyed_steps_[pick(keyed_steps_.size())];
      s.at = tick();
      if (chance(0.3)) {
        step other = make(r, s.tenant);
        other.key = s.key;
        return other;
      }
      return s;
    }
    const isv::tenant_id t{1 + pick(tenant_count)};
    return keyed(make(r, t));
  }

  /// Learns from what a step did: new subscriptions, invoices, previews.
  void observe(const step& s, const runner& r) {
    if (!r.last_ok()) return;
    for (const auto& e : r.last_events()) {
      if (const auto* bought = std::get_if<isv::basic_subscription_purchased<T>>(&e.payload))
        subscriptions_[e.tenant].push_back(bought->subscription->id);
      if (const auto* issued = std::get_if<isv::basic_invoice_issued<T>>(&e.payload)) invoices_[e.tenant].push_back(issued->invoice->id);
      if (const auto* gone = std::get_if<isv::basic_subscription_deactivated<T>>(&e.payload)) dead_[e.tenant].insert(gone->subscription);
    }
    if (s.kind == op::preview_unassign && r.last_preview()) {
      pending_confirm_ = {s.tenant, *r.last_preview()};
      pending_actor_ = s.actor;
    }
    if (!s.key.empty() && keyed_steps_.size() < 200) keyed_steps_.push_back(s);
  }

private:
  std::uint64_t pick(std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng_); }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  /// A GUID's text for the number `n` (the marketplace's ids, from pools of numbers).
  static std::string guid(std::uint64_t n) {
    std::string digits = std::to_string(n);
    return "00000000-0000-4000-8000-" + std::string(12 - digits.size(), '0') + digits;
  }

  time_point tick() {
    now_ += std::chrono::seconds(pick(7200));
    if (chance(0.01)) now_ += std::chrono::days(1 + pick(20));
    return now_;
  }

  step keyed(step s) {
    if (chance(0.08)) s.key = "k" + std::to_string(next_key_++);
    return s;
  }

  isv::tenant_id other_tenant(const isv::tenant_id& t) { return isv::tenant_id{(t.value() + pick(tenant_count - 1)) % tenant_count + 1}; }

  /// An actor: usually one of the tenant's admins, sometimes a user without roles, another tenant's admin, or nobody.
  isv::user_id actor(const isv::tenant_id& t) {
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (roll < 0.80) return isv::user_id{base(t) + 1 + pick(9)};
    if (roll < 0.90) return isv::user_id{base(t) + 10 + pick(users_per_tenant - 9)};
    if (roll < 0.96) return founder(other_tenant(t));
    return isv::user_id{base(t) + 900 + pick(10)};
  }

  /// One of the admins the bootstrap gave a role that the operation needs (roles change as the run
  /// goes on, so this is a good guess, not a promise): b+1 Global admin and owner of profile b+200,
  /// b+2 Billing admin and owner of b+201, b+3 License admin, b+4 User admin, b+6 Global admin,
  /// b+7 contributor, b+8 reader, b+9 invoice manager on b+200.
  isv::user_id preferred_actor(const isv::tenant_id& t, op kind) {
    static constexpr std::uint64_t licenses[] = {1, 3, 4, 6};
    static constexpr std::uint64_t billing[] = {1, 2, 6};
    static constexpr std::uint64_t directory[] = {1, 4, 6};
    static constexpr std::uint64_t global[] = {1, 6};
    static constexpr std::uint64_t profile_editors[] = {1, 2, 7};
    static constexpr std::uint64_t invoice_readers[] = {1, 2, 7, 8, 9};
    const auto one_of = [&](const auto& list) { return isv::user_id{base(t) + list[pick(std::size(list))]}; };
    switch (kind) {
      case op::assign: case op::preview_unassign: case op::confirm_unassign: case op::reprocess: return one_of(licenses);
      case op::purchase: case op::activate: case op::change_quantity: case op::change_plan: case op::cancel: case op::set_auto_renew:
      case op::change_billing_profile: case op::create_billing_profile: return one_of(billing);
      case op::add_users: case op::create_group: case op::add_members: case op::remove_members:
      case op::remove_users: case op::delete_group: case op::name_user: return one_of(directory);
      case op::grant_role: case op::revoke_role: case op::install: return one_of(global);
      case op::change_contact_info: case op::add_payment_method: case op::remove_payment_method:
      case op::set_default_payment_method: case op::set_billing_role: return one_of(profile_editors);
      case op::view_invoice: case op::pay_invoice: return one_of(invoice_readers);
      default: return actor(t);
    }
  }

  isv::user_id user(const isv::tenant_id& t) {
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (roll < 0.92) return isv::user_id{base(t) + 1 + pick(users_per_tenant)};
    if (roll < 0.97) return isv::user_id{base(t) + 20 + pick(10)}; // added later, or never
    return isv::user_id{base(other_tenant(t)) + 1 + pick(users_per_tenant)};
  }

  std::vector<isv::user_id> users(const isv::tenant_id& t, std::uint64_t most) {
    std::vector<isv::user_id> out;
    const auto n = pick(most + 1);
    for (std::uint64_t i = 0; i < n; ++i) out.push_back(user(t));
    std::sort(out.begin(), out.end());
    if (!chance(0.05)) out.erase(std::unique(out.begin(), out.end()), out.end()); // duplicates, sometimes
    std::shuffle(out.begin(), out.end(), rng_);
    return out;
  }

  isv::group_id group(const isv::tenant_id& t) {
    if (chance(0.04)) return isv::group_id{base(other_tenant(t)) + 50 + pick(4)};
    return isv::group_id{base(t) + 50 + pick(5)};
  }

  std::vector<isv::group_id> groups(const isv::tenant_id& t, std::uint64_t most) {
    std::vector<isv::group_id> out;
    const auto n = pick(most + 1);
    for (std::uint64_t i = 0; i < n; ++i) out.push_back(group(t));
    std::sort(out.begin(), out.end());
    if (!chance(0.05)) out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  /// A subscription: usually a live one of the tenant (recent ones more often), sometimes a dead
  /// one, another tenant's, or none.
  isv::subscription_id subscription(const isv::tenant_id& t) {
    const auto& mine = subscriptions_[t];
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (!mine.empty() && roll < 0.88) {
      for (int tries = 0; tries < 4; ++tries) {
        const auto window = std::min<std::size_t>(mine.size(), 12);
        const auto id = mine[mine.size() - 1 - pick(window)];
        if (!dead_[t].contains(id) || tries == 3) return id;
      }
    }
    if (roll < 0.94) {
      const auto& theirs = subscriptions_[other_tenant(t)];
      if (!theirs.empty()) return theirs[pick(theirs.size())];
    }
    return isv::subscription_id{base(t) + 100 + 800 + pick(50)};
  }

  isv::billing_profile_id profile(const isv::tenant_id& t) {
    if (chance(0.05)) return isv::billing_profile_id{base(other_tenant(t)) + 200};
    return isv::billing_profile_id{base(t) + 200 + (chance(0.85) ? pick(2) : 2 + pick(2))};
  }

  isv::invoice_id invoice(const isv::tenant_id& t) {
    const auto& mine = invoices_[t];
    if (!mine.empty() && chance(0.9)) return mine[mine.size() - 1 - pick(std::min<std::size_t>(mine.size(), 6))];
    if (chance(0.5)) {
      const auto& theirs = invoices_[other_tenant(t)];
      if (!theirs.empty()) return theirs[pick(theirs.size())];
    }
    return isv::invoice_id{base(t) + 999};
  }

  isv::count_t quantity() {
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
    if (roll < 0.90) return static_cast<isv::count_t>(1 + pick(8));
    if (roll < 0.94) return 0;
    if (roll < 0.97) return -static_cast<isv::count_t>(1 + pick(3));
    return isv::max_quantity + 1;
  }

  isv::payment_method_id method(const isv::tenant_id& t) { return isv::payment_method_id{base(t) + 400 + pick(6)}; }

  step make(runner& r, const isv::tenant_id& t) {
    (void)r;
    // Weights of the operations: license work most, the rest often enough to meet every rule.
    static constexpr std::pair<op, unsigned> weights[] = {
        {op::purchase, 6},        {op::activate, 4},          {op::install, 2},
        {op::change_quantity, 6}, {op::cancel, 1},            {op::set_auto_renew, 2},
        {op::change_billing_profile, 2}, {op::assign, 14},    {op::preview_unassign, 6},
        {op::confirm_unassign, 2}, {op::reprocess, 3},        {op::add_users, 2},
        {op::create_group, 2},    {op::add_members, 6},       {op::remove_members, 5},
        {op::grant_role, 2},      {op::revoke_role, 2},       {op::create_billing_profile, 1},
        {op::change_contact_info, 1}, {op::add_payment_method, 2}, {op::remove_payment_method, 1},
        {op::set_default_payment_method, 1}, {op::set_billing_role, 2}, {op::issue_invoice, 3},
        {op::view_invoice, 1},    {op::pay_invoice, 3},       {op::collect_overdue, 3},
        {op::advance_to, 3},      {op::remove_users, 2},      {op::delete_group, 1},
        {op::name_user, 1},       {op::change_plan, 3},       {op::marketplace_subscribe, 2},
        {op::marketplace_webhook, 6}, {op::forge_over_assignment, 1},
        {op::forge_other_tenant, 1}};
    unsigned total = 0;
    const auto wanted = [&](op o) { return !is_forgery(o) || forgery_ == o; };
    for (const auto& [o, w] : weights)
      if (wanted(o)) total += w;
    auto roll = static_cast<unsigned>(pick(total));
    op kind = op::assign;
    for (const auto& [o, w] : weights) {
      if (!wanted(o)) continue;
      if (roll < w) {
        kind = o;
        break;
      }
      roll -= w;
    }
    step s{kind, t, chance(0.6) ? preferred_actor(t, kind) : actor(t), tick(), {}, {}};
    const auto b = base(t);
    using dr = isv::directory_role;
    switch (kind) {
      case op::purchase: {
        isv::purchase_command c;
        c.subscription = chance(0.95) ? isv::subscription_id{b + 100 + next_subscription_[t]++} : subscription(t);
        c.app = isv::app_id{chance(0.97) ? 1 + pick(5) : 9};
        const isv::acquisition_channel channels[] = {isv::acquisition_channel::direct, isv::acquisition_channel::direct,
                                                     isv::acquisition_channel::partner, isv::acquisition_channel::proposal,
                                                     isv::acquisition_channel::vendor};
        c.channel = channels[pick(5)];
        c.term = chance(0.7) ? isv::billing_term::monthly : isv::billing_term::annual;
        const bool seat_based = c.app.value() == 1 || c.app.value() == 3 || c.app.value() == 5;
        if (seat_based != chance(0.05)) c.quantity = quantity();
        c.agreement_accepted = chance(0.95);
        if ((c.channel != isv::acquisition_channel::vendor) != chance(0.05)) c.billing_profile = profile(t);
        c.auto_renew = chance(0.7);
        s.cmd = c;
        break;
      }
      case op::activate:
      case op::cancel: s.cmd = isv::activate_command{subscription(t)}; break;
      case op::install: s.cmd = isv::install_command{subscription(t)}; break;
      case op::change_quantity: s.cmd = isv::change_quantity_command{subscription(t), quantity()}; break;
      case op::change_plan:
        s.cmd = isv::change_plan_command{subscription(t), isv::plan_id{pick(4)}, chance(0.5) ? std::optional{quantity()} : std::nullopt};
        break;
      case op::set_auto_renew: s.cmd = isv::auto_renew_command{subscription(t), chance(0.5)}; break;
      case op::change_billing_profile: s.cmd = isv::basic_change_billing_profile_command<T>{subscription(t), profile(t)}; break;
      case op::assign: s.cmd = isv::assign_command{subscription(t), users(t, 4), groups(t, 2)}; break;
      case op::preview_unassign: s.cmd = isv::unassign_command{subscription(t), users(t, 3), groups(t, 1)}; break;
      case op::confirm_unassign: {
        // An old preview: stale when the subscription changed since (D-UNASSIGN-1).
        if (!previews_.empty()) {
          const auto& [owner, preview] = previews_[pick(previews_.size())];
          s.tenant = owner;
          s.cmd = preview;
        } else {
          s.cmd = isv::unassign_preview{subscription(t), 0, {user(t)}, {}, {}, {}, {}, {}};
        }
        break;
      }
      case op::reprocess: s.cmd = isv::reprocess_command{subscription(t)}; break;
      case op::add_users: s.cmd = isv::add_users_command{users(t, 3)}; break;
      case op::create_group: s.cmd = isv::create_group_command{group(t), chance(0.95) ? "Group" : ""}; break;
      case op::add_members:
      case op::remove_members: s.cmd = isv::membership_command{group(t), users(t, 4)}; break;
      case op::remove_users: s.cmd = isv::remove_users_command{users(t, 2)}; break;
      case op::delete_group: s.cmd = isv::delete_group_command{group(t)}; break;
      case op::name_user: s.cmd = isv::name_user_command{user(t), chance(0.9) ? "User " + std::to_string(pick(5)) : ""}; break;
      case op::grant_role:
      case op::revoke_role: {
        const dr roles[] = {dr::global_administrator, dr::billing_administrator, dr::license_administrator,
                            dr::user_administrator, dr::global_reader};
        s.cmd = isv::role_command{chance(0.9) ? isv::user_id{b + 1 + pick(9)} : user(t), roles[pick(5)]};
        break;
      }
      case op::create_billing_profile:
        s.cmd = isv::basic_create_billing_profile_command<T>{profile(t), chance(0.9) ? "Profile" : "", {"Contact", "Street 2"}};
        break;
      case op::change_contact_info:
        s.cmd = isv::basic_contact_info_command<T>{profile(t), {chance(0.9) ? "Someone" : "", "Street " + std::to_string(pick(9))}};
        break;
      case op::add_payment_method:
        s.cmd = isv::basic_add_payment_method_command<T>{
            profile(t), {method(t), chance(0.5) ? isv::payment_method_kind::credit_card : isv::payment_method_kind::check_or_wire_transfer,
                         "Method"}};
        break;
      case op::remove_payment_method:
      case op::set_default_payment_method: s.cmd = isv::basic_payment_method_command<T>{profile(t), method(t)}; break;
      case op::set_billing_role: {
        std::optional<isv::billing_role> role;
        if (chance(0.8)) role = isv::all_billing_roles[pick(isv::all_billing_roles.size())];
        s.cmd = isv::basic_billing_role_command<T>{profile(t), isv::user_id{b + 1 + pick(10)}, role};
        break;
      }
      case op::issue_invoice:
        s.cmd = isv::basic_issue_invoice_command<T>{
            chance(0.95) ? isv::invoice_id{b + 300 + next_invoice_[t]++} : invoice(t), profile(t)};
        break;
      case op::view_invoice: s.cmd = isv::view_invoice_command{invoice(t)}; break;
      case op::pay_invoice: {
        std::optional<isv::payment_method_id> m;
        if (chance(0.3)) m = method(t);
        s.cmd = isv::basic_pay_invoice_command<T>{invoice(t), m};
        break;
      }
      case op::collect_overdue: s.cmd = isv::collect_overdue_command{invoice(t)}; break;
      case op::advance_to: {
        isv::advance_command c;
        if (chance(0.3)) c.subscriptions.push_back(subscription(t));
        s.cmd = c;
        break;
      }
      case op::marketplace_subscribe: {
        // Marketplace ids from small pools, so that repeated operations and taken ids happen too.
        isv::marketplace_subscribe_command c;
        c.operation_id = guid(1000 + pick(200));
        c.subscription = chance(0.9) ? isv::subscription_id{b + 100 + next_subscription_[t]++} : subscription(t);
        c.marketplace_subscription = guid(5000 + pick(100));
        c.app = isv::app_id{chance(0.8) ? std::uint64_t{1} : std::uint64_t{2}};
        if (chance(0.5)) c.plan = isv::plan_id{pick(4)};
        if (c.app.value() == 1 || chance(0.05)) c.quantity = quantity();
        c.term = chance(0.7) ? isv::billing_term::monthly : isv::billing_term::annual;
        c.billing_profile = profile(t);
        c.sent_at = s.at;
        s.cmd = c;
        break;
      }
      case op::marketplace_webhook: {
        const isv::marketplace_action actions[] = {
            isv::marketplace_action::change_plan, isv::marketplace_action::change_quantity, isv::marketplace_action::suspend,
            isv::marketplace_action::reinstate, isv::marketplace_action::unsubscribe, isv::marketplace_action::renew};
        isv::marketplace_webhook_command c;
        c.operation_id = guid(pick(300));
        c.subscription = subscription(t);
        c.action = actions[pick(6)];
        if (c.action == isv::marketplace_action::change_plan || chance(0.05)) c.plan = isv::plan_id{pick(4)};
        if (c.action == isv::marketplace_action::change_quantity || chance(0.1)) c.quantity = quantity();
        // Sometimes sent earlier than it arrives: stale once a later one was applied (D-MKT-4).
        c.sent_at = chance(0.1) ? s.at - std::chrono::hours(1 + pick(48)) : s.at;
        if (chance(0.1)) c.reported_plan = isv::plan_id{pick(4)};
        s.cmd = c;
        break;
      }
      case op::forge_over_assignment:
      case op::forge_other_tenant: break;
    }
    return s;
  }

  std::mt19937_64 rng_;
  std::optional<op> forgery_;
  time_point now_;
  std::map<isv::tenant_id, std::vector<isv::subscription_id>> subscriptions_{};
  std::map<isv::tenant_id, std::set<isv::subscription_id>> dead_{};
  std::map<isv::tenant_id, std::vector<isv::invoice_id>> invoices_{};
  std::map<isv::tenant_id, std::uint64_t> next_subscription_{};
  std::map<isv::tenant_id, std::uint64_t> next_invoice_{};
  std::vector<std::pair<isv::tenant_id, isv::unassign_preview>> previews_{};
  std::optional<std::pair<isv::tenant_id, isv::unassign_preview>> pending_confirm_{};
  isv::user_id pending_actor_{};
  std::vector<step> keyed_steps_{};
  std::uint64_t next_key_ = 0;
};

/// What a generated run did.
struct run_report {
  std::vector<step> steps{};
  std::optional<failure> failed{};
  std::array<std::size_t, op_count> accepted{};
  std::array<std::size_t, op_count> refused{};
  std::array<std::map<std::string, std::size_t>, op_count> refusal_codes{}; ///< per operation: errc name -> count
};

/// Generates and runs `count` steps (after the bootstrap), stopping at the first failure.
[[nodiscard]] inline run_report generate_and_run(std::uint64_t seed, std::size_t count, std::optional<op> forgery = std::nullopt) {
  run_report out;
  generator gen(seed, forgery);
  runner r;
  const auto take = [&](const step& s) {
    out.steps.push_back(s);
    out.failed = r.run(s);
    const auto i = static_cast<std::size_t>(s.kind);
    (r.last_ok() ? out.accepted : out.refused)[i]++;
    if (!r.last_ok()) out.refusal_codes[i][r.last_error().substr(0, r.last_error().find(':'))]++;
    gen.observe(s, r);
    return !out.failed;
  };
  for (const auto& s : gen.bootstrap())
    if (!take(s)) return out;
  for (std::size_t i = 0; i < count; ++i)
    if (!take(gen.next(r))) return out;
  out.failed = r.check_everything(out.steps.size() - 1);
  return out;
}

} // namespace invariants
