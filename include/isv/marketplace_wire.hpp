// The marketplace's wire shapes: its GUIDs, its action and status names, the webhook payload and the SaaS subscription resource (SaaS fulfillment APIs v2), with no JSON dependency.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include "isv/traits.hpp"

#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

// The shapes follow Microsoft's public pages "SaaS fulfillment Subscription APIs v2" (Resolve, Get
// subscription), "SaaS fulfillment operations APIs v2" (Get operation status) and "Implementing a
// webhook on the SaaS service"; docs/marketplace.md sums up what they say. Each field names the
// documented JSON field it holds. The marketplace's ids are GUIDs and stay GUIDs here: the host maps
// them to the library's ids through a table it keeps, so id_rep is not changed for them.
namespace isv {

/// A marketplace id: 16 bytes, written as 32 hexadecimal digits in groups of 8-4-4-4-12
/// ("2f8c1b7e-3d4a-4c5b-9e6f-0a1b2c3d4e5f"). The pages write ids as "<guid>" and never in braces,
/// so braces are refused; hex digits are read in either case and written in lower case.
class marketplace_guid {
public:
  using bytes_type = std::array<std::uint8_t, 16>;

  /// The nil GUID (all zeros).
  constexpr marketplace_guid() = default;
  constexpr explicit marketplace_guid(const bytes_type& bytes) noexcept : bytes_(bytes) {}

  /// The GUID written as `text`, or nothing when it is not exactly 8-4-4-4-12 hex digits.
  [[nodiscard]] static constexpr std::optional<marketplace_guid> parse(std::string_view text) noexcept {
    if (text.size() != text_size) return std::nullopt;
    bytes_type bytes{};
    std::size_t at = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (at == 8 || at == 13 || at == 18 || at == 23) {
        if (text[at] != '-') return std::nullopt;
        ++at;
      }
      const int high = hex_value(text[at]);
      const int low = hex_value(text[at + 1]);
      if (high < 0 || low < 0) return std::nullopt;
      bytes[i] = static_cast<std::uint8_t>(high * 16 + low);
      at += 2;
    }
    return marketplace_guid(bytes);
  }

  /// The 8-4-4-4-12 form in lower case; parse(to_string()) gives the same GUID back.
  [[nodiscard]] std::string to_string() const {
    constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(text_size);
    for (std::size_t i = 0; i < bytes_.size(); ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
      out += digits[bytes_[i] >> 4];
      out += digits[bytes_[i] & 0x0F];
    }
    return out;
  }

  [[nodiscard]] constexpr const bytes_type& bytes() const noexcept { return bytes_; }

  friend constexpr bool operator==(const marketplace_guid&, const marketplace_guid&) = default;
  friend constexpr auto operator<=>(const marketplace_guid&, const marketplace_guid&) = default;

  /// The length of the text form.
  static constexpr std::size_t text_size = 36;

private:
  static constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bytes_type bytes_{};
};

/// What a webhook call notifies ("action"). The webhook page lists ChangePlan, ChangeQuantity,
/// Renew, Suspend, Unsubscribe and Reinstate, and Subscribe for plans the marketplace activates
/// itself. Only ChangePlan, ChangeQuantity and Reinstate wait for the publisher's answer (a PATCH
/// of the operation); the others are notifications only.
BOOST_DEFINE_ENUM_CLASS(marketplace_action, subscribe, change_plan, change_quantity, renew, suspend, unsubscribe, reinstate)

/// The status of a SaaS subscription ("saasSubscriptionStatus").
BOOST_DEFINE_ENUM_CLASS(saas_subscription_status, pending_fulfillment_start, subscribed, suspended, unsubscribed)

/// The status of a marketplace operation ("status" of the webhook and of Get operation status).
/// Conflict: the new plan or quantity is the one the subscription already has.
BOOST_DEFINE_ENUM_CLASS(marketplace_operation_status, not_started, in_progress, failed, succeeded, conflict)

namespace detail {

/// A name of at most 31 characters held in a constant.
struct marketplace_name_text {
  std::array<char, 32> chars{};
  std::size_t size = 0;
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars.data(), size}; }
};

/// The marketplace's name of an enumerator: its words in PascalCase ("change_plan" is "ChangePlan",
/// "pending_fulfillment_start" is "PendingFulfillmentStart"). Every documented name is its
/// enumerator's words joined this way, so the enumerator list is the one list of names.
[[nodiscard]] constexpr marketplace_name_text pascal_case(std::string_view snake) noexcept {
  marketplace_name_text out;
  bool word_start = true;
  for (const char c : snake) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    if (out.size == out.chars.size()) break;
    out.chars[out.size++] = word_start && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
    word_start = false;
  }
  return out;
}

template <class E>
concept marketplace_enum = std::same_as<E, marketplace_action> || std::same_as<E, saas_subscription_status> ||
                           std::same_as<E, marketplace_operation_status>;

/// {value, marketplace name} for each value of E, derived from E's description.
template <marketplace_enum E>
inline constexpr auto marketplace_names = [] {
  std::array<std::pair<E, marketplace_name_text>, enum_values<E>.size()> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = {enum_values<E>[i], pascal_case(::isv::to_string(enum_values<E>[i]))};
  return out;
}();

} // namespace detail

/// The marketplace's name of a value ("ChangePlan"); "unknown" for a number that names no value.
template <detail::marketplace_enum E>
[[nodiscard]] constexpr std::string_view marketplace_name(E value) noexcept {
  for (const auto& [v, name] : detail::marketplace_names<E>)
    if (v == value) return name.view();
  return "unknown";
}

/// The value the marketplace calls `name`, spelt exactly as the pages spell it.
template <detail::marketplace_enum E>
[[nodiscard]] constexpr std::optional<E> from_marketplace_name(std::string_view name) noexcept {
  for (const auto& [v, n] : detail::marketplace_names<E>)
    if (n.view() == name) return v;
  return std::nullopt;
}

/// A customer of a SaaS subscription ("beneficiary": whom it was bought for; "purchaser": who
/// bought it, a reseller in a CSP purchase).
template <licensing_traits Traits>
struct basic_marketplace_party {
  using string_type = typename Traits::string_type;

  std::optional<string_type> email{};            ///< "emailId"
  std::optional<marketplace_guid> object_id{};   ///< "objectId": the user's id in the tenant
  marketplace_guid tenant_id{};                  ///< "tenantId": the customer's tenant
  std::optional<string_type> puid{};             ///< "puid" (null in several of the pages' samples)

  ISV_RECORD(basic_marketplace_party, (email, object_id, tenant_id, puid))
};

/// The period a SaaS subscription was bought for ("term"). The pages say it is relevant only for
/// subscribed and suspended subscriptions, so every part may be missing.
template <licensing_traits Traits>
struct basic_marketplace_term {
  using string_type = typename Traits::string_type;
  using time_point = typename Traits::time_point;

  std::optional<time_point> start{};   ///< "startDate": when the publisher activated it and billing started
  std::optional<time_point> end{};     ///< "endDate": the last day it is valid
  std::optional<string_type> unit{};   ///< "termUnit": "P1M" monthly, "P1Y" yearly (ISO 8601 durations)

  ISV_RECORD(basic_marketplace_term, (start, end, unit))
};

/// A SaaS subscription as Get subscription returns it, and as the "subscription" object of Resolve
/// and of a webhook payload holds it.
template <licensing_traits Traits>
struct basic_marketplace_subscription {
  using traits_type = Traits;
  using string_type = typename Traits::string_type;
  using time_point = typename Traits::time_point;

  marketplace_guid id{};                                     ///< "id": the SaaS subscription
  std::optional<string_type> name{};                         ///< "name"
  std::optional<string_type> publisher_id{};                 ///< "publisherId"
  string_type offer_id{};                                    ///< "offerId"
  string_type plan_id{};                                     ///< "planId": the plan it has now
  std::optional<count_t> quantity{};                         ///< "quantity": seats; empty when the plan is not per seat
  saas_subscription_status status{};                         ///< "saasSubscriptionStatus"
  basic_marketplace_party<Traits> beneficiary{};             ///< "beneficiary"
  std::optional<basic_marketplace_party<Traits>> purchaser{}; ///< "purchaser"
  std::optional<basic_marketplace_term<Traits>> term{};      ///< "term"
  std::optional<bool> auto_renew{};                          ///< "autoRenew"
  bool is_free_trial = false;                                ///< "isFreeTrial": the pages say absent means false
  bool is_test = false;                                      ///< "isTest"
  std::optional<time_point> created{};                       ///< "created"
  std::optional<time_point> last_modified{};                 ///< "lastModified"

  ISV_RECORD(basic_marketplace_subscription, (id, name, publisher_id, offer_id, plan_id, quantity, status, beneficiary,
                                              purchaser, term, auto_renew, is_free_trial, is_test, created, last_modified))
};

/// The plan and seat count a webhook call asks for.
template <licensing_traits Traits>
struct basic_marketplace_plan_request {
  std::optional<typename Traits::string_type> plan_id{};
  std::optional<count_t> quantity{};

  ISV_RECORD(basic_marketplace_plan_request, (plan_id, quantity))
};

/// A webhook call: the marketplace's notice of an operation on a SaaS subscription.
template <licensing_traits Traits>
struct basic_marketplace_webhook {
  using traits_type = Traits;
  using string_type = typename Traits::string_type;
  using time_point = typename Traits::time_point;

  marketplace_guid operation_id{};                            ///< "id": the operation, for Get operation status and its PATCH
  std::optional<marketplace_guid> activity_id{};              ///< "activityId": a correlation id the pages say not to use
  marketplace_guid subscription_id{};                         ///< "subscriptionId": the SaaS subscription
  std::optional<string_type> publisher_id{};                  ///< "publisherId"
  std::optional<string_type> offer_id{};                      ///< "offerId"
  std::optional<string_type> plan_id{};                       ///< "planId" (top level: see requested())
  std::optional<count_t> quantity{};                          ///< "quantity" (top level: see requested())
  marketplace_action action{};                                ///< "action"
  std::optional<marketplace_operation_status> status{};       ///< "status"
  time_point time_stamp{};                                    ///< "timeStamp": when the marketplace called, in UTC
  std::optional<string_type> operation_request_source{};      ///< "operationRequestSource": "Azure" or "Partner" in the samples
  std::optional<basic_marketplace_subscription<Traits>> subscription{}; ///< "subscription", when the call carries it
  std::optional<string_type> purchase_token{};                ///< "purchaseToken" (null in every sample)

  /// The plan and quantity this call asks for: the top-level "planId" and "quantity", never the
  /// nested subscription's. The webhook page's ChangeQuantity sample carries 100 at the top level
  /// while its nested subscription still says 10, and its ChangePlan sample names the new plan at
  /// the top level; an earlier version of the page annotated the top-level fields as the most
  /// up-to-date plan and seat count. The nested "subscription" shows the subscription as it is.
  [[nodiscard]] basic_marketplace_plan_request<Traits> requested() const { return {plan_id, quantity}; }

  ISV_RECORD(basic_marketplace_webhook, (operation_id, activity_id, subscription_id, publisher_id, offer_id, plan_id,
                                         quantity, action, status, time_stamp, operation_request_source, subscription,
                                         purchase_token))
};

using marketplace_party = basic_marketplace_party<default_traits>;
using marketplace_term = basic_marketplace_term<default_traits>;
using marketplace_subscription = basic_marketplace_subscription<default_traits>;
using marketplace_plan_request = basic_marketplace_plan_request<default_traits>;
using marketplace_webhook = basic_marketplace_webhook<default_traits>;

} // namespace isv

template <>
struct std::hash<isv::marketplace_guid> {
  std::size_t operator()(const isv::marketplace_guid& g) const noexcept {
    std::uint64_t h = 14695981039346656037ULL; // FNV-1a over the 16 bytes
    for (const auto b : g.bytes()) h = (h ^ b) * 1099511628211ULL;
    return static_cast<std::size_t>(h);
  }
};
