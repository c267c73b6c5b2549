// Internal: the JSON codec of every type of the library (entities, commands, events, errors): the rules that pick the codec of each described field, the nouns of records and enums, and the checks of each record.
#pragma once

#include "isv/admin_center.hpp"
#include "isv/admin_role.hpp"
#include "isv/app.hpp"
#include "isv/operations/assignment.hpp"
#include "isv/operations/billing.hpp"
#include "isv/billing_profile.hpp"
#include "isv/detail/describe.hpp"
#include "isv/error.hpp"
#include "isv/event.hpp"
#include "isv/invoice.hpp"
#include "isv/json/support.hpp"
#include "isv/license.hpp"
#include "isv/license_file.hpp"
#include "isv/operations/access.hpp"
#include "isv/operations/lifecycle.hpp"
#include "isv/operations/membership.hpp"
#include "isv/operations/purchase.hpp"
#include "isv/operations/quantity.hpp"
#include "isv/operations/role_grants.hpp"
#include "isv/region.hpp"
#include "isv/subscription.hpp"
#include "isv/tenant.hpp"
#include "isv/traits.hpp"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace isv::json {

// ---- Enums: what each is called in a refusal; the names of its values come from its description --

namespace detail {

template <>
struct wire_enum<app_kind> {
  static constexpr std::string_view noun = "app kind";
};
template <>
struct wire_enum<pricing_model> {
  static constexpr std::string_view noun = "pricing model";
};
template <>
struct wire_enum<billing_term> {
  static constexpr std::string_view noun = "billing term";
};
template <>
struct wire_enum<acquisition_channel> {
  static constexpr std::string_view noun = "acquisition channel";
};
template <>
struct wire_enum<subscription_status> {
  static constexpr std::string_view noun = "subscription status";
};
template <>
struct wire_enum<deactivation_reason> {
  static constexpr std::string_view noun = "deactivation reason";
};
template <>
struct wire_enum<payment_method_kind> {
  static constexpr std::string_view noun = "payment method kind";
};
template <>
struct wire_enum<invoice_status> {
  static constexpr std::string_view noun = "invoice status";
};
template <>
struct wire_enum<violation_reason> {
  static constexpr std::string_view noun = "violation reason";
};
template <>
struct wire_enum<access_state> {
  static constexpr std::string_view noun = "access state";
};
template <>
struct wire_enum<access_reason> {
  static constexpr std::string_view noun = "access reason";
};
template <>
struct wire_enum<license_scope> {
  static constexpr std::string_view noun = "license scope";
};
template <>
struct wire_enum<directory_role> {
  static constexpr std::string_view noun = "directory role";
};
template <>
struct wire_enum<billing_role> {
  static constexpr std::string_view noun = "billing role";
};

template <>
struct wire_enum<invoice_line_kind> {
  static constexpr std::string_view noun = "invoice line kind";
};
template <>
struct wire_enum<marketplace_action> {
  static constexpr std::string_view noun = "marketplace action";
};
template <>
struct wire_enum<marketplace_outcome> {
  static constexpr std::string_view noun = "marketplace outcome";
};

template <>
struct wire_enum<errc> {
  static constexpr std::string_view noun = "error code";
};

/// App prices: a price the app is not sold at (no valid currency, as the core marks it) is null.
template <class Money>
struct price_codec {
  static void write(const Money& v, document& out) {
    if (v.unit.is_valid()) codec<Money>::write(v, out);
    else out = nullptr;
  }
  static bool read(const document& in, Money& out, reader& r) {
    if (in.is_null()) {
      out = Money{};
      return true;
    }
    return codec<Money>::read(in, out, r);
  }
};

template <class Owner>
inline constexpr bool is_license_paths = false;
template <json_traits T>
inline constexpr bool is_license_paths<basic_license_paths<T>> = true;

/// A tenant's country (D-BUY-5): written as it is; read as a name, and a country's old name, as
/// data written before codes holds it ("Germany"), as its code ("DE").
struct region_codec : text_codec<name_text> {
  template <json_text S>
  static bool read(const document& in, S& out, reader& r) {
    if (!text_codec<name_text>::read(in, out, r)) return false;
    if (const auto code = ::isv::country_code_of_name(std::string_view(out.data(), out.size())))
      out = S(code->data(), code->size());
    return true;
  }
};

/// THE RULES OF THE WIRE: the codec of a described field of a record, from its type and its name.
/// A field named by no rule uses the codec of its type, so a field added to a record reaches JSON
/// with no edit here. Each field's JSON name is its member name.
template <class Owner, class D, class V = field_value_t<D>>
consteval auto codec_rule() {
  constexpr std::string_view field = D::name;
  if constexpr (std::same_as<V, count_t>) {
    if constexpr (field == "version") return std::type_identity<version_codec>{}; // events applied: 0 and up
    else if constexpr (field == "quantity" || field == "from" || field == "to")
      return std::type_identity<quantity_codec>{}; // seats bought: 1 to max_quantity (D-QTY-4)
    else return std::type_identity<count_codec>{}; // licenses counted: 0 to max_quantity
  } else if constexpr (json_text<V>) {
    if constexpr (field == "address") return std::type_identity<text_codec<address_text>>{};
    else if constexpr (field == "link" || field == "install_link") return std::type_identity<text_codec<link_text>>{};
    else if constexpr (field == "message") return std::type_identity<text_codec<message_text>>{};
    else if constexpr (field == "region") return std::type_identity<region_codec>{};
    else return std::type_identity<text_codec<name_text>>{}; // names, publishers, labels
  } else if constexpr (field == "monthly_price" || field == "annual_price") {
    return std::type_identity<price_codec<V>>{}; // null: not sold on that term
  } else if constexpr (is_license_paths<Owner> && field == "groups") {
    return std::type_identity<sorted_set_codec<codec<typename V::value_type>>>{}; // via() binary-searches it (D-ASSIGN-2)
  } else {
    return std::type_identity<codec<V>>{};
  }
}

/// Optional fields that must be written even when empty, as null, because empty is itself a fact or
/// an instruction: leaving one out must not read as a direct grant (`via`), a revocation (`role`) or
/// the platform (`actor`). Other optional fields may be left out.
[[nodiscard]] constexpr presence presence_rule(std::string_view field) noexcept {
  return field == "via" || field == "role" || field == "actor" ? presence::required : presence::optional;
}

// What each record is called in a refusal ("the field \"quantity\" of a purchase command is missing").
// A type with a noun here has a JSON codec.
template <class R>
inline constexpr std::string_view record_noun{};
template <>
inline constexpr std::string_view record_noun<::isv::error> = "an error";
template <json_traits T> inline constexpr std::string_view record_noun<basic_admin_role<T>> = "an admin role grant";
template <json_traits T> inline constexpr std::string_view record_noun<basic_tenant<T>> = "a tenant";
template <json_traits T> inline constexpr std::string_view record_noun<basic_app<T>> = "an app";
template <json_traits T> inline constexpr std::string_view record_noun<basic_subscription<T>> = "a subscription";
template <json_traits T> inline constexpr std::string_view record_noun<basic_license_paths<T>> = "the paths of a license";
template <json_traits T> inline constexpr std::string_view record_noun<basic_license<T>> = "a license";
template <json_traits T> inline constexpr std::string_view record_noun<basic_count_violation<T>> = "a count violation";
template <json_traits T> inline constexpr std::string_view record_noun<basic_access<T>> = "an access check";
template <json_traits T> inline constexpr std::string_view record_noun<basic_license_statement<T>> = "a license statement";
template <json_traits T> inline constexpr std::string_view record_noun<basic_payment_method<T>> = "a payment method";
template <json_traits T> inline constexpr std::string_view record_noun<basic_contact_info<T>> = "contact info";
template <json_traits T> inline constexpr std::string_view record_noun<basic_billing_role_grant<T>> = "a billing role grant";
template <json_traits T> inline constexpr std::string_view record_noun<basic_billing_profile<T>> = "a billing profile";
template <json_traits T> inline constexpr std::string_view record_noun<basic_invoice_line<T>> = "an invoice line";
template <json_traits T> inline constexpr std::string_view record_noun<basic_invoice<T>> = "an invoice";
template <json_traits T> inline constexpr std::string_view record_noun<basic_purchase_command<T>> = "a purchase command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_install_command<T>> = "an install command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_assign_command<T>> = "an assign command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_assignment_report<T>> = "an assignment report";
template <json_traits T> inline constexpr std::string_view record_noun<basic_unassign_command<T>> = "an unassign command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_unassign_preview<T>> = "an unassign preview";
template <json_traits T> inline constexpr std::string_view record_noun<basic_confirm_unassign_command<T>> = "an unassign preview";
template <json_traits T> inline constexpr std::string_view record_noun<basic_reprocess_command<T>> = "a reprocess command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_add_users_command<T>> = "an add-users command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_create_group_command<T>> = "a create-group command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_add_members_command<T>> = "a membership command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_remove_members_command<T>> = "a membership command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_remove_users_command<T>> = "a remove-users command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_delete_group_command<T>> = "a delete-group command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_name_user_command<T>> = "a name-user command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_grant_role_command<T>> = "a role command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_revoke_role_command<T>> = "a role command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_change_quantity_command<T>> = "a change-quantity command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_activate_command<T>> = "a subscription command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_cancel_command<T>> = "a subscription command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_auto_renew_command<T>> = "an auto-renew command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_change_billing_profile_command<T>> = "a change-billing-profile command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_create_billing_profile_command<T>> = "a create-billing-profile command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_contact_info_command<T>> = "a contact-info command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_add_payment_method_command<T>> = "an add-payment-method command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_remove_payment_method_command<T>> = "a payment-method command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_set_default_payment_method_command<T>> = "a payment-method command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_billing_role_command<T>> = "a billing-role command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_issue_invoice_command<T>> = "an issue-invoice command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_pay_invoice_command<T>> = "a pay-invoice command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_view_invoice_command<T>> = "a view-invoice command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_collect_overdue_command<T>> = "a collect-overdue command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_advance_command<T>> = "an advance command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_reinstate_command<T>> = "a subscription command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_change_plan_command<T>> = "a change-plan command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_plan<T>> = "a plan";
template <json_traits T> inline constexpr std::string_view record_noun<basic_marketplace_decision<T>> = "a marketplace decision";
template <json_traits T> inline constexpr std::string_view record_noun<basic_marketplace_subscribe_command<T>> = "a marketplace subscribe command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_marketplace_activate_command<T>> = "a marketplace activate command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_marketplace_webhook_command<T>> = "a marketplace webhook command";
template <json_traits T> inline constexpr std::string_view record_noun<basic_event<T>> = "an event";

/// An event payload is called after its type name: "a licenses_granted event", "an app_installed event".
template <class R>
struct event_payload_noun {
  static constexpr std::string_view name = R::type_name;
  static constexpr std::string_view article = name.find_first_of("aeio") == 0 ? "an " : "a ";
  static constexpr std::string_view suffix = " event";
  static constexpr auto text = [] {
    std::array<char, article.size() + name.size() + suffix.size()> out{};
    std::size_t i = 0;
    for (const std::string_view part : {article, name, suffix})
      for (const char c : part) out[i++] = c;
    return out;
  }();
};
template <class R>
  requires requires { R::type_name; }
inline constexpr std::string_view record_noun<R> = {event_payload_noun<R>::text.data(), event_payload_noun<R>::text.size()};

/// The rules above, and what one field alone cannot say.
struct wire_rules {
  template <class Owner>
  static constexpr std::string_view noun = record_noun<Owner>;

  template <class Owner, class D>
  using field = wire_field<typename decltype(codec_rule<Owner, D>())::type, presence_rule(D::name)>;

  /// A grant means nothing outside its tenant (D-ROLE-5, D-TENANT-1): one naming another tenant is forged.
  template <json_traits T>
  static bool check(const basic_tenant<T>& v, reader& r) {
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

  /// One role per user (D-ROLE-4): role_of() reads the first grant, so a second would be invisible.
  template <json_traits T>
  static bool check(const basic_billing_profile<T>& v, reader& r) {
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

/// {"minor_units": 1234, "currency": "EUR"}: the one object whose JSON names differ from its members.
template <class Rep>
struct codec<basic_money<Rep>> {
  static constexpr std::string_view noun = "an amount of money";
  static constexpr std::array<std::string_view, 2> names{"minor_units", "currency"};
  static void write(const basic_money<Rep>& v, detail::document& out) {
    out = detail::document::object();
    detail::minor_units_codec<Rep>::write(v.minor_units, out["minor_units"]);
    detail::currency_codec::write(v.unit, out["currency"]);
  }
  static bool read(const detail::document& in, basic_money<Rep>& out, detail::reader& r) {
    using detail::presence;
    return detail::known_keys_only(in, r, noun, names) &&
           detail::read_member<detail::minor_units_codec<Rep>, presence::required>(in, out.minor_units, r, noun, names[0]) &&
           detail::read_member<detail::currency_codec, presence::required>(in, out.unit, r, noun, names[1]);
  }
};

// ---- Records: every entity, command, report and event, from its description ------------------

template <class R>
  requires(!detail::record_noun<R>.empty())
struct codec<R> : detail::object_codec<R, detail::wire_rules> {};

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

} // namespace isv::json
