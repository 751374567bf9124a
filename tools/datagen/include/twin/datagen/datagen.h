// `twin datagen`: turns a scene into a labelled synthetic dataset (shared/DESIGN.md, "Dataset
// layout"). For every frame k of this process's shard: randomize from (seed, k) only and let
// physics settle (sim::DomainRandomizer), render every selected camera and lidar, then hand the
// frame to a pool of writer threads (PNG encoding, COCO/BOP labels, PCD, SHA-256) while the next
// frame renders.
//
// Resumable and durable: every file is written atomically, and a frame counts as done only once
// its record (OUT/.twin/frames/NNNNNN.json: its files' sizes, hashes and labels) exists and its
// files still match it. With `fsync` (the default) each file is fsynced before its rename and
// each folder once per frame after them, before the record, which is itself on disk before the
// frame counts as done. A run killed at any moment and started again with `resume` removes the
// temporary files the kill left, checks the recorded frames (sizes of all, hashes of the newest)
// and redoes the rest; frames are pure functions of (seed, k), so the result is byte-identical to
// an uninterrupted run. When every frame is done the run writes the per-camera label files, then
// manifest.json from the files on disk (rehashed, and checked against the records), and removes
// OUT/.twin.
//
// Identity: the scene file and every file it is built from (scene_sources.h), the randomize
// overlay, the twin version (twin/version/version.h), the render device and driver, the seed,
// frames, cameras and lidars. A resume or merge with any of them different is refused, naming it.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include <twin/datagen/shard.h>

namespace twin::datagen {

struct DatagenOptions {
  std::string scene;             ///< layout (.yaml) or model (.xml/.urdf)
  int64_t frames = 0;            ///< frames of the whole dataset (all shards)
  std::string out;               ///< output folder of this process
  std::optional<uint64_t> seed;  ///< default: the layout's site seed, else base::kDefaultSeed
  Shard shard;
  bool resume = false;
  std::string cameras = "all";    ///< "all" or comma-separated camera names
  std::string randomize_overlay;  ///< a YAML file whose `randomize:` replaces the scene's sections
  int workers = 2;                ///< writer threads; 0 = do not write (render-only benchmark)
  std::string device;             ///< Vulkan device (render::ContextOptions)
  /// Durable writes (see above). Off, a power cut (not a kill) can lose frames whose records
  /// survived; --resume's checks and the final rehash then find them, mostly. `twin bench
  /// datagen` measures what it costs.
  bool fsync = true;
  /// Called after each frame is written (done counts this run's frames, skipped ones included).
  std::function<void(int64_t done, int64_t total)> progress;
  /// Lines for a person (device chosen, frames resumed...); default stderr.
  std::function<void(const std::string&)> log;
};

/// What a run did, for the summary line and `twin bench datagen`.
struct DatagenStats {
  int64_t frames_made = 0;     ///< rendered and written by this run
  int64_t frames_skipped = 0;  ///< already done (resume)
  bool already_complete = false;
  double seconds = 0;          ///< wall time of the frame loop
  double cpu_seconds = 0;      ///< CPU time of the process (every thread) during the frame loop
  uint64_t bytes_written = 0;  ///< every file of the frames made (labels and manifest included)
  double randomize_ms = 0;     ///< per frame: randomize + settle (main thread)
  double render_ms = 0;        ///< per frame: cameras and lidars: submitting, and waiting for
                               ///< the device once frame k+1's randomization overlapped it
  double write_ms = 0;         ///< per frame: encode, label, hash, write (a writer thread)
  double wait_ms = 0;          ///< per frame: main thread waiting for a free writer
  double finalize_ms = 0;      ///< labels files and manifest at the end (total)
  std::string out;
};

/// CPU seconds this process has used so far, every thread (user + system): DatagenStats and
/// `twin bench datagen` measure CPU per frame with it.
double ProcessCpuSeconds();

/// Makes this shard's frames in opt.out. Throws twin::base::Error with a message naming the flag,
/// file or folder on bad input (nothing already written is removed).
DatagenStats RunDatagen(const DatagenOptions& opt);

/// Writer threads `twin datagen` uses unless told (`twin bench datagen` measures this default):
/// one per hardware thread, 1 to 8.
int DefaultWriterThreads();

}  // namespace twin::datagen
