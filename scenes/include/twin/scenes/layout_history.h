// Undo and redo over a layout document: a stack of applied edits (layout_edit.h).
//
// Edits with the same non-empty merge key that follow each other (the SetPose events of one
// drag, the SetParameter events of one slider) and change the same values are one step: undo
// goes back to before the first. Seal() ends such a run (the mouse button is released).
#pragma once

#include <twin/scenes/layout_edit.h>

#include <cstddef>
#include <string>
#include <vector>

namespace twin::scenes {

class LayoutHistory {
 public:
  /// Edits `layout`, which must outlive the history.
  explicit LayoutHistory(Layout& layout) : layout_(layout) {}

  /// Applies an edit (see ApplyEdit); an accepted one clears what could be redone.
  EditResult Apply(const LayoutEditOp& op);
  /// Undoes / redoes one step; false when there is none.
  bool Undo();
  bool Redo();
  /// The next edit starts a step of its own, whatever its merge key.
  void Seal() { sealed_ = true; }

  bool CanUndo() const { return !done_.empty(); }
  bool CanRedo() const { return !undone_.empty(); }
  size_t steps() const { return done_.size(); }
  /// The label of the step Undo would undo ("" when none).
  std::string UndoLabel() const { return done_.empty() ? "" : done_.back().label(); }

 private:
  Layout& layout_;
  std::vector<AppliedEdit> done_;
  std::vector<AppliedEdit> undone_;
  bool sealed_ = true;
};

}  // namespace twin::scenes
