// twin datagen and twin dataset as a user runs them, on a small randomized cell
// (tests/data/layouts/datagen_cell.yaml): the dataset read back by OpenCV and an independent
// COCO/BOP checker (tests/datagen/check_dataset.py), byte-identical reruns, shards merged equal
// to one process, a run killed with SIGKILL and resumed equal to an uninterrupted one, and every
// bad input with its message and nothing lost.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "datagen_cli_support.h"

using Catch::Matchers::Contains;
using twin::testing::CheckDataset;
using twin::testing::Datagen;
using twin::testing::kScene;
using twin::testing::ProcessResult;
using twin::testing::RequireCleanExit;
using twin::testing::RequireSameTree;
using twin::testing::RunProcess;
using twin::testing::StartAndKill;
using twin::testing::TempFolder;
using twin::testing::Tree;
using twin::testing::Twin;

namespace fs = std::filesystem;

TEST_CASE("twin datagen writes a dataset OpenCV and an independent COCO/BOP checker accept",
          "[datagen]") {
  TempFolder tmp;
  const std::string out = tmp / "set";
  const ProcessResult r = Datagen(out, 4);
  RequireCleanExit(r, 0);
  CHECK_THAT(r.out, Contains("4 made") && Contains("preview.png") && Contains("manifest.json"));
  CHECK(fs::exists(out + "/preview.png"));
  CHECK_FALSE(fs::exists(out + "/.twin"));
  for (const char* file :
       {"classes.json", "instances.json", "models_info.json", "randomization.json"})
    CHECK(fs::exists(out + "/" + file));

  const ProcessResult check = CheckDataset(out);
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK_THAT(check.out, Contains("ok:"));
  // The checker itself fails on a folder with nothing to check.
  fs::create_directories(tmp / "empty");
  const ProcessResult nothing = CheckDataset(tmp / "empty");
  CHECK(nothing.exit_code == 1);
  CHECK_THAT(nothing.out, Contains("nothing to check"));

  const ProcessResult verify = Twin({"dataset", "verify", out});
  RequireCleanExit(verify, 0);
  CHECK_THAT(verify.out, Contains("complete"));

  // Running again into the finished folder changes nothing.
  const auto before = Tree(out);
  RequireCleanExit(Datagen(out, 4), 0);
  CHECK(Tree(out) == before);
}

TEST_CASE("twin datagen: two runs are byte-identical, and shards merged equal one process",
          "[datagen]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "one", 6), 0);
  RequireCleanExit(Datagen(tmp / "again", 6), 0);
  RequireSameTree(tmp / "one", tmp / "again");

  // Three shards, chosen three ways: the flag, Slurm's array variables, a Kubernetes index.
  RequireCleanExit(Datagen(tmp / "s0", 6, {"--shard", "0/3"}), 0);
  RequireCleanExit(Datagen(tmp / "s1", 6, {},
                           {"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=1",
                            "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_COUNT=3"}),
                   0);
  RequireCleanExit(Datagen(tmp / "s2", 6, {}, {"JOB_COMPLETION_INDEX=2", "TWIN_SHARD_COUNT=3"}), 0);
  CHECK_FALSE(fs::exists(tmp / "s1/preview.png"));  // only the shard with frame 0 has one

  const ProcessResult merge =
      Twin({"dataset", "merge", tmp / "merged", tmp / "s2", tmp / "s0", tmp / "s1"});
  RequireCleanExit(merge, 0);
  CHECK_THAT(merge.out, Contains("6 of 6 frames"));
  RequireSameTree(tmp / "one", tmp / "merged");
  RequireCleanExit(Twin({"dataset", "verify", tmp / "merged"}), 0);

  SECTION("merge refuses overlapping, unfinished and foreign shards") {
    ProcessResult twice = Twin({"dataset", "merge", tmp / "m2", tmp / "s0", tmp / "s0"});
    RequireCleanExit(twice, 1);
    CHECK_THAT(twice.err, Contains("both hold frames 0 to 1"));
    ProcessResult none = Twin({"dataset", "merge", tmp / "m3", tmp / "nothing"});
    RequireCleanExit(none, 1);
    CHECK_THAT(none.err, Contains("has no manifest.json") && Contains("--resume"));
    RequireCleanExit(Datagen(tmp / "other", 6, {"--shard", "1/3", "--seed", "99"}), 0);
    ProcessResult foreign = Twin({"dataset", "merge", tmp / "m4", tmp / "s0", tmp / "other"});
    RequireCleanExit(foreign, 1);
    CHECK_THAT(foreign.err, Contains("different dataset"));
    ProcessResult full = Twin({"dataset", "merge", tmp / "one", tmp / "s0"});
    RequireCleanExit(full, 1);
    CHECK_THAT(full.err, Contains("not empty"));
  }
}

TEST_CASE("twin datagen killed with SIGKILL and resumed equals an uninterrupted run", "[datagen]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "whole", 8), 0);

  const std::string out = tmp / "killed";
  StartAndKill(out, 8);

  const ProcessResult plain = Datagen(out, 8);
  RequireCleanExit(plain, 1);
  CHECK_THAT(plain.err, Contains("unfinished run of this dataset") && Contains("--resume"));

  const ProcessResult resumed = Datagen(out, 8, {"--resume"});
  RequireCleanExit(resumed, 0);
  CHECK_THAT(resumed.err, Contains("already done"));
  RequireSameTree(tmp / "whole", out);
}

TEST_CASE("twin dataset verify reports missing, changed and unexpected files", "[datagen]") {
  TempFolder tmp;
  const std::string out = tmp / "set";
  RequireCleanExit(Datagen(out, 2), 0);
  const std::string rgb = out + "/cell_cam/rgb/000001.png";
  REQUIRE(fs::exists(rgb));
  {
    std::fstream file(rgb, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(100);
    file.put('\x5a');
  }
  fs::remove(out + "/cell_cam/depth/000000.png");
  std::ofstream(out + "/cell_cam/stray.txt") << "x";
  const ProcessResult r = Twin({"dataset", "verify", out});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.out, Contains("corrupt    cell_cam/rgb/000001.png"));
  CHECK_THAT(r.out, Contains("missing    cell_cam/depth/000000.png"));
  CHECK_THAT(r.out, Contains("unexpected cell_cam/stray.txt"));
}

TEST_CASE("twin datagen: bad input gets a clear message and loses nothing", "[datagen]") {
  TempFolder tmp;
  SECTION("flags") {
    ProcessResult r = Datagen(tmp / "a", 6, {"--shard", "3/3"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("--shard: shard 3 of 3 does not exist"));
    r = Twin({"datagen", kScene, "--frames", "-2", "--out", tmp / "b"});
    RequireCleanExit(r, 2);
    CHECK_THAT(r.err, Contains("--frames"));
    for (const char* frames : {"100000001", "99999999999999999999999"}) {
      r = Twin({"datagen", kScene, "--frames", frames, "--out", tmp / "b"});
      RequireCleanExit(r, 2);
      CHECK_THAT(r.err, Contains("--frames") && Contains("from 1 to 100000000"));
    }
    r = Datagen(tmp / "b", 2, {"--shard", "0/3"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("3 shards for 2 frames would leave shards without a frame"));
    r = Datagen(tmp / "b", 6, {"--device", "99999999999999999999"});
    RequireCleanExit(r, 2);
    CHECK_THAT(r.err, Contains("is not a device index"));
    CHECK_FALSE(fs::exists(tmp / "b"));
    r = Datagen(tmp / "c", 6, {"--shard", "two"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("is not I/N"));
    r = Datagen(tmp / "d", 6, {},
                {"SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_MAX=5",
                 "SLURM_ARRAY_TASK_COUNT=3"});  // --array=1,3,5
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("is not a contiguous range") && Contains("--array=0-2"));
    r = Datagen(tmp / "e", 6, {}, {"JOB_COMPLETION_INDEX=1"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("TWIN_SHARD_COUNT"));
    r = Datagen(tmp / "f", 6, {"--cameras", "cell_cam,nope"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("nope"));
  }
  SECTION("a randomize range with min > max") {
    const std::string overlay = tmp / "bad.yaml";
    std::ofstream(overlay) << "randomize:\n  lights:\n    intensity: [1.5, 0.5]\n";
    const ProcessResult r = Datagen(tmp / "g", 2, {"--randomize", overlay});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("bad.yaml:3") && Contains("intensity"));
  }
  SECTION("an output folder that cannot be written") {
    std::ofstream(tmp / "file") << "x";
    ProcessResult r = Datagen(tmp / "file", 2);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("is a file"));
    fs::create_directories(tmp / "ro");
    fs::permissions(tmp / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    if (geteuid() != 0) {  // root writes anywhere; then only the file case applies
      r = Datagen(tmp / "ro/set", 2);
      RequireCleanExit(r, 1);
      CHECK_THAT(r.err, Contains("ro/set"));
    }
  }
  SECTION("a folder holding a different dataset or other files is left alone") {
    RequireCleanExit(Datagen(tmp / "set", 2), 0);
    const auto before = Tree(tmp / "set");
    ProcessResult r = Datagen(tmp / "set", 2, {"--seed", "5"});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("holds a different dataset"));
    r = Datagen(tmp / "set", 3);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("holds a different dataset"));
    CHECK(Tree(tmp / "set") == before);
    fs::create_directories(tmp / "photos");
    std::ofstream(tmp / "photos/cat.jpg") << "meow";
    r = Datagen(tmp / "photos", 2);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("not empty and holds no twin dataset"));
    CHECK(Tree(tmp / "photos").size() == 1);
  }
  SECTION("a full disk stops the run with a message; --resume finishes it identically") {
    RequireCleanExit(Datagen(tmp / "whole", 4), 0);
    // A file size limit of 16 KiB: the first large PNG cannot be written (EFBIG, as ENOSPC).
    const std::string command = "ulimit -f 16 && exec " + std::string(TWIN_BINARY) + " datagen " +
                                kScene + " --frames 4 --out " + (tmp / "full");
    const ProcessResult r = RunProcess({"/bin/bash", "-c", command});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("disk is full") && Contains("--resume"));
    const ProcessResult resumed = Datagen(tmp / "full", 4, {"--resume"});
    RequireCleanExit(resumed, 0);
    RequireSameTree(tmp / "whole", tmp / "full");
  }
}
