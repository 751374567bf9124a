// twin's exported MJCF, judged by MuJoCo's own tools (mujoco-compile, mujoco-testxml from
// libmujoco-samples). Both exit 0 even on errors, so they are judged by their output.
#include <twin/scenes/export.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include "process.h"

#include <filesystem>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using twin::testing::RunProcess;

namespace {
const std::string kData = TWIN_TEST_DATA;

// Exports `scene` into a fresh folder and runs MuJoCo's tools on the result.
void RequireMujocoToolsAccept(const twin::scenes::Scene& scene, const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("twin_export_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  const auto result = twin::scenes::ExportScene(scene, (dir / (name + ".xml")).string());
  // Nothing may point back into the source tree: move the folder, then check.
  const fs::path moved = dir.string() + "_moved";
  fs::remove_all(moved);
  fs::rename(dir, moved);
  const std::string model = (moved / (name + ".xml")).string();

  const auto compiled =
      RunProcess({"/usr/bin/mujoco-compile", model, (moved / "out.mjb").string()});
  INFO(compiled.out << compiled.err);
  CHECK_THAT(compiled.out + compiled.err, !Contains("Error"));
  CHECK(fs::file_size(moved / "out.mjb") > 0);

  // mujoco-testxml loads, saves, reloads and compares; it writes next to the working directory.
  const auto tested = RunProcess(
      {"/bin/sh", "-c", "cd '" + moved.string() + "' && /usr/bin/mujoco-testxml '" + model + "'"});
  INFO(tested.out << tested.err);
  CHECK_THAT(tested.out + tested.err, !Contains("Error"));
  REQUIRE_THAT(tested.out, Contains("Comparison of original and saved model"));
  const auto at = tested.out.find("Max difference :");
  REQUIRE(at != std::string::npos);
  CHECK(std::stod(tested.out.substr(at + 16)) < 1e-4);
  fs::remove_all(moved);
}
}  // namespace

TEST_CASE("An exported layout passes mujoco-compile and mujoco-testxml", "[scenes][export]") {
  RequireMujocoToolsAccept(twin::scenes::LoadLayoutText(R"(
site: {name: line}
equipment:
  - {type: conveyor, name: belt, length: 3}
  - {type: roller_conveyor, name: rollers, pose: {position: [0, 2, 0]}, powered: true}
  - {type: rack, name: rack, pose: {position: [0, -3, 0]}}
  - {type: pallet, name: pallet, parent: rack/bay1/level1}
  - {type: carton, name: carton, parent: pallet}
  - {type: spawner, name: feed, parent: belt/start, interval: 3, pool: 4}
  - {type: sink, name: out, parent: belt/end}
include:
  - file: urdf/mesh_robot.urdf
    name: robot
    pose: {position: [3, 0, 0]}
    package_paths: {twin_test_description: urdf/twin_test_description}
sensors:
  cameras: [{name: cam, position: [0, -5, 4], look_at: [0, 0, 0]}]
  beam_breaks: [{name: gate, from: [0, -0.4, 0.85], to: [0, 0.4, 0.85]}]
  imus: [{name: imu, mount: carton, noise: {accel: 0.01, gyro: 0.001}}]
lights: [{name: sun, type: directional, direction: [0, 0, -1]}]
)",
                                                        kData + "/export_test.yaml", kData),
                           "layout");
}

TEST_CASE("The warehouse twins export to MJCF that MuJoCo's tools accept", "[scenes][export]") {
  const std::string twin = GENERATE("warehouse", "warehouse_large");
  RequireMujocoToolsAccept(
      twin::scenes::LoadScene(std::string(TWIN_TWINS_DIR) + "/" + twin + ".yaml"), twin);
}

TEST_CASE("twin export refuses an output folder that does not exist", "[scenes][export]") {
  const auto scene = twin::scenes::LoadScene(kData + "/cell.xml");
  CHECK_THROWS_WITH(twin::scenes::ExportScene(scene, "/nonexistent_dir/out.xml"),
                    Contains("the folder /nonexistent_dir does not exist"));
}
