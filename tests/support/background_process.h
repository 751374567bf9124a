// A program running beside a test (a `twin hil` serving a scene while a ROS client talks to it):
// started with extra environment, its output captured to files, stopped with a signal at the end
// (SIGKILL from the destructor if the test never stopped it).
#pragma once

#include <sys/types.h>
#include <filesystem>
#include <string>
#include <vector>

#include "process.h"

namespace twin::testing {

class BackgroundProcess {
 public:
  BackgroundProcess(const std::vector<std::string>& argv,
                    const std::vector<std::string>& extra_env = {});
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  /// True until it exits.
  bool Running();
  /// Sends `signal` (if it still runs), waits up to `timeout_s` (then SIGKILL), returns its exit
  /// status and everything it printed.
  ProcessResult Stop(int signal, double timeout_s = 15);
  /// What it has printed to stderr so far.
  std::string ErrSoFar() const;

 private:
  pid_t pid_ = -1;
  std::filesystem::path dir_;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace twin::testing
