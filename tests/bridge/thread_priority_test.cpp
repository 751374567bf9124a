#include "thread_priority.h"

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <thread>

using twin::bridge::CurrentThreadId;
using twin::bridge::LowerThreadPriority;
using twin::bridge::ThreadsOfProcess;

namespace {

int NiceOf(pid_t tid) {
  return getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
}

}  // namespace

TEST_CASE("thread priority: the process's threads are listed and one can run at a lower priority",
          "[bridge][priority]") {
  const pid_t self = CurrentThreadId();
  CHECK(self == getpid());  // Catch2 runs tests on the main thread, whose id is the process's
  const int normal = NiceOf(self);

  std::atomic<pid_t> worker_id{0};
  std::atomic<bool> done{false};
  std::thread worker([&] {
    worker_id = CurrentThreadId();
    while (!done) std::this_thread::yield();
  });
  while (worker_id == 0) std::this_thread::yield();
  const auto threads = ThreadsOfProcess();
  CHECK(threads.count(self) == 1);
  CHECK(threads.count(worker_id) == 1);

  // Only the worker changes; nice is per thread on Linux, and at most 19.
  CHECK(LowerThreadPriority({worker_id}, 10) == (normal < 19 ? 1 : 0));
  CHECK(NiceOf(worker_id) == std::min(19, normal + 10));
  CHECK(NiceOf(self) == normal);
  LowerThreadPriority({worker_id}, 30);
  CHECK(NiceOf(worker_id) == 19);
  done = true;
  worker.join();

  // A thread that has exited is skipped, not an error.
  CHECK(LowerThreadPriority({worker_id.load()}, 10) == 0);
}
