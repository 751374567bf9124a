// Replacing, inserting and removing one value of a layout's YAML in place (layout_changes.h).
//
// yaml-cpp appends keys and items only at the end, so a change at position i takes the values
// from i on out and puts them back after it. The nodes themselves are kept (never copied or
// reassigned), so the values around an edit, and a value an undo puts back, keep their source
// positions.
#include <twin/scenes/layout_edit.h>

#include "layout_changes.h"
#include "layout_store.h"

namespace twin::scenes::internal {

NodeChange NodeChange::Inverse() const {
  NodeChange inverse = *this;
  std::swap(inverse.before, inverse.after);
  std::swap(inverse.has_before, inverse.has_after);
  return inverse;
}

bool NodeChange::SameNode(const NodeChange& other) const {
  return file == other.file && container == other.container && index == other.index &&
         key == other.key;
}

std::string NodeChange::Path() const {
  std::string path;
  const auto add = [&path](const PathStep& step) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      path += (path.empty() ? "" : ".") + *key;
    } else {
      path += "[" + std::to_string(std::get<size_t>(step)) + "]";
    }
  };
  for (const PathStep& step : container) add(step);
  if (key.empty()) {
    add(index);
  } else {
    add(key);
  }
  return path;
}

YAML::Node NodeAt(Layout& layout, size_t file, const std::vector<PathStep>& path) {
  YAML::Node node = layout.store().files.at(file).root;
  for (const PathStep& step : path) {
    if (const auto* key = std::get_if<std::string>(&step)) {
      node.reset(node[*key]);
    } else {
      node.reset(node[std::get<size_t>(step)]);
    }
  }
  return node;
}

namespace {

// The values of `map` from position `index` on, taken out of it.
std::vector<std::pair<YAML::Node, YAML::Node>> TakeMapTail(YAML::Node& map, size_t index) {
  std::vector<std::pair<YAML::Node, YAML::Node>> tail;
  size_t i = 0;
  for (const auto& kv : map) {
    if (i++ >= index) tail.emplace_back(kv.first, kv.second);
  }
  for (const auto& [key, value] : tail) map.remove(key);
  return tail;
}

std::vector<YAML::Node> TakeListTail(YAML::Node& list, size_t index) {
  std::vector<YAML::Node> tail;
  for (size_t i = index; i < list.size(); ++i) tail.push_back(list[i]);
  while (list.size() > index) list.remove(list.size() - 1);
  return tail;
}

}  // namespace

void ApplyChange(Layout& layout, const NodeChange& change) {
  YAML::Node container = NodeAt(layout, change.file, change.container);
  if (container.IsMap() || !change.key.empty()) {
    auto tail = TakeMapTail(container, change.index);
    size_t from = 0;
    if (change.has_before) from = 1;  // the old value goes
    if (change.has_after) {
      const YAML::Node key = change.has_before ? tail.front().first : YAML::Node(change.key);
      container.force_insert(key, change.after.get());
    }
    for (size_t i = from; i < tail.size(); ++i)
      container.force_insert(tail[i].first, tail[i].second);
  } else {
    auto tail = TakeListTail(container, change.index);
    size_t from = change.has_before ? 1 : 0;
    if (change.has_after) container.push_back(change.after.get());
    for (size_t i = from; i < tail.size(); ++i) container.push_back(tail[i]);
  }
}

}  // namespace twin::scenes::internal

namespace twin::scenes {

AppliedEdit::AppliedEdit() : changes_(std::make_unique<internal::EditChanges>()) {}
AppliedEdit::~AppliedEdit() = default;
AppliedEdit::AppliedEdit(const AppliedEdit& other)
    : changes_(std::make_unique<internal::EditChanges>(*other.changes_)),
      label_(other.label_),
      merge_key_(other.merge_key_) {}
AppliedEdit& AppliedEdit::operator=(const AppliedEdit& other) {
  if (this != &other) {
    changes_ = std::make_unique<internal::EditChanges>(*other.changes_);
    label_ = other.label_;
    merge_key_ = other.merge_key_;
  }
  return *this;
}
AppliedEdit::AppliedEdit(AppliedEdit&&) noexcept = default;
AppliedEdit& AppliedEdit::operator=(AppliedEdit&&) noexcept = default;

void AppliedEdit::Describe(std::string label, std::string merge_key) {
  label_ = std::move(label);
  merge_key_ = std::move(merge_key);
}

std::vector<ChangedNode> AppliedEdit::changed() const {
  std::vector<ChangedNode> out;
  for (const internal::NodeChange& c : changes_->list) {
    ChangedNode node;
    node.kind = !c.has_before  ? ChangedNode::Kind::kInserted
                : !c.has_after ? ChangedNode::Kind::kRemoved
                               : ChangedNode::Kind::kReplaced;
    node.file = c.file;
    node.path = c.Path();
    if (c.has_before) {
      const YAML::Mark mark = c.before.get().Mark();
      node.before.path = node.path;
      if (mark.line >= 0) {
        node.before.line = mark.line + 1;
        node.before.column = mark.column + 1;
      }
    }
    out.push_back(node);
  }
  return out;
}

void AppliedEdit::Revert(Layout& layout) const {
  for (auto it = changes_->list.rbegin(); it != changes_->list.rend(); ++it) {
    internal::ApplyChange(layout, it->Inverse());
  }
  layout.Reindex();
}

void AppliedEdit::Reapply(Layout& layout) const {
  for (const internal::NodeChange& change : changes_->list) internal::ApplyChange(layout, change);
  layout.Reindex();
}

bool AppliedEdit::Merge(const AppliedEdit& later) {
  if (later.changes_->list.size() != changes_->list.size()) return false;
  for (size_t i = 0; i < changes_->list.size(); ++i) {
    const internal::NodeChange& a = changes_->list[i];
    const internal::NodeChange& b = later.changes_->list[i];
    if (!a.SameNode(b) || a.has_after != b.has_before) return false;
  }
  for (size_t i = 0; i < changes_->list.size(); ++i) {
    changes_->list[i].after = later.changes_->list[i].after;
    changes_->list[i].has_after = later.changes_->list[i].has_after;
  }
  return true;
}

}  // namespace twin::scenes
