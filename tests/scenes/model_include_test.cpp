// Including URDF and MJCF models in a layout. The truth is MuJoCo's own compile: of the merged
// layout, and of the original model on its own.
#include <twin/base/error.h>
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <catch2/catch.hpp>

#include <cmath>

using Catch::Matchers::Contains;
using twin::scenes::LoadLayoutText;
using twin::sim::World;

namespace {
const std::string kData = TWIN_TEST_DATA;

World Load(const std::string& yaml) {
  return World::FromScene(LoadLayoutText(yaml, kData + "/include_test.yaml", kData));
}

const char* kRobot = R"(
include:
  - file: urdf/mesh_robot.urdf
    name: robot
    pose: {position: [2, 0, 0], yaw: 90}
    package_paths: {twin_test_description: urdf/twin_test_description}
)";

// The largest distance of a mesh's vertices from its centre. MuJoCo moves meshes into their
// principal frame (arbitrary for a square box), so only rotation-free measures compare.
double Radius(const mjModel* m, int mesh) {
  double r = 0;
  for (int v = m->mesh_vertadr[mesh]; v < m->mesh_vertadr[mesh] + m->mesh_vertnum[mesh]; ++v) {
    const float* p = m->mesh_vert + 3 * v;
    r = std::max(r, std::sqrt(double(p[0]) * p[0] + double(p[1]) * p[1] + double(p[2]) * p[2]));
  }
  return r;
}
}  // namespace

TEST_CASE("A URDF with package:// meshes is included, placed and named", "[scenes][include]") {
  World world = Load(kRobot);
  const mjModel* m = world.model();
  const int arm = world.BodyId("robot/arm_link");
  world.BodyId("robot/base_link");
  world.BodyId("robot/tool_link");
  world.JointId("robot/shoulder");
  const int wrist = world.JointId("robot/wrist");
  // Placed at (2, 0, 0) turned 90 degrees: the shoulder is 0.1 m above the base.
  CHECK(world.data()->xpos[3 * arm + 0] == Approx(2.0).margin(1e-9));
  CHECK(world.data()->xpos[3 * arm + 1] == Approx(0.0).margin(1e-9));
  CHECK(world.data()->xpos[3 * arm + 2] == Approx(0.1).margin(1e-9));
  // The wrist axis (0 1 0 in the URDF) turns with the robot onto world -x.
  CHECK(world.data()->xaxis[3 * wrist + 0] == Approx(-1).margin(1e-9));
  // Two meshes called "base" in different folders stay two different meshes: the Collada visual
  // (0.32 m wide, converted by assimp) and the ASCII STL collision box (0.30 m, converted too).
  std::vector<double> radii;
  for (int i = 0; i < m->nmesh; ++i) {
    if (std::string(mj_id2name(m, mjOBJ_MESH, i)).find("base") != std::string::npos) {
      radii.push_back(Radius(m, i));
    }
  }
  std::sort(radii.begin(), radii.end());
  REQUIRE(radii.size() == 2);
  CHECK(radii[0] == Approx(std::sqrt(0.15 * 0.15 * 2 + 0.05 * 0.05)).margin(1e-6));
  CHECK(radii[1] == Approx(std::sqrt(0.16 * 0.16 * 2 + 0.06 * 0.06)).margin(1e-6));
  // The visual geoms are kept for rendering but never collide.
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_dataid[g] >= 0 && m->geom_group[g] == 1) {
      CHECK(m->geom_contype[g] == 0);
      CHECK(m->geom_conaffinity[g] == 0);
    }
  }
  world.Step(500);
  CHECK_FALSE(world.diverged());
}

TEST_CASE("URDF include errors name the URDF line and what to add", "[scenes][include]") {
  const std::string no_package = R"(
include:
  - {file: urdf/mesh_robot.urdf, name: robot}
)";
  CHECK_THROWS_WITH(Load(no_package),
                    Contains("include[0].file: " + kData +
                             "/urdf/mesh_robot.urdf:7: mesh "
                             "'package://twin_test_description/meshes/visual/base.dae' is in ROS "
                             "package 'twin_test_description', which package_paths does not name; "
                             "add package_paths: {twin_test_description: FOLDER} to the include"));
  const std::string wrong_folder = R"(
include:
  - {file: urdf/mesh_robot.urdf, name: robot, package_paths: {twin_test_description: urdf}}
)";
  CHECK_THROWS_WITH(Load(wrong_folder),
                    Contains("mesh_robot.urdf:7: mesh 'package://twin_test_description/meshes/"
                             "visual/base.dae' resolves to") &&
                        Contains("which does not exist"));
  CHECK_THROWS_WITH(Load("include:\n  - {file: two_link.urdf}\n"),
                    Contains("include[0]: missing key 'name'"));
  CHECK_THROWS_WITH(Load("include:\n  - {file: cell.xml, name: c, package_paths: {a: .}}\n"),
                    Contains("package_paths resolve package:// URIs of URDF files only"));
  CHECK_THROWS_WITH(Load("include:\n  - {file: bad_joint_type.urdf, name: r}\n"),
                    Contains("include[0].file: " + kData +
                             "/bad_joint_type.urdf:4: joint 'j' has type 'rerolute'"));
  CHECK_THROWS_WITH(Load("include:\n  - {file: unknown_element.xml, name: c}\n"),
                    Contains("include[0].file: MuJoCo cannot load") && Contains("conveyor"));
}

TEST_CASE("An included MJCF model keeps its physics: defaults, gains, limits",
          "[scenes][include]") {
  const std::string humanoid = "/usr/share/mujoco/model/humanoid/humanoid.xml";
  World original = World::FromFile(humanoid);
  World merged =
      Load("include:\n  - {file: " + humanoid + ", name: h, pose: {position: [0, 3, 0]}}\n");
  const mjModel* a = original.model();
  const mjModel* b = merged.model();
  REQUIRE(b->njnt == a->njnt);
  REQUIRE(b->nu == a->nu);
  for (int j = 0; j < a->njnt; ++j) {
    const std::string name = mj_id2name(a, mjOBJ_JOINT, j);
    const int k = merged.JointId("h/" + name);
    INFO(name);
    CHECK(b->jnt_stiffness[k] == a->jnt_stiffness[j]);  // from default classes
    // MuJoCo's MJCF writer keeps 6 significant digits.
    CHECK(b->jnt_range[2 * k] == Approx(a->jnt_range[2 * j]).epsilon(1e-5));
    CHECK(b->jnt_range[2 * k + 1] == Approx(a->jnt_range[2 * j + 1]).epsilon(1e-5));
    CHECK(b->dof_damping[b->jnt_dofadr[k]] == a->dof_damping[a->jnt_dofadr[j]]);
    CHECK(b->dof_armature[b->jnt_dofadr[k]] == a->dof_armature[a->jnt_dofadr[j]]);
  }
  for (int u = 0; u < a->nu; ++u) {
    const int k = merged.ActuatorId(std::string("h/") + mj_id2name(a, mjOBJ_ACTUATOR, u));
    CHECK(b->actuator_gear[6 * k] == a->actuator_gear[6 * u]);
    CHECK(b->actuator_ctrlrange[2 * k + 1] == a->actuator_ctrlrange[2 * u + 1]);
  }
  // The free-floating torso stays a world child, moved by the include's pose.
  const int torso = merged.BodyId("h/torso");
  CHECK(merged.data()->xpos[3 * torso + 1] ==
        Approx(original.data()->xpos[3 * original.BodyId("torso") + 1] + 3));
  merged.Step(200);
  CHECK_FALSE(merged.diverged());
}
