// Decoding the marketplace's JSON (needs nlohmann/json): decode_marketplace_webhook and decode_marketplace_subscription, lenient where the marketplace's pages ask publishers to be, strict where a decision needs a value.
#pragma once

// The JSON here is the marketplace's, not this library's wire format (docs/wire-format.md): field
// names in camelCase, GUID ids, ISO 8601 times with fractions and offsets, quantities as numbers or
// strings. docs/marketplace.md lists what is read, what is required and what is tolerated.

#include "isv/error.hpp"
#include "isv/json/support.hpp"
#include "isv/marketplace_wire.hpp"
#include "isv/traits.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ratio>
#include <string>
#include <string_view>
#include <utility>

namespace isv::json {

/// What a traits type needs to read the marketplace's JSON: a string type that can be built from
/// UTF-8 bytes. Times may have any precision: fractions of a second finer than it are cut off.
template <class T>
concept marketplace_traits = licensing_traits<T> && json_text<typename T::string_type>;

namespace detail {

/// Whether a field must be there for a decision to be made on the payload.
enum class need { optional, required };

/// A marketplace time: ISO 8601 "YYYY-MM-DDTHH:MM:SS" with a fraction of any length and a zone of
/// "Z", "+HH:MM", "+HHMM" or "+HH" (or "-"). The pages show times without a zone ("2018-12-01T00:00:00",
/// noted as UTC) and term dates without a time ("2019-05-31"): both are read as UTC, a date alone
/// as its midnight. Digits of the fraction finer than the time point's precision are cut off.
template <class TimePoint>
bool read_marketplace_time(const document& in, TimePoint& out, reader& r) {
  using namespace std::chrono;
  if (!in.is_string()) return expected(r, "a time (a string such as \"2022-02-14T20:26:05.1419317Z\")", in);
  const std::string_view s = in.get_ref<const std::string&>();
  const auto malformed = [&] {
    return r.fail("a time must be written in ISO 8601 as \"YYYY-MM-DDTHH:MM:SS\", with an optional fraction of a second "
                  "and an optional zone (\"Z\", \"+02:00\"), or as a date \"YYYY-MM-DD\"; found " +
                  quote(s) + ".");
  };
  const auto digits = [&](std::size_t at, std::size_t len, int& value) { return ::isv::detail::read_decimal(s, at, len, value); };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() < 10 || !digits(0, 4, year) || s[4] != '-' || !digits(5, 2, month) || s[7] != '-' || !digits(8, 2, day))
    return malformed();
  std::size_t at = 10;
  std::int64_t fraction_atto = 0; // the fraction in units of 10^-18 s: always below 10^18, so it fits
  int offset_minutes = 0;
  if (at < s.size()) {
    if ((s[at] != 'T' && s[at] != 't') || !digits(11, 2, hour) || s.size() < 19 || s[13] != ':' || !digits(14, 2, minute) ||
        s[16] != ':' || !digits(17, 2, second))
      return malformed();
    at = 19;
    if (at < s.size() && s[at] == '.') {
      ++at;
      const std::size_t first = at;
      std::int64_t scale = 100'000'000'000'000'000; // 10^17: the weight of the first digit
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') {
        fraction_atto += (s[at] - '0') * scale; // digits past the 18th weigh nothing and are cut off
        scale /= 10;
        ++at;
      }
      if (at == first) return malformed();
    }
    if (at < s.size()) {
      if (s[at] == 'Z' || s[at] == 'z') {
        ++at;
      } else if (s[at] == '+' || s[at] == '-') {
        const int sign = s[at] == '-' ? -1 : 1;
        int oh = 0, om = 0;
        if (!digits(at + 1, 2, oh)) return malformed();
        at += 3;
        if (at < s.size() && s[at] == ':') {
          if (!digits(at + 1, 2, om)) return malformed();
          at += 3;
        } else if (at < s.size()) {
          if (!digits(at, 2, om)) return malformed();
          at += 2;
        }
        if (oh > 23 || om > 59) return r.fail("a time's zone offset must be at most 23:59; found " + quote(s) + ".");
        offset_minutes = sign * (oh * 60 + om);
      }
    }
    if (at != s.size()) return malformed();
  }
  const auto local = ::isv::detail::civil_moment(year, month, day, hour, minute, second);
  if (!local) return r.fail("a time must name a moment that exists (no leap seconds); " + quote(s) + " does not.");
  // A local time at an offset of +02:00 is two hours ahead of UTC.
  const sys_seconds utc = *local - minutes{offset_minutes};
  using duration = typename TimePoint::duration;
  const auto lowest = ceil<seconds>(TimePoint::min().time_since_epoch());
  const auto highest = floor<seconds>(TimePoint::max().time_since_epoch()) - seconds{1};
  if (utc.time_since_epoch() < lowest || utc.time_since_epoch() > highest)
    return r.fail("the time " + quote(s) + " is out of the range this program's times can hold.");
  out = TimePoint{floor<duration>(utc.time_since_epoch()) + floor<duration>(std::chrono::duration<std::int64_t, std::atto>{fraction_atto})};
  return true;
}

/// A marketplace GUID (8-4-4-4-12 hex digits, either case, no braces).
inline bool read_marketplace_guid(const document& in, marketplace_guid& out, reader& r) {
  if (!in.is_string()) return expected(r, "a GUID (a string such as \"2f8c1b7e-3d4a-4c5b-9e6f-0a1b2c3d4e5f\")", in);
  const auto& s = in.get_ref<const std::string&>();
  const auto parsed = marketplace_guid::parse(s);
  if (!parsed)
    return r.fail("a GUID must be 32 hexadecimal digits in groups of 8-4-4-4-12 (such as "
                  "\"2f8c1b7e-3d4a-4c5b-9e6f-0a1b2c3d4e5f\"), without braces; found " +
                  quote(s) + ".");
  out = *parsed;
  return true;
}

/// A string of at most `max_bytes` of UTF-8; with `non_empty`, an empty one is refused (an empty
/// plan id names no plan).
template <json_text S>
bool read_marketplace_text(const document& in, S& out, reader& r, std::string_view what, std::size_t max_bytes,
                           bool non_empty) {
  std::string_view s;
  if (!read_utf8_string(in, s, r, what, max_bytes)) return false;
  if (non_empty && s.empty()) return r.fail(std::string(what) + " must not be empty.");
  out = S(s.data(), s.size());
  return true;
}

/// A seat count. The pages write it as a number (10), as a string of digits ("20"), as an empty
/// string or null when the plan is not per seat: all are read, empty ones as no quantity.
inline bool read_marketplace_quantity(const document& in, std::optional<count_t>& out, reader& r) {
  if (in.is_null()) {
    out.reset();
    return true;
  }
  if (in.is_string()) {
    const auto& s = in.get_ref<const std::string&>();
    if (s.empty()) {
      out.reset();
      return true;
    }
    count_t v = 0;
    for (const char c : s) {
      if (c < '0' || c > '9' || v > max_quantity)
        return r.fail("a quantity written as a string must be decimal digits (such as \"20\"), at most " +
                      std::to_string(max_quantity) + "; found " + quote(s) + ".");
      v = v * 10 + (c - '0');
    }
    if (v > max_quantity)
      return r.fail("a quantity may be at most " + std::to_string(max_quantity) + "; found " + quote(s) + ".");
    out = v;
    return true;
  }
  count_t v = 0;
  if (!read_in_range(in, v, r, "a quantity (a whole number, a string of digits, \"\" or null)", 0, max_quantity))
    return false;
  out = v;
  return true;
}

/// One of the marketplace's names of E. Spaces around the name are ignored: the pages' own Get
/// subscription and Resolve samples write " Subscribed " and " PendingFulfillmentStart ".
template <class E>
bool read_marketplace_enum(const document& in, E& out, reader& r, std::string_view noun) {
  if (!in.is_string()) return expected(r, with_article(noun) + " (a string)", in);
  std::string_view s = in.get_ref<const std::string&>();
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (const auto v = from_marketplace_name<E>(s)) {
    out = *v;
    return true;
  }
  std::string names;
  for (const E v : enum_values<E>) names += (names.empty() ? "\"" : ", \"") + std::string(marketplace_name(v)) + "\"";
  return r.fail("unknown " + std::string(noun) + " " + quote(in.get_ref<const std::string&>()) + "; expected one of " +
                names + ".");
}

inline bool read_marketplace_bool(const document& in, bool& out, reader& r) {
  if (!in.is_boolean()) return expected(r, "true or false", in);
  out = in.get<bool>();
  return true;
}

/// Reads the field `key` of `object` (an object of `noun`) with `read(value, reader)`. A required
/// field that is missing or null is refused at its JSON Pointer, saying why it is needed; an
/// optional one that is missing or null is left to `if_empty()`.
template <class Read, class IfEmpty>
bool read_field(const document& object, std::string_view key, need n, reader& r, std::string_view noun,
                std::string_view why, Read&& read, IfEmpty&& if_empty) {
  const auto it = object.find(key);
  const auto here = r.at(key);
  if (it == object.end() || it->is_null()) {
    if (n == need::optional) {
      if_empty();
      return true;
    }
    return r.fail("the field \"" + std::string(key) + "\" of " + std::string(noun) +
                  (it == object.end() ? " is missing" : " is null") + "; " + std::string(why) + ".");
  }
  return read(*it, r);
}

template <class T, class Read>
bool read_optional(const document& object, std::string_view key, std::optional<T>& out, reader& r, Read&& read) {
  return read_field(object, key, need::optional, r, {}, {}, [&](const document& v, reader& rr) {
    T value{};
    if (!read(v, value, rr)) return false;
    out = std::move(value);
    return true;
  }, [&] { out.reset(); });
}

template <class T, class Read>
bool read_required(const document& object, std::string_view key, T& out, reader& r, std::string_view noun,
                   std::string_view why, Read&& read) {
  return read_field(object, key, need::required, r, noun, why, [&](const document& v, reader& rr) { return read(v, out, rr); },
                    [] {});
}

inline bool expect_object(const document& in, reader& r, std::string_view noun) {
  return in.is_object() || expected(r, std::string(noun) + " (an object)", in);
}

// The readers of each kind of value, as read_optional and read_required take them.
inline constexpr auto guid_value = [](const document& in, marketplace_guid& out, reader& r) { return read_marketplace_guid(in, out, r); };
inline constexpr auto bool_value = [](const document& in, bool& out, reader& r) { return read_marketplace_bool(in, out, r); };
inline constexpr auto time_value = [](const document& in, auto& out, reader& r) { return read_marketplace_time(in, out, r); };
template <std::size_t MaxBytes, bool NonEmpty>
inline constexpr auto text_of = [](std::string_view what) {
  return [what](const document& in, auto& out, reader& r) { return read_marketplace_text(in, out, r, what, MaxBytes, NonEmpty); };
};
inline constexpr auto identifier = text_of<max_name_bytes, true>;
inline constexpr auto free_text = text_of<max_name_bytes, false>;

/// A party (beneficiary or purchaser): its tenant is what a decision needs of it.
template <marketplace_traits Traits>
bool read_marketplace_party(const document& in, basic_marketplace_party<Traits>& out, reader& r, std::string_view noun) {
  if (!expect_object(in, r, noun)) return false;
  return read_optional(in, "emailId", out.email, r, free_text("an email address")) &&
         read_optional(in, "objectId", out.object_id, r, guid_value) &&
         read_required(in, "tenantId", out.tenant_id, r, noun, "the customer's tenant is needed to find its licenses", guid_value) &&
         read_optional(in, "puid", out.puid, r, free_text("a puid"));
}

template <marketplace_traits Traits>
bool read_marketplace_term(const document& in, basic_marketplace_term<Traits>& out, reader& r) {
  if (!expect_object(in, r, "a term")) return false;
  return read_optional(in, "startDate", out.start, r, time_value) && read_optional(in, "endDate", out.end, r, time_value) &&
         read_optional(in, "termUnit", out.unit, r, identifier("a term unit"));
}

/// The SaaS subscription resource. Fields the library does not use (allowedCustomerOperations,
/// sessionMode, sandboxType, chargeDuration...) and any field added later are ignored, as the
/// webhook page asks of publishers.
template <marketplace_traits Traits>
bool read_marketplace_subscription(const document& in, basic_marketplace_subscription<Traits>& out, reader& r) {
  constexpr std::string_view noun = "a SaaS subscription";
  if (!expect_object(in, r, noun)) return false;
  const auto party = [](std::string_view what) {
    return [what](const document& v, basic_marketplace_party<Traits>& p, reader& rr) { return read_marketplace_party(v, p, rr, what); };
  };
  const auto flag = [&](std::string_view key, bool& value) {
    return read_field(in, key, need::optional, r, noun, {}, [&](const document& v, reader& rr) { return read_marketplace_bool(v, value, rr); },
                      [&] { value = false; }); // the pages: "if not returned, the value is false"
  };
  return read_required(in, "id", out.id, r, noun, "the SaaS subscription's id names the subscription", guid_value) &&
         read_optional(in, "name", out.name, r, free_text("a name")) &&
         read_optional(in, "publisherId", out.publisher_id, r, identifier("a publisher id")) &&
         read_required(in, "offerId", out.offer_id, r, noun, "the offer names the app", identifier("an offer id")) &&
         read_required(in, "planId", out.plan_id, r, noun, "the plan says what was bought", identifier("a plan id")) &&
         read_field(in, "quantity", need::optional, r, noun, {},
                    [&](const document& v, reader& rr) { return read_marketplace_quantity(v, out.quantity, rr); },
                    [&] { out.quantity.reset(); }) &&
         read_required(in, "saasSubscriptionStatus", out.status, r, noun, "the status decides what may be done with it",
                       [](const document& v, saas_subscription_status& s, reader& rr) {
                         return read_marketplace_enum(v, s, rr, "SaaS subscription status");
                       }) &&
         read_required(in, "beneficiary", out.beneficiary, r, noun, "the beneficiary's tenant holds the licenses",
                       party("a beneficiary")) &&
         read_optional(in, "purchaser", out.purchaser, r, party("a purchaser")) &&
         read_optional(in, "term", out.term, r,
                       [](const document& v, basic_marketplace_term<Traits>& t, reader& rr) { return read_marketplace_term(v, t, rr); }) &&
         read_optional(in, "autoRenew", out.auto_renew, r, bool_value) && flag("isFreeTrial", out.is_free_trial) &&
         flag("isTest", out.is_test) && read_optional(in, "created", out.created, r, time_value) &&
         read_optional(in, "lastModified", out.last_modified, r, time_value);
}

/// The webhook payload. What a decision needs: the operation id (to answer it, and to apply it
/// once), the subscription, the action and the time stamp (to order operations); the new plan of a
/// ChangePlan and the new quantity of a ChangeQuantity. The pages' shortest ChangePlan sample
/// carries no planId: such a call can only be answered after Get operation status, so it is refused
/// here rather than guessed.
template <marketplace_traits Traits>
bool read_marketplace_webhook(const document& in, basic_marketplace_webhook<Traits>& out, reader& r) {
  constexpr std::string_view noun = "a webhook payload";
  if (!expect_object(in, r, noun)) return false;
  if (!(read_required(in, "id", out.operation_id, r, noun, "the operation id is what the answer and a repeat refer to", guid_value) &&
        read_optional(in, "activityId", out.activity_id, r, guid_value) &&
        read_required(in, "subscriptionId", out.subscription_id, r, noun, "it names the SaaS subscription", guid_value) &&
        read_required(in, "action", out.action, r, noun, "the action says what to do",
                      [](const document& v, marketplace_action& a, reader& rr) { return read_marketplace_enum(v, a, rr, "action"); }) &&
        read_required(in, "timeStamp", out.time_stamp, r, noun, "the time stamp orders the operations", time_value) &&
        read_optional(in, "publisherId", out.publisher_id, r, identifier("a publisher id")) &&
        read_optional(in, "offerId", out.offer_id, r, identifier("an offer id"))))
    return false;
  const bool plan_needed = out.action == marketplace_action::change_plan;
  const bool quantity_needed = out.action == marketplace_action::change_quantity;
  if (!read_field(in, "planId", plan_needed ? need::required : need::optional, r, noun,
                  "a ChangePlan names its new plan in the top-level planId",
                  [&](const document& v, reader& rr) {
                    typename Traits::string_type plan{};
                    if (!read_marketplace_text(v, plan, rr, "a plan id", max_name_bytes, true)) return false;
                    out.plan_id = std::move(plan);
                    return true;
                  },
                  [&] { out.plan_id.reset(); }))
    return false;
  if (!read_field(in, "quantity", quantity_needed ? need::required : need::optional, r, noun,
                  "a ChangeQuantity names its new quantity in the top-level quantity",
                  [&](const document& v, reader& rr) { return read_marketplace_quantity(v, out.quantity, rr); },
                  [&] { out.quantity.reset(); }))
    return false;
  if (quantity_needed && !out.quantity) {
    const auto here = r.at("quantity");
    return r.fail("the field \"quantity\" of a webhook payload is empty; a ChangeQuantity names its new quantity in the "
                  "top-level quantity.");
  }
  if (!(read_optional(in, "status", out.status, r,
                      [](const document& v, marketplace_operation_status& s, reader& rr) {
                        return read_marketplace_enum(v, s, rr, "operation status");
                      }) &&
        read_optional(in, "operationRequestSource", out.operation_request_source, r, identifier("an operation request source")) &&
        read_optional(in, "subscription", out.subscription, r,
                      [](const document& v, basic_marketplace_subscription<Traits>& s, reader& rr) {
                        return read_marketplace_subscription(v, s, rr);
                      }) &&
        read_optional(in, "purchaseToken", out.purchase_token, r, text_of<max_message_bytes, false>("a purchase token"))))
    return false;
  if (out.subscription && out.subscription->id != out.subscription_id) {
    const auto here = r.at("subscription");
    const auto id = r.at("id");
    return r.fail("the nested subscription's id " + out.subscription->id.to_string() + " is not the payload's subscriptionId " +
                  out.subscription_id.to_string() + ".");
  }
  return true;
}

template <class T, class Read>
result<T> decode_marketplace(std::string_view json_text, Read&& read) {
  auto doc = parse(json_text);
  if (!doc) return doc.error();
  reader r;
  T out{};
  if (!read(doc.value(), out, r)) return r.take_error();
  return out;
}

} // namespace detail

/// Reads a webhook call's body. Unknown fields are ignored, nulls are read as absent; a payload
/// without what a decision needs, or with a value of the wrong kind, is refused with an
/// errc::invalid_argument whose message names the JSON Pointer ("/subscription/saasSubscriptionStatus").
template <marketplace_traits Traits = default_traits>
[[nodiscard]] result<basic_marketplace_webhook<Traits>> decode_marketplace_webhook(std::string_view json_text) {
  return detail::decode_marketplace<basic_marketplace_webhook<Traits>>(
      json_text, [](const detail::document& in, basic_marketplace_webhook<Traits>& out, detail::reader& r) {
        return detail::read_marketplace_webhook(in, out, r);
      });
}

/// Reads a SaaS subscription resource (the body of Get subscription, or the "subscription" object
/// of Resolve's answer), as leniently and as strictly as decode_marketplace_webhook.
template <marketplace_traits Traits = default_traits>
[[nodiscard]] result<basic_marketplace_subscription<Traits>> decode_marketplace_subscription(std::string_view json_text) {
  return detail::decode_marketplace<basic_marketplace_subscription<Traits>>(
      json_text, [](const detail::document& in, basic_marketplace_subscription<Traits>& out, detail::reader& r) {
        return detail::read_marketplace_subscription(in, out, r);
      });
}

} // namespace isv::json
