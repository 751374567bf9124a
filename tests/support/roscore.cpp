#include "roscore.h"

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
#include <stdexcept>
#include <thread>

extern char** environ;

namespace twin::testing {
namespace {

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

// Processes whose parent is `parent` (roslaunch starts the master and rosout in sessions of
// their own, so they are outside roscore's process group).
std::vector<pid_t> ChildrenOf(pid_t parent) {
  std::vector<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    FILE* stat = std::fopen((entry.path() / "stat").c_str(), "r");
    if (!stat) continue;
    int pid = 0, ppid = 0;
    char state = 0;
    // pid (comm) state ppid: comm may hold spaces, so skip to the last ')'.
    char line[1024] = {0};
    const size_t n = std::fread(line, 1, sizeof(line) - 1, stat);
    std::fclose(stat);
    line[n] = 0;
    const char* close_paren = std::strrchr(line, ')');
    if (!close_paren || std::sscanf(line, "%d", &pid) != 1 ||
        std::sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
      continue;
    if (ppid == parent) children.push_back(pid);
  }
  return children;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    close(fd);
    throw std::runtime_error("no free loopback port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

Roscore::Roscore() : Roscore(FreeLoopbackPort()) {}

Roscore::Roscore(int port) : port_(port) {
  home_ = std::filesystem::temp_directory_path() /
          ("twin_roscore_" + std::to_string(getpid()) + "_" + std::to_string(port_));
  std::filesystem::create_directories(home_);
  Start();
}

Roscore::~Roscore() {
  Kill();
  std::error_code ignored;
  std::filesystem::remove_all(home_, ignored);
}

std::vector<std::string> Roscore::Env() const {
  return {"ROS_MASTER_URI=" + uri(), "ROS_HOME=" + home_.string(), "ROS_IP=127.0.0.1",
          "PYTHONPATH=" TWIN_ROS1_PYTHON_DIR};
}

void Roscore::Start() {
  const std::string port = std::to_string(port_);
  const std::string log = (home_ / "roscore.log").string();
  std::vector<std::string> args = {"/usr/bin/roscore", "-p", port};
  std::vector<std::string> env_storage;
  for (char** e = environ; *e; ++e) env_storage.emplace_back(*e);
  for (const std::string& e : Env()) env_storage.push_back(e);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);  // its own group: Kill reaches roslaunch's children

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
    throw std::runtime_error(std::string("cannot start roscore: ") + std::strerror(spawned));
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!Accepts(port_)) {
    if (std::chrono::steady_clock::now() > deadline) {
      Kill();
      throw std::runtime_error("roscore -p " + port + " did not answer within 30 s; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Roscore::Kill() {
  if (pid_ <= 0) return;
  const std::vector<pid_t> children = ChildrenOf(pid_);  // the master and rosout
  kill(-pid_, SIGKILL);
  for (pid_t child : children) kill(-child, SIGKILL);  // each leads its own group
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  // The master's port is closed once its process is gone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (Accepts(port_) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace twin::testing
