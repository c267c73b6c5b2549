// Fuzz target: the input, read as JSON text, decoded as every entity, command and event type: never a crash, a leak or UB; a success re-encodes to a value that decodes equal (D-ERR-1).
#include <isv/admin_center.hpp>
#include <isv/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace {

using T = isv::default_traits;

/// Decodes `doc` as V; a value read must survive a round trip unchanged.
template <class V>
void decode_as(const nlohmann::json& doc) {
  auto decoded = isv::json::decode<V>(doc);
  if (!decoded) {
    // A refusal is an invalid_argument with a message naming the place (D-ERR-1).
    if (decoded.error().code != isv::errc::invalid_argument || decoded.error().message.empty()) std::abort();
    return;
  }
  const auto again = isv::json::decode<V>(isv::json::encode(decoded.value()));
  if (!again || !(again.value() == decoded.value())) std::abort();
}

template <class... V>
void decode_all(const nlohmann::json& doc) {
  (decode_as<V>(doc), ...);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  // The text path (parse, then decode) must refuse as cleanly as the value path.
  (void)isv::json::decode<isv::assign_command>(text);
  auto parsed = isv::json::parse(text);
  if (!parsed) return 0;
  const nlohmann::json& doc = parsed.value();
  decode_all<isv::tenant, isv::admin_role, isv::app, isv::subscription, isv::license, isv::count_violation, isv::billing_profile,
             isv::payment_method, isv::contact_info, isv::invoice, isv::invoice_line, isv::event, std::vector<isv::event>,
             isv::error>(doc);
  decode_all<isv::purchase_command, isv::install_command, isv::assign_command, isv::unassign_command, isv::unassign_preview,
             isv::reprocess_command, isv::assignment_report, isv::add_users_command, isv::create_group_command,
             isv::membership_command, isv::role_command, isv::change_quantity_command, isv::basic_activate_command<T>,
             isv::auto_renew_command, isv::basic_change_billing_profile_command<T>, isv::basic_create_billing_profile_command<T>,
             isv::basic_contact_info_command<T>, isv::basic_add_payment_method_command<T>, isv::basic_payment_method_command<T>,
             isv::basic_billing_role_command<T>, isv::basic_issue_invoice_command<T>, isv::basic_pay_invoice_command<T>,
             isv::view_invoice_command, isv::collect_overdue_command, isv::advance_command,
             isv::reinstate_command>(doc);
  // The same values inside a list, and the leaves.
  decode_all<std::vector<isv::subscription>, std::vector<isv::license>, isv::user_id, isv::money, T::time_point>(doc);
  return 0;
}
