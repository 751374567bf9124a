// What `twin hil` publishes, and when.
#include <twin/base/error.h>
#include <twin/render/scene_cameras.h>
#include <twin/sim/beam_break.h>
#include <twin/sim/imu.h>

#include "hil_messages.h"
#include "hil_session_impl.h"
#include "thread_priority.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace twin::bridge {

namespace {
// A tolerance for "this sample's time has come" against rounding of time += timestep.
constexpr double kDueSlack = 1e-9;

// The velocity of a mobile robot's origin in its own frame: (forward speed, yaw rate), from its
// free joint (qvel: the origin's linear velocity in the world frame, then the angular velocity in
// the body frame). mj_objectVelocity would give it at the centre of mass, in the inertia frame.
sim::Twist2d BodyVelocity(const mjModel& m, const mjData& d, int body) {
  const int joint = m.body_jntadr[body];
  if (joint < 0 || m.jnt_type[joint] != mjJNT_FREE) return {};
  const mjtNum* v = d.qvel + m.jnt_dofadr[joint];
  mjtNum local[3];
  mju_mulMatTVec(local, d.xmat + 9 * body, v, 3, 3);
  return {local[0], v[5]};
}
}  // namespace

int CameraStreams::Subscribers() const {
  int n = image.SubscriberCount() + depth.SubscriberCount() + info.SubscriberCount() +
          depth_info.SubscriberCount();
  if (masks) n += instance.SubscriberCount() + semantic.SubscriberCount();
  return n;
}

void HilSession::Impl::AdvertiseOutputs() {
  auto qos = [](const Topic& t) {
    const Delivery& d = t.pattern->delivery;
    return Qos{d.reliable ? Reliability::kReliable : Reliability::kBestEffort,
               d.latched ? Durability::kTransientLocal : Durability::kVolatile, d.depth};
  };
  auto advertise = [&]<class M>(Publisher<M>& publisher, TopicKind kind, const std::string& owner) {
    const Topic& t = Find(kind, owner);
    publisher = Publisher<M>(transport, t.name, qos(t));
  };
  advertise(clock, TopicKind::kClock, "");
  advertise(tf, TopicKind::kTf, "");
  advertise(tf_static, TopicKind::kTfStatic, "");
  advertise(paused_stream, TopicKind::kPaused, "");
  const scenes::Site& s = site.scene.site;
  for (const auto& amr : s.amrs) {
    advertise(odometry[amr.entity], TopicKind::kAmrOdom, amr.entity);
    advertise(watchdog_streams[amr.entity], TopicKind::kAmrWatchdog, amr.entity);
    watchdog.Watch(amr.entity, options.watchdog_timeout);
  }
  for (const auto& f : s.forklifts) {
    advertise(odometry[f.entity], TopicKind::kForkliftOdom, f.entity);
    advertise(watchdog_streams[f.entity], TopicKind::kForkliftWatchdog, f.entity);
    watchdog.Watch(f.entity, options.watchdog_timeout);
  }
  for (const sim::RobotJoints& robot : robots)
    advertise(joint_states[robot.entity], TopicKind::kJointStates, robot.entity);
  for (const auto& imu : s.imus) {
    imus.emplace_back();
    advertise(imus.back(), TopicKind::kImu, imu.name);
  }
  for (const auto& beam : s.beam_breaks) {
    beams.emplace_back();
    advertise(beams.back(), TopicKind::kBeamBroken, beam.name);
  }
  for (const auto& c : s.conveyors) {
    conveyor_speeds.emplace_back();
    advertise(conveyor_speeds.back(), TopicKind::kConveyorSpeed, c.entity);
  }
  for (const auto& sp : s.spawners) {
    spawned.emplace_back();
    advertise(spawned.back(), TopicKind::kSpawnerCount, sp.entity);
  }
  for (const auto& sink : s.sinks) {
    received.emplace_back();
    advertise(received.back(), TopicKind::kSinkCount, sink.entity);
  }
  if (!options.render) return;
  for (const auto& cam : s.cameras) {
    CameraStreams c;
    c.name = cam.name;
    c.rate = cam.rate;
    c.optical_frame = Find(TopicKind::kCameraImage, cam.name).frame;
    c.masks = options.masks;
    advertise(c.image, TopicKind::kCameraImage, cam.name);
    advertise(c.info, TopicKind::kCameraInfo, cam.name);
    advertise(c.depth, TopicKind::kCameraDepth, cam.name);
    advertise(c.depth_info, TopicKind::kCameraDepthInfo, cam.name);
    if (options.masks) {
      advertise(c.instance, TopicKind::kCameraInstance, cam.name);
      advertise(c.semantic, TopicKind::kCameraSemantic, cam.name);
    }
    cameras.push_back(std::move(c));
  }
  for (const auto& l : s.lidars) {
    LidarStreams ls;
    ls.name = l.name;
    ls.model = render::LidarFromSpec(l);
    advertise(ls.points, TopicKind::kLidarPoints, l.name);
    if (Has(TopicKind::kLidarScan, l.name)) {
      ls.scan.emplace();
      advertise(*ls.scan, TopicKind::kLidarScan, l.name);
    }
    lidars.push_back(std::move(ls));
  }
}

void HilSession::Impl::MakeRenderers() {
  if (!options.render || (cameras.empty() && lidars.empty())) return;
  // The device's own threads (lavapipe's rasterizer workers) start here: in realtime mode they
  // only ever render in the background, so they run below the simulation (thread_priority.h).
  const bool background = options.mode == TimeMode::kRealtime;
  const std::set<pid_t> before = background ? ThreadsOfProcess() : std::set<pid_t>{};
  context = std::make_unique<render::Context>(render::ContextOptions{options.device, false});
  if (background) {
    std::set<pid_t> started;
    for (pid_t tid : ThreadsOfProcess())
      if (!before.count(tid)) started.insert(tid);
    LowerThreadPriority(started, kRenderNiceIncrement);
  }
  const mjModel* m = world.model();
  const std::vector<render::RenderCamera> all = render::SceneCameras(site.scene, m);
  for (CameraStreams& c : cameras) {
    c.renderer =
        std::make_unique<render::Renderer>(*context, m, render::SceneLabelsOf(site.scene, m));
    for (const render::RenderCamera& rc : all)
      if (rc.name == c.name) c.renderer->AddCamera(rc);
    if (options.mode == TimeMode::kRealtime) c.snapshot = std::make_unique<RenderSnapshot>(m);
  }
  for (LidarStreams& l : lidars) {
    l.renderer = std::make_unique<render::LidarRenderer>(
        *context, m, render::SceneLabelsOf(site.scene, m), l.model);
    if (options.mode == TimeMode::kRealtime) l.snapshot = std::make_unique<RenderSnapshot>(m);
  }
}

void HilSession::Impl::PublishStatic() {
  tf_static.Publish(MakeTf(frames.Static(*world.data()), world.time()));
}

void HilSession::Impl::PublishOutputs() {
  const double t = world.time();
  // /clock at most clock_rate times per sim second: sample k at k / clock_rate.
  if (t + kDueSlack >= static_cast<double>(clock_sample) / options.clock_rate) {
    clock.Publish(Clock{Time::FromSeconds(t)});
    clock_sample = static_cast<int64_t>(std::floor(t * options.clock_rate + kDueSlack)) + 1;
  }
  // Lockstep: at the end of each control period (whole steps, so never in the middle of one).
  const bool state_due =
      options.mode == TimeMode::kLockstep
          ? stats.steps % steps_per_period == 0
          : t + kDueSlack >= static_cast<double>(state_sample) / options.state_rate;
  if (state_due) {
    PublishState(t, world.sensor_time());
    state_sample = static_cast<int64_t>(std::floor(t * options.state_rate + kDueSlack)) + 1;
  }
  const std::vector<sim::DueSample> due = schedule.Due(world);
  const auto& sensors = schedule.sensors();
  const scenes::Site& s = site.scene.site;
  for (const sim::DueSample& sample : due) {
    const sim::ScheduledSensor& sensor = sensors[sample.sensor];
    if (sensor.kind == sim::SensorKind::kImu) {
      for (size_t i = 0; i < s.imus.size(); ++i)
        if (s.imus[i].name == sensor.name) imus[i].Publish(MakeImu(sim::ReadImu(world, s.imus[i])));
    } else if (sensor.kind == sim::SensorKind::kLidar && options.render) {
      for (LidarStreams& l : lidars)
        if (l.name == sensor.name) SampleLidar(l, sample, sensor.rate);
    }
  }
  PublishCameras(due);
  PublishOnChange();
}

void HilSession::Impl::PublishState(double time, double sensor_time) {
  const mjModel& m = *world.model();
  const mjData& d = *world.data();
  // Body poses (xpos) are of the state the last step started from: its sensor time.
  tf.Publish(MakeTf(frames.Moving(d), sensor_time));
  for (size_t i = 0; i < site.amrs.size(); ++i) {
    const sim::DiffDrive& amr = *site.amrs[i];
    odometry.at(amr.name())
        .Publish(MakeOdometry(amr.name(), amr.odometry(), BodyVelocity(m, d, amr_bodies[i]), time));
  }
  for (size_t i = 0; i < site.forklifts.size(); ++i) {
    const auto& f = *site.forklifts[i];
    odometry.at(f.name()).Publish(
        MakeOdometry(f.name(), f.Pose(d), BodyVelocity(m, d, forklift_bodies[i]), time));
  }
  for (const sim::RobotJoints& robot : robots)
    if (auto it = joint_states.find(robot.entity); it != joint_states.end())
      it->second.Publish(MakeJointState(sim::ReadJointStates(world, robot)));
}

void HilSession::Impl::PublishCameras(const std::vector<sim::DueSample>& due) {
  const auto& sensors = schedule.sensors();
  for (const sim::DueSample& sample : due) {
    const sim::ScheduledSensor& sensor = sensors[sample.sensor];
    if (sensor.kind != sim::SensorKind::kCamera) continue;
    for (CameraStreams& c : cameras)
      if (c.name == sensor.name && c.renderer) SampleCamera(c, sample);
  }
}

void HilSession::Impl::SampleCamera(CameraStreams& c, const sim::DueSample& sample) {
  if (c.Subscribers() == 0) {
    ++stats.skipped_frames;
    return;
  }
  const double stamp = world.sensor_time();  // what the poses in mjData depict
  if (!render_thread) return PublishCamera(c, world.data(), stamp);
  if (render_thread->Busy(sample.sensor)) {
    ++stats.late_frames;
    return CountLate(c.name, stamp);
  }
  c.snapshot->Take(world.model(), *world.data(), stamp);
  render_thread->Post(sample.sensor,
                      [this, &c, stamp] { PublishCamera(c, c.snapshot->data(), stamp); });
}

void HilSession::Impl::SampleLidar(LidarStreams& l, const sim::DueSample& sample, double rate) {
  if (l.points.SubscriberCount() + (l.scan ? l.scan->SubscriberCount() : 0) == 0) {
    ++stats.skipped_frames;
    return;
  }
  const double stamp = world.sensor_time();
  if (!render_thread) return PublishLidar(l, world.data(), stamp, rate);
  if (render_thread->Busy(sample.sensor)) {
    ++stats.late_scans;
    return CountLate(l.name, stamp);
  }
  l.snapshot->Take(world.model(), *world.data(), stamp);
  render_thread->Post(
      sample.sensor, [this, &l, stamp, rate] { PublishLidar(l, l.snapshot->data(), stamp, rate); });
}

void HilSession::Impl::CountLate(const std::string& sensor, double stamp) {
  Warn({{"late frames " + sensor,
         sensor +
             ": rendering cannot keep up in real time (the sample of t = " + std::to_string(stamp) +
             " s was dropped: the one before it is still rendering; physics goes on)"}});
}

void HilSession::Impl::PublishCamera(CameraStreams& c, const mjData* d, double stamp) {
  if (options.before_render) options.before_render(c.name, stamp);
  uint32_t modalities = render::kRgb | render::kDepth;
  if (options.masks) modalities |= render::kLabels;
  std::vector<render::CameraFrame> frames_out = c.renderer->Render(d, modalities);
  TWIN_DEMAND(frames_out.size() == 1);
  render::CameraFrame& frame = frames_out.front();
  frame.time = stamp;
  CameraInfo info = MakeCameraInfo(frame, c.optical_frame);
  c.info.Publish(info);
  c.depth_info.Publish(std::move(info));
  c.depth.Publish(MakeDepthImage(frame, c.optical_frame));
  if (options.masks) {
    c.instance.Publish(MakeMono16Image(frame, frame.instance, c.optical_frame));
    c.semantic.Publish(MakeMono16Image(frame, frame.semantic, c.optical_frame));
  }
  c.image.Publish(MakeRgbImage(frame, c.optical_frame));
  ++camera_frames;
}

void HilSession::Impl::PublishLidar(LidarStreams& l, const mjData* d, double stamp, double rate) {
  if (options.before_render) options.before_render(l.name, stamp);
  render::LidarScan scan = l.renderer->Scan(d);
  scan.time = stamp;
  if (l.scan) l.scan->Publish(MakeLaserScan(scan, l.model, l.name, 1.0 / rate));
  l.points.Publish(MakePointCloud(scan, l.name));
  ++lidar_scans;
}

void HilSession::Impl::PublishOnChange() {
  const scenes::Site& s = site.scene.site;
  const bool all = first_outputs;
  first_outputs = false;
  if (all || paused != published_paused) {
    paused_stream.Publish(Bool{paused});
    published_paused = paused;
  }
  last_beam.resize(s.beam_breaks.size(), -1);
  for (size_t i = 0; i < s.beam_breaks.size(); ++i) {
    const int broken = sim::ReadBeamBreak(world, s.beam_breaks[i]).broken ? 1 : 0;
    if (all || broken != last_beam[i]) beams[i].Publish(Bool{broken == 1});
    last_beam[i] = broken;
  }
  last_speed.resize(s.conveyors.size(), NAN);
  for (size_t i = 0; i < s.conveyors.size(); ++i) {
    const double speed = site.conveyors ? site.conveyors->speed(s.conveyors[i].entity) : 0;
    if (all || speed != last_speed[i]) conveyor_speeds[i].Publish(Float64{speed});
    last_speed[i] = speed;
  }
  if (site.flows) {
    last_spawned.resize(spawned.size(), -1);
    for (size_t i = 0; i < spawned.size() && i < site.flows->spawners().size(); ++i) {
      const int n = static_cast<int>(site.flows->spawners()[i].spawned);
      if (all || n != last_spawned[i]) spawned[i].Publish(UInt32{static_cast<uint32_t>(n)});
      last_spawned[i] = n;
    }
    last_received.resize(received.size(), -1);
    for (size_t i = 0; i < received.size() && i < site.flows->sinks().size(); ++i) {
      const int n = static_cast<int>(site.flows->sinks()[i].removed);
      if (all || n != last_received[i]) received[i].Publish(UInt32{static_cast<uint32_t>(n)});
      last_received[i] = n;
    }
  }
  if (all)
    for (auto& [robot, stream] : watchdog_streams) stream.Publish(Bool{watchdog.stopped(robot)});
}

void HilSession::Impl::CheckWatchdog() {
  for (const WatchdogEvent& e : watchdog.Check(world.time())) {
    const bool stopped = e.kind == WatchdogEvent::Kind::kStopped;
    if (stopped) {
      ++stats.watchdog_stops;
      if (auto it = std::find_if(site.amrs.begin(), site.amrs.end(),
                                 [&](const auto& a) { return a->name() == e.robot; });
          it != site.amrs.end())
        (*it)->Stop();
      for (const auto& f : site.forklifts)
        if (f->name() == e.robot) f->SetSpeed(0);
      // State changes, each said once (not rate-limited: a resume must not hide behind a stop).
      Tell(e.robot + ": no command for " + std::to_string(e.silence) +
           " s of sim time; braking to a stop (the watchdog)");
    } else {
      Tell(e.robot + ": commands are back; the watchdog lets go");
    }
    watchdog_streams.at(e.robot).Publish(Bool{stopped});
  }
}

void HilSession::Impl::BrakeAll() {
  for (const auto& a : site.amrs) a->Stop();
  for (const auto& f : site.forklifts) f->SetSpeed(0);
  for (const auto& [name, arm] : site.arms) arm->Stop();
}

}  // namespace twin::bridge
