// Compile-time guarantees of the descriptions: every field of every record is described, so JSON, the SQL record and the fingerprint see it, and every enum's description runs in declaration order without gaps.
#include "isv/admin_center.hpp"
#include "isv/detail/fields.hpp"
#include "isv/licensing.hpp"

#include <boost/mp11/algorithm.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <variant>

namespace isv_static_described {

using T = isv::default_traits;

template <class... R>
constexpr bool all_described(const std::tuple<R...>*) {
  return (isv::detail::every_field_described<R> && ...);
}
template <class... R>
constexpr bool all_described(const std::variant<R...>*) {
  return (isv::detail::every_field_described<R> && ...);
}

// Every event payload (D-AUDIT-1): what the log stores is exactly what the description lists.
static_assert(all_described(static_cast<const isv::event_payload_t<T>*>(nullptr)));
static_assert(isv::detail::every_field_described<isv::event>);

// Entities and reports, stored and sent as they are.
using records = std::tuple<isv::tenant, isv::admin_role, isv::app, isv::subscription, isv::license,
                           isv::basic_license_paths<T>, isv::count_violation, isv::billing_profile, isv::payment_method,
                           isv::contact_info, isv::basic_billing_role_grant<T>, isv::invoice, isv::invoice_line,
                           isv::assignment_report, isv::unassign_preview, isv::error, isv::basic_idempotency_record<T>>;
static_assert(all_described(static_cast<const records*>(nullptr)));

// Commands (D-IDEM-1: a field left out of the description would be left out of the fingerprint).
// Every command of the service, as isv::command lists them: a new command is checked without being named here.
using commands = boost::mp11::mp_rename<isv::basic_command<T>, std::tuple>;
static_assert(all_described(static_cast<const commands*>(nullptr)));

// The probe that counts an aggregate's fields counts them right.
struct three {
  int a = 0;
  std::vector<int> b{};
  std::optional<isv::user_id> c{};
};
static_assert(isv::detail::aggregate_field_count<three>(std::index_sequence<>{}) == 3);

// ---- Enums: one description each, in declaration order, without gaps --------------------------

template <isv::described_enum E>
constexpr bool contiguous() {
  const auto& values = isv::enum_values<E>;
  for (std::size_t i = 1; i < values.size(); ++i)
    if (static_cast<std::underlying_type_t<E>>(values[i]) != static_cast<std::underlying_type_t<E>>(values[i - 1]) + 1)
      return false;
  return true;
}
template <class... E>
constexpr bool all_contiguous() {
  return (contiguous<E>() && ...);
}
static_assert(all_contiguous<isv::app_kind, isv::pricing_model, isv::billing_term, isv::acquisition_channel,
                             isv::subscription_status, isv::deactivation_reason, isv::violation_reason,
                             isv::payment_method_kind, isv::invoice_status, isv::directory_role, isv::billing_role,
                             isv::errc, isv::operation, isv::lifecycle_trigger, isv::place, isv::admin_action,
                             isv::aggregate_kind>());
static_assert(static_cast<int>(isv::enum_values<isv::errc>.front()) == 1, "error codes start at 1: 0 is success");
static_assert(isv::to_string(isv::subscription_status::pending_activation) == "pending_activation");
static_assert(isv::from_string<isv::billing_term>("annual") == isv::billing_term::annual);
static_assert(!isv::from_string<isv::billing_term>("weekly").has_value());
static_assert(isv::to_string(static_cast<isv::billing_term>(7)) == "unknown");
static_assert(!isv::is_enum_value(static_cast<isv::invoice_status>(3)) && isv::is_enum_value(isv::invoice_status::paid));

} // namespace isv_static_described
