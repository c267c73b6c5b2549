// Forwarding header kept for one release: <isv/quantity.hpp> moved to <isv/operations/quantity.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/quantity.hpp"
