// twin datagen on a cell whose behaviours run while frames settle
// (tests/data/layouts/datagen_flow_cell.yaml: a belt with a spawner, cartons dropped onto a
// pallet): a frame is a function of (seed, frame) only, so two shards merged and a run killed with
// SIGKILL and resumed equal one uninterrupted run byte for byte; and every object that
// randomization.json lists as placed is in the images (read by OpenCV) and in the labels.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "cli_support.h"
#include "dataset_tree.h"

using Catch::Matchers::Contains;
using twin::testing::ProcessResult;
using twin::testing::RequireCleanExit;
using twin::testing::RequireSameTree;
using twin::testing::RunProcess;
using twin::testing::StartAndKill;
using twin::testing::TempFolder;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

const std::string kFlowCell = std::string(TWIN_TEST_DATA) + "/layouts/datagen_flow_cell.yaml";

ProcessResult Datagen(const std::string& out, int frames, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"datagen", kFlowCell, "--frames", std::to_string(frames),
                                "--out",   out};
  args.insert(args.end(), extra.begin(), extra.end());
  return Twin(args);
}

ProcessResult Python(const std::string& script, const std::string& dataset) {
  return RunProcess(
      {"/usr/bin/python3", std::string(TWIN_SOURCE_DIR) + "/tests/datagen/" + script, dataset});
}

}  // namespace

TEST_CASE("twin datagen with a spawner: two shards merged equal one run", "[datagen]") {
  TempFolder tmp("twin_datagen_determinism");
  RequireCleanExit(Datagen(tmp / "one", 4), 0);
  // The second shard's first frame is the first its process settles: behaviour state from no
  // earlier frame may shape it.
  RequireCleanExit(Datagen(tmp / "s0", 4, {"--shard", "0/2"}), 0);
  RequireCleanExit(Datagen(tmp / "s1", 4, {"--shard", "1/2"}), 0);
  RequireCleanExit(Twin({"dataset", "merge", tmp / "merged", tmp / "s0", tmp / "s1"}), 0);
  RequireSameTree(tmp / "one", tmp / "merged");
}

TEST_CASE("twin datagen with a spawner killed with SIGKILL and resumed equals one run",
          "[datagen]") {
  TempFolder tmp("twin_datagen_determinism");
  RequireCleanExit(Datagen(tmp / "whole", 6), 0);

  // Killed once two frames are recorded: the resumed process starts in the middle.
  const std::string out = tmp / "killed";
  StartAndKill(kFlowCell, out, 6, 2);

  const ProcessResult resumed = Datagen(out, 6, {"--resume"});
  RequireCleanExit(resumed, 0);
  CHECK_THAT(resumed.err, Contains("already done"));
  RequireSameTree(tmp / "whole", out);
}

TEST_CASE(
    "twin datagen: every object randomization.json lists as placed is in the images and labels",
    "[datagen]") {
  TempFolder tmp("twin_datagen_determinism");
  const std::string out = tmp / "set";
  RequireCleanExit(Datagen(out, 6), 0);
  const ProcessResult placed = Python("check_placed_visible.py", out);
  INFO(placed.out << placed.err);
  CHECK(placed.exit_code == 0);
  CHECK_THAT(placed.out, Contains("ok:"));
  // And the labels hold up to the independent COCO/BOP checker.
  const ProcessResult check = Python("check_dataset.py", out);
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
}
