// The canonical formatting of layout text (`twin layout fmt`); scenes/README.md "Formatting a
// layout" states the rules.
#pragma once

#include <string>

namespace twin::scenes {

/// `text` in canonical form: block mappings and lists indented 2 per level (list items 2 under
/// their key), flow collections spaced `[a, b]` / `{k: v}` with their line breaks kept, scalars,
/// key order and comments as written, at most one blank line in a row, one newline at the end.
/// Formatting canonical text gives the same bytes. Throws twin::base::Error naming `shown` when
/// the text is not YAML or uses what the formatter would not keep (anchors, block scalars,
/// multi-line plain scalars, a root that is not a mapping): the result must read back as the
/// same values.
std::string FormatLayout(const std::string& text, const std::string& shown);

}  // namespace twin::scenes
