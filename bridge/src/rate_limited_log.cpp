#include <twin/bridge/rate_limited_log.h>

#include <chrono>
#include <cmath>

namespace twin::bridge {

RateLimitedLog::RateLimitedLog(std::function<void(const std::string&)> sink, double period,
                               std::function<int64_t()> now_ns)
    : sink_(std::move(sink)),
      period_ns_(std::llround(period * 1e9)),
      now_ns_(now_ns ? std::move(now_ns) : [] {
        return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
      }) {}

bool RateLimitedLog::Warn(const std::string& key, const std::string& message) {
  ++total_;
  const int64_t now = now_ns_();
  auto [it, first] = keys_.try_emplace(key);
  Key& k = it->second;
  if (!first && now - k.last_ns < period_ns_) {
    ++k.suppressed;
    return false;
  }
  std::string line = message;
  if (k.suppressed > 0)
    line += " (" + std::to_string(k.suppressed) + " more like it since the last report)";
  k.last_ns = now;
  k.suppressed = 0;
  if (sink_) sink_(line);
  return true;
}

int64_t RateLimitedLog::suppressed(const std::string& key) const {
  auto it = keys_.find(key);
  return it == keys_.end() ? 0 : it->second.suppressed;
}

}  // namespace twin::bridge
