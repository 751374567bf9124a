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

}  // namespace twin::tools
