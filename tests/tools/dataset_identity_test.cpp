// A dataset's identity is everything that shapes a frame: the scene file and every file it
// includes, the --randomize file, the twin version and the render device. `twin datagen --resume`
// and `twin dataset merge` refuse runs whose identity differs, saying what differs. Version and
// device cannot change under a test, so the recorded ones are edited instead.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "datagen_cli_support.h"

using Catch::Matchers::Contains;
using twin::testing::ProcessResult;
using twin::testing::ReadBytes;
using twin::testing::RequireCleanExit;
using twin::testing::RunProcess;
using twin::testing::TempFolder;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

/// The datagen test cell plus a layout it includes (extra.yaml: one more carton), in `dir`.
std::string SceneWithInclude(const fs::path& dir) {
  std::ofstream(dir / "extra.yaml")
      << "equipment:\n  - {type: carton, name: extra, pose: {position: [-2.5, -2.5, 0]}}\n";
  std::ofstream(dir / "cell.yaml")
      << twin::testing::ReadBytes(twin::testing::kScene) << "\ninclude:\n  - {file: extra.yaml}\n";
  return (dir / "cell.yaml").string();
}

/// `twin datagen` stopped by a full disk before any frame is done: an unfinished run to resume.
void UnfinishedRun(const std::string& scene, const std::string& out,
                   const std::string& extra = "") {
  const std::string command = "ulimit -f 16 && exec " + std::string(TWIN_BINARY) + " datagen " +
                              scene + " --frames 2 --out " + out + " " + extra;
  const ProcessResult r = RunProcess({"/bin/bash", "-c", command});
  RequireCleanExit(r, 1);
  REQUIRE_THAT(r.err, Contains("disk is full"));
  REQUIRE(fs::exists(out + "/.twin/run.json"));
}

ProcessResult Resume(const std::string& scene, const std::string& out,
                     std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"datagen", scene, "--frames", "2", "--out", out, "--resume"};
  args.insert(args.end(), extra.begin(), extra.end());
  return Twin(args);
}

/// Rewrites the JSON file `path` with `edit` applied.
template <class Edit>
void EditJson(const std::string& path, Edit edit) {
  nlohmann::json j = nlohmann::json::parse(ReadBytes(path));
  edit(j);
  std::ofstream(path) << j.dump(2) << "\n";
}

}  // namespace

TEST_CASE("twin datagen --resume refuses a run whose inputs changed, naming what changed",
          "[datagen][identity]") {
  TempFolder tmp;
  const std::string scene = SceneWithInclude(tmp.path);
  const std::string out = tmp / "set";
  UnfinishedRun(scene, out);
  const std::string run = out + "/.twin/run.json";
  const std::string recorded = ReadBytes(run);
  const std::string against = "differs from the one this dataset was started with";

  SECTION("an included layout") {
    std::ofstream(tmp / "extra.yaml", std::ios::app) << "# moved nothing, but another file\n";
    const ProcessResult r = Resume(scene, out);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err,
               Contains("included file extra.yaml " + against + " (") && Contains("restore them"));
  }
  SECTION("the scene file") {
    std::ofstream(scene, std::ios::app) << "# a comment is a change too\n";
    const ProcessResult r = Resume(scene, out);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("scene file cell.yaml " + against));
  }
  SECTION("a --randomize file given, changed or taken away") {
    const std::string overlay = tmp / "lights.yaml";
    std::ofstream(overlay) << "randomize:\n  lights:\n    intensity: [0.9, 1.1]\n";
    ProcessResult r = Resume(scene, out, {"--randomize", overlay});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("--randomize lights.yaml is given; the one this dataset was "
                               "started with had none"));
    const std::string other = tmp / "other";
    UnfinishedRun(scene, other, "--randomize " + overlay);
    std::ofstream(overlay, std::ios::app) << "  # edited\n";
    r = Resume(scene, other, {"--randomize", overlay});
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("randomization file lights.yaml " + against));
    r = Resume(scene, other);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("no --randomize file is given; the one this dataset was started "
                               "with had lights.yaml"));
  }
  SECTION("the twin version") {
    EditJson(run, [](nlohmann::json& j) { j["version"] = "v0.0.1-old"; });
    const ProcessResult r = Resume(scene, out);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("the twin version " + against) && Contains(" vs v0.0.1-old)"));
  }
  SECTION("the render device, or its driver") {
    EditJson(run, [](nlohmann::json& j) { j["config"]["device"]["name"] = "Imaginary GPU"; });
    ProcessResult r = Resume(scene, out);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("the render device " + against) && Contains(" vs Imaginary GPU)"));
    std::ofstream(run) << recorded;
    EditJson(run,
             [](nlohmann::json& j) { j["config"]["device"]["driver"] = "Imaginary driver 9.9"; });
    r = Resume(scene, out);
    RequireCleanExit(r, 1);
    CHECK_THAT(r.err, Contains("the render device's driver " + against) &&
                          Contains(" vs Imaginary driver 9.9 "));
  }
  // Nothing changed: it resumes, and the identity it keeps names every file the scene read.
  std::ofstream(tmp / "extra.yaml", std::ios::trunc)
      << "equipment:\n  - {type: carton, name: extra, pose: {position: [-2.5, -2.5, 0]}}\n";
  std::ofstream(scene, std::ios::trunc)
      << ReadBytes(twin::testing::kScene) << "\ninclude:\n  - {file: extra.yaml}\n";
  std::ofstream(run, std::ios::trunc) << recorded;
  RequireCleanExit(Resume(scene, out), 0);
  const nlohmann::json manifest = nlohmann::json::parse(ReadBytes(out + "/manifest.json"));
  const nlohmann::json& sources = manifest["config"]["sources"];
  CHECK(sources.size() == 2);
  CHECK(sources.contains("cell.yaml"));
  CHECK(sources.contains("extra.yaml"));
  CHECK(manifest["config"]["device"]["name"].get<std::string>().size() > 0);
}

TEST_CASE("twin dataset merge refuses shards of different inputs, naming what differs",
          "[datagen][identity]") {
  TempFolder tmp;
  const std::string scene = SceneWithInclude(tmp.path);
  auto shard = [&](const std::string& name, const std::string& index,
                   std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"datagen", scene,      "--frames", "2",
                                  "--out",   tmp / name, "--shard",  index + "/2"};
    args.insert(args.end(), extra.begin(), extra.end());
    RequireCleanExit(Twin(args), 0);
    return tmp / name;
  };
  const std::string s0 = shard("s0", "0");
  // The included layout changed between the two shards.
  std::ofstream(tmp / "extra.yaml", std::ios::app) << "# edited between shards\n";
  const std::string s1 = shard("s1", "1");
  ProcessResult r = Twin({"dataset", "merge", tmp / "m1", s0, s1});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.err, Contains("shard " + s1 + " is part of a different dataset than " + s0) &&
                        Contains("included file extra.yaml differs from the one shard " + s0 +
                                 " was made with"));
  // The same inputs again, but another version, or device, in a shard's manifest.
  std::ofstream(tmp / "extra.yaml", std::ios::trunc)
      << "equipment:\n  - {type: carton, name: extra, pose: {position: [-2.5, -2.5, 0]}}\n";
  const std::string s1b = shard("s1b", "1");
  const std::string manifest = s0 + "/manifest.json";
  const std::string recorded = ReadBytes(manifest);
  EditJson(manifest, [](nlohmann::json& j) { j["version"] = "v9.9.9"; });
  r = Twin({"dataset", "merge", tmp / "m2", s0, s1b});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.err,
             Contains("the twin version differs from the one shard " + s0 + " was made with") &&
                 Contains(" vs v9.9.9)"));
  std::ofstream(manifest, std::ios::trunc) << recorded;
  EditJson(manifest, [](nlohmann::json& j) { j["config"]["device"]["name"] = "Imaginary GPU"; });
  r = Twin({"dataset", "merge", tmp / "m3", s0, s1b});
  RequireCleanExit(r, 1);
  CHECK_THAT(r.err,
             Contains("the render device differs from the one shard " + s0 + " was made with") &&
                 Contains(" vs Imaginary GPU)"));
  // Restored, the shards merge.
  std::ofstream(manifest, std::ios::trunc) << recorded;
  RequireCleanExit(Twin({"dataset", "merge", tmp / "m4", s0, s1b}), 0);
}
