// The schema's own logic: lookups, checking one typed value, and the blocks that tie the tables
// of the sections and equipment types together (the layout's top level, an equipment item).
#include <twin/base/suggest.h>
#include <twin/scenes/layout_schema.h>

#include "equipment.h"
#include "layout_schema_tables.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>

namespace twin::scenes::schema {
namespace {

std::string FormatNumber(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

// "> 0", ">= 1", "<= 5", "in (0, 0.1]": the range as the messages have always said it.
std::string RangeText(const Range& r) {
  if (r.max >= 1e300) return (r.exclusive_min ? "> " : ">= ") + FormatNumber(r.min);
  if (r.min <= -1e300) return (r.exclusive_max ? "< " : "<= ") + FormatNumber(r.max);
  return "in " + std::string(r.exclusive_min ? "(" : "[") + FormatNumber(r.min) + ", " +
         FormatNumber(r.max) + (r.exclusive_max ? ")" : "]");
}

std::string OutOfRange(const Param& p, double value, const std::string& suffix = "") {
  if (!p.range_message.empty()) return p.range_message;
  return "must be " + RangeText(p.range) + ", got " + FormatNumber(value) + suffix;
}

std::optional<std::string> CheckNumbers(const Param& p, const std::vector<double>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (p.range.Contains(values[i])) continue;
    return OutOfRange(p, values[i],
                      p.type == Type::kPerJoint ? " for joint" + std::to_string(i + 1) : "");
  }
  return std::nullopt;
}

std::optional<std::string> CheckCount(const std::vector<double>& r) {
  for (double v : r) {
    if (!(v >= 0) || v != std::floor(v) || v > 1e6) {
      return "a count is [min, max] of whole numbers >= 0, got [" + std::to_string(r[0]) + ", " +
             std::to_string(r[1]) + "]";
    }
  }
  if (r[0] > r[1]) {
    return "the range is [min, max] and min (" + std::to_string(static_cast<int>(r[0])) +
           ") is greater than max (" + std::to_string(static_cast<int>(r[1])) + ")";
  }
  return std::nullopt;
}

std::optional<std::string> CheckInterval(const Param& p, const std::vector<double>& r) {
  if (!std::isfinite(r[0]) || !std::isfinite(r[1])) return "the range must be finite numbers";
  if (r[0] > r[1]) {
    return "the range is [min, max] and min (" + std::to_string(r[0]) + ") is greater than max (" +
           std::to_string(r[1]) + ")";
  }
  if (!p.range.Contains(r[0]) || !p.range.Contains(r[1])) return OutOfRange(p, r[0]);
  return std::nullopt;
}

}  // namespace

bool Range::Contains(double x) const {
  const bool low = exclusive_min ? x <= min : x < min;
  const bool high = exclusive_max ? x >= max : x > max;
  return !low && !high;
}

const Param* Block::Find(const std::string& key) const {
  for (const Param& p : params) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::vector<std::string> Block::Keys() const {
  std::vector<std::string> keys;
  for (const Param& p : params) keys.push_back(p.key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

const Param& Declared(const Block& block, const std::string& key) {
  if (const Param* p = block.Find(key)) return *p;
  throw UndeclaredKey("the schema of '" + block.name + "' does not declare the key '" + key +
                      "'; declare it in its table (scenes/src) before reading it");
}

std::optional<std::string> Check(const Param& p, const Value& value) {
  const auto* number = std::get_if<double>(&value.data);
  const auto* numbers = std::get_if<std::vector<double>>(&value.data);
  const auto* text = std::get_if<std::string>(&value.data);
  switch (p.type) {
    case Type::kNumber:
      if (!number) return "expected a number";
      if (!p.range.Contains(*number)) return OutOfRange(p, *number);
      return std::nullopt;
    case Type::kInteger:
      if (!number) return "expected a number";
      if (*number != std::floor(*number)) {
        return p.range_message.empty() ? "must be a whole number, got " + FormatNumber(*number)
                                       : p.range_message;
      }
      if (!p.range.Contains(*number)) {
        return p.range_message.empty()
                   ? "must be in [" + std::to_string(static_cast<long long>(p.range.min)) + ", " +
                         std::to_string(static_cast<long long>(p.range.max)) + "], got " +
                         FormatNumber(*number)
                   : p.range_message;
      }
      return std::nullopt;
    case Type::kBool:
      if (!std::holds_alternative<bool>(value.data)) return "expected true or false";
      return std::nullopt;
    case Type::kEnum:
      if (!text) return "expected a text value";
      if (std::find(p.choices.begin(), p.choices.end(), *text) != p.choices.end()) {
        return std::nullopt;
      }
      return "unknown value '" + *text + "'" +
             base::UnknownNameHint(*text, p.choices, "; allowed: ");
    case Type::kString:
    case Type::kName:
      if (!text) return "expected a text value";
      return std::nullopt;
    case Type::kVector:
      if (!numbers) return "expected a list of " + std::to_string(p.size) + " numbers";
      if (static_cast<int>(numbers->size()) != p.size) {
        return "expected a list of " + std::to_string(p.size) + " numbers, got " +
               std::to_string(numbers->size());
      }
      return CheckNumbers(p, *numbers);
    case Type::kNumbers:
      if (!numbers) return "expected a list of numbers";
      return CheckNumbers(p, *numbers);
    case Type::kPerJoint:
      if (number) return CheckNumbers(p, std::vector<double>(p.size, *number));
      if (!numbers || static_cast<int>(numbers->size()) != p.size) {
        return "expected one number for all joints or a list of " + std::to_string(p.size) +
               " (joint1..joint" + std::to_string(p.size) + "), got " +
               std::to_string(numbers ? numbers->size() : 0) + " numbers";
      }
      return CheckNumbers(p, *numbers);
    case Type::kInterval:
      if (!numbers || numbers->size() != 2) return "expected a list of 2 numbers";
      if (p.refers_to == "count") return CheckCount(*numbers);
      return CheckInterval(p, *numbers);
    case Type::kNames:
    case Type::kBlock:
    case Type::kBlockList:
    case Type::kTextMap:
    case Type::kIntervalMap: return std::nullopt;  // structure: checked key by key where it is read
  }
  return std::nullopt;
}

// The keys every equipment item has, before its type's own.
const Block& ItemCommonSchema() {
  static const Block block{
      "item",
      "an equipment item",
      {
          {.key = "type",
           .type = Type::kEnum,
           .description = "the equipment type",
           .required = true,
           .has_default = false},
          {.key = "name",
           .type = Type::kString,
           .description = "a unique name (letters, digits, '_', '-', '.')",
           .required = true,
           .has_default = false},
          {.key = "class",
           .type = Type::kString,
           .description = "semantic class (for datasets and randomize)",
           .has_default = false,
           .default_note = "the type's class"},
          {.key = "pose",
           .type = Type::kBlock,
           .description = "where it stands, relative to its parent or the layout",
           .has_default = false,
           .block = &internal::PoseSchema()},
          {.key = "parent",
           .type = Type::kName,
           .description = "an item or one of its places declared above; the pose is relative to it",
           .has_default = false,
           .refers_to = "mount"},
          {.key = "randomize",
           .type = Type::kIntervalMap,
           .description = "[min, max] per numeric parameter of the type, or x, y, z (m), yaw (deg)",
           .has_default = false},
      }};
  return block;
}

namespace {

Param FixedParam() {
  return {.key = "fixed",
          .type = Type::kBool,
          .description = "stored goods that never move: built without degrees of freedom",
          .number = 0};
}

}  // namespace

const std::vector<EquipmentSchema>& EquipmentSchemas() {
  static const std::vector<EquipmentSchema> schemas = [] {
    std::vector<EquipmentSchema> out;
    for (const internal::EquipmentType& t : internal::EquipmentTypes()) {
      out.push_back({t.name, t.default_class, t.offers, &t.schema(), t.loose, t.fixable});
    }
    return out;
  }();
  return schemas;
}

const Block* ItemBlock(const std::string& type) {
  static const std::map<std::string, std::unique_ptr<Block>> blocks = [] {
    std::map<std::string, std::unique_ptr<Block>> out;
    std::vector<std::string> types;
    for (const EquipmentSchema& s : EquipmentSchemas()) types.push_back(s.type);
    for (const EquipmentSchema& s : EquipmentSchemas()) {
      auto block = std::make_unique<Block>(ItemCommonSchema());
      block->name = "item_" + s.type;
      block->description = s.params->description;
      block->params[0].choices = types;
      if (s.fixable) block->params.push_back(FixedParam());
      for (const Param& p : s.params->params) block->params.push_back(p);
      out[s.type] = std::move(block);
    }
    return out;
  }();
  const auto it = blocks.find(type);
  return it == blocks.end() ? nullptr : it->second.get();
}

const Block& LayoutRoot() {
  static const Block block{
      "layout",
      "a twin layout file",
      {
          {.key = "site",
           .type = Type::kBlock,
           .description = "global settings, floor, walls and columns (top-level layout only)",
           .has_default = false,
           .block = &internal::SiteSchema()},
          {.key = "equipment",
           .type = Type::kBlockList,
           .description = "placed equipment items; `type` picks the table below",
           .has_default = false,
           .block = &ItemCommonSchema()},
          {.key = "include",
           .type = Type::kBlockList,
           .description = "other layouts (.yaml), MJCF (.xml) or URDF (.urdf) files placed here",
           .has_default = false,
           .block = &internal::IncludeSchema()},
          {.key = "sensors",
           .type = Type::kBlock,
           .description = "cameras, lidars, IMUs and beam-break sensors",
           .has_default = false,
           .block = &internal::SensorsSchema()},
          {.key = "lights",
           .type = Type::kBlockList,
           .description = "lights",
           .has_default = false,
           .block = &internal::LightSchema()},
          {.key = "autopilot",
           .type = Type::kBlock,
           .description = "scripted logic that runs the site (top-level layout only)",
           .has_default = false,
           .block = &internal::AutopilotSchema()},
          {.key = "bridge",
           .type = Type::kBlock,
           .description = "ROS bridge settings (top-level layout only)",
           .has_default = false,
           .block = &internal::BridgeSchema()},
          {.key = "randomize",
           .type = Type::kBlock,
           .description = "domain randomization for datasets (top-level layout only)",
           .has_default = false,
           .block = &internal::RandomizeSchema()},
      }};
  return block;
}

std::vector<const Block*> AllBlocks() {
  std::vector<const Block*> out;
  const auto add = [&out](const Block* b, auto& self) -> void {
    if (std::find(out.begin(), out.end(), b) != out.end()) return;
    out.push_back(b);
    for (const Param& p : b->params) {
      if (p.block) self(p.block, self);
    }
  };
  add(&LayoutRoot(), add);
  add(&internal::IncludeLayoutSchema(), add);
  add(&internal::IncludeModelSchema(), add);
  for (const EquipmentSchema& s : EquipmentSchemas()) add(ItemBlock(s.type), add);
  return out;
}

}  // namespace twin::scenes::schema
