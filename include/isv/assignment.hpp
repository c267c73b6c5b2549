// Forwarding header kept for one release: <isv/assignment.hpp> moved to <isv/operations/assignment.hpp> in 0.2.0 and goes in 0.3.0.
#pragma once

#include "isv/operations/assignment.hpp"
