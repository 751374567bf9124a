// The complete example of scenes/README.md is a layout that loads: the documentation cannot
// drift from the code. The files it includes are written beside it by the test.
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

std::string ExampleFromReadme() {
  std::ifstream in(std::string(TWIN_SOURCE_DIR) + "/scenes/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const size_t heading = all.find("## A complete example");
  REQUIRE(heading != std::string::npos);
  const size_t start = all.find("```yaml\n", heading);
  REQUIRE(start != std::string::npos);
  const size_t end = all.find("```", start + 8);
  return all.substr(start + 8, end - start - 8);
}

}  // namespace

TEST_CASE("The complete example of scenes/README.md loads and runs", "[scenes][readme]") {
  const fs::path dir = fs::temp_directory_path() / "twin_readme_example";
  fs::remove_all(dir);
  fs::create_directories(dir / "robots");
  fs::create_directories(dir / "machines");
  fs::create_directories(dir / "robots/my_robot_description");
  const std::string data = TWIN_TEST_DATA;
  std::ofstream(dir / "aisle.yaml") << "equipment:\n  - {type: rack, name: rack, bays: 1}\n";
  fs::copy_file(data + "/two_link.urdf", dir / "robots/my_robot.urdf");
  fs::copy_file(data + "/cell.xml", dir / "machines/press.xml");
  const std::string yaml = ExampleFromReadme();

  const auto scene =
      twin::scenes::LoadLayoutText(yaml, (dir / "example.yaml").string(), dir.string());
  CHECK(scene.site.name == "packing_line");
  CHECK(scene.site.FindEntity("box_1") != nullptr);
  CHECK(scene.site.FindEntity("east_rack") != nullptr);
  CHECK(scene.site.FindEntity("robot") != nullptr);
  CHECK(scene.site.cameras.size() == 1);
  twin::sim::World world = twin::sim::World::FromScene(scene);
  world.Step(250);
  CHECK_FALSE(world.diverged());
  fs::remove_all(dir);
}
