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

#include <twin/datagen/atomic_file.h>
#include <twin/datagen/manifest.h>
#include <twin/datagen/shard.h>

#include "dataset_identity.h"

namespace twin::datagen {

inline constexpr char kStateDir[] = ".twin";

/// The JSON in `path`, or nullopt when it is missing or not valid JSON.
std::optional<nlohmann::json> ReadJsonFile(const std::string& path);

enum class OutputState { kNew, kUnfinished, kComplete };

/// Looks at `out` before a run: a new or empty folder starts, this dataset's unfinished run
/// resumes (with `resume`), this dataset complete stops. Throws twin::base::Error saying what is
/// there (for another dataset: what differs) and what to do for a different dataset, an unfinished
/// run without `resume`, or a folder with other files. Creates `out` when missing.
OutputState CheckOutput(const std::string& out, const DatasetIdentity& identity, FrameRange range,
                        bool resume);

void WriteRunFile(const std::string& out, const DatasetIdentity& identity, FrameRange range,
                  bool sync);

/// Removes what killed runs left in `out`: files `<name>.tmp.<pid>` (IsTemporaryName) where
/// <name> is a file this dataset writes there (with these camera and lidar folders); anything
/// else, a look-alike included, is left alone. Returns the removed paths relative to `out`
/// (stray_temporaries.cpp).
std::vector<std::string> RemoveStrayTemporaries(const std::string& out,
                                                const std::vector<std::string>& cameras,
                                                const std::vector<std::string>& lidars);

std::string FrameRecordPath(const std::string& out, int64_t frame);

/// Why `frame` does not count as done ("" when it does): its record must be complete, well-formed
/// JSON for this frame (RecordIsWellFormed), and every file it names must exist with the size it
/// names; with `hash`, also with the SHA-256 it names.
std::string FrameProblem(const std::string& out, int64_t frame, bool hash);

/// Whether `record` has the shape WriteFrame gives a frame record (frame, files with path, bytes
/// and sha256, cameras with image, annotations, scene_gt and scene_camera); FrameProblem calls
/// any other "a damaged record", so RecordedFiles and Aggregates::AddFrameRecord only ever see
/// well-formed ones.
bool RecordIsWellFormed(const nlohmann::json& record);

/// The files a well-formed frame record names, as manifest entries.
std::vector<ManifestFile> RecordedFiles(const nlohmann::json& record);

/// Label files that several frames (and several shards) contribute to, keyed by their path
/// relative to the dataset root. Frame records hold each frame's part.
struct Aggregates {
  std::map<std::string, std::vector<nlohmann::json>> coco_images, coco_annotations;
  std::map<std::string, nlohmann::json> keyed;  ///< scene_gt, scene_camera, randomization
  void AddFrameRecord(const nlohmann::json& record);
};

/// Writes the aggregates (COCO per camera with `classes`) through `files` and returns their
/// paths relative to `out`.
std::vector<std::string> WriteAggregates(const std::string& out, const Aggregates& aggregates,
                                         const std::vector<std::string>& classes, FileBatch& files);

/// Writes manifest.json (atomically, last; durably with `sync`, folders of earlier batches
/// committed first) listing `files` (sorted here).
void WriteManifest(const std::string& out, const DatasetIdentity& identity,
                   std::vector<std::array<int64_t, 2>> frame_ranges,
                   std::vector<ManifestFile> files, bool sync);

}  // namespace twin::datagen
