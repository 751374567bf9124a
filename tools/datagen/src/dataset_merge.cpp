#include <twin/datagen/dataset_merge.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <twin/datagen/atomic_file.h>
#include <twin/datagen/coco.h>
#include <twin/datagen/manifest.h>
#include <twin/datagen/sha256.h>
#include <twin/scenes/error.h>

#include "dataset_state.h"

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

nlohmann::json RequireJson(const std::string& path) {
  auto j = ReadJsonFile(path);
  if (!j)
    throw Error(path + " is missing or not valid JSON; run twin dataset verify on its folder");
  return std::move(*j);
}

bool IsKeyedLabels(const std::string& path) {
  auto ends = [&](const std::string& tail) {
    return path.size() >= tail.size() &&
           path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  };
  return path == "randomization.json" || ends("/scene_gt.json") || ends("/scene_camera.json");
}
bool IsCoco(const std::string& path) {
  return path.size() >= 10 && path.compare(path.size() - 10, 10, "/coco.json") == 0;
}

}  // namespace

MergeStats MergeDatasets(const std::string& out, const std::vector<std::string>& shards) {
  if (shards.empty()) throw Error("twin dataset merge: name at least one shard folder");
  std::vector<Manifest> manifests;
  for (const std::string& shard : shards) {
    const std::string path = shard + "/manifest.json";
    if (!fs::exists(path))
      throw Error("shard " + shard + " has no manifest.json: it has not finished; run its " +
                  "twin datagen again with --resume");
    manifests.push_back(ManifestFromJson(RequireJson(path), path));
  }
  DatasetIdentity identity{manifests[0].config, manifests[0].seed, manifests[0].version,
                           manifests[0].frames};
  std::vector<std::array<int64_t, 2>> ranges;
  std::vector<std::pair<std::array<int64_t, 2>, std::string>> owners;
  for (size_t s = 0; s < shards.size(); ++s) {
    if (!SameDataset(identity, manifests[s]))
      throw Error("shard " + shards[s] + " is part of a different dataset than " + shards[0] +
                  " (scene, seed, frames, cameras, options or twin version differ)");
    for (const auto& r : manifests[s].frame_ranges) {
      for (const auto& [other, owner] : owners)
        if (r[0] < other[1] && other[0] < r[1])
          throw Error("shards " + owner + " and " + shards[s] + " both hold frames " +
                      std::to_string(std::max(r[0], other[0])) + " to " +
                      std::to_string(std::min(r[1], other[1]) - 1) + "; merge each shard once");
      owners.push_back({r, shards[s]});
      ranges.push_back(r);
    }
  }

  std::error_code ec;
  fs::create_directories(out, ec);
  if (!fs::is_directory(out))
    throw Error("cannot create the merge folder " + out + ": " + ec.message());
  if (fs::directory_iterator(out) != fs::directory_iterator())
    throw Error("the merge folder " + out + " is not empty; name a new or empty folder");

  MergeStats stats;
  stats.shards = static_cast<int>(shards.size());
  Aggregates aggregates;
  std::map<std::string, std::vector<nlohmann::json>> coco_parts;  // coco.json -> each shard's
  std::map<std::string, std::string> copied;                      // path -> sha256
  std::vector<ManifestFile> files;
  for (size_t s = 0; s < shards.size(); ++s) {
    for (const ManifestFile& file : manifests[s].files) {
      const std::string source = shards[s] + "/" + file.path;
      if (IsCoco(file.path)) {
        coco_parts[file.path].push_back(RequireJson(source));
        continue;
      }
      if (IsKeyedLabels(file.path)) {
        nlohmann::json& merged = aggregates.keyed[file.path];
        const nlohmann::json part = RequireJson(source);
        for (const auto& [key, value] : part.items()) {
          if (merged.contains(key))
            throw Error(source + ": frame " + key + " is also in another shard");
          merged[key] = value;
        }
        continue;
      }
      if (const auto seen = copied.find(file.path); seen != copied.end()) {
        if (seen->second != file.sha256)
          throw Error(file.path + " differs between the shards (e.g. " + source +
                      "); they were not made from the same scene");
        continue;
      }
      const std::string bytes = ReadFile(source);
      if (Sha256Hex(bytes.data(), bytes.size()) != file.sha256)
        throw Error(source + " does not match its shard's manifest (damaged or changed); " +
                    "run twin dataset verify " + shards[s]);
      fs::create_directories(fs::path(out + "/" + file.path).parent_path());
      WriteFileAtomic(out + "/" + file.path, bytes.data(), bytes.size());
      copied.emplace(file.path, file.sha256);
      files.push_back(file);
      stats.bytes += bytes.size();
    }
  }
  for (const auto& [relative, parts] : coco_parts) {
    const std::string text = DatasetJsonText(MergeCoco(parts));  // checks their categories agree
    WriteTextAtomic(out + "/" + relative, text);
    files.push_back({relative, Sha256Hex(text.data(), text.size()), text.size()});
    stats.bytes += text.size();
  }
  for (ManifestFile& f : WriteAggregates(out, aggregates, {})) {
    stats.bytes += f.bytes;
    files.push_back(std::move(f));
  }
  stats.frame_ranges = MergeFrameRanges(ranges);
  for (const auto& r : stats.frame_ranges) stats.frames += r[1] - r[0];
  stats.dataset_frames = identity.frames;
  stats.files = static_cast<int64_t>(files.size()) + 1;
  WriteManifest(out, identity, stats.frame_ranges, std::move(files));
  return stats;
}

}  // namespace twin::datagen
