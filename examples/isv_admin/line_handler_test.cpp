// isv-admin's line handler: every operation --help documents is handled and its example line reads; bad lines get error lines with paths (D-ERR-1).
#include "line_handler.hpp"
#include "serve.hpp"

#include "support/catch.hpp"

#include <isv/signing/verify.hpp>
#include <isv/storage/memory.hpp>

#include <chrono>
#include <sstream>
#include <streambuf>
#include <string>

namespace {

using namespace std::chrono_literals;
const isv_admin::time_point start{std::chrono::sys_days{std::chrono::January / 5 / 2026} + 9h};
/// A session that may run the platform's operations (create_tenant, add_app, ...): isv-admin --platform.
const isv_admin::session_options platform_session{.platform = true};

nlohmann::json answer(isv_admin::line_handler<isv::memory_repository>& handler, std::string_view line) {
  const auto out = handler.handle(line);
  REQUIRE(out.has_value());
  return nlohmann::json::parse(*out);
}

/// The error message of an answer, or "" for an answer that is not an error.
std::string message_of(const nlohmann::json& answer) {
  const nlohmann::json::json_pointer message("/error/message");
  return answer.contains(message) ? answer.at(message).get<std::string>() : std::string();
}

/// An output whose reader went away: every write fails, as on a closed pipe with SIGPIPE ignored.
struct closed_pipe : std::streambuf {
  int_type overflow(int_type) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

std::string nested(std::size_t levels) { return std::string(levels, '[') + std::string(levels, ']'); }

} // namespace

TEST_CASE("every operation of --help has an example line that reads, and is handled [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  const std::string help = isv_admin::help_text();
  for (const auto& op : isv_admin::operations) {
    const std::string line = isv_admin::example_line(op);
    INFO(line);
    CHECK(help.find(line) != std::string::npos);
    auto out = answer(handler, line);
    // The example may be refused by the rules (no such subscription yet), never for how it is written.
    if (out["ok"] == false) {
      CHECK(out["error"]["path"].is_null());
      CHECK(out["error"]["message"].get<std::string>().find("not handled") == std::string::npos);
    }
  }
}

TEST_CASE("create_tenant takes the country as an ISO 3166-1 code, and an old name reads as its code [D-BUY-5] [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  auto atlantis = answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "C", "region": "Atlantis"}})");
  CHECK(atlantis["ok"] == false);
  CHECK(atlantis["error"]["code"] == "invalid_argument");
  CHECK(message_of(atlantis).find("ISO 3166-1 alpha-2") != std::string::npos);
  auto lower = answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "C", "region": "nl"}})");
  CHECK(lower["error"]["code"] == "invalid_argument");
  CHECK_FALSE(repo.read(isv::tenant_id{1}).has_value());
  // A client of release 0.1 sends the country's name: it is read as the code.
  auto old_client = answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "C", "region": "Netherlands"}})");
  REQUIRE(old_client["ok"] == true);
  CHECK(repo.read(isv::tenant_id{1}).value().tenant().region == "NL");
}

TEST_CASE("a bad line gets an error line naming the place, and the next line is served [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  CHECK_FALSE(handler.handle("").has_value());
  CHECK_FALSE(handler.handle("  # a comment").has_value());

  auto broken = answer(handler, R"({"tenant": "1", "op": )");
  CHECK(broken["ok"] == false);
  CHECK(broken["error"]["code"] == "invalid_argument");
  CHECK(broken["error"]["path"] == "");

  auto unknown = answer(handler, R"({"tenant": "1", "actor": "7", "op": "fly", "args": {}})");
  CHECK(unknown["error"]["path"] == "/op");

  auto extra = answer(handler, R"({"tenant": "1", "actor": "7", "op": "find_tenant", "force": true})");
  CHECK(extra["error"]["path"] == "/force");

  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  auto bad_user = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20", "021"]}})");
  CHECK(bad_user["error"]["path"] == "/args/users/1");
  CHECK(bad_user["error"]["message"].get<std::string>().starts_with("Invalid JSON at \"/args/users/1\""));

  auto no_actor = answer(handler, R"({"tenant": "1", "op": "add_users", "args": {"users": ["20"]}})");
  CHECK(no_actor["error"]["path"] == "/actor");
  auto platform_actor = answer(handler, R"({"tenant": "1", "actor": "7", "op": "advance_to", "args": {"subscriptions": []}})");
  CHECK(platform_actor["error"]["path"] == "/actor");

  auto added = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}})");
  CHECK(added["ok"] == true);
  CHECK(added["events"].size() == 1);
  CHECK(added["value"].is_null());
}

TEST_CASE("a refused operation's error line has no path, and the key repeats the first result [D-IDEM-1] [D-ROLE-3]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  auto denied = answer(handler, R"({"tenant": "1", "actor": "8", "op": "add_users", "args": {"users": ["20"]}})");
  CHECK(denied["error"]["code"] == "permission_denied");
  CHECK(denied["error"]["path"].is_null());

  const std::string keyed = R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}, "idempotency_key": "k"})";
  const auto first = handler.handle(keyed);
  const auto again = handler.handle(keyed);
  REQUIRE(first.has_value());
  CHECK(first == again);
  auto log = answer(handler, R"({"tenant": "1", "op": "events"})");
  CHECK(log["value"].size() == 1);
  auto reused = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["21"]}, "idempotency_key": "k"})");
  CHECK(reused["error"]["code"] == "idempotency_mismatch");
}

TEST_CASE("every command of the library is an operation of the protocol, run by whom the command says [D-ROLE-3]") {
  for (const auto name : isv::command_names<isv::default_traits>) {
    CAPTURE(name);
    const auto* doc = isv_admin::find_operation(name);
    REQUIRE(doc != nullptr);
    CHECK(doc->keyed);
    const auto platform = isv::visit_command_named<isv::default_traits>(
        name, [](auto type) { return isv::platform_command<typename decltype(type)::type>; });
    REQUIRE(platform.has_value());
    CHECK((doc->actor == isv_admin::actor_kind::platform) == *platform);
    if (!*platform) CHECK(doc->actor == isv_admin::actor_kind::admin);
  }
}

TEST_CASE("a line nested deeper than the session's limit is refused while it is parsed, naming the limit [D-LIMIT-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler shallow(repo, start, {.max_depth = 3, .platform = true});
  // The line itself, "args" and "users" are 3 deep; a list inside "users" is a fourth.
  auto deep = answer(shallow, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": [["20"]]}})");
  CHECK(deep["error"]["code"] == "limit_exceeded");
  CHECK(deep["error"]["path"] == "");
  CHECK_THAT(message_of(deep), Catch::Matchers::Contains("nesting depth is 3") && Catch::Matchers::Contains("--max-depth"));
  CHECK(answer(shallow, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}})")["error"]["code"] ==
        "not_found");

  // The line that crashed isv-admin: tens of thousands of arrays in "args", refused at the default.
  isv_admin::line_handler handler(repo, start, platform_session);
  auto crash = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": )" + nested(60000) + "}}");
  CHECK(crash["error"]["code"] == "limit_exceeded");
  CHECK_THAT(message_of(crash), Catch::Matchers::Contains(std::to_string(isv::json::default_max_depth)));
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] ==
        true);
}

TEST_CASE("a line longer than the session's limit is refused unparsed and unkept, and the next line is served [D-LIMIT-1]") {
  isv::memory_repository repo;
  const std::string find = R"({"tenant": "1", "op": "find_tenant"})";
  isv_admin::line_handler handler(repo, start, {.max_line_bytes = find.size(), .platform = true});
  CHECK(answer(handler, find)["error"]["code"] == "not_found");
  auto long_line = answer(handler, find + " ");
  CHECK(long_line["error"]["code"] == "limit_exceeded");
  CHECK(long_line["error"]["path"] == "");
  CHECK_THAT(message_of(long_line), Catch::Matchers::Contains(std::to_string(find.size() + 1) + " bytes") &&
                                        Catch::Matchers::Contains("at most " + std::to_string(find.size())) &&
                                        Catch::Matchers::Contains("--max-line-bytes"));

  // The reader keeps at most the bound of a longer line, whatever its length, and goes on after it.
  std::istringstream in(std::string(10'000'000, 'x') + "\n" + find + "\n" + find);
  std::string line;
  std::size_t bytes = 0;
  CHECK(isv_admin::read_line(in, line, 100, bytes) == isv_admin::line_status::too_long);
  CHECK(bytes == 10'000'000);
  CHECK(line.capacity() < 4096);
  CHECK(isv_admin::read_line(in, line, 100, bytes) == isv_admin::line_status::read);
  CHECK(line == find);
  CHECK(isv_admin::read_line(in, line, 100, bytes) == isv_admin::line_status::read); // no '\n' at the end: still a line
  CHECK(line == find);
  CHECK(isv_admin::read_line(in, line, 100, bytes) == isv_admin::line_status::end);

  // serve() answers a long line with the refusal and serves the next.
  std::istringstream session(std::string(5000, ' ') + "\n" + find + "\n");
  std::ostringstream out;
  CHECK(isv_admin::serve(handler, session, out) == isv_admin::serve_end::input_ended);
  std::istringstream answers(out.str());
  std::string first, second, third;
  REQUIRE(std::getline(answers, first));
  REQUIRE(std::getline(answers, second));
  CHECK_FALSE(std::getline(answers, third));
  CHECK(nlohmann::json::parse(first)["error"]["code"] == "limit_exceeded");
  CHECK_THAT(first, Catch::Matchers::Contains("5000 bytes"));
  CHECK(nlohmann::json::parse(second)["error"]["code"] == "not_found");
}

TEST_CASE("when an answer cannot be written, serve stops before reading another line [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  const std::string create = R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})";
  const std::string add = R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}})";
  std::istringstream in("# set-up\n" + create + "\n" + add + "\n");
  closed_pipe pipe;
  std::ostream out(&pipe);
  CHECK(isv_admin::serve(handler, in, out) == isv_admin::serve_end::output_failed);
  // The line after the one whose answer was lost is still unread, and nothing of it was applied.
  std::string rest;
  REQUIRE(std::getline(in, rest));
  CHECK(rest == add);
  CHECK(answer(handler, R"({"tenant": "1", "op": "events"})")["value"].empty());
}

TEST_CASE("a line that moves its tenant's clock forward past the session's bound is refused, naming it, nothing changes [D-LIMIT-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, {.max_clock_jump = std::chrono::days{30}, .platform = true});
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "Germany"}})")["ok"] == true);
  // 30 days after the session's clock: at the bound, accepted.
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}, "at": "2026-02-04T09:00:00Z"})")["ok"] == true);
  const auto events = answer(handler, R"({"tenant": "1", "op": "events"})")["value"].size();

  // One second past 30 days after that line.
  auto far = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["21"]}, "at": "2026-03-06T09:00:01Z"})");
  CHECK(far["error"]["code"] == "limit_exceeded");
  CHECK(far["error"]["path"] == "/at");
  CHECK_THAT(message_of(far), Catch::Matchers::Contains("from 2026-02-04T09:00:00Z to 2026-03-06T09:00:01Z") &&
                                  Catch::Matchers::Contains("at most 30d") && Catch::Matchers::Contains("--max-clock-jump"));
  // The platform's clock is bounded the same way: advance_to acts at the line's time.
  auto advance = answer(handler, R"({"tenant": "1", "op": "advance_to", "args": {"subscriptions": []}, "at": "2036-02-04T09:00:00Z"})");
  CHECK(advance["error"]["code"] == "limit_exceeded");
  CHECK(answer(handler, R"({"tenant": "1", "op": "events"})")["value"].size() == events);

  // Refused lines moved no clock: a line without "at" acts at the last accepted time, and steps within the bound go on.
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["21"]}})")["ok"] == true);
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["22"]}, "at": "2026-03-06T09:00:00Z"})")["ok"] == true);
  CHECK(answer(handler, R"({"tenant": "1", "op": "advance_to", "args": {"subscriptions": []}, "at": "2026-04-05T09:00:00Z"})")["ok"] == true);
}

TEST_CASE("the clock-jump bound (--max-clock-jump) reads a whole number and a unit, and the default is ten years [D-LIMIT-1]") {
  using namespace std::chrono;
  CHECK(isv_admin::parse_duration("10y").value() == duration_cast<seconds>(years{10}));
  CHECK(isv_admin::parse_duration("90d").value() == duration_cast<seconds>(days{90}));
  CHECK(isv_admin::parse_duration("36h").value() == hours{36});
  CHECK(isv_admin::parse_duration("3600s").value() == seconds{3600});
  for (const char* bad : {"", "y", "10", "0d", "-1d", "10w", "1.5y", "d10", "99999999999999999y"}) {
    CAPTURE(bad);
    const auto refused = isv_admin::parse_duration(bad);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == isv::errc::invalid_argument);
  }
  CHECK(isv_admin::duration_text(isv_admin::session_options{}.max_clock_jump) == "10y");
  CHECK(isv_admin::duration_text(hours{36}) == "36h");
  CHECK_THAT(isv_admin::help_text(), Catch::Matchers::Contains("--max-clock-jump D") && Catch::Matchers::Contains("(default 10y)"));
}

TEST_CASE("a list in args longer than the session's batch bound is refused before the command is read [D-LIMIT-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, {.max_batch = 2, .platform = true});
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20", "21"]}})")["ok"] == true);
  auto users = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["22", "23", "24"]}})");
  CHECK(users["error"]["code"] == "limit_exceeded");
  CHECK(users["error"]["path"] == "/args/users");
  CHECK_THAT(message_of(users), Catch::Matchers::Contains("3 entries") && Catch::Matchers::Contains("at most 2") &&
                                    Catch::Matchers::Contains("--max-batch"));
  // Any list of the command: groups too, even before the rules would look at the subscription.
  auto groups = answer(handler, R"({"tenant": "1", "actor": "7", "op": "assign", "args": {"subscription": "100", "users": [], "groups": ["30", "31", "32"]}})");
  CHECK(groups["error"]["code"] == "limit_exceeded");
  CHECK(groups["error"]["path"] == "/args/groups");
  CHECK(answer(handler, R"({"tenant": "1", "op": "events"})")["value"].size() == 1);

  // The default bound: 10,000 entries.
  isv_admin::line_handler defaults(repo, start, platform_session);
  const auto many = [](int n) {
    std::string list;
    for (int i = 0; i < n; ++i) list += (i == 0 ? "\"" : ", \"") + std::to_string(1000 + i) + "\"";
    return R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": [)" + list + "]}}";
  };
  CHECK(answer(defaults, many(10'001))["error"]["code"] == "limit_exceeded");
  CHECK(answer(defaults, many(10'000))["ok"] == true);
}

TEST_CASE("names the line made up are cut to 64 bytes when an answer quotes them [D-LIMIT-1] [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  const std::string x64(64, 'x');
  const std::string x65(65, 'x');
  const std::string huge(10'000, 'x');
  const auto cut_at_64 = [&](const nlohmann::json& out, bool quoted = true) {
    INFO(out.dump());
    CHECK(out["error"]["code"] == "invalid_argument");
    CHECK_FALSE(message_of(out).find(x65) != std::string::npos);
    if (quoted) CHECK_THAT(message_of(out), Catch::Matchers::Contains(x64 + "…"));
    CHECK(message_of(out).size() < 1000);
    if (out["error"]["path"].is_string()) CHECK(out["error"]["path"].get<std::string>().size() < 100);
  };
  cut_at_64(answer(handler, R"({"tenant": "1", "actor": "7", "op": ")" + huge + R"(", "args": {}})"));
  auto field = answer(handler, R"({"tenant": "1", "op": "find_tenant", ")" + huge + R"(": 1})");
  cut_at_64(field);
  CHECK(field["error"]["path"] == "/" + x64 + "…");
  cut_at_64(answer(handler, R"({"tenant": "1", "op": "find_subscription", "args": {")" + huge + R"(": "1"}})"));
  cut_at_64(answer(handler, R"({"tenant": "1", "op": "events", "args": {")" + huge + R"(": 0}})"));
  cut_at_64(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "C", "region": "DE", ")" + huge + R"(": 0}})"));
  cut_at_64(answer(handler, R"({"tenant": "1", "op": "find_tenant", "args": {")" + huge + R"(": 0}})"), false);
  // A cut never splits a character: 100 two-byte characters become 32 of them.
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "é";
  auto wide = answer(handler, R"({"tenant": "1", "actor": "7", "op": ")" + accents + R"("})");
  CHECK_THAT(message_of(wide), Catch::Matchers::Contains("\"" + accents.substr(0, 64) + "…\""));
}

TEST_CASE("a line with a NUL byte or anything but spaces after its object is refused whole [D-ERR-1]") {
  using namespace std::string_literals;
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  const std::string find = R"({"tenant": "1", "op": "find_tenant"})";
  CHECK(answer(handler, find + " \t\r")["error"]["code"] == "not_found"); // trailing white space is fine
  for (const auto& line : {find + "\0"s + R"({"tenant": "1", "actor": "7", "op": "create_tenant"})", find + "\0"s, "\0"s + find,
                           find + " x", find + " {}"}) {
    CAPTURE(line);
    auto out = answer(handler, line);
    CHECK(out["error"]["code"] == "invalid_argument");
    CHECK(out["error"]["path"] == "");
    if (line.find('\0') != std::string::npos) CHECK_THAT(message_of(out), Catch::Matchers::Contains("NUL"));
  }
}

TEST_CASE("a number too large to represent is refused as too large, in args and in the envelope's reads [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  for (const char* number : {"18446744073709551616", "1e400", "99999999999999999999999"}) {
    CAPTURE(number);
    auto quantity = answer(handler, std::string(R"({"tenant": "1", "actor": "7", "op": "change_quantity", "args": {"subscription": "100", "quantity": )") + number + "}}");
    CHECK(quantity["error"]["code"] == "invalid_argument");
    CHECK_THAT(message_of(quantity), Catch::Matchers::Contains("too large"));
    auto after = answer(handler, std::string(R"({"tenant": "1", "op": "events", "args": {"after": )") + number + "}}");
    CHECK(after["error"]["code"] == "invalid_argument");
    CHECK_THAT(message_of(after), Catch::Matchers::Contains("too large"));
  }
}

TEST_CASE("a line's \"at\" moves the clock only when the line is accepted, and never back within a tenant [D-ERR-1]") {
  using namespace std::chrono;
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["7", "8"]}})")["ok"] == true);

  // Refused (8 holds no role): its "at" changes nothing, so the next line still acts at the start.
  auto denied = answer(handler, R"({"tenant": "1", "actor": "8", "op": "add_users", "args": {"users": ["20"]}, "at": "2026-03-01T00:00:00Z"})");
  CHECK(denied["error"]["code"] == "permission_denied");
  CHECK(handler.now() == start);
  auto added = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20"]}})");
  CHECK(added["events"][0]["at"] == "2026-01-05T09:00:00Z");
  // A read refused (no such subscription): no move either.
  CHECK(answer(handler, R"({"tenant": "1", "op": "find_subscription", "args": {"subscription": "100"}, "at": "2026-03-01T00:00:00Z"})")["error"]["code"] == "not_found");
  CHECK(handler.now() == start);

  // Accepted: the clock moves there and stays.
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["21"]}, "at": "2026-02-01T00:00:00Z"})")["ok"] == true);
  CHECK(handler.now() == sys_days{February / 1 / 2026});
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["22"]}})")["events"][0]["at"] ==
        "2026-02-01T00:00:00Z");

  // Earlier than tenant 1's last accepted line: refused with both times, and nothing changes.
  auto back = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["23"]}, "at": "2026-01-20T00:00:00Z"})");
  CHECK(back["error"]["code"] == "invalid_argument");
  CHECK(back["error"]["path"] == "/at");
  CHECK_THAT(message_of(back),
             Catch::Matchers::Contains("2026-01-20T00:00:00Z") && Catch::Matchers::Contains("2026-02-01T00:00:00Z"));
  CHECK(answer(handler, R"({"tenant": "1", "op": "events"})")["value"].size() == 4);
  // The same moment again is not backwards.
  CHECK(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["23"]}, "at": "2026-02-01T00:00:00Z"})")["ok"] == true);

  // Another tenant keeps its own time: tenant 2 may act earlier; tenant 1 then may not follow the clock back.
  REQUIRE(answer(handler, R"({"tenant": "2", "actor": "7", "op": "create_tenant", "args": {"name": "Fabrikam", "region": "FR"}, "at": "2026-01-10T00:00:00Z"})")["ok"] == true);
  CHECK(handler.now() == sys_days{January / 10 / 2026});
  auto follows = answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["24"]}})");
  CHECK(follows["error"]["code"] == "invalid_argument");
  CHECK(follows["error"]["path"].is_null());
  CHECK_THAT(message_of(follows),
             Catch::Matchers::Contains("2026-01-10T00:00:00Z") && Catch::Matchers::Contains("2026-02-01T00:00:00Z"));
}

TEST_CASE("the platform's operations are refused unless the session was started with --platform [D-ROLE-3]") {
  isv::memory_repository repo;
  isv_admin::line_handler tenant_admins(repo, start);
  const std::string create = R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})";
  for (const auto& op : isv_admin::operations) {
    CAPTURE(op.name);
    auto out = answer(tenant_admins, op.name == "create_tenant" ? create : isv_admin::example_line(op));
    if (isv_admin::platform_operation(op)) {
      CHECK(out["error"]["code"] == "permission_denied");
      CHECK(out["error"]["path"] == "/op");
      CHECK_THAT(message_of(out), Catch::Matchers::Contains("--platform"));
    } else {
      CHECK(out["error"]["code"] != "permission_denied"); // tenant 1 does not exist: not_found
    }
  }
  CHECK(isv_admin::platform_operation(*isv_admin::find_operation("create_tenant")));
  CHECK(isv_admin::platform_operation(*isv_admin::find_operation("add_app")));
  CHECK(isv_admin::platform_operation(*isv_admin::find_operation("advance_to")));
  CHECK_FALSE(isv_admin::platform_operation(*isv_admin::find_operation("assign")));
  isv_admin::line_handler with_platform(repo, start, platform_session);
  CHECK(answer(with_platform, create)["ok"] == true);
}

TEST_CASE("a session pinned to one admin refuses lines naming another tenant or actor [D-TENANT-1] [D-ROLE-5]") {
  isv::memory_repository repo;
  const auto pin = isv_admin::parse_pinned_admin("1:7");
  REQUIRE(pin.has_value());
  CHECK(pin.value().tenant == isv::tenant_id{1});
  CHECK(pin.value().user == isv::user_id{7});
  for (const char* bad : {"", "1", "1:", ":7", "1:07", "a:b", "1:7:9"}) {
    CAPTURE(bad);
    CHECK_FALSE(isv_admin::parse_pinned_admin(bad).has_value());
  }

  isv_admin::line_handler handler(repo, start, {.admin = pin.value(), .platform = true});
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})")["ok"] == true);
  auto other_tenant = answer(handler, R"({"tenant": "2", "actor": "7", "op": "create_tenant", "args": {"name": "Fabrikam", "region": "FR"}})");
  CHECK(other_tenant["error"]["code"] == "permission_denied");
  CHECK(other_tenant["error"]["path"] == "/tenant");
  CHECK_THAT(message_of(other_tenant), Catch::Matchers::Contains("--actor 1:7"));
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["7", "8"]}})")["ok"] == true);
  REQUIRE(answer(handler, R"({"tenant": "1", "actor": "7", "op": "grant_role", "args": {"user": "8", "role": "global_administrator"}})")["ok"] == true);
  // 8 is a Global administrator of tenant 1, but this session acts for 7 only.
  auto other_actor = answer(handler, R"({"tenant": "1", "actor": "8", "op": "add_users", "args": {"users": ["20"]}})");
  CHECK(other_actor["error"]["code"] == "permission_denied");
  CHECK(other_actor["error"]["path"] == "/actor");
  CHECK(answer(handler, R"({"tenant": "2", "op": "find_tenant"})")["error"]["code"] == "permission_denied");
  CHECK(answer(handler, R"({"tenant": "1", "op": "find_tenant"})")["ok"] == true);
  CHECK(answer(handler, R"({"tenant": "1", "op": "events"})")["value"].size() == 2);
}

TEST_CASE("the help (--help) states the trust model: actors are taken on trust unless pinned [D-ROLE-3]") {
  const std::string help = isv_admin::help_text();
  CHECK_THAT(help, Catch::Matchers::Contains("authenticates no one") && Catch::Matchers::Contains("on trust") &&
                       Catch::Matchers::Contains("--actor TENANT:USER") && Catch::Matchers::Contains("--platform"));
}

TEST_CASE("a marketplace webhook payload as a line is decided for the linked subscription, once per operation id [D-MKT-1, D-MKT-2]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  const auto ok = [&](std::string_view line) {
    auto out = answer(handler, line);
    INFO(line << "\n -> " << out.dump());
    REQUIRE(out["ok"] == true);
    return out;
  };
  ok(R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})");
  ok(R"({"op": "add_app", "args": {"id": "3", "name": "Notes", "publisher": "Fabrikam", "kind": "saas", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": {"minor_units": 10000, "currency": "EUR"}, "install_link": null, "plans": [{"id": "1", "name": "Silver", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": null, "min_seats": null, "max_seats": 20, "marketplace_plan": "silver"}]}})");
  ok(R"({"tenant": "1", "actor": "7", "op": "create_billing_profile", "args": {"profile": "50", "name": "Main", "contact": {"name": "Alex", "address": "Berlin"}}})");
  ok(R"({"tenant": "1", "op": "link_marketplace", "args": {"marketplace_subscription": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "subscription": "100"}})");
  ok(R"({"tenant": "1", "op": "marketplace_subscribe", "args": {"operation_id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a01", "subscription": "100", "marketplace_subscription": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "app": "3", "plan": null, "quantity": 10, "term": "monthly", "billing_profile": "50", "sent_at": "2026-01-05T09:00:00Z"}})");
  ok(R"({"tenant": "1", "op": "marketplace_activate", "args": {"operation_id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a03", "subscription": "100", "sent_at": "2026-01-05T09:00:00Z"}})");
  const std::string change = R"({"op": "marketplace", "payload": {"id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a02", "subscriptionId": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f60", "planId": "silver", "quantity": QTY, "action": "ChangeQuantity", "status": "InProgress", "timeStamp": "2026-01-10T09:00:00.1234567Z", "unknownField": 1}})";
  const auto with = [&](std::string qty) {
    auto line = change;
    line.replace(line.find("QTY"), 3, qty);
    return line;
  };
  const auto first = ok(with("25"));
  CHECK(first["value"]["decision"]["outcome"] == "rejected"); // Silver holds at most 20 seats
  CHECK(first["value"]["report"] == "Failure");
  CHECK(first["value"]["subscription"] == "100");
  const auto again = ok(with("25"));
  CHECK(again["value"] == first["value"]);
  CHECK(again["events"].empty());

  auto refused = answer(handler, R"({"op": "marketplace", "payload": {"id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a09", "subscriptionId": "6a1d4c5e-8f2b-4a3c-9d7e-1b2c3d4e5f61", "planId": "silver", "quantity": 5, "action": "ChangeQuantity", "timeStamp": "2026-01-11T09:00:00Z"}})");
  CHECK(refused["error"]["code"] == "not_found"); // no subscription is linked to that GUID
  auto malformed = answer(handler, R"({"op": "marketplace", "payload": {"id": "0b8e2f4a-1c3d-4e5f-8a9b-0c1d2e3f4a09", "planId": "silver", "action": "ChangeQuantity", "timeStamp": "2026-01-11T09:00:00Z"}})");
  CHECK(malformed["error"]["code"] == "invalid_argument");
  CHECK_THAT(message_of(malformed), Catch::Matchers::Contains("/subscriptionId"));
  auto tenant_admin = isv_admin::line_handler(repo, start);
  CHECK(answer(tenant_admin, with("5"))["error"]["code"] == "permission_denied");
}

namespace {

/// A session with a signing key: Contoso (tenant 1, admin 7) with user 20 holding a license of
/// subscription 100 of a SaaS app, and user 21 holding none.
isv_admin::session_options signing_options() {
  auto o = platform_session;
  auto key = isv::ed25519_key_pair::generate();
  REQUIRE(key.has_value());
  o.issuer = std::make_shared<const isv::license_issuer>(isv::license_issuer::make(std::move(key).value(), "contoso-2026").value());
  return o;
}

struct signing_session {
  isv::memory_repository repo;
  isv_admin::session_options options = signing_options();
  isv_admin::line_handler<isv::memory_repository> handler{repo, start, options};

  signing_session() {
    for (const std::string_view line : {
             R"({"tenant": "1", "actor": "7", "op": "create_tenant", "args": {"name": "Contoso", "region": "DE"}})",
             R"({"op": "add_app", "args": {"id": "3", "name": "Sign", "publisher": "Fabrikam", "kind": "saas", "pricing": "per_user", "monthly_price": {"minor_units": 1000, "currency": "EUR"}, "annual_price": {"minor_units": 10000, "currency": "EUR"}, "install_link": null}})",
             R"({"tenant": "1", "actor": "7", "op": "add_users", "args": {"users": ["20", "21"]}})",
             R"({"tenant": "1", "actor": "7", "op": "create_billing_profile", "args": {"profile": "50", "name": "Main", "contact": {"name": "A", "address": "B"}}})",
             R"({"tenant": "1", "actor": "7", "op": "purchase", "args": {"subscription": "100", "app": "3", "channel": "direct", "term": "monthly", "quantity": 5, "agreement_accepted": true, "billing_profile": "50", "auto_renew": true}})",
             R"({"tenant": "1", "actor": "7", "op": "activate", "args": {"subscription": "100"}})",
             R"({"tenant": "1", "actor": "7", "op": "assign", "args": {"subscription": "100", "users": ["20"], "groups": []}})"}) {
      INFO(line);
      REQUIRE(answer(handler, line)["ok"] == true);
    }
  }
};

} // namespace

TEST_CASE("check_access answers from stored state: active for a holder, inactive without a license [D-CHECK-1]") {
  signing_session s;
  const auto held = answer(s.handler, R"({"tenant": "1", "op": "check_access", "args": {"subscription": "100", "user": "20"}})");
  REQUIRE(held["ok"] == true);
  CHECK(held["value"]["state"] == "active");
  CHECK(held["value"]["reason"] == "licensed");
  const auto none = answer(s.handler, R"({"tenant": "1", "op": "check_access", "args": {"subscription": "100", "user": "21"}})");
  CHECK(none["value"]["state"] == "inactive");
  CHECK(none["value"]["reason"] == "no_license");
  const auto bad = answer(s.handler, R"({"tenant": "1", "op": "check_access", "args": {"subscription": "100"}})");
  CHECK(bad["error"]["path"] == "/args/user");
  CHECK(answer(s.handler, R"({"tenant": "1", "op": "check_access", "args": {"subscription": "100", "user": "99"}})")["error"]["code"] == "not_found");
}

TEST_CASE("issue_license_file signs a file for a holder that the public key verifies, and refuses others [D-SIGN-3] [D-SIGN-1]") {
  signing_session s;
  const auto issued = answer(s.handler, R"({"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": "20", "lifetime_days": 7}})");
  INFO(issued.dump());
  REQUIRE(issued["ok"] == true);
  CHECK(issued["value"]["statement"]["user"] == "20");
  CHECK(issued["value"]["statement"]["key_id"] == "contoso-2026");
  const auto key = answer(s.handler, R"({"op": "public_key"})");
  REQUIRE(key["ok"] == true);
  CHECK(key["value"]["key_id"] == "contoso-2026");
  isv::license_verifier verifier;
  REQUIRE(verifier.add_key("contoso-2026", key["value"]["pem"].get<std::string>()).has_value());
  const auto verified = verifier.verify(issued["value"]["file"].get<std::string>(), start);
  REQUIRE(verified.has_value());
  CHECK(verified.value().user == isv::user_id{20});
  CHECK(verified.value().expires_at == start + std::chrono::days{7});

  CHECK(answer(s.handler, R"({"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": "21"}})")["error"]["code"] == "not_licensed");
  const auto site = answer(s.handler, R"({"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": null}})");
  CHECK(site["value"]["statement"]["seats"] == 5);
  CHECK(answer(s.handler, R"({"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": "20", "lifetime_days": 0}})")["error"]["path"] ==
        "/args/lifetime_days");
  CHECK(answer(s.handler, R"({"tenant": "1", "op": "public_key"})")["error"]["path"] == "/tenant");
}

TEST_CASE("without a signing key, issue_license_file and public_key say how to start isv-admin with one [D-ERR-1]") {
  isv::memory_repository repo;
  isv_admin::line_handler handler(repo, start, platform_session);
  const auto no_key = answer(handler, R"({"op": "public_key"})");
  CHECK(no_key["ok"] == false);
  CHECK(message_of(no_key).find("--signing-key FILE --key-id ID") != std::string::npos);
  CHECK(message_of(answer(handler, R"({"tenant": "1", "op": "issue_license_file", "args": {"subscription": "100", "user": "20"}})"))
            .find("--generate-key") != std::string::npos);
}
