// Internal: range_of<V>, the parameter type of the operations that take many values: a std::vector, a std::array or any contiguous range of V converts to it.
#pragma once

#include <span>
#include <type_traits>

namespace isv::detail {

/// A std::span<const V> that takes no part in template argument deduction: the operation's traits
/// are deduced from its other parameters, so a std::vector<V> converts here as it would to any span.
template <class V>
using range_of = std::type_identity_t<std::span<const V>>;

} // namespace isv::detail
