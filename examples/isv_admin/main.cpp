// isv-admin: reads one JSON command per line on stdin, applies it through the admin center, writes one JSON result line per command.
#include "line_handler.hpp"

#include <isv/storage/memory.hpp>
#ifdef ISV_ADMIN_HAVE_SQLITE
#include <isv/storage/sqlite.hpp>
#endif

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

namespace {

template <class Repository>
int serve(Repository& repo) {
  const auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  isv_admin::line_handler<Repository> handler(repo, start);
  std::string line;
  while (std::getline(std::cin, line)) {
    if (auto answer = handler.handle(line)) std::cout << *answer << '\n' << std::flush;
  }
  return std::cin.bad() ? EXIT_FAILURE : EXIT_SUCCESS;
}

} // namespace

int main(int argc, char** argv) {
  std::optional<std::string> db;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << isv_admin::help_text();
      return EXIT_SUCCESS;
    }
    if (arg == "--db" && i + 1 < argc) {
      db = argv[++i];
      continue;
    }
    std::cerr << "isv-admin: unknown argument \"" << arg << "\"; see isv-admin --help\n";
    return 2;
  }
  if (db) {
#ifdef ISV_ADMIN_HAVE_SQLITE
    auto repo = isv::sqlite_repository::open(*db);
    if (!repo) {
      std::cerr << "isv-admin: " << repo.error().message << '\n';
      return EXIT_FAILURE;
    }
    return serve(repo.value());
#else
    std::cerr << "isv-admin: this build has no SQLite support (libsqlite3 was not found); run without --db\n";
    return 2;
#endif
  }
  isv::memory_repository repo;
  return serve(repo);
}
