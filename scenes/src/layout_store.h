// The YAML text of a layout document and of every layout it includes, parsed once: what Expand
// reads and what edits change. Layout (layout_document.h) owns one and keeps its typed view of it.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace twin::scenes::internal {

struct StoredFile {
  std::string shown;     ///< the path as messages show it
  std::string absolute;  ///< the key the loader finds it by (and detects include cycles with)
  std::string base_dir;  ///< where its includes resolve
  YAML::Node root;
  /// Why it could not be read or parsed: Expand raises this where the file is included, so the
  /// order of messages is the order the loader meets them.
  std::string error;
};

struct LayoutStore {
  std::vector<StoredFile> files;  ///< [0] is the top-level layout

  /// The file stored under `absolute`, or nullptr.
  const StoredFile* Find(const std::string& absolute) const;
  /// A copy that shares no YAML node with this one.
  LayoutStore DeepCopy() const;
};

}  // namespace twin::scenes::internal
