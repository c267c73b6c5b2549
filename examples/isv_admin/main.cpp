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

/// Why `--db where` would not keep the state in the file it seems to name, if it would not.
std::optional<std::string> not_a_file(std::string_view where) {
  if (where.empty())
    return "--db \"\" names no file: SQLite would keep the state in a temporary file deleted when isv-admin exits.";
  if (where == ":memory:") return "--db :memory: is SQLite's name for a database in memory, lost when isv-admin exits.";
  if (where.starts_with("file:"))
    return "--db " + std::string(where) + " is a SQLite URI, which may name a database in memory or with other options; give a plain file path.";
  return std::nullopt;
}

} // namespace

int main(int argc, char** argv) {
  std::optional<std::string> db;
  bool memory = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::cout << isv_admin::help_text();
      return EXIT_SUCCESS;
    }
    if (arg == "--db") {
      if (i + 1 == argc) {
        std::cerr << "isv-admin: --db needs a file: --db FILE\n";
        return 2;
      }
      db = argv[++i];
      if (auto why = not_a_file(*db)) {
        std::cerr << "isv-admin: " << *why << " For a throwaway session, say so with --memory.\n";
        return 2;
      }
      continue;
    }
    if (arg == "--memory") {
      memory = true;
      continue;
    }
    std::cerr << "isv-admin: unknown argument \"" << arg << "\"; see isv-admin --help\n";
    return 2;
  }
  // Where the state lives is said, never assumed: a session that silently kept everything in
  // memory would lose it at exit.
  if (db && memory) {
    std::cerr << "isv-admin: --db and --memory exclude each other: the state is kept in a file or only in memory.\n";
    return 2;
  }
  if (!db && !memory) {
    std::cerr << "isv-admin: say where the state lives: --db FILE keeps it in a SQLite file, --memory keeps it only "
                 "until isv-admin exits. See isv-admin --help.\n";
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
    std::cerr << "isv-admin: this build has no SQLite support (libsqlite3 was not found); use --memory\n";
    return 2;
#endif
  }
  isv::memory_repository repo;
  return serve(repo);
}
