// Forwarding header kept for one release: <isv/lifecycle.hpp> moved to <isv/operations/lifecycle.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/lifecycle.hpp"
