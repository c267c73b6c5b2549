// Forwarding header kept for one release: <isv/role_grants.hpp> moved to <isv/operations/role_grants.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/role_grants.hpp"
