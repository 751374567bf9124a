// Runs a program as a child process and captures what it prints: for testing the CLI as a user.
#pragma once

#include <string>
#include <vector>

namespace twin::testing {

struct ProcessResult {
  int exit_code = -1;  ///< the exit status, or -1 when killed by a signal
  int signal = 0;      ///< the signal that killed it, or 0
  std::string out;     ///< stdout
  std::string err;     ///< stderr
};

/// Runs `argv` (argv[0] is a path) with stdin closed, waits, returns its output and status.
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {});

}  // namespace twin::testing
