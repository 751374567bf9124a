// twin bench as a user runs it, on tiny inputs: every bench runs, and every ratio it prints is the
// ratio of the times or rates it prints beside it (to the printed precision), so a bench that
// prints a wrong ratio fails. How fast anything is, is not asserted here.
#include <catch2/catch.hpp>

#include "cli_support.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using twin::testing::ProcessResult;
using twin::testing::RequireCleanExit;
using twin::testing::Twin;

namespace {

namespace fs = std::filesystem;

const std::string kData = TWIN_TEST_DATA;

// A printed number and the half-width of its last printed digit.
struct Printed {
  double value = 0;
  double half_ulp = 0;
};

Printed ParsePrinted(const std::string& text) {
  const size_t dot = text.find('.');
  const int decimals = dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
  return {std::stod(text), 0.5 * std::pow(10.0, -decimals)};
}

// True when `ratio` (as printed) can be numerator / denominator (as printed): some values within
// the printed precision of all three agree.
// True when the verdict ("met" or "NOT met") fits the printed ratio against `goal`: either one
// where the ratio, as printed, could be on both sides of it.
bool VerdictMatches(const std::string& verdict, const std::string& ratio, double goal,
                    bool at_most = false) {
  const Printed r = ParsePrinted(ratio);
  if (std::abs(r.value - goal) <= r.half_ulp) return true;
  return ((at_most ? r.value <= goal : r.value >= goal)) == (verdict == "met");
}

bool RatioMatches(const Printed& ratio, const Printed& numerator, const Printed& denominator) {
  const double low =
      (numerator.value - numerator.half_ulp) / (denominator.value + denominator.half_ulp);
  const double high =
      (numerator.value + numerator.half_ulp) / (denominator.value - denominator.half_ulp);
  return ratio.value + ratio.half_ulp >= low && ratio.value - ratio.half_ulp <= high;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The first capture groups of the first line that matches `pattern`; empty when none does.
std::vector<std::string> Match(const std::string& text, const std::string& pattern) {
  const std::regex re(pattern);
  for (const std::string& line : Lines(text)) {
    std::smatch m;
    if (std::regex_search(line, m, re)) return {m.begin() + 1, m.end()};
  }
  return {};
}

// A folder removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / (name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

TEST_CASE("twin bench physics prints ratios equal to its times and rotates the loop order",
          "[tools][cli][bench]") {
  const ProcessResult r = Twin({"bench", "physics", "--steps", "200", "--repeats", "3"});
  RequireCleanExit(r, 0);
  INFO(r.out);
  const std::string number = R"(([0-9]+(?:\.[0-9]+)?))";
  const auto raw = Match(r.out, R"(^  raw mj_step loop\s+)" + number + R"(\s+)" + number +
                                    R"( s  ([0-9.]+)x \(baseline\))");
  REQUIRE(raw.size() == 3);
  CHECK(raw[2] == "1.000");
  for (const char* loop : {"World::Step\\(N\\)", "World::Step\\(1\\) x N"}) {
    CAPTURE(loop);
    const auto row = Match(r.out, std::string("^  ") + loop + R"(\s+)" + number + R"(\s+)" +
                                      number + R"( s  ([0-9.]+)x the time of raw)");
    REQUIRE(row.size() == 3);
    // time / raw time, and raw rate / rate: the same ratio.
    CHECK(RatioMatches(ParsePrinted(row[2]), ParsePrinted(row[1]), ParsePrinted(raw[1])));
    CHECK(RatioMatches(ParsePrinted(row[2]), ParsePrinted(raw[0]), ParsePrinted(row[0])));
  }
  const auto worst =
      Match(r.out, R"(goal        World <= 1.05x raw mj_step: (met|NOT met) \(worst ([0-9.]+)x\))");
  REQUIRE(worst.size() == 2);
  CHECK(VerdictMatches(worst[0], worst[1], 1.05, /*at_most=*/true));
  // Each loop goes first in one of the three rounds.
  CHECK_THAT(r.out, Contains("round 1     raw mj_step loop, World::Step(N), World::Step(1) x N"));
  CHECK_THAT(r.out, Contains("round 2     World::Step(N), World::Step(1) x N, raw mj_step loop"));
  CHECK_THAT(r.out, Contains("round 3     World::Step(1) x N, raw mj_step loop, World::Step(N)"));
  CHECK_THAT(r.out, Contains("mujoco-testspeed"));

  const ProcessResult other = Twin(
      {"bench", "physics", "--model", kData + "/cell.xml", "--steps", "100", "--repeats", "1"});
  RequireCleanExit(other, 0);
  CHECK_THAT(other.out, Contains("cell.xml"));
  const ProcessResult bad = Twin({"bench", "physics", "--model", kData + "/missing.xml"});
  RequireCleanExit(bad, 1);
  CHECK_THAT(bad.err, Contains("missing.xml: no such file"));
}

TEST_CASE("twin bench layout-edit prints ratios equal to its times and a verdict that fits",
          "[tools][cli][bench]") {
  const ProcessResult r =
      Twin({"bench", "layout-edit", "--scene", kData + "/layouts/line.yaml", "--repeats", "3"});
  RequireCleanExit(r, 0);
  INFO(r.out);
  const std::string number = R"(([0-9]+(?:\.[0-9]+)?))";
  const auto load =
      Match(r.out, R"(^  load from disk\s+)" + number + R"( ms  ([0-9.]+)x \(baseline\))");
  REQUIRE(load.size() == 2);
  CHECK(load[1] == "1.000");
  std::string edit_ms;
  for (const char* row : {"expand the document", "edit one value \\+ expand"}) {
    CAPTURE(row);
    const auto m = Match(r.out, std::string("^  ") + row + R"(\s+)" + number +
                                    R"( ms  ([0-9.]+)x the time of loading)");
    REQUIRE(m.size() == 2);
    CHECK(RatioMatches(ParsePrinted(m[1]), ParsePrinted(m[0]), ParsePrinted(load[0])));
    edit_ms = m[0];
  }
  const auto goal = Match(
      r.out, R"(goal        edit one value \+ expand < 50 ms: (met|NOT met) \(([0-9.]+) ms\))");
  REQUIRE(goal.size() == 2);
  CHECK(goal[1] == edit_ms);
  CHECK(VerdictMatches(goal[0], goal[1], 50, /*at_most=*/true));
  // The edit changes a real number of the layout's first item that writes one.
  CHECK(Match(r.out, R"(edit: ([a-z_0-9]+)\.[a-z_]+ [0-9.]+ <-> [0-9.]+; 3 rounds)").size() == 1);
  CHECK_THAT(r.out,
             Contains("round 2     expand the document, edit one value + expand, load from disk"));
  const ProcessResult bad = Twin({"bench", "layout-edit", "--scene", kData + "/missing.yaml"});
  RequireCleanExit(bad, 1);
  CHECK_THAT(bad.err, Contains("missing.yaml: no such file"));
}

TEST_CASE("twin bench physics refuses a diverging model instead of timing it",
          "[tools][cli][bench]") {
  const ProcessResult r = Twin({"bench", "physics", "--model", kData + "/diverging.xml", "--steps",
                                "1000", "--repeats", "1"});
  RequireCleanExit(r, 3);
  CHECK_THAT(r.err, Contains("diverging.xml diverged while timing 'raw mj_step loop'"));
  CHECK_THAT(r.err, Contains("A diverging model cannot be timed"));
  CHECK_THAT(r.out, !Contains("goal"));
}

TEST_CASE("twin bench datagen prints each row's ratio to render only and the default's as its goal",
          "[tools][cli][bench]") {
  const ProcessResult r = Twin({"bench", "datagen", "--scene", kData + "/layouts/datagen_cell.yaml",
                                "--frames", "2", "--repeats", "1"});
  RequireCleanExit(r, 0);
  INFO(r.out);
  CHECK_THAT(r.out, !Contains("failed"));
  const std::string row_pattern = R"(\s+([0-9]+\.[0-9]+)\s+([0-9]+\.[0-9]+)x\s)";
  std::map<std::string, std::vector<std::string>> rows;
  for (const char* name : {"render only", "settle only", "no writers", "datagen 1 writer",
                           "datagen 2 writers", "datagen, no fsync"}) {
    CAPTURE(name);
    rows[name] = Match(r.out, std::string("^  ") + name + row_pattern);
    REQUIRE(rows[name].size() == 2);
  }
  CHECK(rows["render only"][1] == "1.00");
  for (const auto& [name, row] : rows) {
    CAPTURE(name);
    CHECK(RatioMatches(ParsePrinted(row[1]), ParsePrinted(row[0]),
                       ParsePrinted(rows["render only"][0])));
  }
  // The goal is the ratio of what `twin datagen` does by default (its --workers default).
  const ProcessResult help = Twin({"datagen", "--help"});
  RequireCleanExit(help, 0);
  const auto workers = Match(help.out, R"(--workers .*=([0-9]+)$)");  // "--workers INT:... =2"
  REQUIRE(workers.size() == 1);
  const std::string default_row =
      "datagen " + workers[0] + (workers[0] == "1" ? " writer" : " writers");
  const auto goal = Match(
      r.out,
      R"(goal        (.+) \(twin datagen's default\) >= 0\.7x render only: ([0-9.]+)x, (met|NOT met))");
  REQUIRE(goal.size() == 3);
  CHECK(goal[0] == default_row);
  REQUIRE(rows.count(default_row));
  CHECK(goal[1] == rows[default_row][1]);
  CHECK(VerdictMatches(goal[2], goal[1], 0.7));
  CHECK_THAT(r.out, Contains("fsync       " + default_row + " takes"));

  const ProcessResult bad = Twin(
      {"bench", "datagen", "--scene", kData + "/missing.yaml", "--frames", "1", "--repeats", "1"});
  RequireCleanExit(bad, 1);
  CHECK_THAT(bad.out, Contains("render only") && Contains("failed") && Contains("missing.yaml"));
  CHECK_THAT(bad.out, Contains("goal        not measured: the baseline (render only) failed"));
  const ProcessResult zero = Twin({"bench", "datagen", "--repeats", "0"});
  RequireCleanExit(zero, 2);
  CHECK_THAT(zero.err, Contains("--repeats"));
}

TEST_CASE(
    "twin bench render times mujoco-record and twin on the same frames, from a path with a "
    "quote and a space",
    "[tools][cli][bench]") {
  // A model with what MuJoCo draws and twin does not: a reflective floor, a skybox, two shadow
  // lights (the first the brighter: the one twin casts shadows from).
  TempDir dir("twin bench it's a dir");
  const fs::path model = dir.path / "tiny model.xml";
  std::ofstream(model) << R"(<mujoco model="tiny">
  <option timestep="0.005"/>
  <visual><quality shadowsize="512"/><global offwidth="64" offheight="48"/></visual>
  <asset>
    <texture type="skybox" builtin="gradient" rgb1=".3 .5 .7" rgb2="0 0 0" width="32" height="32"/>
    <texture name="grid" type="2d" builtin="checker" width="32" height="32" rgb1=".1 .2 .3"
             rgb2=".2 .3 .4"/>
    <material name="grid" texture="grid" reflectance=".2"/>
  </asset>
  <worldbody>
    <light name="bright" pos="0 0 3" diffuse=".9 .9 .9"/>
    <light name="dim" pos="1 0 3" diffuse=".3 .3 .3"/>
    <geom name="floor" type="plane" size="2 2 .1" material="grid"/>
    <body name="box" pos="0 0 .5">
      <freejoint/>
      <geom type="box" size=".1 .1 .1" rgba=".8 .2 .2 1"/>
    </body>
  </worldbody>
</mujoco>
)";
  const ProcessResult r =
      Twin({"bench", "render", "--model", model.string(), "--duration", "0.1", "--fps", "60",
            "--scene", kData + "/layouts/datagen_cell.yaml", "--frames", "1"});
  RequireCleanExit(r, 0);
  INFO(r.out);
  CHECK_THAT(r.out, Contains("job         " + model.string() + "\n"));
  // mujoco-record's rule (t = 0, one step later, then every 4th step past 1/60 s) gives 6 frames
  // in 0.1 s; the bench checked that mujoco-record's file holds exactly that many.
  const auto job = Match(r.out, R"(\(mujoco-record's rule\): ([0-9]+) frames of 64x48 RGB)");
  REQUIRE(job.size() == 1);
  CHECK(job[0] == "6");

  const std::string tail = R"(\s+([0-9]+)\s+([0-9.]+) s\s+([0-9.]+)\s+([0-9.]+)x\s+(.*)$)";
  std::map<std::string, std::vector<std::string>> rows;
  for (const char* name :
       {"equal job: mujoco-record \\(OpenGL\\)", "equal job: twin \\(Vulkan\\)",
        "own defaults: mujoco-record \\(OpenGL\\)", "own defaults: twin \\(Vulkan\\)"}) {
    CAPTURE(name);
    rows[name] = Match(r.out, std::string("^  ") + name + tail);
    REQUIRE(rows[name].size() == 5);
    CHECK(rows[name][0] == job[0]);  // frames
    // frames/s = frames / time
    CHECK(RatioMatches(ParsePrinted(rows[name][2]), {std::stod(job[0]), 0},
                       ParsePrinted(rows[name][1])));
  }
  for (const char* job_name : {"equal job", "own defaults"}) {
    CAPTURE(job_name);
    const auto& record = rows[std::string(job_name) + ": mujoco-record \\(OpenGL\\)"];
    const auto& twin = rows[std::string(job_name) + ": twin \\(Vulkan\\)"];
    CHECK(record[3] == "1.00");
    // Same frames: the ratio is mujoco-record's time over twin's, and twin's rate over its.
    CHECK(RatioMatches(ParsePrinted(twin[3]), ParsePrinted(record[1]), ParsePrinted(twin[1])));
    CHECK(RatioMatches(ParsePrinted(twin[3]), ParsePrinted(twin[2]), ParsePrinted(record[2])));
  }
  // What each drew: the same on the equal job; MuJoCo's extras at its defaults.
  const std::string equal =
      "1 sample, shadow 1024^2 x 1 light, no reflection, no skybox, depth read-back";
  CHECK(rows["equal job: mujoco-record \\(OpenGL\\)"][4] == equal + ", time-stamp text");
  CHECK(rows["equal job: twin \\(Vulkan\\)"][4] == equal);
  CHECK(rows["own defaults: mujoco-record \\(OpenGL\\)"][4] ==
        "4 samples, shadow 512^2 x 2 lights, reflectance 0.2, skybox, depth read-back, "
        "time-stamp text");
  CHECK(rows["own defaults: twin \\(Vulkan\\)"][4] ==
        "1 sample, shadow 512^2 x 1 light, no reflection, no skybox, depth read-back");
  CHECK_THAT(r.out, Contains("shadows from light 0 'bright' only"));

  const auto goal = Match(
      r.out, R"(goal        twin >= 3x mujoco-record on the equal job: ([0-9.]+)x, (met|NOT met))");
  REQUIRE(goal.size() == 2);
  CHECK(goal[0] == rows["equal job: twin \\(Vulkan\\)"][3]);
  CHECK(VerdictMatches(goal[1], goal[0], 3));
  // The modality table ran too.
  CHECK_THAT(r.out, Contains("1280x720") && Contains("depth+ids+normals"));
}

TEST_CASE("twin bench render refuses a model it cannot run, with a message",
          "[tools][cli][bench]") {
  const ProcessResult missing =
      Twin({"bench", "render", "--model", kData + "/missing.xml", "--duration", "0.1"});
  RequireCleanExit(missing, 1);
  CHECK_THAT(missing.err, Contains("missing.xml"));
  const ProcessResult urdf =
      Twin({"bench", "render", "--model", kData + "/two_link.urdf", "--duration", "0.1"});
  RequireCleanExit(urdf, 1);
  CHECK_THAT(urdf.err, Contains("two_link.urdf") && Contains("needs an MJCF model"));
}

#ifdef TWIN_WITH_ROS
TEST_CASE(
    "twin bench bridge starts its own roscore and prints every row, with ratios equal to its "
    "times",
    "[tools][cli][bench][ros]") {
  const ProcessResult r = Twin({"bench", "bridge", "--frames", "5", "--periods", "10",
                                "--sweep-seconds", "1", "--rates", "5", "--drift-seconds", "4"});
  RequireCleanExit(r, 0);
  INFO(r.out);
  CHECK_THAT(r.out, !Contains("failed"));
  const auto roscore = Match(r.out, R"(^roscore     127\.0\.0\.1:([0-9]+), started for this run)");
  REQUIRE(roscore.size() == 1);
  const std::string number = R"(\s+([0-9]+\.[0-9]+))";
  for (const char* flag : {"on", "off"}) {
    CAPTURE(flag);
    const auto bare = Match(r.out, std::string(R"(^  bare roscpp publisher \(baseline\)\s+)") +
                                       flag + number + number + R"(\s+1\.00x\s+1\.00x\s+0$)");
    const auto twin =
        Match(r.out, std::string(R"(^  twin hil realtime \(HilSession, )"
                                 R"(Ros1Transport\)\s+)") +
                         flag + number + number + R"(\s+([0-9.]+)x\s+([0-9.]+)x\s+([0-9]+)$)");
    REQUIRE(bare.size() == 2);
    REQUIRE(twin.size() == 5);
    for (const std::string& v : {bare[0], bare[1], twin[0], twin[1]}) CHECK(std::stod(v) > 0);
    CHECK(std::stod(bare[0]) <= std::stod(bare[1]));  // p50 <= p99
    CHECK(RatioMatches(ParsePrinted(twin[2]), ParsePrinted(twin[0]), ParsePrinted(bare[0])));
    CHECK(RatioMatches(ParsePrinted(twin[3]), ParsePrinted(twin[1]), ParsePrinted(bare[1])));
    const auto sensor = Match(r.out, std::string(R"(^  twin hil realtime\s+)") + flag + number +
                                         number + R"( ([0-9]+) of ([0-9]+)$)");
    REQUIRE(sensor.size() == 4);
    CHECK(std::stod(sensor[0]) > 0);
    CHECK(std::stoi(sensor[3]) >= 5);  // frames published
    for (const char* hz : {"100", "500"}) {
      CAPTURE(hz);
      const auto row = Match(r.out, std::string("^  lockstep ") + hz +
                                        R"( Hz \([0-9]+ steps? a )"
                                        R"(period\)\s+)" +
                                        flag + number + number + number + number + "$");
      REQUIRE(row.size() == 4);
      for (const std::string& v : row) CHECK(std::stod(v) > 0);
      CHECK(std::stod(row[0]) <= std::stod(row[2]));  // the command came in before the step
    }
  }
  const auto goal =
      Match(r.out, R"(^goal        twin <= 1\.25x the bare publisher \(TCP_NODELAY on\): p50 )"
                   R"(([0-9.]+)x, p99 ([0-9.]+)x, (met|NOT met)$)");
  REQUIRE(goal.size() == 3);
  const bool met = std::stod(goal[0]) <= 1.25 && std::stod(goal[1]) <= 1.25;
  CHECK((goal[2] == "met") == met);
  const auto rate = Match(r.out, R"(^  control at 5 Hz\s+([0-9]+)\s+([0-9]+)\s+([0-9.]+|inf)\s+)"
                                 R"(([0-9.]+) (yes|no)$)");
  REQUIRE(rate.size() == 5);
  CHECK(std::stoi(rate[0]) > 0);
  CHECK_THAT(r.out, Contains("\nhighest     "));
  const auto drift = Match(r.out, R"(^drift       ([-+][0-9.]+) ms per simulated minute over )"
                                  R"(([0-9.]+) s of sim time)");
  if (drift.empty()) {
    CHECK_THAT(r.out, Contains("drift       not measured"));
  } else {
    CHECK(std::stod(drift[1]) > 3);
  }
  // The roscore it started is gone.
  const ProcessResult probe = twin::testing::RunProcess(
      {"/usr/bin/python3", "-c",
       "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', " + roscore[0] +
           ")) == 0)"});
  CHECK(probe.exit_code == 0);
}

TEST_CASE("twin bench bridge refuses a camera or robot the scene lacks, and bad flags",
          "[tools][cli][bench][ros]") {
  const ProcessResult camera = Twin({"bench", "bridge", "--camera", "nope"});
  RequireCleanExit(camera, 1);
  CHECK_THAT(camera.err, Contains("no camera named 'nope'"));
  const ProcessResult robot = Twin({"bench", "bridge", "--robot", "nope"});
  RequireCleanExit(robot, 1);
  CHECK_THAT(robot.err, Contains("no AMR named 'nope'"));
  const ProcessResult rates = Twin({"bench", "bridge", "--rates", "10,0"});
  RequireCleanExit(rates, 2);
  CHECK_THAT(rates.err, Contains("--rates"));
}
#endif
