// The layout schema's tables themselves: complete, consistent, and the only place builders read
// keys from; `twin layout schema --markdown` is what scenes/README.md shows.
#include <twin/base/error.h>
#include <twin/scenes/layout_schema.h>
#include <twin/scenes/scene.h>

#include "layout_node.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

namespace schema = twin::scenes::schema;
using schema::Type;

namespace {

bool IsQuantity(const schema::Param& p) {
  switch (p.type) {
    case Type::kNumber:
    case Type::kVector:
    case Type::kNumbers:
    case Type::kPerJoint: return true;
    case Type::kInterval: return p.refers_to != "count";
    default: return false;
  }
}

// The default of `p` as a typed value, as if a user had written it.
schema::Value DefaultValue(const schema::Param& p) {
  schema::Value v;
  switch (p.type) {
    case Type::kNumber:
    case Type::kInteger: v.data = p.number; break;
    case Type::kBool: v.data = p.number != 0; break;
    case Type::kEnum:
    case Type::kString:
    case Type::kName: v.data = p.text; break;
    default: v.data = p.numbers;
  }
  return v;
}

// The default as YAML text, for writing an item with every key given.
std::string DefaultYaml(const schema::Param& p) {
  std::ostringstream out;
  switch (p.type) {
    case Type::kNumber:
    case Type::kInteger: out << p.number; break;
    case Type::kBool: out << (p.number != 0 ? "true" : "false"); break;
    case Type::kEnum:
    case Type::kString:
    case Type::kName: out << p.text; break;
    default:
      out << "[";
      for (size_t i = 0; i < p.numbers.size(); ++i) out << (i ? ", " : "") << p.numbers[i];
      out << "]";
  }
  return out.str();
}

schema::Value V(schema::Value::Data data) {
  schema::Value v;
  v.data = std::move(data);
  return v;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("schema: every key has a type, a description and a unit where it is a quantity",
          "[scenes][schema]") {
  int keys = 0;
  for (const schema::Block* block : schema::AllBlocks()) {
    std::set<std::string> seen;
    for (const schema::Param& p : block->params) {
      INFO(block->name << "." << p.key);
      ++keys;
      CHECK(seen.insert(p.key).second);  // declared once
      CHECK(!p.description.empty());
      if (IsQuantity(p)) CHECK(!p.unit.empty());
      if (p.type == Type::kEnum && block->name.rfind("item", 0) != 0) CHECK(!p.choices.empty());
      if (p.type == Type::kVector || p.type == Type::kPerJoint) CHECK(p.size > 0);
      if (p.type == Type::kBlock || p.type == Type::kBlockList) CHECK(p.block != nullptr);
      for (const std::string& other : p.excludes) CHECK(block->Find(other) != nullptr);
      if (!p.needs.empty()) CHECK(block->Find(p.needs)->type == Type::kBool);
    }
  }
  CHECK(schema::EquipmentSchemas().size() == 14);
  CHECK(keys > 300);
}

TEST_CASE("schema: every default is within its range and allowed values", "[scenes][schema]") {
  for (const schema::Block* block : schema::AllBlocks()) {
    for (const schema::Param& p : block->params) {
      if (!p.has_default || p.required || p.type == Type::kNames || p.type == Type::kBlock ||
          p.type == Type::kBlockList || p.type == Type::kTextMap || p.type == Type::kIntervalMap) {
        continue;
      }
      if (p.type == Type::kString || p.type == Type::kName) continue;  // free text
      INFO(block->name << "." << p.key << " = " << DefaultYaml(p));
      CHECK(!schema::Check(p, DefaultValue(p)));
    }
  }
}

TEST_CASE("schema: Check gives the loader's messages for one value", "[scenes][schema]") {
  const schema::Param& length = schema::Declared(*schema::ItemBlock("conveyor"), "length");
  CHECK(length.number == 3.0);
  CHECK(length.unit == "m");
  CHECK(*schema::Check(length, V(-2.0)) == "must be > 0, got -2");
  CHECK(!schema::Check(length, V(2.0)));
  const schema::Param& texture = schema::Declared(*schema::ItemBlock("carton"), "texture");
  CHECK(*schema::Check(texture, V(std::string("printd"))) ==
        "unknown value 'printd' (did you mean 'printed'?); allowed: plain, printed, taped");
  const schema::Param& bays = schema::Declared(*schema::ItemBlock("rack"), "bays");
  CHECK(*schema::Check(bays, V(2.5)) == "must be a whole number, got 2.5");
  CHECK(*schema::Check(bays, V(51.0)) == "must be in [1, 50], got 51");
  const schema::Param& size = schema::Declared(*schema::ItemBlock("carton"), "size");
  CHECK(*schema::Check(size, V(std::vector<double>{1, 2})) ==
        "expected a list of 3 numbers, got 2");
  CHECK(*schema::Check(size, V(std::vector<double>{1, 0, 2})) == "every side must be > 0 metres");
}

TEST_CASE("schema: reading a key the schema does not declare is refused", "[scenes][schema]") {
  CHECK_THROWS_AS(schema::Declared(*schema::ItemBlock("conveyor"), "lenght"),
                  schema::UndeclaredKey);
  const auto item = twin::scenes::internal::ParseLayoutText("{length: 2}", "t.yaml")
                        .Bound(*schema::ItemBlock("conveyor"));
  CHECK(item.Number("length") == 2);
  CHECK(item.Number("width") == 0.6);  // the table's default
  CHECK_THROWS_WITH(item.Number("lenght"),
                    "the schema of 'item_conveyor' does not declare the key 'lenght'; declare it "
                    "in its table (scenes/src) before reading it");
  CHECK_THROWS_AS(item.Has("speeed"), schema::UndeclaredKey);
  CHECK_THROWS_AS(item.Optional("speeed"), schema::UndeclaredKey);
}

// Every builder path that reads a key runs here with all of its type's keys given (each at its
// default): a builder reading a key its table lacks would throw UndeclaredKey.
TEST_CASE("schema: every equipment type loads with each of its keys given", "[scenes][schema]") {
  for (const schema::EquipmentSchema& type : schema::EquipmentSchemas()) {
    INFO(type.type);
    std::set<std::string> left_out;
    std::vector<std::pair<std::string, std::string>> given;
    for (const schema::Param& p : type.params->params) {
      if (left_out.count(p.key) || (!p.has_default && p.type != Type::kNumbers)) continue;
      for (const std::string& other : p.excludes) left_out.insert(other);
      given.emplace_back(p.key, p.type == Type::kNumbers ? "[1.5, 3]" : DefaultYaml(p));
    }
    for (const schema::Param& p : type.params->params) {
      for (auto& [key, value] : given) {
        if (key == p.needs) value = "true";
      }
    }
    std::string keys;
    for (const auto& [key, value] : given) keys += ", " + key + ": " + value;
    std::string layout =
        "equipment:\n  - {type: arm, name: robot}\n  - {type: " + type.type + ", name: x" + keys;
    if (type.type.find("gripper") != std::string::npos) layout += ", parent: robot/flange";
    layout += "}\n";
    INFO(layout);
    CHECK_NOTHROW(twin::scenes::LoadLayoutText(layout, "all_keys.yaml", "."));
  }
}

TEST_CASE("schema: scenes/README.md's reference tables are twin layout schema --markdown",
          "[scenes][schema]") {
  const std::string readme = ReadFile(std::string(TWIN_SOURCE_DIR) + "/scenes/README.md");
  const std::string begin = "<!-- BEGIN twin layout schema --markdown -->\n";
  const std::string end = "<!-- END twin layout schema --markdown -->";
  const size_t from = readme.find(begin);
  const size_t to = readme.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  // Regenerate with tools/update_layout_reference (see scenes/README.md).
  CHECK(readme.substr(from + begin.size(), to - from - begin.size()) ==
        schema::MarkdownReference());
}
