// Runs a program as a child process and captures what it prints: for testing the CLI as a user.
#pragma once

#include <sys/types.h>

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

/// Starts `argv` (argv[0] is a path) with stdin from /dev/null, stdout and stderr onto `out_fd`
/// and `err_fd`, and this process's environment plus `extra_env` ("NAME=value", later ones win);
/// `close_in_child` are closed in the child. Returns its pid (the caller reaps it); throws
/// std::runtime_error when it cannot start. Every child process of the tests starts here.
pid_t StartProcess(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                   int out_fd, int err_fd, const std::vector<int>& close_in_child = {});

/// A wait status as the result's exit_code and signal.
void SetStatus(int wait_status, ProcessResult* result);

}  // namespace twin::testing
