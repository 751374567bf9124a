// Fuzz target: what `twin datagen --resume` reads from an unfinished dataset folder: OUT/.twin/
// run.json (checked against this run's identity), OUT/manifest.json when there is one, the
// frame records OUT/.twin/frames/NNNNNN.json and the files they name, and the names of stray
// temporaries. The input is a bundle (fuzz_support.h) of the folder's files: run.json first, then
// "#@file NAME" sections relative to OUT (e.g. ".twin/frames/000000.json", "cam/rgb/000000.png").
// The run's identity is fixed (kIdentity below; the seeds' run.json match it), its frames 0..2.
// Each step runs as RunDatagen runs it (datagen.cpp): CheckOutput, RemoveStrayTemporaries, then
// FrameProblem per frame (with and without hashing), and the records that pass become label files
// (RecordedFiles, Aggregates, WriteAggregates) as at the end of a run. Each step runs even when an
// earlier one refused the folder, so a damaged run.json does not hide the records from the fuzzer.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include <twin/datagen/atomic_file.h>

#include "dataset_state.h"
#include "fuzz_support.h"

namespace {

namespace fs = std::filesystem;
namespace fuzz = twin::fuzz;
namespace datagen = twin::datagen;

datagen::DatasetIdentity FuzzIdentity() {
  datagen::DatasetIdentity identity;
  identity.config = {{"scene", "cell.yaml"},
                     {"scene_sha256", std::string(64, 'a')},
                     {"sources", {{"cell.yaml", std::string(64, 'a')}}},
                     {"device", {{"name", "llvmpipe"}, {"driver", "Mesa"}}},
                     {"modalities", {"rgb", "depth", "instance", "semantic", "normal"}},
                     {"depth_scale", 0.001},
                     {"cameras", {{"cam", {{"width", 8}, {"height", 6}}}}}};
  identity.seed = 7;
  identity.version = "fuzz";
  identity.frames = 3;
  return identity;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const datagen::DatasetIdentity identity = FuzzIdentity();
  const datagen::FrameRange range{0, 3};
  const fs::path& dir = fuzz::ResetScratch();
  const std::string out = (dir / "out").string();
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const fuzz::BundleFile& file : fuzz::SplitBundle(input, ".twin/run.json"))
    fuzz::WriteFile(dir / "out", file.name, file.text);

  fuzz::ExpectOnlyTwinErrors([&] { datagen::CheckOutput(out, identity, range, true); });
  fuzz::ExpectOnlyTwinErrors([&] { datagen::RemoveStrayTemporaries(out, {"cam"}, {"lidar"}); });
  fuzz::ExpectOnlyTwinErrors([&] {
    datagen::Aggregates aggregates;
    for (int64_t k = range.first; k < range.last; ++k) {
      if (!datagen::FrameProblem(out, k, k % 2 == 0).empty()) continue;
      const nlohmann::json record = *datagen::ReadJsonFile(datagen::FrameRecordPath(out, k));
      datagen::RecordedFiles(record);
      aggregates.AddFrameRecord(record);
    }
    datagen::FileBatch files(/*sync=*/false);
    datagen::WriteAggregates(out, aggregates, {"box"}, files);
    files.Commit();
  });
  return 0;
}
