// twin bench bridge: the ROS 1 bridge's latencies and control rates, against a bare roscpp
// publisher timed in the same run. Every process is started here (a roscore on a free loopback
// port, twin's side as `twin bench bridge-hil`, the roscpp peers as twin-bench-ros-peer) and
// stopped here; what each measured comes back in record files (bridge_stats.h).
#include <twin/base/error.h>
#include <twin/bridge/roscore_process.h>
#include <twin/sim/site_world.h>

#include "../twin/verbs.h"
#include "bench.h"
#include "bridge_stats.h"
#include "child_process.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>
#include <tuple>

namespace twin::tools {
namespace {

namespace fs = std::filesystem;

constexpr int kWarmupImages = 10;     // before the timed images (connection, first renders)
constexpr int kWarmupPeriods = 20;    // before the timed lockstep periods
constexpr double kRateWarmupS = 1.0;  // of a sweep run, after the controller's first answer
constexpr double kGoalRatio = 1.25;   // twin / bare publisher, p50 and p99
constexpr double kGoalDriftMs = 1.0;  // per simulated minute
constexpr const char* kTwinRow = "twin hil realtime (HilSession, Ros1Transport)";

std::string SelfDir() {
  return fs::read_symlink("/proc/self/exe").parent_path().string();
}

// The processes of one measurement, stopped whatever happens.
class Run {
 public:
  Run(const bridge::RoscoreProcess& core, fs::path dir) : core_(core), dir_(std::move(dir)) {}
  ~Run() {
    for (auto& [pid, name] : children_) StopChild(pid, 2);
  }

  // Starts a program; `ready` waits until it prints "ready" (its endpoints are registered).
  pid_t Start(const std::string& name, std::vector<std::string> argv, bool ready) {
    ChildSpec spec;
    spec.argv = std::move(argv);
    spec.env = core_.Env();
    spec.stdout_path = (dir_ / (name + ".out")).string();
    spec.stderr_path = (dir_ / (name + ".err")).string();
    const pid_t pid = StartChild(spec);
    children_.push_back({pid, name});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (ready && ReadTextFile(spec.stdout_path).find("ready") == std::string::npos) {
      ChildResult result;
      if (WaitChild(pid, 0, result)) {
        Forget(pid);
        throw base::Error(name + " ended before it was ready (" + DescribeExit(result) + ")" +
                          Tail(name));
      }
      if (std::chrono::steady_clock::now() > deadline)
        throw base::Error(name + " was not ready within 30 s" + Tail(name));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return pid;
  }

  // Waits for a program to finish on its own; it must exit 0.
  void Finish(pid_t pid, const std::string& name, double timeout_s) {
    ChildResult result;
    if (!WaitChild(pid, timeout_s, result)) {
      Forget(pid);
      StopChild(pid, 2);
      throw base::Error(name + " did not finish within " +
                        std::to_string(static_cast<int>(timeout_s)) + " s" + Tail(name));
    }
    Forget(pid);
    if (result.exit_code != 0)
      throw base::Error(name + " failed (" + DescribeExit(result) + ")" + Tail(name));
  }

  // Asks a program that runs until told (a subscriber, the controller) to stop; it must exit 0.
  void Stop(pid_t pid, const std::string& name) {
    Forget(pid);
    const ChildResult result = StopChild(pid, 10);
    if (result.exit_code != 0)
      throw base::Error(name + " failed (" + DescribeExit(result) + ")" + Tail(name));
  }

  std::string File(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::string Tail(const std::string& name) const {
    std::string err = ReadTextFile((dir_ / (name + ".err")).string());
    if (err.size() > 600) err = "..." + err.substr(err.size() - 600);
    return err.empty() ? "" : ": " + err;
  }
  void Forget(pid_t pid) {
    std::erase_if(children_, [pid](const auto& c) { return c.first == pid; });
  }

  const bridge::RoscoreProcess& core_;
  fs::path dir_;
  std::vector<std::pair<pid_t, std::string>> children_;
};

struct Setup {
  BenchBridgeOptions options;
  std::string twin, peer;
  std::string camera, robot;
  std::string image_topic, state_topic, command_topic;
  int width = 0, height = 0;
  double camera_rate = 0, timestep = 0;
};

std::vector<std::string> Nodelay(bool on) {
  return on ? std::vector<std::string>{} : std::vector<std::string>{"--no-nodelay"};
}

std::vector<std::string> HilArgs(const Setup& s, const std::string& out) {
  std::vector<std::string> argv = {s.twin,          "bench", "bridge-hil", "--scene",
                                   s.options.scene, "--out", out};
  if (!s.options.device.empty()) argv.insert(argv.end(), {"--device", s.options.device});
  return argv;
}

// (a) and (b): the images of one side received by the same subscriber program.
// What twin's side said of its own realtime run.
struct TwinAccount {
  Drift drift;
  int64_t frames = 0, late_frames = 0;
};

ImageLatencies ImageRun(const bridge::RoscoreProcess& core, const Setup& s, bool twin, bool nodelay,
                        TwinAccount* account = nullptr) {
  Run run(core, fs::path(core.home()));
  const std::string received = run.File("received.txt"), sent = run.File("sent.txt");
  fs::remove(received);
  fs::remove(sent);
  std::vector<std::string> sub = {s.peer, "subscribe", s.image_topic, received};
  for (const std::string& a : Nodelay(nodelay)) sub.push_back(a);
  const pid_t subscriber = run.Start("subscriber", sub, true);
  const int total = kWarmupImages + s.options.frames;
  const double timeout = total / s.camera_rate * 4 + 60;
  if (twin) {
    std::vector<std::string> argv = HilArgs(s, sent);
    argv.insert(argv.end(), {"--mode", "realtime", "--image-topic", s.image_topic, "--images",
                             std::to_string(total)});
    run.Finish(run.Start("twin bench bridge-hil", argv, false), "twin bench bridge-hil", timeout);
  } else {
    const pid_t publisher = run.Start(
        "publisher",
        {s.peer, "publish", s.image_topic, sent, std::to_string(total),
         std::to_string(s.camera_rate), std::to_string(s.width), std::to_string(s.height)},
        false);
    run.Finish(publisher, "publisher", timeout);
  }
  run.Stop(subscriber, "subscriber");
  const BridgeRecords out = ReadBridgeRecords(sent), in = ReadBridgeRecords(received);
  if (static_cast<int>(out.image.size()) < total)
    throw base::Error("only " + std::to_string(out.image.size()) + " of " + std::to_string(total) +
                      " images were sent");
  ImageLatencies l = MatchImages(out.image, in.image, kWarmupImages, s.options.frames);
  if (l.transport_ms.empty()) throw base::Error("no image reached the subscriber");
  if (account) *account = {MeasureDrift(out), out.frames, out.late_frames};
  return l;
}

// (c): lockstep round trips with the roscpp controller.
RoundTrips LockstepRun(const bridge::RoscoreProcess& core, const Setup& s, double period,
                       bool nodelay) {
  Run run(core, fs::path(core.home()));
  const std::string sent = run.File("lockstep.txt");
  fs::remove(sent);
  std::vector<std::string> ctl = {s.peer, "control", s.state_topic, s.command_topic};
  for (const std::string& a : Nodelay(nodelay)) ctl.push_back(a);
  const pid_t controller = run.Start("controller", ctl, true);
  const int total = kWarmupPeriods + s.options.periods + 1;
  std::vector<std::string> argv = HilArgs(s, sent);
  argv.insert(argv.end(), {"--mode", "lockstep", "--no-render", "--control-period",
                           std::to_string(period), "--state-topic", s.state_topic,
                           "--command-topic", s.command_topic, "--states", std::to_string(total)});
  run.Finish(run.Start("twin bench bridge-hil", argv, false), "twin bench bridge-hil",
             120 + total * 0.05);
  run.Stop(controller, "controller");
  const RoundTrips r =
      LockstepRoundTrips(ReadBridgeRecords(sent), kWarmupPeriods, s.options.periods);
  if (r.answer_ms.empty()) throw base::Error("no state was answered");
  return r;
}

struct RateRun {
  RateCheck check;
  Drift drift;
};

// (c) and (d): realtime at one control rate with the camera streaming.
RateRun RealtimeRateRun(const bridge::RoscoreProcess& core, const Setup& s, double rate) {
  Run run(core, fs::path(core.home()));
  const std::string received = run.File("rate_images.txt"), sent = run.File("rate.txt");
  fs::remove(received);
  fs::remove(sent);
  const pid_t subscriber =
      run.Start("subscriber", {s.peer, "subscribe", s.image_topic, received}, true);
  const pid_t controller =
      run.Start("controller", {s.peer, "control", s.state_topic, s.command_topic}, true);
  const double duration = s.options.sweep_seconds + kRateWarmupS + 0.5;
  std::vector<std::string> argv = HilArgs(s, sent);
  argv.insert(argv.end(),
              {"--mode", "realtime", "--state-rate", std::to_string(rate), "--image-topic",
               s.image_topic, "--state-topic", s.state_topic, "--command-topic", s.command_topic,
               "--duration", std::to_string(duration)});
  run.Finish(run.Start("twin bench bridge-hil", argv, false), "twin bench bridge-hil",
             duration * 4 + 60);
  run.Stop(controller, "controller");
  run.Stop(subscriber, "subscriber");
  const BridgeRecords twin = ReadBridgeRecords(sent);
  RateRun out;
  out.check = CheckRate(twin, ReadBridgeRecords(received).image, 1.0 / rate, kRateWarmupS);
  out.drift = MeasureDrift(twin);
  return out;
}

// (d): realtime with nothing rendered, so that the simulation keeps up; twin's /clock hand-offs.
Drift DriftRun(const bridge::RoscoreProcess& core, const Setup& s) {
  Run run(core, fs::path(core.home()));
  const std::string sent = run.File("drift.txt");
  fs::remove(sent);
  std::vector<std::string> argv = HilArgs(s, sent);
  argv.insert(argv.end(), {"--mode", "realtime", "--no-render", "--duration",
                           std::to_string(s.options.drift_seconds)});
  run.Finish(run.Start("twin bench bridge-hil", argv, false), "twin bench bridge-hil",
             s.options.drift_seconds * 3 + 60);
  const BridgeRecords twin = ReadBridgeRecords(sent);
  if (twin.reanchors > 0)
    throw base::Error("the pacer re-anchored " + std::to_string(twin.reanchors) +
                      " times (the machine could not keep up even without rendering)");
  return MeasureDrift(twin);
}

// A progress line on a terminal (quiet in CI and when piped).
class Progress {
 public:
  explicit Progress(int total) : total_(total), on_(isatty(STDERR_FILENO) && !std::getenv("CI")) {}
  void Next(const std::string& what) {
    if (on_) std::fprintf(stderr, "\r\033[K[%d/%d] %s", ++done_, total_, what.c_str());
  }
  ~Progress() {
    if (on_) std::fprintf(stderr, "\r\033[K");
  }

 private:
  int total_, done_ = 0;
  bool on_;
};

// Runs `measure`, or prints why it failed; false on failure.
template <class F>
bool Try(const std::string& row, F&& measure) {
  try {
    measure();
    return true;
  } catch (const base::Error& e) {
    std::printf("  %-46s failed: %s\n", row.c_str(), e.what());
    return false;
  }
}

std::string Ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", ms);
  return text;
}

// The ratio of two times as printed (so that it is the ratio of the numbers beside it).
double PrintedRatio(double numerator_ms, double denominator_ms) {
  return std::stod(Ms(numerator_ms)) / std::stod(Ms(denominator_ms));
}
std::string RatioText(double ratio) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2fx", ratio);
  return text;
}

}  // namespace

int BenchBridge(const BenchBridgeOptions& options) {
  Setup s;
  s.options = options;
  s.twin = SelfDir() + "/twin";
  s.peer = SelfDir() + "/twin-bench-ros-peer";
  if (access(s.peer.c_str(), X_OK) != 0)
    throw base::Error(s.peer +
                      " is missing: build the target twin_bench_ros_peer (TWIN_WITH_ROS on)");
  {
    sim::SiteWorld site =
        sim::LoadSiteWorld(options.scene, sim::WorldOptions{}, std::nullopt, false);
    const scenes::Site& site_spec = site.scene.site;
    s.timestep = site.world.timestep();
    const scenes::CameraSpec* camera = nullptr;
    for (const auto& c : site_spec.cameras)
      if (options.camera.empty() ? camera == nullptr : c.name == options.camera) camera = &c;
    if (!camera)
      throw base::Error(options.scene + ": " +
                        (options.camera.empty() ? "no camera to stream; the bench needs one"
                                                : "no camera named '" + options.camera + "'"));
    s.camera = camera->name;
    s.width = camera->width;
    s.height = camera->height;
    s.camera_rate = camera->rate;
    for (const auto& a : site_spec.amrs)
      if (options.robot.empty() ? s.robot.empty() : a.entity == options.robot) s.robot = a.entity;
    if (s.robot.empty())
      throw base::Error(options.scene + ": " +
                        (options.robot.empty() ? "no AMR to control; the bench needs one"
                                               : "no AMR named '" + options.robot + "'"));
  }
  s.image_topic = "/" + s.camera + "/image_raw";
  s.state_topic = "/" + s.robot + "/odom";
  s.command_topic = "/" + s.robot + "/cmd_vel";

  std::printf("twin bench bridge: %s\n", options.scene.c_str());
  std::printf("camera      %s: %dx%d rgb8 at %g Hz (%s); robot %s (%s -> %s)\n", s.camera.c_str(),
              s.width, s.height, s.camera_rate, s.image_topic.c_str(), s.robot.c_str(),
              s.state_topic.c_str(), s.command_topic.c_str());
  bridge::RoscoreProcess core;
  std::printf("roscore     127.0.0.1:%d, started for this run (stopped at its end)\n", core.port());
  std::fflush(stdout);

  std::vector<double> rates;
  for (double r : options.rates)
    if (r * s.timestep <= 1 + 1e-9) rates.push_back(r);
  Progress progress(4 + 4 + static_cast<int>(rates.size()) + 1);
  bool ok = true;

  // (a) transport latency and (b) sensor latency.
  std::printf(
      "\ntransport latency: hand-off to the transport -> receipt in a roscpp subscriber "
      "(twin-bench-ros-peer), %d images at %g Hz per row after %d warm-up\n",
      options.frames, s.camera_rate, kWarmupImages);
  std::printf("  %-46s %-11s %8s %8s %10s %10s %5s\n", "row", "TCP_NODELAY", "p50 ms", "p99 ms",
              "ratio p50", "ratio p99", "lost");
  std::optional<ImageLatencies> goal_bare, goal_twin;
  std::vector<std::tuple<std::string, ImageLatencies, TwinAccount>> sensor_rows;
  for (bool nodelay : {true, false}) {
    const char* flag = nodelay ? "on" : "off";
    std::optional<ImageLatencies> bare, twin;
    progress.Next(std::string("bare roscpp publisher, TCP_NODELAY ") + flag);
    ok &=
        Try("bare roscpp publisher (baseline)", [&] { bare = ImageRun(core, s, false, nodelay); });
    if (bare)
      std::printf("  %-46s %-11s %8s %8s %10s %10s %5d\n", "bare roscpp publisher (baseline)", flag,
                  Ms(Percentile(bare->transport_ms, 0.5)).c_str(),
                  Ms(Percentile(bare->transport_ms, 0.99)).c_str(), "1.00x", "1.00x", bare->lost);
    progress.Next(std::string("twin hil (realtime), TCP_NODELAY ") + flag);
    TwinAccount account;
    ok &= Try(kTwinRow, [&] { twin = ImageRun(core, s, true, nodelay, &account); });
    if (twin) {
      const double p50 = Percentile(twin->transport_ms, 0.5);
      const double p99 = Percentile(twin->transport_ms, 0.99);
      std::string r50 = "(no baseline)", r99;
      if (bare) {
        r50 = RatioText(PrintedRatio(p50, Percentile(bare->transport_ms, 0.5)));
        r99 = RatioText(PrintedRatio(p99, Percentile(bare->transport_ms, 0.99)));
      }
      std::printf("  %-46s %-11s %8s %8s %10s %10s %5d\n", kTwinRow, flag, Ms(p50).c_str(),
                  Ms(p99).c_str(), r50.c_str(), r99.c_str(), twin->lost);
      sensor_rows.push_back({flag, *twin, account});
    }
    if (nodelay) goal_bare = bare, goal_twin = twin;
    std::fflush(stdout);
  }
  if (goal_bare && goal_twin) {
    const double r50 = PrintedRatio(Percentile(goal_twin->transport_ms, 0.5),
                                    Percentile(goal_bare->transport_ms, 0.5));
    const double r99 = PrintedRatio(Percentile(goal_twin->transport_ms, 0.99),
                                    Percentile(goal_bare->transport_ms, 0.99));
    const bool met =
        std::stod(RatioText(r50)) <= kGoalRatio && std::stod(RatioText(r99)) <= kGoalRatio;
    std::printf(
        "goal        twin <= %.2fx the bare publisher (TCP_NODELAY on): p50 %s, p99 %s, %s\n",
        kGoalRatio, RatioText(r50).c_str(), RatioText(r99).c_str(), met ? "met" : "NOT met");
  } else {
    std::printf("goal        not measured: %s failed\n",
                goal_bare ? "twin's row" : "the baseline (bare roscpp publisher)");
  }

  std::printf(
      "\nsensor latency: the wall time the depicted sim time was due (realtime pacer) -> receipt, "
      "render included\n");
  std::printf("  %-46s %-11s %8s %8s %s\n", "row", "TCP_NODELAY", "p50 ms", "p99 ms",
              "N of M: N samples dropped late, M frames published (twin hil's count)");
  for (const auto& [flag, l, account] : sensor_rows)
    std::printf("  %-46s %-11s %8s %8s %lld of %lld\n", "twin hil realtime", flag.c_str(),
                Ms(Percentile(l.sensor_ms, 0.5)).c_str(), Ms(Percentile(l.sensor_ms, 0.99)).c_str(),
                static_cast<long long>(account.late_frames),
                static_cast<long long>(account.frames));
  std::fflush(stdout);

  // (c) lockstep round trips.
  std::printf(
      "\ncontrol round trip, lockstep: state handed to the transport -> the controller's command "
      "in twin -> the next step done; roscpp controller (twin-bench-ros-peer control), %d periods "
      "per row after %d warm-up\n",
      options.periods, kWarmupPeriods);
  std::printf("  %-46s %-11s %8s %8s %10s %10s\n", "row", "TCP_NODELAY", "in p50", "in p99",
              "step p50", "step p99");
  for (double hz : {100.0, 500.0}) {
    for (bool nodelay : {true, false}) {
      const char* flag = nodelay ? "on" : "off";
      char row[64];
      const int steps = static_cast<int>(std::max(1.0, std::round(1 / hz / s.timestep)));
      std::snprintf(row, sizeof(row), "lockstep %g Hz (%d step%s a period)", hz, steps,
                    steps == 1 ? "" : "s");
      progress.Next(std::string(row) + ", TCP_NODELAY " + flag);
      std::optional<RoundTrips> r;
      ok &= Try(row, [&] { r = LockstepRun(core, s, 1 / hz, nodelay); });
      if (r)
        std::printf(
            "  %-46s %-11s %8s %8s %10s %10s\n", row, flag,
            Ms(Percentile(r->answer_ms, 0.5)).c_str(), Ms(Percentile(r->answer_ms, 0.99)).c_str(),
            Ms(Percentile(r->step_ms, 0.5)).c_str(), Ms(Percentile(r->step_ms, 0.99)).c_str());
      std::fflush(stdout);
    }
  }

  // (c) the highest control rate realtime sustains with the camera streaming; (d) drift.
  std::printf(
      "\nrealtime with %s streaming (TCP_NODELAY on): a rate holds when every state of the last "
      "%g s of sim time is answered before sim time t + 1/rate is due on the wall clock\n",
      s.camera.c_str(), options.sweep_seconds);
  std::printf("  %-46s %8s %8s %10s %10s %s\n", "rate", "states", "late", "worst ms", "camera fps",
              "holds");
  std::optional<double> highest;
  double last_fps = 0;
  bool sweep_failed = false;
  for (double rate : rates) {
    char row[64];
    std::snprintf(row, sizeof(row), "control at %g Hz", rate);
    progress.Next(row);
    std::optional<RateRun> r;
    if (!Try(row, [&] { r = RealtimeRateRun(core, s, rate); })) {
      ok = false;
      sweep_failed = true;
      break;
    }
    std::printf("  %-46s %8d %8d %10s %10.1f %s\n", row, r->check.states, r->check.late,
                Ms(r->check.worst_ms).c_str(), r->check.camera_fps,
                r->check.holds() ? "yes" : "no");
    std::fflush(stdout);
    last_fps = r->check.camera_fps;
    if (!r->check.holds()) break;
    highest = rate;
  }
  if (sweep_failed)
    std::printf("highest     not measured: a run failed\n");
  else if (highest)
    std::printf("highest     %g Hz sustained with one camera streaming\n", *highest);
  else
    std::printf("highest     none of the rates tried held\n");
  if (!sweep_failed && last_fps > 0 && last_fps < 0.9 * s.camera_rate)
    std::printf(
        "            the camera delivered %.1f of its %g frames/s: rendering (on twin hil's render "
        "thread) cannot keep up in real time here; the samples it could not take were dropped "
        "as late while physics kept to the wall clock\n",
        last_fps, s.camera_rate);

  // (d) drift: a realtime run that keeps up (nothing rendered), on CLOCK_MONOTONIC.
  progress.Next("drift");
  std::optional<Drift> drift;
  ok &= Try("drift run", [&] { drift = DriftRun(core, s); });

  if (drift && drift->measured)
    std::printf(
        "drift       %+.4f ms per simulated minute over %.1f s of sim time (realtime, nothing "
        "rendered; the lower envelope of wall - sim time on CLOCK_MONOTONIC), goal < %.0f ms: %s\n",
        drift->ms_per_minute, drift->sim_seconds, kGoalDriftMs,
        std::abs(drift->ms_per_minute) < kGoalDriftMs ? "met" : "NOT met");
  else if (drift)
    std::printf("drift       not measured: the run was under 3 s or the pacer re-anchored\n");
  return ok ? kExitOk : kExitError;
}

}  // namespace twin::tools
