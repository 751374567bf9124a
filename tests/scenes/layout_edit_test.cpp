// Edits of a layout document: each applied, undone and redone gives the bytes of the layout it
// should equal, where the truth is the loader's expansion of that layout written by hand.
#include <twin/scenes/layout_document.h>
#include <twin/scenes/layout_edit.h>
#include <twin/scenes/layout_history.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include <sstream>
#include <string>

using namespace twin::scenes;

namespace {
const std::string kData = TWIN_TEST_DATA;

// The layout every edit starts from, one line per element so an expected layout can be written
// by replacing lines.
const std::string kBase =
    "site: {name: cell}\n"
    "equipment:\n"
    "  - {type: conveyor, name: belt, pose: {position: [1, 2, 0], yaw: 90}, length: 2, speed: "
    "0.5}\n"
    "  - {type: pallet, name: p1, pose: {position: [3, 0, 0]}}\n"
    "  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2]}\n"
    "  - {type: rack, name: rack, bays: 1, levels: 2, pose: {position: [0, 5, 0]}}\n"
    "  - {type: carton, name: c2, parent: rack/bay1/level2}\n"
    "sensors:\n"
    "  cameras:\n"
    "    - {name: cam, position: [0, -5, 4], look_at: [0, 0, 0]}\n"
    "  lidars:\n"
    "    - {name: scan, mount: p1, pose: {position: [0, 0, 0.5]}}\n"
    "lights:\n"
    "  - {name: sun, type: directional, direction: [0, 0, -1]}\n";

std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// The expansion as bytes: the MJCF, and what the Site says of each entity (a conveyor's speed,
// for one, is not in the MJCF).
std::string Bytes(const Scene& scene) {
  std::ostringstream out;
  out << scene.mjcf;
  out.precision(17);
  for (const Entity& e : scene.site.entities) {
    out << e.name << " " << e.type << " " << e.class_name << " " << e.parent << ":";
    for (const auto& [key, value] : e.parameters) out << " " << key << "=" << value;
    out << "\n";
  }
  return out.str();
}

std::string Bytes(const Layout& layout) {
  return Bytes(Expand(layout));
}

std::string Truth(const std::string& text) {
  return Bytes(LoadLayoutText(text, "test.yaml", kData));
}

// Applies `op` to the base layout: the result must expand to `expected_text`'s bytes; undo gives
// the base back (bytes and document), redo the edited one.
void CheckRoundTrip(const LayoutEditOp& op, const std::string& expected_text) {
  Layout doc = ParseLayoutDocument(kBase, "test.yaml", kData);
  const Layout original = doc;
  const std::string before = Bytes(doc);
  REQUIRE(before == Truth(kBase));
  LayoutHistory history(doc);
  const EditResult result = history.Apply(op);
  INFO(result.error);
  REQUIRE(result.ok);
  const std::string after = Bytes(doc);
  CHECK(after == Truth(expected_text));
  CHECK(Bytes(*result.scene) == after);
  CHECK(after != before);
  const Layout edited = doc;
  REQUIRE(history.Undo());
  CHECK(Bytes(doc) == before);
  CHECK(doc == original);
  REQUIRE(history.Redo());
  CHECK(Bytes(doc) == after);
  CHECK(doc == edited);
  // The document's own view follows the edit.
  REQUIRE(history.Undo());
  CHECK(doc.top().items.size() == original.top().items.size());
}

// A refused edit: the message, and nothing changed.
std::string Refusal(const LayoutEditOp& op) {
  Layout doc = ParseLayoutDocument(kBase, "test.yaml", kData);
  const Layout original = doc;
  const std::string before = Bytes(doc);
  LayoutHistory history(doc);
  const EditResult result = history.Apply(op);
  CHECK_FALSE(result.ok);
  CHECK_FALSE(result.scene);
  CHECK(doc == original);
  CHECK(Bytes(doc) == before);
  CHECK_FALSE(history.CanUndo());
  return result.error;
}

schema::Value Number(double x) {
  return {x, {}};
}
}  // namespace

TEST_CASE("Setting a parameter, undone and redone", "[scenes][layout_edit]") {
  CheckRoundTrip(edit::SetParameter{.item = "belt", .key = "length", .value = Number(3)},
                 Replaced(kBase, "length: 2", "length: 3"));
  // A key not written yet goes in; setting it empty takes it out again (the default applies).
  CheckRoundTrip(edit::SetParameter{.item = "p1", .key = "mass", .value = Number(40)},
                 Replaced(kBase, "name: p1,", "name: p1, mass: 40,"));
  CheckRoundTrip(edit::SetParameter{.item = "belt", .key = "speed", .value = {}},
                 Replaced(kBase, ", speed: 0.5}", "}"));
}

TEST_CASE("Adding and removing items, undone and redone", "[scenes][layout_edit]") {
  LayoutItem item;
  item.type = "carton";
  item.name = "c3";
  item.parent = "p1";
  item.pose = LayoutPose{.position = {0.1, 0, 0}};
  item.parameters.push_back({"mass", Number(2), {}});
  CheckRoundTrip(edit::AddItem{.item = item},
                 Replaced(kBase, "sensors:\n",
                          "  - {type: carton, name: c3, parent: p1, pose: {position: [0.1, 0, "
                          "0]}, mass: 2}\nsensors:\n"));
  CheckRoundTrip(edit::RemoveItem{.name = "c2"},
                 Replaced(kBase, "  - {type: carton, name: c2, parent: rack/bay1/level2}\n", ""));
  // The pallet carries c1 and the lidar: cascade takes them with it.
  std::string without =
      Replaced(kBase, "  - {type: pallet, name: p1, pose: {position: [3, 0, 0]}}\n", "");
  without =
      Replaced(without, "  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2]}\n", "");
  without =
      Replaced(without, "  lidars:\n    - {name: scan, mount: p1, pose: {position: [0, 0, 0.5]}}\n",
               "  lidars: []\n");
  CheckRoundTrip(edit::RemoveItem{.name = "p1", .cascade = true}, without);
  CHECK(Refusal(edit::RemoveItem{.name = "p1"}) ==
        "'p1' carries c1: remove them first, or remove it with cascade");
}

TEST_CASE("Renaming an item: its children, places and mounts follow", "[scenes][layout_edit]") {
  std::string renamed = Replaced(kBase, "name: p1,", "name: pal,");
  renamed = Replaced(renamed, "parent: p1,", "parent: pal,");
  renamed = Replaced(renamed, "mount: p1,", "mount: pal,");
  CheckRoundTrip(edit::RenameItem{.name = "p1", .new_name = "pal"}, renamed);
  std::string shelf = Replaced(kBase, "name: rack,", "name: shelf,");
  shelf = Replaced(shelf, "parent: rack/bay1/level2", "parent: shelf/bay1/level2");
  CheckRoundTrip(edit::RenameItem{.name = "rack", .new_name = "shelf"}, shelf);
}

TEST_CASE("Setting a pose and placing an item elsewhere", "[scenes][layout_edit]") {
  CheckRoundTrip(edit::SetPose{.item = "p1", .pose = {.position = {4, 1, 0}, .yaw = 30}},
                 Replaced(kBase, "name: p1, pose: {position: [3, 0, 0]}",
                          "name: p1, pose: {position: [4, 1, 0], yaw: 30}"));
  // Keeping the local pose: the carton keeps its (absent) pose, now on the pallet.
  CheckRoundTrip(edit::Reparent{.item = "c2", .parent = "p1", .keep_world_pose = false},
                 Replaced(kBase, "parent: rack/bay1/level2", "parent: p1"));
  // Placed on an item declared after it: the loader's message.
  CHECK_THAT(Refusal(edit::Reparent{.item = "c1", .parent = "rack/bay1/level1"}),
             Catch::Contains("equipment[2].parent: unknown parent 'rack/bay1/level1'"));
  // Keeping the world pose: the belt, placed on the pallet, stays where it was.
  Layout doc = ParseLayoutDocument(kBase, "test.yaml", kData);
  const Scene before = Expand(doc);
  LayoutHistory history(doc);
  const EditResult moved = history.Apply(edit::Reparent{.item = "c2", .parent = "p1"});
  INFO(moved.error);
  REQUIRE(moved.ok);
  const auto find = [](const Scene& s, const std::string& name) {
    for (const Entity& e : s.site.entities) {
      if (e.name == name) return e;
    }
    FAIL("no " << name);
    return Entity{};
  };
  const Entity was = find(before, "c2"), now = find(*moved.scene, "c2");
  CHECK(now.parent == "p1");
  for (int i = 0; i < 3; ++i)
    CHECK(now.pose.position[i] == Approx(was.pose.position[i]).margin(1e-9));
  for (int i = 0; i < 4; ++i) {
    CHECK(now.pose.orientation[i] == Approx(was.pose.orientation[i]).margin(1e-9));
  }
  REQUIRE(history.Undo());
  CHECK(Expand(doc).mjcf == before.mjcf);
}

TEST_CASE("Adding and removing sensors and lights", "[scenes][layout_edit]") {
  LayoutEntry camera;
  camera.type = "camera";
  camera.name = "cam2";
  camera.parameters = {{"position", {std::vector<double>{1, -5, 4}, {}}, {}},
                       {"look_at", {std::vector<double>{0, 0, 0}, {}}, {}}};
  CheckRoundTrip(
      edit::AddSensor{.sensor = camera},
      Replaced(kBase, "  lidars:\n",
               "    - {name: cam2, position: [1, -5, 4], look_at: [0, 0, 0]}\n  lidars:\n"));
  CheckRoundTrip(edit::RemoveSensor{.name = "scan"},
                 Replaced(kBase, "    - {name: scan, mount: p1, pose: {position: [0, 0, 0.5]}}\n",
                          "    []\n"));
  LayoutEntry lamp;
  lamp.type = "light";
  lamp.name = "lamp";
  lamp.parameters = {{"position", {std::vector<double>{0, 0, 5}, {}}, {}}};
  CheckRoundTrip(edit::AddLight{.light = lamp}, kBase + "  - {name: lamp, position: [0, 0, 5]}\n");
  CheckRoundTrip(
      edit::RemoveLight{.name = "sun"},
      Replaced(kBase, "  - {name: sun, type: directional, direction: [0, 0, -1]}\n", "  []\n"));
}

TEST_CASE("Edits that would make the layout invalid are refused, the document unchanged",
          "[scenes][layout_edit]") {
  // Out of range and negative lengths: the schema's own message (schema::Check).
  const schema::Param& length = *schema::ItemBlock("conveyor")->Find("length");
  CHECK(Refusal(edit::SetParameter{.item = "belt", .key = "length", .value = Number(-1)}) ==
        "equipment[0].length: " + *schema::Check(length, Number(-1)));
  CHECK_THAT(Refusal(edit::SetParameter{.item = "belt", .key = "sped", .value = Number(1)}),
             Catch::StartsWith("equipment[0]: unknown key 'sped' (did you mean 'speed'?)"));
  CHECK_THAT(Refusal(edit::SetParameter{.item = "bel", .key = "speed", .value = Number(1)}),
             Catch::StartsWith("no equipment item 'bel' in test.yaml (did you mean 'belt'?)"));
  // Duplicate names and unknown parents: the loader's message.
  CHECK_THAT(Refusal(edit::RenameItem{.name = "c1", .new_name = "belt"}),
             Catch::Contains("duplicate name 'belt': already used at test.yaml:3:"));
  CHECK_THAT(Refusal(edit::Reparent{.item = "c1", .parent = "nowhere", .keep_world_pose = false}),
             Catch::Contains("equipment[2].parent: unknown parent 'nowhere'"));
  // A reference cycle: the pallet on the carton it carries.
  CHECK(Refusal(edit::Reparent{.item = "p1", .parent = "c1"}) ==
        "reference cycle: 'c1' is placed on 'p1', so 'p1' cannot be placed on it");
  LayoutItem bad;
  bad.type = "carton";
  bad.name = "c9";
  bad.parameters.push_back({"size", {std::vector<double>{1, -1, 1}, {}}, {}});
  CHECK_THAT(Refusal(edit::AddItem{.item = bad}), Catch::Contains("every side must be > 0"));
}

TEST_CASE("A drag is one undo step until it is sealed", "[scenes][layout_edit]") {
  Layout doc = ParseLayoutDocument(kBase, "test.yaml", kData);
  const std::string start = Bytes(doc);
  LayoutHistory history(doc);
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(history
                .Apply(edit::SetPose{
                    .item = "p1", .pose = {.position = {3.0 + i * 0.1, 0, 0}}, .merge_key = "drag"})
                .ok);
  }
  CHECK(history.steps() == 1);
  const std::string dragged = Bytes(doc);
  CHECK(dragged == Truth(Replaced(kBase, "position: [3, 0, 0]", "position: [3.5, 0, 0]")));
  history.Seal();
  REQUIRE(
      history
          .Apply(edit::SetPose{.item = "p1", .pose = {.position = {9, 0, 0}}, .merge_key = "drag"})
          .ok);
  CHECK(history.steps() == 2);
  REQUIRE(history.Undo());
  CHECK(Bytes(doc) == dragged);
  REQUIRE(history.Undo());
  CHECK(Bytes(doc) == start);
  CHECK_FALSE(history.Undo());
  REQUIRE(history.Redo());
  CHECK(Bytes(doc) == dragged);
}

TEST_CASE("Edits keep the source positions of what they do not replace", "[scenes][layout_edit]") {
  Layout doc = ParseLayoutDocument(kBase, "test.yaml", kData);
  const LayoutItem before = doc.top().items[0];
  LayoutHistory history(doc);
  const EditResult result =
      history.Apply(edit::SetParameter{.item = "belt", .key = "length", .value = Number(3)});
  REQUIRE(result.ok);
  // What was replaced, where it was written: for writing the change back into the text.
  const std::vector<ChangedNode> changed = result.applied.changed();
  REQUIRE(changed.size() == 1);
  CHECK(changed[0].kind == ChangedNode::Kind::kReplaced);
  CHECK(changed[0].path == "equipment[0].length");
  CHECK(changed[0].before.line == 3);
  CHECK(changed[0].before.column ==
        static_cast<int>(kBase.find("2, speed") - kBase.find("  - {type: conveyor")) + 1);
  const LayoutItem& edited = doc.top().items[0];
  CHECK(edited.at.line == before.at.line);
  CHECK(edited.parameters[1].key == "speed");
  CHECK(edited.parameters[1].at.column == before.parameters[1].at.column);
  CHECK(edited.parameters[0].at.line == 0);  // the new value was written by the edit
  REQUIRE(history.Undo());
  // The value put back is the one that was read, position and all.
  CHECK(doc.top().items[0].parameters[0].at.line == 3);
  CHECK(doc.top().items[0].parameters[0].at.column == before.parameters[0].at.column);
}

TEST_CASE("The first item, sensor and light go into a layout that has none",
          "[scenes][layout_edit]") {
  const std::string empty = "site: {name: cell}\n";
  Layout doc = ParseLayoutDocument(empty, "test.yaml", kData);
  const std::string before = Bytes(doc);
  LayoutHistory history(doc);
  // Refused lookups in the missing sections first: they must not leave anything behind.
  CHECK_FALSE(history.Apply(edit::RemoveSensor{.name = "cam"}).ok);
  CHECK_FALSE(history.Apply(edit::RemoveLight{.name = "sun"}).ok);
  CHECK_FALSE(history.Apply(edit::RemoveItem{.name = "p1"}).ok);
  LayoutItem pallet;
  pallet.type = "pallet";
  pallet.name = "p1";
  REQUIRE(history.Apply(edit::AddItem{.item = pallet}).ok);
  LayoutEntry camera;
  camera.type = "camera";
  camera.name = "cam";
  camera.parameters = {{"position", {std::vector<double>{0, -5, 4}, {}}, {}},
                       {"look_at", {std::vector<double>{0, 0, 0}, {}}, {}}};
  REQUIRE(history.Apply(edit::AddSensor{.sensor = camera}).ok);
  LayoutEntry sun;
  sun.type = "light";
  sun.name = "sun";
  sun.parameters = {{"type", {std::string("directional"), {}}, {}}};
  REQUIRE(history.Apply(edit::AddLight{.light = sun}).ok);
  CHECK(Bytes(doc) ==
        Truth(empty +
              "equipment: [{type: pallet, name: p1}]\n"
              "sensors: {cameras: [{name: cam, position: [0, -5, 4], look_at: [0, 0, 0]}]}\n"
              "lights: [{name: sun, type: directional}]\n"));
  while (history.Undo()) {
  }
  CHECK(Bytes(doc) == before);
  CHECK(doc == ParseLayoutDocument(empty, "test.yaml", kData));
}
