#include "bridge_stats.h"

#include <twin/base/error.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <unordered_map>

namespace twin::tools {

BridgeRecords ReadBridgeRecords(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::Error("no records in " + path + " (the process did not write them)");
  BridgeRecords r;
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    std::istringstream fields(line);
    std::string kind;
    TimedMessage m;
    if (!(fields >> kind >> m.stamp_ns >> m.time_ns))
      throw base::Error(path + ":" + std::to_string(number) + ": not a record: '" + line + "'");
    fields >> m.due_ns;
    if (kind == "image")
      r.image.push_back(m);
    else if (kind == "state")
      r.state.push_back(m);
    else if (kind == "clock")
      r.clock.push_back(m);
    else if (kind == "command")
      r.command.push_back(m);
    else if (kind == "pacer")
      r.reanchors = m.stamp_ns, r.lost_ns = m.time_ns;
    else if (kind == "frames")
      r.frames = m.stamp_ns, r.late_frames = m.time_ns;
    else
      throw base::Error(path + ":" + std::to_string(number) + ": unknown record '" + kind + "'");
  }
  return r;
}

double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

ImageLatencies MatchImages(const std::vector<TimedMessage>& sent,
                           const std::vector<TimedMessage>& received, int skip, int count) {
  std::unordered_map<int64_t, int64_t> receipt;  // stamp -> first receipt
  for (const TimedMessage& m : received) receipt.emplace(m.stamp_ns, m.time_ns);
  ImageLatencies out;
  for (size_t i = static_cast<size_t>(skip);
       i < sent.size() && i < static_cast<size_t>(skip + count); ++i) {
    ++out.sent;
    auto it = receipt.find(sent[i].stamp_ns);
    if (it == receipt.end()) {
      ++out.lost;
      continue;
    }
    out.transport_ms.push_back(static_cast<double>(it->second - sent[i].time_ns) * 1e-6);
    if (sent[i].due_ns >= 0)
      out.sensor_ms.push_back(static_cast<double>(it->second - sent[i].due_ns) * 1e-6);
  }
  return out;
}

namespace {
// The first record at or after `time_ns` (records in time order).
const TimedMessage* FirstFrom(const std::vector<TimedMessage>& records, int64_t time_ns) {
  auto it = std::lower_bound(records.begin(), records.end(), time_ns,
                             [](const TimedMessage& m, int64_t t) { return m.time_ns < t; });
  return it == records.end() ? nullptr : &*it;
}
}  // namespace

RoundTrips LockstepRoundTrips(const BridgeRecords& twin, int skip, int count) {
  RoundTrips out;
  for (size_t i = static_cast<size_t>(skip);
       i < twin.state.size() && i < static_cast<size_t>(skip + count); ++i) {
    const TimedMessage& state = twin.state[i];
    const TimedMessage* answer = FirstFrom(twin.command, state.time_ns);
    if (!answer) {
      ++out.unanswered;
      continue;
    }
    out.answer_ms.push_back(static_cast<double>(answer->time_ns - state.time_ns) * 1e-6);
    const TimedMessage* stepped = FirstFrom(twin.clock, answer->time_ns);
    if (stepped)
      out.step_ms.push_back(static_cast<double>(stepped->time_ns - state.time_ns) * 1e-6);
  }
  return out;
}

RateCheck CheckRate(const BridgeRecords& twin, const std::vector<TimedMessage>& images_received,
                    double period_s, double warmup_s) {
  RateCheck out;
  if (twin.command.empty() || twin.state.size() < 2) return out;
  const int64_t start = twin.command.front().time_ns + static_cast<int64_t>(warmup_s * 1e9);
  const int64_t period_ns = static_cast<int64_t>(std::llround(period_s * 1e9));
  int64_t first = -1, last = -1;
  for (size_t i = 0; i + 1 < twin.state.size(); ++i) {
    const TimedMessage& state = twin.state[i];
    if (state.time_ns < start || state.due_ns < 0) continue;
    if (first < 0) first = state.time_ns;
    last = state.time_ns;
    ++out.states;
    const TimedMessage* answer = FirstFrom(twin.command, state.time_ns);
    if (!answer || answer->time_ns >= state.due_ns + period_ns) ++out.late;
    const double wait_ms =
        answer ? static_cast<double>(answer->time_ns - state.time_ns) * 1e-6 : INFINITY;
    out.worst_ms = std::max(out.worst_ms, wait_ms);
  }
  if (last > first) {
    int images = 0;
    for (const TimedMessage& m : images_received) images += m.time_ns >= first && m.time_ns <= last;
    out.camera_fps = images / (static_cast<double>(last - first) * 1e-9);
  }
  return out;
}

Drift MeasureDrift(const BridgeRecords& twin) {
  Drift out;
  if (twin.clock.size() < 2 || twin.reanchors > 0) return out;
  const TimedMessage& origin = twin.clock.front();
  std::map<int64_t, double> envelope;  // second of sim time -> least (wall - sim), ns
  for (const TimedMessage& m : twin.clock) {
    const double sim = static_cast<double>(m.stamp_ns - origin.stamp_ns);
    const double behind = static_cast<double>(m.time_ns - origin.time_ns) - sim;
    const int64_t second = (m.stamp_ns - origin.stamp_ns) / 1000000000;
    auto [it, fresh] = envelope.emplace(second, behind);
    if (!fresh) it->second = std::min(it->second, behind);
  }
  envelope.erase(0);  // start-up
  out.sim_seconds = static_cast<double>(twin.clock.back().stamp_ns - origin.stamp_ns) * 1e-9;
  if (envelope.size() < 3) return out;
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const auto& [second, behind] : envelope) {
    const double x = static_cast<double>(second) + 0.5;
    n += 1, sx += x, sy += behind, sxx += x * x, sxy += x * behind;
  }
  const double slope_ns_per_s = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  out.measured = true;
  out.ms_per_minute = slope_ns_per_s * 60 * 1e-6;
  return out;
}

}  // namespace twin::tools
