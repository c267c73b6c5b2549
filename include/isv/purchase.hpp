// Forwarding header kept for one release: <isv/purchase.hpp> moved to <isv/operations/purchase.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/purchase.hpp"
