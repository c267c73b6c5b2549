// admin_center: the service over a repository: load, act as the stored tenant's admin, run the pure operation, commit with a version check, retry on conflict, honour idempotency keys.
#pragma once

#include "isv/operations/assignment.hpp"
#include "isv/operations/billing.hpp"
#include "isv/command.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/fingerprint.hpp"
#include "isv/operations/lifecycle.hpp"
#include "isv/operations/marketplace.hpp"
#include "isv/operations/membership.hpp"
#include "isv/operations/plans.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/operations/quantity.hpp"
#include "isv/repository.hpp"
#include "isv/operations/role_grants.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace isv {

/// What a service call did: the events it saved (empty when nothing changed) and what the operation
/// returns besides (an assignment report, a preview, an invoice, an install link). A call repeated
/// with its idempotency key returns an equal receipt (D-IDEM-1).
template <licensing_traits Traits, class Value = std::monostate>
struct basic_receipt {
  std::vector<basic_event<Traits>> events{};
  Value value{};
  friend bool operator==(const basic_receipt&, const basic_receipt&) = default;
};

struct admin_center_options {
  /// How many times an operation refused with errc::conflict is run again from fresh state.
  int max_retries = 3;
  /// Grace period and payment terms for invoices, overdue collection and the clock.
  lifecycle_policy policy{};
  /// How long an idempotency record is kept after its request (D-IDEM-1): prune_idempotency(now)
  /// removes the older ones. 24 hours, as payment platforms keep their idempotency keys.
  std::chrono::seconds idempotency_retention = std::chrono::hours{24};
  /// The countries whose tenants may buy (D-BUY-2, D-BUY-5): a default the host may replace.
  purchase_policy purchase{};
};

/// The admin center: one entry point, execute(), runs any command (isv/command.hpp). It loads the
/// tenant from the repository, acts as `acting` with exactly the roles the stored tenant granted,
/// runs the pure operation, and commits its events with the versions it read. A commit refused
/// with a conflict is retried from fresh state up to `max_retries` times (D-CONC-1); any other
/// refusal, a storage fault included, is returned at once (D-ERR-2). With an idempotency key, the
/// first result is stored in the same commit and returned for every repeat; the key reused for
/// another request is refused (D-IDEM-1). The host calls prune_idempotency(now) from time to time:
/// records older than `idempotency_retention` are removed, and their keys are new again. Platform commands
/// (issue_invoice, collect_overdue, advance_to, reinstate) run without an acting user. The named member
/// functions (purchase, assign, ...) are one-line conveniences over execute().
template <repository Repository>
class basic_admin_center {
public:
  using repository_type = Repository;
  using traits_type = typename Repository::traits_type;
  using T = traits_type;
  using view_type = typename Repository::view_type;
  using time_point = typename T::time_point;
  using tenant_id = tenant_id_t<T>;
  using user_id = user_id_t<T>;
  using event_list = std::vector<basic_event<T>>;
  using command_type = basic_command<T>;
  /// What the receipt of execute(command) carries: the value of whichever command ran.
  using command_value = basic_command_value<T>;
  template <class Value = std::monostate>
  using receipt = basic_receipt<T, Value>;

  explicit basic_admin_center(Repository& repo, admin_center_options options = {}) : repo_(&repo), options_(options) {}

  [[nodiscard]] Repository& repository() const noexcept { return *repo_; }
  [[nodiscard]] const admin_center_options& options() const noexcept { return options_; }

  // ---- The entry point --------------------------------------------------------------------------

  /// Runs one command of a known type; its receipt carries the command's own result value
  /// (Command::result_value). `acting` is the admin who acts, and must be empty for a platform
  /// command (invalid_argument otherwise); an admin command without one is refused by the
  /// authorization table like any admin without the role (permission_denied). The idempotency
  /// fingerprint binds the key to Command::operation_name, the acting user and the command.
  template <command_of<T> Command>
  [[nodiscard]] result<receipt<typename Command::result_value>> execute(const tenant_id& in_tenant,
                                                                        const std::optional<user_id>& acting,
                                                                        const Command& cmd, const time_point& now,
                                                                        std::string_view idempotency_key = {}) {
    using value = typename Command::result_value;
    static_assert(is_alternative_of<value, stored_value_t<T>>, "an idempotency record must be able to hold the value");
    if (platform_command<Command> && acting)
      return fail(errc::invalid_argument, std::string(Command::operation_name) + " is done by the platform: no admin acts, so name none.");
    // Only the handler depends on the command type: the loop around it (read, idempotency, commit,
    // retry) is compiled once per result value, not once per command.
    const decider<value> decide_once = [](basic_admin_center& self, const void* erased, const view_type& v,
                                          const admin_type& admin, const time_point& at) -> result<plan<value>> {
      const Command& c = *static_cast<const Command*>(erased);
      // Each handler takes what its operation reads: no admin for the platform's, no time for a view.
      if constexpr (platform_command<Command>) return self.decide(v, c, at);
      else if constexpr (requires { self.decide(v, admin, c); }) return self.decide(v, admin, c);
      else return self.decide(v, admin, c, at);
    };
    const std::uint64_t fingerprint = idempotency_key.empty() ? 0 : detail::fingerprint(acting, cmd);
    return run<value>(in_tenant, acting, Command::operation_name, fingerprint, now, idempotency_key, &cmd, decide_once);
  }

  /// Runs any command: dispatches on the alternative `cmd` holds, exactly as execute() on that
  /// alternative would (same authorization, events, fingerprint and idempotency record). The
  /// receipt's value is a command_value holding that command's result value.
  [[nodiscard]] result<receipt<command_value>> execute(const tenant_id& in_tenant, const std::optional<user_id>& acting,
                                                       const command_type& cmd, const time_point& now,
                                                       std::string_view idempotency_key = {}) {
    return std::visit(
        [&](const auto& alternative) -> result<receipt<command_value>> {
          BOOST_OUTCOME_TRY(auto done, execute(in_tenant, acting, alternative, now, idempotency_key));
          return receipt<command_value>{std::move(done.events), command_value(std::move(done.value))};
        },
        cmd);
  }

  // ---- Subscriptions ----------------------------------------------------------------------------

  [[nodiscard]] result<receipt<>> purchase(const tenant_id& t, const user_id& acting, const basic_purchase_command<T>& cmd,
                                           const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> activate(const tenant_id& t, const user_id& acting, const basic_activate_command<T>& cmd,
                                           const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// The receipt's value is the link where the install continues.
  [[nodiscard]] result<receipt<typename T::string_type>> install(const tenant_id& t, const user_id& acting,
                                                                 const basic_install_command<T>& cmd, const time_point& now,
                                                                 std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> change_quantity(const tenant_id& t, const user_id& acting,
                                                  const basic_change_quantity_command<T>& cmd, const time_point& now,
                                                  std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// Moves a subscription to another plan of its app (D-PLAN-2), prorated (D-PRORATE-1).
  [[nodiscard]] result<receipt<>> change_plan(const tenant_id& t, const user_id& acting,
                                              const basic_change_plan_command<T>& cmd, const time_point& now,
                                              std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> cancel(const tenant_id& t, const user_id& acting, const basic_cancel_command<T>& cmd,
                                         const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> set_auto_renew(const tenant_id& t, const user_id& acting,
                                                 const basic_auto_renew_command<T>& cmd, const time_point& now,
                                                 std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> change_billing_profile(const tenant_id& t, const user_id& acting,
                                                         const basic_change_billing_profile_command<T>& cmd,
                                                         const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }

  // ---- Licenses -----------------------------------------------------------------------------------

  [[nodiscard]] result<receipt<basic_assignment_report<T>>> assign(const tenant_id& t, const user_id& acting,
                                                                   const basic_assign_command<T>& cmd, const time_point& now,
                                                                   std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<basic_unassign_preview<T>>> preview_unassign(const tenant_id& t, const user_id& acting,
                                                                            const basic_unassign_command<T>& cmd,
                                                                            const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// Confirms a preview (a preview converts to the command); refused as stale when the
  /// subscription changed since it was made (D-UNASSIGN-1).
  [[nodiscard]] result<receipt<>> confirm_unassign(const tenant_id& t, const user_id& acting,
                                                   const basic_confirm_unassign_command<T>& cmd, const time_point& now,
                                                   std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<basic_assignment_report<T>>> reprocess(const tenant_id& t, const user_id& acting,
                                                                      const basic_reprocess_command<T>& cmd,
                                                                      const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }

  // ---- Directory and roles ----------------------------------------------------------------------

  /// Adds users; users already there are left as they are (the directory operation's rule).
  [[nodiscard]] result<receipt<>> add_users(const tenant_id& t, const user_id& acting, const basic_add_users_command<T>& cmd,
                                            const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> create_group(const tenant_id& t, const user_id& acting,
                                               const basic_create_group_command<T>& cmd, const time_point& now,
                                               std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> add_members(const tenant_id& t, const user_id& acting,
                                              const basic_add_members_command<T>& cmd, const time_point& now,
                                              std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> remove_members(const tenant_id& t, const user_id& acting,
                                                 const basic_remove_members_command<T>& cmd, const time_point& now,
                                                 std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// Removes users from the tenant; every license they hold is released in the same commit (D-DIR-1).
  [[nodiscard]] result<receipt<>> remove_users(const tenant_id& t, const user_id& acting,
                                               const basic_remove_users_command<T>& cmd, const time_point& now,
                                               std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// Deletes a group; the licenses only it gave go in the same commit (D-DIR-1).
  [[nodiscard]] result<receipt<>> delete_group(const tenant_id& t, const user_id& acting,
                                               const basic_delete_group_command<T>& cmd, const time_point& now,
                                               std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> name_user(const tenant_id& t, const user_id& acting, const basic_name_user_command<T>& cmd,
                                            const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> grant_role(const tenant_id& t, const user_id& acting, const basic_grant_role_command<T>& cmd,
                                             const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> revoke_role(const tenant_id& t, const user_id& acting,
                                              const basic_revoke_role_command<T>& cmd, const time_point& now,
                                              std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }

  // ---- Billing profiles ---------------------------------------------------------------------------

  [[nodiscard]] result<receipt<>> create_billing_profile(const tenant_id& t, const user_id& acting,
                                                         const basic_create_billing_profile_command<T>& cmd,
                                                         const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> change_contact_info(const tenant_id& t, const user_id& acting,
                                                      const basic_contact_info_command<T>& cmd, const time_point& now,
                                                      std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> add_payment_method(const tenant_id& t, const user_id& acting,
                                                     const basic_add_payment_method_command<T>& cmd, const time_point& now,
                                                     std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> remove_payment_method(const tenant_id& t, const user_id& acting,
                                                        const basic_remove_payment_method_command<T>& cmd,
                                                        const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> set_default_payment_method(const tenant_id& t, const user_id& acting,
                                                             const basic_set_default_payment_method_command<T>& cmd,
                                                             const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  [[nodiscard]] result<receipt<>> set_billing_role(const tenant_id& t, const user_id& acting,
                                                   const basic_billing_role_command<T>& cmd, const time_point& now,
                                                   std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }

  // ---- Invoices and the platform ----------------------------------------------------------------

  /// The platform invoices a profile for the current term of its subscriptions (D-BILL-1).
  [[nodiscard]] result<receipt<basic_invoice<T>>> issue_invoice(const tenant_id& t, const basic_issue_invoice_command<T>& cmd,
                                                                const time_point& now, std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }
  /// Shows an invoice to an admin with a role on its profile (D-BILL-4).
  [[nodiscard]] result<receipt<basic_invoice<T>>> view_invoice(const tenant_id& t, const user_id& acting,
                                                               const basic_view_invoice_command<T>& cmd,
                                                               const time_point& now, std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// Pays an invoice; subscriptions it had suspended are reinstated (D-LIFE-4).
  [[nodiscard]] result<receipt<>> pay_invoice(const tenant_id& t, const user_id& acting,
                                              const basic_pay_invoice_command<T>& cmd, const time_point& now,
                                              std::string_view key = {}) {
    return execute(t, acting, cmd, now, key);
  }
  /// The platform's look at an invoice: overdue once past due, suspending what it charges (D-LIFE-4).
  [[nodiscard]] result<receipt<>> collect_overdue(const tenant_id& t, const basic_collect_overdue_command<T>& cmd,
                                                  const time_point& now, std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }
  /// The platform's clock: renewals, expiries and ends of grace up to `now` (D-TERM-1, D-LIFE-4).
  [[nodiscard]] result<receipt<>> advance_to(const tenant_id& t, const basic_advance_command<T>& cmd, const time_point& now,
                                             std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }
  /// The platform reinstates a suspended subscription within its grace period (D-LIFE-4, D-MKT-3).
  [[nodiscard]] result<receipt<>> reinstate(const tenant_id& t, const basic_reinstate_command<T>& cmd, const time_point& now,
                                            std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }

  // ---- The marketplace (the platform's and the publisher's, D-MKT-1..4) ---------------------------

  /// Records a subscription the marketplace resolved, pending activation; the same operation id
  /// again returns the first decision.
  [[nodiscard]] result<receipt<basic_marketplace_decision<T>>> marketplace_subscribe(
      const tenant_id& t, const basic_marketplace_subscribe_command<T>& cmd, const time_point& now, std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }
  /// The publisher activates a subscription the marketplace resolved.
  [[nodiscard]] result<receipt<basic_marketplace_decision<T>>> marketplace_activate(
      const tenant_id& t, const basic_marketplace_activate_command<T>& cmd, const time_point& now, std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }
  /// Decides one call of the marketplace's webhook (isv/operations/marketplace.hpp says how).
  [[nodiscard]] result<receipt<basic_marketplace_decision<T>>> handle_marketplace_webhook(
      const tenant_id& t, const basic_marketplace_webhook_command<T>& cmd, const time_point& now, std::string_view key = {}) {
    return execute(t, std::nullopt, cmd, now, key);
  }

  // ---- Idempotency records ----------------------------------------------------------------------

  /// Removes, in every tenant, the idempotency records of requests made more than
  /// options().idempotency_retention before `now`; a key of a removed record names a new request
  /// again (D-IDEM-1). Records are kept until this is called: a host calls it from time to time
  /// (hourly, say). Returns how many were removed; a negative retention is invalid_argument.
  [[nodiscard]] result<std::size_t> prune_idempotency(const time_point& now) {
    if (options_.idempotency_retention < std::chrono::seconds::zero())
      return fail(errc::invalid_argument, "The idempotency retention is negative (" +
                                              std::to_string(options_.idempotency_retention.count()) +
                                              " s): keep records for zero seconds or more.");
    return repo_->prune_idempotency(now - std::chrono::duration_cast<typename time_point::duration>(options_.idempotency_retention));
  }

  // ---- Queries (reads: not authorized by the library, not retried) -------------------------------

  [[nodiscard]] result<basic_tenant<T>> find_tenant(const tenant_id& in_tenant) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return v.tenant();
  }
  [[nodiscard]] result<basic_subscription<T>> find_subscription(const tenant_id& in_tenant, const subscription_id_t<T>& id) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, id));
    return *s;
  }
  [[nodiscard]] result<basic_billing_profile<T>> find_billing_profile(const tenant_id& in_tenant,
                                                                      const billing_profile_id_t<T>& id) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, id));
    return *b;
  }
  [[nodiscard]] result<basic_invoice<T>> find_invoice(const tenant_id& in_tenant, const invoice_id_t<T>& id) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, id));
    return *i;
  }
  [[nodiscard]] result<std::vector<basic_subscription<T>>> subscriptions(const tenant_id& in_tenant) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return list_subscriptions<T>(v);
  }
  [[nodiscard]] result<std::vector<basic_license<T>>> licenses(const tenant_id& in_tenant, const subscription_id_t<T>& id) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return list_licenses<T>(v, id);
  }
  [[nodiscard]] result<std::vector<basic_license<T>>> licenses_of_user(const tenant_id& in_tenant, const user_id& user) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return list_user_licenses<T>(v, user);
  }
  /// D-CHECK-1: whether `user` may use the subscription's app at `now`: active, warning or inactive,
  /// with the reason. A read of one license record, not a scan.
  [[nodiscard]] result<basic_access<T>> check_access(const tenant_id& in_tenant, const subscription_id_t<T>& id, const user_id& user,
                                                     const time_point& now) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return check_access_in<T>(v, id, user, now);
  }
  [[nodiscard]] result<std::vector<basic_subscription_violation<T>>> group_violations(const tenant_id& in_tenant,
                                                                                     const group_id_t<T>& group) {
    BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
    return list_group_violations<T>(v, group);
  }

private:
  /// What one attempt decided: the versions it read beyond the aggregates its events change
  /// (those are added automatically), the events, and the value the operation returns.
  template <class Value>
  struct plan {
    std::vector<basic_expected_version<T>> reads{};
    event_list events{};
    Value value{};
  };

  using admin_type = basic_actor<T>;

  /// One attempt of a command: its handler, called with the command it was given (type-erased, so
  /// that run() below is one function per result value).
  template <class Value>
  using decider = result<plan<Value>> (*)(basic_admin_center&, const void*, const view_type&, const admin_type&,
                                          const time_point&);

  template <class Value>
  result<receipt<Value>> run(const tenant_id& in_tenant, const std::optional<user_id>& acting, std::string_view operation,
                             std::uint64_t fingerprint, const time_point& now, std::string_view key, const void* cmd,
                             decider<Value> decide_once) {
    std::optional<error> conflict;
    for (int attempt = 0; attempt <= std::max(options_.max_retries, 0); ++attempt) {
      basic_commit<T> c{in_tenant, {}, {}, {}, now};
      receipt<Value> out;
      {
        BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
        if (!key.empty()) {
          if (const auto* seen = v.find_idempotency(key)) return replay<Value>(*seen, operation, fingerprint, key);
        }
        const basic_actor<T> admin = acting ? v.tenant().actor(*acting) : basic_actor<T>{in_tenant, {}, {}};
        BOOST_OUTCOME_TRY(auto decided, decide_once(*this, cmd, v, admin, now));
        c.expected = std::move(decided.reads);
        for (const auto& e : decided.events) {
          const auto target = aggregate_of(e);
          if (std::none_of(c.expected.begin(), c.expected.end(), [&](const auto& x) { return x.aggregate == target; }))
            c.expected.push_back({target, current_version(v, target)});
        }
        out.events = decided.events;
        out.value = std::move(decided.value);
        c.events = std::move(decided.events);
      } // the view ends here: a repository may not let its reader commit
      if (!key.empty())
        c.idempotency = basic_idempotency_record<T>{std::string(key), std::string(operation), fingerprint, out.events,
                                                    stored_value_t<T>(out.value)};
      else if (c.events.empty())
        return out; // nothing to save
      auto saved = repo_->commit(std::move(c));
      if (saved) return out;
      if (saved.error().code != errc::conflict) return saved.error();
      conflict = saved.error();
    }
    return fail(errc::conflict, "Gave up " + std::string(operation) + " after " +
                                    detail::plural(std::max(options_.max_retries, 0) + 1, "attempt") +
                                    ", each overtaken by a concurrent change (" + conflict->message +
                                    "). Nothing was saved; try again.");
  }

  template <class Value>
  static result<receipt<Value>> replay(const basic_idempotency_record<T>& seen, std::string_view operation,
                                       std::uint64_t fingerprint, std::string_view key) {
    const auto* value = std::get_if<Value>(&seen.value);
    if (seen.operation != operation || seen.fingerprint != fingerprint || value == nullptr)
      return fail(errc::idempotency_mismatch,
                  "The idempotency key \"" + std::string(key) + "\" was first used for another request (" + seen.operation +
                      "); nothing was done. Use a new key for a new request.");
    return receipt<Value>{seen.events, *value};
  }

  // ---- One handler per command: what one attempt decides from a consistent view ------------------

  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_purchase_command<T>& cmd,
                                      const time_point& now) {
    if (v.find_subscription(cmd.subscription))
      return fail(errc::already_exists, detail::describe(cmd.subscription) + " already exists in " +
                                            detail::describe(v.tenant().id) + ": choose a new id.");
    const auto* product = v.find_app(cmd.app);
    if (!product) return fail(errc::not_found, detail::describe(cmd.app) + " is not in the catalog.");
    // The tenant's profiles are in the repository: hand over the one the command names, if there is one.
    const auto* profile = cmd.billing_profile ? v.find_billing_profile(*cmd.billing_profile) : nullptr;
    const std::span<const basic_billing_profile<T>> named(profile, profile ? 1U : 0U);
    const auto subscriptions = list_subscriptions<T>(v); // what the profile charges decides its currency (D-BILL-5)
    BOOST_OUTCOME_TRY(auto out, isv::purchase(v.tenant(), *product, named, std::span<const basic_subscription<T>>(subscriptions),
                                              admin, cmd, now, options_.purchase));
    return plan<std::monostate>{{}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_activate_command<T>& cmd,
                                      const time_point& now) {
    return on_subscription(v, cmd, [&](const auto& s) { return isv::activate(s, admin, cmd, now); });
  }
  result<plan<typename T::string_type>> decide(const view_type& v, const admin_type& admin,
                                               const basic_install_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    const auto* product = v.find_app(s->app);
    if (!product) return fail(errc::not_found, detail::describe(s->app) + " is not in the catalog.");
    BOOST_OUTCOME_TRY(auto out, isv::install(*s, *product, admin, cmd, now));
    return plan<typename T::string_type>{{}, std::move(out.events), std::move(out.link)};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_change_quantity_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    const auto* product = v.find_app(s->app);
    if (!product) return fail(errc::not_found, detail::describe(s->app) + " is not in the catalog.");
    BOOST_OUTCOME_TRY(auto out, isv::change_quantity(*s, *product, admin, cmd, now));
    return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_change_plan_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    const auto* product = v.find_app(s->app);
    if (!product) return fail(errc::not_found, detail::describe(s->app) + " is not in the catalog.");
    BOOST_OUTCOME_TRY(auto out, isv::change_plan(*s, *product, admin, cmd, now));
    return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_cancel_command<T>& cmd,
                                      const time_point& now) {
    return on_subscription(v, cmd, [&](const auto& s) { return isv::cancel(s, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_auto_renew_command<T>& cmd,
                                      const time_point& now) {
    return on_subscription(v, cmd, [&](const auto& s) { return isv::set_auto_renew(s, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_change_billing_profile_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(const auto* target, profile_in(v, cmd.profile));
    const auto subscriptions = list_subscriptions<T>(v); // what the target charges decides its currency (D-BILL-5)
    BOOST_OUTCOME_TRY(auto out, isv::change_billing_profile(*s, *target, std::span<const basic_subscription<T>>(subscriptions),
                                                            admin, cmd, now));
    return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
  }

  result<plan<basic_assignment_report<T>>> decide(const view_type& v, const admin_type& admin,
                                                  const basic_assign_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, isv::assign(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
    // Group members were read from the directory: a membership change since must be seen.
    return plan<basic_assignment_report<T>>{reads(v, *s, !cmd.groups.empty()), std::move(out.events), std::move(out.report)};
  }
  result<plan<basic_unassign_preview<T>>> decide(const view_type& v, const admin_type& admin,
                                                 const basic_unassign_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, isv::preview_unassign(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
    return plan<basic_unassign_preview<T>>{{}, std::move(out.events), std::move(out.report)};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_confirm_unassign_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, isv::confirm_unassign(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
    return plan<std::monostate>{reads(v, *s, !cmd.groups.empty()), std::move(out.events), {}};
  }
  result<plan<basic_assignment_report<T>>> decide(const view_type& v, const admin_type& admin,
                                                  const basic_reprocess_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, isv::reprocess(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
    return plan<basic_assignment_report<T>>{reads(v, *s, true), std::move(out.events), std::move(out.report)};
  }

  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_add_users_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(auto out, isv::add_users(v.directory(), admin, cmd, now));
    return plan<std::monostate>{{directory_read(v)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_create_group_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(auto out, isv::create_group(v.directory(), admin, cmd, now));
    return plan<std::monostate>{{directory_read(v)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_add_members_command<T>& cmd,
                                      const time_point& now) {
    return membership(v, [&](auto refs) { return isv::add_members(v.directory(), refs, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_remove_members_command<T>& cmd, const time_point& now) {
    return membership(v, [&](auto refs) { return isv::remove_members(v.directory(), refs, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_remove_users_command<T>& cmd, const time_point& now) {
    // The roles were read too: a role granted meanwhile must be seen (a removed user keeps none).
    std::vector<basic_billing_profile<T>> profiles;
    std::vector<basic_expected_version<T>> roles_read{expected_version(v.tenant())};
    for (const auto& id : v.billing_profile_ids()) {
      profiles.push_back(*v.find_billing_profile(id));
      roles_read.push_back(expected_version(profiles.back()));
    }
    BOOST_OUTCOME_TRY(auto out, membership(v, [&](auto refs) {
      return isv::remove_users(v.tenant(), v.directory(), std::span<const basic_billing_profile<T>>(profiles), refs, admin,
                               cmd, now);
    }));
    out.reads.insert(out.reads.end(), roles_read.begin(), roles_read.end());
    return out;
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_delete_group_command<T>& cmd, const time_point& now) {
    return membership(v, [&](auto refs) { return isv::delete_group(v.directory(), refs, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_name_user_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(auto out, isv::name_user(v.directory(), admin, cmd, now));
    return plan<std::monostate>{{directory_read(v)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_grant_role_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(auto out, isv::grant_role(v.tenant(), v.directory(), admin, cmd, now));
    // The directory was read: a user removed since must be seen.
    return plan<std::monostate>{{expected_version(v.tenant()), directory_read(v)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_revoke_role_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(auto out, isv::revoke_role(v.tenant(), admin, cmd, now));
    return plan<std::monostate>{{expected_version(v.tenant())}, std::move(out.events), {}};
  }

  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_create_billing_profile_command<T>& cmd, const time_point& now) {
    if (v.find_billing_profile(cmd.profile))
      return fail(errc::already_exists, detail::describe(cmd.profile) + " already exists in " +
                                            detail::describe(v.tenant().id) + ": choose a new id.");
    BOOST_OUTCOME_TRY(auto out, isv::create_billing_profile(v.tenant(), admin, cmd, now));
    return plan<std::monostate>{{}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_contact_info_command<T>& cmd,
                                      const time_point& now) {
    return on_profile(v, cmd, [&](const auto& b) { return isv::change_contact_info(b, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_add_payment_method_command<T>& cmd, const time_point& now) {
    return on_profile(v, cmd, [&](const auto& b) { return isv::add_payment_method(b, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_remove_payment_method_command<T>& cmd, const time_point& now) {
    return on_profile(v, cmd, [&](const auto& b) { return isv::remove_payment_method(b, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin,
                                      const basic_set_default_payment_method_command<T>& cmd, const time_point& now) {
    return on_profile(v, cmd, [&](const auto& b) { return isv::set_default_payment_method(b, admin, cmd, now); });
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_billing_role_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, cmd.profile));
    BOOST_OUTCOME_TRY(auto out, isv::set_billing_role(*b, v.directory(), admin, cmd, now));
    return plan<std::monostate>{{expected_version(*b), directory_read(v)}, std::move(out.events), {}};
  }

  result<plan<basic_invoice<T>>> decide(const view_type& v, const basic_issue_invoice_command<T>& cmd, const time_point& now) {
    if (v.find_invoice(cmd.invoice))
      return fail(errc::already_exists, detail::describe(cmd.invoice) + " already exists in " +
                                            detail::describe(v.tenant().id) + ": choose a new id.");
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, cmd.profile));
    const auto subscriptions = list_subscriptions<T>(v);
    BOOST_OUTCOME_TRY(auto out, isv::issue_invoice(*b, std::span<const basic_subscription<T>>(subscriptions), cmd, now,
                                                   options_.policy));
    // The invoice takes each subscription's charges: a charge recorded meanwhile must be seen.
    std::vector<basic_expected_version<T>> read;
    for (const auto& line : out.state.lines)
      if (read.empty() || read.back().aggregate.id != line.subscription.value())
        read.push_back(expected_version(*v.find_subscription(line.subscription)));
    return plan<basic_invoice<T>>{std::move(read), std::move(out.events), std::move(out.state)};
  }
  // Viewing changes nothing and does not depend on the time.
  result<plan<basic_invoice<T>>> decide(const view_type& v, const admin_type& admin, const basic_view_invoice_command<T>& cmd) {
    BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, i->profile));
    BOOST_OUTCOME_TRY(auto shown, isv::view_invoice(*b, *i, admin, cmd));
    return plan<basic_invoice<T>>{{}, {}, std::move(shown.state)};
  }
  result<plan<std::monostate>> decide(const view_type& v, const admin_type& admin, const basic_pay_invoice_command<T>& cmd,
                                      const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, i->profile));
    const auto subscriptions = list_subscriptions<T>(v);
    BOOST_OUTCOME_TRY(auto out, isv::pay_invoice(*b, *i, std::span<const basic_subscription<T>>(subscriptions), admin, cmd, now));
    return plan<std::monostate>{{expected_version(*i)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const basic_collect_overdue_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
    const auto subscriptions = list_subscriptions<T>(v);
    BOOST_OUTCOME_TRY(auto out, isv::collect_overdue(*i, std::span<const basic_subscription<T>>(subscriptions), now,
                                                     options_.policy));
    return plan<std::monostate>{{expected_version(*i)}, std::move(out.events), {}};
  }
  result<plan<std::monostate>> decide(const view_type& v, const basic_advance_command<T>& cmd, const time_point& now) {
    BOOST_OUTCOME_TRY(detail::distinct(cmd.subscriptions));
    const auto ids = cmd.subscriptions.empty() ? v.subscription_ids() : cmd.subscriptions;
    plan<std::monostate> out;
    for (const auto& id : ids) {
      BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, id));
      BOOST_OUTCOME_TRY(auto moved, isv::advance_to(*s, now));
      out.events.insert(out.events.end(), std::make_move_iterator(moved.events.begin()),
                        std::make_move_iterator(moved.events.end()));
    }
    return out;
  }

  result<plan<basic_marketplace_decision<T>>> decide(const view_type& v, const basic_marketplace_subscribe_command<T>& cmd,
                                                     const time_point& now) {
    if (const auto* s = v.find_subscription(cmd.subscription)) {
      // The marketplace retries: the same operation is answered with its first decision (D-MKT-1).
      if (const auto* before = detail::decided_before(*s, cmd.operation_id)) return plan<basic_marketplace_decision<T>>{{}, {}, *before};
      return fail(errc::already_exists, detail::describe(cmd.subscription) + " already exists in " +
                                            detail::describe(v.tenant().id) + ": choose a new id.");
    }
    const auto* product = v.find_app(cmd.app);
    if (!product) return fail(errc::not_found, detail::describe(cmd.app) + " is not in the catalog.");
    const auto* profile = v.find_billing_profile(cmd.billing_profile);
    const std::span<const basic_billing_profile<T>> named(profile, profile ? 1U : 0U);
    const auto subscriptions = list_subscriptions<T>(v);
    BOOST_OUTCOME_TRY(auto out, isv::marketplace_subscribe(v.tenant(), *product, named,
                                                          std::span<const basic_subscription<T>>(subscriptions), cmd, now,
                                                          options_.purchase));
    return plan<basic_marketplace_decision<T>>{{}, std::move(out.events), std::move(out.decision)};
  }
  result<plan<basic_marketplace_decision<T>>> decide(const view_type& v, const basic_marketplace_activate_command<T>& cmd,
                                                     const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, isv::marketplace_activate(*s, cmd, now));
    return plan<basic_marketplace_decision<T>>{{expected_version(*s)}, std::move(out.events), std::move(out.decision)};
  }
  result<plan<basic_marketplace_decision<T>>> decide(const view_type& v, const basic_marketplace_webhook_command<T>& cmd,
                                                     const time_point& now) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    const auto* product = v.find_app(s->app);
    if (!product) return fail(errc::not_found, detail::describe(s->app) + " is not in the catalog.");
    BOOST_OUTCOME_TRY(auto out, isv::handle_marketplace_webhook(*s, *product, cmd, now, options_.policy));
    return plan<basic_marketplace_decision<T>>{{expected_version(*s)}, std::move(out.events), std::move(out.decision)};
  }

  result<plan<std::monostate>> decide(const view_type& v, const basic_reinstate_command<T>& cmd, const time_point& now) {
    return on_subscription(v, cmd, [&](const auto& s) { return isv::reinstate(s, cmd, now); });
  }

  template <class Command, class Op>
  static result<plan<std::monostate>> on_subscription(const view_type& v, const Command& cmd, Op&& op) {
    BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
    BOOST_OUTCOME_TRY(auto out, op(*s));
    return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
  }

  template <class Command, class Op>
  static result<plan<std::monostate>> on_profile(const view_type& v, const Command& cmd, Op&& op) {
    BOOST_OUTCOME_TRY(const auto* b, profile_in(v, cmd.profile));
    BOOST_OUTCOME_TRY(auto out, op(*b));
    return plan<std::monostate>{{expected_version(*b)}, std::move(out.events), {}};
  }

  // Membership changes, user removals and group deletions read every subscription's license book
  // (which groups are assigned, who holds what), so a concurrent change to any of them must be seen.
  template <class Op>
  static result<plan<std::monostate>> membership(const view_type& v, Op&& op) {
    std::vector<basic_subscription_ref<T>> refs;
    std::vector<basic_expected_version<T>> read{directory_read(v)};
    for (const auto& id : v.subscription_ids()) {
      const auto* s = v.find_subscription(id);
      refs.push_back({s, v.find_license_book(id)});
      read.push_back(expected_version(*s));
    }
    BOOST_OUTCOME_TRY(auto out, op(std::span<const basic_subscription_ref<T>>(refs)));
    return plan<std::monostate>{std::move(read), std::move(out.events), {}};
  }

  static basic_expected_version<T> directory_read(const view_type& v) {
    return {{aggregate_kind::directories, v.tenant().id.value()}, v.directory_version()};
  }
  static std::vector<basic_expected_version<T>> reads(const view_type& v, const basic_subscription<T>& s, bool with_directory) {
    std::vector<basic_expected_version<T>> out{expected_version(s)};
    if (with_directory) out.push_back(directory_read(v));
    return out;
  }

  static result<const basic_subscription<T>*> subscription_in(const view_type& v, const subscription_id_t<T>& id) {
    if (const auto* s = v.find_subscription(id)) return s;
    return fail(errc::not_found, detail::describe(id) + " is not a subscription of " + detail::describe(v.tenant().id) + ".");
  }
  static result<const basic_billing_profile<T>*> profile_in(const view_type& v, const billing_profile_id_t<T>& id) {
    if (const auto* b = v.find_billing_profile(id)) return b;
    return fail(errc::not_found, detail::describe(id) + " is not a billing profile of " + detail::describe(v.tenant().id) + ".");
  }
  static result<const basic_invoice<T>*> invoice_in(const view_type& v, const invoice_id_t<T>& id) {
    if (const auto* i = v.find_invoice(id)) return i;
    return fail(errc::not_found, detail::describe(id) + " is not an invoice of " + detail::describe(v.tenant().id) + ".");
  }

  Repository* repo_;
  admin_center_options options_;
};

template <repository Repository>
basic_admin_center(Repository&) -> basic_admin_center<Repository>;
template <repository Repository>
basic_admin_center(Repository&, admin_center_options) -> basic_admin_center<Repository>;

} // namespace isv
