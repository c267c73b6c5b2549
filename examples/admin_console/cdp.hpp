// cdp: a small driver of headless Chromium over the DevTools protocol (launch, navigate, evaluate, screenshot), for the console's browser test.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace cdp {

struct error : std::runtime_error { using std::runtime_error::runtime_error; };

namespace detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using clock = std::chrono::steady_clock;
inline constexpr std::chrono::seconds timeout{30};  // for each command, page load and browser start

/// Runs one asynchronous Asio/Beast operation to completion on `ioc`; throws cdp::error naming `what` on failure or timeout.
template <class Initiate>
void run(asio::io_context& ioc, Initiate&& initiate, const std::string& what) {
  beast::error_code result = asio::error::would_block;
  std::forward<Initiate>(initiate)([&result](beast::error_code ec, auto...) { result = ec; });
  ioc.restart();
  ioc.run();
  if (result == beast::error::timeout) throw error("cdp: timed out " + what);
  if (result) throw error("cdp: failed " + what + ": " + result.message());
}

/// Decodes standard base64 (whitespace skipped, stops at '=').
inline std::string base64_decode(std::string_view in) {
  constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(in.size() / 4 * 3);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : in) {
    if (c == '=') break;
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    const std::size_t v = alphabet.find(c);
    if (v == std::string_view::npos) throw error("cdp: invalid base64 character in screenshot data");
    acc = ((acc << 6) | static_cast<std::uint32_t>(v)) & 0xFFFFFFu;
    if ((bits += 6) >= 8) out.push_back(static_cast<char>((acc >> (bits -= 8)) & 0xFFu));
  }
  return out;
}

/// The last `max` bytes of a log file, for error messages.
inline std::string tail_of(const std::filesystem::path& file, std::size_t max = 1500) {
  std::ifstream in(file, std::ios::binary);
  const std::string all{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return all.size() > max ? "..." + all.substr(all.size() - max) : all;
}

/// One page's DevTools WebSocket: numbered commands, their replies, and the names of events seen meanwhile.
struct session {
  asio::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  std::int64_t next_id = 0;
  std::vector<std::string> events;  // method names of the events since the last command was sent
  bool open = false;

  void connect(std::uint16_t port, const std::string& path) {
    auto& tcp = beast::get_lowest_layer(ws);
    tcp.expires_after(timeout);
    const asio::ip::tcp::endpoint ep(asio::ip::make_address_v4("127.0.0.1"), port);
    run(ioc, [&](auto h) { tcp.async_connect(ep, std::move(h)); }, "connecting to the DevTools WebSocket");
    ws.read_message_max(64u << 20);  // full-page screenshots run to several MB of base64
    const std::string host = "127.0.0.1:" + std::to_string(port);
    run(ioc, [&](auto h) { ws.async_handshake(host, path, std::move(h)); }, "in the WebSocket handshake for " + path);
    open = true;
  }
  void send(const json& msg, clock::time_point deadline) {
    if (!open) throw error("cdp: the page's connection is closed");
    beast::get_lowest_layer(ws).expires_at(deadline);
    const std::string text = msg.dump();
    run(ioc, [&](auto h) { ws.async_write(asio::buffer(text), std::move(h)); }, "sending " + msg.value("method", "a command"));
  }
  /// Reads one message; records an event's name, and accepts JavaScript dialogs so they cannot stall the page.
  json receive(clock::time_point deadline, const std::string& what) {
    if (!open) throw error("cdp: the page's connection is closed");
    beast::get_lowest_layer(ws).expires_at(deadline);
    open = false;  // stays so if the read fails or times out: the stream is unusable then
    run(ioc, [&](auto h) { ws.async_read(buffer, std::move(h)); }, what);
    open = true;
    json msg = json::parse(beast::buffers_to_string(buffer.data()), nullptr, false);
    buffer.consume(buffer.size());
    if (!msg.is_object()) throw error("cdp: the browser sent a message that is not a JSON object");
    if (const auto m = msg.find("method"); m != msg.end() && m->is_string()) {
      const std::string method = m->get<std::string>();
      if (method == "Inspector.targetCrashed" || method == "Inspector.detached") throw error("cdp: the page went away (" + method + ")");
      if (method == "Page.javascriptDialogOpening")
        send({{"id", ++next_id}, {"method", "Page.handleJavaScriptDialog"}, {"params", {{"accept", true}}}}, deadline);
      events.push_back(method);
    }
    return msg;
  }
  /// Sends a command and returns its whole reply (holding "result" or "error"); forgets earlier events.
  json call(const std::string& method, const json& params, clock::time_point deadline) {
    events.clear();
    const std::int64_t id = ++next_id;
    send({{"id", id}, {"method", method}, {"params", params}}, deadline);
    for (;;) {
      json msg = receive(deadline, "waiting for the reply to " + method + " (30 s limit)");
      if (const auto i = msg.find("id"); i != msg.end() && *i == id) return msg;
    }
  }
  /// Sends a command and returns its result; throws on a protocol error.
  json command(const std::string& method, const json& params = json::object(), clock::time_point deadline = clock::now() + timeout) {
    const json reply = call(method, params, deadline);
    if (const auto e = reply.find("error"); e != reply.end()) throw error("cdp: " + method + " failed: " + e->value("message", e->dump()));
    return reply.value("result", json::object());
  }
  /// Waits for an event named `method` seen since the last command was sent, before or after its reply.
  void wait_for(const std::string& method, clock::time_point deadline, const std::string& why) {
    for (std::size_t seen = 0;; ++seen) {
      while (seen >= events.size()) receive(deadline, "waiting for " + method + " " + why + " (30 s limit)");
      if (events[seen] == method) return;
    }
  }
  void close() noexcept {
    if (!open) return;
    open = false;
    try {  // a polite close, but never more than 2 s of it
      beast::get_lowest_layer(ws).expires_after(std::chrono::seconds(2));
      run(ioc, [&](auto h) { ws.async_close(websocket::close_code::normal, std::move(h)); }, "closing");
    } catch (...) {}
    beast::get_lowest_layer(ws).close();
  }
};

/// The value of a Runtime.evaluate result (null if undefined); throws with the exception's description if it threw.
inline json evaluate_value(const json& result, const std::string& expression) {
  if (const auto d = result.find("exceptionDetails"); d != result.end()) {
    std::string text = d->value("text", "an exception");
    if (const auto ex = d->find("exception"); ex != d->end() && ex->contains("description")) text = (*ex)["description"].get<std::string>();
    throw error("cdp: evaluating `" + expression + "` threw: " + text);
  }
  const json r = result.value("result", json::object());
  if (r.contains("value")) return r["value"];
  return r.contains("unserializableValue") ? r["unserializableValue"] : json();  // NaN, Infinity, 1n, -0
}

inline json evaluate_params(const std::string& expression) {
  return {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}, {"userGesture", true}};
}
}  // namespace detail

/// The Chromium to drive: $CHROMIUM if set and executable, else the first of chromium, chromium-browser, google-chrome, google-chrome-stable found on PATH; empty when none.
inline std::string find_chromium() {
  const auto runnable = [](const std::filesystem::path& p) {
    std::error_code ec;
    return std::filesystem::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
  };
  if (const char* env = std::getenv("CHROMIUM"); env && *env && runnable(env)) return env;
  const char* path_env = std::getenv("PATH");
  const std::string path = path_env ? path_env : "";
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}) {
    for (std::size_t start = 0, end = 0; end != std::string::npos; start = end + 1) {
      end = path.find(':', start);
      const std::string dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (const auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / name; runnable(candidate)) return candidate.string();
    }
  }
  return {};
}

/// One tab, driven over its own DevTools WebSocket.
class page {
public:
  /// Takes over the other page's connection.
  page(page&& other) noexcept : s_(std::move(other.s_)) {}
  page& operator=(page&&) = delete;
  /// Closes the WebSocket (the tab itself ends with the browser).
  ~page() { if (s_) s_->close(); }

  /// Page.navigate, then waits for Page.loadEventFired (timeout 30 s). Throws if navigate returns errorText.
  void navigate(const std::string& url) {
    const auto deadline = detail::clock::now() + detail::timeout;
    const auto r = session().command("Page.navigate", {{"url", url}}, deadline);
    if (const std::string text = r.value("errorText", ""); !text.empty()) throw error("cdp: navigating to " + url + " failed: " + text);
    if (!r.contains("loaderId")) return;  // a same-document navigation (#fragment) fires no load event
    session().wait_for("Page.loadEventFired", deadline, "after navigating to " + url);
  }

  /// Runtime.evaluate (returnByValue, awaitPromise); returns the value (null if undefined); throws with the exception's description if it threw.
  nlohmann::json evaluate(const std::string& expression) {
    return detail::evaluate_value(session().command("Runtime.evaluate", detail::evaluate_params(expression)), expression);
  }

  /// Evaluates an expression that makes the page navigate, then waits for the next Page.loadEventFired (timeout 30 s), even one that came before the reply.
  void evaluate_and_wait_for_load(const std::string& expression) {
    const auto deadline = detail::clock::now() + detail::timeout;
    const auto reply = session().call("Runtime.evaluate", detail::evaluate_params(expression), deadline);
    if (const auto e = reply.find("error"); e == reply.end()) {
      detail::evaluate_value(reply.value("result", nlohmann::json::object()), expression);  // throws if it threw
    } else if (const std::string msg = e->value("message", e->dump()); msg.find("navigated") == std::string::npos) {
      throw error("cdp: evaluating `" + expression + "` failed: " + msg);  // not "Inspected target navigated or closed"
    }
    session().wait_for("Page.loadEventFired", deadline, "after evaluating `" + expression + "`");
  }

  /// Captures the whole page (up to 16384 px tall) as PNG into `file`; returns the number of bytes written.
  std::size_t screenshot(const std::filesystem::path& file) {
    const auto size = session().command("Page.getLayoutMetrics").value("cssContentSize", nlohmann::json::object());
    const double width = std::max(1.0, size.value("width", 1280.0)), height = std::clamp(size.value("height", 900.0), 1.0, 16384.0);
    const nlohmann::json params = {{"format", "png"}, {"captureBeyondViewport", true},
                                   {"clip", {{"x", 0}, {"y", 0}, {"width", width}, {"height", height}, {"scale", 1}}}};
    const std::string bytes = detail::base64_decode(session().command("Page.captureScreenshot", params).value("data", ""));
    if (bytes.empty()) throw error("cdp: Page.captureScreenshot returned no data");
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) throw error("cdp: cannot write the screenshot to " + file.string());
    return bytes.size();
  }

private:
  friend class browser;
  explicit page(std::shared_ptr<detail::session> s) : s_(std::move(s)) {}
  detail::session& session() {
    if (!s_) throw error("cdp: page used after being moved from");
    return *s_;
  }
  std::shared_ptr<detail::session> s_;
};

/// A headless Chromium process with a fresh profile; ended, and its profile removed, on destruction.
class browser {
public:
  /// Starts `executable` headless with a fresh user-data dir under `scratch_dir` (output to scratch_dir/chromium.log); waits up to 30 s for its DevTools port.
  static browser launch(const std::string& executable, const std::filesystem::path& scratch_dir) {
    std::error_code ec;
    std::filesystem::create_directories(scratch_dir, ec);
    if (ec) throw error("cdp: cannot create " + scratch_dir.string() + ": " + ec.message());
    std::string dir = (scratch_dir / "chromium-profile-XXXXXX").string();
    if (::mkdtemp(dir.data()) == nullptr) throw error("cdp: cannot create a user-data dir in " + scratch_dir.string() + ": " + std::strerror(errno));
    browser b;
    b.user_data_dir_ = dir;
    const auto log = scratch_dir / "chromium.log";
    std::vector<std::string> args = {executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                                     "--no-default-browser-check", "--disable-extensions", "--remote-debugging-port=0",
                                     "--user-data-dir=" + dir, "--window-size=1280,900", "about:blank"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t files;
    posix_spawn_file_actions_init(&files);
    posix_spawn_file_actions_addopen(&files, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&files, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&files, 1, 2);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, defaults;  // no signal blocked, and these at their default action, whatever the test did
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) sigaddset(&defaults, sig);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);  // its own process group, so that its helpers can be ended together
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    const int rc = ::posix_spawnp(&pid, executable.c_str(), &files, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw error("cdp: cannot start " + executable + ": " + std::strerror(rc));
    b.pid_ = pid;

    const auto port_file = std::filesystem::path(dir) / "DevToolsActivePort";  // "<port>\n/devtools/browser/<id>\n"
    for (const auto deadline = detail::clock::now() + detail::timeout;; std::this_thread::sleep_for(std::chrono::milliseconds(50))) {
      std::ifstream in(port_file);
      std::string first, second;
      if (std::getline(in, first) && std::getline(in, second) && !first.empty() && first.size() <= 5 &&
          first.find_first_not_of("0123456789") == std::string::npos) {
        const unsigned long port = std::stoul(first);
        if (port == 0 || port > 65535) throw error("cdp: bad port '" + first + "' in " + port_file.string());
        b.port_ = static_cast<std::uint16_t>(port);
        return b;
      }
      if (int status = 0; ::waitpid(pid, &status, WNOHANG) == pid) {
        b.pid_ = -1;
        const std::string how = WIFEXITED(status) ? "exited with code " + std::to_string(WEXITSTATUS(status)) : "was killed by signal " + std::to_string(WTERMSIG(status));
        throw error("cdp: " + executable + " " + how + " before opening its DevTools port; " +
                    log.string() + " ends with:\n" + detail::tail_of(log));
      }
      if (detail::clock::now() > deadline)
        throw error("cdp: timed out after 30 s waiting for " + port_file.string() + "; " + log.string() + " ends with:\n" + detail::tail_of(log));
    }
  }

  /// Takes over the other browser's process and profile.
  browser(browser&& other) noexcept
      : pid_(std::exchange(other.pid_, -1)), port_(other.port_), user_data_dir_(std::exchange(other.user_data_dir_, {})),
        sessions_(std::move(other.sessions_)) {}
  browser& operator=(browser&&) = delete;
  /// Closes the pages' connections, ends Chromium (SIGTERM, then SIGKILL to its process group after 5 s) and removes the user-data dir.
  ~browser() {
    for (auto& w : sessions_)
      if (auto s = w.lock()) s->close();
    stop();
    if (std::error_code ec; !user_data_dir_.empty()) std::filesystem::remove_all(user_data_dir_, ec);
  }

  /// The DevTools port on 127.0.0.1.
  std::uint16_t port() const noexcept { return port_; }

  /// Opens a new tab (HTTP PUT /json/new?about:blank), connects to its WebSocket, and enables the Page and Runtime domains.
  page new_page() {
    namespace http = detail::http;
    if (pid_ <= 0) throw error("cdp: the browser is not running");
    detail::asio::io_context ioc;
    detail::beast::tcp_stream stream(ioc);
    stream.expires_after(detail::timeout);
    const detail::asio::ip::tcp::endpoint ep(detail::asio::ip::make_address_v4("127.0.0.1"), port_);
    detail::run(ioc, [&](auto h) { stream.async_connect(ep, std::move(h)); }, "connecting to the DevTools HTTP port");
    http::request<http::empty_body> req{http::verb::put, "/json/new?about:blank", 11};  // Chromium refuses GET here
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
    req.prepare_payload();
    detail::run(ioc, [&](auto h) { http::async_write(stream, req, std::move(h)); }, "sending PUT /json/new");
    detail::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    detail::run(ioc, [&](auto h) { http::async_read(stream, buffer, res, std::move(h)); }, "reading the reply to PUT /json/new");
    stream.close();
    if (res.result() != http::status::ok) throw error("cdp: PUT /json/new answered " + std::to_string(res.result_int()) + ": " + res.body());
    const auto target = nlohmann::json::parse(res.body(), nullptr, false);
    const std::string url = target.is_object() ? target.value("webSocketDebuggerUrl", "") : "";
    const auto path = url.find("/devtools/");
    if (path == std::string::npos) throw error("cdp: no webSocketDebuggerUrl in the reply to PUT /json/new: " + res.body());
    auto s = std::make_shared<detail::session>();
    s->connect(port_, url.substr(path));
    s->command("Page.enable");
    s->command("Runtime.enable");
    std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
    sessions_.push_back(s);
    return page(std::move(s));
  }

private:
  browser() = default;
  void stop() noexcept {
    if (pid_ <= 0) return;
    const auto exited = [this] {  // WNOWAIT: until reaped, the leader keeps its group id from being reused
      siginfo_t info{};
      return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
    };
    ::kill(pid_, SIGTERM);
    for (const auto deadline = detail::clock::now() + std::chrono::seconds(5); !exited() && detail::clock::now() < deadline;)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(-pid_, SIGKILL);  // the browser if it is still running, and any helper that outlived it
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string user_data_dir_;
  std::vector<std::weak_ptr<detail::session>> sessions_;
};

}  // namespace cdp
