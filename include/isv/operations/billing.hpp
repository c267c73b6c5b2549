// Billing: billing profiles (contact info, payment methods, roles), moving a subscription to another profile, and invoices (issue, view, pay, overdue).
#pragma once

#include "isv/actor.hpp"
#include "isv/operations/authorization.hpp"
#include "isv/billing_profile.hpp"
#include "isv/command.hpp"
#include "isv/detail/checks.hpp"
#include "isv/detail/range_of.hpp"
#include "isv/directory.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/evolve.hpp"
#include "isv/invoice.hpp"
#include "isv/operations/lifecycle.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"

#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace isv {

// ---- Billing profiles -------------------------------------------------------------------------

/// Creates a billing profile; its creator becomes its owner (D-BILL-2, D-ROLE-4).
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> create_billing_profile(
    const basic_tenant<T>& org, const basic_actor<T>& admin, const basic_create_billing_profile_command<T>& cmd,
    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, org.id, org.id));
  BOOST_OUTCOME_TRY(authorize(detail::guard_of(cmd), admin.roles));
  if (cmd.name == typename T::string_type{})
    return fail(errc::invalid_argument, "A billing profile needs a name.");
  return detail::update_of(basic_billing_profile<T>{}, admin, now, basic_billing_profile_created<T>{cmd.profile, cmd.name, cmd.contact, admin.user});
}

namespace detail {
template <licensing_traits T>
result<void> profile_operation_allowed(const basic_billing_profile<T>& b, const basic_actor<T>& admin,
                                       const billing_profile_id_t<T>& named, operation op) {
  BOOST_OUTCOME_TRY(same_tenant(admin, b.tenant, b.id));
  BOOST_OUTCOME_TRY(same_target(b.id, named));
  return authorize(op, admin.roles, {.profile_role = b.role_of(admin.user)});
}

/// The payment method is one of the profile's.
template <licensing_traits T>
result<void> payment_method_on(const basic_billing_profile<T>& b, const payment_method_id_t<T>& method) {
  if (b.find_payment_method(method)) return BOOST_OUTCOME_V2_NAMESPACE::success();
  return fail(errc::not_found, describe(method) + " is not on " + describe(b.id) + ".");
}

} // namespace detail

/// Changes the profile's billing address and contact name (owner or contributor, D-ROLE-4).
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> change_contact_info(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_contact_info_command<T>& cmd,
    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  return detail::update_of(b, admin, now, basic_contact_info_changed<T>{b.id, cmd.contact});
}

/// Adds a payment method (D-BILL-2). The first one becomes how invoices are paid.
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> add_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_add_payment_method_command<T>& cmd,
    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  if (b.find_payment_method(cmd.method.id))
    return fail(errc::already_exists, detail::describe(cmd.method.id) + " is already on " + detail::describe(b.id) + ".");
  const basic_payment_method_added<T> added{b.id, cmd.method};
  if (b.default_payment_method) return detail::update_of(b, admin, now, added);
  return detail::update_of(b, admin, now, added, basic_default_payment_method_set<T>{b.id, cmd.method.id});
}

/// Removes a payment method. The one invoices are paid with cannot go while others remain: choose another first.
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> remove_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin, const basic_remove_payment_method_command<T>& cmd,
    const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  BOOST_OUTCOME_TRY(detail::payment_method_on(b, cmd.method));
  if (b.default_payment_method == cmd.method && b.payment_methods.size() > 1)
    return fail(errc::invalid_argument, "Invoices of " + detail::describe(b.id) + " are paid with " +
                                            detail::describe(cmd.method) + ": choose another payment method first.");
  return detail::update_of(b, admin, now, basic_payment_method_removed<T>{b.id, cmd.method});
}

/// Chooses how the profile's invoices are paid (D-BILL-4).
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> set_default_payment_method(
    const basic_billing_profile<T>& b, const basic_actor<T>& admin,
    const basic_set_default_payment_method_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  BOOST_OUTCOME_TRY(detail::payment_method_on(b, cmd.method));
  return detail::update_of(b, admin, now, basic_default_payment_method_set<T>{b.id, cmd.method});
}

/// Grants, changes or revokes a user's role on the profile (owners only, D-ROLE-4). The last owner
/// stays. A role goes only to a user of `dir`, the tenant's directory; a role is revoked whether or
/// not its holder is still there.
template <licensing_traits T>
update_result<basic_billing_profile<T>, T> set_billing_role(
    const basic_billing_profile<T>& b, const basic_directory<T>& dir, const basic_actor<T>& admin,
    const basic_billing_role_command<T>& cmd, const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, cmd.profile, detail::guard_of(cmd)));
  if (cmd.role) {
    BOOST_OUTCOME_TRY(detail::role_holder_known(dir, admin, cmd.user, display_name(*cmd.role)));
  }
  const auto current = b.role_of(cmd.user);
  if (current == billing_role::owner && cmd.role != billing_role::owner &&
      std::count_if(b.roles.begin(), b.roles.end(), [](const auto& g) { return g.role == billing_role::owner; }) == 1)
    return fail(errc::invalid_argument,
                detail::describe(cmd.user) + " is the last owner of " + detail::describe(b.id) + ": make someone else owner first.");
  if (!cmd.role && !current)
    return fail(errc::not_found, detail::describe(cmd.user) + " has no role on " + detail::describe(b.id) + ".");
  if (current == cmd.role) return detail::update_of(b, admin, now);
  return detail::update_of(b, admin, now, basic_billing_role_changed<T>{b.id, cmd.user, cmd.role});
}

// ---- A subscription's billing profile ---------------------------------------------------------

/// Moves a subscription's charges to another profile of the same tenant (D-BILL-3). Needs a Global
/// or Billing admin (Global only if bought through a partner) who may use the new profile for purchases.
/// `subscriptions` are the tenant's: the target invoices in the currency of those it charges
/// already, and a subscription priced in another is refused (D-BILL-5).
template <licensing_traits T>
update_result<basic_subscription<T>, T> change_billing_profile(
    const basic_subscription<T>& s, const basic_billing_profile<T>& target, detail::range_of<basic_subscription<T>> subscriptions,
    const basic_actor<T>& admin, const basic_change_billing_profile_command<T>& cmd, const time_point_t<T>& now) {
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
  if (s.billing_profile == target.id) return detail::update_of(s, admin, now);
  BOOST_OUTCOME_TRY(detail::same_billing_currency<T>(target.id, s.id, s.unit_price.unit, subscriptions));
  return detail::update_of(s, admin, now, basic_billing_profile_changed<T>{s.id, *s.billing_profile, target.id});
}

// ---- Invoices ---------------------------------------------------------------------------------

/// The platform invoices a profile for every charge recorded and not yet invoiced of each active or
/// suspended subscription charged to it (D-BILL-1): each term's charge (unit price × quantity for per-user
/// pricing, the flat price otherwise), recorded when the term starts, and the prorated difference
/// of each change in the middle of a term, a line of its own (D-PRORATE-1). Each charge goes on one
/// invoice only: the invoice's events say which charges it took, and those are never invoiced
/// again, however invoicing interleaves with changes, renewals and retries. Nothing to invoice is
/// refused (invalid_argument). A deactivated subscription is invoiced no more: what it had not been
/// invoiced for lapses with it. Due `policy.payment_terms` after `now`.
template <licensing_traits T>
update_result<basic_invoice<T>, T> issue_invoice(
    const basic_billing_profile<T>& b, detail::range_of<basic_subscription<T>> subscriptions,
    const basic_issue_invoice_command<T>& cmd, const time_point_t<T>& now, const lifecycle_policy& policy = {}) {
  BOOST_OUTCOME_TRY(detail::same_target(b.id, cmd.profile));
  basic_invoice<T> inv;
  inv.id = cmd.invoice;
  inv.tenant = b.tenant;
  inv.profile = b.id;
  inv.issued_at = now;
  inv.due_at = now + policy.payment_terms;
  std::vector<basic_event<T>> taken;
  for (const auto& s : subscriptions) {
    if (s.tenant != b.tenant)
      return fail(errc::wrong_tenant, detail::describe(s.id) + " is not in " + detail::describe(b.tenant) + ".");
    const bool running = s.status == subscription_status::active || s.status == subscription_status::suspended;
    if (s.billing_profile != b.id || !running || s.charges.empty()) continue;
    for (const auto& line : s.charges) {
      const auto sum = inv.lines.empty() ? std::optional(line.amount) : checked_add(inv.total, line.amount);
      if (!sum)
        return fail(inv.total.unit == line.amount.unit ? errc::overflow : errc::invalid_argument,
                    "Cannot add " + detail::describe(s.id) + " to the invoice: " +
                        (inv.total.unit == line.amount.unit ? std::string("the total is too large")
                                                            : "it is priced in " + std::string(line.amount.unit.code()) +
                                                                  ", the invoice in " + std::string(inv.total.unit.code())) +
                        ".");
      inv.total = *sum;
      inv.lines.push_back(line);
    }
    taken.push_back(detail::make_system_event<T>(
        b.tenant, now, basic_charges_invoiced<T>{s.id, inv.id, static_cast<count_t>(s.charges.size())}));
  }
  if (inv.lines.empty())
    return fail(errc::invalid_argument, "Nothing to invoice: no active subscription charged to " + detail::describe(b.id) +
                                            " has a charge that is not invoiced yet.");
  std::vector<basic_event<T>> events{detail::make_system_event<T>(b.tenant, now, basic_invoice_issued<T>{std::move(inv)})};
  events.insert(events.end(), std::make_move_iterator(taken.begin()), std::make_move_iterator(taken.end()));
  return detail::updated(basic_invoice<T>{}, std::move(events));
}

/// Viewing an invoice needs a role on its profile (D-BILL-4, D-ROLE-4). Changes nothing: the update's state is the invoice as shown, with no events.
template <licensing_traits T>
update_result<basic_invoice<T>, T> view_invoice(const basic_billing_profile<T>& b, const basic_invoice<T>& inv,
                                                const basic_actor<T>& admin, const basic_view_invoice_command<T>& cmd) {
  BOOST_OUTCOME_TRY(detail::same_target(inv.id, cmd.invoice));
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, inv.tenant, inv.id)); // profile ids may repeat across tenants (D-TENANT-1)
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, inv.profile, detail::guard_of(cmd)));
  return basic_update<basic_invoice<T>, T>{inv, {}};
}

/// Pays an invoice (owner, contributor or invoice manager, D-ROLE-4). Subscriptions it had
/// suspended are reinstated (D-LIFE-4); pass the subscriptions it charges.
template <licensing_traits T>
update_result<basic_invoice<T>, T> pay_invoice(const basic_billing_profile<T>& b, const basic_invoice<T>& inv,
                                               detail::range_of<basic_subscription<T>> subscriptions,
                                               const basic_actor<T>& admin, const basic_pay_invoice_command<T>& cmd,
                                               const time_point_t<T>& now) {
  BOOST_OUTCOME_TRY(detail::same_target(inv.id, cmd.invoice));
  BOOST_OUTCOME_TRY(detail::same_tenant(admin, inv.tenant, inv.id)); // profile ids may repeat across tenants (D-TENANT-1)
  BOOST_OUTCOME_TRY(detail::profile_operation_allowed(b, admin, inv.profile, detail::guard_of(cmd)));
  if (inv.status == invoice_status::paid)
    return fail(errc::already_paid, detail::describe(inv.id) + " was paid already" +
                                        (inv.paid_at ? " on " + detail::format_time(*inv.paid_at) : std::string()) + ".");
  const auto method = cmd.method ? cmd.method : b.default_payment_method;
  if (!method)
    return fail(errc::invalid_argument, detail::describe(b.id) + " has no payment method: add one, then pay.");
  BOOST_OUTCOME_TRY(detail::payment_method_on(b, *method));
  std::vector<basic_event<T>> events{detail::make_event(admin, now, basic_invoice_paid<T>{inv.id, *method})};
  for (const auto& s : subscriptions) {
    if (s.tenant != inv.tenant) continue;
    BOOST_OUTCOME_TRY(auto reinstated, reinstate(s, admin, inv.id, now));
    events.insert(events.end(), reinstated.events.begin(), reinstated.events.end());
  }
  return detail::updated(inv, std::move(events));
}

/// The platform's daily look at an invoice: once past due and unpaid it is overdue, and every
/// subscription it charges is suspended for the grace period (D-LIFE-4). Before that, nothing.
template <licensing_traits T>
update_result<basic_invoice<T>, T> collect_overdue(const basic_invoice<T>& inv,
                                                   detail::range_of<basic_subscription<T>> subscriptions,
                                                   const time_point_t<T>& now, const lifecycle_policy& policy = {}) {
  if (inv.status != invoice_status::open || now < inv.due_at) return detail::updated(inv, std::vector<basic_event<T>>{});
  std::vector<basic_event<T>> events{detail::make_system_event<T>(inv.tenant, now, basic_invoice_overdue<T>{inv.id})};
  for (const auto& s : subscriptions) {
    if (s.tenant != inv.tenant || !inv.charges(s.id)) continue;
    BOOST_OUTCOME_TRY(auto lapsed, lapse_payment(s, inv.id, now, policy));
    events.insert(events.end(), lapsed.events.begin(), lapsed.events.end());
  }
  return detail::updated(inv, std::move(events));
}

} // namespace isv
