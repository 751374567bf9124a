#include <twin/datagen/dataset_merge.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <twin/base/error.h>
#include <twin/datagen/atomic_file.h>
#include <twin/datagen/coco.h>
#include <twin/datagen/manifest.h>
#include <twin/datagen/sha256.h>

#include "dataset_state.h"

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;

// A shard is untrusted input: its manifest names the files to copy into OUT, so a path must stay
// inside the shard (and so inside OUT once copied). Returns why `path` does not ("" when it does).
std::string UnsafePathReason(const std::string& path) {
  if (path.empty()) return "an empty path";
  if (path[0] == '/') return "an absolute path";
  for (char c : path)
    if (static_cast<unsigned char>(c) < 0x20) return "a control character in a path";
  if (path == "manifest.json") return "the manifest itself";
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string part = path.substr(start, slash - start);
    if (part.empty()) return "an empty folder name in a path";
    if (part == "..") return "'..' in a path (a file outside the shard)";
    if (part == ".") return "'.' in a path";
    if (slash == std::string::npos) return "";
    start = slash + 1;
  }
}

void CheckShardPaths(const std::string& shard, const Manifest& manifest) {
  for (const ManifestFile& file : manifest.files) {
    const std::string reason = UnsafePathReason(file.path);
    if (!reason.empty())
      throw base::Error("shard " + shard + ": manifest.json lists '" + file.path + "': " + reason +
                        "; a shard's files must be inside its folder, so it is not merged");
  }
}

// The bytes of `shard`/`relative`, refusing symbolic links on the way (every folder of the path
// and the file itself) and anything that does not match the manifest's size and SHA-256.
std::string ReadShardFile(const std::string& shard, const ManifestFile& file) {
  const std::string source = shard + "/" + file.path;
  fs::path walked = shard;
  for (const fs::path& part : fs::path(file.path)) {
    walked /= part;
    struct stat info {};
    if (lstat(walked.c_str(), &info) != 0)
      throw base::Error(source + " is listed in its shard's manifest but cannot be read (" +
                        std::strerror(errno) + "); run twin dataset verify " + shard);
    if (S_ISLNK(info.st_mode))
      throw base::Error(
          "shard " + shard + ": " + walked.string() +
          " is a symbolic link; a shard's files must be plain files inside its folder, "
          "so it is not merged");
  }
  const int fd = open(source.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw base::Error("cannot read " + source + ": " + std::strerror(errno));
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    throw base::Error("shard " + shard + ": " + file.path +
                      " is not a plain file, so it is not merged");
  }
  std::string bytes;
  bytes.reserve(static_cast<size_t>(std::min<uint64_t>(file.bytes, 1u << 30)));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      throw base::Error("cannot read " + source + ": " + std::strerror(error));
    }
    if (n == 0) break;
    bytes.append(buffer, static_cast<size_t>(n));
    if (bytes.size() > file.bytes) break;  // more than listed: no need to read on
  }
  close(fd);
  if (bytes.size() != file.bytes || Sha256Hex(bytes.data(), bytes.size()) != file.sha256)
    throw base::Error(source + " does not match its shard's manifest (damaged or changed); " +
                      "run twin dataset verify " + shard);
  return bytes;
}

// A label file of a shard, parsed only once its bytes match the manifest.
nlohmann::json ReadShardJson(const std::string& shard, const ManifestFile& file) {
  const std::string text = ReadShardFile(shard, file);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded())
    throw base::Error(shard + "/" + file.path + " is not valid JSON; run twin dataset verify " +
                      shard);
  return j;
}

Manifest ReadShardManifest(const std::string& shard) {
  const std::string path = shard + "/manifest.json";
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(path, ec);
  if (ec || !fs::exists(status))
    throw base::Error("shard " + shard + " has no manifest.json: it has not finished; run its " +
                      "twin datagen again with --resume");
  if (!fs::is_regular_file(status))
    throw base::Error("shard " + shard +
                      ": manifest.json is not a plain file (a symbolic link?), " +
                      "so it is not merged");
  const auto json = ReadJsonFile(path);
  if (!json) throw base::Error(path + " is not valid JSON; run twin dataset verify " + shard);
  Manifest manifest = ManifestFromJson(*json, path);
  CheckShardPaths(shard, manifest);
  return manifest;
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

std::string Joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "; ") + item;
  return out;
}

}  // namespace

MergeStats MergeDatasets(const std::string& out, const std::vector<std::string>& shards) {
  if (shards.empty()) throw base::Error("twin dataset merge: name at least one shard folder");
  std::vector<Manifest> manifests;
  for (const std::string& shard : shards) manifests.push_back(ReadShardManifest(shard));
  const DatasetIdentity identity = IdentityOf(manifests[0]);
  std::vector<std::array<int64_t, 2>> ranges;
  std::vector<std::pair<std::array<int64_t, 2>, std::string>> owners;
  for (size_t s = 0; s < shards.size(); ++s) {
    const DatasetIdentity theirs = IdentityOf(manifests[s]);
    if (!SameDataset(identity, theirs))
      throw base::Error("shard " + shards[s] + " is part of a different dataset than " + shards[0] +
                        ": " +
                        Joined(IdentityDifferences(
                            theirs, identity, "the one shard " + shards[0] + " was made with")));
    for (const auto& r : manifests[s].frame_ranges) {
      for (const auto& [other, owner] : owners)
        if (r[0] < other[1] && other[0] < r[1])
          throw base::Error("shards " + owner + " and " + shards[s] + " both hold frames " +
                            std::to_string(std::max(r[0], other[0])) + " to " +
                            std::to_string(std::min(r[1], other[1]) - 1) +
                            "; merge each shard once");
      owners.push_back({r, shards[s]});
      ranges.push_back(r);
    }
  }

  std::error_code ec;
  fs::create_directories(out, ec);
  if (!fs::is_directory(out))
    throw base::Error("cannot create the merge folder " + out + ": " + ec.message());
  if (fs::directory_iterator(out) != fs::directory_iterator())
    throw base::Error("the merge folder " + out + " is not empty; name a new or empty folder");

  MergeStats stats;
  stats.shards = static_cast<int>(shards.size());
  Aggregates aggregates;
  std::map<std::string, std::vector<nlohmann::json>> coco_parts;  // coco.json -> each shard's
  std::map<std::string, std::string> copied;                      // path -> sha256
  std::vector<ManifestFile> files;
  FileBatch batch(/*sync=*/true);
  for (size_t s = 0; s < shards.size(); ++s) {
    for (const ManifestFile& file : manifests[s].files) {
      const std::string source = shards[s] + "/" + file.path;
      if (IsCoco(file.path)) {
        coco_parts[file.path].push_back(ReadShardJson(shards[s], file));
        continue;
      }
      if (IsKeyedLabels(file.path)) {
        nlohmann::json& merged = aggregates.keyed[file.path];
        const nlohmann::json part = ReadShardJson(shards[s], file);
        if (!part.is_object()) throw base::Error(source + " is not a JSON object of frames");
        for (const auto& [key, value] : part.items()) {
          if (merged.contains(key))
            throw base::Error(source + ": frame " + key + " is also in another shard");
          merged[key] = value;
        }
        continue;
      }
      if (const auto seen = copied.find(file.path); seen != copied.end()) {
        if (seen->second != file.sha256)
          throw base::Error(file.path + " differs between the shards (e.g. " + source +
                            "); they were not made from the same scene");
        continue;
      }
      const std::string bytes = ReadShardFile(shards[s], file);
      CreateDirectories(fs::path(out + "/" + file.path).parent_path().string(), true);
      batch.Write(out + "/" + file.path, bytes.data(), bytes.size());
      copied.emplace(file.path, file.sha256);
      files.push_back(file);
      stats.bytes += bytes.size();
    }
  }
  for (const auto& [relative, parts] : coco_parts) {
    const std::string text = DatasetJsonText(MergeCoco(parts));  // checks their categories agree
    CreateDirectories(fs::path(out + "/" + relative).parent_path().string(), true);
    batch.WriteText(out + "/" + relative, text);
    files.push_back({relative, Sha256Hex(text.data(), text.size()), text.size()});
    stats.bytes += text.size();
  }
  for (const auto& [relative, object] : aggregates.keyed)
    CreateDirectories(fs::path(out + "/" + relative).parent_path().string(), true);
  for (const std::string& relative : WriteAggregates(out, aggregates, {}, batch)) {
    const ManifestFile f = HashFiles(out, {relative}, 1).front();
    stats.bytes += f.bytes;
    files.push_back(f);
  }
  batch.Commit();
  stats.frame_ranges = MergeFrameRanges(ranges);
  for (const auto& r : stats.frame_ranges) stats.frames += r[1] - r[0];
  stats.dataset_frames = identity.frames;
  stats.files = static_cast<int64_t>(files.size()) + 1;
  WriteManifest(out, identity, stats.frame_ranges, std::move(files), /*sync=*/true);
  return stats;
}

}  // namespace twin::datagen
