#include <twin/base/clock.h>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>

using twin::base::MonotonicNs;
using twin::base::SleepUntilNs;

namespace {
std::atomic<int> g_alarms{0};
void OnAlarm(int) {
  ++g_alarms;
}
}  // namespace

TEST_CASE("MonotonicNs reads the clock std::chrono::steady_clock reads", "[base][clock]") {
  // steady_clock is CLOCK_MONOTONIC on Linux: a read of it lies between two reads of ours.
  const int64_t before = MonotonicNs();
  const int64_t steady = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             std::chrono::steady_clock::now().time_since_epoch())
                             .count();
  const int64_t after = MonotonicNs();
  CHECK(before <= steady);
  CHECK(steady <= after);
}

TEST_CASE("SleepUntilNs sleeps through a signal to its absolute deadline", "[base][clock]") {
  // A SIGALRM handler without SA_RESTART: clock_nanosleep returns EINTR when it fires.
  struct sigaction action {};
  action.sa_handler = OnAlarm;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  REQUIRE(sigaction(SIGALRM, &action, &previous) == 0);
  g_alarms = 0;
  itimerval timer{};
  timer.it_value.tv_usec = 20000;  // fires 20 ms into a 200 ms sleep
  REQUIRE(setitimer(ITIMER_REAL, &timer, nullptr) == 0);

  const int64_t deadline = MonotonicNs() + 200000000;
  SleepUntilNs(deadline);
  const int64_t woke = MonotonicNs();
  sigaction(SIGALRM, &previous, nullptr);

  CHECK(g_alarms == 1);     // the sleep was interrupted ...
  CHECK(woke >= deadline);  // ... and went on to the deadline
}

TEST_CASE("SleepUntilNs returns at once for a deadline in the past", "[base][clock]") {
  const int64_t now = MonotonicNs();
  SleepUntilNs(now - 1000000000);
  SleepUntilNs(0);
  CHECK(MonotonicNs() >= now);
}
