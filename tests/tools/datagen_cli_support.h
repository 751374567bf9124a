// Running `twin datagen` in the CLI tests of datasets: temporary folders, whole trees compared
// byte for byte, and runs stopped part-way.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"
#include "dataset_tree.h"

namespace twin::testing {

namespace fs = std::filesystem;

inline const std::string kScene = std::string(TWIN_TEST_DATA) + "/layouts/datagen_cell.yaml";

inline ProcessResult Datagen(const std::string& out, int frames,
                             std::vector<std::string> extra = {},
                             std::vector<std::string> env = {}) {
  std::vector<std::string> args{"datagen", kScene, "--frames", std::to_string(frames),
                                "--out",   out};
  args.insert(args.end(), extra.begin(), extra.end());
  return Twin(args, env);
}

inline ProcessResult CheckDataset(const std::string& dir) {
  return RunProcess(
      {"/usr/bin/python3", std::string(TWIN_SOURCE_DIR) + "/tests/datagen/check_dataset.py", dir});
}

/// `twin datagen` of the datagen cell into OUT, killed with SIGKILL once 3 frames are recorded.
inline void StartAndKill(const std::string& out, int frames) {
  StartAndKill(kScene, out, frames, 3);
}

}  // namespace twin::testing
