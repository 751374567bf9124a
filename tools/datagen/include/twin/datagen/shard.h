// Which frames of a dataset one process makes. A dataset of N frames is split into `count`
// contiguous blocks; shard i makes frames [N*i/count, N*(i+1)/count). Frame numbers stay global,
// so shards merge by copying and any split gives the same files.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace twin::datagen {

/// The most frames one dataset may have (and so the most shards): frame numbers, counts and
/// shard arithmetic stay far from overflow.
inline constexpr int64_t kMaxFrames = 100'000'000;

struct Shard {
  int index = 0;  ///< 0-based
  int count = 1;
};

/// A half-open range of frame numbers [first, last).
struct FrameRange {
  int64_t first = 0, last = 0;
  int64_t size() const { return last - first; }
};

/// "I/N" with 0 <= I < N, e.g. "2/3". Throws twin::base::Error naming --shard and what is allowed.
Shard ParseShard(const std::string& text);

/// The shard given by a cluster scheduler, or nullopt when none is set:
///  - Slurm job arrays: SLURM_ARRAY_TASK_ID minus SLURM_ARRAY_TASK_MIN of
///    SLURM_ARRAY_TASK_COUNT; the array must be contiguous with step 1 (e.g. --array=0-7 or
///    --array=1-8): MAX - MIN + 1 == COUNT. Lists and steps (--array=1,3,5, --array=0-8:2) are
///    refused, since a shard is a contiguous block of frames numbered by its place in the array;
///  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX of TWIN_SHARD_COUNT (Kubernetes has no
///    count variable; the Job sets TWIN_SHARD_COUNT to its completions).
/// Throws twin::base::Error naming the variable when a value is malformed or out of range.
std::optional<Shard> ShardFromEnvironment(const std::function<const char*(const char*)>& getenv =
                                              [](const char* name) { return std::getenv(name); });

/// The frames shard `shard` makes out of `frames` (0 <= frames <= kMaxFrames); overflow-free.
FrameRange ShardFrames(int64_t frames, Shard shard);

/// Throws twin::base::Error when `frames` cannot be split into `shard.count` non-empty shards.
void CheckShardCount(int64_t frames, Shard shard);

}  // namespace twin::datagen
