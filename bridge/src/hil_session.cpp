#include <twin/bridge/hil_session.h>

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include "hil_session_impl.h"

#include <malloc.h>

#include <chrono>
#include <cmath>
#include <thread>

namespace twin::bridge {

namespace {
std::vector<std::shared_ptr<const sim::DiffDrive>> Drives(const sim::SiteWorld& site) {
  return {site.amrs.begin(), site.amrs.end()};
}

std::vector<std::string> JointRobots(const sim::SiteWorld& site) {
  std::vector<std::string> names;
  for (const sim::RobotJoints& r : sim::FindRobotJoints(site.world.model(), site.scene.site))
    names.push_back(r.entity);
  return names;
}

// Every camera frame builds a few messages of about a megabyte (640x480 rgb8 is 900 KB, its depth
// 1.2 MB). Above glibc's mmap threshold each such block is a fresh mmap and munmap, its pages
// faulted in and zeroed by the kernel every time: `twin bench bridge` measured about 4 ms a frame
// of it. Serving them from the heap (and keeping freed heap rather than trimming it) reuses the
// same pages. Process-wide, set once by the first session; the Vulkan CPU context sets the same.
void KeepImageBlocksInHeap() {
#ifdef __GLIBC__
  static const bool done = [] {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's upper bound for it (64-bit)
    return true;
  }();
  (void)done;
#endif
}

void CheckPositive(double value, const char* what) {
  if (!(value > 0) || !std::isfinite(value))
    throw base::Error(std::string(what) + " must be a positive number, not " +
                      std::to_string(value));
}
}  // namespace

TimeMode ParseTimeMode(const std::string& text) {
  if (text == "realtime") return TimeMode::kRealtime;
  if (text == "lockstep") return TimeMode::kLockstep;
  if (text == "fast") return TimeMode::kFast;
  throw base::Error("unknown time mode '" + text + "'" +
                    base::DidYouMean(text, {"realtime", "lockstep", "fast"}) +
                    "; the modes are realtime, lockstep and fast");
}

// ---- AnswerBoard ----------------------------------------------------------------------------

void AnswerBoard::Received(const std::string& topic) {
  {
    std::lock_guard lock(mutex_);
    ++counts_[topic];
  }
  changed_.notify_all();
}

std::map<std::string, int64_t> AnswerBoard::Counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

bool AnswerBoard::WaitBeyond(const std::map<std::string, int64_t>& since,
                             const std::set<std::string>& topics, double timeout_s) const {
  auto count = [&](const std::map<std::string, int64_t>& m, const std::string& t) {
    auto it = m.find(t);
    return it == m.end() ? int64_t{0} : it->second;
  };
  auto answered = [&] {
    if (topics.empty()) {
      for (const auto& [topic, n] : counts_)
        if (n > count(since, topic)) return true;
      return false;
    }
    for (const std::string& t : topics)
      if (count(counts_, t) <= count(since, t)) return false;
    return true;
  };
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::duration<double>(timeout_s), answered);
}

// ---- set-up ---------------------------------------------------------------------------------

HilSession::Impl::Impl(sim::SiteWorld& s, Transport& t, HilOptions o)
    : site(s),
      world(s.world),
      transport(t),
      options(std::move(o)),
      topics(SiteTopics(s.scene.site, TopicOptions{options.masks, JointRobots(s)})),
      frames(s.scene.site, *s.world.model(), Drives(s)),
      schedule(sim::SampleSchedule::FromSite(s.scene.site, s.world.timestep())),
      robots(sim::FindRobotJoints(s.world.model(), s.scene.site)),
      log(
          [this](const std::string& line) {
            if (options.log) options.log(line);
          },
          1.0),
      pacer(PacerOptions{options.realtime_factor}) {
  KeepImageBlocksInHeap();
  CheckPositive(options.state_rate, "the state rate");
  CheckPositive(options.clock_rate, "the clock rate");
  CheckPositive(options.control_period, "the control period");
  CheckPositive(options.watchdog_timeout, "the watchdog timeout");
  steps_per_period = std::max<int64_t>(1, std::llround(options.control_period / world.timestep()));
  // Lockstep: the state goes out once per period, at its end, and the controller answers it.
  if (options.mode == TimeMode::kLockstep)
    options.state_rate = 1.0 / (static_cast<double>(steps_per_period) * world.timestep());
  for (const std::string& topic : options.answer_topics) {
    bool known = false;
    std::vector<std::string> inputs;
    for (const Topic& tp : topics)
      if (tp.pattern->direction == Direction::kIn) {
        inputs.push_back(tp.name);
        known = known || tp.name == topic;
      }
    if (!known)
      throw base::Error("--answer '" + topic + "' is not a command topic of this site" +
                        base::DidYouMean(topic, inputs));
  }
  const mjModel* m = world.model();
  for (const auto& amr : site.amrs)
    amr_bodies.push_back(mj_name2id(m, mjOBJ_BODY, amr->name().c_str()));
  for (const auto& f : site.forklifts)
    forklift_bodies.push_back(mj_name2id(m, mjOBJ_BODY, f->name().c_str()));
  if (site.autopilot) site.autopilot->set_enabled(options.autopilot);
  world.Forward();
  initial = world.Snapshot();
}

const Topic& HilSession::Impl::Find(TopicKind kind, const std::string& owner) const {
  for (const Topic& t : topics)
    if (t.pattern->kind == kind && t.owner_name == owner) return t;
  throw base::Error("internal: no topic of kind " + std::to_string(static_cast<int>(kind)) +
                    " for '" + owner + "'");
}

bool HilSession::Impl::Has(TopicKind kind, const std::string& owner) const {
  for (const Topic& t : topics)
    if (t.pattern->kind == kind && t.owner_name == owner) return true;
  return false;
}

HilSession::HilSession(sim::SiteWorld& site, Transport& transport, HilOptions options)
    : impl_(std::make_unique<Impl>(site, transport, std::move(options))) {
  impl_->AdvertiseOutputs();
  impl_->MakeRenderers();
  impl_->SubscribeCommands();
  impl_->ServeControl();
  impl_->PublishStatic();
}

HilSession::~HilSession() = default;

const std::vector<Topic>& HilSession::topics() const {
  return impl_->topics;
}

int64_t HilSession::RealtimeDeadlineNs(double sim_time) const {
  const Impl& s = *impl_;
  if (s.options.mode != TimeMode::kRealtime) return -1;
  std::lock_guard lock(s.pacer_line_mutex);
  if (!s.line_anchored) return -1;
  return s.line_origin_ns + std::llround(sim_time / s.line_factor * 1e9);
}

void HilSession::Impl::NotePacerLine() {
  if (options.mode != TimeMode::kRealtime) return;
  std::lock_guard lock(pacer_line_mutex);
  line_anchored = pacer.anchored();
  line_origin_ns = pacer.DeadlineNs(0);
  line_factor = pacer.factor();
}

HilStats HilSession::stats() const {
  HilStats s = impl_->stats;
  s.sim_time = impl_->world.time();
  s.commands = impl_->commands.load();
  s.rejected_commands = impl_->rejected.load();
  s.camera_frames = impl_->camera_frames.load();
  s.lidar_scans = impl_->lidar_scans.load();
  s.pacer = impl_->pacer.stats();
  return s;
}

// ---- the loop -------------------------------------------------------------------------------

void HilSession::Impl::StepOnce() {
  world.RunCommands();  // so that a trajectory that arrived starts at this step
  StartDueTrajectories();
  if (world.Step(1) != 1)
    throw base::Error(world.name() + ": the simulation diverged at t = " +
                      std::to_string(world.time()) + " s (twin check shows why)");
  ++stats.steps;
  CheckWatchdog();
  // Lockstep: an answer counts from the moment the period's messages go out, not after.
  if (options.mode == TimeMode::kLockstep && stats.steps % steps_per_period == 0)
    lockstep_since = answers.Counts();
  PublishOutputs();
}

void HilSession::Step() {
  impl_->RunControlRequests();
  impl_->StepOnce();
}

void HilSession::Impl::WaitForAnswer(const std::atomic<bool>& stop) {
  if (paused) return;
  std::set<std::string> wanted(options.answer_topics.begin(), options.answer_topics.end());
  const auto& since = lockstep_since;
  if (wanted.empty())
    for (const auto& [topic, n] : since) wanted.insert(topic);
  double waited = 0;
  while (!answers.WaitBeyond(since, wanted, 0.05)) {
    RunControlRequests();  // a reset or pause must get through while the controller is silent
    waited += 0.05;
    if (std::abs(waited - 2.0) < 0.025)
      Tell("lockstep: waiting for the controller's answer on " +
           (wanted.empty() ? std::string("any command topic")
                           : *wanted.begin() + (wanted.size() > 1 ? " and others" : "")) +
           " (sim time " + std::to_string(world.time()) + " s)");
    if (paused || stop.load()) return;
  }
  ++stats.lockstep_periods;
}

void HilSession::Run(const std::atomic<bool>& stop, double duration) {
  Impl& s = *impl_;
  const double end = s.world.time() + duration;
  // Lockstep: nothing moves until the controller is there (its first message), so that every
  // period's messages, from the first, reach it and two runs line up step for step.
  if (s.options.mode == TimeMode::kLockstep && s.stats.steps == 0) {
    s.lockstep_since.clear();  // any message so far counts
    s.WaitForAnswer(stop);
  }
  {
    std::lock_guard lock(s.step_mutex);
    s.run_returned = false;
  }
  // Realtime: cameras and lidars render on a thread of the run's own, joined before Run returns
  // (by the guard also when a step throws), so that nothing is published after it.
  struct RenderThreadOfRun {
    Impl& s;
    explicit RenderThreadOfRun(Impl& session) : s(session) {
      if (s.options.mode == TimeMode::kRealtime && s.context)
        s.render_thread = std::make_unique<RenderThread>();
    }
    ~RenderThreadOfRun() { s.render_thread.reset(); }
  } render_thread_of_run(s);
  s.pacer.Anchor(s.world.time());
  s.NotePacerLine();
  auto next_progress = std::chrono::steady_clock::now();
  while (!stop.load()) {
    if (s.options.progress && std::chrono::steady_clock::now() >= next_progress) {
      s.options.progress(stats());
      next_progress = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    }
    s.RunControlRequests();
    s.NotePacerLine();  // a reset or resume re-anchors
    if (s.paused && s.steps_requested == 0) {
      s.world.RunCommands();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      s.pacer.Anchor(s.world.time());
      s.NotePacerLine();
      continue;
    }
    if (duration > 0 && s.world.time() >= end - 0.5 * s.world.timestep()) break;
    s.StepOnce();
    if (s.steps_requested > 0 && --s.steps_requested == 0) s.FinishStepRequest();
    switch (s.options.mode) {
      case TimeMode::kRealtime:
        s.pacer.WaitUntil(s.world.time());
        s.NotePacerLine();  // it re-anchors when too far behind
        break;
      case TimeMode::kLockstep:
        if (s.stats.steps % s.steps_per_period == 0) s.WaitForAnswer(stop);
        break;
      case TimeMode::kFast: break;
    }
  }
  if (s.render_thread) s.render_thread->Drain();  // the frames in hand go out
  {
    std::lock_guard lock(s.step_mutex);
    s.run_returned = true;
  }
  s.steps_done.notify_all();
}

void HilSession::Impl::FinishStepRequest() {
  {
    std::lock_guard lock(step_mutex);
    steps_finished = step_tickets;
  }
  steps_done.notify_all();
}

// ---- control services -----------------------------------------------------------------------

std::string HilSession::Impl::Control(std::function<std::string(Impl&)> run) {
  auto request = std::make_shared<ControlRequest>();
  request->run = std::move(run);
  {
    std::lock_guard lock(control_mutex);
    control_queue.push_back(request);
  }
  std::unique_lock lock(request->mutex);
  if (!request->cv.wait_for(lock, std::chrono::seconds(30), [&] { return request->done; }))
    return "the simulation did not take the request within 30 s";
  return request->failure;
}

void HilSession::Impl::RunControlRequests() {
  std::deque<std::shared_ptr<ControlRequest>> queue;
  {
    std::lock_guard lock(control_mutex);
    queue.swap(control_queue);
  }
  for (const auto& request : queue) {
    std::string failure = request->run(*this);
    std::lock_guard lock(request->mutex);
    request->failure = std::move(failure);
    request->done = true;
    request->cv.notify_all();
  }
}

void HilSession::Impl::ServeControl() {
  auto trigger = [this](std::function<std::string(Impl&)> run) {
    return [this, run](const Trigger::Request&) {
      const std::string failure = Control(run);
      return Trigger::Response{failure.empty(), failure.empty() ? "done" : failure};
    };
  };
  Serve<Trigger>(transport, Name(TopicKind::kReset), trigger([](Impl& s) {
                   s.world.Restore(s.initial);
                   s.pending_trajectories.clear();
                   s.watchdog.Rearm();
                   s.state_sample = s.clock_sample = 0;
                   s.first_outputs = true;
                   s.pacer.Anchor(s.world.time());
                   s.PublishStatic();
                   return std::string();
                 }));
  Serve<Trigger>(transport, Name(TopicKind::kPause), trigger([](Impl& s) {
                   s.paused = true;
                   s.PublishOnChange();
                   return std::string();
                 }));
  Serve<Trigger>(transport, Name(TopicKind::kResume), trigger([](Impl& s) {
                   s.paused = false;
                   s.pacer.Anchor(s.world.time());
                   s.PublishOnChange();
                   return std::string();
                 }));
  Serve<StepSimulation>(
      transport, Name(TopicKind::kStep), [this](const StepSimulation::Request& request) {
        if (request.steps == 0) return StepSimulation::Response{false, "steps must be at least 1"};
        const uint64_t steps = request.steps;
        int64_t ticket = 0;
        auto failure = Control([steps, &ticket](Impl& s) -> std::string {
          if (!s.paused) return "the simulation is running; pause it first";
          if (s.steps_requested > 0) return "a step request is running";
          s.steps_requested = static_cast<int64_t>(steps);
          ticket = ++s.step_tickets;
          return std::string();
        });
        if (!failure.empty()) return StepSimulation::Response{false, failure};
        // The simulation thread counts the steps down and wakes this thread at zero.
        std::unique_lock lock(step_mutex);
        steps_done.wait(lock, [&] { return steps_finished >= ticket || run_returned; });
        if (steps_finished < ticket)
          return StepSimulation::Response{false,
                                          "the simulation stopped before the steps were done"};
        return StepSimulation::Response{true, "stepped " + std::to_string(steps)};
      });
  Serve<SetBool>(transport, Name(TopicKind::kAutopilot), [this](const SetBool::Request& request) {
    const bool on = request.data;
    const std::string failure = Control([on](Impl& s) -> std::string {
      if (!s.site.autopilot) return "this site's layout has no autopilot";
      s.site.autopilot->set_enabled(on);
      if (!on) s.BrakeAll();
      return std::string();
    });
    return SetBool::Response{failure.empty(), failure.empty() ? (on ? "on" : "off") : failure};
  });
}

}  // namespace twin::bridge
