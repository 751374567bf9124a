// `twin hil` end to end: the twin binary serving a scene over a real roscore, driven and read by
// a rospy node in another process (tests/bridge/hil_client.py), as a robot's software would.
#include <twin/scenes/scene.h>
#include <twin/sim/site_world.h>

#include <background_process.h>
#include <process.h>
#include <roscore.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {
using twin::testing::BackgroundProcess;
using twin::testing::Roscore;

const std::string kClient = TWIN_SOURCE_DIR "/tests/bridge/hil_client.py";

std::vector<std::string> HilArgs(const std::string& scene, std::vector<std::string> extra) {
  std::vector<std::string> argv = {TWIN_BINARY, "hil", std::string(TWIN_TWINS_DIR "/") + scene};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

// Runs the client and returns the JSON line it printed (fails the test with its output if not).
nlohmann::json Client(const Roscore& roscore, std::vector<std::string> args) {
  std::vector<std::string> argv = {"/usr/bin/python3", kClient};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto result = twin::testing::RunProcess(argv, roscore.Env());
  INFO("client stdout: " << result.out << "\nclient stderr: " << result.err);
  REQUIRE(result.exit_code == 0);
  const size_t line = result.out.rfind("\n{");  // its last line
  return nlohmann::json::parse(line == std::string::npos ? result.out : result.out.substr(line));
}

// Stops `twin hil` with Ctrl-C and checks that it exits cleanly with its summary.
std::string StopHil(BackgroundProcess& hil) {
  const auto result = hil.Stop(SIGINT);
  INFO("twin hil stderr: " << result.err);
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.out, Catch::Contains("twin hil:") && Catch::Contains("simulated"));
  return result.err;
}
}  // namespace

TEST_CASE(
    "twin hil over ROS 1: a rospy controller drives an AMR around a 2 m square from its "
    "odometry in fast mode and ends within 10 cm of where it started",
    "[bridge][hil][ros]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "fast", "--no-render"}),
                        roscore.Env());
  const auto result = Client(roscore, {"square", "120", "amr1"});
  CHECK(result["error"].get<double>() < 0.10);
  StopHil(hil);
}

TEST_CASE(
    "twin hil over ROS 1: rostopic hz measures a camera at its rate in sim time, and a tf2 "
    "lookup of its optical frame is MuJoCo's camera pose",
    "[bridge][hil][ros][render]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "fast"}), roscore.Env());
  // rostopic hz counts in sim time once /use_sim_time is set, as for any node.
  REQUIRE(twin::testing::RunProcess({"/usr/bin/rosparam", "set", "/use_sim_time", "true"},
                                    roscore.Env())
              .exit_code == 0);
  const auto hz =
      twin::testing::RunProcess({"/usr/bin/timeout", "-s", "INT", "25", "/usr/bin/rostopic", "hz",
                                 "-w", "15", "/cam_dock/image_raw"},
                                roscore.Env());
  // rostopic hz takes each message's time of arrival in sim time: in fast mode the simulation runs
  // on while a frame travels, so each window's estimate scatters around the rate (by a few Hz, by
  // 6 or more on a loaded machine or under ASan). Their mean is the rate. Only full windows (15
  // messages) count: the first few, over the first messages of the run, span only a few frames
  // (one of 3 at 41.7 Hz took a loaded machine's mean to 31.07 Hz).
  const std::regex rate(R"(average rate: ([0-9.]+)\s+min: \S+ max: \S+ std dev: \S+ window: 15\b)");
  std::vector<double> windows;
  for (auto it = std::sregex_iterator(hz.out.begin(), hz.out.end(), rate);
       it != std::sregex_iterator(); ++it)
    windows.push_back(std::stod((*it)[1]));
  INFO("rostopic hz: " << hz.out << hz.err);
  REQUIRE(windows.size() >= 5);
  double mean = 0;
  for (double w : windows) mean += w / static_cast<double>(windows.size());
  INFO("mean of " << windows.size() << " windows: " << mean << " Hz");
  CHECK(mean == Approx(30).margin(1.0));  // the layout's default rate: 30 Hz of sim time

  const auto tf = Client(roscore, {"tf", "60", "map", "cam_dock_optical_frame"});
  twin::sim::WorldOptions options;
  options.log = [](const std::string&) {};
  auto site = twin::sim::LoadSiteWorld(TWIN_TWINS_DIR "/warehouse.yaml", options);
  site.world.Forward();
  const mjModel* m = site.world.model();
  const mjData* d = site.world.data();
  const int cam = mj_name2id(m, mjOBJ_CAMERA, "cam_dock");
  for (int i = 0; i < 3; ++i)
    CHECK(tf["translation"][i].get<double>() == Approx(d->cam_xpos[3 * cam + i]).margin(1e-6));
  // The optical frame's axes: MuJoCo's camera x, -y, -z.
  const auto& q = tf["rotation_xyzw"];
  mjtNum quat[4] = {q[3].get<double>(), q[0].get<double>(), q[1].get<double>(), q[2].get<double>()};
  mjtNum mat[9];
  mju_quat2Mat(mat, quat);
  const mjtNum* c = d->cam_xmat + 9 * cam;
  for (int r = 0; r < 3; ++r) {
    CHECK(mat[3 * r] == Approx(c[3 * r]).margin(1e-6));
    CHECK(mat[3 * r + 1] == Approx(-c[3 * r + 1]).margin(1e-6));
    CHECK(mat[3 * r + 2] == Approx(-c[3 * r + 2]).margin(1e-6));
  }
  StopHil(hil);
}

TEST_CASE(
    "twin hil over ROS 1: an arm follows a JointTrajectory from a client within 1 degree at "
    "each waypoint",
    "[bridge][hil][ros]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("factory_cell.yaml", {"--mode", "realtime", "--no-render"}),
                        roscore.Env());
  const auto result = Client(roscore, {"arm", "90", "robot"});
  REQUIRE(result["waypoints"].size() == 3);
  for (const auto& w : result["waypoints"])
    for (int j = 0; j < 6; ++j) {
      INFO("waypoint at " << w["time"] << " s, joint " << j + 1);
      CHECK(w["got"][j].get<double>() == Approx(w["want"][j].get<double>()).margin(M_PI / 180));
    }
  StopHil(hil);
}

TEST_CASE(
    "twin hil over ROS 1: the watchdog brakes a robot whose commands stop, publishes it, and "
    "lets go when they return",
    "[bridge][hil][ros]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "realtime", "--no-render"}),
                        roscore.Env());
  const auto result = Client(roscore, {"watchdog", "60", "amr1"});
  const auto states = result["states"].get<std::vector<bool>>();
  REQUIRE(states.size() >= 3);
  CHECK(states.front() == false);  // latched: the state when the client connected
  CHECK(states[states.size() - 2] == true);
  CHECK(states.back() == false);
  CHECK(result["moving"].get<double>() > 0.3);
  CHECK(std::abs(result["braked"].get<double>()) < 0.02);
  CHECK(result["silence"].get<double>() == Approx(0.5).margin(0.15));
  CHECK_THAT(StopHil(hil),
             Catch::Contains("amr1: no command for") && Catch::Contains("amr1: commands are back"));
}

TEST_CASE(
    "twin hil over ROS 1: NaN and infinite commands are refused with a warning naming topic "
    "and field while the simulation goes on",
    "[bridge][hil][ros]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "realtime", "--no-render"}),
                        roscore.Env());
  const auto result = Client(roscore, {"bad", "60", "amr1"});
  CHECK(result["clock_after"].get<double>() > result["clock_before"].get<double>() + 0.3);
  const std::string err = StopHil(hil);
  CHECK_THAT(err, Catch::Contains("/amr1/cmd_vel: linear.x is nan; the command is ignored"));
}

TEST_CASE("twin hil over ROS 1: two lockstep runs with the same controller end bit-identical",
          "[bridge][hil][ros]") {
  auto run = [] {
    Roscore roscore;
    BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "lockstep", "--control-period",
                                                     "0.02", "--no-render"}),
                          roscore.Env());
    const auto result = Client(roscore, {"lockstep", "90", "amr1", "150"});
    StopHil(hil);
    return result;
  };
  const auto first = run();
  const auto second = run();
  CHECK(first["stamp"] == second["stamp"]);
  CHECK(first["x"] == second["x"]);
  CHECK(first["y"] == second["y"]);
}

TEST_CASE(
    "twin hil over ROS 1: roscore going away and coming back: twin keeps simulating and is "
    "found again",
    "[bridge][hil][ros]") {
  Roscore roscore;
  BackgroundProcess hil(HilArgs("warehouse.yaml", {"--mode", "realtime", "--no-render"}),
                        roscore.Env());
  auto clock_once = [&] {
    return twin::testing::RunProcess(
        {"/usr/bin/timeout", "30", "/usr/bin/rostopic", "echo", "-n", "1", "/clock"},
        roscore.Env());
  };
  REQUIRE(clock_once().exit_code == 0);
  roscore.Kill();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  CHECK(hil.Running());
  roscore.Start();
  const auto again = clock_once();
  INFO(again.out << again.err);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("secs"));
  StopHil(hil);
}

TEST_CASE(
    "twin hil over ROS 1: --record writes a bag of every topic in and out, which rosbag play "
    "plays back",
    "[bridge][hil][ros]") {
  Roscore roscore;
  const std::string bag = roscore.home().string() + "/hil.bag";
  BackgroundProcess commands({"/usr/bin/rostopic", "pub", "-r", "20", "/amr1/cmd_vel",
                              "geometry_msgs/Twist", "{linear: {x: 0.2}}"},
                             roscore.Env());
  const auto hil = twin::testing::RunProcess(
      HilArgs("warehouse.yaml",
              {"--mode", "realtime", "--no-render", "--duration", "3", "--record", bag}),
      roscore.Env());
  INFO(hil.out << hil.err);
  REQUIRE(hil.exit_code == 0);
  CHECK_THAT(hil.out, Catch::Contains("recorded"));
  commands.Stop(SIGINT);

  // What the bag holds, read by rosbag's own Python reader.
  const auto read = twin::testing::RunProcess(
      {"/usr/bin/python3", "-c",
       "import json, sys, rosbag\n"
       "info = rosbag.Bag(sys.argv[1]).get_type_and_topic_info()[1]\n"
       "print(json.dumps({t: [i.msg_type, i.message_count] for t, i in info.items()}))\n",
       bag},
      roscore.Env());
  INFO(read.err);
  REQUIRE(read.exit_code == 0);
  const auto topics = nlohmann::json::parse(read.out);
  // Every topic twin published without rendering, from its own list, and the commands it got.
  const auto list = twin::testing::RunProcess(
      {TWIN_BINARY, "hil", TWIN_TWINS_DIR "/warehouse.yaml", "--list-topics"});
  int expected = 0;
  std::istringstream rows(list.out);
  for (std::string row; std::getline(rows, row);) {
    std::vector<std::string> cells;
    std::istringstream cols(row);
    for (std::string cell; std::getline(cols, cell, '|');) {
      cell.erase(0, cell.find_first_not_of(' '));
      cell.erase(cell.find_last_not_of(' ') + 1);
      cells.push_back(cell);
    }
    if (cells.size() < 5 || cells[3] != "out") continue;
    if (cells[2].rfind("sensor_msgs/Image", 0) == 0 || cells[2] == "sensor_msgs/CameraInfo" ||
        cells[2] == "sensor_msgs/PointCloud2" || cells[2] == "sensor_msgs/LaserScan")
      continue;  // --no-render
    INFO(cells[1]);
    ++expected;
    REQUIRE(topics.contains(cells[1]));
    CHECK(topics[cells[1]][0] == cells[2]);
    CHECK(topics[cells[1]][1].get<int>() >= 1);
  }
  CHECK(expected >= 10);
  REQUIRE(topics.contains("/amr1/cmd_vel"));
  CHECK(topics["/amr1/cmd_vel"][1].get<int>() >= 20);

  BackgroundProcess echo({"/usr/bin/rostopic", "echo", "-n", "1", "/amr1/odom"}, roscore.Env());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  const auto play =
      twin::testing::RunProcess({"/usr/bin/rosbag", "play", "-q", bag}, roscore.Env());
  CHECK(play.exit_code == 0);
  const auto echoed = echo.Stop(SIGINT, 5);
  CHECK_THAT(echoed.out, Catch::Contains("child_frame_id: \"amr1/base_link\""));
}
