// isv-admin: reads one JSON command per line on stdin, applies it through the admin center, writes one JSON result line per command.
#include "serve.hpp"

#include <isv/storage/memory.hpp>
#ifdef ISV_ADMIN_HAVE_SQLITE
#include <isv/storage/sqlite.hpp>
#endif

#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace {

template <class Repository>
int serve(Repository& repo, const isv_admin::session_options& options) {
  const auto start = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  isv_admin::line_handler<Repository> handler(repo, start, options);
  switch (isv_admin::serve(handler, std::cin, std::cout)) {
    case isv_admin::serve_end::input_ended: return EXIT_SUCCESS;
    case isv_admin::serve_end::input_failed: std::cerr << "isv-admin: reading standard input failed\n"; return EXIT_FAILURE;
    case isv_admin::serve_end::output_failed:
      std::cerr << "isv-admin: cannot write to standard output (did its reader go away?); stopped before reading another line\n";
      return EXIT_FAILURE;
  }
  return EXIT_FAILURE;
}

/// A bound given on the command line: a whole number from 1.
std::optional<std::size_t> positive(std::string_view text) {
  std::size_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || v == 0) return std::nullopt;
  return v;
}

/// Stores a parsed option value in `into`; the refusal's message when it was refused.
template <class Value, class Into>
std::optional<std::string> take(const isv::result<Value>& parsed, Into& into) {
  if (!parsed) return parsed.error().message;
  into = parsed.value();
  return std::nullopt;
}

/// Why `--db where` would not keep the state in the file it seems to name, if it would not.
std::optional<std::string> not_a_file(std::string_view where) {
  if (where.empty())
    return "--db \"\" names no file: SQLite would keep the state in a temporary file deleted when isv-admin exits.";
  if (where == ":memory:") return "--db :memory: is SQLite's name for a database in memory, lost when isv-admin exits.";
  if (where.starts_with("file:"))
    return "--db " + std::string(where) +
           " is a SQLite URI, which may name a database in memory or with other options; give a plain file path.";
  return std::nullopt;
}

} // namespace

int main(int argc, char** argv) {
  std::optional<std::string> db;
  std::optional<std::string> signing_key;
  std::optional<std::string> key_id;
  bool memory = false;
  isv_admin::session_options options;
  std::ios::sync_with_stdio(false); // lines are read through std::cin's own buffer
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
    if (arg == "--generate-key") {
      // A new signing key, written to a new file only its owner may read; its public key goes to stdout.
      if (i + 1 == argc) {
        std::cerr << "isv-admin: --generate-key needs a file: --generate-key FILE\n";
        return 2;
      }
      auto key = isv::ed25519_key_pair::generate();
      auto saved = key ? key.value().save(argv[i + 1]) : isv::result<void>(key.error());
      if (!saved) {
        std::cerr << "isv-admin: " << saved.error().message << '\n';
        return EXIT_FAILURE;
      }
      std::cout << key.value().public_key().value().to_pem();
      return EXIT_SUCCESS;
    }
    if (arg == "--signing-key" || arg == "--key-id") {
      if (i + 1 == argc) {
        std::cerr << "isv-admin: " << arg << (arg == "--key-id" ? " needs an id: --key-id ID\n" : " needs a file: --signing-key FILE\n");
        return 2;
      }
      (arg == "--key-id" ? key_id : signing_key) = argv[++i];
      continue;
    }
    if (arg == "--memory") {
      memory = true;
      continue;
    }
    if (arg == "--platform") {
      options.platform = true;
      continue;
    }
    if (arg == "--actor" || arg == "--max-clock-jump") {
      // An option whose value is parsed by the line handler's own reader, which says what is wrong.
      const std::string_view value = i + 1 < argc ? argv[i + 1] : "";
      const auto error = arg == "--actor" ? take(isv_admin::parse_pinned_admin(value), options.admin)
                                          : take(isv_admin::parse_duration(value), options.max_clock_jump);
      if (error) {
        std::cerr << "isv-admin: " << (arg == "--actor" ? "" : "--max-clock-jump needs a duration: ") << *error << '\n';
        return 2;
      }
      ++i;
      continue;
    }
    if (arg == "--max-line-bytes" || arg == "--max-depth" || arg == "--max-batch") {
      const auto value = i + 1 < argc ? positive(argv[i + 1]) : std::nullopt;
      if (!value) {
        std::cerr << "isv-admin: " << arg << " needs a whole number from 1: " << arg << " N\n";
        return 2;
      }
      ++i;
      (arg == "--max-depth" ? options.max_depth : arg == "--max-batch" ? options.max_batch : options.max_line_bytes) = *value;
      continue;
    }
    std::cerr << "isv-admin: unknown argument \"" << arg << "\"; see isv-admin --help\n";
    return 2;
  }
  if (signing_key.has_value() != key_id.has_value()) {
    std::cerr << "isv-admin: --signing-key FILE and --key-id ID go together: the key signs, the id names it in every file.\n";
    return 2;
  }
  if (signing_key) {
    auto key = isv::ed25519_key_pair::load(*signing_key);
    if (!key) {
      std::cerr << "isv-admin: " << key.error().message << '\n';
      return EXIT_FAILURE;
    }
    auto issuer = isv::license_issuer::make(std::move(key).value(), *key_id);
    if (!issuer) {
      std::cerr << "isv-admin: --key-id: " << issuer.error().message << '\n';
      return 2;
    }
    options.issuer = std::make_shared<const isv::license_issuer>(std::move(issuer).value());
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
    return serve(repo.value(), options);
#else
    std::cerr << "isv-admin: this build has no SQLite support (libsqlite3 was not found); use --memory\n";
    return 2;
#endif
  }
  isv::memory_repository repo;
  return serve(repo, options);
}
