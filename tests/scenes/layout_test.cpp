// Layout files: what they expand to, and every kind of mistake a person makes writing one.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <mujoco/mujoco.h>

#include <cstring>
#include <string>

using twin::scenes::LoadLayoutText;
using twin::scenes::LoadScene;
using twin::scenes::Scene;

namespace {
const std::string kData = TWIN_TEST_DATA;

Scene Layout(const std::string& text) {
  return LoadLayoutText(text, "test.yaml", kData);
}

// The exact message a layout gives.
std::string ErrorOf(const std::string& text) {
  return twin::testing::ErrorMessage([&] { Layout(text); });
}

// Compiles the expanded MJCF with MuJoCo itself.
mjModel* Compile(const Scene& scene) {
  mjVFS* vfs = new mjVFS;
  mj_defaultVFS(vfs);
  mj_makeEmptyFileVFS(vfs, "layout.xml", static_cast<int>(scene.mjcf.size()));
  std::memcpy(vfs->filedata[mj_findFileVFS(vfs, "layout.xml")], scene.mjcf.data(),
              scene.mjcf.size());
  char error[1000] = "";
  mjModel* model = mj_loadXML("layout.xml", vfs, error, sizeof(error));
  mj_deleteVFS(vfs);
  delete vfs;
  INFO(error);
  REQUIRE(model != nullptr);
  return model;
}
}  // namespace

TEST_CASE("A layout expands to MJCF that MuJoCo compiles, plus a Site record", "[scenes][layout]") {
  const Scene scene = Layout(R"(
site: {name: cell, timestep: 0.001, seed: 7}
equipment:
  - {type: conveyor, name: belt, pose: {position: [1, 2, 0], yaw: 90}, length: 2, speed: 0.5}
  - {type: pallet, name: p1, pose: {position: [3, 0, 0]}}
  - {type: carton, name: c1, parent: p1, size: [0.4, 0.3, 0.2], class: parcel}
)");
  CHECK(scene.source == twin::scenes::SceneSource::kLayout);
  CHECK(scene.site.name == "cell");
  CHECK(scene.site.seed == 7);
  CHECK(scene.site.timestep == 0.001);
  REQUIRE(scene.site.entities.size() == 3);
  CHECK(scene.site.classes == std::vector<std::string>{"conveyor", "pallet", "parcel"});
  const auto* c1 = scene.site.FindEntity("c1");
  REQUIRE(c1);
  CHECK(c1->class_id == 3);
  CHECK(c1->instance_id == 3);
  CHECK(c1->parent == "p1");
  // On the pallet: 144 mm up, at the pallet's x.
  CHECK(c1->pose.position[0] == Approx(3));
  CHECK(c1->pose.position[2] == Approx(0.144));
  REQUIRE(scene.site.conveyors.size() == 1);
  CHECK(scene.site.conveyors[0].speed == 0.5);
  CHECK(scene.site.conveyors[0].belt_joint == "belt/belt_slide");

  mjModel* m = Compile(scene);
  CHECK(m->opt.timestep == 0.001);
  CHECK(mj_name2id(m, mjOBJ_BODY, "c1") >= 0);
  CHECK(mj_name2id(m, mjOBJ_JOINT, "c1/free") >= 0);
  CHECK(mj_name2id(m, mjOBJ_JOINT, "belt/belt_slide") >= 0);
  // The conveyor's yaw of 90 degrees turns its +x (travel) axis onto world +y.
  mjData* d = mj_makeData(m);
  mj_forward(m, d);
  const int belt = mj_name2id(m, mjOBJ_BODY, "belt/belt");
  CHECK(d->xmat[9 * belt + 3] == Approx(1).margin(1e-9));  // R(1,0): x axis has a +y component
  CHECK(d->xpos[3 * belt + 0] == Approx(1));
  CHECK(d->xpos[3 * belt + 1] == Approx(2));
  mj_deleteData(d);
  mj_deleteModel(m);
}

TEST_CASE("Parents place items on racks, pallets and conveyors", "[scenes][layout]") {
  const Scene scene = Layout(R"(
equipment:
  - {type: rack, name: r, bays: 2, levels: 3, level_height: 1.2, pose: {position: [0, 0, 0]}}
  - {type: pallet, name: p, parent: r/bay2/level3}
  - {type: carton, name: c, parent: p}
)");
  const auto* p = scene.site.FindEntity("p");
  const auto* c = scene.site.FindEntity("c");
  CHECK(p->pose.position[2] == Approx(3.6));
  CHECK(p->pose.position[0] > 0);  // bay 2 of 2 is on the +x side
  CHECK(c->pose.position[2] == Approx(3.6 + 0.144));
}

TEST_CASE("Included layouts are placed with a pose and a name prefix", "[scenes][layout]") {
  const Scene scene = LoadScene(kData + "/layouts/two_aisles.yaml");
  CHECK(scene.site.name == "two_aisles");
  REQUIRE(scene.site.FindEntity("north_pallet"));
  REQUIRE(scene.site.FindEntity("south_pallet"));
  CHECK(scene.site.FindEntity("north_pallet")->pose.position[1] == Approx(3));
  CHECK(scene.site.FindEntity("south_pallet")->pose.position[1] == Approx(-3));
  CHECK(scene.site.FindEntity("north_pallet")->parent == "north_rack/bay1/level1");
  mj_deleteModel(Compile(scene));
}

TEST_CASE("Layout errors name file, line, column, key and what is allowed", "[scenes][layout]") {
  SECTION("unknown type, with a suggestion and the list of types") {
    CHECK(ErrorOf("equipment:\n  - {type: conveyer, name: a}\n") ==
          "test.yaml:2:12: equipment[0].type: unknown equipment type 'conveyer' (did you mean "
          "'conveyor'?); the types are: carton, tote, pallet, obstacle, rack, conveyor, "
          "roller_conveyor, spawner, sink, amr, forklift, arm, suction_gripper, parallel_gripper");
  }
  SECTION("missing key") {
    CHECK(ErrorOf("equipment:\n  - {type: carton}\n") ==
          "test.yaml:2:5: equipment[0]: missing key 'name'");
  }
  SECTION("wrong type") {
    CHECK(ErrorOf("equipment:\n  - {type: conveyor, name: a, length: long}\n") ==
          "test.yaml:2:39: equipment[0].length: expected a number, got 'long'");
    CHECK(ErrorOf("equipment:\n  - {type: carton, name: a, size: 3}\n") ==
          "test.yaml:2:35: equipment[0].size: expected a list of numbers, got '3'");
    CHECK(ErrorOf("equipment: {type: carton}\n") ==
          "test.yaml:1:12: equipment: expected a list of equipment items, got a mapping");
  }
  SECTION("out-of-range value") {
    CHECK(ErrorOf("equipment:\n  - {type: conveyor, name: a, length: -2}\n") ==
          "test.yaml:2:39: equipment[0].length: must be > 0, got -2");
    CHECK(ErrorOf("site: {timestep: 0.5}\n") ==
          "test.yaml:1:18: site.timestep: must be in (0, 0.1], got 0.5");
  }
  SECTION("unknown key, with a suggestion") {
    CHECK(ErrorOf("equipment:\n  - {type: conveyor, name: a, lenght: 2}\n") ==
          "test.yaml:2:31: equipment[0]: unknown key 'lenght' (did you mean 'length'?); allowed "
          "here: class, end_stop, friction, height, length, name, parent, pose, rail_height, "
          "randomize, side_rails, speed, type, width");
    CHECK(ErrorOf("sensor:\n  cameras: []\n") ==
          "test.yaml:1:1: unknown key 'sensor' (did you mean 'sensors'?); allowed here: autopilot, "
          "bridge, equipment, include, lights, randomize, sensors, site");
  }
  SECTION("a key that is not a plain name (found by fuzzing)") {
    CHECK(ErrorOf("? [site]\n: {timestep: 0.01}\n") ==
          "test.yaml:1:3: a key must be a plain name, got a list");
    CHECK(ErrorOf("equipment:\n  - {type: carton, name: a, {size: 1}: 2}\n") ==
          "test.yaml:2:29: equipment[0]: a key must be a plain name, got a mapping");
  }
  SECTION("duplicate name") {
    CHECK(ErrorOf("equipment:\n  - {type: carton, name: a}\n  - {type: pallet, name: a}\n") ==
          "test.yaml:3:26: equipment[1].name: duplicate name 'a': already used at test.yaml:2:26");
  }
  SECTION("unknown parent, and a parent declared too late") {
    CHECK(
        ErrorOf(
            "equipment:\n  - {type: pallet, name: p}\n  - {type: carton, name: c, parent: q}\n") ==
        "test.yaml:3:37: equipment[1].parent: unknown parent 'q' (did you mean 'p'?); it must "
        "name equipment declared above or one of its levels/slots");
    CHECK(
        ErrorOf(
            "equipment:\n  - {type: carton, name: c, parent: p}\n  - {type: pallet, name: p}\n") ==
        "test.yaml:2:37: equipment[0].parent: parent 'p' is declared later (test.yaml:3:5); "
        "declare it before the items placed on it");
  }
  SECTION("include cycle and missing include file") {
    const std::string cycle =
        twin::testing::ErrorMessage([] { LoadScene(kData + "/layouts/cycle_a.yaml"); });
    CHECK(cycle == kData +
                       "/layouts/cycle_b.yaml:4:11: include[0].file: include cycle: "
                       "cycle_a.yaml -> cycle_b.yaml -> cycle_a.yaml");
    CHECK(ErrorOf("include:\n  - file: nowhere.yaml\n") ==
          "test.yaml:2:11: include[0].file: included file '" + kData +
              "/nowhere.yaml' does not exist");
  }
  SECTION("randomize ranges") {
    CHECK(ErrorOf("equipment:\n  - {type: conveyor, name: a, randomize: {speed: [0.5, 0.1]}}\n") ==
          "test.yaml:2:50: equipment[0].randomize.speed: the range is [min, max] and min "
          "(0.500000) is greater than max (0.100000)");
    CHECK(ErrorOf("equipment:\n  - {type: conveyor, name: a, randomize: {sped: [0.1, 0.5]}}\n")
              .find("'sped' cannot be randomized for a conveyor (did you mean 'speed'?)") !=
          std::string::npos);
  }
  SECTION("YAML syntax") {
    CHECK(ErrorOf("equipment:\n  - {type: carton, name: a\n")
              .rfind("test.yaml:3:1: YAML syntax error:", 0) == 0);
  }
  SECTION("camera intrinsics") {
    CHECK(ErrorOf("sensors:\n  cameras:\n    - {name: c, resolution: [640, 480], intrinsics: [500, "
                  "500, 700, 240]}\n") ==
          "test.yaml:3:53: sensors.cameras[0].intrinsics: the principal point (cx, cy) must lie "
          "inside the 640x480 image");
    CHECK(ErrorOf("sensors:\n  cameras:\n    - {name: c, intrinsics: [0, 500, 320, 240]}\n") ==
          "test.yaml:3:29: sensors.cameras[0].intrinsics: fx and fy are focal lengths in pixels "
          "and must be > 0");
  }
  SECTION("camera up without look_at") {
    for (const char* placement : {"", "pose: {yaw: 90}, "}) {
      CAPTURE(placement);
      const std::string up_at = std::string("    - {name: c, ") + placement;
      CHECK(ErrorOf("sensors:\n  cameras:\n" + up_at + "up: [0, 1, 0]}\n") ==
            "test.yaml:3:" + std::to_string(up_at.size() + 5) +
                ": sensors.cameras[0].up: up needs look_at: it is the image's up direction when "
                "the camera aims at look_at (a pose sets its own)");
    }
  }
  SECTION("camera position without look_at (it was ignored)") {
    CHECK(ErrorOf("sensors:\n  cameras:\n    - {name: c, position: [1, 2, 3]}\n") ==
          "test.yaml:3:27: sensors.cameras[0].position: position needs look_at: it is where the "
          "camera is when it aims at look_at (without look_at, place the camera with pose: "
          "{position: [x, y, z], ...})");
  }
}

TEST_CASE("An empty or missing layout file is refused", "[scenes][layout]") {
  CHECK_THROWS_WITH(LoadScene(kData + "/layouts/missing.yaml"),
                    Catch::Matchers::Contains("missing.yaml: no such file"));
}
