// The admin console: the seed articles' pages (Your products, a product's licenses, billing, invoices) served
// on 127.0.0.1 over the library's admin center, with the state in a SQLite file.
//
//   admin_console [--db FILE] [--port N] [--request-timeout MS]
//
// Without --db the state is kept in a throwaway file, removed when the console stops; the console says
// which. A database without Contoso is seeded with the tour's Contoso first.
#include "console.hpp"
#include "http_server.hpp"
#include "seed.hpp"

#include <boost/asio/signal_set.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <stdlib.h> // mkdtemp

namespace {

constexpr std::string_view usage =
    "usage: admin_console [--db FILE] [--port N] [--request-timeout MS]\n"
    "\n"
    "Serves an admin center for tenant Contoso on http://127.0.0.1 (never another interface).\n"
    "\n"
    "  --db FILE               keep the state in the SQLite database FILE (created, and seeded with\n"
    "                          Contoso, if it has no Contoso yet); default: a throwaway file, removed\n"
    "                          when the console stops\n"
    "  --port N                listen on port N; default 0: a free port, printed on start-up\n"
    "  --request-timeout MS    a request must arrive whole within MS milliseconds (default 10000)\n"
    "  --help                  print this help\n";

struct options {
  std::optional<std::string> db;
  unsigned short port = 0;
  std::chrono::milliseconds request_time{10'000};
};

options parse(int argc, char** argv) {
  const auto refuse = [](const std::string& why) {
    std::cerr << "admin_console: " << why << "\n\n" << usage;
    std::exit(2);
  };
  options out;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto arg = args[i];
    const auto value = [&]() -> std::string_view {
      if (i + 1 >= args.size()) refuse(std::string(arg) + " needs a value");
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      std::exit(EXIT_SUCCESS);
    } else if (arg == "--db") {
      const auto file = value();
      if (file.empty() || file == ":memory:" || file.starts_with("file:"))
        refuse("--db needs the name of a database file (not \"\", :memory: or a URI: the console says where its state is)");
      out.db = std::string(file);
    } else if (arg == "--port") {
      const auto n = console::parse_number(value());
      if (!n || *n > 65535) refuse("--port needs a number from 0 to 65535");
      out.port = static_cast<unsigned short>(*n);
    } else if (arg == "--request-timeout") {
      const auto n = console::parse_number(value());
      if (!n || *n == 0 || *n > 3'600'000) refuse("--request-timeout needs a number of milliseconds from 1 to 3600000");
      out.request_time = std::chrono::milliseconds{static_cast<std::int64_t>(*n)};
    } else {
      refuse("unknown argument \"" + std::string(arg) + "\"");
    }
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  const auto opts = parse(argc, argv);
  std::filesystem::path throwaway_dir;
  std::string db = opts.db.value_or("");
  if (!opts.db) {
    const auto base = std::filesystem::temp_directory_path() / "isv-console-XXXXXX";
    std::string pattern = base.string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "admin_console: cannot create a temporary directory for the throwaway database\n";
      return 1;
    }
    throwaway_dir = pattern;
    db = (throwaway_dir / "console.sqlite").string();
  }
  const auto cleanup = [&] {
    if (!throwaway_dir.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(throwaway_dir, ignored);
    }
  };

  auto opened = console::repository::open(db);
  if (!opened) {
    std::cerr << "admin_console: " << opened.error().message << '\n';
    cleanup();
    return 1;
  }
  auto& repo = opened.value();
  if (const auto existing = repo.read(console::seeded::contoso); !existing) {
    if (auto seeded = console::seed(repo, console::system_now()); !seeded) {
      std::cerr << "admin_console: " << seeded.error().message << '\n';
      cleanup();
      return 1;
    }
    std::cout << "State: " << (opts.db ? "database " : "throwaway database ") << db
              << (opts.db ? "" : " (removed when the console stops)") << ", seeded with Contoso\n";
  } else {
    std::cout << "State: database " << db << ", whose Contoso is served as it is\n";
  }

  console::admin_console app(repo, console::seeded::contoso);
  boost::asio::io_context io;
  std::optional<console::http_server> server;
  try {
    server.emplace(io, opts.port, [&app](const console::request& req) { return app.handle(req); },
                   console::server_limits{.request_time = opts.request_time});
  } catch (const std::exception& e) {
    std::cerr << "admin_console: cannot listen on 127.0.0.1:" << opts.port << ": " << e.what() << '\n';
    cleanup();
    return 1;
  }
  server->start();
  boost::asio::signal_set stop(io, SIGINT, SIGTERM);
  stop.async_wait([&io](const boost::system::error_code&, int) { io.stop(); });
  std::cout << "Admin console for Contoso: http://127.0.0.1:" << server->port() << "/\n"
            << "Stop it with Ctrl-C." << std::endl;
  io.run();
  std::cout << "Admin console stopped." << std::endl;
  server.reset();
  cleanup();
  return 0;
}
