// The layout schema as the reference tables of scenes/README.md: one table of the equipment
// types, then one table of keys per block.
#include <twin/scenes/layout_schema.h>

#include "layout_schema_tables.h"

#include <sstream>

namespace twin::scenes::schema {
namespace {

std::string FormatNumber(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

std::string Numbers(const std::vector<double>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + FormatNumber(v[i]);
  return out + "]";
}

std::string TypeName(const Param& p) {
  switch (p.type) {
    case Type::kNumber: return "number";
    case Type::kInteger: return "integer";
    case Type::kBool: return "bool";
    case Type::kEnum: return "enum";
    case Type::kString: return "text";
    case Type::kName: return "name of " + p.refers_to;
    case Type::kVector: return std::to_string(p.size) + " numbers";
    case Type::kNumbers: return "numbers";
    case Type::kPerJoint: return "number or " + std::to_string(p.size) + " numbers";
    case Type::kInterval: return p.refers_to == "count" ? "[min, max] whole" : "[min, max]";
    case Type::kNames: return "names of " + p.refers_to + "s";
    case Type::kBlock: return "`" + p.block->name + "`";
    case Type::kBlockList: return "list of `" + p.block->name + "`";
    case Type::kTextMap: return "map of text";
    case Type::kIntervalMap: return "map of [min, max]";
  }
  return "";
}

std::string DefaultText(const Param& p) {
  if (p.required) return "required";
  if (!p.default_note.empty()) return p.default_note;
  if (!p.has_default) return "";
  switch (p.type) {
    case Type::kNumber:
    case Type::kInteger: return FormatNumber(p.number);
    case Type::kBool: return p.number != 0 ? "true" : "false";
    case Type::kEnum:
    case Type::kString:
    case Type::kName: return p.text.empty() ? "\"\"" : p.text;
    case Type::kVector:
    case Type::kNumbers:
    case Type::kPerJoint:
    case Type::kInterval: return p.numbers.empty() ? "" : Numbers(p.numbers);
    default: return "";
  }
}

std::string RangeText(const Param& p) {
  if (p.type == Type::kEnum) {
    std::string out;
    for (const std::string& c : p.choices) out += (out.empty() ? "" : ", ") + c;
    return out;
  }
  if (p.type == Type::kInterval && p.refers_to == "count") return ">= 0";
  const Range& r = p.range;
  if (!r.bounded()) return "";
  if (r.max >= 1e300) return (r.exclusive_min ? "> " : ">= ") + FormatNumber(r.min);
  if (r.min <= -1e300) return (r.exclusive_max ? "< " : "<= ") + FormatNumber(r.max);
  return std::string(r.exclusive_min ? "(" : "[") + FormatNumber(r.min) + ", " +
         FormatNumber(r.max) + (r.exclusive_max ? ")" : "]");
}

std::string Notes(const Param& p) {
  std::string out;
  for (const std::string& other : p.excludes) out += (out.empty() ? "" : ", ") + other;
  if (!out.empty()) out = "; not with " + out;
  if (!p.needs.empty()) out += "; needs " + p.needs + ": true";
  return out;
}

void Table(std::ostringstream& out, const std::string& title, const Block& block) {
  out << "#### " << title << "\n" << block.description << ".\n\n";
  out << "| key | type | default | range | unit | description |\n";
  out << "| --- | --- | --- | --- | --- | --- |\n";
  for (const Param& p : block.params) {
    out << "| `" << p.key << "` | " << TypeName(p) << " | " << DefaultText(p) << " | "
        << RangeText(p) << " | " << p.unit << " | " << p.description << Notes(p) << " |\n";
  }
  if (block.open && !block.open_prefix.empty()) {
    out << "| `" << block.open_prefix << "NAME` | numbers | | | m | warehouse: the AMR NAME's "
        << "patrol, waypoints x0, y0, x1, y1, ... |\n";
  }
  out << "\n";
}

}  // namespace

std::string MarkdownReference() {
  std::ostringstream out;
  out << "### Equipment types\n";
  out << "| type | class | loose | places it offers | description |\n";
  out << "| --- | --- | --- | --- | --- |\n";
  for (const EquipmentSchema& s : EquipmentSchemas()) {
    out << "| `" << s.type << "` | " << s.default_class << " | "
        << (s.fixable ? "yes (or `fixed: true`)"
            : s.loose ? "yes"
                      : "")
        << " | " << s.offers << " | " << s.params->description << " |\n";
  }
  out << "\n";
  Table(out, "Every item", ItemCommonSchema());
  for (const EquipmentSchema& s : EquipmentSchemas()) Table(out, "`" + s.type + "`", *s.params);
  out << "### Sections\n";
  for (const Block* block : AllBlocks()) {
    if (block->name == "item" || block->name.rfind("item_", 0) == 0) continue;
    Table(out, "`" + block->name + "`", *block);
  }
  return out.str();
}

}  // namespace twin::scenes::schema
