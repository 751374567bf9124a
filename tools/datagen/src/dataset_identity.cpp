#include "dataset_identity.h"

#include <twin/datagen/sha256.h>

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Short(const json& value) {
  if (!value.is_string()) return value.dump();
  const std::string text = value.get<std::string>();
  const bool hash = text.size() == 64 && text.find_first_not_of("0123456789abcdef") == text.npos;
  return hash ? text.substr(0, 12) : text;
}

// j[key], or null when j is not an object or has no such key (a recorded identity may be old or
// hand-edited).
json Get(const json& j, const char* key) {
  return j.is_object() && j.contains(key) ? j.at(key) : json();
}

std::string Text(const json& j, const char* key, const std::string& fallback = "") {
  const json value = Get(j, key);
  return value.is_string() ? value.get<std::string>() : fallback;
}

}  // namespace

DatasetIdentity IdentityOf(const Manifest& manifest) {
  return {manifest.config, manifest.seed, manifest.version, manifest.frames};
}

json SourcesJson(const fs::path& scene, const std::vector<fs::path>& files) {
  const fs::path base = fs::absolute(scene).lexically_normal().parent_path();
  json sources = json::object();
  for (const fs::path& file : files)
    sources[file.lexically_relative(base).generic_string()] = Sha256File(file.string());
  return sources;
}

std::vector<std::string> IdentityDifferences(const DatasetIdentity& ours,
                                             const DatasetIdentity& theirs,
                                             const std::string& against) {
  std::vector<std::string> out;
  auto differs = [&](const std::string& what, const json& mine, const json& recorded) {
    out.push_back(what + " differs from " + against + " (" + Short(mine) + " vs " +
                  Short(recorded) + ")");
  };
  const json& a = ours.config;
  const json& b = theirs.config;
  const std::string scene = Text(a, "scene", "?");
  if (Get(a, "scene") != Get(b, "scene"))
    differs("the scene", Get(a, "scene"), Get(b, "scene"));
  else if (Get(a, "scene_sha256") != Get(b, "scene_sha256"))
    differs("scene file " + scene, Get(a, "scene_sha256"), Get(b, "scene_sha256"));
  // Included files (the scene's own entry is the scene file above).
  json sources_a = Get(a, "sources"), sources_b = Get(b, "sources");
  if (!sources_a.is_object()) sources_a = json::object();
  if (!sources_b.is_object()) sources_b = json::object();
  for (const auto& [path, hash] : sources_a.items()) {
    if (path == scene) continue;
    if (!sources_b.contains(path))
      out.push_back("included file " + path + " is not among the files " + against + " used");
    else if (sources_b.at(path) != hash)
      differs("included file " + path, hash, sources_b.at(path));
  }
  for (const auto& [path, hash] : sources_b.items())
    if (path != scene && !sources_a.contains(path))
      out.push_back("included file " + path + " (used by " + against + ") is no longer included");
  const json overlay_a = Get(a, "randomize_overlay"), overlay_b = Get(b, "randomize_overlay");
  if (overlay_a != overlay_b) {
    if (overlay_a.is_null())
      out.push_back("no --randomize file is given; " + against + " had " +
                    Text(overlay_b, "file", "one"));
    else if (overlay_b.is_null())
      out.push_back("--randomize " + Text(overlay_a, "file") + " is given; " + against +
                    " had none");
    else if (Get(overlay_a, "file") != Get(overlay_b, "file"))
      differs("the randomization file", Get(overlay_a, "file"), Get(overlay_b, "file"));
    else
      differs("randomization file " + Text(overlay_a, "file"), Get(overlay_a, "sha256"),
              Get(overlay_b, "sha256"));
  }
  if (ours.version != theirs.version) differs("the twin version", ours.version, theirs.version);
  const json device_a = Get(a, "device"), device_b = Get(b, "device");
  if (Get(device_a, "name") != Get(device_b, "name")) {
    differs("the render device", Get(device_a, "name"), Get(device_b, "name"));
  } else if (device_a != device_b) {
    auto driver = [](const json& device) {
      return Text(device, "driver") + " " + Get(device, "driver_version").dump();
    };
    differs("the render device's driver", driver(device_a), driver(device_b));
  }
  if (ours.seed != theirs.seed) differs("the seed", ours.seed, theirs.seed);
  if (ours.frames != theirs.frames) differs("the frame count", ours.frames, theirs.frames);
  // Everything else of the config: cameras, lidars, modalities...
  for (const auto& [key, value] : a.items()) {
    if (key == "scene" || key == "scene_sha256" || key == "sources" || key == "randomize_overlay" ||
        key == "device")
      continue;
    if (Get(b, key.c_str()) != value) differs("'" + key + "'", value, Get(b, key.c_str()));
  }
  for (const auto& [key, value] : b.items())
    if (!a.contains(key) && key != "randomize_overlay") differs("'" + key + "'", json(), value);
  return out;
}

bool SameDataset(const DatasetIdentity& a, const DatasetIdentity& b) {
  return a.config == b.config && a.seed == b.seed && a.version == b.version && a.frames == b.frames;
}

}  // namespace twin::datagen
