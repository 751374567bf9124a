// twin datagen SCENE: a labelled synthetic dataset (see twin/datagen/datagen.h for how).
#include <twin/datagen/datagen.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "cli_checks.h"
#include "progress.h"
#include "verbs.h"

namespace twin::tools {
namespace {

struct DatagenFlags {
  datagen::DatagenOptions options;
  std::string shard;
};

int Datagen(DatagenFlags& flags) {
  datagen::DatagenOptions opt = flags.options;
  if (opt.out.empty()) opt.out = "out/datagen/" + std::filesystem::path(opt.scene).stem().string();
  if (!flags.shard.empty()) {
    opt.shard = datagen::ParseShard(flags.shard);
  } else if (const auto shard = datagen::ShardFromEnvironment()) {
    opt.shard = *shard;
  }
  datagen::CheckShardCount(opt.frames, opt.shard);
  const datagen::FrameRange range = datagen::ShardFrames(opt.frames, opt.shard);
  std::optional<ProgressLine> progress;
  int64_t first_done = -1;
  opt.progress = [&](int64_t done, int64_t total) {
    if (!progress) {
      first_done = done - 1;
      progress.emplace("twin datagen:", static_cast<double>(total - first_done), "frames");
    }
    progress->Update(static_cast<double>(done - first_done));
  };
  const datagen::DatagenStats stats = datagen::RunDatagen(opt);
  if (progress) progress->Finish();

  const std::string shard = opt.shard.count > 1 ? " (shard " + std::to_string(opt.shard.index) +
                                                      "/" + std::to_string(opt.shard.count) +
                                                      ": frames " + std::to_string(range.first) +
                                                      "-" + std::to_string(range.last - 1) + ")"
                                                : "";
  if (stats.already_complete) {
    std::printf("twin datagen: %s already holds these %lld frames%s, complete; nothing to do\n",
                opt.out.c_str(), static_cast<long long>(range.size()), shard.c_str());
    return kExitOk;
  }
  const double n = std::max<double>(1, static_cast<double>(stats.frames_made));
  std::printf("twin datagen: %s -> %s%s\n", opt.scene.c_str(), opt.out.c_str(), shard.c_str());
  std::printf("  frames      %lld made, %lld already there; %.2f frames/s\n",
              static_cast<long long>(stats.frames_made),
              static_cast<long long>(stats.frames_skipped),
              stats.seconds > 0 ? stats.frames_made / stats.seconds : 0.0);
  std::printf("  written     %.1f MB (%.1f MB/s)\n", stats.bytes_written / 1e6,
              stats.seconds > 0 ? stats.bytes_written / 1e6 / stats.seconds : 0.0);
  std::printf(
      "  per frame   randomize+settle %.0f ms, render %.0f ms, write %.0f ms on %d writer "
      "thread%s, waiting for writers %.0f ms\n",
      stats.randomize_ms / n, stats.render_ms / n, stats.write_ms / n, opt.workers,
      opt.workers == 1 ? "" : "s", stats.wait_ms / n);
  if (opt.workers > 0) {
    std::printf("  manifest    %s/manifest.json\n", opt.out.c_str());
    if (range.first == 0) std::printf("  preview     %s/preview.png\n", opt.out.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddDatagenVerb(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<DatagenFlags>();
  datagen::DatagenOptions& opt = flags->options;
  opt.frames = 20;
  opt.workers = datagen::DefaultWriterThreads();
  CLI::App* verb = app.add_subcommand(
      "datagen",
      "Generate a labelled synthetic dataset: randomize, settle, render, write (COCO, BOP, PCD)");
  verb->add_option("scene", opt.scene, "Scene file: a layout (.yaml), MJCF (.xml) or URDF")
      ->required();
  verb->add_option("--frames", opt.frames, "Frames of the whole dataset (all shards)")
      ->check(BoundedCount(datagen::kMaxFrames, "a frame count, e.g. --frames 100"))
      ->capture_default_str();
  verb->add_option("--out", opt.out, "Output folder (default: out/datagen/<scene name>)");
  verb->add_option_function<uint64_t>(
      "--seed", [&opt](const uint64_t& seed) { opt.seed = seed; },
      "Seed: frame k depends only on (seed, k) (default: the layout's site seed)");
  verb->add_option("--shard", flags->shard,
                   "I/N: make only shard I of N (default: from SLURM_ARRAY_TASK_ID/COUNT or "
                   "JOB_COMPLETION_INDEX/TWIN_SHARD_COUNT, else everything)");
  verb->add_flag("--resume", opt.resume, "Continue an interrupted run in --out");
  verb->add_flag_callback(
      "--no-fsync", [&opt] { opt.fsync = false; },
      "Do not fsync files and folders: faster on some disks, but a power cut (not a kill) can "
      "lose frames that --resume then has to find and make again");
  verb->add_option("--cameras", opt.cameras, "'all' or comma-separated camera names")
      ->capture_default_str();
  verb->add_option("--randomize", opt.randomize_overlay,
                   "YAML file whose randomize: sections replace the scene's")
      ->check(CLI::ExistingFile);
  verb->add_option("--workers", opt.workers, "Writer threads (PNG encoding, labels, hashing)")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  verb->add_option("--device", opt.device,
                   "Vulkan device: index or part of its name (default: a GPU, else lavapipe)")
      ->check(DeviceSelector());
  verb->callback([flags, exit_code] { *exit_code = Datagen(*flags); });
}

}  // namespace twin::tools
