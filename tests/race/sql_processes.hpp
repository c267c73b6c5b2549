// Races between processes on a shared SQL repository: the worker launcher and the two races every SQL backend must win (D-CONC-1, D-UNASSIGN-1).
#pragma once

#include "storage/conformance.hpp"

#include "isv/storage/detail/codec.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

extern char** environ;

namespace race_sql {

/// One worker process, its stdin (the start gate) and stdout (its lines) as pipes.
struct worker {
  pid_t pid = -1;
  int gate = -1;
  std::FILE* out = nullptr;
};

inline worker launch(const std::vector<std::string>& args) {
  int in[2];
  int out[2];
  REQUIRE(::pipe(in) == 0);
  REQUIRE(::pipe(out) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  for (int fd : {in[0], in[1], out[0], out[1]}) posix_spawn_file_actions_addclose(&actions, fd);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  worker w;
  const int rc = posix_spawn(&w.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(rc == 0);
  ::close(in[0]);
  ::close(out[1]);
  w.gate = in[1];
  w.out = ::fdopen(out[0], "r");
  REQUIRE(w.out != nullptr);
  return w;
}

inline std::string line_of(worker& w) {
  std::string line;
  for (int c = std::fgetc(w.out); c != EOF && c != '\n'; c = std::fgetc(w.out)) line.push_back(static_cast<char>(c));
  return line;
}

/// Launches every worker, waits until each has opened its repository, releases them at once, and
/// returns each one's outcome line ("ok" or "<errc> <message>"), in launch order.
inline std::vector<std::string> run_at_once(const std::vector<std::vector<std::string>>& commands) {
  std::vector<worker> workers;
  for (const auto& c : commands) workers.push_back(launch(c));
  for (auto& w : workers) {
    const auto ready = line_of(w);
    INFO("a worker failed to start: " << ready);
    REQUIRE(ready == "ready");
  }
  for (auto& w : workers) {
    const char go[] = "go\n";
    REQUIRE(::write(w.gate, go, sizeof go - 1) == static_cast<ssize_t>(sizeof go - 1));
    ::close(w.gate);
  }
  std::vector<std::string> outcomes;
  for (auto& w : workers) {
    outcomes.push_back(line_of(w));
    std::fclose(w.out);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  return outcomes;
}

inline std::string code_in(const std::string& outcome) { return outcome.substr(0, outcome.find(' ')); }

inline std::string hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

constexpr std::uint64_t writers = 8;
constexpr isv::count_t seats = 3;

/// More writer processes than seats, each assigning a different user to one subscription at once:
/// the seats fill exactly, every accepted assignment is stored, every refusal is typed.
/// `worker_args` is the command line up to the operation; `repo` the test's own repository.
template <class Repository>
void writers_never_over_assign(Repository& repo, const std::vector<std::string>& worker_args) {
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  using conformance::admin;
  using conformance::now;
  using conformance::sub_1;
  using conformance::tenant_a;
  conformance::ok(center.purchase(tenant_a, admin, conformance::buy(sub_1, conformance::isv_app, seats), now));

  std::vector<std::vector<std::string>> commands;
  for (std::uint64_t i = 1; i <= writers; ++i) {
    auto c = worker_args;
    for (const auto& a : {std::string("assign"), std::to_string(tenant_a.value()), std::to_string(sub_1.value()),
                          std::to_string(conformance::user(i).value())})
      c.push_back(a);
    commands.push_back(std::move(c));
  }
  const auto outcomes = run_at_once(commands);

  std::vector<isv::user_id> accepted;
  for (std::uint64_t i = 1; i <= writers; ++i) {
    const auto& outcome = outcomes[i - 1];
    INFO("writer " << i << ": " << outcome);
    const auto code = code_in(outcome);
    CHECK((code == "ok" || code == "seats_exhausted" || code == "conflict"));
    if (code == "ok") accepted.push_back(conformance::user(i));
    else CHECK(outcome.size() > code.size() + 1); // a message a person can act on
  }
  const auto s = conformance::stored_subscription(repo, tenant_a, sub_1);
  CHECK(s.licenses_in_use == seats);
  CHECK(static_cast<isv::count_t>(accepted.size()) == seats);
  const auto licenses = conformance::ok(center.licenses(tenant_a, sub_1));
  CHECK(static_cast<isv::count_t>(licenses.size()) == seats);
  std::set<isv::user_id> holders;
  for (const auto& l : licenses) CHECK(holders.insert(l.user).second); // no user holds two
  for (const auto& u : accepted) CHECK(holders.contains(u));          // every accepted one is stored
  // The log tells the same story as the state (D-AUDIT-1).
  const auto log = conformance::ok(repo.events(tenant_a, 0));
  const auto rebuilt = conformance::ok(isv::replay_subscription<isv::default_traits>(sub_1, log));
  CHECK(rebuilt.first == s);
}

/// Two admin processes confirming the same unassignment preview: one succeeds, one is stale.
template <class Repository>
void one_of_two_confirmations_is_stale(Repository& repo, const std::vector<std::string>& worker_args) {
  conformance::seed(repo);
  isv::basic_admin_center center{repo};
  using conformance::admin;
  using conformance::now;
  using conformance::sub_1;
  using conformance::tenant_a;
  conformance::ok(center.purchase(tenant_a, admin, conformance::buy(sub_1, conformance::isv_app, 5), now));
  conformance::ok(center.assign(tenant_a, admin, {sub_1, conformance::users(1, 3), {}}, now));
  const auto preview = conformance::ok(center.preview_unassign(tenant_a, admin, {sub_1, {conformance::user(1)}, {}}, now)).value;
  const auto encoded = hex(isv::detail::sql::encode(preview));

  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < 2; ++i) {
    auto c = worker_args;
    c.push_back("confirm");
    c.push_back(std::to_string(tenant_a.value()));
    c.push_back(encoded);
    commands.push_back(std::move(c));
  }
  const auto outcomes = run_at_once(commands);
  INFO(outcomes[0] << " / " << outcomes[1]);
  std::multiset<std::string> codes{code_in(outcomes[0]), code_in(outcomes[1])};
  CHECK(codes == std::multiset<std::string>{"ok", "stale_preview"});
  const auto s = conformance::stored_subscription(repo, tenant_a, sub_1);
  CHECK(s.licenses_in_use == 2);
  CHECK(s.version == preview.version + 1); // applied once
  const auto log = conformance::ok(repo.events(tenant_a, 0));
  CHECK(std::count_if(log.begin(), log.end(), [](const isv::event& e) {
          return std::holds_alternative<isv::basic_licenses_released<isv::default_traits>>(e.payload);
        }) == 1);
}

} // namespace race_sql
