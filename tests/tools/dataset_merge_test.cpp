// `twin dataset merge` treats shards as untrusted input: a manifest naming a path outside the
// shard (with '..', or absolute), a symbolic link in a shard, or a label file that does not
// match its manifest hash is refused with a message and a non-zero exit, and nothing is written
// outside OUT. Each attack is a crafted copy of a real shard with its manifest rewritten as an
// attacker would (the hashes made to match what the attack points at, by sha256sum).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "datagen_cli_support.h"

using Catch::Matchers::Contains;
using twin::testing::Datagen;
using twin::testing::ProcessResult;
using twin::testing::ReadBytes;
using twin::testing::RequireCleanExit;
using twin::testing::RunProcess;
using twin::testing::TempFolder;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

std::string Sha256Sum(const std::string& path) {
  const ProcessResult r = RunProcess({"/usr/bin/sha256sum", path});
  REQUIRE(r.exit_code == 0);
  return r.out.substr(0, 64);
}

/// Every path under `root`, symbolic links not followed (relative path -> contents or "->").
std::map<std::string, std::string> Everything(const fs::path& root) {
  std::map<std::string, std::string> all;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string relative = fs::relative(it->path(), root).string();
    if (it->is_symlink())
      all[relative] = "-> " + fs::read_symlink(it->path()).string();
    else if (it->is_regular_file())
      all[relative] = ReadBytes(it->path());
    else
      all[relative] = "folder";
  }
  return all;
}

/// Adds (or replaces) the entry of `path` in the shard's manifest, hashing `content_of`.
void ListInManifest(const std::string& shard, const std::string& path,
                    const std::string& content_of) {
  const std::string file = shard + "/manifest.json";
  nlohmann::json j = nlohmann::json::parse(ReadBytes(file));
  nlohmann::json entry = {
      {"path", path}, {"sha256", Sha256Sum(content_of)}, {"bytes", fs::file_size(content_of)}};
  bool replaced = false;
  for (auto& f : j["files"])
    if (f["path"] == path) f = entry, replaced = true;
  if (!replaced) j["files"].push_back(entry);
  std::ofstream(file, std::ios::trunc) << j.dump(2) << "\n";
}

}  // namespace

TEST_CASE("twin dataset merge refuses crafted shards and writes nothing outside OUT",
          "[datagen][merge]") {
  TempFolder tmp;
  const fs::path work = tmp.path / "work";
  fs::create_directories(work);
  RequireCleanExit(Datagen((work / "s0").string(), 4, {"--shard", "0/2"}), 0);
  RequireCleanExit(Datagen((work / "good").string(), 4, {"--shard", "1/2"}), 0);
  const std::string s0 = (work / "s0").string();
  const std::string evil = (work / "evil").string();
  fs::copy(work / "good", evil, fs::copy_options::recursive);
  const std::string out = (work / "merged" / "out").string();
  // What the attacks aim at: a file beside the shard, and one beside OUT.
  std::ofstream(work / "secret.txt") << "beside the shard\n";
  fs::create_directories(work / "merged");

  std::string expected;
  SECTION("a path with '..'") {
    ListInManifest(evil, "../secret.txt", (work / "secret.txt").string());
    ListInManifest(evil, "cell_cam/../../merged/escaped.txt", (work / "secret.txt").string());
    expected = "manifest.json lists '../secret.txt': '..' in a path";
  }
  SECTION("an absolute path") {
    ListInManifest(evil, "/etc/passwd", "/etc/passwd");
    expected = "manifest.json lists '/etc/passwd': an absolute path";
  }
  SECTION("a symbolic link to /etc/passwd, its hash in the manifest") {
    const std::string image = evil + "/cell_cam/rgb/000002.png";
    fs::remove(image);
    fs::create_symlink("/etc/passwd", image);
    ListInManifest(evil, "cell_cam/rgb/000002.png", "/etc/passwd");
    expected = "cell_cam/rgb/000002.png is a symbolic link";
  }
  SECTION("a symbolic link to a folder outside the shard") {
    fs::rename(evil + "/cell_lidar", work / "lidar_elsewhere");
    fs::create_symlink(work / "lidar_elsewhere", evil + "/cell_lidar");
    expected = "cell_lidar is a symbolic link";
  }
  SECTION("a label file changed after its manifest") {
    const std::string coco = evil + "/cell_cam/coco.json";
    nlohmann::json j = nlohmann::json::parse(ReadBytes(coco));
    j["annotations"][0]["category_id"] = 999;
    std::ofstream(coco, std::ios::trunc) << j.dump() << "\n";
    expected = "cell_cam/coco.json does not match its shard's manifest";
  }
  SECTION("randomization.json changed after its manifest") {
    const std::string file = evil + "/randomization.json";
    nlohmann::json j = nlohmann::json::parse(ReadBytes(file));
    j["2"]["placed"] = nlohmann::json::array();
    std::ofstream(file, std::ios::trunc) << j.dump() << "\n";
    expected = "randomization.json does not match its shard's manifest";
  }
  SECTION("a manifest.json that is a symbolic link") {
    fs::rename(evil + "/manifest.json", work / "manifest_elsewhere.json");
    fs::create_symlink(work / "manifest_elsewhere.json", evil + "/manifest.json");
    expected = "manifest.json is not a plain file";
  }

  const auto before = Everything(work);
  const ProcessResult r = Twin({"dataset", "merge", out, s0, evil});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.err, Contains(expected));
  // Nothing outside OUT changed, and OUT holds no link and nothing of /etc/passwd.
  auto after = Everything(work);
  for (auto it = after.begin(); it != after.end();)
    it = it->first.rfind("merged/out", 0) == 0 ? after.erase(it) : std::next(it);
  CHECK(after == before);
  const std::string passwd = ReadBytes("/etc/passwd");
  if (fs::exists(out)) {
    for (const auto& [path, content] : Everything(out)) {
      INFO(path);
      CHECK(content.rfind("-> ", 0) != 0);
      CHECK(content != passwd);
    }
  }
  // The untouched shard still merges.
  fs::remove_all(out);
  RequireCleanExit(Twin({"dataset", "merge", out, s0, (work / "good").string()}), 0);
}
