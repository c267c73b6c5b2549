// Forwarding header kept for one release: <isv/authorization.hpp> moved to <isv/operations/authorization.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/authorization.hpp"
