#include <twin/bridge/realtime_pacer.h>

#include <twin/base/error.h>

#include <cerrno>
#include <cmath>
#include <ctime>
#include <string>

namespace twin::bridge {

namespace {
constexpr double kNsPerS = 1e9;

int64_t MonotonicNowNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

void SleepUntilMonotonicNs(int64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1000000000);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1000000000);
  // Absolute: a signal that interrupts the sleep resumes it towards the same deadline.
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

void CheckFactor(double factor) {
  if (!(factor > 0) || !std::isfinite(factor))
    throw base::Error("the real-time factor must be a positive number, not " +
                      std::to_string(factor));
}
}  // namespace

PacerClock MonotonicClock() {
  return {MonotonicNowNs, SleepUntilMonotonicNs};
}

RealtimePacer::RealtimePacer(PacerOptions options, PacerClock clock)
    : options_(options), clock_(std::move(clock)) {
  CheckFactor(options_.factor);
}

void RealtimePacer::Anchor(double sim_time) {
  anchored_ = true;
  anchor_sim_ = last_sim_ = sim_time;
  anchor_wall_ns_ = clock_.now_ns();
}

int64_t RealtimePacer::DeadlineNs(double sim_time) const {
  return anchor_wall_ns_ + std::llround((sim_time - anchor_sim_) / options_.factor * kNsPerS);
}

double RealtimePacer::WaitUntil(double sim_time) {
  if (!anchored_) Anchor(sim_time);
  ++stats_.waits;
  last_sim_ = sim_time;
  const int64_t deadline = DeadlineNs(sim_time);
  const int64_t now = clock_.now_ns();
  if (now < deadline) {
    clock_.sleep_until_ns(deadline);
    return 0;
  }
  const double behind = static_cast<double>(now - deadline) / kNsPerS;
  if (behind > stats_.worst_behind) stats_.worst_behind = behind;
  if (behind > options_.late_after) ++stats_.late;
  if (behind > options_.max_catch_up) {
    ++stats_.reanchors;
    stats_.lost_time += behind;
    anchor_sim_ = sim_time;
    anchor_wall_ns_ = now;
  }
  return behind;
}

double RealtimePacer::Behind(double sim_time) const {
  if (!anchored_) return 0;
  return static_cast<double>(clock_.now_ns() - DeadlineNs(sim_time)) / kNsPerS;
}

void RealtimePacer::SetFactor(double factor) {
  CheckFactor(factor);
  options_.factor = factor;
  if (anchored_) Anchor(last_sim_);
}

}  // namespace twin::bridge
