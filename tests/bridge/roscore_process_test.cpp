// The ROS 1 master the ROS tests and `twin bench bridge` start: its environment is its own.
#include <roscore.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// The entries of a process's environment as the kernel keeps them (/proc/PID/environ).
std::vector<std::string> EnvironmentOf(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::string> entries;
  for (size_t start = 0, end; start < text.size(); start = end + 1) {
    end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    entries.push_back(text.substr(start, end - start));
  }
  return entries;
}

}  // namespace

TEST_CASE("roscore runs with its own ROS_HOME and not an inherited one", "[bridge][ros]") {
  const fs::path inherited =
      fs::temp_directory_path() / ("twin_inherited_ros_home_" + std::to_string(getpid()));
  fs::remove_all(inherited);
  fs::create_directories(inherited);
  setenv("ROS_HOME", inherited.c_str(), 1);
  unsetenv("ROS_LOG_DIR");  // would move roslaunch's logs away from ROS_HOME

  {
    twin::testing::Roscore roscore;
    std::vector<std::string> ros_homes;
    for (const std::string& entry : EnvironmentOf(roscore.pid()))
      if (entry.rfind("ROS_HOME=", 0) == 0) ros_homes.push_back(entry);
    CHECK(ros_homes == std::vector<std::string>{"ROS_HOME=" + roscore.home().string()});
    // What roslaunch did with it: its logs are under ROS_HOME/log.
    CHECK(fs::is_directory(roscore.home() / "log"));
    CHECK(!fs::exists(inherited / "log"));
  }
  unsetenv("ROS_HOME");
  fs::remove_all(inherited);
}
