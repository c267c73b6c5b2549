// Internal: the macros with which a record (entity, event, command, report) states its equality and describes its fields once.
#pragma once

#include <boost/describe/class.hpp>

#include <optional>
#include <string_view>

// Every record ends its definition with one of these. The field list given here is the record's one
// description (Boost.Describe): JSON, the SQL record codec and the idempotency fingerprint walk it, and
// `detail::for_each_field_noting_added` refuses to compile when a declared field is missing from it.

/// Equality by value and the description of the fields: `ISV_RECORD(basic_app, (id, name, publisher))`.
#define ISV_RECORD(type, fields)                                                                                  \
  friend bool operator==(const type&, const type&) = default;                                                     \
  BOOST_DESCRIBE_CLASS(type, (), fields, (), ())

/// An event payload `basic_<name>`: its name in logs and on the wire (`type_name`), equality and fields:
/// `ISV_EVENT(invoice_paid, (invoice, method))` inside `struct basic_invoice_paid`.
#define ISV_EVENT(name, fields)                                                                                   \
  static constexpr std::string_view type_name = #name;                                                            \
  ISV_RECORD(basic_##name, fields)

/// A command: the operation it runs (`operation_name`, as the service, the JSON tool and the idempotency
/// fingerprint name it), the authorization row that guards it (`std::nullopt` when the platform runs it),
/// what it returns beside its update (`result_value`), equality and fields.
#define ISV_COMMAND(type, name, guard, result, fields)                                                            \
  static constexpr std::string_view operation_name = #name;                                                       \
  static constexpr std::optional<operation> authorization = guard;                                                \
  using result_value = result;                                                                                    \
  ISV_RECORD(type, fields)

/// Fields added to a record after release 0.1.0 come last, in its declaration and in its description,
/// and the record names the first of them inside its definition: `ISV_ADDED_AFTER_0_1(plan)`. Data of
/// release 0.1.0 lacks them: a stored record of format 1 and JSON without them read as the values a
/// default-constructed record holds. A value whose added fields all hold those defaults is written as
/// release 0.1.0 wrote it (JSON without them, stored format 1, the same idempotency fingerprint), so
/// that data and keys of 0.1.0 keep meaning what they meant.
#define ISV_ADDED_AFTER_0_1(first_added_field)                                                                   \
  static constexpr std::string_view first_field_added_after_0_1 = #first_added_field;
