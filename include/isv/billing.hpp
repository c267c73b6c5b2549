// Billing: billing profiles (contact info, payment methods, roles), moving a subscription to another profile, and invoices (issue, view, pay, overdue).
#pragma once

#include "isv/actor.hpp"
#include "isv/authorization.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/invoice.hpp"
#include "isv/lifecycle.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"

#include <boost/describe/class.hpp>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace isv {

// ---- Billing profiles -------------------------------------------------------------------------

template <licensing_traits Traits>
struct basic_create_billing_profile_command {
  billing_profile_id_t<Traits> profile{};
  typename Traits::string_type name{};
  basic_contact_info<Traits> contact{};
  static constexpr std::string_view operation_name = "create_billing_profile";
  static constexpr std::optional<operation> authorization = operation::create_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_create_billing_profile_command&, const basic_create_billing_profile_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_create_billing_profile_command, (), (profile, name, contact), (), ())
};

/// Creates a billing profile; its creator becomes its owner (D-BILL-2, D-ROLE-4).
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> create_billing_profile(
    const basic_tenant<T>& org, const basic_actor<T>& admin, const basic_create_billing_profile_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, org.id, org.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (cmd.name == typename T::string_type{})
    return fail(errc::invalid_argument, "A billing profile needs a name.");
  basic_update<basic_billing_profile<T>, T> out;
  out.events.push_back(
      detail::make_event(admin, now, basic_billing_profile_created<T>{cmd.profile, cmd.name, cmd.contact, admin.user}));
  out.state = apply_all(basic_billing_profile<T>{}, out.events);
  return out;
}

namespace detail {
template <licensing_traits T>
[[nodiscard]] result<void> profile_operation_allowed(const basic_billing_profile<T>& b, const basic_actor<T>& admin,
                                                     const billing_profile_id_t<T>& named, operation op) {
  BOOST_OUTCOME_TRY(same_tenant(admin, b.tenant, b.id));
  BOOST_OUTCOME_TRY(same_target(b.id, named));
  return authorize(op, admin.roles, {.profile_role = b.role_of(admin.user)});
}

template <licensing_traits T, class Payload>
[[nodiscard]] basic_update<basic_billing_profile<T>, T> profile_update(const basic_billing_profile<T>& b,
                                                                       const basic_actor<T>& admin,
                                                                       const typename T::time_point& now, Payload payload) {
  basic_update<basic_billing_profile<T>, T> out;
  out.events.push_back(make_event(admin, now, std::move(payload)));
  out.state = apply_all(b, out.events);
  return out;
}
} // namespace detail

template <licensing_traits Traits>
struct basic_contact_info_command {
  billing_profile_id_t<Traits> profile{};
  basic_contact_info<Traits> contact{};
  static constexpr std::string_view operation_name = "change_contact_info";
  static constexpr std::optional<operation> authorization = operation::edit_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_contact_info_command&, const basic_contact_info_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_contact_info_command, (), (profile, contact), (), ())
};

/// Changes the profile's billing address and contact name (owner or contributor, D-ROLE-4).
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> change_contact_info(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_contact_info_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  return detail::profile_update(b, admin, now, basic_contact_info_changed<T>{b.id, cmd.contact});
}

template <licensing_traits Traits>
struct basic_add_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  basic_payment_method<Traits> method{};
  static constexpr std::string_view operation_name = "add_payment_method";
  static constexpr std::optional<operation> authorization = operation::edit_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_add_payment_method_command&, const basic_add_payment_method_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_add_payment_method_command, (), (profile, method), (), ())
};

/// Adds a payment method (D-BILL-2). The first one becomes how invoices are paid.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> add_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_add_payment_method_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  if (b.find_payment_method(cmd.method.id))
    return fail(errc::already_exists, detail::describe(cmd.method.id) + " is already on " + detail::describe(b.id) + ".");
  auto out = detail::profile_update(b, admin, now, basic_payment_method_added<T>{b.id, cmd.method});
  if (!b.default_payment_method) {
    out.events.push_back(detail::make_event(admin, now, basic_default_payment_method_set<T>{b.id, cmd.method.id}));
    out.state = apply(std::move(out.state), out.events.back());
  }
  return out;
}

template <licensing_traits Traits>
struct basic_remove_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  payment_method_id_t<Traits> method{};
  static constexpr std::string_view operation_name = "remove_payment_method";
  static constexpr std::optional<operation> authorization = operation::edit_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_remove_payment_method_command&, const basic_remove_payment_method_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_remove_payment_method_command, (), (profile, method), (), ())
};

template <licensing_traits Traits>
struct basic_set_default_payment_method_command {
  billing_profile_id_t<Traits> profile{};
  payment_method_id_t<Traits> method{};
  static constexpr std::string_view operation_name = "set_default_payment_method";
  static constexpr std::optional<operation> authorization = operation::edit_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_set_default_payment_method_command&,
                         const basic_set_default_payment_method_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_set_default_payment_method_command, (), (profile, method), (), ())
};

/// The fields that name one payment method of a profile, as the wire format of release 0.1.0 named them.
template <licensing_traits Traits>
using basic_payment_method_command = basic_remove_payment_method_command<Traits>;

/// Removes a payment method. The one invoices are paid with cannot go while others remain: choose another first.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> remove_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_remove_payment_method_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  if (!b.find_payment_method(cmd.method))
    return fail(errc::not_found, detail::describe(cmd.method) + " is not on " + detail::describe(b.id) + ".");
  if (b.default_payment_method == cmd.method && b.payment_methods.size() > 1)
    return fail(errc::invalid_argument, "Invoices of " + detail::describe(b.id) + " are paid with " +
                                            detail::describe(cmd.method) + ": choose another payment method first.");
  return detail::profile_update(b, admin, now, basic_payment_method_removed<T>{b.id, cmd.method});
}

/// Chooses how the profile's invoices are paid (D-BILL-4).
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> set_default_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_set_default_payment_method_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  if (!b.find_payment_method(cmd.method))
    return fail(errc::not_found, detail::describe(cmd.method) + " is not on " + detail::describe(b.id) + ".");
  return detail::profile_update(b, admin, now, basic_default_payment_method_set<T>{b.id, cmd.method});
}

template <licensing_traits Traits>
struct basic_billing_role_command {
  billing_profile_id_t<Traits> profile{};
  user_id_t<Traits> user{};
  std::optional<billing_role> role{}; ///< empty: revoke the user's role
  static constexpr std::string_view operation_name = "set_billing_role";
  static constexpr std::optional<operation> authorization = operation::manage_billing_roles;
  using result_value = std::monostate;
  friend bool operator==(const basic_billing_role_command&, const basic_billing_role_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_billing_role_command, (), (profile, user, role), (), ())
};

/// Grants, changes or revokes a user's role on the profile (owners only, D-ROLE-4). The last owner stays.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_billing_profile<T>, T>> set_billing_role(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_billing_role_command<T>& cmd,
    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  const auto current = b.role_of(cmd.user);
  if (current == billing_role::owner && cmd.role != billing_role::owner &&
      std::count_if(b.roles.begin(), b.roles.end(), [](const auto& g) { return g.role == billing_role::owner; }) == 1)
    return fail(errc::invalid_argument,
                detail::describe(cmd.user) + " is the last owner of " + detail::describe(b.id) + ": make someone else owner first.");
  if (!cmd.role && !current)
    return fail(errc::not_found, detail::describe(cmd.user) + " has no role on " + detail::describe(b.id) + ".");
  basic_update<basic_billing_profile<T>, T> out{b, {}};
  if (current != cmd.role)
    out = detail::profile_update(b, admin, now, basic_billing_role_changed<T>{b.id, cmd.user, cmd.role});
  return out;
}

// ---- A subscription's billing profile ---------------------------------------------------------

template <licensing_traits Traits>
struct basic_change_billing_profile_command {
  subscription_id_t<Traits> subscription{};
  billing_profile_id_t<Traits> profile{};
  static constexpr std::string_view operation_name = "change_billing_profile";
  static constexpr std::optional<operation> authorization = operation::change_billing_profile;
  using result_value = std::monostate;
  friend bool operator==(const basic_change_billing_profile_command&, const basic_change_billing_profile_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_change_billing_profile_command, (), (subscription, profile), (), ())
};

/// Moves a subscription's charges to another profile of the same tenant (D-BILL-3). Needs a Global
/// or Billing admin (Global only if bought through a partner) who may use the new profile for purchases.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_subscription<T>, T>> change_billing_profile(
    const basic_subscription<T>& s, const basic_billing_profile<T>& target, const basic_actor<T>& admin,
    const basic_change_billing_profile_command<T>& cmd, const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, s.tenant, s.id));
  BOOST_OUTCOME_TRY(detail::same_target(s.id, cmd.subscription));
  BOOST_OUTCOME_TRY(detail::same_target(target.id, cmd.profile));
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, target.tenant, target.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles,
                              {.profile_role = target.role_of(admin.user),
                               .bought_through_partner = s.channel == acquisition_channel::partner}));
  if (!s.bought_through_platform())
    return fail(errc::contact_vendor,
                detail::describe(s.id) + " was bought from the app's vendor, who invoices it: contact the vendor.");
  if (s.status == subscription_status::deactivated) return detail::status_refusal(s, "change the billing profile");
  basic_update<basic_subscription<T>, T> out;
  if (s.billing_profile != target.id)
    out.events.push_back(detail::make_event(admin, now, basic_billing_profile_changed<T>{s.id, *s.billing_profile, target.id}));
  out.state = apply_all(s, out.events);
  return out;
}

// ---- Invoices ---------------------------------------------------------------------------------

template <licensing_traits Traits>
struct basic_issue_invoice_command {
  invoice_id_t<Traits> invoice{};
  billing_profile_id_t<Traits> profile{};
  static constexpr std::string_view operation_name = "issue_invoice";
  static constexpr std::optional<operation> authorization = std::nullopt;
  using result_value = basic_invoice<Traits>;
  friend bool operator==(const basic_issue_invoice_command&, const basic_issue_invoice_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_issue_invoice_command, (), (invoice, profile), (), ())
};

/// The platform invoices a profile for the current term of each active or suspended subscription
/// charged to it (D-BILL-1): unit price × quantity for per-user pricing, the flat price otherwise.
/// Due `policy.payment_terms` after `now`.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_invoice<T>, T>> issue_invoice(const basic_billing_profile<T>& b,
                                                                      detail::range_of<basic_subscription<T>> subscriptions,
                                                                      const basic_issue_invoice_command<T>& cmd,
                                                                      const typename T::time_point& now,
                                                                      const lifecycle_policy& policy = {}) {
  BOOST_OUTCOME_TRY(detail::same_target(b.id, cmd.profile));
  basic_invoice<T> inv;
  inv.id = cmd.invoice;
  inv.tenant = b.tenant;
  inv.profile = b.id;
  inv.issued_at = now;
  inv.due_at = now + policy.payment_terms;
  for (const auto& s : subscriptions) {
    if (s.tenant != b.tenant)
      return fail(errc::wrong_tenant, detail::describe(s.id) + " is not in " + detail::describe(b.tenant) + ".");
    if (s.billing_profile != b.id || !s.term_start ||
        (s.status != subscription_status::active && s.status != subscription_status::suspended))
      continue;
    const count_t quantity = s.is_seat_based() ? *s.quantity : 1;
    const auto amount = checked_multiply(s.unit_price, quantity);
    if (!amount) return fail(errc::overflow, "The charge for " + detail::describe(s.id) + " is too large to represent.");
    inv.lines.push_back({s.id, s.app, s.pricing, s.term, quantity, s.unit_price, *amount, *s.term_start, *s.term_end});
    if (inv.lines.size() == 1) {
      inv.total = *amount;
    } else if (const auto sum = checked_add(inv.total, *amount)) {
      inv.total = *sum;
    } else {
      return fail(inv.total.unit == amount->unit ? errc::overflow : errc::invalid_argument,
                  "Cannot add " + detail::describe(s.id) + " to the invoice: " +
                      (inv.total.unit == amount->unit ? std::string("the total is too large")
                                                       : "it is priced in " + std::string(amount->unit.code()) + ", the invoice in " +
                                                             std::string(inv.total.unit.code())) +
                      ".");
    }
  }
  if (inv.lines.empty())
    return fail(errc::invalid_argument, "Nothing to invoice: no active subscription is charged to " + detail::describe(b.id) + ".");
  basic_update<basic_invoice<T>, T> out;
  out.events.push_back(detail::make_system_event<T>(b.tenant, now, basic_invoice_issued<T>{inv}));
  out.state = apply_all(basic_invoice<T>{}, out.events);
  return out;
}

/// Which invoice to show (D-BILL-4).
template <licensing_traits Traits>
struct basic_view_invoice_command {
  invoice_id_t<Traits> invoice{};
  static constexpr std::string_view operation_name = "view_invoice";
  static constexpr std::optional<operation> authorization = operation::view_invoices;
  using result_value = basic_invoice<Traits>;
  friend bool operator==(const basic_view_invoice_command&, const basic_view_invoice_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_view_invoice_command, (), (invoice), (), ())
};

using view_invoice_command = basic_view_invoice_command<default_traits>;

/// Viewing an invoice needs a role on its profile (D-BILL-4, D-ROLE-4). Changes nothing: the update's state is the invoice as shown, with no events.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_invoice<T>, T>> view_invoice(const basic_billing_profile<T>& b,
                                                                     const basic_invoice<T>& inv, const basic_actor<T>& admin,
                                                                     const basic_view_invoice_command<T>& cmd) {
  BOOST_OUTCOME_TRY(detail::same_target(inv.id, cmd.invoice));
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, inv.tenant, inv.id)); // profile ids may repeat across tenants (D-TENANT-1)
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, inv.profile, detail::guard_of(cmd)));
  return basic_update<basic_invoice<T>, T>{inv, {}};
}

template <licensing_traits Traits>
struct basic_pay_invoice_command {
  invoice_id_t<Traits> invoice{};
  std::optional<payment_method_id_t<Traits>> method{}; ///< empty: the profile's default
  static constexpr std::string_view operation_name = "pay_invoice";
  static constexpr std::optional<operation> authorization = operation::pay_invoice;
  using result_value = std::monostate;
  friend bool operator==(const basic_pay_invoice_command&, const basic_pay_invoice_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_pay_invoice_command, (), (invoice, method), (), ())
};

/// Pays an invoice (owner, contributor or invoice manager, D-ROLE-4). Subscriptions it had
/// suspended are reinstated (D-LIFE-4); pass the subscriptions it charges.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_invoice<T>, T>> pay_invoice(const basic_billing_profile<T>& b,
                                                                    const basic_invoice<T>& inv,
                                                                    detail::range_of<basic_subscription<T>> subscriptions,
                                                                    const basic_actor<T>& admin,
                                                                    const basic_pay_invoice_command<T>& cmd,
                                                                    const typename T::time_point& now) {
  BOOST_OUTCOME_TRY(detail::same_target(inv.id, cmd.invoice));
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, inv.tenant, inv.id)); // profile ids may repeat across tenants (D-TENANT-1)
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, inv.profile, detail::guard_of(cmd)));
  if (inv.status == invoice_status::paid)
    return fail(errc::already_paid, detail::describe(inv.id) + " was paid already" +
                                        (inv.paid_at ? " on " + detail::format_time(*inv.paid_at) : std::string()) + ".");
  const auto method = cmd.method ? cmd.method : b.default_payment_method;
  if (!method)
    return fail(errc::invalid_argument, detail::describe(b.id) + " has no payment method: add one, then pay.");
  if (!b.find_payment_method(*method))
    return fail(errc::not_found, detail::describe(*method) + " is not on " + detail::describe(b.id) + ".");
  basic_update<basic_invoice<T>, T> out;
  out.events.push_back(detail::make_event(admin, now, basic_invoice_paid<T>{inv.id, *method}));
  for (const auto& s : subscriptions) {
    if (s.tenant != inv.tenant) continue;
    BOOST_OUTCOME_TRY(auto reinstated, reinstate(s, admin, inv.id, now));
    out.events.insert(out.events.end(), reinstated.events.begin(), reinstated.events.end());
  }
  out.state = apply_all(inv, out.events);
  return out;
}

/// Which invoice the platform looks at for payment (D-LIFE-4); no admin acts.
template <licensing_traits Traits>
struct basic_collect_overdue_command {
  invoice_id_t<Traits> invoice{};
  static constexpr std::string_view operation_name = "collect_overdue";
  static constexpr std::optional<operation> authorization = std::nullopt;
  using result_value = std::monostate;
  friend bool operator==(const basic_collect_overdue_command&, const basic_collect_overdue_command&) = default;
  BOOST_DESCRIBE_CLASS(basic_collect_overdue_command, (), (invoice), (), ())
};

using collect_overdue_command = basic_collect_overdue_command<default_traits>;

/// The platform's daily look at an invoice: once past due and unpaid it is overdue, and every
/// subscription it charges is suspended for the grace period (D-LIFE-4). Before that, nothing.
template <licensing_traits T>
[[nodiscard]] result<basic_update<basic_invoice<T>, T>> collect_overdue(const basic_invoice<T>& inv,
                                                                        detail::range_of<basic_subscription<T>> subscriptions,
                                                                        const typename T::time_point& now,
                                                                        const lifecycle_policy& policy = {}) {
  basic_update<basic_invoice<T>, T> out;
  out.state = inv;
  if (inv.status != invoice_status::open || now < inv.due_at) return out;
  out.events.push_back(detail::make_system_event<T>(inv.tenant, now, basic_invoice_overdue<T>{inv.id}));
  for (const auto& s : subscriptions) {
    if (s.tenant != inv.tenant || !inv.charges(s.id)) continue;
    BOOST_OUTCOME_TRY(auto lapsed, lapse_payment(s, inv.id, now, policy));
    out.events.insert(out.events.end(), lapsed.events.begin(), lapsed.events.end());
  }
  out.state = apply_all(inv, out.events);
  return out;
}

using create_billing_profile_command = basic_create_billing_profile_command<default_traits>;
using contact_info_command = basic_contact_info_command<default_traits>;
using add_payment_method_command = basic_add_payment_method_command<default_traits>;
using remove_payment_method_command = basic_remove_payment_method_command<default_traits>;
using set_default_payment_method_command = basic_set_default_payment_method_command<default_traits>;
using payment_method_command = basic_payment_method_command<default_traits>;
using billing_role_command = basic_billing_role_command<default_traits>;
using change_billing_profile_command = basic_change_billing_profile_command<default_traits>;
using issue_invoice_command = basic_issue_invoice_command<default_traits>;
using pay_invoice_command = basic_pay_invoice_command<default_traits>;

} // namespace isv
