// Forwarding header kept for one release: <isv/portal.hpp> moved to <isv/operations/portal.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/portal.hpp"
