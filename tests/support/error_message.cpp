#include "error_message.h"

#include <twin/base/error.h>

namespace twin::testing {

std::string ErrorMessage(const std::function<void()>& call) {
  try {
    call();
  } catch (const base::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace twin::testing
