#include <twin/datagen/datagen.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>

#include <twin/base/error.h>
#include <twin/base/suggest.h>
#include <twin/datagen/atomic_file.h>
#include <twin/datagen/bop.h>
#include <twin/datagen/coco.h>
#include <twin/datagen/dataset_files.h>
#include <twin/datagen/frame_images.h>
#include <twin/datagen/manifest.h>
#include <twin/datagen/pcd.h>
#include <twin/datagen/png_encode.h>
#include <twin/datagen/sha256.h>
#include <twin/datagen/thread_pool.h>
#include <twin/render/context.h>
#include <twin/render/image_io.h>
#include <twin/render/lidar.h>
#include <twin/render/renderer.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/randomize.h>
#include <twin/scenes/scene_sources.h>
#include <twin/sim/domain_randomizer.h>
#include <twin/sim/site_world.h>
#include <twin/version/version.h>

#include "dataset_device.h"

#include "dataset_state.h"

namespace twin::datagen {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

/// "all" or "a,b,c" -> the cameras in scene order; unknown names throw with a suggestion.
std::vector<render::RenderCamera> PickCameras(const std::vector<render::RenderCamera>& all,
                                              const std::string& selection) {
  if (selection == "all") return all;
  std::set<std::string> wanted;
  std::stringstream list(selection);
  for (std::string name; std::getline(list, name, ',');) {
    if (name.empty()) throw base::Error("--cameras: empty name in '" + selection + "'");
    render::SelectCameras(all, name);  // throws for an unknown name
    wanted.insert(name);
  }
  std::vector<render::RenderCamera> picked;
  for (const render::RenderCamera& camera : all)
    if (wanted.count(camera.name)) picked.push_back(camera);
  return picked;
}

nlohmann::json IntrinsicsJson(const render::CameraIntrinsics& k) {
  return {{"width", k.width}, {"height", k.height}, {"fx", k.fx}, {"fy", k.fy},
          {"cx", k.cx},       {"cy", k.cy},         {"k1", k.k1}, {"k2", k.k2},
          {"p1", k.p1},       {"p2", k.p2},         {"k3", k.k3}};
}

nlohmann::json DrawJson(const sim::FrameDraw& draw) {
  nlohmann::json cameras = nlohmann::json::object();
  for (const auto& [name, jitter] : draw.cameras)
    cameras[name] = {{"focal_scale", jitter.focal_scale}, {"dcx", jitter.dcx}, {"dcy", jitter.dcy}};
  return {{"lights_on", draw.lights_on},
          {"light_scale", draw.light_scale},
          {"light_kelvin", draw.light_kelvin},
          {"placed", draw.placed},
          {"cameras", cameras},
          {"friction_scale", draw.friction_scale},
          {"mass_scale", draw.mass_scale},
          {"settle_time", draw.settle_time},
          {"settled", draw.settled}};
}

/// One frame on its way from the renderer to the files.
struct FrameJob {
  int64_t frame = 0;
  std::vector<render::CameraFrame> cameras;
  std::vector<std::vector<ObjectPose>> poses;  ///< per camera, every instance with a body
  std::vector<render::LidarScan> scans;
  nlohmann::json randomization;
};

nlohmann::json FileEntry(const std::string& relative, const std::vector<uint8_t>& bytes) {
  return {{"path", relative},
          {"sha256", Sha256Hex(bytes.data(), bytes.size())},
          {"bytes", bytes.size()}};
}

/// Encodes, labels, hashes and writes one frame, then its record (the frame's commit mark).
/// Returns the bytes written. With `sync` the files and their folders are on disk before the
/// record is written, and the record is on disk before this returns (the frame counts as done).
uint64_t WriteFrame(const std::string& out, const FrameJob& job, bool preview, bool sync) {
  uint64_t written = 0;
  FileBatch files(sync);
  nlohmann::json record = {{"frame", job.frame},
                           {"files", nlohmann::json::array()},
                           {"cameras", nlohmann::json::object()},
                           {"randomization", job.randomization}};
  auto write = [&](const std::string& relative, const std::vector<uint8_t>& bytes) {
    files.Write(out + "/" + relative, bytes.data(), bytes.size());
    record["files"].push_back(FileEntry(relative, bytes));
    written += bytes.size();
  };
  for (size_t c = 0; c < job.cameras.size(); ++c) {
    const render::CameraFrame& frame = job.cameras[c];
    for (const ModalityImage& image : FrameImages(frame))
      write(frame.camera + "/" + image.modality + "/" + FrameFileName(job.frame, ".png"),
            EncodeDatasetPng(image.image));
    const std::vector<CocoAnnotation> annotations = AnnotateFrame(
        frame.instance.data(), frame.semantic.data(), frame.width, frame.height, job.frame);
    nlohmann::json coco = nlohmann::json::array();
    std::vector<int> visible;
    for (const CocoAnnotation& a : annotations) {
      coco.push_back(CocoAnnotationJson(a));
      visible.push_back(a.instance_id);
    }
    std::vector<ObjectPose> seen;
    for (const ObjectPose& pose : job.poses[c])
      if (std::binary_search(visible.begin(), visible.end(), pose.obj_id)) seen.push_back(pose);
    record["cameras"][frame.camera] = {
        {"image", CocoImageJson({job.frame, "rgb/" + FrameFileName(job.frame, ".png"), frame.width,
                                 frame.height})},
        {"annotations", coco},
        {"scene_gt", SceneGtFrame(seen)},
        {"scene_camera", SceneCameraFrame(frame.intrinsics, 1.0)}};
  }
  for (const render::LidarScan& scan : job.scans)
    write(scan.lidar + "/points/" + FrameFileName(job.frame, ".pcd"), EncodePcdBinary(scan));
  if (preview) write("preview.png", EncodeDatasetPng(PreviewSheet(job.cameras)));
  files.Commit();
  const std::string text = DatasetJsonText(record);
  files.WriteText(FrameRecordPath(out, job.frame), text);
  files.Commit();
  return written + text.size();
}

/// Writes a small file every run writes identically and returns its size.
uint64_t WriteStatic(const std::string& out, const std::string& relative, const std::string& text,
                     FileBatch& files, std::vector<std::string>& static_files) {
  files.WriteText(out + "/" + relative, text);
  static_files.push_back(relative);
  return text.size();
}

// On --resume, which frames' files are hashed again (the others: sizes only). With fsync a
// record is written only once its files are on disk, so a done frame's files are intact unless
// something changed them since; without fsync a power cut can lose what the kernel had not
// written back yet: dirty pages older than dirty_expire_centisecs (30 s by default) are written
// back, so the frames recorded within a minute of the newest record are the ones at risk.
// Hashing every file would read the whole dataset (hours of frames) to resume; hashing that last
// minute reads what was made in a minute, a small fraction of a minute to hash. A changed file
// outside the window is still caught: the manifest is computed from the files on disk and
// checked against the records at the end.
constexpr auto kResumeHashWindow = std::chrono::seconds(60);

/// The frames of `range` still to make. On resume, a frame with a record counts as done only if
/// its files pass FrameProblem; a damaged frame's record is removed and the frame made again.
std::vector<int64_t> FramesToMake(const std::string& out, FrameRange range, bool resume,
                                  const std::function<void(const std::string&)>& log) {
  std::vector<int64_t> todo;
  if (!resume) {
    for (int64_t k = range.first; k < range.last; ++k) todo.push_back(k);
    return todo;
  }
  std::vector<fs::file_time_type> recorded(static_cast<size_t>(range.size()),
                                           fs::file_time_type::min());
  fs::file_time_type newest = fs::file_time_type::min();
  for (int64_t k = range.first; k < range.last; ++k) {
    std::error_code ec;
    const auto time = fs::last_write_time(FrameRecordPath(out, k), ec);
    if (ec) continue;
    recorded[static_cast<size_t>(k - range.first)] = time;
    newest = std::max(newest, time);
  }
  for (int64_t k = range.first; k < range.last; ++k) {
    const fs::file_time_type time = recorded[static_cast<size_t>(k - range.first)];
    if (time == fs::file_time_type::min()) {
      todo.push_back(k);
      continue;
    }
    const std::string problem = FrameProblem(out, k, time >= newest - kResumeHashWindow);
    if (problem.empty()) continue;
    log("twin datagen: frame " + std::to_string(k) + " is made again: " + problem);
    std::error_code ec;
    fs::remove(FrameRecordPath(out, k), ec);
    todo.push_back(k);
  }
  return todo;
}

/// The manifest's entries, hashed from the files on disk. A frame file that no longer matches
/// its record changed after the frame was written: its record is removed and the run fails, so
/// that --resume makes the frame again.
std::vector<ManifestFile> HashDatasetFiles(
    const std::string& out, const std::vector<std::string>& paths,
    const std::map<std::string, std::pair<int64_t, ManifestFile>>& recorded, int threads) {
  std::vector<ManifestFile> files = HashFiles(out, paths, threads);
  std::set<int64_t> changed_frames;
  std::vector<std::string> changed;
  for (const ManifestFile& f : files) {
    const auto it = recorded.find(f.path);
    if (it == recorded.end()) continue;
    const ManifestFile& r = it->second.second;
    if (f.sha256 == r.sha256 && f.bytes == r.bytes) continue;
    if (changed_frames.size() < 3)
      changed.push_back(f.path + " (frame " + std::to_string(it->second.first) + ")");
    changed_frames.insert(it->second.first);
  }
  if (changed_frames.empty()) return files;
  for (int64_t k : changed_frames) {
    std::error_code ec;
    fs::remove(FrameRecordPath(out, k), ec);
  }
  throw base::Error(
      "in " + out + ", " + std::to_string(changed_frames.size()) +
      " frame(s) changed on disk after they were written (size or SHA-256 differ from "
      "their records): " +
      base::JoinNames(changed) +
      "; they are marked not done: rerun with --resume to make them again");
}

}  // namespace

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec * 1e-6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

DatagenStats RunDatagen(const DatagenOptions& opt) {
  auto log = opt.log ? opt.log
                     : [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  if (opt.frames < 1)
    throw base::Error("--frames must be >= 1 (got " + std::to_string(opt.frames) + ")");
  if (opt.shard.count < 1 || opt.shard.index < 0 || opt.shard.index >= opt.shard.count)
    throw base::Error("--shard " + std::to_string(opt.shard.index) + "/" +
                      std::to_string(opt.shard.count) + " does not exist");
  if (opt.workers < 0) throw base::Error("--workers must be >= 0");
  const bool writing = opt.workers > 0;

  std::vector<fs::path> source_files;
  scenes::Scene scene = scenes::LoadSceneListingFiles(opt.scene, source_files);
  sim::SiteWorld site = sim::MakeSiteWorld(std::move(scene), {}, opt.seed, /*autopilot=*/false);
  sim::World& world = site.world;
  scenes::RandomizeSpec spec = site.scene.site.randomize;
  if (!opt.randomize_overlay.empty())
    scenes::ApplyRandomizeOverlay(opt.randomize_overlay, spec, site.scene.site);
  const std::vector<render::RenderCamera> cameras =
      PickCameras(render::SceneCameras(site.scene, world.model()), opt.cameras);
  const render::SceneLabels labels = render::SceneLabelsOf(site.scene, world.model());

  render::Context context(render::ContextOptions{opt.device, false});
  log("twin datagen: device " + context.Describe());

  // Everything that shapes a frame: what differs between two runs says why they cannot resume
  // into each other or merge.
  DatasetIdentity identity;
  identity.config = {{"scene", fs::path(opt.scene).filename().string()},
                     {"scene_sha256", Sha256File(opt.scene)},
                     {"sources", SourcesJson(opt.scene, source_files)},
                     {"device", DeviceJson(context)},
                     {"modalities", {"rgb", "depth", "instance", "semantic", "normal"}},
                     {"depth_scale", kDepthScale}};
  if (!opt.randomize_overlay.empty())
    identity.config["randomize_overlay"] = {
        {"file", fs::path(opt.randomize_overlay).filename().string()},
        {"sha256", Sha256File(opt.randomize_overlay)}};
  for (const render::RenderCamera& camera : cameras)
    identity.config["cameras"][camera.name] = IntrinsicsJson(camera.intrinsics);
  for (const scenes::LidarSpec& lidar : site.scene.site.lidars)
    identity.config["lidars"][lidar.name] = {{"channels", lidar.channels},
                                             {"horizontal_samples", lidar.horizontal_samples}};
  identity.seed = world.seed();
  identity.version = Version();
  identity.frames = opt.frames;

  DatagenStats stats;
  stats.out = opt.out;
  const FrameRange range = ShardFrames(opt.frames, opt.shard);
  std::vector<int64_t> todo;
  if (writing) {
    const OutputState state = CheckOutput(opt.out, identity, range, opt.resume);
    if (state == OutputState::kComplete) {
      stats.already_complete = true;
      stats.frames_skipped = range.size();
      return stats;
    }
    if (state == OutputState::kUnfinished) {
      std::vector<std::string> camera_names, lidar_names;
      for (const render::RenderCamera& camera : cameras) camera_names.push_back(camera.name);
      for (const scenes::LidarSpec& lidar : site.scene.site.lidars)
        lidar_names.push_back(lidar.name);
      for (const std::string& stray : RemoveStrayTemporaries(opt.out, camera_names, lidar_names))
        log("twin datagen: removed " + stray + ", left by a run stopped while writing it");
    }
    WriteRunFile(opt.out, identity, range, opt.fsync);
    todo = FramesToMake(opt.out, range, state == OutputState::kUnfinished, log);
    stats.frames_skipped = range.size() - static_cast<int64_t>(todo.size());
    if (stats.frames_skipped > 0)
      log("twin datagen: resuming: " + std::to_string(stats.frames_skipped) + " of " +
          std::to_string(range.size()) + " frames already done");
  } else {
    for (int64_t k = range.first; k < range.last; ++k) todo.push_back(k);
  }

  render::RendererOptions renderer_options;
  renderer_options.seed = world.seed();
  render::Renderer renderer(context, world.model(), labels, renderer_options);
  for (const render::RenderCamera& camera : cameras) renderer.AddCamera(camera);
  std::vector<std::unique_ptr<render::LidarRenderer>> lidars;
  for (const scenes::LidarSpec& lidar : site.scene.site.lidars)
    lidars.push_back(std::make_unique<render::LidarRenderer>(context, world.model(), labels,
                                                             render::LidarFromSpec(lidar)));
  const sim::DomainRandomizer randomizer(site.scene.site, spec, world);

  std::vector<std::string> static_files;
  if (writing) {
    uint64_t bytes = 0;
    for (const render::RenderCamera& camera : cameras)
      for (const char* modality : {"rgb", "depth", "instance", "semantic", "normal"})
        CreateDirectories(opt.out + "/" + camera.name + "/" + modality, opt.fsync);
    for (const scenes::LidarSpec& lidar : site.scene.site.lidars)
      CreateDirectories(opt.out + "/" + lidar.name + "/points", opt.fsync);
    FileBatch files(opt.fsync);
    bytes += WriteStatic(opt.out, "classes.json", ClassesJsonText(labels), files, static_files);
    bytes += WriteStatic(opt.out, "instances.json", InstancesJsonText(labels), files, static_files);
    bytes += WriteStatic(opt.out, "models_info.json",
                         DatasetJsonText(ModelsInfo(world.model(), world.data(), labels)), files,
                         static_files);
    for (const render::RenderCamera& camera : cameras)
      bytes += WriteStatic(opt.out, camera.name + "/camera.json",
                           CameraJsonText(camera.name, camera.intrinsics), files, static_files);
    files.Commit();
    stats.bytes_written += bytes;
  }

  ThreadPool pool(std::max(opt.workers, 1));
  std::deque<std::future<uint64_t>> pending;
  int64_t done = stats.frames_skipped;
  auto retire_oldest = [&] {
    const auto start = Clock::now();
    stats.bytes_written += pending.front().get();  // rethrows a writer's error
    pending.pop_front();
    stats.wait_ms += Ms(Clock::now() - start);
    if (opt.progress) opt.progress(++done, range.size());
  };
  double write_ms_total = 0;
  std::mutex write_ms_mutex;
  const auto loop_start = Clock::now();
  const double loop_cpu_start = ProcessCpuSeconds();
  try {
    // Two frames in flight: while the device draws frame k, the main thread randomizes and
    // settles frame k+1 and submits it, so the device goes straight on to k+1 while k is read
    // back and handed to the writers (which encode earlier frames meanwhile).
    auto apply = [&](int64_t k) {
      const auto start = Clock::now();
      sim::FrameDraw draw = randomizer.Apply(world, identity.seed, static_cast<uint64_t>(k));
      if (world.diverged())
        throw base::Error("the simulation diverged while frame " + std::to_string(k) +
                          " settled (t=" + std::to_string(world.time()) +
                          " s); check the scene's randomize ranges with twin check");
      stats.randomize_ms += Ms(Clock::now() - start);
      return draw;
    };
    std::vector<int> every_instance(labels.instances.size());
    for (size_t i = 0; i < every_instance.size(); ++i) every_instance[i] = static_cast<int>(i + 1);
    std::deque<std::shared_ptr<FrameJob>> in_flight;  // submitted, not collected, oldest first
    auto submit = [&](int64_t k) {
      const sim::FrameDraw draw = apply(k);
      const auto submit_start = Clock::now();
      for (int c = 0; c < renderer.camera_count(); ++c) {
        render::CameraIntrinsics k_frame = cameras[c].intrinsics;
        if (const auto jitter = draw.cameras.find(cameras[c].name); jitter != draw.cameras.end()) {
          k_frame.fx *= jitter->second.focal_scale;
          k_frame.fy *= jitter->second.focal_scale;
          k_frame.cx += jitter->second.dcx;
          k_frame.cy += jitter->second.dcy;
        }
        renderer.SetCameraIntrinsics(c, k_frame);
      }
      renderer.Submit(world.data(), render::kAllModalities, static_cast<uint64_t>(k));
      for (auto& lidar : lidars) lidar->Submit(world.data());
      auto job = std::make_shared<FrameJob>();
      job->frame = k;
      if (writing) {
        for (int c = 0; c < renderer.camera_count(); ++c) {
          const render::CameraPose pose = render::PoseOf(renderer.camera(c), world.data());
          job->poses.push_back(CameraObjectPoses(world.model(), world.data(), labels, pose.position,
                                                 pose.rotation, every_instance));
        }
        job->randomization = DrawJson(draw);
      }
      in_flight.push_back(std::move(job));
      stats.render_ms += Ms(Clock::now() - submit_start);
    };
    if (!todo.empty()) submit(todo[0]);
    for (size_t i = 0; i < todo.size(); ++i) {
      if (i + 1 < todo.size()) submit(todo[i + 1]);
      const std::shared_ptr<FrameJob> job = in_flight.front();
      in_flight.pop_front();
      const auto collect_start = Clock::now();
      job->cameras = renderer.Collect();
      for (auto& lidar : lidars) job->scans.push_back(lidar->Collect());
      stats.render_ms += Ms(Clock::now() - collect_start);
      if (!writing) {
        if (opt.progress) opt.progress(++done, range.size());
        continue;
      }
      pending.push_back(pool.Submit([&opt, job, &write_ms_total, &write_ms_mutex] {
        const auto start = Clock::now();
        const uint64_t bytes = WriteFrame(opt.out, *job, job->frame == 0, opt.fsync);
        std::lock_guard lock(write_ms_mutex);
        write_ms_total += Ms(Clock::now() - start);
        return bytes;
      }));
      while (static_cast<int>(pending.size()) > opt.workers) retire_oldest();
    }
    while (!pending.empty()) retire_oldest();
  } catch (...) {
    // Let the frames already handed to writers finish (their records make them count as done
    // on --resume), then report the first error.
    for (auto& f : pending) {
      try {
        f.get();
      } catch (...) {
      }
    }
    throw;
  }
  stats.seconds = std::chrono::duration<double>(Clock::now() - loop_start).count();
  stats.cpu_seconds = ProcessCpuSeconds() - loop_cpu_start;
  stats.frames_made = static_cast<int64_t>(todo.size());
  stats.write_ms = write_ms_total;
  if (!writing) return stats;

  // Every frame has its record: assemble the label files and the manifest, then drop .twin.
  const auto finalize_start = Clock::now();
  Aggregates aggregates;
  std::vector<std::string> paths = static_files;
  std::map<std::string, std::pair<int64_t, ManifestFile>> recorded;  // path -> frame, entry
  for (int64_t k = range.first; k < range.last; ++k) {
    const auto read = ReadJsonFile(FrameRecordPath(opt.out, k));
    if (!read)
      throw base::Error(FrameRecordPath(opt.out, k) +
                        " vanished or is damaged; rerun with --resume");
    const nlohmann::json& record = *read;
    if (!RecordIsWellFormed(record))
      throw base::Error(FrameRecordPath(opt.out, k) + " is damaged; rerun with --resume");
    for (const ManifestFile& f : RecordedFiles(record)) {
      paths.push_back(f.path);
      recorded[f.path] = {k, f};
    }
    aggregates.AddFrameRecord(record);
  }
  FileBatch label_files(opt.fsync);
  const std::vector<std::string> label_paths =
      WriteAggregates(opt.out, aggregates, labels.classes, label_files);
  label_files.Commit();
  paths.insert(paths.end(), label_paths.begin(), label_paths.end());
  std::vector<ManifestFile> files =
      HashDatasetFiles(opt.out, paths, recorded, std::max(opt.workers, 1));
  for (const ManifestFile& f : files)
    if (std::find(label_paths.begin(), label_paths.end(), f.path) != label_paths.end())
      stats.bytes_written += f.bytes;
  WriteManifest(opt.out, identity, {{range.first, range.last}}, std::move(files), opt.fsync);
  fs::remove_all(opt.out + "/" + kStateDir);
  if (opt.fsync) SyncDirectory(opt.out);
  stats.finalize_ms = Ms(Clock::now() - finalize_start);
  return stats;
}

int DefaultWriterThreads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

}  // namespace twin::datagen
