// CLOCK_MONOTONIC in nanoseconds, and sleeping to an absolute deadline on it: what the real-time
// pacer, the bench's timing transport and the bench's roscpp peer share. Header-only and
// C++17-clean, because the roscpp peer is a C++17 program (roscpp's messages are not C++20).
#pragma once

#include <time.h>

#include <cerrno>
#include <cstdint>

namespace twin::base {

/// Now on CLOCK_MONOTONIC, in nanoseconds (every process on the machine shares this clock).
inline int64_t MonotonicNs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

/// Sleeps until CLOCK_MONOTONIC reads `deadline_ns` (returns at once when it is past). The
/// deadline is absolute, so a signal that interrupts the sleep resumes it towards the same
/// deadline and a loop of deadlines does not drift.
inline void SleepUntilNs(int64_t deadline_ns) {
  timespec deadline{};
  deadline.tv_sec = static_cast<time_t>(deadline_ns / 1000000000);
  deadline.tv_nsec = static_cast<long>(deadline_ns % 1000000000);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nullptr) == EINTR) {
  }
}

}  // namespace twin::base
