// twin dataset merge OUT SHARD_DIR... | twin dataset verify DIR
#include <twin/datagen/dataset_merge.h>
#include <twin/datagen/manifest.h>

#include <cstdio>
#include <memory>

#include "verbs.h"

namespace twin::tools {
namespace {

struct DatasetFlags {
  std::string out;
  std::vector<std::string> shards;
  std::string dir;
};

int Merge(const DatasetFlags& flags) {
  const datagen::MergeStats stats = datagen::MergeDatasets(flags.out, flags.shards);
  std::printf("twin dataset merge: %d shards -> %s: %lld of %lld frames, %lld files, %.1f MB\n",
              stats.shards, flags.out.c_str(), static_cast<long long>(stats.frames),
              static_cast<long long>(stats.dataset_frames), static_cast<long long>(stats.files),
              stats.bytes / 1e6);
  if (stats.frames < stats.dataset_frames) {
    std::printf("  missing     frames not in any shard; the set is incomplete (ranges held:");
    for (const auto& r : stats.frame_ranges)
      std::printf(" %lld-%lld", static_cast<long long>(r[0]), static_cast<long long>(r[1] - 1));
    std::printf(")\n");
  }
  return kExitOk;
}

int Verify(const DatasetFlags& flags) {
  const datagen::VerifyReport report = datagen::VerifyDataset(flags.dir);
  auto list = [](const char* what, const std::vector<std::string>& items) {
    for (const std::string& item : items) std::printf("  %-10s %s\n", what, item.c_str());
  };
  list("missing", report.missing);
  list("corrupt", report.corrupt);
  list("unexpected", report.unexpected);
  if (report.ok()) {
    std::printf("twin dataset verify: %s: complete, %lld files match manifest.json\n",
                flags.dir.c_str(), static_cast<long long>(report.files_checked));
    return kExitOk;
  }
  std::printf("twin dataset verify: %s: %zu missing, %zu corrupt, %zu unexpected%s\n",
              flags.dir.c_str(), report.missing.size(), report.corrupt.size(),
              report.unexpected.size(),
              report.missing_frames.empty() ? "" : "; frames missing (an incomplete merge)");
  return kExitError;
}

}  // namespace

void AddDatasetVerb(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DatasetFlags>();
  CLI::App* verb = app.add_subcommand("dataset", "Merge dataset shards, verify a dataset");
  verb->require_subcommand(1);
  CLI::App* merge = verb->add_subcommand(
      "merge", "Combine finished shards (twin datagen --shard) into one dataset");
  merge->add_option("out", flags->out, "New (or empty) folder for the merged dataset")->required();
  merge->add_option("shards", flags->shards, "The shards' output folders")->required();
  merge->callback([flags, exit_code] { *exit_code = Merge(*flags); });
  CLI::App* verify = verb->add_subcommand(
      "verify", "Check that a dataset is complete and every file matches its SHA-256");
  verify->add_option("dir", flags->dir, "Dataset folder (holding manifest.json)")->required();
  verify->callback([flags, exit_code] { *exit_code = Verify(*flags); });
}

}  // namespace twin::tools
