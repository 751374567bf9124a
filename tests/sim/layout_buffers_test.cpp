// A layout's <size> (scenes/src/layout_buffers.cpp) is counted from the MJCF document before
// MuJoCo compiles it; MuJoCo's compiled model is the independent count of its degrees of
// freedom, bodies and geoms.
#include <twin/scenes/scene.h>
#include <twin/sim/world.h>

#include <unistd.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

long long StackFromCompiledCounts(const mjModel* m) {
  const long long nv = m->nv, nbody = m->nbody;
  return std::max(1000LL, 2 * (6 * nv * nv + nbody * nbody + 40LL * m->njmax + 20LL * m->ngeom));
}

void CheckSizes(const twin::scenes::Scene& scene) {
  CAPTURE(scene.path);
  twin::sim::World world = twin::sim::World::FromScene(scene);
  const mjModel* m = world.model();
  CAPTURE(m->nv, m->nbody, m->ngeom, m->njmax, m->nconmax);
  CHECK(m->nstack == StackFromCompiledCounts(m));
  CHECK(m->njmax == 4 * m->nconmax);
  CHECK(m->nconmax >= 300);
  // Far below MuJoCo's own default of 5 (njmax + nv)^2, which made every mjData hundreds of MiB.
  CHECK(m->nstack < (m->njmax + m->nv) * static_cast<long long>(m->njmax + m->nv));
  CHECK(world.data()->nstack == m->nstack);
}

}  // namespace

TEST_CASE(
    "A layout's stack is sized from its degrees of freedom, bodies and geoms as MuJoCo "
    "counts them",
    "[sim][load][buffers]") {
  std::vector<fs::path> layouts;
  for (const fs::path& dir : {fs::path(TWIN_TWINS_DIR), fs::path(TWIN_TEST_DATA) / "layouts"}) {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".yaml") layouts.push_back(e.path());
  }
  REQUIRE(layouts.size() >= 8);
  for (const fs::path& layout : layouts) {
    if (layout.filename().string().rfind("cycle_", 0) == 0) continue;  // include cycles: refused
    CheckSizes(twin::scenes::LoadScene(layout.string()));
  }
}

TEST_CASE("Included models count their joints by type, from a default class and a childclass",
          "[sim][load][buffers]") {
  const fs::path dir = fs::temp_directory_path() / ("twin_buffers_" + std::to_string(getpid()));
  fs::create_directories(dir);
  // Ball (3 dofs) and slide joints whose type comes from classes, nested classes and a body's
  // childclass; a hinge without a type; a free body.
  std::ofstream(dir / "chain.xml") << R"(<mujoco model="chain">
  <default>
    <default class="ball"><joint type="ball"/>
      <default class="ball_child"><geom size="0.02"/></default>
    </default>
    <default class="slide"><joint type="slide"/></default>
  </default>
  <worldbody>
    <body name="a" pos="0 0 1"><joint class="ball"/><geom type="sphere" size="0.05" mass="1"/>
      <body name="b" pos="0 0 -0.2" childclass="ball_child"><joint/><geom type="sphere" mass="1"/>
        <body name="c" pos="0 0 -0.2"><joint class="slide" axis="1 0 0"/><joint type="hinge"/>
          <geom type="sphere" size="0.03" mass="1"/></body>
      </body>
    </body>
    <body name="loose" pos="1 0 0.2"><freejoint/><geom type="box" size="0.1 0.1 0.1"/></body>
  </worldbody>
</mujoco>
)";
  std::ofstream(dir / "cell.yaml") << R"(include:
  - {file: chain.xml, name: chain, pose: {position: [0, 0, 0]}}
  - {file: /usr/share/mujoco/model/humanoid/humanoid.xml, name: h, pose: {position: [2, 0, 0]}}
)";
  const twin::scenes::Scene scene = twin::scenes::LoadScene((dir / "cell.yaml").string());
  twin::sim::World world = twin::sim::World::FromScene(scene);
  // chain: 3 + 3 (ball via childclass) + 1 + 1 + 6 (free); humanoid: 6 + 21 hinges.
  CHECK(world.model()->nv == 14 + 27);
  CheckSizes(scene);
  fs::remove_all(dir);
}
