// For tests that keep a README's generated section equal to what the code generates.
#pragma once

#include <string>

namespace twin::testing {

/// The text of the file `path` between the line `<!-- BEGIN name -->` and the line
/// `<!-- END name -->` (name: the command that generates it). Throws std::runtime_error naming the
/// file and the marker when the file cannot be read or a marker is missing.
std::string ReadmeSection(const std::string& path, const std::string& name);

}  // namespace twin::testing
