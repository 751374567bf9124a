// The files a scene is built from (scene_sources.h): what twin datagen hashes into a dataset's
// identity, so a file missing from the list is a change a resumed dataset would not notice. The
// truth is the set of files the test itself wrote and named in its scene.
#include <twin/scenes/scene_sources.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
const fs::path kData = TWIN_TEST_DATA;

struct Folder {
  fs::path path = fs::temp_directory_path() / ("twin_scene_sources_" + std::to_string(getpid()));
  Folder() {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~Folder() { fs::remove_all(path); }
  fs::path Write(const std::string& name, const std::string& text) const {
    fs::create_directories((path / name).parent_path());
    std::ofstream(path / name) << text;
    return (path / name).lexically_normal();
  }
};

std::vector<fs::path> Sorted(std::vector<fs::path> files) {
  for (fs::path& f : files) f = fs::absolute(f).lexically_normal();
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("A layout lists itself, its included layouts and models, and their meshes",
          "[scenes][sources]") {
  Folder dir;
  fs::create_directories(dir.path / "models/meshes");
  fs::copy_file(kData / "meshes/wedge.obj", dir.path / "models/meshes/wedge.obj");
  const fs::path part = dir.Write(
      "models/part.xml",
      "<mujoco><worldbody><body name=\"part\" pos=\"0 0 1\"><geom type=\"box\" size=\".1 .1 "
      ".1\"/></body></worldbody></mujoco>\n");
  const fs::path model = dir.Write(
      "models/fixture.xml",
      "<mujoco><compiler meshdir=\"meshes\"/><asset><mesh name=\"wedge\" file=\"wedge.obj\"/>"
      "</asset><worldbody><body name=\"base\"><geom type=\"mesh\" mesh=\"wedge\"/></body>"
      "</worldbody><include file=\"part.xml\"/></mujoco>\n");
  const fs::path sub = dir.Write(
      "sub/cell.yaml", "equipment:\n  - {type: carton, name: box, pose: {position: [1, 0, 0]}}\n");
  const fs::path top =
      dir.Write("top.yaml",
                "include:\n"
                "  - {file: sub/cell.yaml, pose: {position: [0, 3, 0]}}\n"
                "  - {file: models/fixture.xml, name: fixture, pose: {position: [3, 0, 0]}}\n"
                "  - file: " +
                    (kData / "urdf/mesh_robot.urdf").string() +
                    "\n"
                    "    name: robot\n"
                    "    package_paths: {twin_test_description: " +
                    (kData / "urdf/twin_test_description").string() + "}\n");

  std::vector<fs::path> files;
  const twin::scenes::Scene scene = twin::scenes::LoadSceneListingFiles(top.string(), files);
  const fs::path robot = kData / "urdf/twin_test_description/meshes";
  CHECK(files == Sorted({top, sub, model, part, dir.path / "models/meshes/wedge.obj",
                         kData / "urdf/mesh_robot.urdf", robot / "visual/base.dae",
                         robot / "collision/base.stl", robot / "link.obj"}));
  // The list does not change what is loaded: MuJoCo compiles the same scene.
  twin::sim::World world = twin::sim::World::FromScene(scene);
  CHECK(world.BodyId("fixture/part") >= 0);
}

TEST_CASE("A model lists itself, its <include>s and its asset files", "[scenes][sources]") {
  Folder dir;
  fs::create_directories(dir.path / "assets");
  fs::copy_file(kData / "meshes/wedge.obj", dir.path / "assets/wedge.obj");
  const fs::path part = dir.Write(
      "part.xml",
      "<mujoco><worldbody><body name=\"part\" pos=\"0 0 1\"><geom type=\"box\" size=\".1 .1 "
      ".1\"/></body></worldbody></mujoco>\n");
  const fs::path model = dir.Write(
      "model.xml",
      "<mujoco><compiler meshdir=\"assets\"/><asset><mesh file=\"wedge.obj\"/></asset>"
      "<worldbody><geom type=\"mesh\" mesh=\"wedge\"/></worldbody><include file=\"part.xml\"/>"
      "</mujoco>\n");
  std::vector<fs::path> files;
  twin::scenes::LoadSceneListingFiles(model.string(), files);
  CHECK(files == Sorted({model, part, dir.path / "assets/wedge.obj"}));
}
