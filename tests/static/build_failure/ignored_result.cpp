// Must not compile (with -Werror=unused-result): an operation's result ignored, so its refusal or its events are lost.
#include "isv/operations/lifecycle.hpp"

#include <chrono>

bool activate_now(const isv::subscription& s, const isv::actor& admin) {
  const std::chrono::sys_seconds now{std::chrono::sys_days{std::chrono::year{2026} / 1 / 15}};
  const auto activated = isv::activate(s, admin, isv::activate_command{s.id}, now); // happy path
#ifdef ISV_BUILD_FAILURE
  isv::activate(s, admin, isv::activate_command{s.id}, now); // offending line: the events are dropped
#endif
  return activated.has_value();
}
