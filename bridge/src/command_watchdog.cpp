#include <twin/bridge/command_watchdog.h>

#include <twin/base/error.h>

#include <cmath>

namespace twin::bridge {

void CommandWatchdog::Watch(const std::string& robot, double timeout) {
  if (!(timeout > 0) || !std::isfinite(timeout))
    throw base::Error("the command timeout of '" + robot +
                      "' must be a positive number of seconds, not " + std::to_string(timeout));
  robots_[robot].timeout = timeout;
}

bool CommandWatchdog::watches(std::string_view robot) const {
  return robots_.count(robot) > 0;
}

bool CommandWatchdog::Fed(std::string_view robot, double sim_time) {
  auto it = robots_.find(robot);
  if (it == robots_.end()) return false;
  Robot& r = it->second;
  r.armed = true;
  r.last_command = sim_time;
  if (!r.stopped) return false;
  r.stopped = false;
  r.resumed = true;
  return true;
}

std::vector<WatchdogEvent> CommandWatchdog::Check(double sim_time) {
  std::vector<WatchdogEvent> events;
  for (auto& [name, r] : robots_) {
    if (r.resumed) {
      events.push_back({WatchdogEvent::Kind::kResumed, name, 0});
      r.resumed = false;
    }
    const double silence = sim_time - r.last_command;
    if (r.armed && !r.stopped && silence > r.timeout) {
      r.stopped = true;
      events.push_back({WatchdogEvent::Kind::kStopped, name, silence});
    }
  }
  return events;
}

bool CommandWatchdog::stopped(std::string_view robot) const {
  auto it = robots_.find(robot);
  return it != robots_.end() && it->second.stopped;
}

void CommandWatchdog::Rearm() {
  for (auto& [name, r] : robots_) r = Robot{r.timeout};
}

}  // namespace twin::bridge
