// console: the admin console's pages over basic_admin_center and SQLite: sign-in and sessions, CSRF tokens, idempotency keys, Your products, a product's licenses, billing profiles and invoices.
#pragma once

#include "html.hpp"
#include "http_server.hpp"

#include <isv/admin_center.hpp>
#include <isv/detail/calendar.hpp>
#include <isv/operations/portal.hpp>
#include <isv/storage/sqlite.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace console {

using traits = isv::default_traits;
using time_point = traits::time_point;
using repository = isv::sqlite_repository;
using admin_center = isv::basic_admin_center<repository>;
using clock = std::function<time_point()>;

/// The system clock, in the library's time points.
[[nodiscard]] inline time_point system_now() {
  return std::chrono::time_point_cast<time_point::duration>(std::chrono::system_clock::now());
}

/// 128 random bits from the system's random device, in hex: session ids, CSRF tokens, idempotency keys.
[[nodiscard]] inline std::string random_token() {
  static std::random_device device;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (int word = 0; word < 4; ++word) {
    auto bits = static_cast<std::uint32_t>(device());
    for (int i = 0; i < 8; ++i, bits >>= 4) out += digits[bits & 0xFU];
  }
  return out;
}

/// A whole decimal number as a form sends it, or nothing.
[[nodiscard]] inline std::optional<std::uint64_t> parse_number(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

/// How the console is run: its limits besides the server's.
struct console_options {
  /// Sessions kept at most; the least recently seen goes first.
  std::size_t max_sessions = 10'000;
  /// A session unused this long is signed out.
  std::chrono::seconds session_idle{std::chrono::hours{8}};
  isv::admin_center_options center{};
};

/// The admin console of one tenant: every page reads the tenant through the repository, every
/// action goes through basic_admin_center::execute with the idempotency key its form carries, and
/// every refusal shows the library's own code and message. One thread serves it (the server's).
class admin_console {
public:
  admin_console(repository& repo, isv::tenant_id tenant, clock now = system_now, console_options options = {})
      : repo_(&repo), center_(repo, options.center), tenant_(tenant), now_(std::move(now)), options_(options) {}

  /// Answers one request.
  [[nodiscard]] response handle(const request& req) {
    const auto target = std::string_view(req.target());
    const auto question = target.find('?');
    const std::string path(target.substr(0, question));
    const form_fields query(question == std::string_view::npos ? std::string_view{} : target.substr(question + 1));

    if (req.method() == http::verb::get && path == "/style.css") return asset(stylesheet, "text/css");
    if (req.method() == http::verb::get && path == "/console.js") return asset(script, "text/javascript");

    std::string cookie;
    auto& current = session_for(req, cookie);
    auto res = route(req, path, query, current);
    if (!cookie.empty()) res.set(http::field::set_cookie, cookie);
    return res;
  }

  /// The name of the session cookie (HttpOnly, SameSite=Strict).
  static constexpr std::string_view cookie_name = "isv_console";

private:
  struct session {
    std::string id;
    std::optional<isv::user_id> user;
    std::string csrf;
    std::string flash;
    bool flash_refused = false;
    std::chrono::steady_clock::time_point last_seen{};
  };

  repository* repo_;
  admin_center center_;
  isv::tenant_id tenant_;
  clock now_;
  console_options options_;
  std::map<std::string, session> sessions_;

  // ---- Responses --------------------------------------------------------------------------------

  static void secure(response& res) {
    res.set("Content-Security-Policy",
            "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; connect-src 'self'; "
            "form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'");
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");
    res.set(http::field::cache_control, "no-store");
  }

  static response asset(std::string_view body, std::string_view type) {
    response res{http::status::ok, 11};
    res.set(http::field::content_type, std::string(type) + "; charset=utf-8");
    res.body() = std::string(body);
    secure(res);
    return res;
  }

  static response see_other(const std::string& location) {
    response res{http::status::see_other, 11};
    res.set(http::field::location, location);
    secure(res);
    return res;
  }

  /// A whole page: the header with the signed-in admin, the flash left by the last action, `body`.
  response page(http::status status, session& s, const std::string& title, const std::string& body,
                const std::string& tenant_name) {
    std::string out = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title) +
                      " - " + escape(tenant_name) +
                      " admin center</title><link rel=\"stylesheet\" href=\"/style.css\"><script src=\"/console.js\" "
                      "defer></script></head><body><header><span class=\"brand\">" +
                      escape(tenant_name) + " admin center</span>";
    if (s.user) {
      out += "<nav><a href=\"/products\">Your products</a><a href=\"/billing\">Billing accounts</a></nav>";
      out += "<span class=\"who\" id=\"who\">Signed in as " + escape(signed_in_as_) + "</span>" +
             "<form method=\"post\" action=\"/sign-out\">" + csrf_field(s) +
             "<button class=\"secondary\" type=\"submit\">Sign out</button></form>";
    }
    out += "</header><main>";
    if (!s.flash.empty()) {
      out += std::string("<div class=\"flash ") + (s.flash_refused ? "refused" : "ok") + "\" id=\"flash\" role=\"status\">" +
             escape(s.flash) + "</div>";
      s.flash.clear();
    }
    out += "<h1>" + escape(title) + "</h1>" + body + "</main></body></html>\n";
    response res{status, 11};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = std::move(out);
    secure(res);
    return res;
  }

  std::string signed_in_as_; // set by route() for the page being drawn

  static std::string csrf_field(const session& s) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + escape(s.csrf) + "\">";
  }
  /// The hidden fields every action form carries: the session's CSRF token and a fresh idempotency key.
  static std::string action_fields(const session& s) {
    return csrf_field(s) + "<input type=\"hidden\" name=\"key\" value=\"" + random_token() + "\">";
  }

  // ---- Sessions ---------------------------------------------------------------------------------

  /// The request's session, or a new one (its cookie is then returned in `set_cookie`).
  session& session_for(const request& req, std::string& set_cookie) {
    const auto now = std::chrono::steady_clock::now();
    if (const auto id = cookie_value(req); !id.empty()) {
      const auto it = sessions_.find(id);
      if (it != sessions_.end() && now - it->second.last_seen < options_.session_idle) {
        it->second.last_seen = now;
        return it->second;
      }
      if (it != sessions_.end()) sessions_.erase(it);
    }
    return new_session(set_cookie);
  }

  session& new_session(std::string& set_cookie) {
    const auto now = std::chrono::steady_clock::now();
    std::erase_if(sessions_, [&](const auto& entry) { return now - entry.second.last_seen >= options_.session_idle; });
    while (sessions_.size() >= options_.max_sessions) {
      const auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
        return a.second.last_seen < b.second.last_seen;
      });
      sessions_.erase(oldest);
    }
    session s;
    s.id = random_token();
    s.csrf = random_token();
    s.last_seen = now;
    set_cookie = std::string(cookie_name) + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict";
    const auto id = s.id;
    return sessions_.emplace(id, std::move(s)).first->second;
  }

  static std::string cookie_value(const request& req) {
    const auto header = req.find(http::field::cookie);
    if (header == req.end()) return {};
    std::string_view cookies = header->value();
    while (!cookies.empty()) {
      const auto semi = cookies.find(';');
      auto pair = cookies.substr(0, semi);
      cookies = semi == std::string_view::npos ? std::string_view{} : cookies.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      if (pair.starts_with(cookie_name) && pair.size() > cookie_name.size() && pair[cookie_name.size()] == '=')
        return std::string(pair.substr(cookie_name.size() + 1));
    }
    return {};
  }

  /// Whether the form carries the session's CSRF token (compared in time independent of where they differ).
  static bool csrf_holds(const session& s, const form_fields& form) {
    const auto sent = form.get("csrf");
    if (!sent || sent->size() != s.csrf.size()) return false;
    unsigned char differ = 0;
    for (std::size_t i = 0; i < sent->size(); ++i) differ |= static_cast<unsigned char>((*sent)[i] ^ s.csrf[i]);
    return differ == 0;
  }

  // ---- Routing ----------------------------------------------------------------------------------

  response route(const request& req, const std::string& path, const form_fields& query, session& s) {
    // What every page needs of the tenant, read in a view that ends before any action commits (a
    // SQLite view holds the tenant's read lock).
    std::string tenant_name;
    bool signed_in_admin = false;
    std::vector<std::pair<isv::user_id, std::string>> admins;
    signed_in_as_.clear();
    {
      const auto view = repo_->read(tenant_);
      if (!view)
        return text_response(http::status::service_unavailable, "The tenant cannot be read: " + view.error().message + "\n");
      const auto& v = view.value();
      tenant_name = v.tenant().name;
      admins = admin_list(v);
      if (s.user) {
        const auto roles = v.tenant().roles_of(*s.user);
        signed_in_admin = !roles.empty();
        signed_in_as_ = user_name(v.directory(), *s.user) + " (" + isv::describe_roles(roles, "and") + ")";
      }
    }

    const bool post = req.method() == http::verb::post;
    if (!post && req.method() != http::verb::get)
      return text_response(http::status::method_not_allowed, "Only GET and POST are served.\n");
    const form_fields form(post ? std::string_view(req.body()) : std::string_view{});
    if (post && !csrf_holds(s, form)) {
      auto res = page(http::status::forbidden, s, "Refused",
                      "<p id=\"refusal\">The form carries no valid security token (CSRF) for this session, so nothing "
                      "was done. Reload the page and try again.</p>",
                      tenant_name);
      return res;
    }

    if (path == "/" ) return see_other(s.user ? "/products" : "/sign-in");
    if (path == "/sign-in" && !post) return sign_in_page(s, admins, tenant_name);
    if (path == "/sign-in") return sign_in(s, form, admins);
    if (path == "/sign-out" && post) {
      sessions_.erase(s.id);
      return see_other("/sign-in");
    }
    if (!signed_in_admin) return see_other("/sign-in");

    const auto parts = split_path(path);
    if (parts.size() == 1 && parts[0] == "products" && !post) return products_page(s);
    if (parts.size() == 1 && parts[0] == "billing" && !post) return billing_page(s);
    if (parts.size() >= 2 && parts[0] == "products") {
      const auto id = parse_number(parts[1]);
      if (!id) return not_found(s, tenant_name, "\"" + parts[1] + "\" is not a subscription id.");
      const isv::subscription_id sub{*id};
      if (parts.size() == 2 && !post) return product_page(s, sub, query.get("find").value_or(""), std::nullopt);
      if (parts.size() == 3 && post) return product_action(s, sub, parts[2], form);
    }
    if (parts.size() >= 2 && parts[0] == "invoices") {
      const auto id = parse_number(parts[1]);
      if (!id) return not_found(s, tenant_name, "\"" + parts[1] + "\" is not an invoice id.");
      const isv::invoice_id inv{*id};
      if (parts.size() == 2 && !post) return invoice_page(s, inv);
      if (parts.size() == 3 && parts[2] == "pay" && post) return pay_invoice(s, inv, form);
    }
    return not_found(s, tenant_name, "There is no page " + path + ".");
  }

  static std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 1;
    while (start <= path.size()) {
      const auto slash = path.find('/', start);
      const auto end = slash == std::string::npos ? path.size() : slash;
      if (end > start) out.push_back(path.substr(start, end - start));
      start = end + 1;
    }
    return out;
  }

  response not_found(session& s, const std::string& tenant_name, const std::string& why) {
    return page(http::status::not_found, s, "Not found", "<p id=\"refusal\">" + escape(why) + "</p>", tenant_name);
  }

  // ---- Names ------------------------------------------------------------------------------------

  static std::string user_name(const isv::directory& dir, const isv::user_id& user) {
    const auto* name = dir.user_name(user);
    return name ? *name : "user " + std::to_string(user.value());
  }
  static std::string group_name(const isv::directory& dir, const isv::group_id& group) {
    const auto* found = dir.find_group(group);
    return found ? found->name : "group " + std::to_string(group.value());
  }
  template <class Id>
  static std::string names(const isv::directory& dir, const std::vector<Id>& ids) {
    std::string out;
    for (const auto& id : ids) {
      if constexpr (std::is_same_v<Id, isv::user_id>) out += (out.empty() ? "" : ", ") + user_name(dir, id);
      else out += (out.empty() ? "" : ", ") + group_name(dir, id);
    }
    return out.empty() ? "nobody" : out;
  }
  static std::string app_name(const repository::view_type& v, const isv::app_id& app) {
    const auto* found = v.find_app(app);
    return found ? found->name : "app " + std::to_string(app.value());
  }
  static std::string profile_name(const repository::view_type& v, const std::optional<isv::billing_profile_id>& id) {
    if (!id) return "none: bought from the vendor";
    const auto* found = v.find_billing_profile(*id);
    return found ? found->name : "billing profile " + std::to_string(id->value());
  }
  static std::string channel_name(isv::acquisition_channel channel) {
    switch (channel) {
      case isv::acquisition_channel::direct: return "AppSource / Azure Marketplace";
      case isv::acquisition_channel::partner: return "a partner";
      case isv::acquisition_channel::proposal: return "a proposal";
      case isv::acquisition_channel::vendor: return "the vendor";
    }
    return std::string(isv::to_string(channel));
  }
  /// "2026-01-05": the day of the library's own time text.
  static std::string date(const time_point& t) { return isv::detail::format_time(t).substr(0, 10); }
  static std::string seats(const isv::subscription& s) {
    if (s.quantity) return std::to_string(s.licenses_in_use) + " of " + std::to_string(*s.quantity);
    return std::to_string(s.licenses_in_use) + " (Unlimited)";
  }
  static std::string status_badge(std::string_view status) {
    return "<span class=\"status " + escape(status) + "\">" + escape(status) + "</span>";
  }
  static std::string refusal_text(const isv::error& e) {
    return "Refused (" + std::string(isv::to_string(e.code)) + "): " + e.message;
  }

  /// The tenant's admins, by user id, with their roles: who may sign in.
  static std::vector<std::pair<isv::user_id, std::string>> admin_list(const repository::view_type& v) {
    std::set<isv::user_id> users;
    for (const auto& grant : v.tenant().admin_roles) users.insert(grant.user);
    std::vector<std::pair<isv::user_id, std::string>> out;
    for (const auto& user : users)
      out.emplace_back(user, user_name(v.directory(), user) + " (" + isv::describe_roles(v.tenant().roles_of(user), "and") + ")");
    return out;
  }

  // ---- Sign-in ----------------------------------------------------------------------------------

  response sign_in_page(session& s, const std::vector<std::pair<isv::user_id, std::string>>& admins,
                        const std::string& tenant_name) {
    std::string body =
        "<section class=\"card\"><p class=\"note\">This is an example: you sign in by choosing one of " +
        escape(tenant_name) +
        "'s admins below, with no password. A real console signs its admins in through the tenant's identity "
        "provider; everything after that, what each admin may do, is the library's.</p><ul>";
    for (const auto& [user, label] : admins)
      body += "<li><form method=\"post\" action=\"/sign-in\">" + csrf_field(s) +
              "<input type=\"hidden\" name=\"user\" value=\"" + std::to_string(user.value()) +
              "\"><button type=\"submit\" id=\"sign-in-" + std::to_string(user.value()) + "\">" + escape(label) +
              "</button></form></li>";
    body += "</ul></section>";
    return page(http::status::ok, s, "Sign in", body, tenant_name);
  }

  response sign_in(session& s, const form_fields& form,
                   const std::vector<std::pair<isv::user_id, std::string>>& admins) {
    const auto id = parse_number(form.get("user").value_or(""));
    const bool admin = id && std::any_of(admins.begin(), admins.end(), [&](const auto& a) { return a.first.value() == *id; });
    if (!admin) {
      s.flash = "Only the tenant's admins sign in here.";
      s.flash_refused = true;
      return see_other("/sign-in");
    }
    // A new session id at sign-in: one fixed before it is worth nothing after.
    std::string cookie;
    const auto old_id = s.id;
    auto& fresh = new_session(cookie);
    fresh.user = isv::user_id{*id};
    sessions_.erase(old_id);
    auto res = see_other("/products");
    res.set(http::field::set_cookie, cookie);
    return res;
  }

  // ---- Your products ----------------------------------------------------------------------------

  response products_page(session& s) {
    const auto log = repo_->events(tenant_, 0);
    const auto view = repo_->read(tenant_);
    if (!view) return text_response(http::status::service_unavailable, view.error().message + "\n");
    const auto& v = view.value();
    std::string body = "<section class=\"card\"><table id=\"products\"><thead><tr><th>Product</th><th>Subscription</th>"
                       "<th>Status</th><th>Licenses used</th><th>Bought through</th><th>Billing profile</th>"
                       "<th>Auto-renew</th></tr></thead><tbody>";
    for (const auto& sub : isv::list_subscriptions<traits>(v))
      body += "<tr><td><a href=\"/products/" + std::to_string(sub.id.value()) + "\">" + escape(app_name(v, sub.app)) +
              "</a></td><td>" + std::to_string(sub.id.value()) + "</td><td>" +
              status_badge(isv::to_string(sub.status)) + "</td><td>" + seats(sub) + "</td><td>" +
              escape(channel_name(sub.channel)) + "</td><td>" + escape(profile_name(v, sub.billing_profile)) +
              "</td><td>" + (sub.auto_renew ? "on" : "off") + "</td></tr>";
    body += "</tbody></table></section>";
    if (log)
      body += "<p class=\"note\" id=\"log-size\">" + escape(v.tenant().name) + "'s log holds " +
              std::to_string(log.value().size()) + " events.</p>";
    return page(http::status::ok, s, "Your products", body, v.tenant().name);
  }

  // ---- A product's page -------------------------------------------------------------------------

  response product_page(session& s, const isv::subscription_id& id, const std::string& find,
                        const std::optional<isv::unassign_preview>& preview) {
    const auto view = repo_->read(tenant_);
    if (!view) return text_response(http::status::service_unavailable, view.error().message + "\n");
    const auto& v = view.value();
    const auto licenses = isv::list_licenses<traits>(v, id);
    if (!licenses) return not_found(s, v.tenant().name, licenses.error().message);
    const auto& sub = *v.find_subscription(id);
    const auto& book = *v.find_license_book(id);
    const auto& dir = v.directory();
    const auto* product = v.find_app(sub.app);
    const std::string name = app_name(v, sub.app);
    const std::string base = "/products/" + std::to_string(id.value());

    std::string body = "<section class=\"card\"><dl class=\"facts\" id=\"facts\">";
    const auto fact = [&](const std::string& label, const std::string& html, const std::string& id_attr = {}) {
      body += "<dt>" + escape(label) + "</dt><dd" + (id_attr.empty() ? "" : " id=\"" + id_attr + "\"") + ">" + html + "</dd>";
    };
    fact("Publisher", escape(product ? product->publisher : "unknown"));
    fact("Subscription", std::to_string(id.value()));
    fact("Status", status_badge(isv::to_string(sub.status)) +
                       (sub.reason ? " (" + escape(isv::to_string(*sub.reason)) + ")" : std::string{}), "status");
    fact("Licenses used", escape(seats(sub)), "seats");
    fact("Bought through", escape(channel_name(sub.channel)));
    fact("Billing", escape(std::string(isv::to_string(sub.term)) + ", " + isv::to_string(sub.unit_price) +
                           (sub.is_seat_based() ? " per license" : "")));
    if (sub.term_end) fact(sub.auto_renew ? "Renews on" : "Ends on", date(*sub.term_end));
    fact("Billing profile", escape(profile_name(v, sub.billing_profile)));
    fact("Auto-renew", sub.auto_renew ? "on" : "off", "auto-renew");
    body += "</dl></section>";

    // Licenses by user and group.
    body += "<h2>Licenses</h2><section class=\"card\"><table id=\"licenses\"><thead><tr><th>User</th><th>Assigned</th>"
            "</tr></thead><tbody>";
    for (const auto& license : licenses.value()) {
      std::string how = license.paths.direct ? "directly" : "";
      for (const auto& g : license.paths.groups) how += (how.empty() ? "through " : ", through ") + group_name(dir, g);
      body += "<tr><td>" + escape(user_name(dir, license.user)) + "</td><td>" + escape(how) + "</td></tr>";
    }
    if (licenses.value().empty()) body += "<tr><td colspan=\"2\" class=\"muted\">No licenses assigned.</td></tr>";
    body += "</tbody></table>";
    if (!book.groups().empty()) {
      body += "<p>Groups assigned: <span id=\"groups\">";
      bool first = true;
      for (const auto& g : book.groups()) {
        body += (first ? "" : ", ") + escape(group_name(dir, g)) + " (" + std::to_string(dir.members(g).size()) + " members)";
        first = false;
      }
      body += "</span></p>";
    }
    body += "</section>";

    // Group members without a license, and why.
    const auto violations = book.violations();
    body += "<h2>Group members without a license</h2><section class=\"card\">";
    if (violations.empty()) {
      body += "<p class=\"muted\" id=\"violations-none\">Every member of an assigned group has a license.</p>";
    } else {
      body += "<table id=\"violations\"><thead><tr><th>User</th><th>Group</th><th>Why</th></tr></thead><tbody>";
      for (const auto& vio : violations)
        body += "<tr><td>" + escape(user_name(dir, vio.user)) + "</td><td>" + escape(group_name(dir, vio.group)) +
                "</td><td>" +
                (vio.reason == isv::violation_reason::count_violation
                     ? std::string("no license left: raise the quantity, then reprocess")
                     : std::string("the subscription is suspended until its invoice is paid")) +
                "</td></tr>";
      body += "</tbody></table>";
    }
    body += "<form method=\"post\" action=\"" + base + "/reprocess\">" + action_fields(s) +
            "<button type=\"submit\" id=\"reprocess\">Reprocess group assignments</button></form></section>";

    // Assign or unassign: a picker that finds users and groups by the beginning of their name.
    const auto matches = dir.find_by_name(find, 25);
    body += "<h2>Assign or unassign licenses</h2><section class=\"card\"><form method=\"get\" action=\"" + base +
            "\" class=\"actions\"><label>Find users and groups by name <input type=\"text\" name=\"find\" id=\"find\" "
            "value=\"" + escape(find) + "\" autocomplete=\"off\"></label><button class=\"secondary\" type=\"submit\" "
            "id=\"find-button\">Find</button></form>";
    body += "<form method=\"post\" action=\"" + base + "/assign\" id=\"pick\">" + action_fields(s) +
            "<div class=\"picker\" id=\"picker\">";
    for (const auto& user : matches.users)
      body += "<label><input type=\"checkbox\" name=\"user\" value=\"" + std::to_string(user.value()) + "\"> " +
              escape(user_name(dir, user)) + (book.holds(user) ? " <span class=\"muted\">(licensed)</span>" : "") + "</label>";
    for (const auto& group : matches.groups)
      body += "<label><input type=\"checkbox\" name=\"group\" value=\"" + std::to_string(group.value()) + "\"> Group " +
              escape(group_name(dir, group)) + (book.group_assigned(group) ? " <span class=\"muted\">(assigned)</span>" : "") +
              "</label>";
    if (matches.users.empty() && matches.groups.empty())
      body += "<span class=\"muted\">No user or group name begins with \"" + escape(find) + "\".</span>";
    body += "</div><div class=\"actions\"><button type=\"submit\" id=\"assign\">Assign licenses</button>"
            "<button type=\"submit\" class=\"secondary\" id=\"unassign\" formaction=\"" + base +
            "/unassign\">Unassign licenses</button></div></form></section>";

    // Quantity, renewal, cancellation, installation.
    body += "<h2>Subscription</h2><section class=\"card\"><div class=\"actions\">";
    if (sub.is_seat_based())
      body += "<form method=\"post\" action=\"" + base + "/quantity\">" + action_fields(s) +
              "<label>Licenses <input type=\"number\" min=\"0\" name=\"quantity\" id=\"quantity\" value=\"" +
              std::to_string(sub.quantity.value_or(0)) + "\"></label> <button type=\"submit\" id=\"save-quantity\">"
              "Save quantity</button></form>";
    body += "<form method=\"post\" action=\"" + base + "/auto-renew\">" + action_fields(s) +
            "<input type=\"hidden\" name=\"auto_renew\" value=\"" + (sub.auto_renew ? "off" : "on") +
            "\"><button type=\"submit\" class=\"secondary\" id=\"toggle-auto-renew\">Turn auto-renew " +
            (sub.auto_renew ? "off" : "on") + "</button></form>";
    if (product && product->kind == isv::app_kind::isv)
      body += "<form method=\"post\" action=\"" + base + "/install\">" + action_fields(s) +
              "<button type=\"submit\" class=\"secondary\" id=\"install\">Install this product</button></form>";
    body += "<form method=\"post\" action=\"" + base + "/cancel\">" + action_fields(s) +
            "<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" id=\"cancel-confirm\" required> Licenses end "
            "with the subscription</label> <button type=\"submit\" class=\"danger\" id=\"cancel\">Cancel subscription</button>"
            "</form></div></section>";

    // Where each action is handled (the seed articles' table).
    body += "<h2>Where each action is handled</h2><section class=\"card\"><table id=\"where\"><tbody>";
    const std::string publisher = product ? product->publisher : "the publisher";
    for (const auto action : isv::all_admin_actions) {
      std::string where;
      switch (isv::where_handled(sub.kind, sub.channel, action)) {
        case isv::place::admin_center: where = "here, in the admin center"; break;
        case isv::place::publisher_portal: where = "Manage in the publisher's portal (" + publisher + ")"; break;
        case isv::place::vendor: where = "with the vendor, " + publisher; break;
      }
      std::string label(isv::to_string(action));
      std::replace(label.begin(), label.end(), '_', ' ');
      body += "<tr><td>" + escape(label) + "</td><td>" + escape(where) + "</td></tr>";
    }
    body += "</tbody></table></section>";

    if (preview) body += unassign_dialog(s, dir, base, *preview);
    return page(http::status::ok, s, name, body, v.tenant().name);
  }

  /// The preview of an unassignment in a dialog: what confirming it will do, and the form that confirms
  /// exactly that (its fields are the preview's, version included, so a change since is refused as stale).
  static std::string unassign_dialog(const session& s, const isv::directory& dir, const std::string& base,
                                     const isv::unassign_preview& p) {
    std::string out = "<dialog id=\"unassign-preview\" open><h2>Unassign licenses?</h2><dl class=\"facts\">";
    out += "<dt>Lose their license</dt><dd id=\"losing\">" + escape(names(dir, p.losing_license)) + "</dd>";
    out += "<dt>Keep a license through a group</dt><dd id=\"keeping\">" + escape(names(dir, p.keeping_license)) + "</dd>";
    if (!p.not_assigned.empty() || !p.groups_not_assigned.empty())
      out += "<dt>Not assigned, nothing to remove</dt><dd>" + escape(names(dir, p.not_assigned)) +
             (p.groups_not_assigned.empty() ? "" : "; groups " + escape(names(dir, p.groups_not_assigned))) + "</dd>";
    out += "</dl><form method=\"post\" action=\"" + base + "/confirm-unassign\">" + action_fields(s) +
           "<input type=\"hidden\" name=\"version\" value=\"" + std::to_string(p.version) + "\">";
    const auto hidden = [&](const char* name, const auto& ids) {
      for (const auto& id : ids)
        out += "<input type=\"hidden\" name=\"" + std::string(name) + "\" value=\"" + std::to_string(id.value()) + "\">";
    };
    hidden("user", p.users);
    hidden("group", p.groups);
    hidden("losing", p.losing_license);
    hidden("keeping", p.keeping_license);
    hidden("not_assigned", p.not_assigned);
    hidden("group_not_assigned", p.groups_not_assigned);
    out += "<div class=\"actions\"><button type=\"submit\" class=\"danger\" id=\"confirm-unassign\">Unassign</button>"
           "<a href=\"" + base + "\" id=\"keep-licenses\">Keep them</a></div></form></dialog>";
    return out;
  }

  template <class Id>
  static std::optional<std::vector<Id>> ids_of(const form_fields& form, const std::string& name) {
    std::vector<Id> out;
    for (const auto& text : form.all(name)) {
      const auto n = parse_number(text);
      if (!n) return std::nullopt;
      out.push_back(Id{*n});
    }
    return out;
  }

  void tell(session& s, std::string text, bool refused) {
    s.flash = std::move(text);
    s.flash_refused = refused;
  }

  /// Runs `command` as the session's admin with the form's idempotency key; a refusal becomes the
  /// flash, with the library's code and message. Returns the receipt when it was accepted.
  template <class Command>
  auto run(session& s, const Command& command, const form_fields& form)
      -> std::optional<typename admin_center::template receipt<typename Command::result_value>> {
    const auto key = form.get("key");
    if (!key || key->empty()) {
      tell(s, "Refused: the form carries no idempotency key, so it could not be told from a repeat.", true);
      return std::nullopt;
    }
    auto done = center_.execute(tenant_, s.user, command, now_(), *key);
    if (!done) {
      tell(s, refusal_text(done.error()), true);
      return std::nullopt;
    }
    return std::move(done).value();
  }

  std::string report_text(const isv::assignment_report& r) {
    std::string out = std::to_string(r.licenses_added) + (r.licenses_added == 1 ? " license" : " licenses") + " added";
    if (!r.already_assigned.empty()) out += "; " + std::to_string(r.already_assigned.size()) + " already assigned";
    if (!r.violations.empty())
      out += "; " + std::to_string(r.violations.size()) + " group " + (r.violations.size() == 1 ? "member" : "members") +
             " left without a license (no licenses left)";
    return out + ".";
  }

  response product_action(session& s, const isv::subscription_id& id, const std::string& action, const form_fields& form) {
    const std::string back = "/products/" + std::to_string(id.value());
    const auto users = ids_of<isv::user_id>(form, "user");
    const auto groups = ids_of<isv::group_id>(form, "group");
    if (!users || !groups) {
      tell(s, "Refused: a selected user or group is not an id.", true);
      return see_other(back);
    }
    if (action == "assign") {
      if (const auto done = run(s, isv::assign_command{.subscription = id, .users = *users, .groups = *groups}, form))
        tell(s, "Assigned: " + report_text(done->value), false);
    } else if (action == "unassign") {
      if (const auto done = run(s, isv::unassign_command{.subscription = id, .users = *users, .groups = *groups}, form))
        return product_page(s, id, "", done->value);
    } else if (action == "confirm-unassign") {
      const auto version = parse_number(form.get("version").value_or(""));
      const auto losing = ids_of<isv::user_id>(form, "losing");
      const auto keeping = ids_of<isv::user_id>(form, "keeping");
      const auto not_assigned = ids_of<isv::user_id>(form, "not_assigned");
      const auto groups_not = ids_of<isv::group_id>(form, "group_not_assigned");
      if (!version || *version > static_cast<std::uint64_t>(std::numeric_limits<isv::count_t>::max()) || !losing || !keeping || !not_assigned || !groups_not) {
        tell(s, "Refused: the confirmation does not carry its preview.", true);
      } else if (run(s,
                     isv::confirm_unassign_command{.subscription = id, .version = static_cast<isv::count_t>(*version), .users = *users,
                                                   .groups = *groups, .losing_license = *losing,
                                                   .keeping_license = *keeping, .not_assigned = *not_assigned,
                                                   .groups_not_assigned = *groups_not},
                     form)) {
        tell(s, "Unassigned: " + std::to_string(losing->size()) + (losing->size() == 1 ? " user" : " users") +
                    " lost the license.", false);
      }
    } else if (action == "quantity") {
      const auto quantity = parse_number(form.get("quantity").value_or(""));
      if (!quantity || *quantity > static_cast<std::uint64_t>(std::numeric_limits<isv::count_t>::max()))
        tell(s, "Refused: the quantity must be a whole number.", true);
      else if (run(s, isv::change_quantity_command{.subscription = id, .quantity = static_cast<isv::count_t>(*quantity)}, form))
        tell(s, "The quantity is now " + std::to_string(*quantity) + ".", false);
    } else if (action == "reprocess") {
      if (const auto done = run(s, isv::reprocess_command{.subscription = id}, form))
        tell(s, "Reprocessed: " + report_text(done->value), false);
    } else if (action == "auto-renew") {
      const bool on = form.get("auto_renew").value_or("") == "on";
      if (run(s, isv::auto_renew_command{.subscription = id, .auto_renew = on}, form))
        tell(s, std::string("Auto-renew is now ") + (on ? "on." : "off."), false);
    } else if (action == "cancel") {
      // The seed articles ask before cancelling: the form's box says the admin knows the licenses end.
      if (form.get("confirm").value_or("") != "yes")
        tell(s, "Not cancelled: tick the box that says the licenses end with the subscription.", true);
      else if (run(s, isv::cancel_command{.subscription = id}, form))
        tell(s, "The subscription is cancelled.", false);
    } else if (action == "install") {
      if (const auto done = run(s, isv::install_command{.subscription = id}, form))
        tell(s, "The installation continues at " + done->value, false);
    } else {
      tell(s, "There is no action \"" + action + "\".", true);
    }
    return see_other(back);
  }

  // ---- Billing ----------------------------------------------------------------------------------

  response billing_page(session& s) {
    // The invoices are found in the log (the repository lists none), read before the view begins.
    const auto log = repo_->events(tenant_, 0);
    const auto view = repo_->read(tenant_);
    if (!view || !log) return text_response(http::status::service_unavailable, "The tenant cannot be read.\n");
    const auto& v = view.value();
    const auto& dir = v.directory();
    std::string body;
    for (const auto& pid : v.billing_profile_ids()) {
      const auto& p = *v.find_billing_profile(pid);
      body += "<section class=\"card profile\"><h2>" + escape(p.name) + "</h2><dl class=\"facts\"><dt>Contact</dt><dd>" +
              escape(p.contact.name) + ", " + escape(p.contact.address) + "</dd><dt>Payment methods</dt><dd>";
      for (const auto& m : p.payment_methods)
        body += escape(m.label) + " (" + escape(isv::to_string(m.kind)) + ")" +
                (p.default_payment_method == m.id ? " <strong>default</strong>" : "") + "<br>";
      if (p.payment_methods.empty()) body += "<span class=\"muted\">none</span>";
      body += "</dd><dt>Roles</dt><dd>";
      for (const auto& grant : p.roles)
        body += escape(user_name(dir, grant.user)) + ": " + escape(isv::display_name(grant.role)) + "<br>";
      body += "</dd><dt>Products charged</dt><dd>";
      for (const auto& sub : isv::list_subscriptions<traits>(v))
        if (sub.billing_profile == pid)
          body += "<a href=\"/products/" + std::to_string(sub.id.value()) + "\">" + escape(app_name(v, sub.app)) + "</a><br>";
      body += "</dd></dl></section>";
    }
    body += "<h2>Invoices</h2><section class=\"card\"><table id=\"invoices\"><thead><tr><th>Invoice</th><th>Billing "
            "profile</th><th>Issued</th><th>Due</th><th>Total</th><th>Status</th></tr></thead><tbody>";
    for (const auto& e : log.value())
      if (const auto* issued = std::get_if<isv::basic_invoice_issued<traits>>(&e.payload))
        if (const auto* inv = v.find_invoice(issued->invoice->id))
          body += "<tr><td><a href=\"/invoices/" + std::to_string(inv->id.value()) + "\">" + std::to_string(inv->id.value()) +
                  "</a></td><td>" + escape(profile_name(v, inv->profile)) + "</td><td>" + date(inv->issued_at) +
                  "</td><td>" + date(inv->due_at) + "</td><td>" + escape(isv::to_string(inv->total)) + "</td><td>" +
                  status_badge(isv::to_string(inv->status)) + "</td></tr>";
    body += "</tbody></table></section>";
    return page(http::status::ok, s, "Billing accounts", body, v.tenant().name);
  }

  response invoice_page(session& s, const isv::invoice_id& id) {
    // Viewing goes through execute: the library decides who may see an invoice (D-BILL-4).
    auto shown = center_.execute(tenant_, s.user, isv::view_invoice_command{.invoice = id}, now_());
    const auto view = repo_->read(tenant_);
    if (!view) return text_response(http::status::service_unavailable, view.error().message + "\n");
    const auto& v = view.value();
    if (!shown) {
      const auto status = shown.error().code == isv::errc::not_found ? http::status::not_found : http::status::forbidden;
      return page(status, s, "Invoice " + std::to_string(id.value()),
                  "<p id=\"refusal\">" + escape(refusal_text(shown.error())) + "</p>", v.tenant().name);
    }
    const auto& inv = shown.value().value;
    std::string body = "<section class=\"card\"><dl class=\"facts\"><dt>Billing profile</dt><dd>" +
                       escape(profile_name(v, inv.profile)) + "</dd><dt>Issued</dt><dd>" + date(inv.issued_at) +
                       "</dd><dt>Due</dt><dd>" + date(inv.due_at) + "</dd><dt>Status</dt><dd id=\"invoice-status\">" +
                       status_badge(isv::to_string(inv.status)) + "</dd></dl></section>";
    body += "<section class=\"card\"><table id=\"lines\"><thead><tr><th>Product</th><th>Subscription</th><th>Period</th>"
            "<th>Quantity</th><th>Unit price</th><th>Amount</th></tr></thead><tbody>";
    for (const auto& line : inv.lines)
      body += "<tr><td>" + escape(app_name(v, line.app)) + "</td><td>" + std::to_string(line.subscription.value()) +
              "</td><td>" + date(line.period_start) + " to " + date(line.period_end) + "</td><td>" +
              std::to_string(line.quantity) + "</td><td>" + escape(isv::to_string(line.unit_price)) + "</td><td>" +
              escape(isv::to_string(line.amount)) + "</td></tr>";
    body += "<tr><th colspan=\"5\">Total</th><th id=\"total\">" + escape(isv::to_string(inv.total)) + "</th></tr></tbody></table></section>";
    if (inv.status != isv::invoice_status::paid) {
      body += "<section class=\"card\"><form method=\"post\" action=\"/invoices/" + std::to_string(id.value()) +
              "/pay\" class=\"actions\">" + action_fields(s) + "<label>Pay with <select name=\"method\" id=\"method\">";
      if (const auto* p = v.find_billing_profile(inv.profile))
        for (const auto& m : p->payment_methods)
          body += "<option value=\"" + std::to_string(m.id.value()) + "\"" +
                  (p->default_payment_method == m.id ? " selected" : "") + ">" + escape(m.label) + "</option>";
      body += "</select></label><button type=\"submit\" id=\"pay\">Pay now</button></form></section>";
    }
    return page(http::status::ok, s, "Invoice " + std::to_string(id.value()), body, v.tenant().name);
  }

  response pay_invoice(session& s, const isv::invoice_id& id, const form_fields& form) {
    std::optional<isv::payment_method_id> method;
    if (const auto text = form.get("method"); text && !text->empty()) {
      const auto n = parse_number(*text);
      if (!n) {
        tell(s, "Refused: the payment method is not an id.", true);
        return see_other("/invoices/" + std::to_string(id.value()));
      }
      method = isv::payment_method_id{*n};
    }
    if (run(s, isv::pay_invoice_command{.invoice = id, .method = method}, form))
      tell(s, "Invoice " + std::to_string(id.value()) + " is paid.", false);
    return see_other("/invoices/" + std::to_string(id.value()));
  }
};

} // namespace console
