#include "bench_roscore.h"

#include <twin/base/error.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>

extern char** environ;

namespace twin::tools {
namespace {

constexpr const char* kRoscore = "/usr/bin/roscore";

bool Accepts(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return ok;
}

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0;
  close(fd);
  if (!ok) throw base::Error("no free TCP port on 127.0.0.1 for roscore");
  return ntohs(address.sin_port);
}

// Processes whose parent is `parent` (roslaunch starts the master and rosout in sessions of
// their own, outside roscore's process group).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    FILE* stat = std::fopen((entry.path() / "stat").c_str(), "r");
    if (!stat) continue;
    char line[1024] = {0};
    const size_t n = std::fread(line, 1, sizeof(line) - 1, stat);
    std::fclose(stat);
    line[n] = 0;
    // pid (comm) state ppid: comm may hold spaces, so read after the last ')'.
    const char* close_paren = std::strrchr(line, ')');
    int ppid = 0;
    char state = 0;
    if (close_paren && std::sscanf(close_paren + 1, " %c %d", &state, &ppid) == 2 && ppid == parent)
      children.push_back(std::stoi(name));
  }
  return children;
}

}  // namespace

BenchRoscore::BenchRoscore() : port_(FreeLoopbackPort()) {
  if (access(kRoscore, X_OK) != 0)
    throw base::Error(
        std::string(kRoscore) +
        " not found: twin bench bridge needs a ROS 1 master (tools/setup installs ros-core)");
  home_ = std::filesystem::temp_directory_path() /
          ("twin_bench_bridge_" + std::to_string(getpid()) + "_" + std::to_string(port_));
  std::filesystem::create_directories(home_);
  const std::string port = std::to_string(port_);
  const std::string log = (home_ / "roscore.log").string();
  std::vector<std::string> args = {kRoscore, "-p", port};
  // This process's environment with Env()'s entries replacing those of the same name.
  std::vector<std::string> env_storage = Env();
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& ours : Env()) replaced = replaced || ours.rfind(name, 0) == 0;
    if (!replaced) env_storage.push_back(entry);
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group: Stop reaches roslaunch's children
  std::vector<char*> argv, envp;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int spawned = posix_spawn(&pid_, argv[0], &actions, &attributes, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    pid_ = -1;
    throw base::Error(std::string("cannot start roscore: ") + std::strerror(spawned));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Accepts(port_)) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw base::Error("roscore -p " + port + " exited at start; see " + log);
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Stop();
      throw base::Error("roscore -p " + port + " did not answer within 30 s; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

BenchRoscore::~BenchRoscore() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(home_, ignored);
}

std::vector<std::string> BenchRoscore::Env() const {
  return {"ROS_MASTER_URI=http://127.0.0.1:" + std::to_string(port_), "ROS_HOME=" + home_.string(),
          "ROS_IP=127.0.0.1"};
}

void BenchRoscore::Stop() {
  if (pid_ <= 0) return;
  const std::vector<pid_t> children = ChildrenOf(pid_);  // the master and rosout
  kill(-pid_, SIGKILL);
  for (pid_t child : children) kill(-child, SIGKILL);  // each leads its own group
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace twin::tools
