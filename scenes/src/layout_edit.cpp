// Edits of a layout document (layout_edit.h): each op becomes a list of node changes
// (layout_changes.h), applied, checked by expanding the document, and reverted when refused.
#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/scenes/layout_edit.h>

#include "layout_changes.h"
#include "layout_diagnostics_collector.h"
#include "layout_parts.h"
#include "layout_store.h"

#include <charconv>
#include <cmath>
#include <set>

namespace twin::scenes {
namespace {

using internal::NodeChange;
using internal::PathStep;

/// Refusal with a message, thrown inside this file only.
struct Refused {
  std::string message;
};

// ---- YAML for values the caller gives ----------------------------------------------------------

YAML::Node NumberNode(double x) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof(text), x);  // shortest that round-trips
  return YAML::Node(std::string(text, result.ptr));
}

YAML::Node NumbersNode(const std::vector<double>& values) {
  YAML::Node list(YAML::NodeType::Sequence);
  list.SetStyle(YAML::EmitterStyle::Flow);
  for (double x : values) list.push_back(NumberNode(x));
  return list;
}

YAML::Node ValueNode(const schema::Value::Data& data) {
  if (const auto* b = std::get_if<bool>(&data)) return YAML::Node(*b ? "true" : "false");
  if (const auto* x = std::get_if<double>(&data)) return NumberNode(*x);
  if (const auto* s = std::get_if<std::string>(&data)) return YAML::Node(*s);
  if (const auto* v = std::get_if<std::vector<double>>(&data)) return NumbersNode(*v);
  return YAML::Node();
}

YAML::Node PoseNode(const LayoutPose& pose) {
  YAML::Node node(YAML::NodeType::Map);
  node.SetStyle(YAML::EmitterStyle::Flow);
  if (!pose.position.empty()) node["position"] = NumbersNode(pose.position);
  if (pose.yaw) node["yaw"] = NumberNode(*pose.yaw);
  if (!pose.rpy.empty()) node["rpy"] = NumbersNode(pose.rpy);
  if (!pose.quaternion.empty()) node["quaternion"] = NumbersNode(pose.quaternion);
  return node;
}

void PutValues(YAML::Node& node, const std::vector<LayoutValue>& values) {
  for (const LayoutValue& v : values) {
    if (!std::holds_alternative<std::monostate>(v.value.data))
      node[v.key] = ValueNode(v.value.data);
  }
}

YAML::Node ItemNode(const LayoutItem& item) {
  YAML::Node node(YAML::NodeType::Map);
  node["type"] = item.type;
  node["name"] = item.name;
  if (!item.class_name.empty()) node["class"] = item.class_name;
  if (!item.parent.empty()) node["parent"] = item.parent;
  if (item.pose) node["pose"] = PoseNode(*item.pose);
  PutValues(node, item.parameters);
  if (!item.randomize.empty()) {
    YAML::Node ranges(YAML::NodeType::Map);
    PutValues(ranges, item.randomize);
    node["randomize"] = ranges;
  }
  return node;
}

YAML::Node EntryNode(const LayoutEntry& entry) {
  YAML::Node node(YAML::NodeType::Map);
  node["name"] = entry.name;
  if (!entry.mount.empty()) node["mount"] = entry.mount;
  if (entry.pose) node["pose"] = PoseNode(*entry.pose);
  PutValues(node, entry.parameters);
  return node;
}

// ---- Finding things ----------------------------------------------------------------------------

// Const, so that looking up a key that is absent does not add it: yaml-cpp's non-const
// operator[] adds an undefined entry, which a later insertion of that key would hide.
const YAML::Node Root(Layout& layout, size_t file) {
  if (file >= layout.store().files.size()) {
    throw Refused{"no file #" + std::to_string(file) + " in the document"};
  }
  const internal::StoredFile& f = layout.store().files[file];
  if (!f.error.empty() || !f.root.IsMap()) throw Refused{f.shown + " could not be read"};
  return f.root;
}

std::string NameOf(const YAML::Node& node) {
  const YAML::Node name = node.IsMap() ? node["name"] : YAML::Node();
  return name.IsDefined() && name.IsScalar() ? name.Scalar() : "";
}

// Index of the element named `name` of root[list...], or nothing.
std::optional<size_t> FindIn(const YAML::Node& list, const std::string& name) {
  if (!list.IsDefined() || !list.IsSequence()) return std::nullopt;
  for (size_t i = 0; i < list.size(); ++i) {
    if (NameOf(list[i]) == name) return i;
  }
  return std::nullopt;
}

std::vector<std::string> NamesIn(const YAML::Node& list) {
  std::vector<std::string> names;
  if (list.IsDefined() && list.IsSequence()) {
    for (const YAML::Node& element : list) names.push_back(NameOf(element));
  }
  return names;
}

size_t ItemIndex(Layout& layout, size_t file, const std::string& name) {
  const YAML::Node list = Root(layout, file)["equipment"];
  if (const auto i = FindIn(list, name)) return *i;
  throw Refused{"no equipment item '" + name + "' in " + layout.store().files[file].shown +
                base::DidYouMean(name, NamesIn(list))};
}

// Position of `key` in `map`, or its size when absent.
size_t KeyIndex(const YAML::Node& map, const std::string& key) {
  size_t i = 0;
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) return i;
    ++i;
  }
  return i;
}

// A change that sets (or, with an undefined value, removes) `key` of the mapping at `container`.
NodeChange SetKey(Layout& layout, size_t file, std::vector<PathStep> container,
                  const std::string& key, const YAML::Node& value) {
  const YAML::Node map = internal::NodeAt(layout, file, container);
  NodeChange change;
  change.file = file;
  change.container = std::move(container);
  change.key = key;
  change.index = KeyIndex(map, key);
  const YAML::Node old = map[key];
  change.has_before = old.IsDefined();
  if (change.has_before) change.before = old;
  change.has_after = value.IsDefined();
  if (change.has_after) change.after = value;
  return change;
}

NodeChange InsertInList(size_t file, std::vector<PathStep> list, size_t index,
                        const YAML::Node& value) {
  NodeChange change;
  change.file = file;
  change.container = std::move(list);
  change.index = index;
  change.has_after = true;
  change.after = value;
  return change;
}

NodeChange RemoveFromList(Layout& layout, size_t file, std::vector<PathStep> list, size_t index) {
  NodeChange change;
  change.file = file;
  change.index = index;
  change.has_before = true;
  change.before = internal::NodeAt(layout, file, list)[index];
  change.container = std::move(list);
  return change;
}

// Adds `value` to the list root[section][sub], creating what is missing.
NodeChange AddToList(Layout& layout, size_t file, const std::vector<std::string>& keys,
                     const YAML::Node& value, std::optional<size_t> index = std::nullopt) {
  std::vector<PathStep> path;
  YAML::Node node = Root(layout, file);
  for (size_t i = 0; i < keys.size(); ++i) {
    const YAML::Node& lookup = node;  // const: see Root
    const YAML::Node child = lookup[keys[i]];
    if (!child.IsDefined() || child.IsNull()) {
      // Build the rest of the path around the value.
      YAML::Node inner(YAML::NodeType::Sequence);
      inner.push_back(value);
      for (size_t j = keys.size() - 1; j > i; --j) {
        YAML::Node map(YAML::NodeType::Map);
        map[keys[j]] = inner;
        inner.reset(map);  // rebinds the handle (operator= would write into the list)
      }
      return SetKey(layout, file, path, keys[i], inner);
    }
    if (!child.IsMap() && i + 1 < keys.size()) throw Refused{keys[i] + " is not a mapping"};
    path.push_back(keys[i]);
    node.reset(child);
  }
  if (!node.IsSequence()) throw Refused{keys.back() + " is not a list"};
  const size_t at = index ? std::min(*index, node.size()) : node.size();
  return InsertInList(file, path, at, value);
}

// ---- Name references ---------------------------------------------------------------------------

bool RefersTo(const std::string& value, const std::string& name) {
  return value == name || value.rfind(name + "/", 0) == 0;
}

// Every name reference to `name` (or its places) in `node`, read with `block`: changes that
// point them at `new_name`.
void RenameRefs(Layout& layout, size_t file, const YAML::Node& node, const schema::Block* block,
                const std::vector<PathStep>& path, const std::string& name,
                const std::string& new_name, std::vector<NodeChange>& out) {
  if (!block || !node.IsMap()) return;
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) continue;
    const std::string key = kv.first.Scalar();
    const schema::Param* p = block->Find(key);
    if (!p) continue;
    std::vector<PathStep> here = path;
    here.push_back(key);
    const bool names_equipment = p->refers_to == "equipment" || p->refers_to == "mount";
    if (p->type == schema::Type::kName && names_equipment && kv.second.IsScalar() &&
        RefersTo(kv.second.Scalar(), name)) {
      out.push_back(SetKey(layout, file, path, key,
                           YAML::Node(new_name + kv.second.Scalar().substr(name.size()))));
    } else if (p->type == schema::Type::kNames && names_equipment && kv.second.IsSequence()) {
      for (size_t i = 0; i < kv.second.size(); ++i) {
        const YAML::Node element = kv.second[i];
        if (!element.IsScalar() || !RefersTo(element.Scalar(), name)) continue;
        NodeChange change = RemoveFromList(layout, file, here, i);
        change.has_after = true;
        change.after = YAML::Node(new_name + element.Scalar().substr(name.size()));
        out.push_back(change);
      }
    } else if (p->type == schema::Type::kBlock) {
      RenameRefs(layout, file, kv.second, p->block, here, name, new_name, out);
    } else if (p->type == schema::Type::kBlockList && kv.second.IsSequence()) {
      for (size_t i = 0; i < kv.second.size(); ++i) {
        const YAML::Node element = kv.second[i];
        const schema::Block* b = p->block;
        if (key == "equipment" && element.IsMap() && element["type"].IsDefined()) {
          b = schema::ItemBlock(element["type"].Scalar());
        }
        std::vector<PathStep> at = here;
        at.push_back(i);
        RenameRefs(layout, file, element, b, at, name, new_name, out);
      }
    }
  }
}

// Items placed on `name` (directly or on one of its places), transitively, as list indices.
std::set<size_t> Descendants(const YAML::Node& list, const std::string& name) {
  std::set<size_t> out;
  std::vector<std::string> parents{name};
  while (!parents.empty()) {
    const std::string parent = parents.back();
    parents.pop_back();
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].IsMap()) continue;
      const YAML::Node p = list[i]["parent"];
      if (p.IsDefined() && p.IsScalar() && RefersTo(p.Scalar(), parent) && out.insert(i).second) {
        parents.push_back(NameOf(list[i]));
      }
    }
  }
  return out;
}

// ---- Poses -------------------------------------------------------------------------------------

Pose Inverse(const Pose& p) {
  const Quat q{p.orientation[0], -p.orientation[1], -p.orientation[2], -p.orientation[3]};
  const Vec3 t = Rotate(q, p.position);
  return {{-t[0], -t[1], -t[2]}, q};
}

LayoutPose Written(const Pose& pose) {
  LayoutPose out;
  out.position = {pose.position[0], pose.position[1], pose.position[2]};
  const Quat& q = pose.orientation;
  if (std::abs(q[1]) < 1e-12 && std::abs(q[2]) < 1e-12) {
    out.yaw = 2 * std::atan2(q[3], q[0]) * 180 / M_PI;
  } else {
    out.quaternion = {q[0], q[1], q[2], q[3]};
  }
  return out;
}

const Entity& EntityNamed(const Scene& scene, const std::string& name) {
  for (const Entity& e : scene.site.entities) {
    if (e.name == name) return e;
  }
  throw Refused{"'" + name + "' is not in the expanded layout"};
}

// ---- The ops -----------------------------------------------------------------------------------

using Changes = std::vector<NodeChange>;
const std::vector<PathStep> kEquipment{std::string("equipment")};

std::vector<PathStep> ItemPath(size_t index) {
  return {std::string("equipment"), index};
}

Changes Build(Layout& layout, const edit::AddItem& op, std::string& label) {
  if (!schema::ItemBlock(op.item.type)) {
    std::vector<std::string> types;
    for (const schema::EquipmentSchema& s : schema::EquipmentSchemas()) types.push_back(s.type);
    throw Refused{"unknown equipment type '" + op.item.type + "'" +
                  base::UnknownNameHint(op.item.type, types, "; the types are: ")};
  }
  label = "add " + op.item.name;
  return {AddToList(layout, op.file, {"equipment"}, ItemNode(op.item), op.index)};
}

Changes Build(Layout& layout, const edit::RemoveItem& op, std::string& label) {
  const size_t index = ItemIndex(layout, op.file, op.name);
  const YAML::Node root = Root(layout, op.file);
  const YAML::Node list = root["equipment"];
  std::set<size_t> doomed = Descendants(list, op.name);
  if (!doomed.empty() && !op.cascade) {
    std::vector<std::string> names;
    for (size_t i : doomed) names.push_back(NameOf(list[i]));
    throw Refused{"'" + op.name + "' carries " + base::JoinNames(names) +
                  ": remove them first, or remove it with cascade"};
  }
  doomed.insert(index);
  std::vector<std::string> names;
  for (size_t i : doomed) names.push_back(NameOf(list[i]));
  const auto mounted = [&names](const YAML::Node& entry) {
    const YAML::Node mount = entry["mount"];
    if (!mount.IsDefined() || !mount.IsScalar()) return false;
    for (const std::string& n : names) {
      if (RefersTo(mount.Scalar(), n)) return true;
    }
    return false;
  };
  Changes changes;
  // Highest index first, so the indices of the rest stay valid.
  for (auto it = doomed.rbegin(); it != doomed.rend(); ++it) {
    changes.push_back(RemoveFromList(layout, op.file, kEquipment, *it));
  }
  if (op.cascade) {
    for (const char* kind : {"cameras", "lidars", "imus", "beam_breaks"}) {
      const YAML::Node sensors = root["sensors"];
      if (!sensors.IsDefined() || !sensors.IsMap() || !sensors[kind].IsDefined()) continue;
      const YAML::Node sensor_list = sensors[kind];
      for (size_t i = sensor_list.size(); i-- > 0;) {
        if (mounted(sensor_list[i])) {
          changes.push_back(
              RemoveFromList(layout, op.file, {std::string("sensors"), std::string(kind)}, i));
        }
      }
    }
    const YAML::Node lights = root["lights"];
    if (lights.IsDefined() && lights.IsSequence()) {
      for (size_t i = lights.size(); i-- > 0;) {
        if (mounted(lights[i]))
          changes.push_back(RemoveFromList(layout, op.file, {std::string("lights")}, i));
      }
    }
  }
  label = "remove " + op.name;
  return changes;
}

Changes Build(Layout& layout, const edit::RenameItem& op, std::string& label) {
  const size_t index = ItemIndex(layout, op.file, op.name);
  if (op.new_name == op.name) throw Refused{"'" + op.name + "' already has that name"};
  Changes changes{SetKey(layout, op.file, ItemPath(index), "name", YAML::Node(op.new_name))};
  const YAML::Node root = Root(layout, op.file);
  RenameRefs(layout, op.file, root, &schema::LayoutRoot(), {}, op.name, op.new_name, changes);
  label = "rename " + op.name + " to " + op.new_name;
  return changes;
}

Changes Build(Layout& layout, const edit::SetParameter& op, std::string& label) {
  const size_t index = ItemIndex(layout, op.file, op.item);
  const YAML::Node item = Root(layout, op.file)["equipment"][index];
  const std::string type = item["type"].IsDefined() ? item["type"].Scalar() : "";
  const schema::Block* block = schema::ItemBlock(type);
  if (!block) throw Refused{"'" + op.item + "' has an unknown type '" + type + "'"};
  const std::string path = "equipment[" + std::to_string(index) + "]";
  static const std::set<std::string> kOwnEdits{"type", "name", "parent", "pose", "randomize"};
  const schema::Param* p = block->Find(op.key);
  if (!p || kOwnEdits.count(op.key)) {
    std::vector<std::string> allowed;
    for (const std::string& key : block->Keys()) {
      if (!kOwnEdits.count(key)) allowed.push_back(key);
    }
    throw Refused{path + ": " +
                  (p ? "'" + op.key + "' has an edit of its own (rename, reparent, set pose)"
                     : "unknown key '" + op.key + "'" +
                           base::UnknownNameHint(op.key, allowed, "; allowed here: "))};
  }
  const bool reset = std::holds_alternative<std::monostate>(op.value.data);
  if (!reset) {
    if (const auto message = schema::Check(*p, op.value)) {
      throw Refused{path + "." + op.key + ": " + *message};
    }
  }
  label = "set " + op.item + "." + op.key;
  return {SetKey(layout, op.file, ItemPath(index), op.key,
                 reset ? YAML::Node(YAML::NodeType::Undefined) : ValueNode(op.value.data))};
}

Changes Build(Layout& layout, const edit::SetPose& op, std::string& label) {
  const size_t index = ItemIndex(layout, op.file, op.item);
  label = "move " + op.item;
  return {SetKey(layout, op.file, ItemPath(index), "pose", PoseNode(op.pose))};
}

Changes Build(Layout& layout, const edit::Reparent& op, std::string& label) {
  const size_t index = ItemIndex(layout, op.file, op.item);
  const YAML::Node list = Root(layout, op.file)["equipment"];
  if (!op.parent.empty()) {
    const std::string parent_item = op.parent.substr(0, op.parent.find('/'));
    const std::set<size_t> below = Descendants(list, op.item);
    if (parent_item == op.item) {
      throw Refused{"reference cycle: '" + op.item + "' cannot be placed on itself"};
    }
    for (size_t i : below) {
      if (NameOf(list[i]) == parent_item) {
        throw Refused{"reference cycle: '" + parent_item + "' is placed on '" + op.item +
                      "', so '" + op.item + "' cannot be placed on it"};
      }
    }
  }
  const YAML::Node parent_value =
      op.parent.empty() ? YAML::Node(YAML::NodeType::Undefined) : YAML::Node(op.parent);
  label = "place " + op.item + (op.parent.empty() ? " in the layout" : " on " + op.parent);
  if (!op.keep_world_pose)
    return {SetKey(layout, op.file, ItemPath(index), "parent", parent_value)};
  if (op.file != 0) throw Refused{"keeping the world pose needs an item of the top-level layout"};
  // Where it is now, and where the new parent's frame is (the item placed there at identity).
  const Pose world = EntityNamed(internal::ExpandLayout(layout, nullptr, nullptr), op.item).pose;
  Changes probe{SetKey(layout, op.file, ItemPath(index), "parent", parent_value)};
  internal::ApplyChange(layout, probe[0]);
  probe.push_back(SetKey(layout, op.file, ItemPath(index), "pose", PoseNode(LayoutPose{})));
  internal::ApplyChange(layout, probe[1]);
  Pose frame;
  std::string error;
  try {
    frame = EntityNamed(internal::ExpandLayout(layout, nullptr, nullptr), op.item).pose;
  } catch (const base::Error& e) {
    error = e.what();
  }
  internal::ApplyChange(layout, probe[1].Inverse());
  internal::ApplyChange(layout, probe[0].Inverse());
  if (!error.empty()) throw Refused{error};
  return {SetKey(layout, op.file, ItemPath(index), "parent", parent_value),
          SetKey(layout, op.file, ItemPath(index), "pose",
                 PoseNode(Written(Compose(Inverse(frame), world))))};
}

const char* SensorList(const std::string& type) {
  if (type == "camera") return "cameras";
  if (type == "lidar") return "lidars";
  if (type == "imu") return "imus";
  if (type == "beam_break") return "beam_breaks";
  throw Refused{
      "unknown sensor type '" + type + "'" +
      base::UnknownNameHint(type, {"camera", "lidar", "imu", "beam_break"}, "; the types are: ")};
}

Changes Build(Layout& layout, const edit::AddSensor& op, std::string& label) {
  label = "add " + op.sensor.name;
  return {
      AddToList(layout, op.file, {"sensors", SensorList(op.sensor.type)}, EntryNode(op.sensor))};
}

Changes Build(Layout& layout, const edit::RemoveSensor& op, std::string& label) {
  const YAML::Node sensors = Root(layout, op.file)["sensors"];
  std::vector<std::string> names;
  for (const char* kind : {"cameras", "lidars", "imus", "beam_breaks"}) {
    if (!sensors.IsDefined() || !sensors.IsMap()) break;
    const YAML::Node list = sensors[kind];
    if (const auto i = FindIn(list, op.name)) {
      label = "remove " + op.name;
      return {RemoveFromList(layout, op.file, {std::string("sensors"), std::string(kind)}, *i)};
    }
    for (const std::string& n : NamesIn(list)) names.push_back(n);
  }
  throw Refused{"no sensor '" + op.name + "'" + base::DidYouMean(op.name, names)};
}

Changes Build(Layout& layout, const edit::AddLight& op, std::string& label) {
  label = "add " + op.light.name;
  return {AddToList(layout, op.file, {"lights"}, EntryNode(op.light))};
}

Changes Build(Layout& layout, const edit::RemoveLight& op, std::string& label) {
  const YAML::Node lights = Root(layout, op.file)["lights"];
  const auto i = FindIn(lights, op.name);
  if (!i) throw Refused{"no light '" + op.name + "'" + base::DidYouMean(op.name, NamesIn(lights))};
  label = "remove " + op.name;
  return {RemoveFromList(layout, op.file, {std::string("lights")}, *i)};
}

std::string MergeKey(const LayoutEditOp& op) {
  if (const auto* pose = std::get_if<edit::SetPose>(&op)) return pose->merge_key;
  if (const auto* set = std::get_if<edit::SetParameter>(&op)) return set->merge_key;
  return "";
}

}  // namespace

EditResult ApplyEdit(Layout& layout, const LayoutEditOp& op) {
  EditResult result;
  std::string label;
  Changes changes;
  try {
    changes = std::visit([&](const auto& o) { return Build(layout, o, label); }, op);
  } catch (const Refused& refused) {
    result.error = refused.message;
    return result;
  } catch (const YAML::Exception& e) {
    // A document that does not expand (an item that is not a mapping...): nothing to edit there.
    result.error = "cannot edit this part of the layout: " + std::string(e.what());
    return result;
  }
  size_t applied = 0;
  try {
    for (; applied < changes.size(); ++applied) internal::ApplyChange(layout, changes[applied]);
    result.scene = internal::ExpandLayout(layout, nullptr, nullptr);
  } catch (const base::Error& e) {
    result.error = e.what();
  }
  if (!result.error.empty()) {
    while (applied-- > 0) internal::ApplyChange(layout, changes[applied].Inverse());
    result.scene.reset();
    return result;
  }
  layout.Reindex();
  result.ok = true;
  result.applied.changes().list = std::move(changes);
  result.applied.Describe(label, MergeKey(op));
  return result;
}

}  // namespace twin::scenes
