// Checks isv-admin's output for a session file: each command line's outcome matches its "#>" expectation, and every result line decodes back to the library's types unchanged.
//
//   check_session SESSION OUTPUT
//
// Expectations, on the comment line before a command:
//   #> ok                      the command succeeds
//   #> ok repeat               it succeeds with exactly the output of the previous command (an idempotent repeat)
//   #> refused CODE            it is refused with that errc
//   #> refused CODE at PATH    ... and the error's path is PATH ("" for the whole line)
#include <isv/admin_center.hpp>
#include <isv/json.hpp>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct expectation {
  bool ok = true;
  bool repeat = false;
  std::string code;
  std::optional<std::string> path;
};

int failures = 0;

void complain(std::size_t line_number, const std::string& what) {
  std::cerr << "session line " << line_number << ": " << what << '\n';
  ++failures;
}

/// Decodes `j` as T and checks that encoding it again gives the same JSON: nothing lost, nothing added.
template <class T>
bool round_trips(const nlohmann::json& j, std::string& why) {
  auto decoded = isv::json::decode<T>(j);
  if (!decoded) {
    why = decoded.error().message;
    return false;
  }
  if (isv::json::encode(decoded.value()) != j) {
    why = "it changed in a decode/encode round trip";
    return false;
  }
  return true;
}

/// Whether a result's value has the form the operation returns.
bool value_round_trips(std::string_view op, const nlohmann::json& value, std::string& why) {
  if (op == "assign" || op == "reprocess") return round_trips<isv::assignment_report>(value, why);
  if (op == "preview_unassign") return round_trips<isv::unassign_preview>(value, why);
  if (op == "issue_invoice" || op == "view_invoice" || op == "find_invoice") return round_trips<isv::invoice>(value, why);
  if (op == "create_tenant" || op == "find_tenant") return round_trips<isv::tenant>(value, why);
  if (op == "add_app") return round_trips<isv::app>(value, why);
  if (op == "subscriptions") return round_trips<std::vector<isv::subscription>>(value, why);
  if (op == "find_subscription") return round_trips<isv::subscription>(value, why);
  if (op == "licenses" || op == "licenses_of_user") return round_trips<std::vector<isv::license>>(value, why);
  if (op == "find_billing_profile") return round_trips<isv::billing_profile>(value, why);
  if (op == "events") return round_trips<std::vector<isv::event>>(value, why);
  if (op == "install") {
    why = "the install link is not a string";
    return value.is_string();
  }
  if (op == "group_violations") {
    why = "not a list of {subscription, violation}";
    if (!value.is_array()) return false;
    for (const auto& v : value)
      if (!v.is_object() || v.size() != 2 || !v.contains("subscription") || !v.contains("violation") ||
          !round_trips<isv::subscription_id>(v["subscription"], why) || !round_trips<isv::count_violation>(v["violation"], why))
        return false;
    return true;
  }
  why = "an operation that returns nothing gave a value";
  return value.is_null();
}

void check(std::size_t number, const std::string& command, const std::string& output, const expectation& expected,
           const std::string& previous_output) {
  const auto in = nlohmann::json::parse(command, nullptr, false);
  const auto out = nlohmann::json::parse(output, nullptr, false);
  if (out.is_discarded() || !out.is_object() || !out.contains("ok") || !out["ok"].is_boolean()) {
    complain(number, "the output is not a result or error line: " + output);
    return;
  }
  const std::string op = in.is_object() && in.contains("op") && in["op"].is_string() ? in["op"].get<std::string>() : "";
  if (out["ok"].get<bool>()) {
    if (!expected.ok) {
      complain(number, "expected a refusal (" + expected.code + ") but it succeeded: " + output);
      return;
    }
    if (out.size() != 3 || !out.contains("events") || !out.contains("value")) {
      complain(number, "a result line has exactly ok, events and value: " + output);
      return;
    }
    std::string why;
    if (!round_trips<std::vector<isv::event>>(out["events"], why)) complain(number, "the events do not decode: " + why);
    auto events = isv::json::decode<std::vector<isv::event>>(out["events"]);
    if (events && in.contains("tenant")) {
      const auto tenant = isv::json::decode<isv::tenant_id>(in["tenant"]);
      for (const auto& e : events.value()) {
        if (!tenant || e.tenant != tenant.value()) complain(number, "an event of another tenant was returned");
        const bool platform = !in.contains("actor");
        if (!platform && (!e.actor || isv::json::encode(*e.actor) != in["actor"]))
          complain(number, "an event does not name the acting user");
        if (platform && e.actor) complain(number, "a platform operation's event names an actor");
      }
    }
    if (!value_round_trips(op, out["value"], why)) complain(number, "the value of " + op + " does not decode: " + why);
    if (expected.repeat && output != previous_output)
      complain(number, "an idempotent repeat must give the first output again:\n  first:  " + previous_output + "\n  repeat: " + output);
    return;
  }
  if (expected.ok) {
    complain(number, "expected success but it was refused: " + output);
    return;
  }
  if (out.size() != 2 || !out.contains("error") || !out["error"].is_object() || !out["error"].contains("path")) {
    complain(number, "an error line has exactly ok and error {code, message, path}: " + output);
    return;
  }
  auto error = out["error"];
  const auto path = error["path"];
  error.erase("path");
  auto decoded = isv::json::decode<isv::error>(error);
  if (!decoded) {
    complain(number, "the error does not decode: " + decoded.error().message);
    return;
  }
  if (isv::to_string(decoded.value().error.code) != expected.code)
    complain(number, "expected " + expected.code + " but got " + std::string(isv::to_string(decoded.value().error.code)) + ": " +
                         decoded.value().error.message);
  if (decoded.value().error.message.empty()) complain(number, "a refusal without a message");
  if (expected.path && (!path.is_string() || path.get<std::string>() != *expected.path))
    complain(number, "expected the path \"" + *expected.path + "\" but got " + path.dump());
  if (!path.is_null() && !path.is_string()) complain(number, "the path is neither a string nor null");
}

std::optional<expectation> parse_expectation(std::string_view text) {
  std::istringstream words{std::string(text)};
  std::string word;
  words >> word;
  expectation e;
  if (word == "ok") {
    if (words >> word) {
      if (word != "repeat") return std::nullopt;
      e.repeat = true;
    }
    return e;
  }
  if (word != "refused" || !(words >> e.code)) return std::nullopt;
  e.ok = false;
  if (words >> word) {
    if (word != "at") return std::nullopt;
    std::string path;
    words >> path;
    e.path = path == "\"\"" ? std::string() : path;
  }
  return e;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: check_session SESSION OUTPUT\n";
    return 2;
  }
  std::ifstream session(argv[1]);
  std::ifstream output(argv[2]);
  if (!session || !output) {
    std::cerr << "check_session: cannot open the session or the output file\n";
    return 2;
  }
  std::optional<expectation> pending;
  std::string line;
  std::string answer;
  std::string previous;
  std::size_t number = 0;
  std::size_t commands = 0;
  while (std::getline(session, line)) {
    ++number;
    if (line.starts_with("#>")) {
      pending = parse_expectation(std::string_view(line).substr(2));
      if (!pending) complain(number, "cannot read the expectation \"" + line + "\"");
      continue;
    }
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    ++commands;
    if (!std::getline(output, answer)) {
      complain(number, "isv-admin wrote no line for this command");
      break;
    }
    if (!pending) complain(number, "the command has no \"#>\" expectation before it");
    else check(number, line, answer, *pending, previous);
    pending.reset();
    previous = answer;
  }
  if (std::getline(output, answer)) complain(number, "isv-admin wrote more lines than the session has commands");
  std::cout << commands << " commands checked, " << failures << " failures\n";
  return failures == 0 && commands > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
