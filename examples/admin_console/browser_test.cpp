// The admin console in a real browser: starts the console on a free port over a seeded SQLite file, drives
// headless Chromium through its pages (sign in, assign past the seats, a refusal, quantity, reprocess,
// unassign with its dialog, billing, paying an invoice) and through what must be refused (a form without
// its CSRF token, a form sent twice, another tenant's subscription), checks each page's DOM, and leaves a
// screenshot of each page in the folder given (argv[1]). The bounds of a request are server_test.cpp's.
// Exits 77 (ctest: skipped) when no Chromium is installed.
#include "cdp.hpp"
#include "console.hpp"
#include "http_server.hpp"
#include "seed.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include <stdlib.h> // mkdtemp

namespace {

int checks = 0, failures = 0;

void check(bool ok, const std::string& what) {
  ++checks;
  if (!ok) ++failures;
  std::cout << (ok ? "ok      " : "FAILED  ") << what << std::endl;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// The JavaScript string literal of `text`.
std::string js(const std::string& text) { return nlohmann::json(text).dump(); }

struct page_checker {
  cdp::page& page;
  std::filesystem::path shots;

  std::string text() { return page.evaluate("document.body.innerText").get<std::string>(); }
  std::string text_of(const std::string& id) {
    const auto value = page.evaluate("(() => { const e = document.getElementById(" + js(id) + "); return e ? e.innerText : ''; })()");
    return value.is_string() ? value.get<std::string>() : std::string{};
  }
  std::string path() { return page.evaluate("location.pathname").get<std::string>(); }
  void click(const std::string& id) {
    page.evaluate_and_wait_for_load("document.getElementById(" + js(id) + ").click()");
  }
  void tick(const std::string& name, const std::string& value) {
    page.evaluate("document.querySelector('input[name=" + name + "][value=\"" + value + "\"]').checked = true");
  }
  /// A screenshot of the page as it is, checked to be a PNG of a plausible size.
  void shoot(const std::string& name) {
    const auto file = shots / (name + ".png");
    const auto bytes = page.screenshot(file);
    check(bytes > 5'000 && bytes < 20'000'000,
          "the screenshot " + file.filename().string() + " has a plausible size (" + std::to_string(bytes) + " bytes)");
  }
  /// Runs an async function body in the page (fetch and friends) and returns its value.
  nlohmann::json run(const std::string& body) { return page.evaluate("(async () => { " + body + " })()"); }
};

} // namespace

int main(int argc, char** argv) {
  const std::filesystem::path shots = argc > 1 ? argv[1] : "screenshots";
  const auto chromium = cdp::find_chromium();
  if (chromium.empty()) {
    std::cout << "SKIPPED: no Chromium to drive (install Debian's chromium package, or set CHROMIUM to a Chromium "
                 "binary); the console's pages were not tested in a browser.\n";
    return 77;
  }
  std::filesystem::create_directories(shots);
  // A short scratch folder: Chromium keeps sockets in its profile, and a socket's path is at most 107 bytes.
  std::string scratch_pattern = (std::filesystem::temp_directory_path() / "isv-browser-XXXXXX").string();
  if (mkdtemp(scratch_pattern.data()) == nullptr) {
    std::cerr << "cannot create a scratch directory\n";
    return 1;
  }
  const std::filesystem::path scratch = scratch_pattern;

  try {
    auto opened = console::repository::open((scratch / "console.sqlite").string());
    if (!opened) throw std::runtime_error(opened.error().message);
    auto& repo = opened.value();
    if (auto seeded = console::seed(repo, console::system_now()); !seeded) throw std::runtime_error(seeded.error().message);
    console::admin_console app(repo, console::seeded::contoso);
    boost::asio::io_context io;
    console::http_server server(io, 0, [&app](const console::request& req) { return app.handle(req); });
    server.start();
    std::thread serving([&io] { io.run(); });
    const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
    std::cout << "console on " << base << ", Chromium " << chromium << ", screenshots in " << shots.string() << std::endl;

    try {
      auto browser = cdp::browser::launch(chromium, scratch);
      auto tab = browser.new_page();
      page_checker p{tab, shots};

      // Sign in.
      tab.navigate(base + "/");
      check(p.path() == "/sign-in", "a visitor without a session is sent to the sign-in page");
      check(contains(p.text(), "This is an example") && contains(p.text(), "Lee Gu (License administrator)"),
            "the sign-in page lists the tenant's admins and says it is an example");
      p.shoot("sign-in");
      p.click("sign-in-1");
      check(p.path() == "/products" && contains(p.text_of("who"), "Alex Wilber (Global administrator)"),
            "signing in as Alex shows Your products with who is signed in");
      check(tab.evaluate("document.cookie").get<std::string>().empty(), "the session cookie is HttpOnly: scripts cannot read it");
      const auto products = p.text_of("products");
      check(contains(products, "Fabrikam CRM") && contains(products, "0 of 5") && contains(products, "Contoso Germany") &&
                contains(products, "Litware Planner") && contains(products, "the vendor"),
            "Your products lists each subscription with status, licenses used of bought, channel and billing profile");
      p.shoot("products");

      // The picker finds users and groups by the beginning of their name.
      tab.navigate(base + "/products/100?find=sa");
      check(contains(p.text_of("picker"), "Group Sales") && !contains(p.text_of("picker"), "Chen Lin"),
            "the picker finds the group Sales by \"sa\", and no one else");
      tab.navigate(base + "/products/100?find=ch");
      check(contains(p.text_of("picker"), "Chen Lin") && !contains(p.text_of("picker"), "Sales"),
            "the picker finds Chen Lin by \"ch\"");

      // Assign to two users and a group past the seat limit: the group's last members are left without.
      tab.navigate(base + "/products/100");
      p.tick("user", "11");
      p.tick("user", "12");
      p.tick("group", "1");
      p.click("assign");
      check(contains(p.text_of("flash"), "5 licenses added") && contains(p.text_of("flash"), "2 group members left without"),
            "assigning Chen, Dana and Sales adds 5 licenses and says 2 members are left without");
      check(p.text_of("seats") == "5 of 5", "the product shows 5 of 5 licenses used");
      const auto violations = p.text_of("violations");
      check(contains(violations, "Hiro Tanaka") && contains(violations, "Ivan Petrov") && contains(violations, "Sales"),
            "the violations list Hiro and Ivan of Sales, and why");
      check(contains(p.text_of("licenses"), "Dana Weiss") && contains(p.text_of("licenses"), "directly, through Sales"),
            "Dana's license is shown with both its paths");
      p.shoot("product");

      // A refused action shows the library's message and changes nothing.
      tab.evaluate("document.getElementById('quantity').value = '4'");
      p.click("save-quantity");
      const auto refusal = p.text_of("flash");
      check(contains(refusal, "Refused (quantity_below_in_use)") && contains(refusal, "5"),
            "lowering the quantity below the licenses in use is refused with the library's message: " + refusal);
      check(p.text_of("seats") == "5 of 5", "the refused change changed nothing");
      p.shoot("refused");

      // Raise the quantity, then reprocess: the members who waited get licenses.
      tab.evaluate("document.getElementById('quantity').value = '8'");
      p.click("save-quantity");
      check(contains(p.text_of("flash"), "The quantity is now 8.") && p.text_of("seats") == "5 of 8",
            "raising the quantity to 8 is accepted");
      p.click("reprocess");
      check(contains(p.text_of("flash"), "2 licenses added") && p.text_of("seats") == "7 of 8" &&
                !p.text_of("violations-none").empty(),
            "reprocessing gives Hiro and Ivan their licenses: 7 of 8 used, no violations");

      // Unassign: the preview in a dialog, then confirmed.
      p.tick("user", "11");
      p.tick("user", "12");
      p.click("unassign");
      check(tab.evaluate("document.getElementById('unassign-preview').matches(':modal')").get<bool>(),
            "unassigning opens the preview in a modal dialog");
      check(p.text_of("losing") == "Chen Lin" && p.text_of("keeping") == "Dana Weiss",
            "the preview says Chen loses the license and Dana keeps hers through Sales");
      check(p.text_of("seats") == "7 of 8", "the preview changed nothing");
      p.shoot("unassign-dialog");
      p.click("confirm-unassign");
      check(contains(p.text_of("flash"), "1 user lost the license") && p.text_of("seats") == "6 of 8",
            "confirming the preview removes Chen's license: 6 of 8 used");

      // A script in a group's name is shown as text.
      tab.navigate(base + "/products/100");
      check(contains(p.text_of("picker"), console::seeded::hostile_name), "a group named with a script shows the script as text");
      check(tab.evaluate("document.title").get<std::string>() != "owned" &&
                !tab.evaluate("[...document.scripts].some(s => s.text.includes('owned'))").get<bool>(),
            "the group's script never runs and never becomes a script element");

      // A double-submitted form changes nothing twice: the same idempotency key, sent twice.
      const auto log_size = [&] {
        return p.run("const t = await (await fetch('/products')).text(); return Number(/log holds (\\d+) events/.exec(t)[1]);")
            .get<int>();
      };
      const int before = log_size();
      const auto replies = p.run(
          "const form = document.getElementById('quantity').form; const body = new URLSearchParams(new FormData(form));"
          "body.set('quantity', '9'); const send = async () => (await fetch(form.action, {method: 'POST', body})).text();"
          "const first = await send(); const second = await send();"
          "return [first.includes('The quantity is now 9.'), second.includes('The quantity is now 9.')];");
      const int after = log_size();
      check(replies == nlohmann::json::array({true, true}), "both submissions of the form report the quantity of 9");
      check(after > before, "the first submission saved its events (" + std::to_string(after - before) + ")");
      const auto again = p.run(
          "const form = document.getElementById('quantity').form; const body = new URLSearchParams(new FormData(form));"
          "body.set('quantity', '9'); await fetch(form.action, {method: 'POST', body}); return 0;");
      check(again == 0 && log_size() == after, "a third submission with the same key saves nothing more");

      // A form without its CSRF token is refused, and changes nothing.
      const auto forged = p.run(
          "const r = await fetch('/products/100/quantity', {method: 'POST', body: new URLSearchParams({quantity: '20', "
          "key: 'forged-key'})}); return [r.status, await r.text()];");
      check(forged[0] == 403 && contains(forged[1].get<std::string>(), "security token"),
            "a form without its CSRF token is refused with 403");
      tab.navigate(base + "/products/100");
      check(p.text_of("seats") == "6 of 9", "the forged form changed nothing: 6 of 9");

      // Another tenant's subscription is refused, to read and to change.
      tab.navigate(base + "/products/900");
      check(contains(p.text_of("refusal"), "subscription 900 is not in tenant 1"),
            "another tenant's subscription is refused with the library's message");
      const auto other = p.run(
          "const csrf = document.querySelector('input[name=csrf]').value;"
          "const r = await fetch('/products/900/quantity', {method: 'POST', body: new URLSearchParams({csrf, quantity: '1', "
          "key: 'other-tenant'})}); return [r.status, await r.text()];");
      check(other[0] == 404 && contains(other[1].get<std::string>(), "Refused (not_found)"),
            "changing another tenant's subscription is refused as not found");
      p.shoot("not-found");

      // Billing profiles and invoices; paying an invoice.
      tab.navigate(base + "/billing");
      const auto billing = p.text();
      check(contains(billing, "Contoso Germany") && contains(billing, "Visa ending 4242") &&
                contains(billing, "Bea Schmidt: billing profile contributor") && contains(billing, "Alex Wilber: billing profile owner"),
            "the billing page shows the profile's payment method and roles");
      check(contains(p.text_of("invoices"), "500") && contains(p.text_of("invoices"), "open"), "invoice 500 is listed, open");
      p.shoot("billing");
      tab.navigate(base + "/invoices/500");
      check(contains(p.text_of("lines"), "Fabrikam CRM") && p.text_of("total") == "60.00 EUR",
            "invoice 500 shows its line and total");
      p.shoot("invoice");
      p.click("pay");
      check(contains(p.text_of("flash"), "Invoice 500 is paid.") && contains(p.text_of("invoice-status"), "paid"),
            "paying invoice 500 is accepted and shown");
      p.shoot("invoice-paid");

    } catch (const std::exception& e) {
      check(false, std::string("the browser session ran to its end: ") + e.what());
    }

    io.stop();
    serving.join();
  } catch (const std::exception& e) {
    check(false, std::string("the console ran: ") + e.what());
  }
  std::error_code ignored;
  std::filesystem::remove_all(scratch, ignored);
  std::cout << checks << " checks, " << failures << " failed" << std::endl;
  return failures == 0 && checks > 0 ? 0 : 1;
}
