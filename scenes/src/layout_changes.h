// The primitive change under every layout edit: one value of a mapping or list replaced, inserted
// or removed, at its place (so the order of keys and items is kept exactly). An edit is a list of
// them; its inverse is the list reversed with before and after swapped.
#pragma once

#include <twin/scenes/layout_document.h>

#include <yaml-cpp/yaml.h>

#include <string>
#include <variant>
#include <vector>

namespace twin::scenes::internal {

/// A handle to a YAML node whose assignment rebinds the handle. (YAML::Node's own operator=
/// writes into the node it refers to: assigning one handle to another would change the layout.)
class NodeRef {
 public:
  NodeRef() = default;
  NodeRef(const YAML::Node& node) { node_.reset(node); }  // NOLINT: a handle converts implicitly
  NodeRef(const NodeRef& other) { node_.reset(other.node_); }
  NodeRef& operator=(const NodeRef& other) {
    node_.reset(other.node_);
    return *this;
  }
  const YAML::Node& get() const { return node_; }

 private:
  YAML::Node node_;
};

using PathStep = std::variant<std::string, size_t>;  ///< a key of a mapping, an index of a list

struct NodeChange {
  size_t file = 0;
  std::vector<PathStep> container;  ///< the mapping or list holding the value
  size_t index = 0;                 ///< the value's position in it
  std::string key;                  ///< its key, when the container is a mapping
  NodeRef before, after;            ///< meaningful only when has_before / has_after
  bool has_before = false, has_after = false;

  NodeChange Inverse() const;
  bool SameNode(const NodeChange& other) const;
  /// "equipment[3].length"
  std::string Path() const;
};

struct EditChanges {
  std::vector<NodeChange> list;
};

/// The node at `path` in file `file` (it must exist).
YAML::Node NodeAt(Layout& layout, size_t file, const std::vector<PathStep>& path);
/// Applies one change (the container must exist and hold `before` at `index`).
void ApplyChange(Layout& layout, const NodeChange& change);

}  // namespace twin::scenes::internal
