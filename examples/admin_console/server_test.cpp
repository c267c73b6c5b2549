// The admin console over plain HTTP, no browser: the cookie's attributes, sign-in, the bounds of a request
// (header, body, time), forms without a CSRF token or an idempotency key, another tenant's ids, a repeated
// form, and escaping. The pages in a real browser are browser_test.cpp's.
#include "console.hpp"
#include "http_server.hpp"
#include "seed.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/time.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include <stdlib.h> // mkdtemp

namespace {

using namespace std::chrono_literals;
namespace http = console::http;

/// A console on a free port of 127.0.0.1, over a freshly seeded SQLite file, served on a thread of its own.
class running_console {
public:
  explicit running_console(std::chrono::milliseconds request_time = 10'000ms) {
    std::string pattern = (std::filesystem::temp_directory_path() / "isv-console-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    auto opened = console::repository::open((dir_ / "console.sqlite").string());
    REQUIRE(opened);
    repo_ = std::make_unique<console::repository>(std::move(opened).value());
    REQUIRE(console::seed(*repo_, console::system_now()));
    app_ = std::make_unique<console::admin_console>(*repo_, console::seeded::contoso);
    server_ = std::make_unique<console::http_server>(
        io_, 0, [this](const console::request& req) { return app_->handle(req); },
        console::server_limits{.request_time = request_time});
    server_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~running_console() {
    io_.stop();
    thread_.join();
    server_.reset();
    app_.reset();
    repo_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  running_console(const running_console&) = delete;
  running_console& operator=(const running_console&) = delete;

  [[nodiscard]] unsigned short port() const { return server_->port(); }

private:
  std::filesystem::path dir_;
  std::unique_ptr<console::repository> repo_;
  std::unique_ptr<console::admin_console> app_;
  boost::asio::io_context io_;
  std::unique_ptr<console::http_server> server_;
  std::thread thread_;
};

/// One client with its cookie, one connection per request.
struct client {
  unsigned short port;
  std::string cookie{};

  console::response send(http::verb verb, const std::string& target, const std::string& body = {},
                         const std::string& extra_header = {}) {
    boost::asio::io_context io;
    console::beast::tcp_stream stream(io);
    stream.connect({boost::asio::ip::make_address_v4("127.0.0.1"), port});
    console::request req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!cookie.empty()) req.set(http::field::cookie, cookie);
    if (!extra_header.empty()) req.set("X-Padding", extra_header);
    if (verb == http::verb::post) req.set(http::field::content_type, "application/x-www-form-urlencoded");
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    console::beast::flat_buffer buffer;
    console::response res;
    http::read(stream, buffer, res);
    if (const auto set = res.find(http::field::set_cookie); set != res.end()) {
      const std::string value(set->value());
      cookie = value.substr(0, value.find(';'));
    }
    return res;
  }
  console::response get(const std::string& target) { return send(http::verb::get, target); }
  console::response post(const std::string& target, const std::string& body) { return send(http::verb::post, target, body); }

  /// The CSRF token of the page at `target`.
  std::string csrf(const std::string& target) {
    const auto page = get(target).body();
    std::smatch m;
    REQUIRE(std::regex_search(page, m, std::regex("name=\"csrf\" value=\"([0-9a-f]+)\"")));
    return m[1];
  }
  void sign_in_as(const isv::user_id& user) {
    const auto res = post("/sign-in", "csrf=" + csrf("/sign-in") + "&user=" + std::to_string(user.value()));
    REQUIRE(res.result() == http::status::see_other);
    REQUIRE(res[http::field::location] == "/products");
  }
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// What a client that sends half a request and then nothing gets back, and after how long.
std::pair<std::string, std::chrono::milliseconds> half_a_request(unsigned short port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address_v4("127.0.0.1"), port});
  const timeval limit{.tv_sec = 30, .tv_usec = 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  const auto start = std::chrono::steady_clock::now();
  boost::asio::write(socket, boost::asio::buffer(std::string("GET /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\n")));
  std::string reply;
  char buffer[4096];
  boost::system::error_code ec;
  for (;;) {
    const auto n = socket.read_some(boost::asio::buffer(buffer), ec);
    if (ec) break;
    reply.append(buffer, n);
  }
  return {reply, std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)};
}

} // namespace

TEST_CASE("the session cookie is HttpOnly and SameSite=Strict, and a new one is given at sign-in") {
  running_console app;
  client c{app.port()};
  const auto first = c.get("/sign-in");
  const std::string set(first[http::field::set_cookie]);
  CHECK(contains(set, "HttpOnly"));
  CHECK(contains(set, "SameSite=Strict"));
  const auto before = c.cookie;
  c.sign_in_as(console::seeded::alex);
  CHECK(c.cookie != before);
  CHECK(contains(c.get("/products").body(), "Signed in as Alex Wilber"));
}

TEST_CASE("only the tenant's admins sign in, and only signed-in admins see the pages") {
  running_console app;
  client c{app.port()};
  CHECK(c.get("/products").result() == http::status::see_other);
  const auto res = c.post("/sign-in", "csrf=" + c.csrf("/sign-in") + "&user=" + std::to_string(console::seeded::chen.value()));
  CHECK(res[http::field::location] == "/sign-in");
  CHECK(contains(c.get("/sign-in").body(), "Only the tenant&#39;s admins sign in here."));
  CHECK(c.get("/products/100").result() == http::status::see_other);
}

TEST_CASE("a request's header, body and time are bounded") {
  running_console app(1'500ms);
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  CHECK(c.send(http::verb::get, "/products", {}, std::string(9'000, 'a')).result() ==
        http::status::request_header_fields_too_large);
  const auto big = c.post("/products/100/quantity", "quantity=" + std::string(70'000, '1'));
  CHECK(big.result() == http::status::payload_too_large);
  CHECK(contains(big.body(), "65536 bytes"));
  const auto [reply, waited] = half_a_request(app.port());
  CHECK(reply.starts_with("HTTP/1.1 408"));
  CHECK(waited >= 1'300ms);
  CHECK(waited < 6'000ms);
}

TEST_CASE("a form without the session's CSRF token is refused and changes nothing") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto res = c.post("/products/100/quantity", "quantity=9&key=k1");
  CHECK(res.result() == http::status::forbidden);
  CHECK(contains(res.body(), "security token"));
  const auto wrong = c.post("/products/100/quantity", "csrf=00000000000000000000000000000000&quantity=9&key=k1");
  CHECK(wrong.result() == http::status::forbidden);
  CHECK(contains(c.get("/products/100").body(), "<dd id=\"seats\">0 of 5</dd>"));
}

TEST_CASE("a form without an idempotency key is refused, and one sent twice changes nothing twice") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto csrf = c.csrf("/products/100");
  c.post("/products/100/quantity", "csrf=" + csrf + "&quantity=7");
  CHECK(contains(c.get("/products/100").body(), "form carries no idempotency key"));
  const auto log_size = [&] {
    std::smatch m;
    const auto page = c.get("/products").body();
    REQUIRE(std::regex_search(page, m, std::regex("log holds ([0-9]+) events")));
    return std::stoi(m[1]);
  };
  const int before = log_size();
  const std::string form = "csrf=" + csrf + "&key=same-key&user=" + std::to_string(console::seeded::chen.value());
  c.post("/products/100/assign", form);
  CHECK(contains(c.get("/products/100").body(), "Assigned: 1 license added."));
  const int after = log_size();
  CHECK(after > before);
  c.post("/products/100/assign", form);
  // The repeat returns the first receipt: the same report, nothing saved again.
  CHECK(contains(c.get("/products/100").body(), "Assigned: 1 license added."));
  CHECK(log_size() == after);
}

TEST_CASE("another tenant's ids are refused with the library's not_found") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto page = c.get("/products/" + std::to_string(console::seeded::northwind_crm.value()));
  CHECK(page.result() == http::status::not_found);
  CHECK(contains(page.body(), "subscription 900 is not in tenant 1."));
  c.post("/products/900/cancel", "csrf=" + c.csrf("/products") + "&key=k2&confirm=yes");
  CHECK(contains(c.get("/products/900").body(), "Refused (not_found)"));
  CHECK(c.get("/invoices/12345").result() == http::status::not_found);
}

TEST_CASE("what an admin may not do is refused with the library's message") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::bea); // Billing administrator: pays and resizes, does not assign
  c.post("/products/100/assign", "csrf=" + c.csrf("/products") + "&key=k3&user=11");
  const auto page = c.get("/products/100").body();
  CHECK(contains(page, "Refused (permission_denied)"));
  CHECK(contains(page, "<dd id=\"seats\">0 of 5</dd>"));
}

TEST_CASE("cancelling asks first: without the box ticked nothing is cancelled") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto csrf = c.csrf("/products");
  c.post("/products/100/cancel", "csrf=" + csrf + "&key=k4");
  CHECK(contains(c.get("/products/100").body(), "Not cancelled"));
  c.post("/products/100/cancel", "csrf=" + csrf + "&key=k5&confirm=yes");
  const auto page = c.get("/products/100").body();
  CHECK(contains(page, "The subscription is cancelled."));
  CHECK(contains(page, "deactivated"));
}

TEST_CASE("every value shown is escaped: a group named with a script is text") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto page = c.get("/products/100").body();
  CHECK(contains(page, console::escape(console::seeded::hostile_name)));
  CHECK_FALSE(contains(page, console::seeded::hostile_name));
  CHECK(console::escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("form fields: percent escapes, plus signs, repeated names") {
  const console::form_fields form("user=1&user=12&name=%3Cb%3E+x&bad=%zz&empty=&flag");
  CHECK(form.all("user") == std::vector<std::string>{"1", "12"});
  CHECK(form.get("name") == "<b> x");
  CHECK(form.get("bad") == "%zz");
  CHECK(form.get("empty") == "");
  CHECK(form.get("flag") == "");
  CHECK_FALSE(form.get("missing"));
}

TEST_CASE("auto-renew turns off and on, and an ISV app installs through the link its vendor gave") {
  running_console app;
  client c{app.port()};
  c.sign_in_as(console::seeded::alex);
  const auto csrf = c.csrf("/products");
  c.post("/products/100/auto-renew", "csrf=" + csrf + "&key=k6&auto_renew=off");
  auto page = c.get("/products/100").body();
  CHECK(contains(page, "Auto-renew is now off."));
  CHECK(contains(page, "<dd id=\"auto-renew\">off</dd>"));
  c.post("/products/100/auto-renew", "csrf=" + csrf + "&key=k7&auto_renew=on");
  CHECK(contains(c.get("/products/100").body(), "<dd id=\"auto-renew\">on</dd>"));
  // Fabrikam CRM is a SaaS app: it offers no install here; Litware Planner, bought from its vendor, does.
  CHECK_FALSE(contains(c.get("/products/100").body(), "id=\"install\""));
  page = c.get("/products/102").body();
  CHECK(contains(page, "id=\"install\""));
  CHECK(contains(page, "with the vendor, Litware"));
  c.post("/products/102/install", "csrf=" + csrf + "&key=k8");
  CHECK(contains(c.get("/products/102").body(), "The installation continues at https://install.litware.example/contoso"));
}
