// The randomize: section of a layout and --randomize overlays: what they read, the distractor
// bodies they add, and every mistake named by file:line:column and key.
#include <twin/base/error.h>
#include <twin/scenes/randomize.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include "error_message.h"

#include <mujoco/mujoco.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

using twin::scenes::LoadLayoutText;
using twin::scenes::Scene;

namespace {

const std::string kBase =
    "site: {seed: 3}\n"
    "equipment:\n"
    "  - {type: pallet, name: p}\n"
    "  - {type: carton, name: c1, pose: {position: [2, 0, 0]}}\n"
    "  - {type: carton, name: c2, pose: {position: [3, 0, 0]}, texture: printed}\n"
    "  - {type: carton, name: c3, pose: {position: [4, 0, 0]}, fixed: true}\n"
    "lights:\n"
    "  - {name: sun, type: directional}\n";

Scene Layout(const std::string& randomize) {
  return LoadLayoutText(kBase + randomize, "test.yaml", ".");
}
std::string ErrorOf(const std::string& randomize) {
  return twin::testing::ErrorMessage([&] { Layout(randomize); });
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / ("twin_randomize_test_" + name);
  std::ofstream(path) << text;
  return path.string();
}

}  // namespace

TEST_CASE("randomize: every section is read", "[scenes][randomize]") {
  const Scene scene = Layout(
      "randomize:\n"
      "  lights: {count: [0, 1], intensity: [0.6, 1.4], temperature: [3000, 7500], direction: "
      "[0, 15]}\n"
      "  materials:\n"
      "    - {class: carton, brightness: [0.7, 1.2], hue: [-15, 15], saturation: [0.8, 1.2]}\n"
      "    - {class: pallet, materials: [pallet_wood, twin/cardboard]}\n"
      "  cameras: {position: [-0.05, 0.05], rotation: [-2, 2], focal: [0.97, 1.03], principal: "
      "[-4, 4]}\n"
      "  objects:\n"
      "    - {class: carton, count: [1, 2], region: {min: [0, 0, 0.5], max: [1, 1, 1]}, yaw: "
      "[-180, 180]}\n"
      "  distractors: {count: [0, 3], size: [0.1, 0.2], region: {min: [0, 0, 0], max: [1, 1, "
      "0.5]}, drop: [0.02, 0.3]}\n"
      "  physics: {friction: [0.7, 1.3], mass: [0.8, 1.2]}\n"
      "  settle: {max_time: 2, speed: 0.02, timestep: 0.004}\n");
  const twin::scenes::RandomizeSpec& r = scene.site.randomize;
  REQUIRE(r.lights);
  CHECK(r.lights->count->min == 0);
  CHECK(r.lights->count->max == 1);
  CHECK(r.lights->temperature->max == 7500);
  CHECK(r.lights->direction->max == 15);
  REQUIRE(r.materials);
  REQUIRE(r.materials->size() == 2);
  CHECK((*r.materials)[0].hue->min == -15);
  CHECK((*r.materials)[1].materials ==
        std::vector<std::string>{"twin/pallet_wood", "twin/cardboard"});
  CHECK(r.cameras->principal->max == 4);
  CHECK(r.cameras->focal->min == 0.97);
  REQUIRE(r.objects);
  // The pool is the loose cartons; c3 is fixed.
  CHECK((*r.objects)[0].pool == std::vector<std::string>{"c1", "c2"});
  CHECK((*r.objects)[0].region->max[2] == 1);
  CHECK(!(*r.objects)[0].drop);
  REQUIRE(r.distractors->drop);
  CHECK(r.distractors->drop->min == 0.02);
  CHECK(r.distractors->drop->max == 0.3);
  CHECK(r.physics->mass->max == 1.2);
  CHECK(r.settle.max_time == 2);
  CHECK(r.settle.speed == 0.02);
  CHECK(r.settle.timestep == 0.004);
  CHECK(!Layout("randomize:\n  settle: {max_time: 2}\n").site.randomize.settle.timestep);
  CHECK(r.source == "test.yaml:10:3");

  // Three distractor bodies, class "distractor", free, within the size range, parked apart.
  REQUIRE(r.distractors);
  REQUIRE(r.distractors->entities.size() == 3);
  char error[1000] = "";
  mjModel* m = nullptr;
  {
    mjVFS vfs;
    mj_defaultVFS(&vfs);
    mj_makeEmptyFileVFS(&vfs, "l.xml", static_cast<int>(scene.mjcf.size()));
    std::memcpy(vfs.filedata[mj_findFileVFS(&vfs, "l.xml")], scene.mjcf.data(), scene.mjcf.size());
    m = mj_loadXML("l.xml", &vfs, error, sizeof error);
    mj_deleteVFS(&vfs);
  }
  REQUIRE(m);
  for (const std::string& name : r.distractors->entities) {
    const twin::scenes::Entity* e = scene.site.FindEntity(name);
    REQUIRE(e);
    CHECK(e->class_name == "distractor");
    CHECK(e->dynamic);
    const int b = mj_name2id(m, mjOBJ_BODY, name.c_str());
    REQUIRE(b > 0);
    CHECK(m->jnt_type[m->body_jntadr[b]] == mjJNT_FREE);
    const int g = m->body_geomadr[b];
    for (int k = 0; k < 3; ++k) {
      if (k > 0 && m->geom_type[g] == mjGEOM_SPHERE) break;
      if (k > 1 && m->geom_type[g] == mjGEOM_CYLINDER) break;
      CHECK(2 * m->geom_size[3 * g + k] >= 0.1);
      CHECK(2 * m->geom_size[3 * g + k] <= 0.2);
    }
    CHECK(m->body_pos[3 * b] >= 1000);  // out of sight
  }
  mj_deleteModel(m);
  // The same site seed, the same distractors.
  CHECK(Layout("randomize:\n  distractors: {count: [2, 3], size: [0.1, 0.2], region: {min: [0, 0, "
               "0], max: [1, 1, 0.5]}}\n")
            .mjcf == Layout("randomize:\n  distractors: {count: [2, 3], size: [0.1, 0.2], region: "
                            "{min: [0, 0, 0], max: [1, 1, 0.5]}}\n")
                         .mjcf);
  // Without the section nothing is randomized and no distractor exists.
  const Scene plain = Layout("");
  CHECK(plain.site.randomize.empty());
  CHECK(!plain.site.FindEntity("distractor0"));
}

TEST_CASE("randomize: mistakes are named by file:line:column and key", "[scenes][randomize]") {
  CHECK(ErrorOf("randomize:\n  lights: {intensity: [1.4, 0.6]}\n") ==
        "test.yaml:10:23: randomize.lights.intensity: the range is [min, max] and min (1.400000) "
        "is greater than max (0.600000)");
  CHECK(ErrorOf("randomize:\n  lights: {intensty: [0.6, 1.4]}\n") ==
        "test.yaml:10:12: randomize.lights: unknown key 'intensty' (did you mean 'intensity'?); "
        "allowed here: count, direction, intensity, temperature");
  CHECK(ErrorOf("randomize:\n  lights: {count: [-1, 2]}\n") ==
        "test.yaml:10:19: randomize.lights.count: a count is [min, max] of whole numbers >= 0, "
        "got [-1.000000, 2.000000]");
  CHECK(ErrorOf("randomize:\n  materials:\n    - {class: cartn, hue: [-5, 5]}\n") ==
        "test.yaml:11:15: randomize.materials[0].class: unknown class 'cartn' (did you mean "
        "'carton'?); the classes of this layout are: pallet, carton");
  CHECK(ErrorOf("randomize:\n  materials:\n    - {class: carton, materials: [cardbord]}\n") ==
        "test.yaml:11:35: randomize.materials[0].materials[0]: unknown material 'cardbord' (did "
        "you mean 'cardboard'?); the materials of this layout are: cardboard, cardboard_printed, "
        "floor_concrete, pallet_wood, wall_white");
  CHECK(ErrorOf("randomize:\n  objects:\n    - {class: carton, count: [1, 3]}\n") ==
        "test.yaml:11:30: randomize.objects[0].count: at most 3 placed but the layout has 2 loose "
        "'carton' entities; declare more or lower the count");
  CHECK(ErrorOf("randomize:\n  objects:\n    - {class: carton, count: [3, 1]}\n") ==
        "test.yaml:11:30: randomize.objects[0].count: the range is [min, max] and min (3) is "
        "greater than max (1)");
  CHECK(ErrorOf("randomize:\n  cameras: {focal: [0, 1]}\n") ==
        "test.yaml:10:20: randomize.cameras.focal: focal scales must be > 0");
  CHECK(ErrorOf("randomize:\n  physics: {mass: [0.8, 1.2], gravity: [1, 2]}\n") ==
        "test.yaml:10:31: randomize.physics: unknown key 'gravity'; allowed here: friction, mass");
  CHECK(ErrorOf("randomize:\n  objects:\n    - {class: carton, region: {min: [0, 0, 1], max: [1, "
                "1, 0]}}\n") ==
        "test.yaml:11:53: randomize.objects[0].region.max: every coordinate of max must be >= the "
        "one of min");
  CHECK(ErrorOf("randomize:\n  objects:\n    - {class: carton, drop: [0.02, 0.2]}\n") ==
        "test.yaml:11:29: randomize.objects[0].drop: a drop height needs a region to drop into; "
        "add region: {min: [..], max: [..]}");
  CHECK(ErrorOf("randomize:\n  objects:\n    - {class: carton, region: {min: [0, 0, 0], max: [1, "
                "1, 1]}, drop: [-0.1, 0.2]}\n") ==
        "test.yaml:11:71: randomize.objects[0].drop: drop heights are metres within [0, 10]");
  CHECK(ErrorOf("randomize:\n  settle: {timestep: 0}\n") ==
        "test.yaml:10:22: randomize.settle.timestep: must be in (0, 0.1], got 0");
  CHECK(ErrorOf("randomize:\n  lightz: {}\n") ==
        "test.yaml:10:3: randomize: unknown key 'lightz' (did you mean 'lights'?); allowed here: "
        "cameras, distractors, lights, materials, objects, physics, settle");
}

TEST_CASE("randomize overlays replace the sections they have", "[scenes][randomize]") {
  Scene scene = Layout(
      "randomize:\n"
      "  lights: {count: [0, 1]}\n"
      "  cameras: {focal: [0.9, 1.1]}\n"
      "  distractors: {count: [0, 2], region: {min: [0, 0, 0], max: [1, 1, 0.5]}}\n");
  twin::scenes::RandomizeSpec spec = scene.site.randomize;
  const std::string overlay =
      WriteFile("ok.yaml",
                "randomize:\n"
                "  lights: {intensity: [0.5, 0.7]}\n"
                "  distractors: {count: [1, 1], region: {min: [5, 5, 0], max: [6, 6, 0.5]}}\n"
                "  settle: {max_time: 1}\n");
  twin::scenes::ApplyRandomizeOverlay(overlay, spec, scene.site);
  REQUIRE(spec.lights);
  CHECK(!spec.lights->count);  // replaced as a whole
  CHECK(spec.lights->intensity->max == 0.7);
  CHECK(spec.cameras->focal->max == 1.1);  // kept
  CHECK(spec.distractors->count.max == 1);
  CHECK(spec.distractors->region.min[0] == 5);
  CHECK(spec.distractors->entities == std::vector<std::string>{"distractor0", "distractor1"});
  CHECK(spec.settle.max_time == 1);

  const std::string more =
      WriteFile("more.yaml",
                "randomize:\n  distractors: {count: [0, 5], region: {min: [0, 0, 0], max: [1, "
                "1, 1]}}\n");
  CHECK(twin::testing::ErrorMessage([&] {
          twin::scenes::ApplyRandomizeOverlay(more, spec, scene.site);
        }) == more +
                  ":2:24: randomize.distractors.count: the layout has 2 distractor bodies; an "
                  "overlay cannot add bodies (raise distractors.count in the layout)");
  const std::string bad = WriteFile("bad.yaml", "randomize:\n  materials:\n    - {class: box}\n");
  CHECK(twin::testing::ErrorMessage([&] {
          twin::scenes::ApplyRandomizeOverlay(bad, spec, scene.site);
        }) == bad +
                  ":3:15: randomize.materials[0].class: unknown class 'box'; the classes of this "
                  "layout are: pallet, carton, distractor");
  const std::string wrong = WriteFile("wrong.yaml", "lights: {}\n");
  CHECK(twin::testing::ErrorMessage([&] {
          twin::scenes::ApplyRandomizeOverlay(wrong, spec, scene.site);
        }).find("randomize") != std::string::npos);
}

TEST_CASE("randomize: a spawner's pool items are its own, never placed", "[scenes][randomize]") {
  const std::string line =
      "equipment:\n"
      "  - {type: conveyor, name: belt, length: 3}\n"
      "  - {type: spawner, name: feed, parent: belt/start, pool: 3}\n";
  const Scene scene = LoadLayoutText(line +
                                         "  - {type: carton, name: loose, pose: {position: [0, 2, "
                                         "0]}}\n"
                                         "randomize:\n"
                                         "  objects:\n"
                                         "    - {class: carton, count: [1, 1]}\n",
                                     "line.yaml", ".");
  REQUIRE(scene.site.FindEntity("feed_item0"));
  CHECK(scene.site.FindEntity("feed_item0")->class_name == "carton");
  CHECK(scene.site.randomize.objects->front().pool == std::vector<std::string>{"loose"});
  CHECK(twin::testing::ErrorMessage([&] {
          LoadLayoutText(line + "randomize:\n  objects:\n    - {class: carton}\n", "line.yaml",
                         ".");
        }) ==
        "line.yaml:6:15: randomize.objects[0].class: no loose entity has class 'carton' "
        "(fixed ones cannot move; a spawner's pool items are placed by the spawner, not "
        "randomized); declare some without fixed: true");
}
