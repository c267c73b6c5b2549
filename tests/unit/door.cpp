// No unguarded door: every admin operation the public headers export (free functions taking a basic_actor, members of basic_admin_center) maps to a row of the authorization table (D-ROLE-1..6, D-ROLE-3).
#include "support/catch.hpp"

#include <isv/admin_center.hpp>
#include <isv/authorization.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

namespace {

namespace fs = std::filesystem;
using op = isv::operation;

/// The public headers: ISV_TEST_INCLUDE_DIR if the build defines it, else found from this file's place.
fs::path include_dir() {
#ifdef ISV_TEST_INCLUDE_DIR
  return fs::path(ISV_TEST_INCLUDE_DIR);
#else
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "include";
#endif
}

std::string read(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// The text with comments, string and character literals and preprocessor lines blanked out, so
/// that only declarations are left to read.
std::string code_only(const std::string& text) {
  std::string out = text;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool line_start = i == 0 || out[i - 1] == '\n';
    if (line_start) {
      std::size_t j = i;
      while (j < out.size() && (out[j] == ' ' || out[j] == '\t')) ++j;
      if (j < out.size() && out[j] == '#')
        for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
      if (i >= out.size()) break;
    }
    if (out.compare(i, 2, "//") == 0) {
      for (; i < out.size() && out[i] != '\n'; ++i) out[i] = ' ';
    } else if (out.compare(i, 2, "/*") == 0) {
      const auto end = out.find("*/", i + 2);
      const auto stop = end == std::string::npos ? out.size() : end + 2;
      for (; i < stop; ++i)
        if (out[i] != '\n') out[i] = ' ';
      --i;
    } else if (out.compare(i, 2, "R\"") == 0) {
      const auto open = out.find('(', i);
      const std::string close = ")" + out.substr(i + 2, open - i - 2) + "\"";
      const auto end = out.find(close, open);
      const auto stop = end == std::string::npos ? out.size() : end + close.size();
      for (; i < stop; ++i)
        if (out[i] != '\n') out[i] = ' ';
      --i;
    } else if (out[i] == '"' || (out[i] == '\'' && !(i > 0 && std::isxdigit(static_cast<unsigned char>(out[i - 1]))))) {
      const char quote = out[i];
      out[i] = ' ';
      for (++i; i < out.size() && out[i] != quote; ++i) {
        if (out[i] == '\\') out[i++] = ' ';
        if (i < out.size() && out[i] != '\n') out[i] = ' ';
      }
      if (i < out.size()) out[i] = ' ';
    }
  }
  return out;
}

/// What the scan found: free functions (outside any detail namespace) whose first parameter list
/// names basic_actor<...>, and the public member functions of basic_admin_center.
struct exported {
  std::set<std::string> free_functions;
  std::set<std::string> admin_center_members;
  std::set<std::string> detail_functions_with_actor; ///< seen and set aside: proof the filter works
};

void scan(const std::string& source, exported& out) {
  const std::string text = code_only(source);
  struct scope {
    enum kind_t { name_space, type, other } kind;
    std::string name;
    bool is_public;
  };
  static const std::regex namespace_head(R"(namespace\s+([A-Za-z_][\w:]*)\s*$)");
  // Greedy: the last class or struct of the head, not one of its template parameters.
  static const std::regex type_head(R"([\s\S]*\b(class|struct)\s+([A-Za-z_]\w*)[^()]*$)");
  static const std::set<std::string> keywords{"requires", "decltype", "sizeof", "noexcept", "alignas", "static_assert",
                                              "if", "for", "while", "switch", "return", "operator"};
  std::vector<scope> scopes;
  std::size_t statement = 0;   // where the current declaration starts
  int parens = 0;              // depth of ( inside the declaration
  int braces_in_parens = 0;    // { inside ( (default arguments such as "= {}")
  std::optional<std::string> name; // the identifier before the declaration's first (
  bool actor_in_first_group = false;
  bool first_group_closed = false;

  const auto in_detail = [&] {
    for (const auto& s : scopes)
      if (s.kind == scope::name_space && (s.name == "detail" || s.name.ends_with("::detail"))) return true;
    return false;
  };
  const auto record = [&] {
    if (!name || name->empty() || keywords.contains(*name)) return;
    const bool at_namespace = scopes.empty() || scopes.back().kind == scope::name_space;
    if (at_namespace && actor_in_first_group) (in_detail() ? out.detail_functions_with_actor : out.free_functions).insert(*name);
    if (!scopes.empty() && scopes.back().kind == scope::type && scopes.back().name == "basic_admin_center" &&
        scopes.back().is_public && *name != "basic_admin_center")
      out.admin_center_members.insert(*name);
  };
  const auto reset = [&](std::size_t next) {
    statement = next;
    name.reset();
    actor_in_first_group = false;
    first_group_closed = false;
  };

  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (parens > 0) {
      if (c == '{') ++braces_in_parens;
      else if (c == '}') --braces_in_parens;
      else if (c == '(') ++parens;
      else if (c == ')' && --parens == 0) first_group_closed = true;
      else if (!first_group_closed && text.compare(i, 12, "basic_actor<") == 0 &&
               (i == 0 || !(std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '_')))
        actor_in_first_group = true;
      continue;
    }
    if (c == '(') {
      if (!name && !first_group_closed) {
        std::size_t end = i;
        while (end > statement && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
        std::size_t begin = end;
        while (begin > statement && (std::isalnum(static_cast<unsigned char>(text[begin - 1])) || text[begin - 1] == '_')) --begin;
        name = text.substr(begin, end - begin);
      }
      ++parens;
    } else if (c == ';') {
      record();
      reset(i + 1);
    } else if (c == ':' && !scopes.empty() && scopes.back().kind == scope::type && text[i + 1] != ':' && text[i - 1] != ':') {
      std::string head = text.substr(statement, i - statement);
      head.erase(0, head.find_first_not_of(" \t\n"));
      head.erase(head.find_last_not_of(" \t\n") + 1);
      if (head == "public" || head == "private" || head == "protected") {
        scopes.back().is_public = head == "public";
        reset(i + 1);
      }
    } else if (c == '{') {
      const std::string head = text.substr(statement, i - statement);
      std::smatch m;
      if (name) {
        record();
        scopes.push_back({scope::other, *name, false});
      } else if (std::regex_search(head, m, namespace_head)) {
        scopes.push_back({scope::name_space, m[1], true});
      } else if (std::regex_search(head, m, type_head) && head.find("enum") == std::string::npos) {
        scopes.push_back({scope::type, m[2], m[1] == "struct"});
      } else {
        scopes.push_back({scope::other, "", false});
      }
      reset(i + 1);
    } else if (c == '}') {
      if (!scopes.empty()) scopes.pop_back();
      reset(i + 1);
    }
  }
}

exported scan_public_headers() {
  exported out;
  for (const auto& dir : {include_dir() / "isv", include_dir() / "isv" / "storage"})
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && entry.path().extension() == ".hpp") scan(read(entry.path()), out);
  return out;
}

/// Why a function needs no row of its own.
struct not_a_door {
  const char* why;
};
using guard = std::variant<op, not_a_door>;

// Free functions that take an actor: the operation whose row authorizes them.
const std::map<std::string, guard> free_function_guards{
    {"purchase", op::purchase},
    {"activate", op::activate},
    {"install", op::install},
    {"assign", op::assign},
    {"preview_unassign", op::unassign},
    {"confirm_unassign", op::unassign},
    {"reprocess", op::reprocess},
    {"change_quantity", op::change_quantity},
    {"cancel", op::cancel},
    {"set_auto_renew", op::set_auto_renew},
    {"change_billing_profile", op::change_billing_profile},
    {"create_billing_profile", op::create_billing_profile},
    {"change_contact_info", op::edit_billing_profile},
    {"add_payment_method", op::edit_billing_profile},
    {"remove_payment_method", op::edit_billing_profile},
    {"set_default_payment_method", op::edit_billing_profile},
    {"set_billing_role", op::manage_billing_roles},
    {"view_invoice", op::view_invoices},
    {"pay_invoice", op::pay_invoice},
    {"add_users", op::manage_directory},
    {"create_group", op::manage_directory},
    {"add_members", op::manage_directory},
    {"remove_members", op::manage_directory},
    {"grant_role", op::manage_admin_roles},
    {"revoke_role", op::manage_admin_roles},
    {"reinstate", not_a_door{"a step of pay_invoice, which authorizes it; it takes the actor only to stamp the event"}},
};

// Members of basic_admin_center.
const std::map<std::string, guard> admin_center_guards{
    {"purchase", op::purchase},
    {"activate", op::activate},
    {"install", op::install},
    {"change_quantity", op::change_quantity},
    {"cancel", op::cancel},
    {"set_auto_renew", op::set_auto_renew},
    {"change_billing_profile", op::change_billing_profile},
    {"assign", op::assign},
    {"preview_unassign", op::unassign},
    {"confirm_unassign", op::unassign},
    {"reprocess", op::reprocess},
    {"add_users", op::manage_directory},
    {"create_group", op::manage_directory},
    {"add_members", op::manage_directory},
    {"remove_members", op::manage_directory},
    {"grant_role", op::manage_admin_roles},
    {"revoke_role", op::manage_admin_roles},
    {"create_billing_profile", op::create_billing_profile},
    {"change_contact_info", op::edit_billing_profile},
    {"add_payment_method", op::edit_billing_profile},
    {"remove_payment_method", op::edit_billing_profile},
    {"set_default_payment_method", op::edit_billing_profile},
    {"set_billing_role", op::manage_billing_roles},
    {"view_invoice", op::view_invoices},
    {"pay_invoice", op::pay_invoice},
    {"issue_invoice", not_a_door{"the platform invoices; no admin acts"}},
    {"collect_overdue", not_a_door{"the platform collects payment; no admin acts"}},
    {"advance_to", not_a_door{"the platform's clock; no admin acts"}},
    {"repository", not_a_door{"an accessor"}},
    {"options", not_a_door{"an accessor"}},
    {"find_tenant", not_a_door{"a read"}},
    {"find_subscription", not_a_door{"a read"}},
    {"find_billing_profile", not_a_door{"a read"}},
    {"find_invoice", not_a_door{"a read"}},
    {"subscriptions", not_a_door{"a read"}},
    {"licenses", not_a_door{"a read"}},
    {"licenses_of_user", not_a_door{"a read"}},
    {"group_violations", not_a_door{"a read"}},
};

/// The enumerators of isv::operation, read from authorization.hpp like everything else here.
std::vector<std::string> operation_enumerators() {
  const std::string text = code_only(read(include_dir() / "isv" / "authorization.hpp"));
  const auto open = text.find("enum class operation");
  REQUIRE(open != std::string::npos);
  const auto begin = text.find('{', open);
  const auto end = text.find('}', begin);
  std::vector<std::string> out;
  std::stringstream body(text.substr(begin + 1, end - begin - 1));
  std::string item;
  while (std::getline(body, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t\n"));
    item.erase(item.find_last_not_of(" \t\n") + 1);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void check_guards(const std::set<std::string>& found, const std::map<std::string, guard>& guards, const char* what) {
  for (const auto& name : found) {
    INFO(what << " " << name << " is exported but has no row: map it to an isv::operation (and give the operation a row in "
                                "isv::operation_rules) or say why it is not a door");
    CHECK(guards.contains(name));
  }
  for (const auto& [name, g] : guards) {
    INFO(what << " " << name << " is in the map but no longer exported: remove it");
    CHECK(found.contains(name));
  }
}

} // namespace

TEST_CASE("the scan finds the operations it must, and none of the library's internals [D-ROLE-3]") {
  const auto found = scan_public_headers();
  for (const char* name : {"purchase", "assign", "confirm_unassign", "cancel", "grant_role", "add_members", "pay_invoice",
                           "set_billing_role", "view_invoice"})
    CHECK(found.free_functions.contains(name));
  for (const char* name : {"purchase", "assign", "advance_to", "issue_invoice", "find_tenant", "group_violations"})
    CHECK(found.admin_center_members.contains(name));
  // Internals that take an actor live in namespace detail: seen, and set aside.
  for (const char* name : {"license_operation_allowed", "profile_operation_allowed", "valid_membership"}) {
    CHECK(found.detail_functions_with_actor.contains(name));
    CHECK_FALSE(found.free_functions.contains(name));
  }
  CHECK_FALSE(found.admin_center_members.contains("run"));   // private
  CHECK_FALSE(found.admin_center_members.contains("repo_")); // the constructor's initializer
  CHECK(found.free_functions.size() >= 20);
  CHECK(found.admin_center_members.size() >= 30);
}

TEST_CASE("every exported admin operation has a row in the role x operation matrix [D-ROLE-1] [D-ROLE-2] [D-ROLE-4] [D-ROLE-6]") {
  const auto found = scan_public_headers();
  check_guards(found.free_functions, free_function_guards, "the free function");
  check_guards(found.admin_center_members, admin_center_guards, "basic_admin_center::");
}

TEST_CASE("every isv::operation has its row in isv::operation_rules, and a door that uses it [D-ROLE-3]") {
  const auto names = operation_enumerators();
  REQUIRE(names.size() >= 10);
  CHECK(names.size() == isv::operation_rules.size());
  std::set<op> used;
  for (const auto* guards : {&free_function_guards, &admin_center_guards})
    for (const auto& [name, g] : *guards)
      if (const auto* o = std::get_if<op>(&g)) used.insert(*o);
  for (std::size_t i = 0; i < names.size(); ++i) {
    INFO("isv::operation::" << names[i]);
    REQUIRE(i < isv::operation_rules.size());
    const auto o = static_cast<op>(i);
    CHECK(isv::rule_for(o).op == o);
    CHECK_FALSE(isv::rule_for(o).action.empty());
    CHECK((!isv::rule_for(o).directory.empty() || !isv::rule_for(o).profile.empty()));
    CHECK(used.contains(o));
  }
}

TEST_CASE("a new public operation taking an actor is found and, unmapped, would fail the matrix check [D-ROLE-3]") {
  // What a contributor might add: a public operation, a detail helper, and a new service member.
  const std::string header = R"(
    namespace isv {
    template <licensing_traits T>
    [[nodiscard]] result<void> grant_everything(const basic_tenant<T>& org, const basic_actor<T>& admin, int n = {}) {
      auto f = [&](const basic_actor<T>& a) { return a; }; // a lambda in a body is no export
      return {};
    }
    namespace detail {
    template <class T> void helper(const basic_actor<T>& admin);
    }
    template <repository R>
    class basic_admin_center {
      void hidden(const basic_actor<T>& admin);
    public:
      explicit basic_admin_center(R& repo) : repo_(&repo) {}
      [[nodiscard]] result<receipt<>> transfer_tenant(const tenant_id& t, const user_id& acting) { return run("x", t); }
    private:
      template <class V> result<V> run(std::string_view op, const tenant_id& t);
    };
    } // namespace isv
  )";
  exported found;
  scan(header, found);
  CHECK(found.free_functions == std::set<std::string>{"grant_everything"});
  CHECK(found.detail_functions_with_actor == std::set<std::string>{"helper"});
  CHECK(found.admin_center_members == std::set<std::string>{"transfer_tenant"});
  CHECK_FALSE(free_function_guards.contains("grant_everything"));
  CHECK_FALSE(admin_center_guards.contains("transfer_tenant"));
}
