// A unified diff of two texts (what `twin layout fmt --check` prints).
#pragma once

#include <string>

namespace twin::tools {

/// `diff -u`-style hunks (3 lines of context) turning `before` into `after`, headed by
/// "--- NAME" / "+++ NAME (formatted)"; "" when they are equal.
std::string UnifiedDiff(const std::string& before, const std::string& after,
                        const std::string& name);

}  // namespace twin::tools
