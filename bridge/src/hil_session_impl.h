// HilSession's state, shared by hil_session.cpp (set-up, loop, control services), hil_outputs.cpp
// (what is published) and hil_commands.cpp (what comes in).
#pragma once

#include <twin/bridge/command_checks.h>
#include <twin/bridge/command_watchdog.h>
#include <twin/bridge/frame_tree.h>
#include <twin/bridge/hil_session.h>
#include <twin/bridge/rate_limited_log.h>
#include <twin/render/context.h>
#include <twin/render/lidar.h>
#include <twin/render/renderer.h>
#include <twin/sim/joint_states.h>
#include <twin/sim/sample_schedule.h>

#include "hil_render_thread.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>

namespace twin::bridge {

/// Conveyor speed commands are clamped to this (m/s), faster than any parcel conveyor runs.
inline constexpr double kMaxConveyorSpeed = 5.0;

/// A camera's streams and its own renderer (so that a camera nobody reads costs nothing).
struct CameraStreams {
  std::string name, optical_frame;
  double rate = 0;
  Publisher<Image> image, depth, instance, semantic;
  Publisher<CameraInfo> info, depth_info;
  bool masks = false;
  std::unique_ptr<render::Renderer> renderer;  // null with rendering off
  std::unique_ptr<RenderSnapshot> snapshot;    // realtime mode: what the render thread draws
  int Subscribers() const;
};

struct LidarStreams {
  std::string name;
  render::LidarModel model;
  std::unique_ptr<render::LidarRenderer> renderer;
  std::unique_ptr<RenderSnapshot> snapshot;  // realtime mode: what the render thread draws
  Publisher<PointCloud2> points;
  std::optional<Publisher<LaserScan>> scan;
};

/// Who answered in lockstep mode: a count of messages per command topic, and a wake-up for the
/// simulation thread waiting on them.
class AnswerBoard {
 public:
  void Received(const std::string& topic);
  std::map<std::string, int64_t> Counts() const;
  /// Waits until every topic of `topics` (or, when empty, any topic) has a count above `since`
  /// or `timeout_s` passes; true when answered.
  bool WaitBeyond(const std::map<std::string, int64_t>& since, const std::set<std::string>& topics,
                  double timeout_s) const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::map<std::string, int64_t> counts_;
};

/// A request of a control service, run by the simulation thread; the service thread waits for
/// `done`.
struct ControlRequest {
  std::function<std::string(HilSession::Impl&)> run;  // returns "" or why it failed
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::string failure;
};

struct HilSession::Impl {
  Impl(sim::SiteWorld& site, Transport& transport, HilOptions options);

  // Set-up (hil_session.cpp, hil_outputs.cpp, hil_commands.cpp).
  void AdvertiseOutputs();
  void SubscribeCommands();
  void ServeControl();
  void MakeRenderers();

  // The loop (hil_session.cpp).
  void StepOnce();
  void RunControlRequests();
  std::string Control(std::function<std::string(Impl&)> run);  // from a service thread
  void WaitForAnswer(const std::atomic<bool>& stop);
  void FinishStepRequest();  // the step service's steps are done: wakes the waiting service call

  // Outputs (hil_outputs.cpp).
  void PublishStatic();
  void PublishOutputs();
  void PublishState(double time, double sensor_time);
  void PublishCameras(const std::vector<sim::DueSample>& due);
  /// A camera's sample is due: rendered now, handed to the render thread, skipped (nobody
  /// subscribes) or counted late (realtime: its previous frame is still rendering).
  void SampleCamera(CameraStreams& camera, const sim::DueSample& sample);
  void SampleLidar(LidarStreams& lidar, const sim::DueSample& sample, double rate);
  /// Renders `d` (stamped `stamp`) and publishes every stream of the camera; on the render
  /// thread in realtime mode, else on the simulation thread.
  void PublishCamera(CameraStreams& camera, const mjData* d, double stamp);
  void PublishLidar(LidarStreams& lidar, const mjData* d, double stamp, double rate);
  /// Realtime: a sensor's sample came while its last one was still rendering.
  void CountLate(const std::string& sensor, double stamp);
  /// Realtime: copies the pacer's current time line for RealtimeDeadlineNs (any thread).
  void NotePacerLine();
  void PublishOnChange();
  void CheckWatchdog();

  // Commands (hil_commands.cpp): checks a command on a transport thread, then posts `apply` to
  // the world with the robot's watchdog fed.
  template <class T>
  void Accept(const std::string& topic, const std::string& robot, Checked<T> checked,
              std::function<void(const T&)> apply);
  /// Rate-limited warnings (one line per key per second), from any thread.
  void Warn(const std::vector<CommandProblem>& problems);
  /// One line for a person, from any thread.
  void Tell(const std::string& line);
  /// Hands each arm the trajectories whose start has come (before the step that starts them).
  void StartDueTrajectories();
  void BrakeAll();

  const Topic& Find(TopicKind kind, const std::string& owner = "") const;
  const std::string& Name(TopicKind kind, const std::string& owner = "") const {
    return Find(kind, owner).name;
  }
  bool Has(TopicKind kind, const std::string& owner = "") const;

  sim::SiteWorld& site;
  sim::World& world;
  Transport& transport;
  HilOptions options;
  std::vector<Topic> topics;
  FrameTree frames;
  sim::SampleSchedule schedule;
  std::vector<sim::RobotJoints> robots;
  sim::WorldSnapshot initial;

  // Outputs.
  Publisher<Clock> clock;
  Publisher<TFMessage> tf, tf_static;
  Publisher<Bool> paused_stream;
  std::map<std::string, Publisher<Odometry>> odometry;
  std::map<std::string, Publisher<JointState>> joint_states;
  std::map<std::string, Publisher<Bool>> watchdog_streams;
  std::vector<Publisher<Imu>> imus;
  std::vector<Publisher<Bool>> beams;
  std::vector<Publisher<Float64>> conveyor_speeds;
  std::vector<Publisher<UInt32>> spawned, received;
  std::unique_ptr<render::Context> context;  // before what renders on it: destroyed after it
  std::vector<CameraStreams> cameras;
  std::vector<LidarStreams> lidars;
  // The free-joint body of each AMR and forklift (site.amrs, site.forklifts order), for odometry.
  std::vector<int> amr_bodies, forklift_bodies;

  // What was last published of the on-change streams.
  std::vector<int> last_beam, last_spawned, last_received;
  std::vector<double> last_speed;
  bool published_paused = false, first_outputs = true;
  int64_t state_sample = 0, clock_sample = 0;

  // Commands and control.
  struct PendingTrajectory {
    sim::ArmController* arm;
    std::string topic;
    ArmTrajectory trajectory;
  };
  std::vector<PendingTrajectory> pending_trajectories;  // the simulation thread's
  CommandWatchdog watchdog;
  std::mutex log_mutex;
  RateLimitedLog log;
  AnswerBoard answers;
  std::map<std::string, int64_t> lockstep_since;  // answer counts when the period ended
  std::set<std::string> command_topics;
  std::mutex control_mutex;
  std::deque<std::shared_ptr<ControlRequest>> control_queue;
  bool paused = false;
  int64_t steps_requested = 0;  // by the step service, while paused
  // The step service waits on `steps_done` for the simulation thread to count its steps down: a
  // request's ticket is done once `steps_finished` reaches it (or Run has returned).
  std::mutex step_mutex;
  std::condition_variable steps_done;
  int64_t step_tickets = 0;    // the simulation thread's
  int64_t steps_finished = 0;  // guarded by step_mutex
  bool run_returned = false;   // guarded by step_mutex
  RealtimePacer pacer;
  int64_t steps_per_period = 1;
  // The pacer's time line as last noted by the simulation thread: sim time t is due at
  // line_origin_ns + t / line_factor seconds (RealtimeDeadlineNs, from the thread publishing).
  mutable std::mutex pacer_line_mutex;
  bool line_anchored = false;
  int64_t line_origin_ns = 0;
  double line_factor = 1;

  // Counters read by stats() (atomic: transport threads and the render thread count too).
  std::atomic<int64_t> commands{0}, rejected{0}, camera_frames{0}, lidar_scans{0};
  HilStats stats;

  // Realtime mode, during Run: renders and publishes cameras and lidars (hil_render_thread.h).
  // Null otherwise: fast and lockstep render on the simulation thread, every frame. Last: it is
  // joined before anything its jobs use is destroyed.
  std::unique_ptr<RenderThread> render_thread;
};

}  // namespace twin::bridge
