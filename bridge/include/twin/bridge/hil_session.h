// `twin hil`: a site's simulation served over a bridge transport, so that a robot's own software
// runs against the twin with the topics, message types and time base it has on the floor.
//
// The session owns nothing of the network: it takes a Transport (ROS 1 today, the in-process one
// in tests) and serves the site's topic table (topic_table.h) on it. It runs on the simulation's
// thread, and in realtime mode on a render thread of its own during Run; the transport's threads
// only post to the World's command inbox and to the session's control queue, so no network thread
// ever touches mjData, and the render thread draws copies of the poses (hil_render_thread.h).
//
// Each step: the commands that arrived run (World inbox), physics steps, and what is due is
// published: /clock; /tf, odometry and joint states at the state rate; each camera, lidar and
// IMU at its own `rate:` of sim time (sim/sample_schedule.h; cameras and lidars are rendered only
// while someone subscribes); beam breaks, conveyor speeds, spawner and sink counts and watchdog
// states when they change. Every message is stamped with the sim time it depicts.
//
// Time (HilOptions::mode):
//  - realtime: paced to the wall clock without drift (realtime_pacer.h). Cameras and lidars are
//    rendered and published on the session's render thread from a copy of the poses at their
//    sample time, so physics never waits on a frame: a sample that comes while the sensor's
//    previous one is still rendering is dropped and counted late (HilStats::late_frames).
//  - lockstep: every control period the session publishes, then waits until the controller has
//    answered (a message on each answer topic since the publication) before it steps on, so two
//    runs of the same deterministic controller give bit-identical trajectories.
//  - fast: as fast as it goes; `use_sim_time` clients follow /clock.
// Publishing never waits for a subscriber (Transport::Publish drops the oldest queued message).
#pragma once

#include <twin/bridge/realtime_pacer.h>
#include <twin/bridge/topic_table.h>
#include <twin/bridge/transport.h>
#include <twin/sim/site_world.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace twin::bridge {

enum class TimeMode { kRealtime, kLockstep, kFast };

struct HilStats {
  int64_t steps = 0;
  double sim_time = 0;
  int64_t camera_frames = 0;  ///< published
  /// Realtime mode: camera samples not rendered because the camera's previous frame was still
  /// rendering (physics does not wait for it).
  int64_t late_frames = 0;
  int64_t skipped_frames = 0;  ///< due but nobody subscribed
  int64_t lidar_scans = 0;
  int64_t late_scans = 0;         ///< realtime mode: as late_frames, for lidars
  int64_t commands = 0;           ///< applied
  int64_t rejected_commands = 0;  ///< with a value that cannot be used (see command_checks.h)
  int64_t watchdog_stops = 0;
  int64_t lockstep_periods = 0;
  PacerStats pacer;
};

struct HilOptions {
  TimeMode mode = TimeMode::kRealtime;
  double realtime_factor = 1.0;  ///< realtime mode: sim seconds per wall second
  /// Hz of sim time: /tf, odometry, joint states (lockstep: once per control period, at its end)
  double state_rate = 100;
  double clock_rate = 1000;  ///< most /clock messages per sim second
  /// Lockstep: sim seconds between the controller's answers (rounded to whole steps).
  double control_period = 0.01;
  /// Lockstep: the topics whose messages answer a period (resolved names). Empty: every command
  /// topic that has carried a message so far (the first answer starts the run).
  std::vector<std::string> answer_topics;
  double watchdog_timeout = 0.5;  ///< sim seconds without commands before a robot brakes
  bool masks = false;             ///< also publish instance and semantic masks
  bool render = true;             ///< false: no cameras or lidars (no Vulkan device needed)
  bool autopilot = false;         ///< the layout's autopilot drives at the start
  std::string device;             ///< Vulkan device, as `twin render --device`
  /// Lines for a person (warnings about bad commands, watchdog stops, late frames), from any
  /// thread.
  std::function<void(const std::string&)> log;
  /// Called just before each camera frame or lidar scan is rendered, with the sensor's name and
  /// the sim time it depicts, on the thread that renders it (tests use it to slow rendering down).
  std::function<void(const std::string& sensor, double stamp)> before_render;
  /// Called by Run() on the simulation thread about twice a second of wall time.
  std::function<void(const HilStats&)> progress;
};

class HilSession {
 public:
  /// Advertises every topic of the site, subscribes to its commands and serves its control
  /// services on `transport`. Throws twin::base::Error on a bad topic override or option. The
  /// transport's threads call into the session until the transport is destroyed: destroy the
  /// transport (or stop its threads) first.
  HilSession(sim::SiteWorld& site, Transport& transport, HilOptions options = {});
  ~HilSession();
  HilSession(const HilSession&) = delete;
  HilSession& operator=(const HilSession&) = delete;

  /// Runs until `stop` is set or, when `duration` > 0, until that much sim time has passed;
  /// honours pause, resume, step and reset requests from the control services meanwhile.
  void Run(const std::atomic<bool>& stop, double duration = 0);
  /// One step without pacing or waiting: commands, physics, outputs (for tests and benches).
  void Step();

  /// Realtime mode, from any thread: the CLOCK_MONOTONIC time (ns) at which sim time `sim_time`
  /// is due as the pacer reckoned it at its last step (it moves when the pacer re-anchors); -1 in
  /// the other modes and before Run (for `twin bench bridge`'s sensor latency).
  int64_t RealtimeDeadlineNs(double sim_time) const;

  const std::vector<Topic>& topics() const;
  HilStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// "realtime", "lockstep" or "fast"; throws twin::base::Error naming the allowed ones.
TimeMode ParseTimeMode(const std::string& text);

}  // namespace twin::bridge
