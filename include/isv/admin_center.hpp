// admin_center: the service over a repository: load, act as the stored tenant's admin, run the pure operation, commit with a version check, retry on conflict, honour idempotency keys.
#pragma once

#include "isv/assignment.hpp"
#include "isv/billing.hpp"
#include "isv/detail/fingerprint.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/lifecycle.hpp"
#include "isv/membership.hpp"
#include "isv/purchase.hpp"
#include "isv/quantity.hpp"
#include "isv/repository.hpp"
#include "isv/role_grants.hpp"

#include <boost/describe/class.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace isv {

// ---- Commands the service adds to the library's ----------------------------------------------

/// Which invoice to show (D-BILL-4).
template <licensing_traits Traits>
struct basic_view_invoice_command {
  invoice_id_t<Traits> invoice{};
  friend bool operator==(const basic_view_invoice_command&, const basic_view_invoice_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_view_invoice_command, (), (invoice), (), ())
};

/// Which invoice the platform looks at for payment (D-LIFE-4).
template <licensing_traits Traits>
struct basic_collect_overdue_command {
  invoice_id_t<Traits> invoice{};
  friend bool operator==(const basic_collect_overdue_command&, const basic_collect_overdue_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_collect_overdue_command, (), (invoice), (), ())
};

/// Which subscriptions the platform moves to the current time (D-TERM-1); empty: all of the tenant's.
template <licensing_traits Traits>
struct basic_advance_command {
  std::vector<subscription_id_t<Traits>> subscriptions{};
  friend bool operator==(const basic_advance_command&, const basic_advance_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_advance_command, (), (subscriptions), (), ())
};

using view_invoice_command = basic_view_invoice_command<default_traits>;
using collect_overdue_command = basic_collect_overdue_command<default_traits>;
using advance_command = basic_advance_command<default_traits>;

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
};

/// The admin center: one member function per operation of the library. Each loads the tenant
/// from the repository, acts as `acting` with exactly the roles the stored tenant granted,
/// runs the pure operation, and commits its events with the versions it read. A commit refused
/// with a conflict is retried from fresh state up to `max_retries` times (D-CONC-1). With an
/// idempotency key, the first result is stored in the same commit and returned for every
/// repeat; the key reused for another request is refused (D-IDEM-1). Platform operations
/// (issue_invoice, collect_overdue, advance_to) take no acting user.
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
  template <class Value = std::monostate>
  using receipt = basic_receipt<T, Value>;

  explicit basic_admin_center(Repository& repo, admin_center_options options = {}) : repo_(&repo), options_(options) {}

  [[nodiscard]] Repository& repository() const noexcept { return *repo_; }
  [[nodiscard]] const admin_center_options& options() const noexcept { return options_; }

  // ---- Subscriptions ----------------------------------------------------------------------------

  [[nodiscard]] result<receipt<>> purchase(const tenant_id& in_tenant, const user_id& acting, const basic_purchase_command<T>& cmd,
                                           const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("purchase", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 if (v.find_subscription(cmd.subscription))
                                   return fail(errc::already_exists, detail::describe(cmd.subscription) + " already exists in " +
                                                                         detail::describe(in_tenant) + ": choose a new id.");
                                 const auto* product = v.find_app(cmd.app);
                                 if (!product) return fail(errc::not_found, detail::describe(cmd.app) + " is not in the catalog.");
                                 const auto* profile = cmd.billing_profile ? v.find_billing_profile(*cmd.billing_profile) : nullptr;
                                 BOOST_OUTCOME_TRY(auto out, isv::purchase(v.tenant(), *product, profile, admin, cmd, now));
                                 return plan<std::monostate>{{}, std::move(out.events), {}};
                               });
  }

  [[nodiscard]] result<receipt<>> activate(const tenant_id& in_tenant, const user_id& acting,
                                           const basic_subscription_command<T>& cmd, const time_point& now,
                                           std::string_view idempotency_key = {}) {
    return on_subscription("activate", in_tenant, acting, cmd, idempotency_key, [&](const auto& s, const auto& admin) {
      return isv::activate(s, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<typename T::string_type>> install(const tenant_id& in_tenant, const user_id& acting,
                                                                 const basic_install_command<T>& cmd, const time_point& now,
                                                                 std::string_view idempotency_key = {}) {
    using link = typename T::string_type;
    return run<link>("install", in_tenant, acting, cmd, idempotency_key,
                     [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<link>> {
                       BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                       const auto* product = v.find_app(s->app);
                       if (!product) return fail(errc::not_found, detail::describe(s->app) + " is not in the catalog.");
                       BOOST_OUTCOME_TRY(auto out, isv::install(*s, *product, admin, cmd, now));
                       return plan<link>{{}, std::move(out.events), std::move(out.link)};
                     });
  }

  [[nodiscard]] result<receipt<>> change_quantity(const tenant_id& in_tenant, const user_id& acting,
                                                  const basic_change_quantity_command<T>& cmd, const time_point& now,
                                                  std::string_view idempotency_key = {}) {
    return on_subscription("change_quantity", in_tenant, acting, cmd, idempotency_key, [&](const auto& s, const auto& admin) {
      return isv::change_quantity(s, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> cancel(const tenant_id& in_tenant, const user_id& acting, const basic_subscription_command<T>& cmd,
                                         const time_point& now, std::string_view idempotency_key = {}) {
    return on_subscription("cancel", in_tenant, acting, cmd, idempotency_key, [&](const auto& s, const auto& admin) {
      return isv::cancel(s, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> set_auto_renew(const tenant_id& in_tenant, const user_id& acting,
                                                 const basic_auto_renew_command<T>& cmd, const time_point& now,
                                                 std::string_view idempotency_key = {}) {
    return on_subscription("set_auto_renew", in_tenant, acting, cmd, idempotency_key, [&](const auto& s, const auto& admin) {
      return isv::set_auto_renew(s, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> change_billing_profile(const tenant_id& in_tenant, const user_id& acting,
                                                         const basic_change_billing_profile_command<T>& cmd,
                                                         const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("change_billing_profile", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                                 BOOST_OUTCOME_TRY(const auto* target, profile_in(v, cmd.profile));
                                 BOOST_OUTCOME_TRY(auto out, isv::change_billing_profile(*s, *target, admin, cmd, now));
                                 return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
                               });
  }

  // ---- Licenses -----------------------------------------------------------------------------------

  [[nodiscard]] result<receipt<basic_assignment_report<T>>> assign(const tenant_id& in_tenant, const user_id& acting,
                                                                   const basic_assign_command<T>& cmd, const time_point& now,
                                                                   std::string_view idempotency_key = {}) {
    using report = basic_assignment_report<T>;
    return run<report>("assign", in_tenant, acting, cmd, idempotency_key,
                       [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<report>> {
                         BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                         BOOST_OUTCOME_TRY(auto out, isv::assign(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
                         // Group members were read from the directory: a membership change since must be seen.
                         return plan<report>{reads(v, *s, !cmd.groups.empty()), std::move(out.events), std::move(out.report)};
                       });
  }

  [[nodiscard]] result<receipt<basic_unassign_preview<T>>> preview_unassign(const tenant_id& in_tenant, const user_id& acting,
                                                                            const basic_unassign_command<T>& cmd,
                                                                            const time_point& now,
                                                                            std::string_view idempotency_key = {}) {
    using preview = basic_unassign_preview<T>;
    return run<preview>("preview_unassign", in_tenant, acting, cmd, idempotency_key,
                        [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<preview>> {
                          BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                          BOOST_OUTCOME_TRY(auto out, isv::preview_unassign(*s, *v.find_license_book(s->id), v.directory(),
                                                                            admin, cmd, now));
                          return plan<preview>{{}, {}, std::move(out)};
                        });
  }

  /// Confirms a preview; refused as stale when the subscription changed since it was made (D-UNASSIGN-1).
  [[nodiscard]] result<receipt<>> confirm_unassign(const tenant_id& in_tenant, const user_id& acting,
                                                   const basic_unassign_preview<T>& preview, const time_point& now,
                                                   std::string_view idempotency_key = {}) {
    return run<std::monostate>("confirm_unassign", in_tenant, acting, preview, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, preview.subscription));
                                 BOOST_OUTCOME_TRY(auto out, isv::confirm_unassign(*s, *v.find_license_book(s->id),
                                                                                   v.directory(), admin, preview, now));
                                 return plan<std::monostate>{reads(v, *s, !preview.groups.empty()), std::move(out.events), {}};
                               });
  }

  [[nodiscard]] result<receipt<basic_assignment_report<T>>> reprocess(const tenant_id& in_tenant, const user_id& acting,
                                                                      const basic_reprocess_command<T>& cmd,
                                                                      const time_point& now,
                                                                      std::string_view idempotency_key = {}) {
    using report = basic_assignment_report<T>;
    return run<report>("reprocess", in_tenant, acting, cmd, idempotency_key,
                       [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<report>> {
                         BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                         BOOST_OUTCOME_TRY(auto out,
                                           isv::reprocess(*s, *v.find_license_book(s->id), v.directory(), admin, cmd, now));
                         return plan<report>{reads(v, *s, true), std::move(out.events), std::move(out.report)};
                       });
  }

  // ---- Directory and roles ----------------------------------------------------------------------

  /// Adds users; users already there are left as they are (the directory operation's rule).
  [[nodiscard]] result<receipt<>> add_users(const tenant_id& in_tenant, const user_id& acting, const basic_add_users_command<T>& cmd,
                                            const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("add_users", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(auto events, isv::add_users(v.directory(), admin, cmd, now));
                                 return plan<std::monostate>{{directory_read(v)}, std::move(events), {}};
                               });
  }

  [[nodiscard]] result<receipt<>> create_group(const tenant_id& in_tenant, const user_id& acting,
                                               const basic_create_group_command<T>& cmd, const time_point& now,
                                               std::string_view idempotency_key = {}) {
    return run<std::monostate>("create_group", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(auto events, isv::create_group(v.directory(), admin, cmd, now));
                                 return plan<std::monostate>{{directory_read(v)}, std::move(events), {}};
                               });
  }

  [[nodiscard]] result<receipt<>> add_members(const tenant_id& in_tenant, const user_id& acting,
                                              const basic_membership_command<T>& cmd, const time_point& now,
                                              std::string_view idempotency_key = {}) {
    return membership("add_members", in_tenant, acting, cmd, idempotency_key, [&](const auto& v, auto refs, const auto& admin) {
      return isv::add_members(v.directory(), refs, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> remove_members(const tenant_id& in_tenant, const user_id& acting,
                                                 const basic_membership_command<T>& cmd, const time_point& now,
                                                 std::string_view idempotency_key = {}) {
    return membership("remove_members", in_tenant, acting, cmd, idempotency_key, [&](const auto& v, auto refs, const auto& admin) {
      return isv::remove_members(v.directory(), refs, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> grant_role(const tenant_id& in_tenant, const user_id& acting, const basic_role_command<T>& cmd,
                                             const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("grant_role", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(auto out, isv::grant_role(v.tenant(), admin, cmd, now));
                                 return plan<std::monostate>{{expected_version(v.tenant())}, std::move(out.events), {}};
                               });
  }

  [[nodiscard]] result<receipt<>> revoke_role(const tenant_id& in_tenant, const user_id& acting, const basic_role_command<T>& cmd,
                                              const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("revoke_role", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(auto out, isv::revoke_role(v.tenant(), admin, cmd, now));
                                 return plan<std::monostate>{{expected_version(v.tenant())}, std::move(out.events), {}};
                               });
  }

  // ---- Billing profiles ---------------------------------------------------------------------------

  [[nodiscard]] result<receipt<>> create_billing_profile(const tenant_id& in_tenant, const user_id& acting,
                                                         const basic_create_billing_profile_command<T>& cmd,
                                                         const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("create_billing_profile", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 if (v.find_billing_profile(cmd.profile))
                                   return fail(errc::already_exists, detail::describe(cmd.profile) + " already exists in " +
                                                                         detail::describe(in_tenant) + ": choose a new id.");
                                 BOOST_OUTCOME_TRY(auto out, isv::create_billing_profile(v.tenant(), admin, cmd, now));
                                 return plan<std::monostate>{{}, std::move(out.events), {}};
                               });
  }

  [[nodiscard]] result<receipt<>> change_contact_info(const tenant_id& in_tenant, const user_id& acting,
                                                      const basic_contact_info_command<T>& cmd, const time_point& now,
                                                      std::string_view idempotency_key = {}) {
    return on_profile("change_contact_info", in_tenant, acting, cmd, idempotency_key, [&](const auto& b, const auto& admin) {
      return isv::change_contact_info(b, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> add_payment_method(const tenant_id& in_tenant, const user_id& acting,
                                                     const basic_add_payment_method_command<T>& cmd, const time_point& now,
                                                     std::string_view idempotency_key = {}) {
    return on_profile("add_payment_method", in_tenant, acting, cmd, idempotency_key, [&](const auto& b, const auto& admin) {
      return isv::add_payment_method(b, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> remove_payment_method(const tenant_id& in_tenant, const user_id& acting,
                                                        const basic_payment_method_command<T>& cmd, const time_point& now,
                                                        std::string_view idempotency_key = {}) {
    return on_profile("remove_payment_method", in_tenant, acting, cmd, idempotency_key, [&](const auto& b, const auto& admin) {
      return isv::remove_payment_method(b, admin, cmd, now);
    });
  }

  [[nodiscard]] result<receipt<>> set_default_payment_method(const tenant_id& in_tenant, const user_id& acting,
                                                             const basic_payment_method_command<T>& cmd, const time_point& now,
                                                             std::string_view idempotency_key = {}) {
    return on_profile("set_default_payment_method", in_tenant, acting, cmd, idempotency_key,
                      [&](const auto& b, const auto& admin) { return isv::set_default_payment_method(b, admin, cmd, now); });
  }

  [[nodiscard]] result<receipt<>> set_billing_role(const tenant_id& in_tenant, const user_id& acting,
                                                   const basic_billing_role_command<T>& cmd, const time_point& now,
                                                   std::string_view idempotency_key = {}) {
    return on_profile("set_billing_role", in_tenant, acting, cmd, idempotency_key, [&](const auto& b, const auto& admin) {
      return isv::set_billing_role(b, admin, cmd, now);
    });
  }

  // ---- Invoices -----------------------------------------------------------------------------------

  /// The platform invoices a profile for the current term of its subscriptions (D-BILL-1).
  [[nodiscard]] result<receipt<basic_invoice<T>>> issue_invoice(const tenant_id& in_tenant,
                                                                const basic_issue_invoice_command<T>& cmd,
                                                                const time_point& now, std::string_view idempotency_key = {}) {
    using inv = basic_invoice<T>;
    return run<inv>("issue_invoice", in_tenant, std::nullopt, cmd, idempotency_key,
                    [&](const view_type& v, const basic_actor<T>&) -> result<plan<inv>> {
                      if (v.find_invoice(cmd.invoice))
                        return fail(errc::already_exists, detail::describe(cmd.invoice) + " already exists in " +
                                                              detail::describe(in_tenant) + ": choose a new id.");
                      BOOST_OUTCOME_TRY(const auto* b, profile_in(v, cmd.profile));
                      const auto subscriptions = list_subscriptions<T>(v);
                      BOOST_OUTCOME_TRY(auto out, isv::issue_invoice(*b, std::span<const basic_subscription<T>>(subscriptions),
                                                                     cmd, now, options_.policy));
                      // Invoice lines copy quantities and prices: a change to a charged subscription must be seen.
                      std::vector<basic_expected_version<T>> read;
                      for (const auto& line : out.state.lines) read.push_back(expected_version(*v.find_subscription(line.subscription)));
                      return plan<inv>{std::move(read), std::move(out.events), std::move(out.state)};
                    });
  }

  /// Shows an invoice to an admin with a role on its profile (D-BILL-4).
  [[nodiscard]] result<receipt<basic_invoice<T>>> view_invoice(const tenant_id& in_tenant, const user_id& acting,
                                                               const basic_view_invoice_command<T>& cmd,
                                                               const time_point& now, std::string_view idempotency_key = {}) {
    (void)now; // viewing changes nothing; the parameter keeps every operation's signature alike
    using inv = basic_invoice<T>;
    return run<inv>("view_invoice", in_tenant, acting, cmd, idempotency_key,
                    [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<inv>> {
                      BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
                      BOOST_OUTCOME_TRY(const auto* b, profile_in(v, i->profile));
                      BOOST_OUTCOME_TRY(auto shown, isv::view_invoice(*b, *i, admin));
                      return plan<inv>{{}, {}, std::move(shown)};
                    });
  }

  /// Pays an invoice; subscriptions it had suspended are reinstated (D-LIFE-4).
  [[nodiscard]] result<receipt<>> pay_invoice(const tenant_id& in_tenant, const user_id& acting,
                                              const basic_pay_invoice_command<T>& cmd, const time_point& now,
                                              std::string_view idempotency_key = {}) {
    return run<std::monostate>("pay_invoice", in_tenant, acting, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
                                 BOOST_OUTCOME_TRY(const auto* b, profile_in(v, i->profile));
                                 const auto subscriptions = list_subscriptions<T>(v);
                                 BOOST_OUTCOME_TRY(auto out, isv::pay_invoice(*b, *i, std::span<const basic_subscription<T>>(subscriptions),
                                                                              admin, cmd, now));
                                 return plan<std::monostate>{{expected_version(*i)}, std::move(out.events), {}};
                               });
  }

  /// The platform's look at an invoice: overdue once past due, suspending what it charges (D-LIFE-4).
  [[nodiscard]] result<receipt<>> collect_overdue(const tenant_id& in_tenant, const basic_collect_overdue_command<T>& cmd,
                                                  const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("collect_overdue", in_tenant, std::nullopt, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>&) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* i, invoice_in(v, cmd.invoice));
                                 const auto subscriptions = list_subscriptions<T>(v);
                                 auto out = isv::collect_overdue(*i, std::span<const basic_subscription<T>>(subscriptions), now,
                                                                 options_.policy);
                                 return plan<std::monostate>{{expected_version(*i)}, std::move(out.events), {}};
                               });
  }

  /// The platform's clock: renewals, expiries and ends of grace up to `now` (D-TERM-1, D-LIFE-4).
  [[nodiscard]] result<receipt<>> advance_to(const tenant_id& in_tenant, const basic_advance_command<T>& cmd,
                                             const time_point& now, std::string_view idempotency_key = {}) {
    return run<std::monostate>("advance_to", in_tenant, std::nullopt, cmd, idempotency_key,
                               [&](const view_type& v, const basic_actor<T>&) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(detail::distinct(cmd.subscriptions));
                                 const auto ids = cmd.subscriptions.empty() ? v.subscription_ids() : cmd.subscriptions;
                                 plan<std::monostate> out;
                                 for (const auto& id : ids) {
                                   BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, id));
                                   auto moved = isv::advance_to(*s, now, options_.policy);
                                   out.events.insert(out.events.end(), std::make_move_iterator(moved.events.begin()),
                                                     std::make_move_iterator(moved.events.end()));
                                 }
                                 return out;
                               });
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

  template <class Value, class Command, class Decide>
  result<receipt<Value>> run(std::string_view operation, const tenant_id& in_tenant, const std::optional<user_id>& acting,
                             const Command& cmd, std::string_view key, Decide&& decide) {
    const std::uint64_t fingerprint = key.empty() ? 0 : detail::fingerprint(operation, acting, cmd);
    std::optional<error> conflict;
    for (int attempt = 0; attempt <= std::max(options_.max_retries, 0); ++attempt) {
      basic_commit<T> c{in_tenant, {}, {}, {}};
      receipt<Value> out;
      {
        BOOST_OUTCOME_TRY(auto v, repo_->read(in_tenant));
        if (!key.empty()) {
          if (const auto* seen = v.find_idempotency(key)) return replay<Value>(*seen, operation, fingerprint, key);
        }
        const basic_actor<T> admin = acting ? v.tenant().actor(*acting) : basic_actor<T>{in_tenant, {}, {}};
        BOOST_OUTCOME_TRY(auto decided, decide(v, admin));
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

  template <class Command, class Op>
  result<receipt<>> on_subscription(std::string_view operation, const tenant_id& in_tenant, const user_id& acting,
                                    const Command& cmd, std::string_view key, Op&& op) {
    return run<std::monostate>(operation, in_tenant, acting, cmd, key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* s, subscription_in(v, cmd.subscription));
                                 BOOST_OUTCOME_TRY(auto out, op(*s, admin));
                                 return plan<std::monostate>{{expected_version(*s)}, std::move(out.events), {}};
                               });
  }

  template <class Command, class Op>
  result<receipt<>> on_profile(std::string_view operation, const tenant_id& in_tenant, const user_id& acting, const Command& cmd,
                               std::string_view key, Op&& op) {
    return run<std::monostate>(operation, in_tenant, acting, cmd, key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 BOOST_OUTCOME_TRY(const auto* b, profile_in(v, cmd.profile));
                                 BOOST_OUTCOME_TRY(auto out, op(*b, admin));
                                 return plan<std::monostate>{{expected_version(*b)}, std::move(out.events), {}};
                               });
  }

  // Membership changes read every subscription's license book (which groups are assigned), so a
  // concurrent assignment of the group to any of them must be seen.
  template <class Op>
  result<receipt<>> membership(std::string_view operation, const tenant_id& in_tenant, const user_id& acting,
                               const basic_membership_command<T>& cmd, std::string_view key, Op&& op) {
    return run<std::monostate>(operation, in_tenant, acting, cmd, key,
                               [&](const view_type& v, const basic_actor<T>& admin) -> result<plan<std::monostate>> {
                                 std::vector<basic_subscription_ref<T>> refs;
                                 std::vector<basic_expected_version<T>> read{directory_read(v)};
                                 for (const auto& id : v.subscription_ids()) {
                                   const auto* s = v.find_subscription(id);
                                   refs.push_back({s, v.find_license_book(id)});
                                   read.push_back(expected_version(*s));
                                 }
                                 BOOST_OUTCOME_TRY(auto events,
                                                   op(v, std::span<const basic_subscription_ref<T>>(refs), admin));
                                 return plan<std::monostate>{std::move(read), std::move(events), {}};
                               });
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
