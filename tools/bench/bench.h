// twin bench: performance measured against a baseline in the same run (code of each bench here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

struct BenchLayoutEditOptions {
  std::string scene;  ///< default: the warehouse twin
  int repeats = 20;   ///< rounds of the three rows, interleaved; the median is reported
};
int BenchLayoutEdit(const BenchLayoutEditOptions& options);

struct BenchDatagenOptions {
  std::string scene;  ///< default: the warehouse twin
  int frames = 20;    ///< frames per row
  int repeats = 3;    ///< every row this many times, interleaved; the median round is reported
  std::string device;
};
int BenchDatagen(const BenchDatagenOptions& options);

struct BenchBridgeOptions {
  std::string scene;         ///< default: the warehouse twin
  std::string camera;        ///< default: the scene's first camera
  std::string robot;         ///< default: the scene's first AMR
  int frames = 300;          ///< images timed per transport-latency row (after warm-up)
  int periods = 1000;        ///< lockstep control periods timed per row (after warm-up)
  double sweep_seconds = 4;  ///< simulated seconds per rate of the sweep
  std::vector<double> rates = {10, 20, 50, 100, 200, 500};  ///< Hz, ascending
  double drift_seconds = 20;  ///< sim seconds of the drift run (realtime, nothing rendered)
  std::string device;
};
int BenchBridge(const BenchBridgeOptions& options);

/// What `bench bridge` runs as its twin side: `twin bench bridge-hil` (a process of its own).
struct BenchBridgeHilOptions {
  std::string scene, mode = "realtime";
  std::string image_topic, state_topic, command_topic;  ///< timed streams ("" none)
  int64_t images = 0, states = 0;                       ///< > 0: stop once this many went out
  double duration = 0;                                  ///< > 0: stop after this much sim time
  double state_rate = 100, control_period = 0.01;
  bool render = true;
  std::string device, out;
};
int BenchBridgeHil(const BenchBridgeHilOptions& options);

}  // namespace twin::tools
