#include <twin/base/error.h>

#include <cstdio>
#include <cstdlib>

namespace twin::base::internal {

void AbortOnBrokenInvariant(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "twin: internal error: '%s' is false at %s:%d. Please report this.\n",
               condition, file, line);
  std::abort();
}

}  // namespace twin::base::internal
