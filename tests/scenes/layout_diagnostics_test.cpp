// Checking a layout lists every mistake, each exactly as the loader reports it alone.
#include <twin/scenes/layout_diagnostics.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using twin::scenes::CheckLayout;
using twin::scenes::Diagnostic;
using twin::scenes::LayoutCheck;
using twin::scenes::LoadLayoutText;
using twin::scenes::ParseLayoutDocument;

namespace {
const std::string kData = TWIN_TEST_DATA;

LayoutCheck Check(const std::string& text, size_t limit = 100) {
  return CheckLayout(ParseLayoutDocument(text, "test.yaml", kData), limit);
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}
}  // namespace

TEST_CASE("Checking lists independent mistakes in file order, each as the loader gives it alone",
          "[scenes][layout_diagnostics]") {
  // Each line with a mistake, and the same line without it.
  const std::vector<std::pair<std::string, std::string>> lines = {
      {"  - {type: conveyor, name: belt, sped: 0.5}", "  - {type: conveyor, name: belt}"},
      {"  - {type: conveyor, name: belt2, length: -1}", "  - {type: conveyor, name: belt2}"},
      {"  - {type: carton, name: c1, parent: nowhere}", "  - {type: carton, name: c1}"},
      {"  - {type: pallet, name: belt}", "  - {type: pallet, name: p1}"},
  };
  std::vector<std::string> text{"equipment:"};
  for (const auto& line : lines) text.push_back(line.first);
  // Placed on an item left out for its own mistake: not reported again as "unknown parent".
  text.push_back("  - {type: carton, name: c2, parent: belt2}");
  const LayoutCheck check = Check(Joined(text));
  REQUIRE(check.diagnostics.size() == lines.size());
  CHECK(check.errors() == lines.size());
  CHECK_FALSE(check.scene);
  CHECK_FALSE(check.truncated);
  for (size_t k = 0; k < lines.size(); ++k) {
    // The truth for diagnostic k: the loader's one message for the layout with the mistakes
    // before line k corrected.
    std::vector<std::string> alone{"equipment:"};
    for (size_t j = 0; j < lines.size(); ++j) {
      alone.push_back(j < k ? lines[j].second : lines[j].first);
    }
    const std::string expected =
        twin::testing::ErrorMessage([&] { LoadLayoutText(Joined(alone), "test.yaml", kData); });
    const Diagnostic& d = check.diagnostics[k];
    INFO(k);
    CHECK(d.text == expected);
    CHECK(d.severity == Diagnostic::Severity::kError);
    CHECK(d.at.file == "test.yaml");
    CHECK(d.at.line == static_cast<int>(k) + 2);
    CHECK(d.at.column > 0);
    CHECK(d.text == "test.yaml:" + std::to_string(d.at.line) + ":" + std::to_string(d.at.column) +
                        ": " + d.at.path + ": " + d.message);
  }
  CHECK(check.diagnostics[0].at.path == "equipment[0]");
  CHECK(check.diagnostics[1].at.path == "equipment[1].length");
  CHECK(check.diagnostics[2].at.path == "equipment[2].parent");
  CHECK(check.diagnostics[3].at.path == "equipment[3].name");
}

TEST_CASE("Checking goes on through sections and included layouts",
          "[scenes][layout_diagnostics]") {
  const auto dir = fs::temp_directory_path() / "twin_diagnostics_test";
  fs::create_directories(dir);
  std::ofstream(dir / "part.yaml") << "equipment:\n  - {type: pallet, name: p, colour: red}\n";
  const std::string text =
      "equipment:\n"
      "  - {type: carton, name: c, size: [1, 0, 1]}\n"
      "include:\n"
      "  - {file: part.yaml}\n"
      "  - {file: missing.yaml}\n"
      "lights:\n"
      "  - {name: sun, typo: 1}\n"
      "extra: 1\n";
  const LayoutCheck check = CheckLayout(ParseLayoutDocument(text, "top.yaml", dir.string()));
  std::vector<std::string> where;
  for (const Diagnostic& d : check.diagnostics) where.push_back(d.at.file + " " + d.at.path);
  // The include list is one unit: the missing file stops it after part.yaml's own mistake.
  CHECK(where == std::vector<std::string>{
                     "top.yaml equipment[0].size", (dir / "part.yaml").string() + " equipment[0]",
                     "top.yaml include[1].file", "top.yaml lights[0]", "top.yaml "});
  CHECK_THAT(check.diagnostics.back().message, Catch::Contains("unknown key 'extra'"));
  // The first is what loading says.
  CHECK(check.diagnostics.front().text ==
        twin::testing::ErrorMessage([&] { LoadLayoutText(text, "top.yaml", dir.string()); }));
  fs::remove_all(dir);
}

TEST_CASE("Checking stops at its limit and says so", "[scenes][layout_diagnostics]") {
  std::string text = "equipment:\n";
  for (int i = 0; i < 30; ++i)
    text += "  - {type: carton, name: c" + std::to_string(i) + ", mas: 1}\n";
  const LayoutCheck all = Check(text);
  CHECK(all.diagnostics.size() == 30);
  CHECK_FALSE(all.truncated);
  const LayoutCheck some = Check(text, 10);
  CHECK(some.diagnostics.size() == 10);
  CHECK(some.truncated);
  CHECK(some.diagnostics[9].at.line == 11);
}

TEST_CASE("A valid layout checks clean and expands as it loads", "[scenes][layout_diagnostics]") {
  const std::string path = std::string(TWIN_TWINS_DIR) + "/warehouse.yaml";
  const LayoutCheck check = twin::scenes::CheckLayoutFile(path);
  CHECK(check.errors() == 0);
  REQUIRE(check.scene);
  CHECK(check.scene->mjcf == twin::scenes::LoadScene(path).mjcf);
  // A file that does not parse is one error.
  const LayoutCheck missing = twin::scenes::CheckLayoutFile("/no/such/layout.yaml");
  REQUIRE(missing.diagnostics.size() == 1);
  CHECK(missing.diagnostics[0].text == "/no/such/layout.yaml: no such file (check the path)");
}
