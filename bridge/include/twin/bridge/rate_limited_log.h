// Warnings about bad input from the network, at most one per key per period: a controller that
// sends a NaN at 500 Hz gets one line a second naming the topic and field, with a count of the
// repeats it hid, instead of flooding the terminal.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace twin::bridge {

class RateLimitedLog {
 public:
  /// `sink` receives each line; `now_ns` is a monotonic clock (tests pass a fake one).
  RateLimitedLog(std::function<void(const std::string&)> sink, double period = 1.0,
                 std::function<int64_t()> now_ns = {});

  /// Logs `message` unless a line with the same `key` (e.g. "/amr1/cmd_vel linear.x") went out
  /// less than a period ago; then it only counts it. Returns whether it logged.
  bool Warn(const std::string& key, const std::string& message);

  /// How many warnings of `key` were hidden since its last line.
  int64_t suppressed(const std::string& key) const;
  /// Every warning counted, shown or not.
  int64_t total() const { return total_; }

 private:
  struct Key {
    int64_t last_ns = 0;
    int64_t suppressed = 0;
  };
  std::function<void(const std::string&)> sink_;
  int64_t period_ns_;
  std::function<int64_t()> now_ns_;
  std::map<std::string, Key> keys_;
  int64_t total_ = 0;
};

}  // namespace twin::bridge
