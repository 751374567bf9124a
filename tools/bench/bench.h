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
  double duration = 5;     ///< simulated seconds of the mujoco-record job
  double fps = 60;         ///< mujoco-record's FPS argument (its rule: render_job.h)
  int shadow_size = 1024;  ///< shadow map of the equal job (twin's size on a CPU device)
  int repeats = 1;         ///< rounds of the mujoco-record job; the median is reported
  std::string scene;       ///< the modality/resolution table's scene
  int frames = 20;         ///< frames per table row
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
