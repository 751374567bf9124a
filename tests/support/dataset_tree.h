// Dataset folders in CLI tests: a temporary folder per test, every file of a tree read back, two
// trees compared byte for byte, how many frames a run has recorded so far, and a run of
// `twin datagen` killed part-way.
#pragma once

#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "background_process.h"

namespace twin::testing {

/// A fresh folder under the system's temporary one, removed with everything in it at the end.
struct TempFolder {
  std::filesystem::path path;
  explicit TempFolder(const std::string& prefix = "twin_dataset_test") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           (prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~TempFolder() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline std::string ReadBytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

/// Every file under `root` (relative path -> contents).
inline std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[std::filesystem::relative(entry.path(), root).string()] = ReadBytes(entry.path());
  return files;
}

/// The two folders hold the same files with the same bytes (and more than a handful).
inline void RequireSameTree(const std::string& a, const std::string& b) {
  const auto ta = Tree(a), tb = Tree(b);
  std::vector<std::string> only_a, only_b, differ;
  for (const auto& [path, bytes] : ta) {
    const auto other = tb.find(path);
    if (other == tb.end())
      only_a.push_back(path);
    else if (other->second != bytes)
      differ.push_back(path);
  }
  for (const auto& [path, bytes] : tb)
    if (!ta.count(path)) only_b.push_back(path);
  INFO("only in " << a << ": " << only_a.size() << (only_a.empty() ? "" : " e.g. " + only_a[0]));
  INFO("only in " << b << ": " << only_b.size() << (only_b.empty() ? "" : " e.g. " + only_b[0]));
  INFO("different: " << differ.size() << (differ.empty() ? "" : " e.g. " + differ[0]));
  REQUIRE(ta.size() > 10);
  REQUIRE(only_a.empty());
  REQUIRE(only_b.empty());
  REQUIRE(differ.empty());
}

/// Frames a datagen run into `out` has recorded as done (OUT/.twin/frames/NNNNNN.json).
inline int FramesDone(const std::string& out) {
  const std::filesystem::path records = std::filesystem::path(out) / ".twin" / "frames";
  if (!std::filesystem::is_directory(records)) return 0;
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(records))
    if (entry.path().extension() == ".json") ++n;
  return n;
}

/// Starts `twin datagen SCENE --frames FRAMES --out OUT` and kills it with SIGKILL once
/// `recorded` frames are recorded, while later ones are being made: the run is unfinished.
inline void StartAndKill(const std::string& scene, const std::string& out, int frames,
                         int recorded = 3) {
  BackgroundProcess datagen(
      {TWIN_BINARY, "datagen", scene, "--frames", std::to_string(frames), "--out", out});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (FramesDone(out) < recorded && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  const ProcessResult killed = datagen.Stop(SIGKILL);
  INFO("twin datagen's stderr: " << killed.err);
  REQUIRE(killed.signal == SIGKILL);
  const int done = FramesDone(out);
  INFO("frames recorded when killed: " << done);
  REQUIRE(done >= recorded);
  REQUIRE_FALSE(std::filesystem::exists(out + "/manifest.json"));
}

}  // namespace twin::testing
