// Undo and redo of layout edits (layout_history.h).
#include <twin/scenes/layout_history.h>

namespace twin::scenes {

EditResult LayoutHistory::Apply(const LayoutEditOp& op) {
  EditResult result = ApplyEdit(layout_, op);
  if (!result.ok) return result;
  undone_.clear();
  const std::string& key = result.applied.merge_key();
  const bool merged = !sealed_ && !key.empty() && !done_.empty() &&
                      done_.back().merge_key() == key && done_.back().Merge(result.applied);
  if (!merged) done_.push_back(result.applied);
  sealed_ = key.empty();
  return result;
}

bool LayoutHistory::Undo() {
  if (done_.empty()) return false;
  done_.back().Revert(layout_);
  undone_.push_back(std::move(done_.back()));
  done_.pop_back();
  sealed_ = true;
  return true;
}

bool LayoutHistory::Redo() {
  if (undone_.empty()) return false;
  undone_.back().Reapply(layout_);
  done_.push_back(std::move(undone_.back()));
  undone_.pop_back();
  sealed_ = true;
  return true;
}

}  // namespace twin::scenes
