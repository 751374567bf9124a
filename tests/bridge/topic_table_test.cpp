#include <twin/base/error.h>
#include <twin/bridge/topic_table.h>
#include <twin/scenes/scene.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace {
using twin::bridge::SiteTopics;
using twin::bridge::Topic;
using twin::bridge::TopicKind;

const Topic* Find(const std::vector<Topic>& topics, const std::string& name) {
  for (const Topic& t : topics)
    if (t.name == name) return &t;
  return nullptr;
}

twin::scenes::Scene Warehouse() {
  return twin::scenes::LoadScene(TWIN_TWINS_DIR "/warehouse.yaml");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}
}  // namespace

TEST_CASE("every built-in twin gets valid, unique topic names with their types and frames",
          "[bridge][topics]") {
  for (const char* twin : {"warehouse.yaml", "factory_cell.yaml", "warehouse_large.yaml"}) {
    INFO(twin);
    const auto scene = twin::scenes::LoadScene(std::string(TWIN_TWINS_DIR "/") + twin);
    const std::vector<Topic> topics = SiteTopics(scene.site);
    std::set<std::string> names;
    for (const Topic& t : topics) {
      CHECK(twin::bridge::IsValidRosName(t.name));
      CHECK(names.insert(t.name).second);
    }
    CHECK(Find(topics, "/clock"));
    CHECK(Find(topics, "/tf"));
    // One command topic per mobile robot, one trajectory topic per arm.
    size_t cmd_vel = 0, trajectories = 0;
    for (const Topic& t : topics) {
      cmd_vel +=
          t.pattern->kind == TopicKind::kAmrCmdVel || t.pattern->kind == TopicKind::kForkliftCmdVel;
      trajectories += t.pattern->kind == TopicKind::kArmTrajectory;
    }
    CHECK(cmd_vel == scene.site.amrs.size() + scene.site.forklifts.size());
    CHECK(trajectories == scene.site.arms.size());
  }
}

TEST_CASE(
    "the warehouse's topics are named by robot and sensor, with REP 103/105 frames and the "
    "sensors' rates",
    "[bridge][topics]") {
  const auto scene = Warehouse();
  const std::vector<Topic> topics = SiteTopics(scene.site);
  const Topic* odom = Find(topics, "/amr1/odom");
  REQUIRE(odom);
  CHECK(odom->pattern->type == "nav_msgs/Odometry");
  CHECK(odom->frame == "amr1/odom");
  const Topic* image = Find(topics, "/cam_dock/image_raw");
  REQUIRE(image);
  CHECK(image->frame == "cam_dock_optical_frame");
  CHECK(image->rate_hz == scene.site.cameras[2].rate);
  const Topic* points = Find(topics, "/amr1_lidar/points");
  REQUIRE(points);
  CHECK(points->rate_hz == 10);
  CHECK_FALSE(Find(topics, "/amr1_lidar/scan"));  // 16 channels: no LaserScan
  CHECK_FALSE(Find(topics, "/cam_dock/instance/image_raw"));
  twin::bridge::TopicOptions masks;
  masks.masks = true;
  CHECK(Find(SiteTopics(scene.site, masks), "/cam_dock/instance/image_raw"));
}

TEST_CASE(
    "the layout's bridge: topics: block renames topics, and a name it gets wrong is an "
    "error naming it and the closest topic",
    "[bridge][topics]") {
  auto scene = Warehouse();
  scene.site.bridge_topics["/clock"] = "/sim/clock";
  scene.site.bridge_topics["/amr1/cmd_vel"] = "/robots/amr1/cmd_vel";
  const std::vector<Topic> topics = SiteTopics(scene.site);
  CHECK_FALSE(Find(topics, "/clock"));
  REQUIRE(Find(topics, "/sim/clock"));
  CHECK(Find(topics, "/sim/clock")->default_name == "/clock");
  CHECK(Find(topics, "/robots/amr1/cmd_vel"));

  auto typo = Warehouse();
  typo.site.bridge_topics["/amr1/cmd_vell"] = "/x";
  CHECK_THROWS_WITH(SiteTopics(typo.site), Catch::Contains("warehouse.yaml") &&
                                               Catch::Contains("'/amr1/cmd_vell'") &&
                                               Catch::Contains("did you mean '/amr1/cmd_vel'"));

  auto clash = Warehouse();
  clash.site.bridge_topics["/amr1/odom"] = "/amr2/odom";
  CHECK_THROWS_WITH(SiteTopics(clash.site), Catch::Contains("two topics are named '/amr2/odom'"));

  auto invalid = Warehouse();
  invalid.site.bridge_topics["/clock"] = "/sim clock";
  CHECK_THROWS_WITH(SiteTopics(invalid.site), Catch::Contains("not a valid ROS name"));
}

TEST_CASE("ROS names: tokens of letters, digits and '_' that start with a letter",
          "[bridge][topics]") {
  using twin::bridge::IsValidRosName;
  for (const char* good : {"/clock", "/amr1/cmd_vel", "/a/b_c/D9"}) CHECK(IsValidRosName(good));
  for (const char* bad :
       {"", "/", "clock", "/clock/", "//clock", "/1amr/odom", "/amr-1/odom", "/a b", "/a/_b"})
    CHECK_FALSE(IsValidRosName(bad));
}

TEST_CASE("bridge/README.md holds the topic table exactly as the code has it", "[bridge][topics]") {
  const std::string readme = ReadFile(TWIN_SOURCE_DIR "/bridge/README.md");
  const std::string begin = "<!-- topic table: generated, tests/bridge/topic_table_test.cpp -->\n";
  const size_t at = readme.find(begin);
  REQUIRE(at != std::string::npos);
  const size_t end = readme.find("\n\n", at);
  const std::string table = readme.substr(at + begin.size(), end - at - begin.size() + 1);
  INFO("regenerate with: twin hil --topic-table");
  CHECK(table == twin::bridge::TopicTableMarkdown());
}
