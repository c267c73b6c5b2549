// Forwarding header kept for one release: <isv/billing.hpp> moved to <isv/operations/billing.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/billing.hpp"
