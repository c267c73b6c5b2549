// html: what the console's pages are made of: escaping every shown value, reading form and query fields, the page frame, its stylesheet and its one small script.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace console {

/// `text` made safe to show inside an element or a quoted attribute: nothing a user typed (a
/// group's name, a refusal quoting it) can become markup.
[[nodiscard]] inline std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

/// The fields of an application/x-www-form-urlencoded body or a query string; a name may repeat
/// (the checked boxes of a picker), so each name keeps every value, in order.
class form_fields {
public:
  form_fields() = default;
  explicit form_fields(std::string_view encoded) {
    while (!encoded.empty()) {
      const auto amp = encoded.find('&');
      const auto pair = encoded.substr(0, amp);
      encoded = amp == std::string_view::npos ? std::string_view{} : encoded.substr(amp + 1);
      if (pair.empty()) continue;
      const auto eq = pair.find('=');
      fields_[decode(pair.substr(0, eq))].push_back(eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1)));
    }
  }

  /// The first value of `name`, if the form has one.
  [[nodiscard]] std::optional<std::string> get(const std::string& name) const {
    const auto it = fields_.find(name);
    if (it == fields_.end() || it->second.empty()) return std::nullopt;
    return it->second.front();
  }
  /// Every value of `name`, in order (none: empty).
  [[nodiscard]] std::vector<std::string> all(const std::string& name) const {
    const auto it = fields_.find(name);
    return it == fields_.end() ? std::vector<std::string>{} : it->second;
  }

private:
  std::map<std::string, std::vector<std::string>> fields_;

  static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  /// "%3Cb%3E+x" -> "<b> x"; a malformed escape is kept as it is.
  static std::string decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') {
        out += ' ';
      } else if (in[i] == '%' && i + 2 < in.size() && hex_digit(in[i + 1]) >= 0 &&
                 hex_digit(in[i + 2]) >= 0) {
        out += static_cast<char>(hex_digit(in[i + 1]) * 16 + hex_digit(in[i + 2]));
        i += 2;
      } else {
        out += in[i];
      }
    }
    return out;
  }
};

/// The one stylesheet, served as /style.css (the pages' Content-Security-Policy allows no inline style).
inline constexpr std::string_view stylesheet = R"css(
:root { --ink: #1b1b1b; --muted: #5c5c5c; --line: #d6d6d6; --accent: #0f6cbd; --bad: #b10e1c; --good: #107c10; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Segoe UI", system-ui, sans-serif; color: var(--ink); background: #f5f5f5; }
header { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 600; }
header nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
header .who { margin-left: auto; color: var(--muted); }
header form { display: inline; }
main { max-width: 1100px; margin: 20px auto; padding: 0 24px; }
h1 { font-size: 24px; font-weight: 600; margin: 8px 0 16px; }
h2 { font-size: 17px; font-weight: 600; margin: 24px 0 8px; }
section.card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 18px; margin-bottom: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 13px; }
a { color: var(--accent); }
button, input[type=submit] { font: inherit; padding: 5px 14px; border-radius: 4px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
input[type=text], input[type=number], select { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; }
.flash { padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; }
.flash.ok { background: #dff6dd; border: 1px solid var(--good); }
.flash.refused { background: #fde7e9; border: 1px solid var(--bad); }
.muted { color: var(--muted); }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #e8e8e8; font-size: 13px; }
.status.active, .status.paid { background: #dff6dd; }
.status.suspended, .status.overdue, .status.pending_activation { background: #fff4ce; }
.status.deactivated { background: #fde7e9; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.picker { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 8px 0; }
.picker label { white-space: nowrap; }
.actions { display: flex; flex-wrap: wrap; gap: 12px; align-items: end; }
.actions form { margin: 0; }
dialog { border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px; max-width: 560px; }
dialog::backdrop { background: rgba(0, 0, 0, 0.3); }
.note { font-size: 13px; color: var(--muted); }
)css";

/// The one script, served as /console.js: shows an unassignment's preview as a modal dialog (the
/// page works without it: the dialog is rendered open).
inline constexpr std::string_view script = R"js(
document.addEventListener('DOMContentLoaded', () => {
  const preview = document.getElementById('unassign-preview');
  if (preview && preview.open && preview.showModal) { preview.close(); preview.showModal(); }
});
)js";

} // namespace console
