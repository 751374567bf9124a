#include <twin/datagen/manifest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include <twin/base/error.h>
#include <twin/datagen/sha256.h>
#include <twin/datagen/thread_pool.h>

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

template <class T>
T Field(const json& j, const char* key, const std::string& source) {
  if (!j.contains(key))
    throw base::Error(source + ": key '" + key +
                      "' is missing; rewrite the dataset with twin datagen");
  try {
    return j.at(key).get<T>();
  } catch (const json::exception& e) {
    throw base::Error(source + ": key '" + key + "' has the wrong type (" + e.what() + ")");
  }
}

int HashThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u));
}

}  // namespace

std::vector<std::array<int64_t, 2>> MergeFrameRanges(std::vector<std::array<int64_t, 2>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::array<int64_t, 2>> merged;
  for (const auto& r : ranges) {
    if (r[1] <= r[0]) continue;
    if (!merged.empty() && r[0] <= merged.back()[1])
      merged.back()[1] = std::max(merged.back()[1], r[1]);
    else
      merged.push_back(r);
  }
  return merged;
}

json ManifestJson(const Manifest& m) {
  std::vector<ManifestFile> files = m.files;
  std::sort(files.begin(), files.end(),
            [](const ManifestFile& a, const ManifestFile& b) { return a.path < b.path; });
  json list = json::array();
  for (const ManifestFile& f : files)
    list.push_back({{"path", f.path}, {"sha256", f.sha256}, {"bytes", f.bytes}});
  return {{"format", m.format},
          {"scene", m.scene},
          {"scene_sha256", m.scene_sha256},
          {"config", m.config},
          {"seed", m.seed},
          {"version", m.version},
          {"frames", m.frames},
          {"frame_ranges", MergeFrameRanges(m.frame_ranges)},
          {"files", std::move(list)}};
}

Manifest ManifestFromJson(const json& j, const std::string& source) {
  if (!j.is_object()) throw base::Error(source + ": not a JSON object; is this a twin dataset?");
  Manifest m;
  m.format = Field<std::string>(j, "format", source);
  if (m.format != "twin-dataset/1")
    throw base::Error(source + ": format '" + m.format +
                      "' is not twin-dataset/1; use the twin version that wrote it");
  m.scene = Field<std::string>(j, "scene", source);
  m.scene_sha256 = Field<std::string>(j, "scene_sha256", source);
  if (!j.contains("config")) throw base::Error(source + ": key 'config' is missing");
  m.config = j.at("config");
  m.seed = Field<uint64_t>(j, "seed", source);
  m.version = Field<std::string>(j, "version", source);
  m.frames = Field<int64_t>(j, "frames", source);
  m.frame_ranges = Field<std::vector<std::array<int64_t, 2>>>(j, "frame_ranges", source);
  for (const json& f : Field<json>(j, "files", source)) {
    const std::string where = source + ": files[" + std::to_string(m.files.size()) + "]";
    m.files.push_back({Field<std::string>(f, "path", where), Field<std::string>(f, "sha256", where),
                       Field<uint64_t>(f, "bytes", where)});
  }
  return m;
}

std::vector<ManifestFile> HashFiles(const std::string& root,
                                    const std::vector<std::string>& relative_paths, int threads) {
  ThreadPool pool(std::max(threads, 1));
  std::vector<std::future<ManifestFile>> results;
  for (const std::string& path : relative_paths)
    results.push_back(pool.Submit([&root, path] {
      const std::string full = root + "/" + path;
      std::error_code ec;
      const uint64_t bytes = fs::file_size(full, ec);
      if (ec) throw base::Error("cannot read '" + full + "' to hash it: " + ec.message());
      return ManifestFile{path, Sha256File(full), bytes};
    }));
  std::vector<ManifestFile> files;
  for (auto& r : results) files.push_back(r.get());
  std::sort(files.begin(), files.end(),
            [](const ManifestFile& a, const ManifestFile& b) { return a.path < b.path; });
  return files;
}

VerifyReport VerifyDataset(const std::string& dir) {
  const std::string source = dir + "/manifest.json";
  std::ifstream in(source);
  if (!in) throw base::Error("cannot read " + source + ": is " + dir + " a twin dataset?");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw base::Error(source + ": not valid JSON (" + e.what() + ")");
  }
  const Manifest manifest = ManifestFromJson(j, source);

  VerifyReport report;
  std::set<std::string> listed;
  {
    ThreadPool pool(HashThreads());
    enum class State { kOk, kMissing, kCorrupt };
    std::vector<std::future<State>> states;
    for (const ManifestFile& f : manifest.files) {
      listed.insert(f.path);
      states.push_back(pool.Submit([&dir, &f] {
        const std::string full = dir + "/" + f.path;
        std::error_code ec;
        if (!fs::is_regular_file(full, ec)) return State::kMissing;
        if (fs::file_size(full, ec) != f.bytes || ec) return State::kCorrupt;
        return Sha256File(full) == f.sha256 ? State::kOk : State::kCorrupt;
      }));
    }
    for (size_t i = 0; i < states.size(); ++i) {
      const State state = states[i].get();
      if (state == State::kMissing) report.missing.push_back(manifest.files[i].path);
      if (state == State::kCorrupt) report.corrupt.push_back(manifest.files[i].path);
      ++report.files_checked;
    }
  }

  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory()) continue;
    const std::string relative = fs::relative(it->path(), dir).generic_string();
    if (relative != "manifest.json" && !listed.count(relative))
      report.unexpected.push_back(relative);
  }
  if (ec) throw base::Error("cannot list " + dir + ": " + ec.message());
  std::sort(report.unexpected.begin(), report.unexpected.end());

  // Frames of [0, frames) that no range covers.
  int64_t next = 0;
  for (const auto& r : MergeFrameRanges(manifest.frame_ranges)) {
    if (r[0] > next && next < manifest.frames)
      report.missing_frames.push_back({next, std::min(r[0], manifest.frames)});
    next = std::max(next, r[1]);
  }
  if (next < manifest.frames) report.missing_frames.push_back({next, manifest.frames});
  for (const auto& r : report.missing_frames)
    report.missing.push_back("frames " + std::to_string(r[0]) + ".." + std::to_string(r[1] - 1) +
                             " (no shard wrote them)");
  return report;
}

std::string DatasetJsonText(const json& j, int indent) {
  return j.dump(indent) + "\n";
}

}  // namespace twin::datagen
