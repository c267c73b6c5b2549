// Release 0.1.0's include paths of the operations still compile, for one release, and give the same declarations.
#include "isv/assignment.hpp"
#include "isv/authorization.hpp"
#include "isv/billing.hpp"
#include "isv/lifecycle.hpp"
#include "isv/membership.hpp"
#include "isv/portal.hpp"
#include "isv/purchase.hpp"
#include "isv/quantity.hpp"
#include "isv/role_grants.hpp"

// A using-declaration of a name the header no longer declared would not compile.
namespace isv_old_include_paths {
using isv::add_members;
using isv::advance_to;
using isv::assign;
using isv::authorize;
using isv::change_quantity;
using isv::grant_role;
using isv::pay_invoice;
using isv::purchase;
using isv::where_handled;
} // namespace isv_old_include_paths
