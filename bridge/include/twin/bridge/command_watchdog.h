// The command watchdog of `twin hil`: a robot whose commands stop coming brakes to a stop.
//
// A robot is watched from its first command on (before that, nothing of the network commands it:
// the layout's autopilot or nothing moves it). When no command has arrived for longer than its
// timeout, Check() reports it stopped once; the caller brakes it, logs it and publishes it. The
// next command reports it resumed.
//
// Time is sim time, the time base of everything the robot sees (its sensors, /clock): in realtime
// mode it is the wall clock's, in lockstep and fast mode a controller that keeps up with /clock
// keeps its robot going, and the same run stops at the same step every time.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace twin::bridge {

struct WatchdogEvent {
  enum class Kind { kStopped, kResumed };
  Kind kind;
  std::string robot;
  double silence = 0;  ///< sim seconds since its last command (kStopped)
};

class CommandWatchdog {
 public:
  /// Watches `robot` with `timeout` sim seconds (> 0). Throws twin::base::Error on a bad timeout.
  void Watch(const std::string& robot, double timeout = 0.5);
  bool watches(std::string_view robot) const;

  /// A valid command for `robot` arrived at `sim_time`. Returns true when that resumes it (the
  /// same event also comes from the next Check()).
  bool Fed(std::string_view robot, double sim_time);
  /// The robots that went silent or came back since the last call, in name order.
  std::vector<WatchdogEvent> Check(double sim_time);

  /// True while `robot` is held stopped by the watchdog.
  bool stopped(std::string_view robot) const;
  /// The sim time went back (reset, restore): every robot is unwatched until its next command.
  void Rearm();

 private:
  struct Robot {
    double timeout = 0.5;
    bool armed = false, stopped = false, resumed = false;
    double last_command = 0;
  };
  std::map<std::string, Robot, std::less<>> robots_;
};

}  // namespace twin::bridge
