// The layout document: parsing apart from expanding, and every layout expanding as it loads.
#include <twin/scenes/layout_document.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using twin::scenes::Expand;
using twin::scenes::Layout;
using twin::scenes::LoadLayoutDocument;
using twin::scenes::LoadScene;

namespace {

// Every built-in twin and every test layout that loads (the include cycles do not).
std::vector<std::string> ValidLayouts() {
  std::vector<std::string> out;
  for (const std::string& dir :
       {std::string(TWIN_TWINS_DIR), std::string(TWIN_TEST_DATA) + "/layouts"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() != ".yaml") continue;
      if (entry.path().filename().string().rfind("cycle_", 0) == 0) continue;
      out.push_back(entry.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The 1-based line of `file` on which `text` first appears (0 when it does not).
int LineOf(const std::string& file, const std::string& text) {
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.find(text) != std::string::npos) return n;
  }
  return 0;
}

}  // namespace

TEST_CASE("Every layout expands from its document to the bytes LoadScene gives",
          "[scenes][layout_document]") {
  const std::vector<std::string> layouts = ValidLayouts();
  REQUIRE(layouts.size() >= 8);
  for (const std::string& path : layouts) {
    INFO(path);
    const twin::scenes::Scene loaded = LoadScene(path);
    const Layout document = LoadLayoutDocument(path);
    const twin::scenes::Scene expanded = Expand(document);
    CHECK(expanded.mjcf == loaded.mjcf);
    CHECK(expanded.site.entities.size() == loaded.site.entities.size());
    CHECK(expanded.site.classes == loaded.site.classes);
    // Expanding does not use the document up, and a copy expands alike.
    CHECK(Expand(document).mjcf == loaded.mjcf);
    const Layout copy = document;
    CHECK(copy == document);
    CHECK(Expand(copy).mjcf == loaded.mjcf);
  }
}

TEST_CASE("The document keeps items, includes and sections as written, with their positions",
          "[scenes][layout_document]") {
  const std::string top = std::string(TWIN_TEST_DATA) + "/layouts/two_aisles.yaml";
  const std::string aisle = (fs::path(TWIN_TEST_DATA) / "layouts/aisle.yaml").lexically_normal();
  const Layout doc = LoadLayoutDocument(top);
  // Includes are not flattened: aisle.yaml is one document, included twice.
  REQUIRE(doc.files().size() == 2);
  CHECK(doc.top().items.empty());
  REQUIRE(doc.top().includes.size() == 2);
  CHECK(doc.top().includes[0].file == "aisle.yaml");
  CHECK(doc.top().includes[0].prefix == "north_");
  CHECK(doc.top().includes[0].document == 1);
  CHECK(doc.top().includes[1].document == 1);
  REQUIRE(doc.top().includes[1].pose);
  CHECK(doc.top().includes[1].pose->yaw == 180.0);
  CHECK(doc.top().includes[1].at.line == LineOf(top, "file: aisle.yaml") + 3);
  CHECK(doc.top().site.present);
  CHECK(doc.top().site.values.size() == 2);

  const twin::scenes::LayoutFile& included = doc.files()[1];
  CHECK(included.path == aisle);
  REQUIRE(included.items.size() == 2);
  const twin::scenes::LayoutItem& pallet = included.items[1];
  CHECK(pallet.type == "pallet");
  CHECK(pallet.name == "pallet");  // as written: no prefix
  CHECK(pallet.parent == "rack/bay1/level1");
  CHECK(pallet.at.file == aisle);
  CHECK(pallet.at.path == "equipment[1]");
  CHECK(pallet.at.line == LineOf(aisle, "type: pallet"));
  CHECK(pallet.at.column == 5);
  const twin::scenes::LayoutItem& rack = included.items[0];
  REQUIRE(rack.parameters.size() == 2);
  CHECK(rack.parameters[0].key == "bays");
  CHECK(std::get<double>(rack.parameters[0].value.data) == 1.0);
  CHECK(rack.parameters[1].at.path == "equipment[0].levels");
  CHECK(rack.parameters[1].at.line == LineOf(aisle, "levels: 2"));
}

TEST_CASE("The warehouse document lists its items, sensors and lights as written",
          "[scenes][layout_document]") {
  const std::string path = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  const Layout doc = LoadLayoutDocument(path);
  const twin::scenes::Scene scene = LoadScene(path);
  // warehouse.yaml includes nothing: its items are the first entities, in order (the
  // randomize section's distractors follow them).
  REQUIRE(doc.files().size() == 1);
  REQUIRE(doc.top().items.size() > 50);
  REQUIRE(doc.top().items.size() <= scene.site.entities.size());
  for (size_t i = 0; i < doc.top().items.size(); ++i) {
    const twin::scenes::LayoutItem& item = doc.top().items[i];
    CHECK(item.name == scene.site.entities[i].name);
    CHECK(item.type == scene.site.entities[i].type);
    // The Site names where each entity was written: the same place as the item's.
    CHECK(scene.site.entities[i].source ==
          path + ":" + std::to_string(item.at.line) + ":" + std::to_string(item.at.column));
  }
  CHECK(doc.top().sensors.size() == scene.site.cameras.size() + scene.site.lidars.size() +
                                        scene.site.imus.size() + scene.site.beam_breaks.size());
  CHECK_FALSE(doc.top().lights.empty());
}

TEST_CASE("A document fails to load only when it cannot be parsed", "[scenes][layout_document]") {
  const auto dir = fs::temp_directory_path() / "twin_document_test";
  fs::create_directories(dir);
  std::ofstream(dir / "syntax.yaml") << "equipment:\n  - {type: carton\n";
  CHECK_THAT(
      twin::testing::ErrorMessage([&] { LoadLayoutDocument((dir / "syntax.yaml").string()); }),
      Catch::Contains("syntax.yaml:3:1: YAML syntax error"));
  CHECK(twin::testing::ErrorMessage([&] { LoadLayoutDocument((dir / "none.yaml").string()); }) ==
        (dir / "none.yaml").string() + ": no such file (check the path)");
  // An unknown type parses; Expand reports it exactly as LoadScene does.
  std::ofstream(dir / "type.yaml") << "equipment:\n  - {type: cartn, name: c}\n";
  const Layout doc = LoadLayoutDocument((dir / "type.yaml").string());
  const std::string expected =
      twin::testing::ErrorMessage([&] { LoadScene((dir / "type.yaml").string()); });
  CHECK_THAT(expected, Catch::Contains("unknown equipment type 'cartn'"));
  CHECK(twin::testing::ErrorMessage([&] { Expand(doc); }) == expected);
  // A broken included layout is reported where it is included, after the items before it.
  std::ofstream(dir / "broken.yaml") << "equipment: [\n";
  std::ofstream(dir / "top.yaml")
      << "equipment:\n  - {type: carton, name: c, size: [1, 1, -1]}\ninclude:\n"
         "  - {file: broken.yaml}\n";
  const std::string message =
      twin::testing::ErrorMessage([&] { LoadScene((dir / "top.yaml").string()); });
  CHECK_THAT(message, Catch::Contains("top.yaml:2:35: equipment[0].size"));
  CHECK(twin::testing::ErrorMessage(
            [&] { Expand(LoadLayoutDocument((dir / "top.yaml").string())); }) == message);
  fs::remove_all(dir);
}
