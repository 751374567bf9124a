// OUT/manifest.json: what a dataset is (scene, config, seed, version, frames) and the SHA-256 of
// every file in it, and verifying a dataset against it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace twin::datagen {

struct ManifestFile {
  std::string path;  ///< relative to the dataset root, '/' separators
  std::string sha256;
  uint64_t bytes = 0;
};

struct Manifest {
  std::string format = "twin-dataset/1";
  std::string scene;  ///< scene file name as given on the command line (basename)
  std::string scene_sha256;
  nlohmann::json config;  ///< resolved options and randomization (no shard, no paths, no times)
  uint64_t seed = 0;
  std::string version;                               ///< twin version string
  int64_t frames = 0;                                ///< frames of the whole dataset
  std::vector<std::array<int64_t, 2>> frame_ranges;  ///< [first, last+1) present, sorted, merged
  std::vector<ManifestFile> files;                   ///< sorted by path
};

/// The JSON form; frame ranges are merged and files sorted by path on the way out.
nlohmann::json ManifestJson(const Manifest& manifest);
/// Throws twin::base::Error naming `source` and the key when a field is missing or of the wrong
/// type.
Manifest ManifestFromJson(const nlohmann::json& j, const std::string& source);

/// Sorts [first, end) ranges and joins those that overlap or touch; empty ranges are dropped.
std::vector<std::array<int64_t, 2>> MergeFrameRanges(std::vector<std::array<int64_t, 2>> ranges);

/// Hashes `relative_paths` under `root` on `threads` threads; sorted by path.
std::vector<ManifestFile> HashFiles(const std::string& root,
                                    const std::vector<std::string>& relative_paths, int threads);

struct VerifyReport {
  std::vector<std::string> missing;     ///< listed files that are not there; "frames a..b-1"
  std::vector<std::string> corrupt;     ///< listed files whose size or hash differs
  std::vector<std::string> unexpected;  ///< files present but not listed
  std::vector<std::array<int64_t, 2>> missing_frames;  ///< [first, end) not in frame_ranges
  int64_t files_checked = 0;
  bool ok() const {
    return missing.empty() && corrupt.empty() && unexpected.empty() && missing_frames.empty();
  }
};

/// Reads DIR/manifest.json, rehashes every listed file (threads allowed), lists files present but
/// not listed (except manifest.json itself), and frames missing from [0, frames) when
/// frame_ranges do not cover it. Throws twin::base::Error when the manifest is unreadable.
VerifyReport VerifyDataset(const std::string& dir);

/// Canonical serialization used for every JSON file of a dataset, so that merged and
/// single-process datasets are byte-identical: `j.dump(indent)` + "\n".
std::string DatasetJsonText(const nlohmann::json& j, int indent = -1);

}  // namespace twin::datagen
