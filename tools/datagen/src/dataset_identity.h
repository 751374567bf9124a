// What makes two runs the same dataset: everything that shapes a frame. Runs of one dataset
// resume into each other and merge; anything else is refused with what differs.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <twin/datagen/manifest.h>

namespace twin::datagen {

struct DatasetIdentity {
  /// scene and scene_sha256; sources: SHA-256 of every file the scene is built from; the
  /// randomize overlay and its hash; the render device; cameras, lidars, modalities.
  nlohmann::json config;
  uint64_t seed = 0;
  std::string version;  ///< twin::Version()
  int64_t frames = 0;
};

DatasetIdentity IdentityOf(const Manifest& manifest);

/// {"path relative to the scene's folder": sha256} of `files` (the scene's own file included).
nlohmann::json SourcesJson(const std::filesystem::path& scene,
                           const std::vector<std::filesystem::path>& files);

/// One phrase per difference, naming the thing, e.g. "included file parts/rack.yaml differs from
/// the one <against> (sha256 0123456789ab vs ba9876543210)"; `ours` is the new side, `theirs`
/// the recorded one, `against` says whose it is ("the one this dataset was started with").
std::vector<std::string> IdentityDifferences(const DatasetIdentity& ours,
                                             const DatasetIdentity& theirs,
                                             const std::string& against);

bool SameDataset(const DatasetIdentity& a, const DatasetIdentity& b);

}  // namespace twin::datagen
