// Fuzz target: a URDF, as `twin run robot.urdf` and a layout's `include: {file: robot.urdf}`
// read it. The input is the URDF's text; it is written to a fresh private folder beside a tiny
// ROS package (package://tiny/meshes/link.obj and base.stl, meshes MuJoCo reads itself) and
// loaded twice with scenes::LoadScene: on its own (the file checks) and included by a layout
// (twin's URDF preparation: mesh resolution and staging, then MuJoCo's URDF importer).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <twin/scenes/scene.h>

#include "fuzz_support.h"

namespace {

// A unit wedge (as tests/data/meshes/wedge.obj) and a one-triangle ASCII STL.
constexpr std::string_view kObj =
    "v 0 0 0\nv 1 0 0\nv 0 1 0\nv 0 0 1\nf 1 3 2\nf 1 2 4\nf 1 4 3\nf 2 3 4\n";
constexpr std::string_view kStl =
    "solid t\nfacet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n"
    "endloop\nendfacet\nfacet normal 0 0 -1\nouter loop\nvertex 0 0 0\nvertex 0 1 0\n"
    "vertex 0 0 1\nendloop\nendfacet\nfacet normal 1 1 1\nouter loop\nvertex 1 0 0\n"
    "vertex 0 1 0\nvertex 0 0 1\nendloop\nendfacet\nfacet normal 0 -1 0\nouter loop\n"
    "vertex 0 0 0\nvertex 0 0 1\nvertex 1 0 0\nendloop\nendfacet\nendsolid t\n";
constexpr std::string_view kLayout =
    "include:\n  - {file: robot.urdf, name: robot, package_paths: {tiny: tiny}}\n";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fuzz = twin::fuzz;
  const std::filesystem::path& dir = fuzz::ResetScratch();
  fuzz::WriteFile(dir, "robot.urdf", std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::WriteFile(dir, "tiny/package.xml", "<package><name>tiny</name></package>\n");
  fuzz::WriteFile(dir, "tiny/meshes/link.obj", kObj);
  fuzz::WriteFile(dir, "tiny/meshes/base.stl", kStl);
  fuzz::WriteFile(dir, "main.yaml", kLayout);
  fuzz::ExpectOnlyTwinErrors([&] { twin::scenes::LoadScene((dir / "robot.urdf").string()); });
  fuzz::ExpectOnlyTwinErrors([&] { twin::scenes::LoadScene((dir / "main.yaml").string()); });
  return 0;
}
