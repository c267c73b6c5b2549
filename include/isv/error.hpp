// Errors: isv::errc plugged into std::error_code, isv::error (a code plus a sentence a person can act on), and isv::result<T>.
#pragma once

#include "isv/detail/record.hpp"
#include "isv/enum_names.hpp"
#include <boost/outcome/std_result.hpp>
#include <boost/outcome/try.hpp>

#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>

namespace isv {

/// Why an operation was refused. Zero is success in std::error_code, so no value here is zero.
enum class errc {
  permission_denied = 1,    ///< the acting admin lacks a role the operation needs (D-ROLE-3)
  wrong_tenant,             ///< an id or actor from another tenant (D-TENANT-1)
  not_found,                ///< the id names nothing in this tenant
  invalid_argument,         ///< a malformed command: empty batch, duplicate ids, bad currency...
  unsupported_region,       ///< third-party apps are not sold in the tenant's region (D-BUY-2)
  agreement_not_accepted,   ///< the customer agreement was not accepted (D-BUY-3)
  pending_activation,       ///< a SaaS subscription not yet activated (D-ACT-1)
  deactivated,              ///< the subscription is deactivated for good (D-LIFE-2, D-LIFE-3)
  suspended,                ///< payment lapsed: nothing can be added until it is paid (D-LIFE-4)
  seats_exhausted,          ///< the assignment needs more seats than are free (D-ASSIGN-3)
  quantity_below_in_use,    ///< the new quantity is below the licenses in use (D-QTY-3)
  quantity_not_adjustable,  ///< flat-rate subscriptions have no quantity (D-QTY-1)
  contact_vendor,           ///< bought from the vendor: the vendor handles it (D-QTY-2)
  invalid_transition,       ///< the lifecycle table has no such transition
  stale_preview,            ///< the unassignment preview was computed from an older state (D-UNASSIGN-1)
  conflict,                 ///< a save from a stale version (D-CONC-1)
  idempotency_mismatch,     ///< an idempotency key reused for a different command (D-IDEM-1)
  already_exists,           ///< the new id is taken
  already_paid,             ///< the invoice was paid already
  overflow,                 ///< an amount or count too large to represent
  limit_exceeded,           ///< an input past a stated bound: line, depth, batch, clock jump (D-LIMIT-1)
  storage_fault,            ///< the storage failed: full, read-only, unreachable, not this library's schema (D-ERR-2)
  corrupt_data,             ///< stored data that cannot be what the library wrote: a changed or missing event (D-ERR-2)
  currency_mismatch,        ///< a billing profile invoices in one currency; this would add another (D-BILL-5)
  plan_unchanged,           ///< a plan change to the plan the subscription is on already (D-PLAN-2)
  plan_too_small,           ///< the plan cannot hold the licenses in use or the seats asked for (D-PLAN-2)
  stale_operation,          ///< a marketplace operation sent before the last one applied (D-MKT-4)
  not_licensed,             ///< the user holds no license of the subscription (D-SIGN-3)
  license_malformed,        ///< a license file that is not one: its frame, base64 or statement (D-SIGN-2)
  license_format_unknown,   ///< a license file of a format version this verifier does not know (D-SIGN-2)
  license_key_unknown,      ///< a license file signed with a key id the verifier holds no key for (D-SIGN-2)
  license_signature_invalid,///< a license file whose signature field is no Ed25519 signature at all (D-SIGN-2)
  license_tampered,         ///< a license file whose signed bytes do not match its signature: changed since signing (D-SIGN-2)
  license_expired,          ///< a license file past its expiry at the verifier's clock, leeway included (D-SIGN-2)
};
BOOST_DESCRIBE_ENUM(errc, permission_denied, wrong_tenant, not_found, invalid_argument, unsupported_region, agreement_not_accepted, pending_activation, deactivated, suspended, seats_exhausted, quantity_below_in_use, quantity_not_adjustable, contact_vendor, invalid_transition, stale_preview, conflict, idempotency_mismatch, already_exists, already_paid, overflow, limit_exceeded, storage_fault, corrupt_data, currency_mismatch, plan_unchanged, plan_too_small, stale_operation, not_licensed, license_malformed, license_format_unknown, license_key_unknown, license_signature_invalid, license_tampered, license_expired)

/// The std::error_category of isv::errc.
class error_category_impl final : public std::error_category {
public:
  [[nodiscard]] const char* name() const noexcept override { return "isv-licensing"; }
  [[nodiscard]] std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::permission_denied: return "permission denied";
      case errc::wrong_tenant: return "belongs to another tenant";
      case errc::not_found: return "not found";
      case errc::invalid_argument: return "invalid argument";
      case errc::unsupported_region: return "region not supported for third-party apps";
      case errc::agreement_not_accepted: return "customer agreement not accepted";
      case errc::pending_activation: return "subscription pending activation";
      case errc::deactivated: return "subscription deactivated";
      case errc::suspended: return "subscription suspended";
      case errc::seats_exhausted: return "not enough seats";
      case errc::quantity_below_in_use: return "quantity below licenses in use";
      case errc::quantity_not_adjustable: return "quantity cannot be changed";
      case errc::contact_vendor: return "handled by the vendor";
      case errc::invalid_transition: return "invalid lifecycle transition";
      case errc::stale_preview: return "stale preview";
      case errc::conflict: return "version conflict";
      case errc::idempotency_mismatch: return "idempotency key reused for another command";
      case errc::already_exists: return "already exists";
      case errc::already_paid: return "already paid";
      case errc::overflow: return "value too large";
      case errc::limit_exceeded: return "input past a stated limit";
      case errc::storage_fault: return "storage fault";
      case errc::corrupt_data: return "stored data is corrupt";
      case errc::currency_mismatch: return "billing profile charges another currency";
      case errc::plan_unchanged: return "already on that plan";
      case errc::plan_too_small: return "the plan cannot hold the subscription's licenses";
      case errc::stale_operation: return "a stale marketplace operation";
      case errc::not_licensed: return "the user holds no license";
      case errc::license_malformed: return "not a license file";
      case errc::license_format_unknown: return "a license file of an unknown format version";
      case errc::license_key_unknown: return "a license file signed with an unknown key";
      case errc::license_signature_invalid: return "a license file without a valid signature";
      case errc::license_tampered: return "a license file changed since it was signed";
      case errc::license_expired: return "an expired license file";
    }
    return "unknown isv-licensing error";
  }
};

[[nodiscard]] inline const std::error_category& error_category() noexcept {
  static const error_category_impl instance;
  return instance;
}

[[nodiscard]] inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

/// A refusal: what kind (code) and a sentence a person can act on (message). A refused operation
/// changed nothing (D-ERR-1).
struct error {
  errc code{};
  std::string message;

  ISV_RECORD(error, (code, message))
};

/// Lets Outcome treat isv::error as error-code-like: result<T>::value() on a failure throws
/// std::system_error carrying the code and the message.
[[nodiscard]] inline std::error_code make_error_code(const error& e) noexcept { return make_error_code(e.code); }
[[noreturn]] inline void outcome_throw_as_system_error_with_payload(const error& e) {
  throw std::system_error(make_error_code(e.code), e.message);
}

/// Every public operation returns this: a value, or an isv::error.
template <class T>
using result = BOOST_OUTCOME_V2_NAMESPACE::std_result<T, error>;

/// Builds a failure: `return fail(errc::not_found, "subscription 7 is not in tenant 1");`
[[nodiscard]] inline error fail(errc code, std::string message) { return error{code, std::move(message)}; }

} // namespace isv

template <>
struct std::is_error_code_enum<isv::errc> : std::true_type {};
