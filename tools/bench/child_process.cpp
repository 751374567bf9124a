#include "child_process.h"

#include <twin/base/error.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <thread>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace twin::tools {

pid_t StartChild(const ChildSpec& spec) {
  if (spec.argv.empty()) throw base::Error("a child process needs a program");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, spec.stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, spec.stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);

  std::vector<char*> args;
  for (const std::string& a : spec.argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // This process's environment, with spec.env's entries replacing those of the same name.
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& extra : spec.env) replaced = replaced || extra.rfind(name, 0) == 0;
    if (!replaced) env_storage.push_back(entry);
  }
  for (const std::string& extra : spec.env) env_storage.push_back(extra);
  std::vector<char*> env;
  for (std::string& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);

  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0)
    throw base::Error("cannot start " + spec.argv[0] + ": " + std::strerror(spawned));
  return pid;
}

ChildResult RunChild(const ChildSpec& spec) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = StartChild(spec);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  ChildResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

namespace {
ChildResult FromStatus(int status) {
  ChildResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}
}  // namespace

bool WaitChild(pid_t pid, double timeout_s, ChildResult& result) {
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(timeout_s);
  while (true) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      result = FromStatus(status);
      return true;
    }
    if (done < 0 && errno != EINTR) {  // not ours, or already reaped
      result = ChildResult{};
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

ChildResult StopChild(pid_t pid, double grace_s) {
  ChildResult result;
  kill(pid, SIGTERM);
  if (WaitChild(pid, grace_s, result)) return result;
  kill(pid, SIGKILL);
  WaitChild(pid, 10, result);
  return result;
}

std::string DescribeExit(const ChildResult& result) {
  return result.signal ? "killed by signal " + std::to_string(result.signal)
                       : "exit status " + std::to_string(result.exit_code);
}

std::string ReadTextFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace twin::tools
