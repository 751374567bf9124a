// Layouts that twin generates (`twin layout generate NAME`), written through LayoutSource.
#pragma once

#include <string>
#include <vector>

namespace twin::tools {

/// The names GenerateLayout knows.
std::vector<std::string> GeneratedLayoutNames();
/// The text of the generated layout `name` (one of GeneratedLayoutNames()).
std::string GenerateLayout(const std::string& name);

}  // namespace twin::tools
