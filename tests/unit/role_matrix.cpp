// The role × operation matrix, written out by hand from the rule book and checked against authorize() and against each operation itself (D-ROLE-1, D-ROLE-2, D-ROLE-4, D-ROLE-6, D-BUY-4).
#include "fixture_b.hpp"

#include <array>
#include <functional>
#include <set>

using namespace fixture_b;
using isv::errc;
using op = isv::operation;
using dr = isv::directory_role;
using br = isv::billing_role;

namespace {

constexpr bool Y = true;
constexpr bool N = false;

/// How the acting admin is set up in each column of the matrix.
struct column {
  const char* name;
  isv::role_set directory;   ///< their directory roles
  br profile_role;           ///< their role on every billing profile
  bool partner;              ///< the subscriptions were bought through a partner (D-ROLE-6)
};

// Directory-role columns: the admin holds that one role and owns the billing profiles, so the
// column shows what the directory role adds. Billing-role columns: a Billing administrator with
// that role on the profiles, so the column shows what the profile role adds. Partner columns: the
// subscriptions were bought through a partner; the admin owns the profiles.
const std::array<column, 11> columns{{
    {"Global administrator", {dr::global_administrator}, br::owner, false},
    {"Billing administrator", {dr::billing_administrator}, br::owner, false},
    {"License administrator", {dr::license_administrator}, br::owner, false},
    {"User administrator", {dr::user_administrator}, br::owner, false},
    {"Global reader", {dr::global_reader}, br::owner, false},
    {"Billing admin, profile owner", {dr::billing_administrator}, br::owner, false},
    {"Billing admin, profile contributor", {dr::billing_administrator}, br::contributor, false},
    {"Billing admin, profile reader", {dr::billing_administrator}, br::reader, false},
    {"Billing admin, invoice manager", {dr::billing_administrator}, br::invoice_manager, false},
    {"Global administrator, partner-bought", {dr::global_administrator}, br::owner, true},
    {"Billing administrator, partner-bought", {dr::billing_administrator}, br::owner, true},
}};

struct matrix_row {
  op operation;
  std::array<bool, 11> allow;
};

// clang-format off
const matrix_row matrix[] = {
    //                              directory role (owns profile)  billing role (as Billing admin)  partner-bought
    //                              GA  BA  LA  UA  GR             own con rdr inv                  GA  BA
    {op::manage_admin_roles,      {{ Y,  N,  N,  N,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::manage_directory,        {{ Y,  N,  N,  Y,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::purchase,                {{ Y,  Y,  N,  N,  N,             Y,  Y,  N,  N,                   Y,  Y }}},
    {op::activate,                {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  Y }}},
    {op::install,                 {{ Y,  N,  N,  N,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::assign,                  {{ Y,  N,  Y,  Y,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::unassign,                {{ Y,  N,  Y,  Y,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::reprocess,               {{ Y,  N,  Y,  Y,  N,             N,  N,  N,  N,                   Y,  N }}},
    {op::change_quantity,         {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  N }}},
    {op::cancel,                  {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  N }}},
    {op::set_auto_renew,          {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  Y }}},
    {op::change_billing_profile,  {{ Y,  Y,  N,  N,  N,             Y,  Y,  N,  N,                   Y,  N }}},
    {op::create_billing_profile,  {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  Y }}},
    {op::edit_billing_profile,    {{ Y,  Y,  Y,  Y,  Y,             Y,  Y,  N,  N,                   Y,  Y }}},
    {op::manage_billing_roles,    {{ Y,  Y,  Y,  Y,  Y,             Y,  N,  N,  N,                   Y,  Y }}},
    {op::view_invoices,           {{ Y,  Y,  Y,  Y,  Y,             Y,  Y,  Y,  Y,                   Y,  Y }}},
    {op::pay_invoice,             {{ Y,  Y,  Y,  Y,  Y,             Y,  Y,  N,  Y,                   Y,  Y }}},
    {op::change_plan,             {{ Y,  Y,  N,  N,  N,             Y,  Y,  Y,  Y,                   Y,  N }}},
    // The marketplace's operations are the platform's and the publisher's: no admin passes (D-MKT-1).
    {op::marketplace,             {{ N,  N,  N,  N,  N,             N,  N,  N,  N,                   N,  N }}},
};
// clang-format on

constexpr isv::user_id acting{50};
const isv::subscription_id active_sub{20};
const isv::subscription_id pending_sub{21};
const isv::subscription_id isv_sub{22};
const isv::invoice_id open_invoice{30};

/// A tenant where `acting` is set up as the column says, with an active SaaS subscription (a
/// direct and a group assignment), a pending one, an active ISV app and an open invoice.
world world_for(const column& c) {
  auto w = make_world();
  // Roles go only to users of the directory (D-ROLE-5): `acting` is one.
  w.record(must(isv::add_users(w.dir, w.actor(global_admin), isv::add_users_command{{acting}}, t0)).events);
  for (unsigned i = 0; i < isv::all_directory_roles.size(); ++i)
    if (c.directory.contains(isv::all_directory_roles[i]))
      w.org.admin_roles.push_back({w.org.id, acting, isv::all_directory_roles[i]});
  w.grant_billing_role(main_profile, acting, c.profile_role);
  w.grant_billing_role(second_profile, acting, c.profile_role);
  const auto channel = c.partner ? isv::acquisition_channel::partner : isv::acquisition_channel::direct;
  w.activate(w.buy(active_sub, saas_per_user(), 5, isv::billing_term::monthly, channel));
  w.add_members(sales, {member(2), member(3)});
  w.assign(active_sub, {member(1)}, {sales});
  w.buy(pending_sub, saas_per_user(), 5, isv::billing_term::monthly, channel);
  w.buy(isv_sub, isv_per_user(), 5, isv::billing_term::monthly, channel);
  const auto subs = w.all_subs();
  w.record(must(isv::issue_invoice(w.profile(main_profile), std::span<const isv::subscription>(subs),
                                   issue_command{open_invoice, main_profile}, t0))
               .events);
  return w;
}

/// The operation itself, called by `acting`; its refusal if it was refused.
std::optional<isv::error> attempt(op o, const world& w, bool partner) {
  const auto a = w.actor(acting);
  const auto& s = w.sub(active_sub);
  const auto& book = w.book(active_sub);
  const auto subs = w.all_subs();
  const auto outcome = [](const auto& r) -> std::optional<isv::error> {
    if (r) return std::nullopt;
    return r.error();
  };
  switch (o) {
    case op::manage_admin_roles:
      return outcome(isv::grant_role(w.org, w.dir, a, isv::role_command{member(1), dr::license_administrator}, t0));
    case op::manage_directory:
      return outcome(isv::add_users(w.dir, a, isv::add_users_command{{isv::user_id{900}}}, t0));
    case op::purchase:
      return outcome(isv::purchase(w.org, saas_per_user(), w.profiles(), w.all_subs(), a,
                                   isv::purchase_command{isv::subscription_id{70}, saas_per_user().id,
                                                         partner ? isv::acquisition_channel::partner : isv::acquisition_channel::direct,
                                                         isv::billing_term::monthly, 1, true, main_profile, true},
                                   t0));
    case op::activate:
      return outcome(isv::activate(w.sub(pending_sub), a, isv::activate_command{pending_sub}, t0));
    case op::install:
      return outcome(isv::install(w.sub(isv_sub), isv_per_user(), a, isv::install_command{isv_sub}, t0));
    case op::assign:
      return outcome(isv::assign(s, book, w.dir, a, isv::assign_command{active_sub, {member(5)}, {}}, t0));
    case op::unassign:
      return outcome(isv::preview_unassign(s, book, w.dir, a, isv::unassign_command{active_sub, {member(1)}, {sales}}, t0));
    case op::reprocess:
      return outcome(isv::reprocess(s, book, w.dir, a, isv::reprocess_command{active_sub}, t0));
    case op::change_quantity:
      return outcome(isv::change_quantity(s, a, isv::change_quantity_command{active_sub, 8}, t0));
    case op::cancel:
      return outcome(isv::cancel(s, a, isv::cancel_command{active_sub}, t0));
    case op::set_auto_renew:
      return outcome(isv::set_auto_renew(s, a, isv::auto_renew_command{active_sub, false}, t0));
    case op::change_billing_profile:
      return outcome(isv::change_billing_profile(s, w.profile(second_profile), w.all_subs(), a,
                                                 change_profile_command{active_sub, second_profile}, t0));
    case op::create_billing_profile:
      return outcome(isv::create_billing_profile(w.org, a, create_profile_command{isv::billing_profile_id{12}, "New", {}}, t0));
    case op::edit_billing_profile:
      return outcome(isv::change_contact_info(w.profile(main_profile), a, contact_command{main_profile, {"N", "A"}}, t0));
    case op::manage_billing_roles:
      return outcome(isv::set_billing_role(w.profile(main_profile), w.dir, a, billing_role_command{main_profile, member(9), br::reader}, t0));
    case op::view_invoices:
      return outcome(isv::view_invoice(w.profile(main_profile), w.invoice(open_invoice), a, {open_invoice}));
    case op::pay_invoice:
      return outcome(isv::pay_invoice(w.profile(main_profile), w.invoice(open_invoice), std::span<const isv::subscription>(subs), a,
                                      pay_command{open_invoice, std::nullopt}, t0));
    case op::change_plan: {
      auto product = saas_per_user();
      product.plans = {{isv::plan_id{5}, "Plus", isv::pricing_model::per_user, product.monthly_price, product.annual_price}};
      return outcome(isv::change_plan(s, product, a, isv::change_plan_command{active_sub, isv::plan_id{5}, std::nullopt}, t0));
    }
    case op::marketplace:
      return outcome(isv::authorize(op::marketplace, a.roles));
  }
  FAIL("an operation without a probe");
  return std::nullopt;
}

} // namespace

TEST_CASE("the matrix has one row per operation of the authorization table [D-ROLE-3]") {
  std::set<op> in_matrix;
  for (const auto& row : matrix) CHECK(in_matrix.insert(row.operation).second);
  std::set<op> in_table;
  for (const auto& rule : isv::operation_rules) in_table.insert(rule.op);
  CHECK(in_matrix == in_table);
  CHECK(std::size(matrix) == isv::operation_rules.size());
}

TEST_CASE("authorize() allows exactly what the matrix says [D-ROLE-1, D-ROLE-2, D-ROLE-4, D-ROLE-6, D-BUY-4]") {
  for (const auto& row : matrix) {
    const auto& rule = isv::rule_for(row.operation);
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const auto& c = columns[i];
      INFO(rule.action << " / " << c.name);
      const auto decision = isv::authorize(row.operation, c.directory, {.profile_role = c.profile_role, .bought_through_partner = c.partner});
      CHECK(decision.has_value() == row.allow[i]);
      if (!decision) {
        CHECK(decision.error().code == errc::permission_denied);
        CHECK_THAT(decision.error().message, has(std::string(rule.action)));
      }
    }
  }
}

TEST_CASE("every operation allows and refuses exactly what the matrix says [D-ROLE-1, D-ROLE-2, D-ROLE-3, D-ROLE-4, D-ROLE-6]") {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    const auto w = world_for(c);
    for (const auto& row : matrix) {
      const auto& rule = isv::rule_for(row.operation);
      INFO(rule.action << " / " << c.name);
      const auto refusal = attempt(row.operation, w, c.partner);
      if (row.allow[i]) {
        INFO("refused: " << (refusal ? refusal->message : std::string()));
        CHECK_FALSE(refusal);
      } else {
        REQUIRE(refusal);
        CHECK(refusal->code == errc::permission_denied);
        CHECK_THAT(refusal->message, has("To " + std::string(rule.action)));
      }
    }
  }
}
