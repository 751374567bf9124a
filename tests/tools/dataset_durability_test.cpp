// What a killed or damaged `twin datagen` run leaves, and what --resume makes of it: temporary
// files of the dataset's own naming removed (and nothing else), frames whose files no longer
// match their records made again, and a manifest hashed from the files on disk (checked here by
// Python's hashlib). The truth is an uninterrupted run of the same dataset, byte for byte.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "datagen_cli_support.h"

using Catch::Matchers::Contains;
using twin::testing::Datagen;
using twin::testing::ProcessResult;
using twin::testing::ReadBytes;
using twin::testing::RequireCleanExit;
using twin::testing::RequireSameTree;
using twin::testing::RunProcess;
using twin::testing::StartAndKill;
using twin::testing::TempFolder;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

/// The frames a stopped run has recorded (from OUT/.twin/frames), ascending.
std::vector<int> RecordedFrames(const std::string& out) {
  std::vector<int> frames;
  for (const auto& entry : fs::directory_iterator(out + "/.twin/frames"))
    if (entry.path().extension() == ".json") frames.push_back(std::stoi(entry.path().stem()));
  std::sort(frames.begin(), frames.end());
  return frames;
}

std::string Frame(int k, const char* extension) {
  char name[32];
  std::snprintf(name, sizeof name, "%06d%s", k, extension);
  return name;
}

/// Flips one byte in the middle of `path`: same size, other content.
void FlipByte(const std::string& path) {
  const auto size = fs::file_size(path);
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(size / 2));
  const char c = static_cast<char>(file.get());
  file.seekp(static_cast<std::streamoff>(size / 2));
  file.put(static_cast<char>(c ^ 0x5a));
}

/// Python's hashlib on every file manifest.json lists: "ok N" when each size and SHA-256 match.
ProcessResult RehashWithPython(const std::string& dir) {
  const char* script = R"(
import hashlib, json, os, sys
root = sys.argv[1]
manifest = json.load(open(os.path.join(root, 'manifest.json')))
bad = [f['path'] for f in manifest['files']
       if hashlib.sha256(open(os.path.join(root, f['path']), 'rb').read()).hexdigest() != f['sha256']
       or os.path.getsize(os.path.join(root, f['path'])) != f['bytes']]
if bad or not manifest['files']:
    sys.exit('differ: %s' % bad[:5])
print('ok', len(manifest['files']))
)";
  return RunProcess({"/usr/bin/python3", "-c", script, dir});
}

}  // namespace

TEST_CASE("twin datagen --resume removes the temporary files a kill left, and only those",
          "[datagen][durability]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "whole", 8), 0);
  const std::string out = tmp / "killed";
  StartAndKill(out, 8);
  // What a kill between open and rename leaves (any pid), in each kind of place...
  const std::vector<std::string> strays = {
      "cell_cam/rgb/000002.png.tmp.41217", "cell_cam/coco.json.tmp.7",
      "cell_lidar/points/000001.pcd.tmp.99", ".twin/frames/000006.json.tmp.41217",
      "manifest.json.tmp.5"};
  // ...and look-alikes that are not the dataset's: another name, another folder, not a pid.
  const std::vector<std::string> others = {"cell_cam/rgb/holiday.png.tmp.12",
                                           "cell_cam/rgb/000003.png.tmp.x12",
                                           "notes/000001.png.tmp.3", "cell_cam/000001.png.tmp.3"};
  fs::create_directories(out + "/notes");
  for (const std::string& path : strays) WriteFile(out + "/" + path, "half a file");
  for (const std::string& path : others) WriteFile(out + "/" + path, "mine: " + path);

  const ProcessResult resumed = Datagen(out, 8, {"--resume"});
  RequireCleanExit(resumed, 0);
  for (const std::string& path : strays) {
    CHECK_FALSE(fs::exists(out + "/" + path));
    CHECK_THAT(resumed.err, Contains("removed " + path));
  }
  for (const std::string& path : others) CHECK(ReadBytes(out + "/" + path) == "mine: " + path);

  // The look-alikes are the only thing verify finds; without them the dataset is the whole one.
  const ProcessResult verify = Twin({"dataset", "verify", out});
  RequireCleanExit(verify, 1);
  CHECK_THAT(verify.out, Contains("0 missing, 0 corrupt, 4 unexpected"));
  for (const std::string& path : others) fs::remove(out + "/" + path);
  fs::remove(out + "/notes");
  RequireCleanExit(Twin({"dataset", "verify", out}), 0);
  RequireSameTree(tmp / "whole", out);
}

TEST_CASE("twin datagen --resume makes again a frame whose files no longer match its record",
          "[datagen][durability]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "whole", 8), 0);
  const std::string out = tmp / "killed";
  StartAndKill(out, 8);
  const std::vector<int> done = RecordedFrames(out);
  REQUIRE(done.size() >= 2);
  // One frame's image cut short, another's changed in place (same size).
  const std::string cut = "cell_cam/rgb/" + Frame(done[0], ".png");
  const std::string changed = "cell_cam/depth/" + Frame(done[1], ".png");
  fs::resize_file(out + "/" + cut, fs::file_size(out + "/" + cut) / 2);
  FlipByte(out + "/" + changed);

  const ProcessResult resumed = Datagen(out, 8, {"--resume"});
  RequireCleanExit(resumed, 0);
  CHECK_THAT(resumed.err,
             Contains("frame " + std::to_string(done[0]) + " is made again: " + cut + " has "));
  CHECK_THAT(resumed.err, Contains("frame " + std::to_string(done[1]) + " is made again: " +
                                   changed + " does not match the SHA-256 in its record"));
  RequireSameTree(tmp / "whole", out);
  const ProcessResult hashes = RehashWithPython(out);
  INFO(hashes.out << hashes.err);
  CHECK(hashes.exit_code == 0);
}

TEST_CASE("twin datagen's manifest is hashed from the files on disk, not from the records",
          "[datagen][durability]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "whole", 8), 0);
  const ProcessResult whole = RehashWithPython(tmp / "whole");
  INFO(whole.out << whole.err);
  CHECK(whole.exit_code == 0);

  // A frame changed in place long after it was recorded: --resume checks its size only (its hash
  // only for recent frames), so the final rehash finds it, refuses to write a manifest that
  // would not match, and sends the frame back to be made again.
  const std::string out = tmp / "killed";
  StartAndKill(out, 8);
  const int frame = RecordedFrames(out).front();
  const std::string changed = "cell_cam/normal/" + Frame(frame, ".png");
  FlipByte(out + "/" + changed);
  const fs::path record = out + "/.twin/frames/" + Frame(frame, ".json");
  fs::last_write_time(record, fs::last_write_time(record) - std::chrono::hours(2));

  const ProcessResult first = Datagen(out, 8, {"--resume"});
  RequireCleanExit(first, 1);
  CHECK_THAT(first.err, Contains("changed on disk") &&
                            Contains(changed + " (frame " + std::to_string(frame) + ")") &&
                            Contains("rerun with --resume"));
  CHECK_FALSE(fs::exists(out + "/manifest.json"));
  const ProcessResult second = Datagen(out, 8, {"--resume"});
  RequireCleanExit(second, 0);
  RequireSameTree(tmp / "whole", out);
}

TEST_CASE("twin datagen --no-fsync writes the same dataset", "[datagen][durability]") {
  TempFolder tmp;
  RequireCleanExit(Datagen(tmp / "synced", 3), 0);
  RequireCleanExit(Datagen(tmp / "unsynced", 3, {"--no-fsync"}), 0);
  RequireSameTree(tmp / "synced", tmp / "unsynced");
}
