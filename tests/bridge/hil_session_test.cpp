// HilSession over the in-process transport: what a controller sees and what its commands do.
#include <twin/bridge/hil_session.h>
#include <twin/bridge/in_process_transport.h>
#include <twin/render/camera_pose.h>
#include <twin/render/scene_cameras.h>
#include <twin/scenes/scene.h>
#include <twin/sim/beam_break.h>
#include <twin/sim/gripper_control.h>
#include <twin/sim/imu.h>
#include <twin/sim/site_world.h>

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <mutex>
#include <thread>

#include "../render/render_support.h"
#include "thread_priority.h"

namespace {
using namespace twin::bridge;

int NiceOfThisThread() {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(CurrentThreadId()));
}

twin::sim::SiteWorld Warehouse() {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  return twin::sim::LoadSiteWorld(TWIN_TWINS_DIR "/warehouse.yaml", options);
}

HilOptions Fast(std::vector<std::string>* log = nullptr, std::mutex* log_mutex = nullptr) {
  HilOptions o;
  o.mode = TimeMode::kFast;
  o.render = false;
  if (log)
    o.log = [log, log_mutex](const std::string& line) {
      std::lock_guard lock(*log_mutex);
      log->push_back(line);
    };
  return o;
}

template <class M>
std::vector<M> Published(const InProcessTransport& t, const std::string& topic) {
  std::vector<M> out;
  const auto stream = t.FindStream(topic);
  REQUIRE(stream);
  for (const Message& m : stream->published) out.push_back(std::get<M>(m));
  return out;
}

// The renderer's pinhole model as camera_info states it (K; D is checked separately).
twin::render::CameraIntrinsics IntrinsicsOf(const CameraInfo& info) {
  twin::render::CameraIntrinsics k;
  k.width = static_cast<int>(info.width);
  k.height = static_cast<int>(info.height);
  k.fx = info.k[0];
  k.cx = info.k[2];
  k.fy = info.k[4];
  k.cy = info.k[5];
  return k;
}

Twist Drive(double v, double w) {
  Twist t;
  t.linear.x = v;
  t.angular.z = w;
  return t;
}

// Runs `session` on its own thread (as `twin hil` does) while the test acts as a network peer.
struct Running {
  HilSession& session;
  std::atomic<bool> stop{false};
  std::thread thread;
  explicit Running(HilSession& s) : session(s), thread([this] { session.Run(stop); }) {}
  ~Running() {
    stop = true;
    thread.join();
  }
};
}  // namespace

TEST_CASE(
    "hil: cmd_vel drives an AMR, odometry and /clock follow in sim time, and the topics "
    "have the table's types",
    "[bridge][hil]") {
  auto site = Warehouse();
  InProcessTransport transport;
  HilSession session(site, transport, Fast());
  for (const Topic& t : session.topics()) {
    if (t.pattern->direction != Direction::kOut) continue;
    if (t.pattern->kind >= TopicKind::kCameraImage && t.pattern->kind <= TopicKind::kLidarScan)
      continue;  // render off
    INFO(t.name);
    const auto stream = transport.FindStream(t.name);
    REQUIRE(stream);
    CHECK(RosTypeName(stream->kind) == t.pattern->type);
  }
  const twin::sim::Pose2d start = site.amrs[0]->odometry();
  for (int i = 0; i < 1000; ++i) {  // 2 s, a command every 0.1 s
    if (i % 50 == 0) CHECK(transport.InjectCommand("/amr1/cmd_vel", Drive(0.5, 0)) == 1);
    session.Step();
  }
  const auto odom = Published<Odometry>(transport, "/amr1/odom");
  REQUIRE(odom.size() == 201);  // samples of 0, 0.01, ... 2 s
  CHECK(odom.back().header.frame_id == "amr1/odom");
  CHECK(odom.back().child_frame_id == "amr1/base_link");
  // From rest at 0.5 m/s^2 to 0.5 m/s: 0.25 m in the first second, then 0.5 m/s.
  const auto& p = odom.back().pose.pose;
  CHECK(std::hypot(p.position.x - start.x, p.position.y - start.y) == Approx(0.75).margin(0.08));
  CHECK(odom.back().twist.twist.linear.x == Approx(0.5).margin(0.03));
  CHECK(odom.back().header.stamp.Seconds() == Approx(2.0));
  const auto clock = Published<Clock>(transport, "/clock");
  CHECK(clock.size() == 1000);  // 500 steps per second, under the 1 kHz cap
  CHECK(clock.back().clock.Seconds() == Approx(2.0));
  const auto tf = Published<TFMessage>(transport, "/tf");
  REQUIRE(!tf.empty());
  bool base = false;
  for (const TransformStamped& t : tf.back().transforms)
    base = base || t.child_frame_id == "amr1/base_link";
  CHECK(base);
  CHECK(session.stats().commands == 20);
}

TEST_CASE(
    "hil: the watchdog brakes an AMR whose commands stop, says so, and lets go when they "
    "return",
    "[bridge][hil]") {
  auto site = Warehouse();
  InProcessTransport transport;
  std::vector<std::string> log;
  std::mutex log_mutex;
  HilSession session(site, transport, Fast(&log, &log_mutex));
  transport.InjectCommand("/amr1/cmd_vel", Drive(0.5, 0));
  for (int i = 0; i < 240; ++i) session.Step();  // 0.48 s: within its timeout, still driving
  CHECK(Published<Bool>(transport, "/amr1/watchdog").back().data == false);
  for (int i = 0; i < 1000; ++i) session.Step();
  const auto states = Published<Bool>(transport, "/amr1/watchdog");
  CHECK(states.back().data == true);
  CHECK(site.amrs[0]->command().v == 0);
  CHECK(std::abs(Published<Odometry>(transport, "/amr1/odom").back().twist.twist.linear.x) < 0.02);
  CHECK(session.stats().watchdog_stops == 1);
  {
    std::lock_guard lock(log_mutex);
    bool said = false;
    for (const std::string& line : log)
      said = said || line.find("amr1: no command") != std::string::npos;
    CHECK(said);
  }
  transport.InjectCommand("/amr1/cmd_vel", Drive(0.3, 0));
  session.Step();
  session.Step();
  CHECK(Published<Bool>(transport, "/amr1/watchdog").back().data == false);
  CHECK(site.amrs[0]->command().v == Approx(0.3));
  // amr2 was never commanded: the watchdog leaves it to whatever else drives it.
  CHECK(Published<Bool>(transport, "/amr2/watchdog").back().data == false);
}

TEST_CASE(
    "hil: bad commands from the network are refused with a warning naming topic and field, "
    "and the simulation goes on",
    "[bridge][hil]") {
  auto site = Warehouse();
  InProcessTransport transport;
  std::vector<std::string> log;
  std::mutex log_mutex;
  HilSession session(site, transport, Fast(&log, &log_mutex));
  transport.InjectCommand("/amr1/cmd_vel", Drive(0.4, 0));
  session.Step();
  for (double bad : {NAN, INFINITY, -INFINITY})
    transport.InjectCommand("/amr1/cmd_vel", Drive(bad, 0));
  transport.InjectCommand("/amr1/cmd_vel", Drive(0.4, NAN));
  transport.InjectCommand("/fl1/lift", Float64{NAN});
  for (int i = 0; i < 100; ++i) session.Step();
  CHECK(site.amrs[0]->command().v == Approx(0.4));  // the last good command stands
  CHECK(session.stats().rejected_commands == 5);
  CHECK_FALSE(site.world.diverged());
  std::lock_guard lock(log_mutex);
  std::string all;
  for (const std::string& line : log) all += line + "\n";
  CHECK_THAT(all, Catch::Contains("/amr1/cmd_vel: linear.x is nan") &&
                      Catch::Contains("/amr1/cmd_vel: angular.z is nan") &&
                      Catch::Contains("/fl1/lift: data is nan"));
  // Rate-limited: three bad linear.x in one second of wall time make one line.
  size_t lines = 0;
  for (const std::string& line : log) lines += line.find("linear.x is") != std::string::npos;
  CHECK(lines == 1);
}

TEST_CASE("hil: pause, step N, resume and reset over the control services", "[bridge][hil]") {
  auto site = Warehouse();
  InProcessTransport transport;
  HilSession session(site, transport, Fast());
  const twin::sim::WorldSnapshot start = site.world.Snapshot();
  Running running(session);
  while (site.world.step_count() < 200) std::this_thread::yield();
  REQUIRE(transport.CallService<Trigger>("/twin/pause", {})->success);
  const int64_t paused_at = site.world.step_count();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(site.world.step_count() == paused_at);
  CHECK(Published<Bool>(transport, "/twin/paused").back().data);
  auto stepped = transport.CallService<StepSimulation>("/twin/step", {25});
  REQUIRE(stepped);
  CHECK(stepped->success);
  CHECK(site.world.step_count() == paused_at + 25);
  CHECK_FALSE(transport.CallService<StepSimulation>("/twin/step", {0})->success);
  REQUIRE(transport.CallService<Trigger>("/twin/reset", {})->success);
  CHECK(site.world.time() == 0);
  const twin::sim::WorldSnapshot after = site.world.Snapshot();
  CHECK(after.qpos == start.qpos);
  CHECK(after.qvel == start.qvel);
  REQUIRE(transport.CallService<Trigger>("/twin/resume", {})->success);
  while (site.world.step_count() < 10) std::this_thread::yield();
  CHECK_FALSE(Published<Bool>(transport, "/twin/paused").back().data);
  auto running_step = transport.CallService<StepSimulation>("/twin/step", {5});
  CHECK_FALSE(running_step->success);
  CHECK_THAT(running_step->message, Catch::Contains("pause it first"));
  // The layout's autopilot: off in hil unless asked for, switched by its service.
  CHECK(transport.CallService<SetBool>("/twin/autopilot", {true})->success);
  CHECK(site.autopilot->enabled());
}

TEST_CASE("hil: lockstep runs of the same controller give bit-identical trajectories",
          "[bridge][hil]") {
  auto run = [] {
    auto site = Warehouse();
    InProcessTransport transport;
    HilOptions o = Fast();
    o.mode = TimeMode::kLockstep;
    o.control_period = 0.02;
    HilSession session(site, transport, o);
    std::atomic<bool> done{false};
    // The controller: after each period's odometry, steer amr1 towards (2, 1) from it.
    std::thread controller([&] {
      size_t seen = 0;
      transport.InjectCommand("/amr1/cmd_vel", Drive(0, 0));  // its first answer starts the run
      while (!done) {
        const size_t published = transport.PublishedCount("/amr1/odom");
        if (published <= seen) {
          std::this_thread::yield();
          continue;
        }
        seen = published;
        const auto odom = std::get<Odometry>(*transport.LastPublished("/amr1/odom"));
        const auto& p = odom.pose.pose;
        const double yaw = 2 * std::atan2(p.orientation.z, p.orientation.w);
        const double bearing = std::atan2(1 - p.position.y, 2 - p.position.x) - yaw;
        transport.InjectCommand("/amr1/cmd_vel",
                                Drive(0.6, 1.5 * std::remainder(bearing, 2 * M_PI)));
      }
    });
    std::atomic<bool> stop{false};
    session.Run(stop, 3.0);
    done = true;
    controller.join();
    CHECK(session.stats().lockstep_periods >= 140);
    return site.world.Snapshot().qpos;
  };
  const auto first = run();
  const auto second = run();
  REQUIRE(first.size() == second.size());
  CHECK(std::memcmp(first.data(), second.data(), first.size() * sizeof(first[0])) == 0);
}

TEST_CASE(
    "hil: a camera's image, depth and camera_info are the renderer's model, and its depth "
    "is MuJoCo's ray cast from the camera",
    "[bridge][hil][render]") {
  auto site = Warehouse();
  InProcessTransport transport;
  HilOptions o = Fast();
  o.render = true;
  HilSession session(site, transport, o);
  transport.SetSubscriberCount("/cam_dock/image_raw", 1);
  // Nobody reads the other cameras: they are not rendered.
  for (int i = 0; i < 40 && Published<Image>(transport, "/cam_dock/image_raw").empty(); ++i)
    session.Step();
  const auto images = Published<Image>(transport, "/cam_dock/image_raw");
  REQUIRE(images.size() == 1);
  CHECK(Published<Image>(transport, "/cam_aisle_south/image_raw").empty());
  CHECK(session.stats().skipped_frames >= 2);
  const twin::scenes::CameraSpec* spec = nullptr;
  for (const auto& c : site.scene.site.cameras)
    if (c.name == "cam_dock") spec = &c;
  REQUIRE(spec);
  const Image& rgb = images[0];
  CHECK(rgb.encoding == "rgb8");
  CHECK(rgb.width == static_cast<uint32_t>(spec->width));
  CHECK(rgb.height == static_cast<uint32_t>(spec->height));
  CHECK(rgb.step == 3 * rgb.width);
  CHECK(rgb.header.frame_id == "cam_dock_optical_frame");
  const double stamp = rgb.header.stamp.Seconds();
  CHECK(stamp == Approx(site.world.sensor_time()));
  const CameraInfo info = Published<CameraInfo>(transport, "/cam_dock/camera_info").at(0);
  CHECK(info.header.stamp == rgb.header.stamp);
  CHECK(info.distortion_model == "plumb_bob");
  CHECK(info.k[0] == Approx(spec->fx));
  CHECK(info.k[2] == Approx(spec->cx));
  CHECK(info.k[4] == Approx(spec->fy));
  CHECK(info.k[5] == Approx(spec->cy));
  CHECK(info.p[0] == info.k[0]);
  CHECK(info.p[3] == 0);
  CHECK(info.d == std::vector<double>{spec->k1, spec->k2, spec->p1, spec->p2, spec->k3});

  const Image depth = Published<Image>(transport, "/cam_dock/depth/image_raw").at(0);
  REQUIRE(depth.encoding == "32FC1");
  REQUIRE(depth.data.size() == 4u * depth.width * depth.height);
  // Independent truth: mj_ray from the camera through pixel centres (the state after the last
  // step's start, which is what the frame depicts and what mjData's poses still hold).
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  const auto pose = twin::render::OpenCvCameraPose(d, mj_name2id(m, mjOBJ_CAMERA, "cam_dock"));
  const twin::render::CameraIntrinsics k = IntrinsicsOf(info);
  int compared = 0;
  for (int v = 20; v < static_cast<int>(depth.height); v += 97)
    for (int u = 20; u < static_cast<int>(depth.width); u += 131) {
      float z;
      std::memcpy(&z, depth.data.data() + 4 * (v * depth.width + u), 4);
      const double ray = twin::testing::RayDepth(m, d, k, pose.position, pose.rotation, u, v);
      if (ray == 0) {
        CHECK(std::isnan(z));
        continue;
      }
      INFO("pixel " << u << "," << v);
      CHECK(z == Approx(ray).epsilon(2e-3));
      ++compared;
    }
  CHECK(compared > 10);
}

TEST_CASE("hil: IMUs are published at their rate with the sim's readings, in their own frame",
          "[bridge][hil]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site = twin::sim::MakeSiteWorld(
      twin::scenes::LoadLayoutText("site: {seed: 5}\n"
                                   "sensors:\n"
                                   "  imus:\n"
                                   "    - {name: tilted, pose: {position: [2, 0, 1], rpy: [30, "
                                   "-20, 45]}, rate: 100}\n",
                                   "imu.yaml", "."),
      options);
  InProcessTransport transport;
  HilSession session(site, transport, Fast());
  // 496 steps of 2 ms: the last one's sensor data are of 0.99 s, the 100th sample.
  for (int i = 0; i < 496; ++i) session.Step();
  const auto imu = Published<Imu>(transport, "/tilted/data");
  CHECK(imu.size() == 100);  // samples of 0, 0.01, ... 0.99 s
  const Imu& last = imu.back();
  CHECK(last.header.frame_id == "tilted");
  CHECK(last.header.stamp.Seconds() == Approx(site.world.sensor_time()));
  const twin::sim::ImuReading truth = twin::sim::ReadImu(site.world, site.scene.site.imus[0]);
  CHECK(last.linear_acceleration.x == truth.linear_acceleration[0]);
  CHECK(last.linear_acceleration.z == truth.linear_acceleration[2]);
  CHECK(last.orientation.w == truth.orientation_wxyz[0]);
  CHECK(last.orientation.x == truth.orientation_wxyz[1]);
  // At rest an accelerometer reads 9.81 m/s^2 against gravity, whatever its tilt.
  CHECK(std::hypot(last.linear_acceleration.x, last.linear_acceleration.y,
                   last.linear_acceleration.z) == Approx(9.81).epsilon(1e-3));
}

TEST_CASE(
    "hil: the factory cell's beam break, conveyor speed, spawner count and gripper over the "
    "bridge",
    "[bridge][hil]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site = twin::sim::LoadSiteWorld(TWIN_TWINS_DIR "/factory_cell.yaml", options);
  InProcessTransport transport;
  HilSession session(site, transport, Fast());
  const double layout_speed = site.scene.site.conveyors[0].speed;
  session.Step();
  REQUIRE(Published<Float64>(transport, "/infeed/speed").size() == 1);
  CHECK(Published<Float64>(transport, "/infeed/speed").back().data == layout_speed);
  bool broke = false;
  for (int i = 0; i < 10000 && !broke; ++i) {  // up to 20 s: cartons ride into the beam
    session.Step();
    const auto beam = Published<Bool>(transport, "/gate/broken");
    CHECK(beam.back().data ==
          twin::sim::ReadBeamBreak(site.world, site.scene.site.beam_breaks[0]).broken);
    broke = beam.back().data;
  }
  CHECK(broke);
  CHECK(Published<UInt32>(transport, "/feeder/spawned").back().data ==
        site.flows->spawners()[0].spawned);
  CHECK(site.flows->spawners()[0].spawned >= 1);

  transport.InjectCommand("/infeed/set_speed", Float64{0.12});
  session.Step();
  session.Step();
  CHECK(site.conveyors->speed("infeed") == Approx(0.12));
  CHECK(Published<Float64>(transport, "/infeed/speed").back().data == Approx(0.12));
  transport.InjectCommand("/infeed/set_speed", Float64{40});  // clamped to 5 m/s
  session.Step();
  session.Step();
  CHECK(site.conveyors->speed("infeed") == Approx(5));

  Running running(session);
  const auto grip = transport.CallService<SetBool>("/cup/grip", {true});
  REQUIRE(grip);
  CHECK(grip->success);
  CHECK(site.grippers.at("cup")->vacuum());
  CHECK(transport.CallService<SetBool>("/cup/grip", {false})->success);
  CHECK_FALSE(site.grippers.at("cup")->vacuum());
}

TEST_CASE("hil: a sink's received count and a parallel gripper's grip service over the bridge",
          "[bridge][hil]") {
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site = twin::sim::MakeSiteWorld(twin::scenes::LoadLayoutText(R"(site: {seed: 3}
equipment:
  - {type: conveyor, name: belt, length: 4, speed: 0.5}
  - {type: spawner, name: feed, parent: belt/start, pose: {position: [0.3, 0, 0.01]},
     interval: 1.5, pool: 6, size_min: [0.2, 0.2, 0.1], size_max: [0.3, 0.25, 0.2], mass: [1, 4]}
  - {type: sink, name: out, parent: belt/end, pose: {position: [-0.2, 0, 0]}, size: [0.4, 0.8, 0.5]}
  - {type: arm, name: robot, pose: {position: [2, 3, 0]}}
  - {type: parallel_gripper, name: hand, parent: robot/flange}
)",
                                                                    "line.yaml", "."),
                                       options, std::nullopt, /*autopilot=*/false);
  InProcessTransport transport;
  HilSession session(site, transport, Fast());
  const auto& sink = site.flows->sinks().at(0);
  for (int i = 0; i < 10000 && sink.removed < 1; ++i) session.Step();  // up to 20 s
  REQUIRE(sink.removed >= 1);
  session.Step();
  CHECK(Published<UInt32>(transport, "/out/received").back().data == sink.removed);
  CHECK(Published<UInt32>(transport, "/out/received").front().data == 0);

  twin::sim::GripperControl& hand = *site.grippers.at("hand");
  const double stroke = hand.spec().stroke;
  REQUIRE(stroke > 0);
  {
    Running running(session);
    const auto grip = transport.CallService<SetBool>("/hand/grip", {true});
    REQUIRE(grip);
    CHECK(grip->success);
    CHECK(grip->message == "gripping");
  }
  CHECK(hand.SaveState().command == 0);          // closed
  for (int i = 0; i < 500; ++i) session.Step();  // 1 s for the jaws to close
  CHECK(hand.Opening(site.world) < 0.1 * stroke);
  {
    Running running(session);
    const auto release = transport.CallService<SetBool>("/hand/grip", {false});
    REQUIRE(release);
    CHECK(release->message == "released");
  }
  CHECK(hand.SaveState().command == Approx(stroke));  // open
  for (int i = 0; i < 500; ++i) session.Step();
  CHECK(hand.Opening(site.world) > 0.9 * stroke);
}

TEST_CASE(
    "hil: a lidar's organised cloud is in its own frame and its points are where MuJoCo's "
    "ray casts hit",
    "[bridge][hil][render]") {
  auto site = Warehouse();
  InProcessTransport transport;
  HilOptions o = Fast();
  o.render = true;
  HilSession session(site, transport, o);
  transport.SetSubscriberCount("/amr1_lidar/points", 1);
  for (int i = 0; i < 60 && transport.PublishedCount("/amr1_lidar/points") == 0; ++i)
    session.Step();
  const auto clouds = Published<PointCloud2>(transport, "/amr1_lidar/points");
  REQUIRE(clouds.size() == 1);
  const PointCloud2& cloud = clouds[0];
  const twin::scenes::LidarSpec& spec = site.scene.site.lidars[0];
  CHECK(cloud.header.frame_id == "amr1_lidar");
  CHECK(cloud.height == static_cast<uint32_t>(spec.channels));
  CHECK(cloud.width == static_cast<uint32_t>(spec.horizontal_samples));
  CHECK(cloud.point_step == 12);
  CHECK(cloud.row_step == 12 * cloud.width);
  REQUIRE(cloud.data.size() == 12u * cloud.width * cloud.height);
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  const int s = mj_name2id(m, mjOBJ_SITE, spec.site.c_str());
  const int lidar_body = m->site_bodyid[s];
  const mjtNum* R = d->site_xmat + 9 * s;
  int compared = 0, close = 0;
  for (size_t i = 0; i < cloud.width * cloud.height; i += 97) {
    float p[3];
    std::memcpy(p, cloud.data.data() + 12 * i, 12);
    if (std::isnan(p[0])) continue;
    const double range = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    const mjtNum local[3] = {p[0] / range, p[1] / range, p[2] / range};
    mjtNum dir[3];
    mju_mulMatVec(dir, R, local, 3, 3);
    int geom = -1;
    const mjtNum hit = mj_ray(m, d, d->site_xpos + 3 * s, dir, nullptr, 1, lidar_body, &geom);
    ++compared;
    close += hit > 0 && std::abs(hit - range) < 0.02;
  }
  INFO(close << " of " << compared << " sampled beams within 2 cm of mj_ray");
  CHECK(compared > 20);
  CHECK(close >= 0.95 * compared);  // silhouettes may read the surface beside them (lidar.h)
}

TEST_CASE(
    "hil: with masks on, a camera's instance and semantic images name what MuJoCo's ray "
    "cast hits",
    "[bridge][hil][render]") {
  auto site = Warehouse();
  InProcessTransport transport;
  HilOptions o = Fast();
  o.render = true;
  o.masks = true;
  HilSession session(site, transport, o);
  transport.SetSubscriberCount("/cam_dock/instance/image_raw", 1);
  for (int i = 0; i < 40 && transport.PublishedCount("/cam_dock/instance/image_raw") == 0; ++i)
    session.Step();
  const auto instances = Published<Image>(transport, "/cam_dock/instance/image_raw");
  const auto classes = Published<Image>(transport, "/cam_dock/semantic/image_raw");
  REQUIRE(instances.size() == 1);
  REQUIRE(classes.size() == 1);
  const Image& ids = instances[0];
  CHECK(ids.encoding == "mono16");
  CHECK(ids.step == 2 * ids.width);
  const CameraInfo info = Published<CameraInfo>(transport, "/cam_dock/camera_info").at(0);
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  const twin::render::SceneLabels labels = twin::render::SceneLabelsOf(site.scene, m);
  const auto pose = twin::render::OpenCvCameraPose(d, mj_name2id(m, mjOBJ_CAMERA, "cam_dock"));
  const twin::render::CameraIntrinsics k = IntrinsicsOf(info);
  int compared = 0, same = 0;
  for (uint32_t v = 15; v < ids.height; v += 53)
    for (uint32_t u = 15; u < ids.width; u += 71) {
      uint16_t instance, klass;
      std::memcpy(&instance, ids.data.data() + 2 * (v * ids.width + u), 2);
      std::memcpy(&klass, classes[0].data.data() + 2 * (v * ids.width + u), 2);
      int geom = -1;
      twin::testing::RayDepth(m, d, k, pose.position, pose.rotation, u, v, &geom);
      if (geom < 0) {
        CHECK(instance == 0);
        continue;
      }
      ++compared;
      same += instance == labels.geom_instance[geom] && klass == labels.geom_class[geom];
    }
  INFO(same << " of " << compared << " sampled pixels name the geom mj_ray hits");
  CHECK(compared > 30);
  CHECK(same >= 0.97 * compared);  // a pixel on an edge may see the geom beside the ray's
}

TEST_CASE(
    "hil: in realtime, physics goes on while a frame renders: samples due meanwhile are counted "
    "late and reported, and each frame shows its stamp's state",
    "[bridge][hil][render]") {
  const std::string image_topic = "/cam_aisle_south/image_raw";  // amr1 patrols in its view
  // Run's end is not on a sample time (3.992 s after the warm-up step: samples 1 ... 119).
  constexpr double kRate = 30, kDuration = 3.99, kHeldUntil = 1.5;
  std::vector<Image> images;
  HilStats stats;
  std::vector<std::string> log;
  std::mutex log_mutex;
  std::atomic<double> sim_seen{0};
  std::atomic<bool> gave_up{false};
  // The device's worker threads (lavapipe's rasterizers) run below the simulation's priority.
  const int normal_nice = NiceOfThisThread();
  const int lowered_nice = std::min(19, normal_nice + twin::bridge::kRenderNiceIncrement);
  std::atomic<int> render_nice{normal_nice};
  int lowered_threads = 0;
  {
    auto site = Warehouse();
    InProcessTransport transport;
    HilOptions o = Fast(&log, &log_mutex);
    o.mode = TimeMode::kRealtime;
    o.render = true;
    o.autopilot = true;
    o.progress = [&](const HilStats& s) { sim_seen = s.sim_time; };
    // The first frame Run renders (sample 1) is held until the simulation thread has reported
    // kHeldUntil s of sim time: were it rendered on the simulation thread, it would wait for
    // itself (and give up after 30 s of wall time, failing the test).
    std::atomic<bool> held{false};
    o.before_render = [&](const std::string&, double stamp) {
      if (stamp != 0) render_nice = NiceOfThisThread();  // on the render thread
      if (stamp == 0 || held.exchange(true)) return;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      while (sim_seen.load() < kHeldUntil) {
        if (std::chrono::steady_clock::now() > give_up) {
          gave_up = true;
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    };
    HilSession session(site, transport, o);
    for (pid_t tid : twin::bridge::ThreadsOfProcess())
      lowered_threads += getpriority(PRIO_PROCESS, static_cast<id_t>(tid)) == lowered_nice;
    transport.SetSubscriberCount(image_topic, 1);
    // A warm-up step renders sample 0 here, so that the held frame is not the renderer's first
    // (lavapipe compiles its pipelines then, for seconds on a loaded machine).
    session.Step();
    std::atomic<bool> stop{false};
    session.Run(stop, kDuration);
    stats = session.stats();
    images = Published<Image>(transport, image_topic);
  }
  REQUIRE_FALSE(gave_up.load());
  // The render thread publishes: at normal priority, as the simulation and the transport.
  CHECK(render_nice == normal_nice);
  if (normal_nice < 19) CHECK(lowered_threads >= 1);  // lavapipe starts a worker per core
  // Samples 0 ... 119 (k / 30 s): each published or dropped as late; 2 ... 45 were due while
  // sample 1 was held. Once let go, the held frame goes out, and the next sample due after it
  // renders and goes out before Run returns.
  CHECK(stats.camera_frames + stats.late_frames == 120);
  CHECK(stats.late_frames >= 44);
  CHECK(stats.sim_time == Approx(0.002 + kDuration));
  REQUIRE(static_cast<int64_t>(images.size()) == stats.camera_frames);
  {
    std::lock_guard lock(log_mutex);
    bool said = false;
    for (const std::string& line : log)
      said = said || line.find("cam_aisle_south: rendering cannot keep up in real time") !=
                         std::string::npos;
    CHECK(said);
  }
  // Every stamp is the time of the step that takes a sample (sample k of time k / 30 s is taken
  // at the first step of time >= k / 30: 1/30 s is not a whole number of 2 ms steps), in order;
  // the warm-up's is sample 0, the held one's sample 1, and frames came after the hold.
  const double dt = 0.002;
  std::vector<int64_t> samples;
  for (const Image& image : images) {
    const double t = image.header.stamp.Seconds();
    INFO("stamp " << t);
    const double n = t / dt;
    CHECK(std::abs(n - std::round(n)) < 1e-6);
    const int64_t k = static_cast<int64_t>(std::floor(t * kRate + 1e-6));
    CHECK(t - static_cast<double>(k) / kRate < dt - 1e-9);
    samples.push_back(k);
  }
  REQUIRE(images.size() >= 3);
  CHECK(samples[0] == 0);
  CHECK(samples[1] == 1);
  CHECK(samples.back() > kHeldUntil * kRate);
  for (size_t i = 1; i < samples.size(); ++i) CHECK(samples[i] > samples[i - 1]);

  // Each frame shows the state at its stamp: the same run in fast mode (no commands, so the same
  // trajectory), rendered on the simulation thread at the steps that take those samples, gives
  // the same pixels.
  // Distinct and in order: with only 3 frames (a slow machine, ASan), the middle one is the 2nd.
  std::vector<size_t> compared = {1, images.size() / 2, images.size() - 1};
  compared.erase(std::unique(compared.begin(), compared.end()), compared.end());
  auto site = Warehouse();
  InProcessTransport transport;
  HilOptions o = Fast();
  o.render = true;
  o.autopilot = true;
  HilSession replay(site, transport, o);
  size_t next = 0;
  while (next < compared.size()) {
    // The step from the state of the stamp's time takes the sample.
    const double want = images[compared[next]].header.stamp.Seconds();
    const bool takes = std::abs(site.world.time() - want) < 1e-7;
    transport.SetSubscriberCount(image_topic, takes ? 1 : 0);
    replay.Step();
    if (takes) ++next;
    REQUIRE(site.world.time() < kDuration + 0.1);
  }
  const std::vector<Image> replayed = Published<Image>(transport, image_topic);
  REQUIRE(replayed.size() == compared.size());
  for (size_t i = 0; i < compared.size(); ++i) {
    const Image& live = images[compared[i]];
    INFO("frame of sample " << samples[compared[i]]);
    CHECK(replayed[i].header.stamp == live.header.stamp);
    CHECK(replayed[i].data == live.data);
  }
  // The check has teeth: the scene moved between the held frame and the last.
  CHECK(images[1].data != images.back().data);
}

TEST_CASE(
    "hil: in realtime, a lidar renders on the render thread, each scan is the synchronous "
    "scan of the state at its stamp",
    "[bridge][hil][render]") {
  const std::string topic = "/amr1_lidar/points";
  constexpr double kRate = 10, kDuration = 0.99;  // samples 0 ... 9 (0.1 s is 50 whole steps)
  std::vector<PointCloud2> clouds;
  HilStats stats;
  {
    auto site = Warehouse();
    InProcessTransport transport;
    HilOptions o = Fast();
    o.mode = TimeMode::kRealtime;
    o.render = true;
    o.autopilot = true;
    HilSession session(site, transport, o);
    transport.SetSubscriberCount(topic, 1);
    std::atomic<bool> stop{false};
    session.Run(stop, kDuration);
    stats = session.stats();
    clouds = Published<PointCloud2>(transport, topic);
  }
  CHECK(stats.lidar_scans + stats.late_scans == 10);
  REQUIRE(static_cast<int64_t>(clouds.size()) == stats.lidar_scans);
  REQUIRE(!clouds.empty());
  std::vector<double> stamps;
  for (const PointCloud2& c : clouds) {
    const double k = c.header.stamp.Seconds() * kRate;
    CHECK(std::abs(k - std::round(k)) < 1e-6);
    if (!stamps.empty()) CHECK(c.header.stamp.Seconds() > stamps.back());
    stamps.push_back(c.header.stamp.Seconds());
  }
  // The same trajectory in fast mode, scanned on the simulation thread at the first and last
  // stamps.
  auto site = Warehouse();
  InProcessTransport transport;
  HilOptions o = Fast();
  o.render = true;
  o.autopilot = true;
  HilSession replay(site, transport, o);
  std::vector<size_t> compared = {0};
  if (clouds.size() > 1) compared.push_back(clouds.size() - 1);
  size_t next = 0;
  while (next < compared.size() && site.world.time() < kDuration + 0.1) {
    const bool takes = std::abs(site.world.time() - stamps[compared[next]]) < 1e-7;
    transport.SetSubscriberCount(topic, takes ? 1 : 0);
    replay.Step();
    if (takes) ++next;
  }
  const std::vector<PointCloud2> replayed = Published<PointCloud2>(transport, topic);
  REQUIRE(replayed.size() == compared.size());
  for (size_t i = 0; i < replayed.size(); ++i) {
    INFO("scan at " << stamps[compared[i]] << " s");
    CHECK(replayed[i].header.stamp == clouds[compared[i]].header.stamp);
    CHECK(replayed[i].data == clouds[compared[i]].data);
  }
}
