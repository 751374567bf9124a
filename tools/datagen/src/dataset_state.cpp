#include "dataset_state.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <twin/base/error.h>
#include <twin/datagen/atomic_file.h>
#include <twin/datagen/coco.h>
#include <twin/datagen/frame_name.h>
#include <twin/datagen/sha256.h>

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;

// j[key] as a T, or `fallback` when j is no object, or key is missing or of another type (a
// damaged run.json, a hand-edited manifest).
template <class T>
T ValueOr(const nlohmann::json& j, const char* key, T fallback) {
  if (!j.contains(key)) return fallback;
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    return fallback;
  }
}

std::string Describe(const nlohmann::json& config, uint64_t seed, int64_t frames) {
  return "scene " + ValueOr(config, "scene", std::string("?")) + ", seed " + std::to_string(seed) +
         ", " + std::to_string(frames) + " frames";
}

nlohmann::json RunJson(const DatasetIdentity& id, FrameRange range) {
  return {{"config", id.config},
          {"seed", id.seed},
          {"version", id.version},
          {"frames", id.frames},
          {"range", {range.first, range.last}}};
}

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

bool FolderIsEmpty(const std::string& dir) {
  return fs::directory_iterator(dir) == fs::directory_iterator();
}

}  // namespace

std::optional<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::stringstream text;
  text << file.rdbuf();
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

OutputState CheckOutput(const std::string& out, const DatasetIdentity& identity, FrameRange range,
                        bool resume) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec))
    throw base::Error("--out " + out + " is a file, not a folder; choose a folder");
  fs::create_directories(out, ec);
  if (!fs::is_directory(out))
    throw base::Error("cannot create the output folder " + out + ": " + ec.message() +
                      "; choose another with --out");
  if (fs::exists(out + "/manifest.json")) {
    const auto json = ReadJsonFile(out + "/manifest.json");
    if (!json) throw base::Error(out + "/manifest.json is not valid JSON; choose another --out");
    const Manifest manifest = ManifestFromJson(*json, out + "/manifest.json");
    const DatasetIdentity theirs = IdentityOf(manifest);
    if (!SameDataset(identity, theirs))
      throw base::Error("--out " + out + " holds a different dataset (" +
                        Describe(manifest.config, manifest.seed, manifest.frames) + "): " +
                        Joined(IdentityDifferences(identity, theirs, "the one it was made with")) +
                        "; choose another folder or delete it");
    const std::vector<std::array<int64_t, 2>> mine{{range.first, range.last}};
    if (manifest.frame_ranges != mine)
      throw base::Error("--out " + out +
                        " holds a finished part of this dataset with other frames; " +
                        "write each shard to its own folder");
    fs::remove_all(out + "/" + kStateDir, ec);  // a run killed after its manifest
    return OutputState::kComplete;
  }
  if (fs::exists(out + "/" + kStateDir + "/run.json")) {
    const auto json = ReadJsonFile(out + "/" + kStateDir + "/run.json");
    if (!json || !json->is_object())
      throw base::Error(out + "/" + kStateDir + "/run.json is damaged; delete " + out +
                        " and start again");
    if (*json != RunJson(identity, range)) {
      DatasetIdentity theirs;
      theirs.config = ValueOr(*json, "config", nlohmann::json::object());
      theirs.seed = ValueOr(*json, "seed", uint64_t{0});
      theirs.version = ValueOr(*json, "version", std::string());
      theirs.frames = ValueOr(*json, "frames", int64_t{0});
      const std::vector<std::string> differences =
          IdentityDifferences(identity, theirs, "the one this dataset was started with");
      if (differences.empty())
        throw base::Error("--out " + out + " holds an unfinished run of another shard of this " +
                          "dataset; write each shard to its own folder");
      throw base::Error(
          "--out " + out +
          " holds an unfinished run of a different dataset: " + Joined(differences) +
          "; --resume continues a run only with the inputs it was started with: restore "
          "them, or choose another folder");
    }
    if (!resume)
      throw base::Error("--out " + out +
                        " holds an unfinished run of this dataset; add --resume to continue it");
    return OutputState::kUnfinished;
  }
  if (!FolderIsEmpty(out))
    throw base::Error("--out " + out +
                      " is not empty and holds no twin dataset; choose an empty or new folder");
  return OutputState::kNew;
}

void WriteRunFile(const std::string& out, const DatasetIdentity& identity, FrameRange range,
                  bool sync) {
  CreateDirectories(out + "/" + kStateDir + "/frames", sync);
  FileBatch files(sync);
  files.WriteText(out + "/" + kStateDir + "/run.json",
                  DatasetJsonText(RunJson(identity, range), 2));
  files.Commit();
}

std::string FrameRecordPath(const std::string& out, int64_t frame) {
  return out + "/" + kStateDir + "/frames/" + FrameFileName(frame, ".json");
}

std::string FrameProblem(const std::string& out, int64_t frame, bool hash) {
  const auto record = ReadJsonFile(FrameRecordPath(out, frame));
  if (!record || !record->is_object() || !record->contains("frame") || record->at("frame") != frame)
    return "no complete record";
  if (!RecordIsWellFormed(*record)) return "a damaged record";
  for (const ManifestFile& f : RecordedFiles(*record)) {
    const std::string path = out + "/" + f.path;
    std::error_code ec;
    const uint64_t bytes = fs::file_size(path, ec);
    if (ec) return f.path + " is missing";
    if (bytes != f.bytes)
      return f.path + " has " + std::to_string(bytes) + " bytes, its record says " +
             std::to_string(f.bytes);
    if (hash && Sha256File(path) != f.sha256)
      return f.path + " does not match the SHA-256 in its record";
  }
  return "";
}

bool RecordIsWellFormed(const nlohmann::json& record) {
  // What WriteFrame writes and AddFrameRecord and RecordedFiles read; anything else (a record
  // damaged on disk or edited by hand) must not reach them.
  auto object_with = [](const nlohmann::json& j, std::initializer_list<const char*> keys) {
    if (!j.is_object()) return false;
    for (const char* key : keys)
      if (!j.contains(key)) return false;
    return true;
  };
  if (!object_with(record, {"frame", "files", "cameras"}) ||
      !record.at("frame").is_number_integer() || !record.at("files").is_array() ||
      !record.at("cameras").is_object())
    return false;
  for (const auto& f : record.at("files"))
    if (!object_with(f, {"path", "bytes", "sha256"}) || !f.at("path").is_string() ||
        !f.at("bytes").is_number_unsigned() || !f.at("sha256").is_string())
      return false;
  // coco.json sorts images and annotations by their integer "id".
  auto has_integer_id = [&](const nlohmann::json& j) {
    return object_with(j, {"id"}) && j.at("id").is_number_integer();
  };
  for (const auto& [camera, labels] : record.at("cameras").items()) {
    if (!object_with(labels, {"image", "annotations", "scene_gt", "scene_camera"}) ||
        !has_integer_id(labels.at("image")) || !labels.at("annotations").is_array())
      return false;
    for (const auto& a : labels.at("annotations"))
      if (!has_integer_id(a)) return false;
  }
  return true;
}

std::vector<ManifestFile> RecordedFiles(const nlohmann::json& record) {
  std::vector<ManifestFile> files;
  for (const auto& f : record.at("files"))
    files.push_back({f.at("path").get<std::string>(), f.at("sha256").get<std::string>(),
                     f.at("bytes").get<uint64_t>()});
  return files;
}

void Aggregates::AddFrameRecord(const nlohmann::json& record) {
  const std::string key = std::to_string(record.at("frame").get<int64_t>());
  for (const auto& [camera, labels] : record.at("cameras").items()) {
    coco_images[camera + "/coco.json"].push_back(labels.at("image"));
    auto& annotations = coco_annotations[camera + "/coco.json"];
    for (const auto& a : labels.at("annotations")) annotations.push_back(a);
    keyed[camera + "/scene_gt.json"][key] = labels.at("scene_gt");
    keyed[camera + "/scene_camera.json"][key] = labels.at("scene_camera");
  }
  if (record.contains("randomization"))
    keyed["randomization.json"][key] = record.at("randomization");
}

std::vector<std::string> WriteAggregates(const std::string& out, const Aggregates& aggregates,
                                         const std::vector<std::string>& classes,
                                         FileBatch& files) {
  std::vector<std::string> written;
  auto write = [&](const std::string& relative, const std::string& text) {
    files.WriteText(out + "/" + relative, text);
    written.push_back(relative);
  };
  for (const auto& [relative, images] : aggregates.coco_images) {
    const auto annotations = aggregates.coco_annotations.find(relative);
    write(relative, DatasetJsonText(CocoDocument(images,
                                                 annotations == aggregates.coco_annotations.end()
                                                     ? std::vector<nlohmann::json>{}
                                                     : annotations->second,
                                                 classes)));
  }
  for (const auto& [relative, object] : aggregates.keyed) write(relative, DatasetJsonText(object));
  return written;
}

void WriteManifest(const std::string& out, const DatasetIdentity& identity,
                   std::vector<std::array<int64_t, 2>> frame_ranges,
                   std::vector<ManifestFile> files, bool sync) {
  std::sort(files.begin(), files.end(),
            [](const ManifestFile& a, const ManifestFile& b) { return a.path < b.path; });
  Manifest manifest;
  manifest.scene = ValueOr(identity.config, "scene", std::string());
  manifest.scene_sha256 = ValueOr(identity.config, "scene_sha256", std::string());
  manifest.config = identity.config;
  manifest.seed = identity.seed;
  manifest.version = identity.version;
  manifest.frames = identity.frames;
  manifest.frame_ranges = std::move(frame_ranges);
  manifest.files = std::move(files);
  FileBatch batch(sync);
  batch.WriteText(out + "/manifest.json", DatasetJsonText(ManifestJson(manifest), 2));
  batch.Commit();
}

}  // namespace twin::datagen
