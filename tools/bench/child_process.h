// Child processes for the benches: started from an argv (posix_spawn, never a shell), so any path
// works as an argument, and timed from start to exit.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace twin::tools {

struct ChildSpec {
  std::vector<std::string> argv;  ///< argv[0] is the program's path
  std::vector<std::string> env;   ///< NAME=VALUE entries added to (or replacing) this process's
  std::string stdout_path = "/dev/null";
  std::string stderr_path = "/dev/null";
};

struct ChildResult {
  int exit_code = -1;  ///< -1 when a signal ended it
  int signal = 0;
  double seconds = 0;  ///< wall time from spawn to exit
};

/// Starts `spec` with stdin from /dev/null; throws twin::base::Error naming the program when it
/// cannot.
pid_t StartChild(const ChildSpec& spec);
/// Runs `spec` to its end.
ChildResult RunChild(const ChildSpec& spec);
/// Waits up to `timeout_s` for `pid` to end; false (and `result` untouched) when it has not.
bool WaitChild(pid_t pid, double timeout_s, ChildResult& result);
/// Asks `pid` to stop (SIGTERM), waits up to `grace_s`, then kills it (SIGKILL) and reaps it.
ChildResult StopChild(pid_t pid, double grace_s);

/// "exit status 3" or "killed by signal 9".
std::string DescribeExit(const ChildResult& result);

/// The whole content of a (small) text file; empty when it cannot be read.
std::string ReadTextFile(const std::string& path);

}  // namespace twin::tools
