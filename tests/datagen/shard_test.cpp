#include <catch2/catch.hpp>

#include <map>
#include <string>

#include <twin/base/error.h>
#include <twin/datagen/shard.h>

#include "error_message.h"

using twin::testing::ErrorMessage;

using twin::datagen::FrameRange;
using twin::datagen::ParseShard;
using twin::datagen::Shard;
using twin::datagen::ShardFrames;
using twin::datagen::ShardFromEnvironment;

namespace {

std::function<const char*(const char*)> Env(std::map<std::string, std::string> vars) {
  auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
  return [shared](const char* name) -> const char* {
    const auto it = shared->find(name);
    return it == shared->end() ? nullptr : it->second.c_str();
  };
}

}  // namespace

TEST_CASE("shards split the frames into contiguous blocks that cover every frame once", "[shard]") {
  for (int64_t frames : {1, 2, 7, 100, 1001}) {
    for (int count : {1, 2, 3, 8}) {
      int64_t next = 0;
      for (int i = 0; i < count; ++i) {
        const FrameRange r = ShardFrames(frames, {i, count});
        CHECK(r.first == next);
        CHECK(r.size() >= frames / count);
        CHECK(r.size() <= frames / count + 1);
        next = r.last;
      }
      CHECK(next == frames);
    }
  }
}

TEST_CASE("shard boundaries are exact and overflow-free up to the largest dataset", "[shard]") {
  using twin::datagen::kMaxFrames;
  // frames * i / count computed in 128 bits is the truth; the 64-bit product would overflow for
  // counts near a billion.
  for (int64_t frames : {kMaxFrames, kMaxFrames - 1, int64_t{99'999'989}}) {
    for (int count : {1, 3, 7, 999'983, 1'000'000'000}) {
      for (int i : {0, 1, count / 2, count - 1}) {
        const FrameRange r = ShardFrames(frames, {i, count});
        CHECK(r.first == static_cast<int64_t>(static_cast<__int128>(frames) * i / count));
        CHECK(r.last == static_cast<int64_t>(static_cast<__int128>(frames) * (i + 1) / count));
      }
    }
  }
  twin::datagen::CheckShardCount(6, {5, 6});
  CHECK(ErrorMessage([] {
          twin::datagen::CheckShardCount(6, {0, 7});
        }) ==
        "shard 0/7: 7 shards for 6 frames would leave shards without a frame; use at most 6 "
        "shards (--shard I/N, or the array's size)");
}

TEST_CASE("shards given as I/N (--shard) are parsed and checked", "[shard]") {
  CHECK(ParseShard("0/1").count == 1);
  CHECK(ParseShard("2/3").index == 2);
  CHECK(ErrorMessage([] { ParseShard("3/3"); }) ==
        "--shard: shard 3 of 3 does not exist; shards are numbered 0 to 2");
  CHECK(ErrorMessage([] { ParseShard("1/0"); }) ==
        "--shard: the shard count must be >= 1 (got '1/0')");
  for (const char* bad : {"", "1", "-1/3", "a/b", "1/3x", "1 /3", "/3"})
    CHECK(ErrorMessage([&] { ParseShard(bad); }).find("is not I/N") != std::string::npos);
}

TEST_CASE("the shard comes from Slurm array or Kubernetes Indexed Job variables", "[shard]") {
  CHECK_FALSE(ShardFromEnvironment(Env({})).has_value());
  auto slurm = ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "4"},
                                         {"SLURM_ARRAY_TASK_MIN", "3"},
                                         {"SLURM_ARRAY_TASK_MAX", "6"},
                                         {"SLURM_ARRAY_TASK_STEP", "1"},
                                         {"SLURM_ARRAY_TASK_COUNT", "4"}}));
  REQUIRE(slurm);
  CHECK(slurm->index == 1);
  CHECK(slurm->count == 4);
  auto k8s = ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "2"}, {"TWIN_SHARD_COUNT", "3"}}));
  REQUIRE(k8s);
  CHECK(k8s->index == 2);
  CHECK(k8s->count == 3);

  // What Slurm sets for --array=1,3,5 (task 3) and --array=0-4:2 (task 2): not contiguous.
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "3"},
                                    {"SLURM_ARRAY_TASK_MIN", "1"},
                                    {"SLURM_ARRAY_TASK_MAX", "5"},
                                    {"SLURM_ARRAY_TASK_COUNT", "3"}}));
        }) ==
        "this Slurm array (SLURM_ARRAY_TASK_MIN=1, MAX=5, COUNT=3) is not a contiguous "
        "range: each task makes the block of frames numbered by its place in the array, so "
        "submit it as a range with step 1, e.g. sbatch --array=0-2");
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "2"},
                                    {"SLURM_ARRAY_TASK_MIN", "0"},
                                    {"SLURM_ARRAY_TASK_MAX", "4"},
                                    {"SLURM_ARRAY_TASK_STEP", "2"},
                                    {"SLURM_ARRAY_TASK_COUNT", "3"}}));
        }).find("STEP=2) is not a contiguous range") != std::string::npos);
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "9"},
                                    {"SLURM_ARRAY_TASK_MIN", "0"},
                                    {"SLURM_ARRAY_TASK_MAX", "2"},
                                    {"SLURM_ARRAY_TASK_COUNT", "3"}}));
        }) == "SLURM_ARRAY_TASK_ID=9 is outside its array 0-2");
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "1"},
                                    {"SLURM_ARRAY_TASK_COUNT", "3"},
                                    {"SLURM_ARRAY_TASK_MIN", "0"}}));
        }) == "SLURM_ARRAY_TASK_MAX is not set; it is needed with the other variable");
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "1"}}));
        }) == "SLURM_ARRAY_TASK_COUNT is not set; it is needed with the other variable");
  CHECK(
      ErrorMessage([] {
        ShardFromEnvironment(Env({{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "3"}}));
      }) == "SLURM_ARRAY_TASK_ID='x' is not a whole number >= 0");
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "0"}}));
        }).find("TWIN_SHARD_COUNT is not") != std::string::npos);
  CHECK(ErrorMessage([] {
          ShardFromEnvironment(Env({{"JOB_COMPLETION_INDEX", "3"}, {"TWIN_SHARD_COUNT", "3"}}));
        }) == "JOB_COMPLETION_INDEX=3 is not below TWIN_SHARD_COUNT=3");
}
