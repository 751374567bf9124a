// twin hil SCENE: the site served to a robot's own software over ROS 1, for hardware-in-the-loop
// tests (bridge/README.md has every topic).
#include <twin/base/error.h>
#include <twin/bridge/hil_session.h>
#include <twin/bridge/topic_table.h>
#include <twin/sim/joint_states.h>
#include <twin/sim/site_world.h>
#ifdef TWIN_WITH_ROS
#include <twin/bridge/recording_transport.h>
#include <twin/bridge/ros1_bag_recorder.h>
#include <twin/bridge/ros1_transport.h>
#endif

#include "cli_checks.h"
#include "verbs.h"

#include <unistd.h>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <map>
#include <memory>
#include <optional>

namespace twin::tools {
namespace {

std::atomic<bool> g_stop{false};
[[maybe_unused]] void OnSignal(int) {
  g_stop = true;
}

struct HilVerbOptions {
  std::string scene;
  std::string mode = "realtime";
  double duration = 0;
  std::optional<uint64_t> seed;
  bridge::HilOptions hil;
  bool list_topics = false, topic_table = false;
  std::string node_name = "twin";
  std::string record;  // a ROS 1 bag of every message in and out
};

int Hil(HilVerbOptions opt) {
  if (opt.topic_table) {
    std::fputs(bridge::TopicTableMarkdown().c_str(), stdout);
    return kExitOk;
  }
  opt.hil.mode = bridge::ParseTimeMode(opt.mode);
  sim::WorldOptions world_options;
  sim::SiteWorld site = sim::LoadSiteWorld(opt.scene, world_options, opt.seed, true);
  if (opt.list_topics) {
    std::vector<std::string> robots;
    for (const auto& r : sim::FindRobotJoints(site.world.model(), site.scene.site))
      robots.push_back(r.entity);
    bridge::TopicOptions topic_options;
    topic_options.masks = opt.hil.masks;
    topic_options.joint_robots = robots;
    std::fputs(
        bridge::SiteTopicsMarkdown(bridge::SiteTopics(site.scene.site, topic_options)).c_str(),
        stdout);
    return kExitOk;
  }
#ifndef TWIN_WITH_ROS
  throw base::Error("this twin was built without ROS 1 (TWIN_WITH_ROS=OFF); rebuild with it on");
#else
  opt.hil.log = [](const std::string& line) {
    std::fprintf(stderr, "twin hil: %s\n", line.c_str());
  };
  const bool terminal = isatty(STDERR_FILENO) && !std::getenv("CI");
  if (terminal)
    opt.hil.progress = [](const bridge::HilStats& s) {
      std::fprintf(stderr,
                   "\r\033[Kt = %.2f s sim, %lld camera frames (%lld dropped late), "
                   "%lld lidar scans, "
                   "%lld commands (%lld refused)",
                   s.sim_time, static_cast<long long>(s.camera_frames),
                   static_cast<long long>(s.late_frames), static_cast<long long>(s.lidar_scans),
                   static_cast<long long>(s.commands), static_cast<long long>(s.rejected_commands));
    };
  bridge::Ros1Options ros;
  ros.node_name = opt.node_name;
  // The transport's threads call into the session and the recorder until the transport is
  // gone, so those are declared first: destroyed after it.
  std::unique_ptr<bridge::Ros1BagRecorder> bag;
  std::unique_ptr<bridge::RecordingTransport> recording;
  std::unique_ptr<bridge::HilSession> session_holder;
  bridge::Ros1Transport ros_transport(ros);
  if (!opt.record.empty()) {
    bag = std::make_unique<bridge::Ros1BagRecorder>(opt.record);
    recording = std::make_unique<bridge::RecordingTransport>(ros_transport, *bag);
  }
  bridge::Transport& transport =
      recording ? static_cast<bridge::Transport&>(*recording) : ros_transport;
  session_holder = std::make_unique<bridge::HilSession>(site, transport, opt.hil);
  bridge::HilSession& session = *session_holder;
  std::fprintf(stderr,
               "twin hil: %s, %s mode, %zu topics (twin hil --list-topics %s), Ctrl-C stops\n",
               opt.scene.c_str(), opt.mode.c_str(), session.topics().size(), opt.scene.c_str());
  if (!ros_transport.WaitForRegistration(std::chrono::seconds(5)))
    std::fprintf(stderr,
                 "twin hil: no ROS master answers yet (ROS_MASTER_URI=%s); simulating anyway, and "
                 "registering as soon as one does\n",
                 std::getenv("ROS_MASTER_URI") ? std::getenv("ROS_MASTER_URI") : "unset");
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  session.Run(g_stop, opt.duration);
  if (terminal) std::fprintf(stderr, "\n");
  const bridge::HilStats s = session.stats();
  std::printf("twin hil: %s\n", opt.scene.c_str());
  std::printf("  simulated   %.3f s in %lld steps (%s mode)\n", s.sim_time,
              static_cast<long long>(s.steps), opt.mode.c_str());
  std::printf("  cameras     %lld frames published, %lld dropped late (the camera's last frame was "
              "still rendering), %lld not rendered (no subscriber)\n",
              static_cast<long long>(s.camera_frames), static_cast<long long>(s.late_frames),
              static_cast<long long>(s.skipped_frames));
  std::printf("  lidars      %lld scans, %lld dropped late\n",
              static_cast<long long>(s.lidar_scans), static_cast<long long>(s.late_scans));
  std::printf("  commands    %lld applied, %lld refused, %lld watchdog stops\n",
              static_cast<long long>(s.commands), static_cast<long long>(s.rejected_commands),
              static_cast<long long>(s.watchdog_stops));
  if (opt.hil.mode == bridge::TimeMode::kRealtime)
    std::printf("  pacing      %lld steps late by > 1/30 s, worst %.3f s behind, %.3f s given up\n",
                static_cast<long long>(s.pacer.late), s.pacer.worst_behind, s.pacer.lost_time);
  if (bag) {
    bag->Finish();
    std::printf("  recorded    %lld messages to %s\n", static_cast<long long>(bag->written()),
                opt.record.c_str());
    if (!bag->error().empty())
      throw base::Error("writing the bag " + opt.record + " failed: " + bag->error());
  }
  return kExitOk;
#endif
}

}  // namespace

void AddHilVerb(CLI::App& app, int* exit_code) {
  auto opt = std::make_shared<HilVerbOptions>();
  CLI::App* verb = app.add_subcommand(
      "hil", "Serve a scene to robot software over ROS 1 (hardware-in-the-loop)");
  verb->add_option("scene", opt->scene, "Scene file: a twin layout (.yaml), MJCF or URDF");
  verb->add_option("--mode", opt->mode,
                   "realtime (paced to the wall clock), lockstep (waits for the controller each "
                   "control period) or fast (as fast as it goes; use_sim_time clients follow "
                   "/clock)")
      ->check(CLI::IsMember({"realtime", "lockstep", "fast"}))
      ->capture_default_str();
  verb->add_option("--duration", opt->duration, "Simulated seconds to run (default: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  verb->add_option("--rate-factor", opt->hil.realtime_factor,
                   "realtime mode: simulated seconds per wall second")
      ->check(PositiveNumber("a factor, e.g. --rate-factor 0.5"))
      ->capture_default_str();
  verb->add_option("--control-period", opt->hil.control_period,
                   "lockstep mode: simulated seconds between the controller's answers")
      ->check(PositiveNumber("seconds, e.g. --control-period 0.01"))
      ->capture_default_str();
  verb->add_option("--answer", opt->hil.answer_topics,
                   "lockstep mode: a command topic whose message answers a period (repeatable; "
                   "default: every command topic used so far)");
  verb->add_option("--state-rate", opt->hil.state_rate,
                   "Hz of simulated time for /tf, odometry and joint states")
      ->check(PositiveNumber("Hz, e.g. --state-rate 100"))
      ->capture_default_str();
  verb->add_option("--clock-rate", opt->hil.clock_rate,
                   "Most /clock messages per simulated second (one per step up to this)")
      ->check(PositiveNumber("Hz, e.g. --clock-rate 1000"))
      ->capture_default_str();
  verb->add_option("--watchdog", opt->hil.watchdog_timeout,
                   "Simulated seconds without commands after which a robot brakes")
      ->check(PositiveNumber("seconds, e.g. --watchdog 0.5"))
      ->capture_default_str();
  verb->add_flag("--masks", opt->hil.masks, "Also publish instance and semantic masks");
  verb->add_flag("!--no-render", opt->hil.render, "No cameras or lidars (no Vulkan device)");
  verb->add_flag("--autopilot", opt->hil.autopilot,
                 "Start with the layout's autopilot driving (/twin/autopilot switches it)");
  verb->add_option("--device", opt->hil.device, "Vulkan device: index or part of its name")
      ->check(DeviceSelector());
  verb->add_option_function<uint64_t>(
      "--seed", [opt](const uint64_t& seed) { opt->seed = seed; },
      "Seed of every random choice; default: the layout's, else fixed");
  verb->add_option("--record", opt->record,
                   "Write every message in and out to this ROS 1 bag (rosbag play reads it)");
  verb->add_option("--node-name", opt->node_name, "ROS node name")->capture_default_str();
  verb->add_flag("--list-topics", opt->list_topics,
                 "Print the scene's topics (names, types, frames, rates) and exit");
  verb->add_flag("--topic-table", opt->topic_table,
                 "Print the table of every topic twin hil can offer (bridge/README.md) and exit");
  verb->callback([opt, exit_code, verb] {
    if (opt->scene.empty() && !opt->topic_table) throw CLI::RequiredError("scene");
    *exit_code = Hil(*opt);
  });
}

}  // namespace twin::tools
