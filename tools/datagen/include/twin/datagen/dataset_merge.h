// `twin dataset merge`: finished shards of one dataset become one dataset, byte-identical to what
// a single process would have written: per-frame files are copied (their hashes checked against
// the shard's manifest on the way), files every shard writes must agree, and the label files
// (COCO, BOP scene_gt/scene_camera, randomization) are reassembled from the shards' parts.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace twin::datagen {

struct MergeStats {
  int shards = 0;
  int64_t frames = 0;  ///< frames in the merged set
  int64_t files = 0;
  uint64_t bytes = 0;
  std::vector<std::array<int64_t, 2>> frame_ranges;
  int64_t dataset_frames = 0;  ///< frames of the whole dataset (all shards)
};

/// Throws twin::base::Error naming the shard and what is wrong: not finished (no manifest.json), a
/// different dataset, overlapping frames, a file whose hash does not match, or an `out` that
/// is not empty.
MergeStats MergeDatasets(const std::string& out, const std::vector<std::string>& shards);

}  // namespace twin::datagen
