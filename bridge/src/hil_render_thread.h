// Realtime mode's rendering, off the simulation thread: physics must never wait on a frame.
//
// At a camera's or lidar's sample time the simulation thread copies what the renderer reads into
// that sensor's RenderSnapshot and posts a job (render it, publish it) to the RenderThread. While
// a sensor's job is queued or running, the sensor is Busy: a sample due then is not rendered (the
// session counts it late) rather than queued behind, so rendering never piles up and physics never
// waits. The snapshot is the only state the two threads share: the simulation thread writes it
// only while its sensor is not busy, the render thread reads it only while it is, and Busy/Post
// and the job's end hand it over under the RenderThread's mutex.
#pragma once

#include <mujoco/mujoco.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace twin::bridge {

/// The part of a mjData that twin::render reads, copied at a sample time: geom poses
/// (Renderer::Submit's FillInstances, the lidar's self-occlusion rays), camera poses (PoseOf),
/// light poses (FillFrame, ShadowMatrices), site poses (a lidar's mount) and the time. Everything
/// else of its mjData stays as mj_makeData left it. Keep in step with render/src when the renderer
/// reads more of mjData.
class RenderSnapshot {
 public:
  explicit RenderSnapshot(const mjModel* m);
  /// Copies the poses of `d` (kinematics current), stamped `time`.
  void Take(const mjModel* m, const mjData& d, double time);
  const mjData* data() const { return data_.get(); }

 private:
  struct Delete {
    void operator()(mjData* d) const { mj_deleteData(d); }
  };
  std::unique_ptr<mjData, Delete> data_;
};

/// One thread that runs posted jobs in order, each under a key (the sensor) that is busy until its
/// job has run. Made and destroyed by HilSession::Run (started on construction, joined on
/// destruction; never detached).
class RenderThread {
 public:
  RenderThread();
  /// Finishes the job in hand, drops the queued ones and joins.
  ~RenderThread();
  RenderThread(const RenderThread&) = delete;
  RenderThread& operator=(const RenderThread&) = delete;

  /// A job of `key` is queued or running.
  bool Busy(int key) const;
  /// Queues `job` under `key` (not Busy). Rethrows on the caller's thread what an earlier job
  /// threw (a Vulkan error, say), so that a failed render stops the run as it does without this
  /// thread.
  void Post(int key, std::function<void()> job);
  /// Waits until every posted job has run; rethrows what one threw.
  void Drain();

 private:
  void Loop();
  void RethrowFailure();  // with mutex_ held

  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::deque<std::pair<int, std::function<void()>>> queue_;
  std::set<int> busy_;  // keys queued or running
  bool stop_ = false;
  std::exception_ptr failure_;
  std::thread thread_;  // last: it starts once the members above are made
};

}  // namespace twin::bridge
