// The bookkeeping files of a dataset folder: the run file and frame records a run keeps in
// OUT/.twin while it works, the per-camera label files assembled from the records, and
// manifest.json, written last. Shared by `twin datagen` and `twin dataset merge`.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <twin/datagen/manifest.h>
#include <twin/datagen/shard.h>

namespace twin::datagen {

inline constexpr char kStateDir[] = ".twin";

/// What makes two runs the same dataset (resumable into each other, mergeable).
struct DatasetIdentity {
  nlohmann::json config;  ///< scene and overlay hashes, cameras, lidars, modalities
  uint64_t seed = 0;
  std::string version;
  int64_t frames = 0;
};

/// The JSON in `path`, or nullopt when it is missing or not valid JSON.
std::optional<nlohmann::json> ReadJsonFile(const std::string& path);

bool SameDataset(const DatasetIdentity& a, const Manifest& b);

enum class OutputState { kNew, kUnfinished, kComplete };

/// Looks at `out` before a run: a new or empty folder starts, this dataset's unfinished run
/// resumes (with `resume`), this dataset complete stops. Throws twin::Error saying what is there
/// and what to do for a different dataset, an unfinished run without `resume`, or a folder with
/// other files. Creates `out` when missing.
OutputState CheckOutput(const std::string& out, const DatasetIdentity& identity, FrameRange range,
                        bool resume);

void WriteRunFile(const std::string& out, const DatasetIdentity& identity, FrameRange range);

std::string FrameRecordPath(const std::string& out, int64_t frame);
/// The record of `frame` exists and is complete JSON.
bool FrameDone(const std::string& out, int64_t frame);

/// Label files that several frames (and several shards) contribute to, keyed by their path
/// relative to the dataset root. Frame records hold each frame's part.
struct Aggregates {
  std::map<std::string, std::vector<nlohmann::json>> coco_images, coco_annotations;
  std::map<std::string, nlohmann::json> keyed;  ///< scene_gt, scene_camera, randomization
  void AddFrameRecord(const nlohmann::json& record);
};

/// Writes the aggregates (COCO per camera with `classes`) and returns their manifest entries.
std::vector<ManifestFile> WriteAggregates(const std::string& out, const Aggregates& aggregates,
                                          const std::vector<std::string>& classes);

/// Writes manifest.json (atomically, last) listing `files` (sorted here).
void WriteManifest(const std::string& out, const DatasetIdentity& identity,
                   std::vector<std::array<int64_t, 2>> frame_ranges,
                   std::vector<ManifestFile> files);

}  // namespace twin::datagen
