// A race worker: one process with its own repository on a shared SQLite file or PostgreSQL schema, running one admin-center operation when the test releases it.
//
//   sql_worker sqlite <file> assign <tenant> <subscription> <user>
//   sql_worker postgres <conninfo> <schema> assign <tenant> <subscription> <user>
//   ... confirm <tenant> <preview, hex of its stored form>
//
// It opens the repository and reads the tenant (so its cache is warm, as a running server's
// is), prints "ready", waits for a line on stdin, runs the operation through basic_admin_center
// with the default retries, and prints "ok" or the error's code name, then the message.
#include "isv/licensing.hpp"
#include "isv/storage/detail/codec.hpp"

#ifdef ISV_RACE_WITH_SQLITE
#include "isv/storage/sqlite.hpp"
#endif
#ifdef ISV_RACE_WITH_POSTGRES
#include "isv/storage/postgres.hpp"
#endif

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}};
constexpr isv::user_id admin{1};

std::string from_hex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

template <class R>
void report(const R& outcome) {
  if (outcome) std::cout << "ok" << std::endl;
  else std::cout << isv::to_string(outcome.error().code) << ' ' << outcome.error().message << std::endl;
}

template <class Repository>
int work(Repository& repo, const std::vector<std::string>& op) {
  if (op.size() < 2) return 2;
  const isv::tenant_id tenant{std::stoull(op[1])};
  if (auto warm = repo.read(tenant); !warm) {
    std::cout << "setup " << warm.error().message << std::endl;
    return 1;
  }
  isv::basic_admin_center center{repo};
  std::cout << "ready" << std::endl;
  std::string go;
  std::getline(std::cin, go);
  if (op[0] == "assign" && op.size() == 4) {
    const isv::subscription_id subscription{std::stoull(op[2])};
    const isv::user_id user{std::stoull(op[3])};
    report(center.assign(tenant, admin, {subscription, {user}, {}}, now));
    return 0;
  }
  if (op[0] == "confirm" && op.size() == 3) {
    auto preview = isv::detail::sql::decode<isv::unassign_preview>(from_hex(op[2]), "preview");
    if (!preview) {
      std::cout << "setup " << preview.error().message << std::endl;
      return 1;
    }
    report(center.confirm_unassign(tenant, admin, preview.value(), now));
    return 0;
  }
  std::cerr << "unknown operation " << op[0] << '\n';
  return 2;
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() < 2) {
    std::cerr << "usage: sql_worker sqlite <file> <operation...> | postgres <conninfo> <schema> <operation...>\n";
    return 2;
  }
#ifdef ISV_RACE_WITH_SQLITE
  if (args[0] == "sqlite") {
    auto repo = isv::sqlite_repository::open(args[1]);
    if (!repo) {
      std::cout << "setup " << repo.error().message << std::endl;
      return 1;
    }
    return work(repo.value(), std::vector<std::string>(args.begin() + 2, args.end()));
  }
#endif
#ifdef ISV_RACE_WITH_POSTGRES
  if (args[0] == "postgres" && args.size() >= 3) {
    auto repo = isv::postgres_repository::open(args[1], {args[2]});
    if (!repo) {
      std::cout << "setup " << repo.error().message << std::endl;
      return 1;
    }
    return work(repo.value(), std::vector<std::string>(args.begin() + 3, args.end()));
  }
#endif
  std::cerr << "sql_worker: backend " << args[0] << " is not built in\n";
  return 2;
}
