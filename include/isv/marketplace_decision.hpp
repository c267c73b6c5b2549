// basic_marketplace_decision: what the engine decided about one operation of the marketplace (accepted, rejected, unchanged; reconciled), and what the publisher reports back.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/error.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/traits.hpp"

#include <optional>
#include <string_view>

namespace isv {

/// What became of a marketplace operation (D-MKT-1..4).
BOOST_DEFINE_ENUM_CLASS(marketplace_outcome,
    accepted,   ///< applied (D-MKT-2, D-MKT-3)
    rejected,   ///< the rules refused the change: nothing changed, the publisher reports failure (D-MKT-2)
    unchanged   ///< it does not fit the subscription's state, or is stale: answered, nothing changed (D-MKT-4)
)

/// The engine's decision about one marketplace operation, kept in the subscription's ledger so that
/// the same operation id is answered with it again (D-MKT-1).
template <licensing_traits Traits>
struct basic_marketplace_decision {
  using string_type = typename Traits::string_type;
  string_type operation_id{};           ///< the marketplace's operation id (a GUID's text)
  marketplace_action action = marketplace_action::subscribe;
  marketplace_outcome outcome = marketplace_outcome::accepted;
  std::optional<errc> reason{};         ///< why it was rejected or left unchanged
  string_type message{};                ///< the refusal's words, for the publisher's logs and reply
  bool report_success = true;           ///< what the publisher reports to the marketplace: success, or failure (D-MKT-2)
  bool reconciled = false;              ///< the marketplace's own plan or quantity was recorded first
  typename Traits::time_point sent_at{}; ///< when the marketplace sent it (its timeStamp)

  ISV_RECORD(basic_marketplace_decision, (operation_id, action, outcome, reason, message, report_success, reconciled, sent_at))
};

using marketplace_decision = basic_marketplace_decision<default_traits>;

} // namespace isv
