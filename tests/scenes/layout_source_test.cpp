// Writing layouts back: every layout round-trips, an edit changes one line and loads as the
// changed model, adds/appends/removes keep the file's style, saves are atomic and fail safely.
#include <twin/base/error.h>
#include <twin/scenes/layout_format.h>
#include <twin/scenes/layout_source.h>
#include <twin/scenes/scene.h>

#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "process.h"

namespace fs = std::filesystem;
using twin::scenes::LayoutSource;

namespace {

// Every built-in twin and every test layout: new ones are covered as they are added.
std::vector<fs::path> AllLayouts() {
  std::vector<fs::path> out;
  for (const char* dir : {TWIN_TWINS_DIR, TWIN_TEST_DATA "/layouts"}) {
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".yaml") out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Lines(const std::string& t) {
  std::vector<std::string> out;
  std::istringstream in(t);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The lines of `a` and `b` that differ (same line count expected).
int ChangedLines(const std::string& a, const std::string& b) {
  const auto la = Lines(a), lb = Lines(b);
  REQUIRE(la.size() == lb.size());
  int n = 0;
  for (size_t i = 0; i < la.size(); ++i) n += la[i] != lb[i];
  return n;
}

// A folder of its own under the system's temporary folder, named by the process (the release and
// asan test runs share the machine) and removed with everything in it when the test case ends,
// failed checks included.
class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("twin_layout_source_" + name + "_" + std::to_string(getpid()))) {
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

// Copies the layouts of `from`'s folder into `dir`: the copy of `from`.
fs::path CopyLayouts(const fs::path& from, const TempDir& dir) {
  for (const auto& e : fs::directory_iterator(from.parent_path())) {
    if (e.path().extension() == ".yaml") {
      fs::copy_file(e.path(), dir.path() / e.path().filename());
    }
  }
  return dir.path() / from.filename();
}

}  // namespace

TEST_CASE("every layout round-trips byte for byte and is canonical") {
  const auto layouts = AllLayouts();
  REQUIRE(layouts.size() >= 10);
  for (const fs::path& p : layouts) {
    INFO(p);
    const TempDir dir("roundtrip");
    const fs::path copy = CopyLayouts(p, dir);
    LayoutSource doc = LayoutSource::Open(copy);
    CHECK_FALSE(doc.dirty());
    CHECK(doc.Save().empty());  // nothing changed, nothing written
    CHECK(Read(copy) == Read(p));
    CHECK(twin::scenes::FormatLayout(Read(p), p.string()) == Read(p));
  }
}

TEST_CASE("setting every value of warehouse.yaml to itself keeps the bytes") {
  // Exercises the span finder on every equipment item's values.
  const fs::path p = fs::path(TWIN_TWINS_DIR) / "warehouse.yaml";
  LayoutSource doc = LayoutSource::Open(p);
  for (const char* item : {"rack_a", "pal_a11", "pal_a11_c1", "amr1", "fl1", "parcel2"}) {
    for (const char* key : {"type", "name", "pose", "pose.position", "size", "mass", "fixed"}) {
      const std::string path = std::string("equipment.") + item + "." + key;
      std::string text;
      try {
        text = doc.Text(path);
      } catch (const twin::base::Error&) {
        continue;  // not every item has every key
      }
      doc.Set(path, text);
      INFO(path);
      CHECK_FALSE(doc.dirty());
    }
  }
}

// Every scalar of a layout as (index path key.key[3].key, value), in document order.
using Scalars = std::vector<std::pair<std::string, std::string>>;
void CollectScalars(const YAML::Node& node, const std::string& path, Scalars* out) {
  if (node.IsScalar() && !path.empty()) out->emplace_back(path, node.Scalar());
  if (node.IsMap()) {
    for (auto kv : node) {
      CollectScalars(kv.second, path + (path.empty() ? "" : ".") + kv.first.Scalar(), out);
    }
  }
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      CollectScalars(node[i], path + "[" + std::to_string(i) + "]", out);
    }
  }
}

TEST_CASE("setting any scalar of any layout changes exactly that value on one line") {
  // The span finder against yaml-cpp's own reading: after Set the file reads as before but for
  // that one value. Each layout is sampled evenly (about 50 values, the last one included).
  for (const fs::path& p : AllLayouts()) {
    const std::string original = Read(p);
    Scalars before;
    CollectScalars(YAML::Load(original), "", &before);
    REQUIRE_FALSE(before.empty());
    std::vector<size_t> picks;
    const size_t stride = std::max<size_t>(1, before.size() / 50);
    for (size_t k = 0; k < before.size(); k += stride) picks.push_back(k);
    picks.push_back(before.size() - 1);
    for (const size_t k : picks) {
      const std::string& path = before[k].first;
      INFO(p << " " << path);
      LayoutSource doc = LayoutSource::FromText(original, p);
      doc.Set(path, "\"x y\"");
      CHECK(ChangedLines(original, doc.main().text) == 1);
      Scalars after;
      CollectScalars(YAML::Load(doc.main().text), "", &after);
      Scalars expected = before;
      expected[k].second = "x y";
      CHECK(after == expected);
      // Setting the old text back gives the original bytes.
      doc.Set(path, LayoutSource::FromText(original, p).Text(path));
      CHECK(doc.main().text == original);
    }
  }
}

TEST_CASE("a value edit changes one line and loads as the changed model") {
  const TempDir dir("edit");
  const fs::path p = CopyLayouts(fs::path(TWIN_TWINS_DIR) / "warehouse.yaml", dir);
  const std::string before = Read(p);
  LayoutSource doc = LayoutSource::Open(p);
  doc.Set("equipment.p_move_load.mass", "16.5");
  doc.Set("equipment.amr1.pose.position", "[1,2,0]");
  CHECK(doc.Text("equipment.amr1.pose.position") == "[1, 2, 0]");
  REQUIRE(twin::scenes::SaveLayout(doc) == std::vector<fs::path>{p});
  CHECK(ChangedLines(before, Read(p)) == 2);
  const auto scene = twin::scenes::LoadScene(p.string());
  const auto old_scene =
      twin::scenes::LoadScene((fs::path(TWIN_TWINS_DIR) / "warehouse.yaml").string());
  CHECK(scene.mjcf != old_scene.mjcf);
  CHECK(scene.mjcf.find("mass=\"16.5\"") != std::string::npos);
  const twin::scenes::Entity* amr1 = scene.site.FindEntity("amr1");
  REQUIRE(amr1 != nullptr);
  CHECK(amr1->pose.position == twin::scenes::Vec3{1, 2, 0});
  CHECK(old_scene.site.FindEntity("amr1")->pose.position == twin::scenes::Vec3{-9.5, -8, 0});
  CHECK(old_scene.mjcf.find("mass=\"16.5\"") == std::string::npos);
}

TEST_CASE("an edit inside an included layout is written there and the includer left alone") {
  const TempDir dir("include");
  const fs::path p = CopyLayouts(fs::path(TWIN_TEST_DATA) / "layouts/two_aisles.yaml", dir);
  const fs::path aisle = p.parent_path() / "aisle.yaml";
  const std::string main_before = Read(p), aisle_before = Read(aisle);
  LayoutSource doc = LayoutSource::Open(p);
  doc.Set("equipment.north_rack.bays", "2");
  REQUIRE(doc.Save() == std::vector<fs::path>{aisle});
  CHECK(Read(p) == main_before);
  CHECK(ChangedLines(aisle_before, Read(aisle)) == 1);
  CHECK(Read(aisle).find("    bays: 2\n") != std::string::npos);
  CHECK_THROWS_WITH(doc.Set("equipment.north_rak.bays", "2"),
                    Catch::Matchers::Contains("did you mean 'north_rack'"));
}

TEST_CASE("added keys and items follow the file style and removed items take their comments") {
  const std::string text =
      "site:\n  name: s\n\nequipment:\n  # the robot\n  - {type: amr, name: a1, pose: {position: "
      "[1, 2, 0]}}\n  - type: rack\n    name: r1\n\nlights: []\n";
  LayoutSource doc = LayoutSource::FromText(text, "t.yaml");
  doc.Set("equipment.a1.pose.yaw", "90");
  doc.Set("equipment.r1.bays", "2");
  doc.Set("site.seed", "7");
  CHECK(doc.main().text ==
        "site:\n  name: s\n  seed: 7\n\nequipment:\n  # the robot\n  - {type: amr, name: a1, "
        "pose: {position: [1, 2, 0], yaw: 90}}\n  - type: rack\n    name: r1\n    bays: 2\n\n"
        "lights: []\n");
  doc.Append("equipment", "{type: rack, name: r2}");
  CHECK(doc.main().text.find("    bays: 2\n  - type: rack\n    name: r2\n\nlights") !=
        std::string::npos);
  doc.Append("lights", "{name: sun, type: directional}");
  CHECK(doc.main().text.find("lights: [{name: sun, type: directional}]") != std::string::npos);
  doc.Remove("equipment.a1");
  CHECK(doc.main().text.find("the robot") == std::string::npos);
  CHECK(doc.main().text.find("equipment:\n  - type: rack\n    name: r1\n") != std::string::npos);
  doc.Remove("site.seed");
  CHECK(doc.main().text.find("seed") == std::string::npos);
  CHECK_THROWS_WITH(doc.Set("equipment.r3.bays", "1"),
                    Catch::Matchers::Contains("did you mean 'r1' or 'r2'"));
}

TEST_CASE("saving to an unwritable path names it and keeps the edits and the document dirty") {
  // Tests run as root in CI, where a read-only folder does not stop writes: a path under a
  // regular file cannot be created by anyone.
  const TempDir temp("unwritable");
  const fs::path& dir = temp.path();
  std::ofstream(dir / "plain_file") << "x";
  LayoutSource doc = LayoutSource::FromText("site: {name: s}\n", dir / "plain_file" / "l.yaml");
  doc.Set("site.name", "t");
  CHECK_THROWS_WITH(doc.Save(),
                    Catch::Matchers::Contains((dir / "plain_file" / "l.yaml").string()) &&
                        Catch::Matchers::Contains("Not a directory"));
  CHECK(doc.dirty());
  CHECK(doc.main().text == "site: {name: t}\n");
  CHECK(Read(dir / "plain_file") == "x");
}

TEST_CASE("twin layout generate warehouse-large is the committed twin") {
  const auto r = twin::testing::RunProcess({TWIN_BINARY, "layout", "generate", "warehouse-large"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == Read(fs::path(TWIN_TWINS_DIR) / "warehouse_large.yaml"));
}

TEST_CASE("twin layout fmt --check passes on every layout and diffs a messy one") {
  for (const fs::path& p : AllLayouts()) {
    const auto r = twin::testing::RunProcess({TWIN_BINARY, "layout", "fmt", "--check", p.string()});
    INFO(p << r.err);
    CHECK(r.exit_code == 0);
  }
  const TempDir dir("fmt");
  const fs::path messy = dir.path() / "messy.yaml";
  std::ofstream(messy) << "# c\nsite:\n    name:   s   # why\n    floor: {size: [ 4,3 ]}\n\n\n"
                          "equipment:\n- {type: amr,name: a}\n";
  auto r = twin::testing::RunProcess({TWIN_BINARY, "layout", "fmt", "--check", messy.string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("+  floor: {size: [4, 3]}") != std::string::npos);
  r = twin::testing::RunProcess({TWIN_BINARY, "layout", "fmt", messy.string()});
  CHECK(r.exit_code == 0);
  CHECK(Read(messy) ==
        "# c\nsite:\n  name: s   # why\n  floor: {size: [4, 3]}\n\nequipment:\n  - {type: amr, "
        "name: a}\n");
  r = twin::testing::RunProcess({TWIN_BINARY, "layout", "fmt", "--check", messy.string()});
  CHECK(r.exit_code == 0);  // fmt of fmt output: the same bytes
}

TEST_CASE("twin layout set edits in place and refuses bad paths and values untouched") {
  const TempDir dir("set");
  const fs::path p = CopyLayouts(fs::path(TWIN_TWINS_DIR) / "warehouse.yaml", dir);
  const std::string before = Read(p);
  auto set = [&](const std::string& a) {
    return twin::testing::RunProcess({TWIN_BINARY, "layout", "set", p.string(), a});
  };
  auto r = set("equipment.amr9.pose.yaw=3");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("did you mean 'amr1' or 'amr2'") != std::string::npos);
  r = set("equipment.amr1.pose.yaww=3");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("unknown key 'yaww' (did you mean 'yaw'?)") != std::string::npos);
  r = set("equipment.p_move_load.mass=-3");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("must be > 0, got -3") != std::string::npos);
  r = set("equipment.amr1.pose.yaw=[1,");
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("is not a YAML value") != std::string::npos);
  CHECK(Read(p) == before);
  r = set("equipment.amr1.pose.position=[1,2,0]");
  CHECK(r.exit_code == 0);
  CHECK(ChangedLines(before, Read(p)) == 1);
  CHECK(Read(p).find("{type: amr, name: amr1, pose: {position: [1, 2, 0], yaw: 0}}") !=
        std::string::npos);
}

TEST_CASE("twin layout set edits an included layout and puts it back when the result is bad") {
  const TempDir dir("set_include");
  const fs::path p = CopyLayouts(fs::path(TWIN_TEST_DATA) / "layouts/two_aisles.yaml", dir);
  const fs::path aisle = p.parent_path() / "aisle.yaml";
  const std::string main_before = Read(p), aisle_before = Read(aisle);
  auto r = twin::testing::RunProcess(
      {TWIN_BINARY, "layout", "set", p.string(), "equipment.south_rack.levels=0"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("levels") != std::string::npos);
  CHECK(Read(aisle) == aisle_before);
  r = twin::testing::RunProcess(
      {TWIN_BINARY, "layout", "set", p.string(), "equipment.south_rack.levels=3"});
  CHECK(r.exit_code == 0);
  CHECK(Read(p) == main_before);
  CHECK(ChangedLines(aisle_before, Read(aisle)) == 1);
  CHECK(twin::scenes::LoadScene(p.string()).site.FindEntity("north_rack") != nullptr);
}

TEST_CASE("removing block items and flow entries leaves the rest as written") {
  LayoutSource doc = LayoutSource::FromText(
      "equipment:\n  # a rack\n  # on two lines\n  - type: rack\n    name: r1\n    bays: 2  # why\n"
      "\n  # the pallet\n  - type: pallet\n    name: p1\n    size: [1, 2, 3]\n"
      "lights:\n  - {name: a, direction: [0, 0, -1], cutoff: 60}\n",
      "t.yaml");
  doc.Remove("equipment.r1");
  CHECK(doc.main().text ==
        "equipment:\n\n  # the pallet\n  - type: pallet\n    name: p1\n    size: [1, 2, 3]\n"
        "lights:\n  - {name: a, direction: [0, 0, -1], cutoff: 60}\n");
  doc.Remove("equipment.p1.size[1]");
  doc.Remove("lights.a.direction");
  doc.Remove("lights.a.cutoff");
  CHECK(doc.main().text ==
        "equipment:\n\n  # the pallet\n  - type: pallet\n    name: p1\n    size: [1, 3]\n"
        "lights:\n  - {name: a}\n");
  CHECK_THROWS_WITH(doc.Remove("equipment.p1.type"), Catch::Matchers::Contains("shares its line"));
}

TEST_CASE("edits refuse block scalars and multi-line plain scalars naming file line and column") {
  using Catch::Matchers::Contains;
  // A block scalar as the value set, as the last value of the mapping a key is added to, and as
  // the last value of an item removed: each would leave its content lines behind.
  const std::string block =
      "site:\n  name: s\n  note: |\n    first\n    second\nequipment:\n  - type: rack\n"
      "    name: r1\n    label: >\n      folded\n";
  LayoutSource doc = LayoutSource::FromText(block, "b.yaml");
  CHECK_THROWS_WITH(doc.Set("site.note", "x"),
                    Contains("b.yaml:3:9: a block scalar ('|')") && Contains("one quoted line"));
  CHECK_THROWS_WITH(doc.Set("site.seed", "7"), Contains("b.yaml:3:9: a block scalar"));
  CHECK_THROWS_WITH(doc.Remove("equipment.r1"), Contains("b.yaml:9:12: a block scalar ('>')"));
  CHECK_THROWS_WITH(doc.Text("site.note"), Contains("b.yaml:3:9"));
  CHECK(doc.main().text == block);
  doc.Set("site.name", "t");  // a value elsewhere is still set
  CHECK(ChangedLines(block, doc.main().text) == 1);

  const std::string plain = "site:\n  name: a long\n    name\n  seed: 1\n";
  doc = LayoutSource::FromText(plain, "p.yaml");
  CHECK_THROWS_WITH(doc.Set("site.name", "x"),
                    Contains("p.yaml:2:9: a plain scalar continued on the next line") &&
                        Contains("join it into one line"));
  CHECK(doc.main().text == plain);
  // In a flow collection too.
  doc = LayoutSource::FromText("site: {name: [a\n  b, c]}\n", "f.yaml");
  CHECK_THROWS_WITH(doc.Set("site.name[0]", "x"), Contains("f.yaml:1:15: a plain scalar"));
  doc.Set("site.name[1]", "d");
  CHECK(doc.main().text == "site: {name: [a\n  b, d]}\n");
}

TEST_CASE("edits refuse files with CRLF line ends or a byte-order mark") {
  using Catch::Matchers::Contains;
  const std::string crlf = "site:\r\n  name: s\r\n";
  LayoutSource doc = LayoutSource::FromText(crlf, "w.yaml");
  CHECK_THROWS_WITH(
      doc.Set("site.name", "t"),
      Contains("w.yaml:1:6: a carriage return (CRLF line ends)") && Contains("dos2unix"));
  CHECK_THROWS_WITH(doc.Set("site.seed", "1"), Contains("w.yaml:1:6"));
  CHECK_THROWS_WITH(doc.Remove("site.name"), Contains("w.yaml:1:6"));
  CHECK_THROWS_WITH(doc.Append("lights", "{name: sun}"), Contains("w.yaml:1:6"));
  CHECK(doc.main().text == crlf);
  // A lone CR further down is named where it is.
  doc = LayoutSource::FromText("site:\n  name: s\r\n", "w.yaml");
  CHECK_THROWS_WITH(doc.Set("site.name", "t"), Contains("w.yaml:2:10: a carriage return"));

  const std::string bom = "\xEF\xBB\xBFsite:\n  name: s\n";
  doc = LayoutSource::FromText(bom, "m.yaml");
  CHECK_THROWS_WITH(
      doc.Set("site.name", "t"),
      Contains("m.yaml:1:1: the file starts with a byte-order mark") && Contains("remove it"));
  CHECK(doc.main().text == bom);
}

TEST_CASE("setting a block collection writes the flow value on the key's line") {
  // The collection's lines (and comments among them) go; a comment after its last value stays.
  LayoutSource doc = LayoutSource::FromText(
      "equipment:\n  - type: amr\n    name: a1\n    pose:\n      # where it starts\n"
      "      position: [1, 2, 0]\n      yaw: 90  # facing north\n    speed: 1\n"
      "  - type: pallet\n    name: p1\n    size:\n      - 1\n      - 2\n      - 3\nlights: []\n",
      "c.yaml");
  doc.Set("equipment.a1.pose", "{position: [3,4,0]}");
  doc.Set("equipment.p1.size", "[4, 5, 6]");
  CHECK(doc.main().text ==
        "equipment:\n  - type: amr\n    name: a1\n    pose: {position: [3, 4, 0]}  # facing north\n"
        "    speed: 1\n  - type: pallet\n    name: p1\n    size: [4, 5, 6]\nlights: []\n");
  const YAML::Node read = YAML::Load(doc.main().text);
  CHECK(read["equipment"][0]["pose"]["position"][1].as<int>() == 4);
  CHECK(read["equipment"][0]["speed"].as<int>() == 1);
  CHECK(read["equipment"][1]["size"].size() == 3);
}

TEST_CASE("twin layout set refuses a CRLF file and a block scalar and leaves them unchanged") {
  const TempDir dir("set_refused");
  const fs::path crlf = dir.path() / "crlf.yaml";
  const fs::path block = dir.path() / "block.yaml";
  std::ofstream(crlf, std::ios::binary) << "site:\r\n  name: s\r\n";
  std::ofstream(block, std::ios::binary) << "site:\n  name: s\n  note: >\n    folded\n";
  auto r = twin::testing::RunProcess({TWIN_BINARY, "layout", "set", crlf.string(), "site.name=t"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(crlf.string() + ":1:6: a carriage return") != std::string::npos);
  CHECK(Read(crlf) == "site:\r\n  name: s\r\n");
  r = twin::testing::RunProcess({TWIN_BINARY, "layout", "set", block.string(), "site.note=x"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(block.string() + ":3:9: a block scalar ('>')") != std::string::npos);
  CHECK(Read(block) == "site:\n  name: s\n  note: >\n    folded\n");
}
