// Running `twin datagen` in the CLI tests of datasets: temporary folders, whole trees compared
// byte for byte, and runs stopped part-way.
#pragma once

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_support.h"

namespace twin::testing {

namespace fs = std::filesystem;

inline const std::string kScene = std::string(TWIN_TEST_DATA) + "/layouts/datagen_cell.yaml";

struct TempFolder {
  fs::path path;
  TempFolder() {
    path = fs::temp_directory_path() /
           ("twin_datagen_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempFolder() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  static inline int counter = 0;
};

inline std::string ReadBytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

/// Every file under `root` (relative path -> contents).
inline std::map<std::string, std::string> Tree(const std::string& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file())
      files[fs::relative(entry.path(), root).string()] = ReadBytes(entry.path());
  return files;
}

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

inline ProcessResult Datagen(const std::string& out, int frames,
                             std::vector<std::string> extra = {},
                             std::vector<std::string> env = {}) {
  std::vector<std::string> args{"datagen", kScene, "--frames", std::to_string(frames),
                                "--out",   out};
  args.insert(args.end(), extra.begin(), extra.end());
  return Twin(args, env);
}

inline ProcessResult CheckDataset(const std::string& dir) {
  return RunProcess(
      {"/usr/bin/python3", std::string(TWIN_SOURCE_DIR) + "/tests/datagen/check_dataset.py", dir});
}

inline int FramesDone(const std::string& out) {
  const fs::path records = fs::path(out) / ".twin" / "frames";
  if (!fs::is_directory(records)) return 0;
  int n = 0;
  for (const auto& entry : fs::directory_iterator(records))
    if (entry.path().extension() == ".json") ++n;
  return n;
}

/// Starts `twin datagen --frames FRAMES --out OUT` and kills it with SIGKILL once 3 frames are
/// recorded, while later ones are being written.
inline void StartAndKill(const std::string& out, int frames) {
  const pid_t pid = fork();
  if (pid == 0) {
    const std::string count = std::to_string(frames);
    execl(TWIN_BINARY, TWIN_BINARY, "datagen", kScene.c_str(), "--frames", count.c_str(), "--out",
          out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (FramesDone(out) < 3 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  const int done = FramesDone(out);
  INFO("frames recorded when killed: " << done);
  REQUIRE(done >= 3);
  REQUIRE_FALSE(fs::exists(out + "/manifest.json"));
}

}  // namespace twin::testing
