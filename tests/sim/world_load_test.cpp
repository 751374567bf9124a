#include <twin/base/error.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include "mujoco_warnings.h"

#include <filesystem>
#include <fstream>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using twin::sim::World;

namespace {
const std::string kData = TWIN_TEST_DATA;
}

TEST_CASE("World loads MJCF text, resolving assets against a base directory", "[sim][load]") {
  const char* xml = R"(
    <mujoco model="inline">
      <asset><mesh name="wedge" file="meshes/wedge.obj"/></asset>
      <worldbody><geom type="mesh" mesh="wedge"/></worldbody>
    </mujoco>)";
  World world = World::FromXml(xml, {}, "inline", kData);
  CHECK(world.model()->nmesh == 1);
  CHECK(world.model()->mesh_facenum[0] == 8);
  CHECK(world.name() == "inline");
  // Without the base directory the mesh cannot be found, and the message says which file.
  CHECK_THROWS_WITH(World::FromXml(xml, {}, "inline", "/"),
                    Contains("inline:") && Contains("wedge.obj"));
}

TEST_CASE("World loads a URDF file through MuJoCo's importer", "[sim][load]") {
  World world = World::FromFile(kData + "/two_link.urdf");
  CHECK(world.model()->njnt == 1);
  CHECK(world.JointId("joint1") == 0);
  CHECK(world.model()->jnt_range[1] == Approx(1.57));
  world.Step(100);
  CHECK_FALSE(world.diverged());
}

TEST_CASE("Load errors name the file and line MuJoCo points at", "[sim][load]") {
  CHECK_THROWS_WITH(World::FromFile(kData + "/unknown_element.xml"),
                    StartsWith(kData + "/unknown_element.xml:4: MuJoCo cannot load the model") &&
                        Contains("unrecognized element") && Contains("'conveyor'"));
  CHECK_THROWS_WITH(World::FromFile(kData + "/bad_attribute.xml"),
                    StartsWith(kData + "/bad_attribute.xml:5: MuJoCo cannot load the model") &&
                        Contains("problem reading attribute 'size'"));
}

TEST_CASE("Load errors from the file checks come before MuJoCo", "[sim][load]") {
  CHECK_THROWS_WITH(World::FromFile(kData + "/missing.xml"), Contains("missing.xml: no such file"));
  CHECK_THROWS_WITH(World::FromFile(kData), Contains("is a directory"));
  CHECK_THROWS_WITH(World::FromFile(kData + "/empty.xml"), Contains("the scene is empty"));
  CHECK_THROWS_WITH(World::FromFile(kData + "/malformed.xml"), Contains(":3: malformed XML"));
  CHECK_THROWS_WITH(World::FromXml("", {}, "text"), Contains("text: the scene is empty"));
  CHECK_THROWS_WITH(World::FromXml("<mujoco><worldbody>", {}, "text"),
                    Contains("text:1: malformed XML"));
}

TEST_CASE("A model MuJoCo accepts but cannot step is refused", "[sim][load]") {
  CHECK_THROWS_WITH(World::FromFile(kData + "/negative_timestep.xml"),
                    Contains("<option timestep=") && Contains("must be a positive number"));
}

TEST_CASE("Load warnings are kept, not printed to MUJOCO_LOG.TXT", "[sim][load]") {
  // 30 overlapping boxes overflow a 10-contact buffer during the compiler's first forward pass.
  std::string xml =
      "<mujoco><size nconmax=\"10\"/><worldbody><geom type=\"plane\" size=\"1 1 .1\"/>";
  for (int i = 0; i < 30; ++i) {
    xml += "<body pos=\"0 0 " + std::to_string(0.02 * i) +
           "\"><freejoint/><geom type=\"box\" size=\".05 .05 .05\"/></body>";
  }
  xml += "</worldbody></mujoco>";
  const auto cwd = std::filesystem::current_path();
  const auto scratch = std::filesystem::temp_directory_path() / "twin_load_warning_test";
  std::filesystem::create_directories(scratch);
  std::filesystem::current_path(scratch);
  std::filesystem::remove(scratch / "MUJOCO_LOG.TXT");
  {
    twin::testing::ExpectMujocoWarnings expect;
    World world = World::FromXml(xml, {}, "crowded");
    CHECK_THAT(world.load_warnings(), Contains("contact buffer is full"));
    REQUIRE_FALSE(expect.texts().empty());
  }
  CHECK_FALSE(std::filesystem::exists(scratch / "MUJOCO_LOG.TXT"));
  std::filesystem::current_path(cwd);
}
