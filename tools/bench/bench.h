// twin bench: performance measured against a baseline in the same run (code of each bench here).
#pragma once

#include <cstdint>
#include <string>

namespace twin::tools {

struct BenchPhysicsOptions {
  std::string model;  ///< empty: MuJoCo's humanoid.xml
  int64_t steps = 20000;
  int repeats = 5;
};
int BenchPhysics(const BenchPhysicsOptions& options);

struct BenchRenderOptions {
  std::string model = "/usr/share/mujoco/model/humanoid/humanoid.xml";
  double duration = 5;  ///< simulated seconds of the mujoco-record job
  double fps = 60;      ///< frames per simulated second
  std::string scene;    ///< the modality/resolution table's scene
  int frames = 20;      ///< frames per table row
  std::string device;
};
int BenchRender(const BenchRenderOptions& options);

struct BenchDatagenOptions {
  std::string scene;  ///< default: the warehouse twin
  int frames = 20;    ///< frames per row
  int repeats = 3;    ///< every row this many times, interleaved; the median round is reported
  std::string device;
};
int BenchDatagen(const BenchDatagenOptions& options);

}  // namespace twin::tools
