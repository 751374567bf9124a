// Saving an edited layout document (layout_save.h): for every kind of edit, load → edit → save →
// load gives a document that expands to the same bytes as the edited one in memory, and the file
// changes only where the edit did.
#include <twin/base/error.h>
#include <twin/scenes/layout_document.h>
#include <twin/scenes/layout_edit.h>
#include <twin/scenes/layout_history.h>
#include <twin/scenes/layout_save.h>
#include <twin/scenes/layout_source.h>
#include <twin/scenes/scene.h>

#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace twin::scenes;

namespace {

// Block and flow items, comments above items: the styles a save must keep.
const std::string kCell =
    "# A test cell.\n"
    "site: {name: cell}\n"
    "equipment:\n"
    "  # the belt\n"
    "  - type: conveyor\n"
    "    name: belt\n"
    "    pose: {position: [1, 2, 0], yaw: 90}\n"
    "    length: 2\n"
    "    speed: 0.5\n"
    "  - {type: pallet, name: p1, pose: {position: [3, 0, 0]}}\n"
    "  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2]}\n"
    "  # storage\n"
    "  - {type: rack, name: rack, bays: 1, levels: 2, pose: {position: [0, 5, 0]}}\n"
    "  - {type: carton, name: c2, parent: rack/bay1/level2}\n"
    "\n"
    "sensors:\n"
    "  cameras:\n"
    "    - {name: cam, position: [0, -5, 4], look_at: [0, 0, 0]}\n"
    "  lidars:\n"
    "    - {name: scan, mount: p1, pose: {position: [0, 0, 0.5]}}\n"
    "lights:\n"
    "  - {name: sun, type: directional, direction: [0, 0, -1]}\n";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

std::vector<std::string> Lines(const std::string& t) {
  std::vector<std::string> out;
  std::istringstream in(t);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The lines of `before` and `after` that differ: line by line when the counts agree, else the
// lines between the common head and tail (what `diff` would show).
struct LineDiff {
  std::vector<std::string> removed, added;
};
LineDiff Diff(const std::string& before, const std::string& after) {
  const auto a = Lines(before), b = Lines(after);
  LineDiff d;
  if (a.size() == b.size()) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) {
        d.removed.push_back(a[i]);
        d.added.push_back(b[i]);
      }
    }
    return d;
  }
  size_t head = 0, tail = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  d.removed.assign(a.begin() + head, a.end() - tail);
  d.added.assign(b.begin() + head, b.end() - tail);
  return d;
}

// The expansion as bytes: the MJCF and what the Site says of each entity.
std::string Bytes(const Layout& layout) {
  const Scene scene = Expand(layout);
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

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("twin_layout_save_" + name + "_" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

schema::Value Number(double x) {
  return {x, {}};
}

// Writes kCell, applies `op`, saves: the file read back expands as the edited document does.
// Returns the diff of the file.
LineDiff SaveEdited(const LayoutEditOp& op) {
  const TempDir dir("op");
  const fs::path p = dir.path() / "cell.yaml";
  Write(p, kCell);
  Layout doc = LoadLayoutDocument(p.string());
  LayoutSource source = LayoutSource::Open(p);
  const std::string unedited = Bytes(doc);
  const EditResult result = ApplyEdit(doc, op);
  INFO(result.error);
  REQUIRE(result.ok);
  CHECK(LayoutUnsaved(doc, source));
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{p});
  CHECK_FALSE(LayoutUnsaved(doc, source));
  const std::string saved = Read(p);
  const Layout reloaded = LoadLayoutDocument(p.string());
  CHECK(Bytes(reloaded) == Bytes(doc));
  CHECK(Bytes(reloaded) != unedited);
  // Saving again writes nothing.
  CHECK(SaveLayout(doc, source).empty());
  CHECK(Read(p) == saved);
  return Diff(kCell, saved);
}

using Lines_ = std::vector<std::string>;

}  // namespace

TEST_CASE("Saving a parameter edit changes that value's text only", "[scenes][layout_save]") {
  LineDiff d = SaveEdited(edit::SetParameter{.item = "belt", .key = "length", .value = Number(3)});
  CHECK(d.removed == Lines_{"    length: 2"});
  CHECK(d.added == Lines_{"    length: 3"});
  d = SaveEdited(edit::SetParameter{.item = "c1", .key = "mass", .value = Number(2.5)});
  CHECK(d.removed == Lines_{"  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2]}"});
  CHECK(d.added ==
        Lines_{"  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2], mass: 2.5}"});
  // Set empty: the key goes, the default applies.
  d = SaveEdited(edit::SetParameter{.item = "belt", .key = "speed", .value = {}});
  CHECK(d.removed == Lines_{"    speed: 0.5"});
  CHECK(d.added.empty());
}

TEST_CASE("Saving a pose edit and a reparent", "[scenes][layout_save]") {
  LineDiff d = SaveEdited(edit::SetPose{.item = "p1", .pose = {.position = {4, 1, 0}, .yaw = 30}});
  CHECK(d.removed.size() == 1);
  CHECK(d.added == Lines_{"  - {type: pallet, name: p1, pose: {position: [4, 1, 0], yaw: 30}}"});
  d = SaveEdited(edit::Reparent{.item = "c2", .parent = "p1", .keep_world_pose = false});
  CHECK(d.added == Lines_{"  - {type: carton, name: c2, parent: p1}"});
  d = SaveEdited(edit::Reparent{.item = "c2", .parent = "p1", .keep_world_pose = true});
  CHECK(d.removed.size() == 1);
  CHECK(d.added.size() == 1);
}

TEST_CASE("Saving added and removed items: the file's style, comments go with their item",
          "[scenes][layout_save]") {
  LayoutItem item;
  item.type = "carton";
  item.name = "c3";
  item.parent = "p1";
  item.pose = LayoutPose{.position = {0.1, 0, 0}};
  item.parameters.push_back({"mass", Number(2), {}});
  LineDiff d = SaveEdited(edit::AddItem{.item = item});
  CHECK(d.removed.empty());
  CHECK(d.added ==
        Lines_{"  - {type: carton, name: c3, parent: p1, pose: {position: [0.1, 0, 0]}, mass: 2}"});
  // Inserted before the others: the list is written whole, as one flow value.
  item.name = "c4";
  d = SaveEdited(edit::AddItem{.item = item, .index = 3});
  REQUIRE(d.added.size() == 1);
  CHECK(d.added[0].rfind("equipment: [{type: conveyor, name: belt,", 0) == 0);
  CHECK(d.added[0].find("}, {type: carton, name: c4, parent: p1,") != std::string::npos);
  item.name = "c3";
  d = SaveEdited(edit::RemoveItem{.name = "belt"});
  CHECK(d.removed == Lines_{"  # the belt", "  - type: conveyor", "    name: belt",
                            "    pose: {position: [1, 2, 0], yaw: 90}", "    length: 2",
                            "    speed: 0.5"});
  CHECK(d.added.empty());
  // The rack carries c2: cascade takes it and the comment above the rack.
  d = SaveEdited(edit::RemoveItem{.name = "rack", .cascade = true});
  CHECK(d.removed == Lines_{"  # storage",
                            "  - {type: rack, name: rack, bays: 1, levels: 2, pose: {position: "
                            "[0, 5, 0]}}",
                            "  - {type: carton, name: c2, parent: rack/bay1/level2}"});
}

TEST_CASE("Saving a rename changes the name and every reference to it", "[scenes][layout_save]") {
  const LineDiff d = SaveEdited(edit::RenameItem{.name = "p1", .new_name = "pal"});
  CHECK(d.removed.size() == 3);
  CHECK(d.added == Lines_{"  - {type: pallet, name: pal, pose: {position: [3, 0, 0]}}",
                          "  - {type: carton, name: c1, parent: pal, size: [0.4, 0.3, 0.2]}",
                          "    - {name: scan, mount: pal, pose: {position: [0, 0, 0.5]}}"});
}

TEST_CASE("Saving added and removed sensors and lights", "[scenes][layout_save]") {
  LayoutEntry camera;
  camera.type = "camera";
  camera.name = "cam2";
  camera.parameters = {{"position", {std::vector<double>{1, -5, 4}, {}}, {}},
                       {"look_at", {std::vector<double>{0, 0, 0}, {}}, {}}};
  LineDiff d = SaveEdited(edit::AddSensor{.sensor = camera});
  CHECK(d.added == Lines_{"    - {name: cam2, position: [1, -5, 4], look_at: [0, 0, 0]}"});
  CHECK(d.removed.empty());
  // An emptied list is written `[]` (a key with nothing under it would read as null).
  d = SaveEdited(edit::RemoveSensor{.name = "cam"});
  CHECK(d.removed ==
        Lines_{"  cameras:", "    - {name: cam, position: [0, -5, 4], look_at: [0, 0, 0]}"});
  CHECK(d.added == Lines_{"  cameras: []"});
  LayoutEntry lamp;
  lamp.type = "light";
  lamp.name = "lamp";
  lamp.parameters = {{"position", {std::vector<double>{0, 0, 5}, {}}, {}}};
  d = SaveEdited(edit::AddLight{.light = lamp});
  CHECK(d.added == Lines_{"  - {name: lamp, position: [0, 0, 5]}"});
  d = SaveEdited(edit::RemoveLight{.name = "sun"});
  CHECK(d.removed ==
        Lines_{"lights:", "  - {name: sun, type: directional, direction: [0, 0, -1]}"});
  CHECK(d.added == Lines_{"lights: []"});
}

TEST_CASE("Saving after undo writes nothing, after redo the edit", "[scenes][layout_save]") {
  const TempDir dir("undo");
  const fs::path p = dir.path() / "cell.yaml";
  Write(p, kCell);
  Layout doc = LoadLayoutDocument(p.string());
  LayoutSource source = LayoutSource::Open(p);
  LayoutHistory history(doc);
  LayoutItem item;
  item.type = "pallet";
  item.name = "p2";
  const std::vector<LayoutEditOp> ops = {
      edit::SetParameter{.item = "belt", .key = "length", .value = Number(3)},
      edit::RemoveItem{.name = "belt"},
      edit::RenameItem{.name = "p1", .new_name = "pal"},
      edit::AddItem{.item = item},
      edit::RemoveItem{.name = "rack", .cascade = true},
      edit::RemoveLight{.name = "sun"},
  };
  for (const LayoutEditOp& op : ops) {
    const EditResult r = history.Apply(op);
    INFO(r.error);
    REQUIRE(r.ok);
  }
  const std::string edited = Bytes(doc);
  while (history.Undo()) {
  }
  CHECK_FALSE(LayoutUnsaved(doc, source));
  CHECK(SaveLayout(doc, source).empty());
  CHECK(Read(p) == kCell);
  while (history.Redo()) {
  }
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{p});
  CHECK(Bytes(LoadLayoutDocument(p.string())) == edited);
  CHECK(Read(p).find("# A test cell.\n") == 0);
  // Undone after the save: the file goes back to what it was.
  while (history.Undo()) {
  }
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{p});
  CHECK(Bytes(LoadLayoutDocument(p.string())) == Bytes(doc));
}

TEST_CASE("Saving a value edit of warehouse.yaml changes one line", "[scenes][layout_save]") {
  const TempDir dir("warehouse");
  const fs::path p = dir.path() / "warehouse.yaml";
  fs::copy_file(fs::path(TWIN_TWINS_DIR) / "warehouse.yaml", p);
  const std::string before = Read(p);
  Layout doc = LoadLayoutDocument(p.string());
  LayoutSource source = LayoutSource::Open(p);
  const EditResult r = ApplyEdit(
      doc, edit::SetParameter{.item = "p_move_load", .key = "mass", .value = Number(16.5)});
  INFO(r.error);
  REQUIRE(r.ok);
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{p});
  const LineDiff d = Diff(before, Read(p));
  CHECK(d.removed.size() == 1);
  CHECK(d.added == Lines_{"  - {type: carton, name: p_move_load, parent: p_move, size: [0.8, 0.6, "
                          "0.5], mass: 16.5}"});
  CHECK(Bytes(LoadLayoutDocument(p.string())) == Bytes(doc));
}

TEST_CASE("Saving an edit inside an included layout writes that file only",
          "[scenes][layout_save]") {
  const TempDir dir("include");
  for (const char* name : {"two_aisles.yaml", "aisle.yaml"}) {
    fs::copy_file(fs::path(TWIN_TEST_DATA) / "layouts" / name, dir.path() / name);
  }
  const fs::path p = dir.path() / "two_aisles.yaml", aisle = dir.path() / "aisle.yaml";
  const std::string main_before = Read(p), aisle_before = Read(aisle);
  Layout doc = LoadLayoutDocument(p.string());
  LayoutSource source = LayoutSource::Open(p);
  REQUIRE(doc.files().size() == 2);
  EditResult r = ApplyEdit(
      doc, edit::SetParameter{.item = "rack", .key = "bays", .value = Number(2), .file = 1});
  INFO(r.error);
  REQUIRE(r.ok);
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{aisle});
  CHECK(Read(p) == main_before);
  const LineDiff d = Diff(aisle_before, Read(aisle));
  CHECK(d.removed == Lines_{"    bays: 1"});
  CHECK(d.added == Lines_{"    bays: 2"});
  CHECK(Bytes(LoadLayoutDocument(p.string())) == Bytes(doc));
  // An added item, in the style of the block items before it.
  LayoutItem carton;
  carton.type = "carton";
  carton.name = "box";
  carton.parent = "pallet";
  r = ApplyEdit(doc, edit::AddItem{.item = carton, .file = 1});
  INFO(r.error);
  REQUIRE(r.ok);
  const std::string aisle_edited = Read(aisle);
  REQUIRE(SaveLayout(doc, source) == std::vector<fs::path>{aisle});
  CHECK(Read(p) == main_before);
  CHECK(Read(aisle) == aisle_edited + "  - type: carton\n    name: box\n    parent: pallet\n");
  CHECK(Bytes(LoadLayoutDocument(p.string())) == Bytes(doc));
}

TEST_CASE("Saving to an unwritable path: a message, the document still unsaved",
          "[scenes][layout_save]") {
  // Tests run as root in CI: a path under a regular file cannot be created by anyone.
  const TempDir temp("unwritable");
  std::ofstream(temp.path() / "plain_file") << "x";
  const fs::path p = temp.path() / "plain_file" / "cell.yaml";
  Layout doc = ParseLayoutDocument(kCell, p.string(), temp.path().string());
  LayoutSource source = LayoutSource::FromText(kCell, p);
  const EditResult r =
      ApplyEdit(doc, edit::SetParameter{.item = "belt", .key = "length", .value = Number(3)});
  REQUIRE(r.ok);
  const std::string edited = Bytes(doc);
  for (int attempt = 0; attempt < 2; ++attempt) {
    CHECK_THROWS_WITH(SaveLayout(doc, source), Catch::Matchers::Contains(p.string()) &&
                                                   Catch::Matchers::Contains("Not a directory"));
    CHECK(LayoutUnsaved(doc, source));
    CHECK(Bytes(doc) == edited);
    CHECK(source.main().text.find("    length: 3\n") != std::string::npos);
  }
  CHECK(Read(temp.path() / "plain_file") == "x");
}
