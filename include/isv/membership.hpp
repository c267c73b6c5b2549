// Forwarding header kept for one release: <isv/membership.hpp> moved to <isv/operations/membership.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/membership.hpp"
