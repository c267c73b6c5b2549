// indirect<T>: a value kept on the heap that copies and compares like the value, so that a rare, large event payload does not make every event as large as it.
#pragma once

#include <cassert>
#include <memory>
#include <utility>

namespace isv {

/// Holds one T on the heap with value semantics (after C++26's std::indirect): copying copies the
/// T, comparing compares the T's. Events use it for the payloads that carry a whole entity (a
/// purchased subscription, an issued invoice, a new profile's contact), which would otherwise make
/// every event of the std::variant as large as they are: 240 bytes instead of 112.
/// Moving leaves the source valueless; only assigning to it or destroying it is then allowed.
template <class T>
class indirect {
public:
  using value_type = T;

  indirect() : p_(std::make_unique<T>()) {}
  indirect(T value) : p_(std::make_unique<T>(std::move(value))) {} // NOLINT(google-explicit-constructor): a payload field takes its value as is
  indirect(const indirect& o) : p_(std::make_unique<T>(*o)) {}
  indirect(indirect&& o) noexcept = default;
  indirect& operator=(const indirect& o) {
    if (this != &o) p_ = std::make_unique<T>(*o);
    return *this;
  }
  indirect& operator=(indirect&& o) noexcept = default;
  ~indirect() = default;

  [[nodiscard]] const T& operator*() const noexcept {
    assert(p_ && "isv::indirect used after being moved from");
    return *p_;
  }
  [[nodiscard]] T& operator*() noexcept {
    assert(p_ && "isv::indirect used after being moved from");
    return *p_;
  }
  [[nodiscard]] const T* operator->() const noexcept { return &**this; }
  [[nodiscard]] T* operator->() noexcept { return &**this; }
  [[nodiscard]] bool valueless_after_move() const noexcept { return p_ == nullptr; }

  friend bool operator==(const indirect& a, const indirect& b) {
    if (a.valueless_after_move() || b.valueless_after_move()) return a.valueless_after_move() == b.valueless_after_move();
    return *a == *b;
  }

private:
  std::unique_ptr<T> p_;
};

} // namespace isv
