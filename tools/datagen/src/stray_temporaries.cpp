#include <algorithm>
#include <filesystem>

#include <twin/base/error.h>
#include <twin/datagen/atomic_file.h>

#include "dataset_state.h"

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;

bool IsFrameName(const std::string& name, const std::string& extension) {
  if (name.size() < 6 + extension.size() ||
      name.compare(name.size() - extension.size(), extension.size(), extension) != 0)
    return false;
  const std::string digits = name.substr(0, name.size() - extension.size());
  return digits.find_first_not_of("0123456789") == std::string::npos;
}

bool Contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

// `parts` (a path relative to the dataset root, split at '/') is a file this dataset writes.
bool IsDatasetFile(const std::vector<std::string>& parts, const std::vector<std::string>& cameras,
                   const std::vector<std::string>& lidars) {
  const std::string& name = parts.back();
  if (parts.size() == 1)
    return Contains({"manifest.json", "classes.json", "instances.json", "models_info.json",
                     "randomization.json", "preview.png"},
                    name);
  if (parts[0] == kStateDir)
    return (parts.size() == 2 && name == "run.json") ||
           (parts.size() == 3 && parts[1] == "frames" && IsFrameName(name, ".json"));
  if (Contains(cameras, parts[0])) {
    if (parts.size() == 2)
      return Contains({"camera.json", "coco.json", "scene_gt.json", "scene_camera.json"}, name);
    return parts.size() == 3 &&
           Contains({"rgb", "depth", "instance", "semantic", "normal"}, parts[1]) &&
           IsFrameName(name, ".png");
  }
  return Contains(lidars, parts[0]) && parts.size() == 3 && parts[1] == "points" &&
         IsFrameName(name, ".pcd");
}

}  // namespace

std::vector<std::string> RemoveStrayTemporaries(const std::string& out,
                                                const std::vector<std::string>& cameras,
                                                const std::vector<std::string>& lidars) {
  std::vector<std::string> strays;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(out, ec), end; !ec && it != end; it.increment(ec)) {
    std::string final_name;
    if (!it->is_regular_file() || !IsTemporaryName(it->path().filename().string(), &final_name))
      continue;
    std::vector<std::string> parts;
    for (const fs::path& part : fs::relative(it->path().parent_path(), out)) {
      if (part != ".") parts.push_back(part.string());
    }
    parts.push_back(final_name);
    if (IsDatasetFile(parts, cameras, lidars))
      strays.push_back(fs::relative(it->path(), out).generic_string());
  }
  if (ec) throw base::Error("cannot list " + out + ": " + ec.message());
  for (const std::string& stray : strays) {
    if (!fs::remove(out + "/" + stray, ec) && ec)
      throw base::Error("cannot remove the stray temporary file " + out + "/" + stray + ": " +
                        ec.message());
  }
  std::sort(strays.begin(), strays.end());
  return strays;
}

}  // namespace twin::datagen
