// Edits of a layout document, each checked against the schema and the loader, each with its exact
// inverse (what LayoutHistory, layout_history.h, undoes and redoes).
//
// An edit that would make the layout invalid (a negative length, a duplicate name, an unknown
// parent, a reference cycle, a value out of range...) is refused with the schema's or the
// loader's message and leaves the document exactly as it was. An accepted edit is checked by
// expanding the document, and that expansion is returned (an editor shows it without expanding
// again).
//
// Items are named as written in their file (no include prefix); `file` is an index of
// Layout::files() (0: the top-level layout). Name references (an item's parent, a sensor's or
// light's mount, the autopilot's equipment) are followed within the file of the renamed item.
#pragma once

#include <twin/scenes/layout_document.h>
#include <twin/scenes/scene.h>

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace twin::scenes {
namespace internal {
struct EditChanges;
}  // namespace internal

namespace edit {

/// Adds an item at the end of its file's equipment list (or at `index`).
struct AddItem {
  LayoutItem item;  ///< type, name, parent, class_name, pose, parameters, randomize (no `at`)
  size_t file = 0;
  std::optional<size_t> index;
};
/// Removes an item. When other items are placed on it, refused unless `cascade`: then those
/// items (and theirs), and the sensors and lights mounted on any of them, go with it.
struct RemoveItem {
  std::string name;
  bool cascade = false;
  size_t file = 0;
};
/// Renames an item; references to it (and to its places, "rack/bay1") follow.
struct RenameItem {
  std::string name;
  std::string new_name;
  size_t file = 0;
};
/// Sets one of an item's own parameters (or `class`, `fixed`); an empty value (monostate)
/// removes the key, so the default applies again.
struct SetParameter {
  std::string item;
  std::string key;
  schema::Value value;
  size_t file = 0;
  std::string merge_key;  ///< see SetPose
};
/// Sets an item's pose (relative to its parent). Consecutive edits with the same non-empty
/// merge key (one drag) are one undo step, until LayoutHistory::Seal.
struct SetPose {
  std::string item;
  LayoutPose pose;
  size_t file = 0;
  std::string merge_key;
};
/// Places an item on another ("" for the layout's frame), keeping where it is in the world or
/// its pose relative to the parent. Keeping the world pose needs the item in the top-level file.
struct Reparent {
  std::string item;
  std::string parent;
  bool keep_world_pose = true;
  size_t file = 0;
};
/// A sensor (type camera, lidar, imu or beam_break) added to or removed from its list.
struct AddSensor {
  LayoutEntry sensor;
  size_t file = 0;
};
struct RemoveSensor {
  std::string name;
  size_t file = 0;
};
struct AddLight {
  LayoutEntry light;
  size_t file = 0;
};
struct RemoveLight {
  std::string name;
  size_t file = 0;
};

}  // namespace edit

using LayoutEditOp =
    std::variant<edit::AddItem, edit::RemoveItem, edit::RenameItem, edit::SetParameter,
                 edit::SetPose, edit::Reparent, edit::AddSensor, edit::RemoveSensor, edit::AddLight,
                 edit::RemoveLight>;

/// A node an edit changed: for writing the change back into the file's text.
struct ChangedNode {
  enum class Kind { kReplaced, kInserted, kRemoved };
  Kind kind;
  size_t file;       ///< index of Layout::files()
  std::string path;  ///< key path of the value ("equipment[3].length", "equipment[4]")
  SourceRef before;  ///< where the replaced or removed value was written
};

/// An edit as applied: exactly what changed, so it can be reverted and applied again.
class AppliedEdit {
 public:
  AppliedEdit();
  ~AppliedEdit();
  AppliedEdit(const AppliedEdit&);
  AppliedEdit& operator=(const AppliedEdit&);
  AppliedEdit(AppliedEdit&&) noexcept;
  AppliedEdit& operator=(AppliedEdit&&) noexcept;

  const std::string& label() const { return label_; }  ///< e.g. "set belt.length"
  const std::string& merge_key() const { return merge_key_; }
  std::vector<ChangedNode> changed() const;

  /// Undoes it (the document must be as the edit left it) / does it again.
  void Revert(Layout& layout) const;
  void Reapply(Layout& layout) const;
  /// Folds `later` (an edit of the same nodes) into this one: one step from this one's before to
  /// `later`'s after. False when they changed different nodes.
  bool Merge(const AppliedEdit& later);

  /// For the implementation (layout_edit.cpp).
  internal::EditChanges& changes() { return *changes_; }
  const internal::EditChanges& changes() const { return *changes_; }
  void Describe(std::string label, std::string merge_key);

 private:
  std::unique_ptr<internal::EditChanges> changes_;
  std::string label_;
  std::string merge_key_;
};

struct EditResult {
  bool ok = false;
  std::string error;           ///< why it was refused (the document is unchanged)
  std::optional<Scene> scene;  ///< the expansion of the edited document
  AppliedEdit applied;         ///< what changed (when ok)
};

/// Applies `op` to `layout`, or refuses it and leaves `layout` as it was.
EditResult ApplyEdit(Layout& layout, const LayoutEditOp& op);

}  // namespace twin::scenes
