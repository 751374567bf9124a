// Fuzz target: the shards `twin dataset merge` reads (and `twin dataset verify`): each shard's
// manifest.json and the label files it lists (coco.json, scene_gt.json, randomization.json...).
// The input is a bundle (fuzz_support.h) of files under two shard folders: first a/manifest.json,
// then "#@file a/..." or "#@file b/..." sections (b/manifest.json makes b a second shard).
// Merge parses a label file only once its bytes match the SHA-256 its manifest lists, which a
// mutation almost never keeps; so a files[] entry whose "sha256" is the string "auto" and whose
// path is in the bundle gets that file's real SHA-256 and size before the manifest is written.
// Every other entry is left as the input has it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include <twin/datagen/dataset_merge.h>
#include <twin/datagen/manifest.h>
#include <twin/datagen/sha256.h>

#include "fuzz_support.h"

namespace {

namespace fs = std::filesystem;
namespace fuzz = twin::fuzz;

// `manifest` with its "auto" hashes filled in from the bundle's files under `shard`/.
std::string FillAutoHashes(const std::string& manifest, const std::string& shard,
                           const std::vector<fuzz::BundleFile>& files) {
  nlohmann::json j = nlohmann::json::parse(manifest, nullptr, false);
  if (!j.is_object() || !j.contains("files") || !j["files"].is_array()) return manifest;
  for (nlohmann::json& entry : j["files"]) {
    if (!entry.is_object() || entry.value("sha256", nlohmann::json()) != "auto" ||
        !entry.contains("path") || !entry["path"].is_string())
      continue;
    const std::string path = shard + "/" + entry["path"].get<std::string>();
    for (const fuzz::BundleFile& file : files)
      if (file.name == path) {
        entry["sha256"] = twin::datagen::Sha256Hex(file.text.data(), file.text.size());
        entry["bytes"] = file.text.size();
      }
  }
  return j.dump(1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& dir = fuzz::ResetScratch();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<fuzz::BundleFile> files = fuzz::SplitBundle(input, "a/manifest.json");
  std::vector<std::string> shards{(dir / "a").string()};
  for (const fuzz::BundleFile& file : files) {
    if (file.name == "a/manifest.json" || file.name == "b/manifest.json") {
      fuzz::WriteFile(dir, file.name, FillAutoHashes(file.text, file.name.substr(0, 1), files));
      if (file.name[0] == 'b') shards.push_back((dir / "b").string());
    } else {
      fuzz::WriteFile(dir, file.name, file.text);
    }
  }
  fuzz::ExpectOnlyTwinErrors([&] { twin::datagen::VerifyDataset(shards[0]); });
  fuzz::ExpectOnlyTwinErrors([&] { twin::datagen::MergeDatasets((dir / "out").string(), shards); });
  return 0;
}
