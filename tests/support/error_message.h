// For tests of bad input: the exact message a call throws.
#pragma once

#include <functional>
#include <string>

namespace twin::testing {

/// The what() of the twin::base::Error that `call` throws, or "(no error)" when it returns
/// normally.
std::string ErrorMessage(const std::function<void()>& call);

}  // namespace twin::testing
