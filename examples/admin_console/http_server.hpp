// http_server: the console's HTTP/1.1 server on Boost.Beast: 127.0.0.1 only, one thread, every request bounded in header size, body size and time.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

namespace console {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;
/// What the server does with one whole request; it runs on the server's one thread.
using request_handler = std::function<response(const request&)>;

/// The bounds of one request: a client that sends more, or takes longer, is answered with 431, 413
/// or 408 and disconnected; nothing it sent reaches the handler.
struct server_limits {
  std::size_t header_bytes = 8 * 1024;
  std::size_t body_bytes = 64 * 1024;
  /// From the first byte awaited to the last byte of the body (and how long an idle connection stays open).
  std::chrono::milliseconds request_time{10'000};
};

/// A plain-text response: the refusals the server makes itself.
[[nodiscard]] inline response text_response(http::status status, std::string text, unsigned version = 11) {
  response res{status, version};
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.set("X-Content-Type-Options", "nosniff");
  res.body() = std::move(text);
  return res;
}

/// Listens on 127.0.0.1 (never another interface) and serves each connection with `handler`.
class http_server {
public:
  /// Binds 127.0.0.1:`port` (0: a free port the system chooses; port() says which). Throws
  /// boost::system::system_error when the port cannot be bound.
  http_server(asio::io_context& io, unsigned short port, request_handler handler, server_limits limits = {})
      : io_(io), acceptor_(io, tcp::endpoint(asio::ip::make_address_v4("127.0.0.1"), port)),
        handler_(std::make_shared<request_handler>(std::move(handler))), limits_(limits) {}

  [[nodiscard]] unsigned short port() const { return acceptor_.local_endpoint().port(); }

  /// Starts accepting; the connections are served while `io` runs.
  void start() { accept(); }

private:
  class connection : public std::enable_shared_from_this<connection> {
  public:
    connection(tcp::socket socket, std::shared_ptr<request_handler> handler, server_limits limits)
        : stream_(std::move(socket)), deadline_(stream_.get_executor()), handler_(std::move(handler)), limits_(limits) {}

    void read() {
      parser_.emplace();
      parser_->header_limit(static_cast<std::uint32_t>(limits_.header_bytes));
      parser_->body_limit(limits_.body_bytes);
      // The request's deadline is a timer of its own, not the stream's: a stream that times out closes
      // its socket, and a client that was too slow is told so (408) before it is disconnected.
      stream_.expires_never();
      timed_out_ = false;
      deadline_.expires_after(limits_.request_time);
      deadline_.async_wait([weak = weak_from_this()](beast::error_code ec) {
        if (const auto self = weak.lock(); self && !ec) {
          self->timed_out_ = true;
          beast::error_code ignored;
          self->stream_.socket().cancel(ignored);
        }
      });
      http::async_read(stream_, buffer_, *parser_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

  private:
    beast::tcp_stream stream_;
    asio::steady_timer deadline_;
    bool timed_out_ = false;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    std::shared_ptr<request_handler> handler_;
    server_limits limits_;
    response response_;

    void on_read(beast::error_code ec) {
      deadline_.cancel();
      if (ec == http::error::end_of_stream) return close();
      if (timed_out_) {
        // An idle keep-alive connection just ends; a request begun and not finished in time is told why.
        if (!parser_->got_some() && buffer_.size() == 0) return close();
        return refuse(http::status::request_timeout, "The request did not arrive within " +
                                                         std::to_string(limits_.request_time.count()) + " ms.\n");
      }
      if (ec == http::error::header_limit)
        return refuse(http::status::request_header_fields_too_large,
                      "The request's header is over " + std::to_string(limits_.header_bytes) + " bytes.\n");
      if (ec == http::error::body_limit)
        return refuse(http::status::payload_too_large,
                      "The request's body is over " + std::to_string(limits_.body_bytes) + " bytes.\n");
      if (ec) {
        if (parser_->got_some() || buffer_.size() > 0) return refuse(http::status::bad_request, "Malformed request: " + ec.message() + ".\n");
        return close();
      }
      const auto& req = parser_->get();
      try {
        response_ = (*handler_)(req);
      } catch (const std::exception& e) {
        std::cerr << "admin console: " << req.method_string() << ' ' << req.target() << " failed: " << e.what() << '\n';
        response_ = text_response(http::status::internal_server_error, "The console failed to answer this request.\n");
      }
      response_.version(req.version());
      response_.keep_alive(req.keep_alive());
      write();
    }

    void refuse(http::status status, std::string why) {
      response_ = text_response(status, std::move(why));
      response_.keep_alive(false);
      write();
    }

    void write() {
      response_.prepare_payload();
      stream_.expires_after(limits_.request_time);
      http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec || !self->response_.keep_alive()) return self->close();
        self->read();
      });
    }

    void close() {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
      stream_.socket().close(ignored);
    }
  };

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::shared_ptr<request_handler> handler_;
  server_limits limits_;

  void accept() {
    acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
      if (!ec) std::make_shared<connection>(std::move(socket), handler_, limits_)->read();
      if (acceptor_.is_open()) accept();
    });
  }
};

} // namespace console
