// The layout schema as JSON Schema (draft-07: what yaml-language-server and python3-jsonschema
// both support fully). Every block becomes one definition; an equipment item picks its type's
// definition with if/then on `type`, an include its kind with if/then on the file's extension.
#include <twin/scenes/layout_schema.h>

#include "layout_schema_tables.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <utility>

namespace twin::scenes::schema {
namespace {

using Json = nlohmann::ordered_json;

std::string Ref(const Block& block) {
  return "#/definitions/" + block.name;
}

Json NumberSchema(const Range& r, bool integer) {
  Json out{{"type", integer ? "integer" : "number"}};
  if (r.min > -1e300) out[r.exclusive_min ? "exclusiveMinimum" : "minimum"] = r.min;
  if (r.max < 1e300) out[r.exclusive_max ? "exclusiveMaximum" : "maximum"] = r.max;
  return out;
}

Json ArrayOf(Json item, int size) {
  Json out{{"type", "array"}, {"items", std::move(item)}};
  if (size > 0) {
    out["minItems"] = size;
    out["maxItems"] = size;
  }
  return out;
}

std::string Description(const Param& p) {
  std::string text = p.description;
  if (!p.unit.empty()) text += " (" + p.unit + ")";
  if (!p.default_note.empty()) text += "; default: " + p.default_note;
  return text;
}

Json ParamSchema(const Param& p) {
  Json out;
  switch (p.type) {
    case Type::kNumber: out = NumberSchema(p.range, false); break;
    case Type::kInteger: out = NumberSchema(p.range, true); break;
    case Type::kBool: out = {{"type", "boolean"}}; break;
    case Type::kEnum: out = {{"enum", p.choices}}; break;
    case Type::kString:
    case Type::kName: out = {{"type", "string"}}; break;
    case Type::kVector: out = ArrayOf(NumberSchema(p.range, false), p.size); break;
    case Type::kNumbers:
      out = ArrayOf(NumberSchema(p.range, false), 0);
      out["minItems"] = 1;
      break;
    case Type::kPerJoint:
      out = {
          {"anyOf", {NumberSchema(p.range, false), ArrayOf(NumberSchema(p.range, false), p.size)}}};
      break;
    case Type::kInterval:
      out = ArrayOf(
          NumberSchema(p.refers_to == "count" ? kNonNegative : p.range, p.refers_to == "count"), 2);
      break;
    case Type::kNames:
      out = ArrayOf(Json{{"type", "string"}}, 0);
      out["minItems"] = 1;
      break;
    case Type::kBlock: out = {{"$ref", Ref(*p.block)}}; break;
    case Type::kBlockList: out = ArrayOf(Json{{"$ref", Ref(*p.block)}}, 0); break;
    case Type::kTextMap:
      out = {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}};
      break;
    case Type::kIntervalMap:
      out = {{"type", "object"}, {"additionalProperties", ArrayOf(NumberSchema(kAny, false), 2)}};
      break;
  }
  if (p.type == Type::kBlock) {
    // Draft-07 ignores keywords beside $ref; wrap it to keep the description for editors.
    out = {{"allOf", {out}}};
  }
  out["description"] = Description(p);
  if (p.has_default && !p.required) {
    switch (p.type) {
      case Type::kNumber: out["default"] = p.number; break;
      case Type::kInteger: out["default"] = static_cast<long long>(p.number); break;
      case Type::kBool: out["default"] = p.number != 0; break;
      case Type::kEnum:
      case Type::kString:
      case Type::kName: out["default"] = p.text; break;
      case Type::kVector:
      case Type::kNumbers:
      case Type::kPerJoint:
      case Type::kInterval:
        if (!p.numbers.empty()) out["default"] = p.numbers;
        break;
      default: break;
    }
  }
  return out;
}

Json BlockSchema(const Block& block) {
  Json properties = Json::object();
  Json required = Json::array();
  Json rules = Json::array();
  std::set<std::pair<std::string, std::string>> excluded;
  for (const Param& p : block.params) {
    properties[p.key] = ParamSchema(p);
    if (p.required) required.push_back(p.key);
    for (const std::string& other : p.excludes) {
      const auto pair = std::minmax(p.key, other);
      if (!excluded.insert(pair).second) continue;  // declared on both sides
      rules.push_back({{"not", {{"required", Json::array({pair.first, pair.second})}}}});
    }
    if (!p.needs.empty()) {
      Json then{{"required", Json::array({p.needs})},
                {"properties", {{p.needs, {{"const", true}}}}}};
      rules.push_back({{"if", {{"required", Json::array({p.key})}}}, {"then", then}});
    }
  }
  Json out{{"type", "object"}, {"description", block.description}, {"properties", properties}};
  if (!required.empty()) out["required"] = required;
  if (block.open && !block.open_prefix.empty()) {
    out["patternProperties"] = {{"^" + block.open_prefix, ArrayOf(NumberSchema(kAny, false), 0)}};
    out["additionalProperties"] = false;
  } else {
    out["additionalProperties"] = block.open;
  }
  if (!rules.empty()) out["allOf"] = rules;
  return out;
}

// An equipment item: `type` picks the definition of its type.
Json ItemSchema() {
  Json types = Json::array();
  Json cases = Json::array();
  for (const EquipmentSchema& s : EquipmentSchemas()) {
    types.push_back(s.type);
    cases.push_back({{"if", {{"properties", {{"type", {{"const", s.type}}}}}}},
                     {"then", {{"$ref", Ref(*ItemBlock(s.type))}}}});
  }
  return {{"type", "object"},
          {"description", "an equipment item; its type picks its parameters"},
          {"required", {"type", "name"}},
          {"properties", {{"type", {{"enum", types}, {"description", "the equipment type"}}}}},
          {"allOf", cases}};
}

// An include: a layout (.yaml/.yml) or a model (.xml/.urdf), by the file's extension.
Json IncludeItemSchema() {
  const std::string layout = "\\.(yaml|yml)$";
  return {{"type", "object"},
          {"description", internal::IncludeSchema().description},
          {"required", {"file"}},
          {"properties",
           {{"file",
             {{"type", "string"},
              {"pattern", "\\.(yaml|yml|xml|urdf)$"},
              {"description", internal::IncludeSchema().Find("file")->description}}}}},
          {"if", {{"properties", {{"file", {{"pattern", layout}}}}}}},
          {"then", {{"$ref", Ref(internal::IncludeLayoutSchema())}}},
          {"else", {{"$ref", Ref(internal::IncludeModelSchema())}}}};
}

}  // namespace

std::string JsonSchema() {
  Json definitions = Json::object();
  for (const Block* block : AllBlocks()) {
    if (block == &ItemCommonSchema() || block == &internal::IncludeSchema()) continue;
    definitions[block->name] = BlockSchema(*block);
  }
  definitions["item"] = ItemSchema();
  definitions["include"] = IncludeItemSchema();
  Json root = BlockSchema(LayoutRoot());
  Json out{{"$schema", "http://json-schema.org/draft-07/schema#"}, {"title", "twin layout"}};
  for (auto& [key, value] : root.items()) out[key] = value;
  out["definitions"] = definitions;
  return out.dump(2) + "\n";
}

}  // namespace twin::scenes::schema
