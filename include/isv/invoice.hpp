// basic_invoice: what a billing profile owes for the subscriptions charged to it, and whether it is paid.
#pragma once

#include "isv/app.hpp"
#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace isv {

BOOST_DEFINE_ENUM_CLASS(invoice_status, open, overdue, paid)

/// What a line charges: a whole term, or the prorated difference of a change in the middle of a
/// term (D-PRORATE-1): a charge for an increase, a credit (a negative amount) for a decrease.
BOOST_DEFINE_ENUM_CLASS(invoice_line_kind, term, proration_charge, proration_credit)

/// One subscription's charge for one term: unit price × quantity (per user) or the flat price, or
/// (kind proration_*) the prorated difference a change made from `period_start` to the term's end,
/// with the quantity and unit price after the change (D-PRORATE-1). A line for terms caught up at
/// once (the clock moved past several) charges them all: its amount is the term's times their number.
template <licensing_traits Traits>
struct basic_invoice_line {
  subscription_id_t<Traits> subscription{};
  app_id_t<Traits> app{};
  pricing_model pricing = pricing_model::per_user;
  billing_term term = billing_term::monthly;
  count_t quantity = 1;
  money_t<Traits> unit_price{};
  money_t<Traits> amount{};
  typename Traits::time_point period_start{};
  typename Traits::time_point period_end{};
  invoice_line_kind kind = invoice_line_kind::term;

  ISV_RECORD(basic_invoice_line,
              (subscription, app, pricing, term, quantity, unit_price, amount, period_start, period_end, kind))
  ISV_ADDED_AFTER_0_1(kind)
};

template <licensing_traits Traits>
struct basic_invoice {
  using traits_type = Traits;
  using time_point = typename Traits::time_point;

  invoice_id_t<Traits> id{};
  tenant_id_t<Traits> tenant{};
  billing_profile_id_t<Traits> profile{};
  time_point issued_at{};
  time_point due_at{};
  std::vector<basic_invoice_line<Traits>> lines{};
  money_t<Traits> total{};
  invoice_status status = invoice_status::open;
  std::optional<time_point> paid_at{};
  std::optional<payment_method_id_t<Traits>> paid_with{};
  count_t version = 0;

  [[nodiscard]] bool charges(const subscription_id_t<Traits>& subscription) const {
    for (const auto& line : lines)
      if (line.subscription == subscription) return true;
    return false;
  }

  ISV_RECORD(basic_invoice, (id, tenant, profile, issued_at, due_at, lines, total, status, paid_at, paid_with, version))
};

using invoice = basic_invoice<default_traits>;
using invoice_line = basic_invoice_line<default_traits>;

} // namespace isv
