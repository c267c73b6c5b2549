// Internal: the JSON codec of every type of the library (entities, commands, events, errors): field names, enum names and the checks of each.
#pragma once

#include "isv/admin_center.hpp"
#include "isv/admin_role.hpp"
#include "isv/app.hpp"
#include "isv/assignment.hpp"
#include "isv/billing.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/describe.hpp"
#include "isv/detail/json_support.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/invoice.hpp"
#include "isv/license.hpp"
#include "isv/lifecycle.hpp"
#include "isv/membership.hpp"
#include "isv/purchase.hpp"
#include "isv/quantity.hpp"
#include "isv/role_grants.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"
#include "isv/traits.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

namespace isv::json {

// ---- Enums: the names of to_string() where the core has one, so logs and the wire agree --------

namespace detail {

template <>
struct wire_enum<app_kind> {
  static constexpr std::string_view noun = "app kind";
  static constexpr auto values = named_by_to_string(app_kind::isv, app_kind::saas);
};
template <>
struct wire_enum<pricing_model> {
  static constexpr std::string_view noun = "pricing model";
  static constexpr auto values = named_by_to_string(pricing_model::flat_rate, pricing_model::per_user);
};
template <>
struct wire_enum<billing_term> {
  static constexpr std::string_view noun = "billing term";
  static constexpr auto values = named_by_to_string(billing_term::monthly, billing_term::annual);
};
template <>
struct wire_enum<acquisition_channel> {
  static constexpr std::string_view noun = "acquisition channel";
  static constexpr auto values = named_by_to_string(acquisition_channel::direct, acquisition_channel::partner,
                                                    acquisition_channel::proposal, acquisition_channel::vendor);
};
template <>
struct wire_enum<subscription_status> {
  static constexpr std::string_view noun = "subscription status";
  static constexpr auto values = named_by_to_string(subscription_status::pending_activation, subscription_status::active,
                                                    subscription_status::suspended, subscription_status::deactivated);
};
template <>
struct wire_enum<deactivation_reason> {
  static constexpr std::string_view noun = "deactivation reason";
  static constexpr auto values =
      named_by_to_string(deactivation_reason::cancelled, deactivation_reason::expired, deactivation_reason::nonpayment);
};
template <>
struct wire_enum<payment_method_kind> {
  static constexpr std::string_view noun = "payment method kind";
  static constexpr auto values = named_by_to_string(payment_method_kind::credit_card, payment_method_kind::check_or_wire_transfer);
};
template <>
struct wire_enum<invoice_status> {
  static constexpr std::string_view noun = "invoice status";
  static constexpr auto values = named_by_to_string(invoice_status::open, invoice_status::overdue, invoice_status::paid);
};
template <>
struct wire_enum<violation_reason> {
  static constexpr std::string_view noun = "violation reason";
  static constexpr auto values = named_by_to_string(violation_reason::count_violation, violation_reason::suspended);
};
// The core names roles only for people ("Global administrator"); the wire needs identifiers.
template <>
struct wire_enum<directory_role> {
  static constexpr std::string_view noun = "directory role";
  static constexpr std::array<std::pair<directory_role, std::string_view>, 5> values{{
      {directory_role::global_administrator, "global_administrator"},
      {directory_role::billing_administrator, "billing_administrator"},
      {directory_role::license_administrator, "license_administrator"},
      {directory_role::user_administrator, "user_administrator"},
      {directory_role::global_reader, "global_reader"},
  }};
};
template <>
struct wire_enum<billing_role> {
  static constexpr std::string_view noun = "billing role";
  static constexpr std::array<std::pair<billing_role, std::string_view>, 4> values{{
      {billing_role::owner, "owner"},
      {billing_role::contributor, "contributor"},
      {billing_role::reader, "reader"},
      {billing_role::invoice_manager, "invoice_manager"},
  }};
};

// Error codes run from 1 without gaps (error.hpp), and to_string(errc) names each: the table
// follows the enum as codes are added.
[[nodiscard]] constexpr std::size_t errc_count() noexcept {
  std::size_t n = 0;
  while (::isv::to_string(static_cast<errc>(n + 1)) != "unknown") ++n;
  return n;
}
template <>
struct wire_enum<errc> {
  static constexpr std::string_view noun = "error code";
  static constexpr auto values = [] {
    std::array<std::pair<errc, std::string_view>, errc_count()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) {
      const auto code = static_cast<errc>(i + 1);
      out[i] = {code, ::isv::to_string(code)};
    }
    return out;
  }();
};

/// App prices: a price the app is not sold at (no valid currency, as the core marks it) is null.
template <class Rep>
struct price_codec {
  static void write(const basic_money<Rep>& v, document& out) {
    if (v.unit.is_valid()) codec<basic_money<Rep>>::write(v, out);
    else out = nullptr;
  }
  static bool read(const document& in, basic_money<Rep>& out, reader& r) {
    if (in.is_null()) {
      out = basic_money<Rep>{};
      return true;
    }
    return codec<basic_money<Rep>>::read(in, out, r);
  }
};

using quantity = quantity_codec;
using count = count_codec;
using version = version_codec;
template <class Codec>
using sorted = sorted_set_codec<Codec>;
using name = text_codec<name_text>;
using address = text_codec<address_text>;
using link = text_codec<link_text>;
using message = text_codec<message_text>;

} // namespace detail

// ---- Scalars ----------------------------------------------------------------------------------

template <>
struct codec<bool> {
  static void write(const bool& v, detail::document& out) { out = v; }
  static bool read(const detail::document& in, bool& out, detail::reader& r) {
    if (!in.is_boolean()) return detail::expected(r, "true or false", in);
    out = in.get<bool>();
    return true;
  }
};

template <detail::wire_enumeration E>
struct codec<E> : detail::enum_codec<E> {};

template <class Tag, class Rep>
struct codec<basic_id<Tag, Rep>> : detail::id_codec<Tag, Rep> {};

template <>
struct codec<std::chrono::sys_seconds> : detail::time_codec {};

template <class V>
struct codec<std::vector<V>> : detail::list_codec<codec<V>> {};

/// On the wire, an indirect value is the value itself.
template <class V>
struct codec<indirect<V>> {
  static void write(const indirect<V>& v, detail::document& out) { codec<V>::write(*v, out); }
  static bool read(const detail::document& in, indirect<V>& out, detail::reader& r) {
    if (out.valueless_after_move()) out = indirect<V>{};
    return codec<V>::read(in, *out, r);
  }
};

/// {"minor_units": 1234, "currency": "EUR"}
template <class Rep>
struct codec<basic_money<Rep>> : detail::object_codec<codec<basic_money<Rep>>, basic_money<Rep>> {
  using value_type = basic_money<Rep>;
  static constexpr std::string_view noun = "an amount of money";
  static constexpr auto fields() {
    return std::tuple{detail::field<detail::minor_units_codec<Rep>>("minor_units", &value_type::minor_units),
                      detail::field<detail::currency_codec>("currency", &value_type::unit)};
  }
};

template <>
struct codec<::isv::error> : detail::object_codec<codec<::isv::error>, ::isv::error> {
  using value_type = ::isv::error;
  static constexpr std::string_view noun = "an error";
  static constexpr auto fields() {
    return std::tuple{detail::field("code", &value_type::code), detail::field<detail::message>("message", &value_type::message)};
  }
};

// ---- Entities ---------------------------------------------------------------------------------

template <json_traits T>
struct codec<basic_admin_role<T>> : detail::object_codec<codec<basic_admin_role<T>>, basic_admin_role<T>> {
  using value_type = basic_admin_role<T>;
  static constexpr std::string_view noun = "an admin role grant";
  static constexpr auto fields() {
    return std::tuple{detail::field("tenant", &value_type::tenant), detail::field("user", &value_type::user),
                      detail::field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_tenant<T>> : detail::object_codec<codec<basic_tenant<T>>, basic_tenant<T>> {
  using value_type = basic_tenant<T>;
  static constexpr std::string_view noun = "a tenant";
  static constexpr auto fields() {
    return std::tuple{detail::field("id", &value_type::id), detail::field<detail::name>("name", &value_type::name),
                      detail::field<detail::name>("region", &value_type::region),
                      detail::field("admin_roles", &value_type::admin_roles),
                      detail::field<detail::version>("version", &value_type::version)};
  }
  /// A grant means nothing outside its tenant (D-ROLE-5, D-TENANT-1): one naming another tenant is forged.
  static bool check(const value_type& v, detail::reader& r) {
    for (std::size_t i = 0; i < v.admin_roles.size(); ++i)
      if (v.admin_roles[i].tenant != v.id) {
        const auto at_list = r.at("admin_roles");
        const auto at_entry = r.at(i);
        const auto at_field = r.at("tenant");
        return r.fail("a role grant of " + ::isv::detail::describe(v.id) + " names " +
                      ::isv::detail::describe(v.admin_roles[i].tenant) + "; a tenant's grants name that tenant (D-TENANT-1).");
      }
    return true;
  }
};

template <json_traits T>
struct codec<basic_app<T>> : detail::object_codec<codec<basic_app<T>>, basic_app<T>> {
  using value_type = basic_app<T>;
  static constexpr std::string_view noun = "an app";
  static constexpr auto fields() {
    using price = detail::price_codec<typename T::money_rep>;
    return std::tuple{detail::field("id", &value_type::id),
                      detail::field<detail::name>("name", &value_type::name),
                      detail::field<detail::name>("publisher", &value_type::publisher),
                      detail::field("kind", &value_type::kind),
                      detail::field("pricing", &value_type::pricing),
                      detail::field<price>("monthly_price", &value_type::monthly_price),
                      detail::field<price>("annual_price", &value_type::annual_price),
                      detail::field<detail::link>("install_link", &value_type::install_link)};
  }
};

template <json_traits T>
struct codec<basic_subscription<T>> : detail::object_codec<codec<basic_subscription<T>>, basic_subscription<T>> {
  using value_type = basic_subscription<T>;
  static constexpr std::string_view noun = "a subscription";
  static constexpr auto fields() {
    return std::tuple{detail::field("id", &value_type::id),
                      detail::field("tenant", &value_type::tenant),
                      detail::field("app", &value_type::app),
                      detail::field("kind", &value_type::kind),
                      detail::field("channel", &value_type::channel),
                      detail::field("pricing", &value_type::pricing),
                      detail::field("term", &value_type::term),
                      detail::field("unit_price", &value_type::unit_price),
                      detail::field<detail::quantity>("quantity", &value_type::quantity),
                      detail::field<detail::count>("licenses_in_use", &value_type::licenses_in_use),
                      detail::field("status", &value_type::status),
                      detail::field("reason", &value_type::reason),
                      detail::field("billing_profile", &value_type::billing_profile),
                      detail::field("auto_renew", &value_type::auto_renew),
                      detail::field("installed", &value_type::installed),
                      detail::field("purchased_at", &value_type::purchased_at),
                      detail::field("term_start", &value_type::term_start),
                      detail::field("term_end", &value_type::term_end),
                      detail::field("grace_ends", &value_type::grace_ends),
                      detail::field("lapsed_invoice", &value_type::lapsed_invoice),
                      detail::field<detail::version>("version", &value_type::version)};
  }
};

template <json_traits T>
struct codec<basic_license_paths<T>> : detail::object_codec<codec<basic_license_paths<T>>, basic_license_paths<T>> {
  using value_type = basic_license_paths<T>;
  static constexpr std::string_view noun = "the paths of a license";
  static constexpr auto fields() {
    // Sorted without repeats: via() binary-searches it (D-ASSIGN-2).
    return std::tuple{detail::field("direct", &value_type::direct),
                      detail::field<detail::sorted<codec<group_id_t<T>>>>("groups", &value_type::groups),
                      detail::field("assigned_at", &value_type::assigned_at)};
  }
};

template <json_traits T>
struct codec<basic_license<T>> : detail::object_codec<codec<basic_license<T>>, basic_license<T>> {
  using value_type = basic_license<T>;
  static constexpr std::string_view noun = "a license";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("user", &value_type::user),
                      detail::field("paths", &value_type::paths)};
  }
};

template <json_traits T>
struct codec<basic_count_violation<T>> : detail::object_codec<codec<basic_count_violation<T>>, basic_count_violation<T>> {
  using value_type = basic_count_violation<T>;
  static constexpr std::string_view noun = "a count violation";
  static constexpr auto fields() {
    return std::tuple{detail::field("user", &value_type::user), detail::field("group", &value_type::group),
                      detail::field("reason", &value_type::reason)};
  }
};

template <json_traits T>
struct codec<basic_payment_method<T>> : detail::object_codec<codec<basic_payment_method<T>>, basic_payment_method<T>> {
  using value_type = basic_payment_method<T>;
  static constexpr std::string_view noun = "a payment method";
  static constexpr auto fields() {
    return std::tuple{detail::field("id", &value_type::id), detail::field("kind", &value_type::kind),
                      detail::field<detail::name>("label", &value_type::label)};
  }
};

template <json_traits T>
struct codec<basic_contact_info<T>> : detail::object_codec<codec<basic_contact_info<T>>, basic_contact_info<T>> {
  using value_type = basic_contact_info<T>;
  static constexpr std::string_view noun = "contact info";
  static constexpr auto fields() {
    return std::tuple{detail::field<detail::name>("name", &value_type::name),
                      detail::field<detail::address>("address", &value_type::address)};
  }
};

template <json_traits T>
struct codec<basic_billing_role_grant<T>>
    : detail::object_codec<codec<basic_billing_role_grant<T>>, basic_billing_role_grant<T>> {
  using value_type = basic_billing_role_grant<T>;
  static constexpr std::string_view noun = "a billing role grant";
  static constexpr auto fields() {
    return std::tuple{detail::field("user", &value_type::user), detail::field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_billing_profile<T>> : detail::object_codec<codec<basic_billing_profile<T>>, basic_billing_profile<T>> {
  using value_type = basic_billing_profile<T>;
  static constexpr std::string_view noun = "a billing profile";
  static constexpr auto fields() {
    return std::tuple{detail::field("id", &value_type::id),
                      detail::field("tenant", &value_type::tenant),
                      detail::field<detail::name>("name", &value_type::name),
                      detail::field("contact", &value_type::contact),
                      detail::field("payment_methods", &value_type::payment_methods),
                      detail::field("default_payment_method", &value_type::default_payment_method),
                      detail::field("roles", &value_type::roles),
                      detail::field<detail::version>("version", &value_type::version)};
  }
  /// One role per user (D-ROLE-4): role_of() reads the first grant, so a second would be invisible.
  static bool check(const value_type& v, detail::reader& r) {
    for (std::size_t i = 0; i < v.roles.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (v.roles[j].user == v.roles[i].user) {
          const auto at_list = r.at("roles");
          const auto at_entry = r.at(i);
          const auto at_field = r.at("user");
          return r.fail(::isv::detail::describe(v.roles[i].user) + " already has a role on this profile (entry " +
                        std::to_string(j) + "); a user holds one role per billing profile.");
        }
    return true;
  }
};

template <json_traits T>
struct codec<basic_invoice_line<T>> : detail::object_codec<codec<basic_invoice_line<T>>, basic_invoice_line<T>> {
  using value_type = basic_invoice_line<T>;
  static constexpr std::string_view noun = "an invoice line";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("app", &value_type::app),
                      detail::field("pricing", &value_type::pricing),
                      detail::field("term", &value_type::term),
                      detail::field<detail::quantity>("quantity", &value_type::quantity),
                      detail::field("unit_price", &value_type::unit_price),
                      detail::field("amount", &value_type::amount),
                      detail::field("period_start", &value_type::period_start),
                      detail::field("period_end", &value_type::period_end)};
  }
};

template <json_traits T>
struct codec<basic_invoice<T>> : detail::object_codec<codec<basic_invoice<T>>, basic_invoice<T>> {
  using value_type = basic_invoice<T>;
  static constexpr std::string_view noun = "an invoice";
  static constexpr auto fields() {
    return std::tuple{detail::field("id", &value_type::id),
                      detail::field("tenant", &value_type::tenant),
                      detail::field("profile", &value_type::profile),
                      detail::field("issued_at", &value_type::issued_at),
                      detail::field("due_at", &value_type::due_at),
                      detail::field("lines", &value_type::lines),
                      detail::field("total", &value_type::total),
                      detail::field("status", &value_type::status),
                      detail::field("paid_at", &value_type::paid_at),
                      detail::field("paid_with", &value_type::paid_with),
                      detail::field<detail::version>("version", &value_type::version)};
  }
};

// ---- Commands and what operations report --------------------------------------------------------

template <json_traits T>
struct codec<basic_purchase_command<T>> : detail::object_codec<codec<basic_purchase_command<T>>, basic_purchase_command<T>> {
  using value_type = basic_purchase_command<T>;
  static constexpr std::string_view noun = "a purchase command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("app", &value_type::app),
                      detail::field("channel", &value_type::channel),
                      detail::field("term", &value_type::term),
                      detail::field<detail::quantity>("quantity", &value_type::quantity),
                      detail::field("agreement_accepted", &value_type::agreement_accepted),
                      detail::field("billing_profile", &value_type::billing_profile),
                      detail::field("auto_renew", &value_type::auto_renew)};
  }
};

template <json_traits T>
struct codec<basic_install_command<T>> : detail::object_codec<codec<basic_install_command<T>>, basic_install_command<T>> {
  using value_type = basic_install_command<T>;
  static constexpr std::string_view noun = "an install command";
  static constexpr auto fields() { return std::tuple{detail::field("subscription", &value_type::subscription)}; }
};

template <json_traits T>
struct codec<basic_assign_command<T>> : detail::object_codec<codec<basic_assign_command<T>>, basic_assign_command<T>> {
  using value_type = basic_assign_command<T>;
  static constexpr std::string_view noun = "an assign command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("users", &value_type::users),
                      detail::field("groups", &value_type::groups)};
  }
};

template <json_traits T>
struct codec<basic_assignment_report<T>>
    : detail::object_codec<codec<basic_assignment_report<T>>, basic_assignment_report<T>> {
  using value_type = basic_assignment_report<T>;
  static constexpr std::string_view noun = "an assignment report";
  static constexpr auto fields() {
    return std::tuple{detail::field("already_assigned", &value_type::already_assigned),
                      detail::field("groups_already_assigned", &value_type::groups_already_assigned),
                      detail::field("violations", &value_type::violations),
                      detail::field<detail::count>("licenses_added", &value_type::licenses_added)};
  }
};

template <json_traits T>
struct codec<basic_unassign_command<T>> : detail::object_codec<codec<basic_unassign_command<T>>, basic_unassign_command<T>> {
  using value_type = basic_unassign_command<T>;
  static constexpr std::string_view noun = "an unassign command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("users", &value_type::users),
                      detail::field("groups", &value_type::groups)};
  }
};

template <json_traits T>
struct codec<basic_unassign_preview<T>> : detail::object_codec<codec<basic_unassign_preview<T>>, basic_unassign_preview<T>> {
  using value_type = basic_unassign_preview<T>;
  static constexpr std::string_view noun = "an unassign preview";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field<detail::version>("version", &value_type::version),
                      detail::field("users", &value_type::users),
                      detail::field("groups", &value_type::groups),
                      detail::field("losing_license", &value_type::losing_license),
                      detail::field("keeping_license", &value_type::keeping_license),
                      detail::field("not_assigned", &value_type::not_assigned),
                      detail::field("groups_not_assigned", &value_type::groups_not_assigned)};
  }
};

template <json_traits T>
struct codec<basic_reprocess_command<T>> : detail::object_codec<codec<basic_reprocess_command<T>>, basic_reprocess_command<T>> {
  using value_type = basic_reprocess_command<T>;
  static constexpr std::string_view noun = "a reprocess command";
  static constexpr auto fields() { return std::tuple{detail::field("subscription", &value_type::subscription)}; }
};

template <json_traits T>
struct codec<basic_add_users_command<T>> : detail::object_codec<codec<basic_add_users_command<T>>, basic_add_users_command<T>> {
  using value_type = basic_add_users_command<T>;
  static constexpr std::string_view noun = "an add-users command";
  static constexpr auto fields() { return std::tuple{detail::field("users", &value_type::users)}; }
};

template <json_traits T>
struct codec<basic_create_group_command<T>>
    : detail::object_codec<codec<basic_create_group_command<T>>, basic_create_group_command<T>> {
  using value_type = basic_create_group_command<T>;
  static constexpr std::string_view noun = "a create-group command";
  static constexpr auto fields() {
    return std::tuple{detail::field("group", &value_type::group), detail::field<detail::name>("name", &value_type::name)};
  }
};

template <json_traits T>
struct codec<basic_membership_command<T>>
    : detail::object_codec<codec<basic_membership_command<T>>, basic_membership_command<T>> {
  using value_type = basic_membership_command<T>;
  static constexpr std::string_view noun = "a membership command";
  static constexpr auto fields() {
    return std::tuple{detail::field("group", &value_type::group), detail::field("users", &value_type::users)};
  }
};

template <json_traits T>
struct codec<basic_role_command<T>> : detail::object_codec<codec<basic_role_command<T>>, basic_role_command<T>> {
  using value_type = basic_role_command<T>;
  static constexpr std::string_view noun = "a role command";
  static constexpr auto fields() {
    return std::tuple{detail::field("user", &value_type::user), detail::field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_change_quantity_command<T>>
    : detail::object_codec<codec<basic_change_quantity_command<T>>, basic_change_quantity_command<T>> {
  using value_type = basic_change_quantity_command<T>;
  static constexpr std::string_view noun = "a change-quantity command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field<detail::quantity>("quantity", &value_type::quantity)};
  }
};

template <json_traits T>
struct codec<basic_subscription_command<T>>
    : detail::object_codec<codec<basic_subscription_command<T>>, basic_subscription_command<T>> {
  using value_type = basic_subscription_command<T>;
  static constexpr std::string_view noun = "a subscription command";
  static constexpr auto fields() { return std::tuple{detail::field("subscription", &value_type::subscription)}; }
};

template <json_traits T>
struct codec<basic_auto_renew_command<T>>
    : detail::object_codec<codec<basic_auto_renew_command<T>>, basic_auto_renew_command<T>> {
  using value_type = basic_auto_renew_command<T>;
  static constexpr std::string_view noun = "an auto-renew command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("auto_renew", &value_type::auto_renew)};
  }
};

template <json_traits T>
struct codec<basic_change_billing_profile_command<T>>
    : detail::object_codec<codec<basic_change_billing_profile_command<T>>, basic_change_billing_profile_command<T>> {
  using value_type = basic_change_billing_profile_command<T>;
  static constexpr std::string_view noun = "a change-billing-profile command";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("profile", &value_type::profile)};
  }
};

template <json_traits T>
struct codec<basic_create_billing_profile_command<T>>
    : detail::object_codec<codec<basic_create_billing_profile_command<T>>, basic_create_billing_profile_command<T>> {
  using value_type = basic_create_billing_profile_command<T>;
  static constexpr std::string_view noun = "a create-billing-profile command";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field<detail::name>("name", &value_type::name),
                      detail::field("contact", &value_type::contact)};
  }
};

template <json_traits T>
struct codec<basic_contact_info_command<T>>
    : detail::object_codec<codec<basic_contact_info_command<T>>, basic_contact_info_command<T>> {
  using value_type = basic_contact_info_command<T>;
  static constexpr std::string_view noun = "a contact-info command";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("contact", &value_type::contact)};
  }
};

template <json_traits T>
struct codec<basic_add_payment_method_command<T>>
    : detail::object_codec<codec<basic_add_payment_method_command<T>>, basic_add_payment_method_command<T>> {
  using value_type = basic_add_payment_method_command<T>;
  static constexpr std::string_view noun = "an add-payment-method command";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_payment_method_command<T>>
    : detail::object_codec<codec<basic_payment_method_command<T>>, basic_payment_method_command<T>> {
  using value_type = basic_payment_method_command<T>;
  static constexpr std::string_view noun = "a payment-method command";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_billing_role_command<T>>
    : detail::object_codec<codec<basic_billing_role_command<T>>, basic_billing_role_command<T>> {
  using value_type = basic_billing_role_command<T>;
  static constexpr std::string_view noun = "a billing-role command";
  static constexpr auto fields() {
    // "role": null revokes; a command that forgot the field must not revoke by accident.
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("user", &value_type::user),
                      detail::nullable_field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_issue_invoice_command<T>>
    : detail::object_codec<codec<basic_issue_invoice_command<T>>, basic_issue_invoice_command<T>> {
  using value_type = basic_issue_invoice_command<T>;
  static constexpr std::string_view noun = "an issue-invoice command";
  static constexpr auto fields() {
    return std::tuple{detail::field("invoice", &value_type::invoice), detail::field("profile", &value_type::profile)};
  }
};

template <json_traits T>
struct codec<basic_pay_invoice_command<T>>
    : detail::object_codec<codec<basic_pay_invoice_command<T>>, basic_pay_invoice_command<T>> {
  using value_type = basic_pay_invoice_command<T>;
  static constexpr std::string_view noun = "a pay-invoice command";
  static constexpr auto fields() {
    return std::tuple{detail::field("invoice", &value_type::invoice), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_view_invoice_command<T>>
    : detail::object_codec<codec<basic_view_invoice_command<T>>, basic_view_invoice_command<T>> {
  using value_type = basic_view_invoice_command<T>;
  static constexpr std::string_view noun = "a view-invoice command";
  static constexpr auto fields() { return std::tuple{detail::field("invoice", &value_type::invoice)}; }
};

template <json_traits T>
struct codec<basic_collect_overdue_command<T>>
    : detail::object_codec<codec<basic_collect_overdue_command<T>>, basic_collect_overdue_command<T>> {
  using value_type = basic_collect_overdue_command<T>;
  static constexpr std::string_view noun = "a collect-overdue command";
  static constexpr auto fields() { return std::tuple{detail::field("invoice", &value_type::invoice)}; }
};

template <json_traits T>
struct codec<basic_advance_command<T>> : detail::object_codec<codec<basic_advance_command<T>>, basic_advance_command<T>> {
  using value_type = basic_advance_command<T>;
  static constexpr std::string_view noun = "an advance command";
  static constexpr auto fields() { return std::tuple{detail::field("subscriptions", &value_type::subscriptions)}; }
};

// ---- Event payloads ---------------------------------------------------------------------------

template <json_traits T>
struct codec<basic_role_granted<T>> : detail::object_codec<codec<basic_role_granted<T>>, basic_role_granted<T>> {
  using value_type = basic_role_granted<T>;
  static constexpr std::string_view noun = "a role_granted event";
  static constexpr auto fields() {
    return std::tuple{detail::field("user", &value_type::user), detail::field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_role_revoked<T>> : detail::object_codec<codec<basic_role_revoked<T>>, basic_role_revoked<T>> {
  using value_type = basic_role_revoked<T>;
  static constexpr std::string_view noun = "a role_revoked event";
  static constexpr auto fields() {
    return std::tuple{detail::field("user", &value_type::user), detail::field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_users_added<T>> : detail::object_codec<codec<basic_users_added<T>>, basic_users_added<T>> {
  using value_type = basic_users_added<T>;
  static constexpr std::string_view noun = "a users_added event";
  static constexpr auto fields() { return std::tuple{detail::field("users", &value_type::users)}; }
};

template <json_traits T>
struct codec<basic_group_created<T>> : detail::object_codec<codec<basic_group_created<T>>, basic_group_created<T>> {
  using value_type = basic_group_created<T>;
  static constexpr std::string_view noun = "a group_created event";
  static constexpr auto fields() {
    return std::tuple{detail::field("group", &value_type::group), detail::field<detail::name>("name", &value_type::name)};
  }
};

template <json_traits T>
struct codec<basic_members_added<T>> : detail::object_codec<codec<basic_members_added<T>>, basic_members_added<T>> {
  using value_type = basic_members_added<T>;
  static constexpr std::string_view noun = "a members_added event";
  static constexpr auto fields() {
    return std::tuple{detail::field("group", &value_type::group), detail::field("users", &value_type::users)};
  }
};

template <json_traits T>
struct codec<basic_members_removed<T>> : detail::object_codec<codec<basic_members_removed<T>>, basic_members_removed<T>> {
  using value_type = basic_members_removed<T>;
  static constexpr std::string_view noun = "a members_removed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("group", &value_type::group), detail::field("users", &value_type::users)};
  }
};

template <json_traits T>
struct codec<basic_subscription_purchased<T>>
    : detail::object_codec<codec<basic_subscription_purchased<T>>, basic_subscription_purchased<T>> {
  using value_type = basic_subscription_purchased<T>;
  static constexpr std::string_view noun = "a subscription_purchased event";
  static constexpr auto fields() { return std::tuple{detail::field("subscription", &value_type::subscription)}; }
};

template <json_traits T>
struct codec<basic_subscription_activated<T>>
    : detail::object_codec<codec<basic_subscription_activated<T>>, basic_subscription_activated<T>> {
  using value_type = basic_subscription_activated<T>;
  static constexpr std::string_view noun = "a subscription_activated event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("term_start", &value_type::term_start), detail::field("term_end", &value_type::term_end)};
  }
};

template <json_traits T>
struct codec<basic_app_installed<T>> : detail::object_codec<codec<basic_app_installed<T>>, basic_app_installed<T>> {
  using value_type = basic_app_installed<T>;
  static constexpr std::string_view noun = "an app_installed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field<detail::link>("link", &value_type::link)};
  }
};

template <json_traits T>
struct codec<basic_licenses_granted<T>> : detail::object_codec<codec<basic_licenses_granted<T>>, basic_licenses_granted<T>> {
  using value_type = basic_licenses_granted<T>;
  static constexpr std::string_view noun = "a licenses_granted event";
  static constexpr auto fields() {
    // "via": null is a direct assignment; leaving it out must not turn a group grant into one.
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::nullable_field("via", &value_type::via),
                      detail::field("new_holders", &value_type::new_holders),
                      detail::field("added_path", &value_type::added_path)};
  }
};

template <json_traits T>
struct codec<basic_licenses_released<T>> : detail::object_codec<codec<basic_licenses_released<T>>, basic_licenses_released<T>> {
  using value_type = basic_licenses_released<T>;
  static constexpr std::string_view noun = "a licenses_released event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::nullable_field("via", &value_type::via),
                      detail::field("released", &value_type::released),
                      detail::field("removed_path", &value_type::removed_path)};
  }
};

template <json_traits T>
struct codec<basic_group_assigned<T>> : detail::object_codec<codec<basic_group_assigned<T>>, basic_group_assigned<T>> {
  using value_type = basic_group_assigned<T>;
  static constexpr std::string_view noun = "a group_assigned event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("group", &value_type::group)};
  }
};

template <json_traits T>
struct codec<basic_group_unassigned<T>> : detail::object_codec<codec<basic_group_unassigned<T>>, basic_group_unassigned<T>> {
  using value_type = basic_group_unassigned<T>;
  static constexpr std::string_view noun = "a group_unassigned event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("group", &value_type::group)};
  }
};

template <json_traits T>
struct codec<basic_violations_recorded<T>>
    : detail::object_codec<codec<basic_violations_recorded<T>>, basic_violations_recorded<T>> {
  using value_type = basic_violations_recorded<T>;
  static constexpr std::string_view noun = "a violations_recorded event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("group", &value_type::group),
                      detail::field("users", &value_type::users), detail::field("reason", &value_type::reason)};
  }
};

template <json_traits T>
struct codec<basic_violations_cleared<T>> : detail::object_codec<codec<basic_violations_cleared<T>>, basic_violations_cleared<T>> {
  using value_type = basic_violations_cleared<T>;
  static constexpr std::string_view noun = "a violations_cleared event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("group", &value_type::group),
                      detail::field("users", &value_type::users)};
  }
};

template <json_traits T>
struct codec<basic_quantity_changed<T>> : detail::object_codec<codec<basic_quantity_changed<T>>, basic_quantity_changed<T>> {
  using value_type = basic_quantity_changed<T>;
  static constexpr std::string_view noun = "a quantity_changed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field<detail::quantity>("from", &value_type::from),
                      detail::field<detail::quantity>("to", &value_type::to)};
  }
};

template <json_traits T>
struct codec<basic_auto_renew_changed<T>> : detail::object_codec<codec<basic_auto_renew_changed<T>>, basic_auto_renew_changed<T>> {
  using value_type = basic_auto_renew_changed<T>;
  static constexpr std::string_view noun = "an auto_renew_changed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("auto_renew", &value_type::auto_renew)};
  }
};

template <json_traits T>
struct codec<basic_billing_profile_changed<T>>
    : detail::object_codec<codec<basic_billing_profile_changed<T>>, basic_billing_profile_changed<T>> {
  using value_type = basic_billing_profile_changed<T>;
  static constexpr std::string_view noun = "a billing_profile_changed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("from", &value_type::from),
                      detail::field("to", &value_type::to)};
  }
};

template <json_traits T>
struct codec<basic_subscription_renewed<T>>
    : detail::object_codec<codec<basic_subscription_renewed<T>>, basic_subscription_renewed<T>> {
  using value_type = basic_subscription_renewed<T>;
  static constexpr std::string_view noun = "a subscription_renewed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription),
                      detail::field("term_start", &value_type::term_start), detail::field("term_end", &value_type::term_end)};
  }
};

template <json_traits T>
struct codec<basic_subscription_suspended<T>>
    : detail::object_codec<codec<basic_subscription_suspended<T>>, basic_subscription_suspended<T>> {
  using value_type = basic_subscription_suspended<T>;
  static constexpr std::string_view noun = "a subscription_suspended event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("invoice", &value_type::invoice),
                      detail::field("grace_ends", &value_type::grace_ends)};
  }
};

template <json_traits T>
struct codec<basic_subscription_reinstated<T>>
    : detail::object_codec<codec<basic_subscription_reinstated<T>>, basic_subscription_reinstated<T>> {
  using value_type = basic_subscription_reinstated<T>;
  static constexpr std::string_view noun = "a subscription_reinstated event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("invoice", &value_type::invoice)};
  }
};

template <json_traits T>
struct codec<basic_subscription_deactivated<T>>
    : detail::object_codec<codec<basic_subscription_deactivated<T>>, basic_subscription_deactivated<T>> {
  using value_type = basic_subscription_deactivated<T>;
  static constexpr std::string_view noun = "a subscription_deactivated event";
  static constexpr auto fields() {
    return std::tuple{detail::field("subscription", &value_type::subscription), detail::field("reason", &value_type::reason)};
  }
};

template <json_traits T>
struct codec<basic_billing_profile_created<T>>
    : detail::object_codec<codec<basic_billing_profile_created<T>>, basic_billing_profile_created<T>> {
  using value_type = basic_billing_profile_created<T>;
  static constexpr std::string_view noun = "a billing_profile_created event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field<detail::name>("name", &value_type::name),
                      detail::field("contact", &value_type::contact), detail::field("owner", &value_type::owner)};
  }
};

template <json_traits T>
struct codec<basic_contact_info_changed<T>>
    : detail::object_codec<codec<basic_contact_info_changed<T>>, basic_contact_info_changed<T>> {
  using value_type = basic_contact_info_changed<T>;
  static constexpr std::string_view noun = "a contact_info_changed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("contact", &value_type::contact)};
  }
};

template <json_traits T>
struct codec<basic_payment_method_added<T>>
    : detail::object_codec<codec<basic_payment_method_added<T>>, basic_payment_method_added<T>> {
  using value_type = basic_payment_method_added<T>;
  static constexpr std::string_view noun = "a payment_method_added event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_payment_method_removed<T>>
    : detail::object_codec<codec<basic_payment_method_removed<T>>, basic_payment_method_removed<T>> {
  using value_type = basic_payment_method_removed<T>;
  static constexpr std::string_view noun = "a payment_method_removed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_default_payment_method_set<T>>
    : detail::object_codec<codec<basic_default_payment_method_set<T>>, basic_default_payment_method_set<T>> {
  using value_type = basic_default_payment_method_set<T>;
  static constexpr std::string_view noun = "a default_payment_method_set event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_billing_role_changed<T>>
    : detail::object_codec<codec<basic_billing_role_changed<T>>, basic_billing_role_changed<T>> {
  using value_type = basic_billing_role_changed<T>;
  static constexpr std::string_view noun = "a billing_role_changed event";
  static constexpr auto fields() {
    return std::tuple{detail::field("profile", &value_type::profile), detail::field("user", &value_type::user),
                      detail::nullable_field("role", &value_type::role)};
  }
};

template <json_traits T>
struct codec<basic_invoice_issued<T>> : detail::object_codec<codec<basic_invoice_issued<T>>, basic_invoice_issued<T>> {
  using value_type = basic_invoice_issued<T>;
  static constexpr std::string_view noun = "an invoice_issued event";
  static constexpr auto fields() { return std::tuple{detail::field("invoice", &value_type::invoice)}; }
};

template <json_traits T>
struct codec<basic_invoice_paid<T>> : detail::object_codec<codec<basic_invoice_paid<T>>, basic_invoice_paid<T>> {
  using value_type = basic_invoice_paid<T>;
  static constexpr std::string_view noun = "an invoice_paid event";
  static constexpr auto fields() {
    return std::tuple{detail::field("invoice", &value_type::invoice), detail::field("method", &value_type::method)};
  }
};

template <json_traits T>
struct codec<basic_invoice_overdue<T>> : detail::object_codec<codec<basic_invoice_overdue<T>>, basic_invoice_overdue<T>> {
  using value_type = basic_invoice_overdue<T>;
  static constexpr std::string_view noun = "an invoice_overdue event";
  static constexpr auto fields() { return std::tuple{detail::field("invoice", &value_type::invoice)}; }
};

/// A payload is its fields plus "type", the event_name() of the payload ("licenses_granted").
template <json_traits T>
struct codec<event_payload_t<T>> {
  using value_type = event_payload_t<T>;
  static constexpr std::size_t size = std::variant_size_v<value_type>;

  static void write(const value_type& p, detail::document& out) {
    std::visit([&](const auto& alternative) { codec<std::decay_t<decltype(alternative)>>::write(alternative, out); }, p);
    out["type"] = std::string(event_name<T>(p));
  }

  static bool read(const detail::document& in, value_type& out, detail::reader& r) {
    if (!in.is_object()) return detail::expected(r, "an event payload (an object)", in);
    const auto type = in.find("type");
    if (type == in.end()) {
      const auto here = r.at("type");
      return r.fail("the field \"type\" of an event payload is missing; it names the event, such as \"licenses_granted\".");
    }
    if (!type->is_string()) {
      const auto here = r.at("type");
      return detail::expected(r, "an event type (a string such as \"licenses_granted\")", *type);
    }
    return read_alternative(in, type->get_ref<const std::string&>(), out, r, std::make_index_sequence<size>{});
  }

  /// The wire names, in the order of the variant.
  [[nodiscard]] static const std::array<std::string_view, size>& names() {
    static const auto table = []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<std::string_view, size>{event_name<T>(value_type{std::in_place_index<I>})...};
    }(std::make_index_sequence<size>{});
    return table;
  }

private:
  template <std::size_t... I>
  static bool read_alternative(const detail::document& in, const std::string& name, value_type& out, detail::reader& r,
                               std::index_sequence<I...>) {
    bool found = false;
    bool ok = false;
    ((!found && names()[I] == name ? (found = true, ok = read_as<I>(in, out, r)) : false), ...);
    if (found) return ok;
    const auto here = r.at("type");
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "\"" : ", \"") + std::string(n) + "\"";
    return r.fail("unknown event type " + detail::quote(name) + "; expected one of " + known + ".");
  }

  template <std::size_t I>
  static bool read_as(const detail::document& in, value_type& out, detail::reader& r) {
    using alternative = std::variant_alternative_t<I, value_type>;
    alternative v{};
    if (!codec<alternative>::read_tagged(in, v, r, "type")) return false;
    out.template emplace<I>(std::move(v));
    return true;
  }
};

/// {"tenant": "1", "actor": "42" (null: the platform), "at": "...", "payload": {"type": ..., ...}}
template <json_traits T>
struct codec<basic_event<T>> : detail::object_codec<codec<basic_event<T>>, basic_event<T>> {
  using value_type = basic_event<T>;
  static constexpr std::string_view noun = "an event";
  static constexpr auto fields() {
    // "actor": null is the platform; an event that left it out must not be read as the platform's.
    return std::tuple{detail::field("tenant", &value_type::tenant), detail::nullable_field("actor", &value_type::actor),
                      detail::field("at", &value_type::at), detail::field("payload", &value_type::payload)};
  }
};

} // namespace isv::json
