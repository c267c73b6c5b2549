// basic_billing_profile: how a tenant pays: payment methods, contact info, and roles on the profile.
#pragma once

#include "isv/admin_role.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

namespace isv {

/// D-BILL-2: credit card, or check / wire transfer.
BOOST_DEFINE_ENUM_CLASS(payment_method_kind, credit_card, check_or_wire_transfer)

template <licensing_traits Traits>
struct basic_payment_method {
  payment_method_id_t<Traits> id{};
  payment_method_kind kind = payment_method_kind::credit_card;
  typename Traits::string_type label{}; ///< what a person recognises: "Visa ending 4242"

  ISV_RECORD(basic_payment_method, (id, kind, label))
};

/// D-BILL-2: the billing address and a contact name.
template <licensing_traits Traits>
struct basic_contact_info {
  typename Traits::string_type name{};
  typename Traits::string_type address{};

  ISV_RECORD(basic_contact_info, (name, address))
};

template <licensing_traits Traits>
struct basic_billing_role_grant {
  user_id_t<Traits> user{};
  billing_role role = billing_role::reader;

  ISV_RECORD(basic_billing_role_grant, (user, role))
};

/// A billing profile of a tenant. Subscriptions charged to it appear on its invoices (D-BILL-1).
template <licensing_traits Traits>
struct basic_billing_profile {
  using traits_type = Traits;

  billing_profile_id_t<Traits> id{};
  tenant_id_t<Traits> tenant{};
  typename Traits::string_type name{};
  basic_contact_info<Traits> contact{};
  std::vector<basic_payment_method<Traits>> payment_methods{};
  std::optional<payment_method_id_t<Traits>> default_payment_method{}; ///< how invoices are paid (D-BILL-4)
  std::vector<basic_billing_role_grant<Traits>> roles{};               ///< one role per user
  count_t version = 0;

  [[nodiscard]] std::optional<billing_role> role_of(const user_id_t<Traits>& user) const {
    for (const auto& grant : roles)
      if (grant.user == user) return grant.role;
    return std::nullopt;
  }

  [[nodiscard]] const basic_payment_method<Traits>* find_payment_method(const payment_method_id_t<Traits>& method) const {
    const auto it = std::find_if(payment_methods.begin(), payment_methods.end(), [&](const auto& m) { return m.id == method; });
    return it == payment_methods.end() ? nullptr : &*it;
  }

  ISV_RECORD(basic_billing_profile,
              (id, tenant, name, contact, payment_methods, default_payment_method, roles, version))
};

using billing_profile = basic_billing_profile<default_traits>;
using payment_method = basic_payment_method<default_traits>;
using contact_info = basic_contact_info<default_traits>;

} // namespace isv
