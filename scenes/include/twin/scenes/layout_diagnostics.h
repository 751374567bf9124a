// Every problem of a layout at once: what `twin check` lists and an editor shows beside the items.
//
// The loader stops at the first mistake; checking goes on past it, one equipment item, include,
// sensor block, light list or section at a time: a unit with a mistake is reported and left out,
// and items placed on an item left out are left out silently (their parent is not "unknown").
// Diagnostics come in the order the loader meets them (file order within each section; the
// sections in the order site, equipment, include, sensors, lights, autopilot, bridge, randomize,
// unknown top-level keys last), so the first one is exactly the message LoadScene throws.
#pragma once

#include <twin/scenes/layout_document.h>
#include <twin/scenes/scene.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace twin::scenes {

struct Diagnostic {
  enum class Severity { kError, kWarning };
  Severity severity = Severity::kError;
  SourceRef at;         ///< file, line, column (0 when unknown) and key path ("" when none)
  std::string message;  ///< what is wrong and what to do, without the position
  std::string text;     ///< the whole line as the loader prints it: "file:line:col: path: message"
};

struct LayoutCheck {
  std::vector<Diagnostic> diagnostics;
  bool truncated = false;      ///< more problems than the limit; the rest were not listed
  std::optional<Scene> scene;  ///< the expansion, when there is no error
  size_t errors() const;
};

/// Checks a document (warnings: notes the expansion makes, such as an included model's own
/// MuJoCo warnings). At most `limit` diagnostics are listed.
LayoutCheck CheckLayout(const Layout& layout, size_t limit = 100);
/// Reads and checks a layout file; a file that cannot be parsed is one error.
LayoutCheck CheckLayoutFile(const std::string& path, size_t limit = 100);

}  // namespace twin::scenes
