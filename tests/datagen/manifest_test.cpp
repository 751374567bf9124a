#include <twin/datagen/manifest.h>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <twin/datagen/atomic_file.h>

#include "error_message.h"
#include "process.h"
#include "python_cv.h"

using namespace twin::datagen;
using twin::testing::TempDir;
using twin::testing::WriteText;

namespace {

// A small dataset: three files, a manifest of frames [0, 4) over two shard ranges.
Manifest MakeDataset(const TempDir& dir) {
  std::filesystem::create_directories(dir / "cam/rgb");
  WriteText(dir / "cam/rgb/000000.png", "frame zero");
  WriteText(dir / "cam/rgb/000001.png", std::string(3 << 20, 'q'));
  WriteText(dir / "classes.json", "[]\n");
  Manifest m;
  m.scene = "warehouse.yaml";
  m.scene_sha256 = std::string(64, 'a');
  m.config = {{"cameras", "all"}, {"randomize", {{"lighting", true}}}};
  m.seed = 42;
  m.version = "0.1.0";
  m.frames = 4;
  m.frame_ranges = {{2, 4}, {0, 2}};
  m.files = HashFiles(dir.path(), {"classes.json", "cam/rgb/000001.png", "cam/rgb/000000.png"}, 3);
  WriteTextAtomic(dir / "manifest.json", DatasetJsonText(ManifestJson(m), 2));
  return m;
}

}  // namespace

TEST_CASE("HashFiles lists sizes and sha256sum's hashes, sorted by path", "[datagen][manifest]") {
  TempDir dir;
  const Manifest m = MakeDataset(dir);
  REQUIRE(m.files.size() == 3);
  CHECK(m.files[0].path == "cam/rgb/000000.png");
  CHECK(m.files[1].path == "cam/rgb/000001.png");
  CHECK(m.files[2].path == "classes.json");
  for (const ManifestFile& f : m.files) {
    CAPTURE(f.path);
    CHECK(f.bytes == std::filesystem::file_size(dir / f.path));
    const auto sum = twin::testing::RunProcess({"/usr/bin/sha256sum", dir / f.path});
    CHECK(f.sha256 == sum.out.substr(0, 64));
  }
}

TEST_CASE("The manifest survives JSON and merges its frame ranges", "[datagen][manifest]") {
  TempDir dir;
  const Manifest m = MakeDataset(dir);
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(dir / "manifest.json"));
  CHECK(j.at("frame_ranges") == nlohmann::json::parse("[[0, 4]]"));
  const Manifest back = ManifestFromJson(j, "manifest.json");
  CHECK(back.scene == m.scene);
  CHECK(back.config == m.config);
  CHECK(back.seed == 42);
  CHECK(back.frames == 4);
  CHECK(back.files.size() == 3);
  CHECK(back.files[1].sha256 == m.files[1].sha256);
  CHECK(DatasetJsonText(ManifestJson(back), 2) == DatasetJsonText(j, 2));
  CHECK(DatasetJsonText(nlohmann::json{{"b", 1}, {"a", 2}}) == "{\"a\":2,\"b\":1}\n");

  CHECK(MergeFrameRanges({{5, 9}, {0, 3}, {3, 4}, {7, 12}, {20, 20}}) ==
        std::vector<std::array<int64_t, 2>>{{0, 4}, {5, 12}});
  nlohmann::json broken = j;
  broken.erase("seed");
  CHECK(twin::testing::ErrorMessage([&] { ManifestFromJson(broken, "out/manifest.json"); }) ==
        "out/manifest.json: key 'seed' is missing; rewrite the dataset with twin datagen");
  broken = j;
  broken["files"][1]["bytes"] = "many";
  CHECK_THAT(twin::testing::ErrorMessage([&] { ManifestFromJson(broken, "m.json"); }),
             Catch::StartsWith("m.json: files[1]: key 'bytes' has the wrong type"));
}

TEST_CASE("VerifyDataset passes a good dataset and names what is wrong with a bad one",
          "[datagen][manifest]") {
  TempDir dir;
  MakeDataset(dir);
  VerifyReport report = VerifyDataset(dir.path());
  CHECK(report.ok());
  CHECK(report.files_checked == 3);

  SECTION("a changed byte") {
    std::fstream f(dir / "cam/rgb/000001.png", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 << 20);
    f.put('r');
    f.close();
    report = VerifyDataset(dir.path());
    CHECK(report.corrupt == std::vector<std::string>{"cam/rgb/000001.png"});
    CHECK(report.missing.empty());
    CHECK(!report.ok());
  }
  SECTION("a missing file") {
    std::filesystem::remove(dir / "classes.json");
    report = VerifyDataset(dir.path());
    CHECK(report.missing == std::vector<std::string>{"classes.json"});
    CHECK(report.corrupt.empty());
    CHECK(!report.ok());
  }
  SECTION("an extra file, and a temporary file a killed run left") {
    WriteText(dir / "cam/rgb/000002.png", "not listed");
    WriteText(dir / "cam/rgb/000000.png.tmp.123", "half");
    report = VerifyDataset(dir.path());
    CHECK(report.unexpected ==
          std::vector<std::string>{"cam/rgb/000000.png.tmp.123", "cam/rgb/000002.png"});
    CHECK(!report.ok());
  }
  SECTION("frames no shard wrote") {
    nlohmann::json j = nlohmann::json::parse(std::ifstream(dir / "manifest.json"));
    j["frames"] = 10;
    j["frame_ranges"] = nlohmann::json::parse("[[0, 2], [5, 7]]");
    WriteTextAtomic(dir / "manifest.json", DatasetJsonText(j, 2));
    report = VerifyDataset(dir.path());
    CHECK(report.missing_frames == std::vector<std::array<int64_t, 2>>{{2, 5}, {7, 10}});
    CHECK(report.missing == std::vector<std::string>{"frames 2..4 (no shard wrote them)",
                                                     "frames 7..9 (no shard wrote them)"});
  }
}

TEST_CASE("VerifyDataset of a folder without a manifest says so", "[datagen][manifest]") {
  TempDir dir;
  CHECK(twin::testing::ErrorMessage([&] { VerifyDataset(dir.path()); }) ==
        "cannot read " + (dir / "manifest.json") + ": is " + dir.path() + " a twin dataset?");
  WriteText(dir / "manifest.json", "{ not json");
  CHECK_THAT(twin::testing::ErrorMessage([&] { VerifyDataset(dir.path()); }),
             Catch::StartsWith(dir / "manifest.json" + ": not valid JSON"));
}
