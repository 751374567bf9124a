#include <twin/datagen/shard.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>

#include <twin/base/error.h>

namespace twin::datagen {
namespace {

// A whole decimal number, or nullopt (no sign, no spaces, no trailing text).
std::optional<long long> ParseCount(const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) return {};
  errno = 0;
  const long long value = std::strtoll(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value > 1'000'000'000) return {};
  return value;
}

long long EnvironmentCount(const std::function<const char*(const char*)>& getenv,
                           const char* name) {
  const char* value = getenv(name);
  if (!value)
    throw base::Error(std::string(name) + " is not set; it is needed with the other variable");
  const auto parsed = ParseCount(value);
  if (!parsed) throw base::Error(std::string(name) + "='" + value + "' is not a whole number >= 0");
  return *parsed;
}

}  // namespace

Shard ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  const auto index = slash == std::string::npos ? std::nullopt : ParseCount(text.substr(0, slash));
  const auto count = slash == std::string::npos ? std::nullopt : ParseCount(text.substr(slash + 1));
  if (!index || !count)
    throw base::Error("--shard: '" + text +
                      "' is not I/N (e.g. --shard 0/4: the first of 4 shards)");
  if (*count < 1) throw base::Error("--shard: the shard count must be >= 1 (got '" + text + "')");
  if (*index >= *count)
    throw base::Error("--shard: shard " + std::to_string(*index) + " of " + std::to_string(*count) +
                      " does not exist; shards are numbered 0 to " + std::to_string(*count - 1));
  return {static_cast<int>(*index), static_cast<int>(*count)};
}

std::optional<Shard> ShardFromEnvironment(const std::function<const char*(const char*)>& getenv) {
  if (getenv("SLURM_ARRAY_TASK_ID")) {
    const long long id = EnvironmentCount(getenv, "SLURM_ARRAY_TASK_ID");
    const long long count = EnvironmentCount(getenv, "SLURM_ARRAY_TASK_COUNT");
    const long long min = EnvironmentCount(getenv, "SLURM_ARRAY_TASK_MIN");
    const long long max = EnvironmentCount(getenv, "SLURM_ARRAY_TASK_MAX");
    const char* step = getenv("SLURM_ARRAY_TASK_STEP");
    if (count < 1 || max < min || max - min + 1 != count || (step && std::string(step) != "1"))
      throw base::Error(
          "this Slurm array (SLURM_ARRAY_TASK_MIN=" + std::to_string(min) +
          ", MAX=" + std::to_string(max) + ", COUNT=" + std::to_string(count) +
          (step ? std::string(", STEP=") + step : std::string()) +
          ") is not a contiguous range: each task makes the block of frames numbered by "
          "its place in the array, so submit it as a range with step 1, e.g. "
          "sbatch --array=0-" +
          std::to_string(std::max(count, 1LL) - 1));
    if (id < min || id > max)
      throw base::Error("SLURM_ARRAY_TASK_ID=" + std::to_string(id) + " is outside its array " +
                        std::to_string(min) + "-" + std::to_string(max));
    return Shard{static_cast<int>(id - min), static_cast<int>(count)};
  }
  if (getenv("JOB_COMPLETION_INDEX")) {
    const long long index = EnvironmentCount(getenv, "JOB_COMPLETION_INDEX");
    if (!getenv("TWIN_SHARD_COUNT"))
      throw base::Error(
          "JOB_COMPLETION_INDEX is set but TWIN_SHARD_COUNT is not: set it in the Job's env to "
          "its completions (see tools/cluster/datagen-job.yaml)");
    const long long count = EnvironmentCount(getenv, "TWIN_SHARD_COUNT");
    if (count < 1 || index >= count)
      throw base::Error("JOB_COMPLETION_INDEX=" + std::to_string(index) +
                        " is not below TWIN_SHARD_COUNT=" + std::to_string(count));
    return Shard{static_cast<int>(index), static_cast<int>(count)};
  }
  return std::nullopt;
}

FrameRange ShardFrames(int64_t frames, Shard shard) {
  // frames * i / count without the product: frames = q * count + r, so it is q * i + r * i / count,
  // where r * i < count^2 < 2^62.
  const int64_t q = frames / shard.count, r = frames % shard.count;
  const auto boundary = [&](int64_t i) { return q * i + r * i / shard.count; };
  return {boundary(shard.index), boundary(shard.index + 1)};
}

void CheckShardCount(int64_t frames, Shard shard) {
  if (shard.count > frames)
    throw base::Error("shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                      ": " + std::to_string(shard.count) + " shards for " + std::to_string(frames) +
                      " frames would leave shards without a frame; use at most " +
                      std::to_string(frames) + " shards (--shard I/N, or the array's size)");
}

}  // namespace twin::datagen
