#include "thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <string>
#include <system_error>

namespace twin::bridge {

std::set<pid_t> ThreadsOfProcess() {
  std::set<pid_t> threads;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.empty() &&
        std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; }))
      threads.insert(static_cast<pid_t>(std::stol(name)));
  }
  return threads;
}

int LowerThreadPriority(const std::set<pid_t>& threads, int increment) {
  int changed = 0;
  for (pid_t tid : threads) {
    errno = 0;
    const int now = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
    if (now == -1 && errno != 0) continue;  // gone
    const int lower = std::min(19, now + increment);
    if (lower != now && setpriority(PRIO_PROCESS, static_cast<id_t>(tid), lower) == 0) ++changed;
  }
  return changed;
}

pid_t CurrentThreadId() {
  return static_cast<pid_t>(syscall(SYS_gettid));
}

}  // namespace twin::bridge
