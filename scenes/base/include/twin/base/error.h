// Errors shared by every twin module (twin_base, below every module).
//
// Three kinds of failure (after Drake):
//  - bad user input (files, flags, network): throw twin::base::Error with a message that names
//    the thing (file:line, key, flag) and says what to do;
//  - a broken internal invariant: TWIN_DEMAND aborts, always, in every build;
//  - hot-path checks: TWIN_ASSERT, debug builds only.
#pragma once

#include <stdexcept>
#include <string>

namespace twin::base {

/// A problem the user can fix. what() is the whole message, ready to print.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace internal {
[[noreturn]] void AbortOnBrokenInvariant(const char* condition, const char* file, int line);
}  // namespace internal

}  // namespace twin::base

#define TWIN_DEMAND(condition)        \
  ((condition) ? static_cast<void>(0) \
               : ::twin::base::internal::AbortOnBrokenInvariant(#condition, __FILE__, __LINE__))

#ifdef NDEBUG
#define TWIN_ASSERT(condition) static_cast<void>(0)
#else
#define TWIN_ASSERT(condition) TWIN_DEMAND(condition)
#endif
