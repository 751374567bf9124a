// twin bench bridge-hil: the twin side of `twin bench bridge`, in a process of its own (roscpp
// allows one node per process): the real HilSession on the ROS 1 transport, with a
// TimingTransport between them that notes when the chosen streams are handed over.
#include <twin/bridge/hil_session.h>
#include <twin/bridge/ros1_transport.h>
#include <twin/base/error.h>
#include <twin/sim/site_world.h>

#include "../twin/verbs.h"
#include "bench.h"
#include "timing_transport.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>

namespace twin::tools {
namespace {
std::atomic<bool> g_stop{false};
void OnSignal(int) {
  g_stop = true;
}
}  // namespace

int BenchBridgeHil(const BenchBridgeHilOptions& options) {
  bridge::HilOptions hil;
  hil.mode = bridge::ParseTimeMode(options.mode);
  hil.render = options.render;
  hil.device = options.device;
  hil.state_rate = options.state_rate;
  hil.control_period = options.control_period;
  if (hil.mode == bridge::TimeMode::kLockstep) hil.answer_topics = {options.command_topic};
  hil.log = [](const std::string& line) {
    std::fprintf(stderr, "twin bench bridge-hil: %s\n", line.c_str());
  };
  sim::SiteWorld site = sim::LoadSiteWorld(options.scene, sim::WorldOptions{}, std::nullopt, true);

  TimingTopics topics;
  topics.image = options.image_topic;
  topics.state = options.state_topic;
  topics.command = options.command_topic;
  topics.stop_after_images = options.images;
  topics.stop_after_states = options.states;
  // The transport's threads call into the timing layer and the session until the transport is
  // gone: both are destroyed after it.
  std::unique_ptr<bridge::HilSession> session;
  std::unique_ptr<TimingTransport> timing;
  bridge::Ros1Transport ros(bridge::Ros1Options{"twin", "", std::chrono::milliseconds(250)});
  timing = std::make_unique<TimingTransport>(ros, topics, g_stop);
  session = std::make_unique<bridge::HilSession>(site, *timing, hil);
  if (const std::string missing = timing->Missing(); !missing.empty())
    throw base::Error(options.scene + " has no topic " + missing + " (twin hil --list-topics " +
                options.scene + " lists them)");
  timing->due = [s = session.get()](double sim_time) { return s->RealtimeDeadlineNs(sim_time); };
  if (!ros.WaitForRegistration(std::chrono::seconds(20)))
    throw base::Error("the ROS master did not register twin's topics within 20 s");
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  session->Run(g_stop, options.duration);
  const bridge::HilStats s = session->stats();
  timing->Write(options.out);
  // The pacer's own account, for the report (realtime mode).
  if (FILE* out = std::fopen(options.out.c_str(), "a")) {
    std::fprintf(out, "pacer %lld %lld %lld -1\n", static_cast<long long>(s.pacer.reanchors),
                 static_cast<long long>(s.pacer.lost_time * 1e9),
                 static_cast<long long>(s.pacer.worst_behind * 1e9));
    std::fprintf(out, "frames %lld %lld %lld -1\n", static_cast<long long>(s.camera_frames),
                 static_cast<long long>(s.late_frames), static_cast<long long>(s.steps));
    std::fclose(out);
  }
  return kExitOk;
}

}  // namespace twin::tools
