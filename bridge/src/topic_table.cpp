#include <twin/bridge/topic_table.h>

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

namespace twin::bridge {

namespace {
using K = TopicKind;
using D = Direction;
constexpr Delivery kStream{true, 1, false};  // newest message wins: a slow reader never blocks
constexpr Delivery kState{true, 1, true};    // latched: a late subscriber gets the current value
constexpr Delivery kCommand{true, 10, false};
constexpr Delivery kTfDelivery{true, 100, false};

constexpr std::array kPatterns = {
    TopicPattern{K::kClock, "site", "/clock", "rosgraph_msgs/Clock", D::kOut, "",
                 "every step, at most 1 kHz of sim time", kStream,
                 "sim time (`use_sim_time` clients follow it)"},
    TopicPattern{K::kTf, "site", "/tf", "tf2_msgs/TFMessage", D::kOut, "", "state rate (100 Hz)",
                 kTfDelivery,
                 "moving frames: map→odom→base_link per mobile robot, arm links, sensors on them"},
    TopicPattern{K::kTfStatic, "site", "/tf_static", "tf2_msgs/TFMessage", D::kOut, "", "once",
                 kState, "fixed frames: sensors mounted on the site"},
    TopicPattern{K::kReset,
                 "site",
                 "/twin/reset",
                 "std_srvs/Trigger",
                 D::kService,
                 "",
                 "",
                 {},
                 "back to the start of the scene (time 0, seed unchanged)"},
    TopicPattern{K::kPause,
                 "site",
                 "/twin/pause",
                 "std_srvs/Trigger",
                 D::kService,
                 "",
                 "",
                 {},
                 "stop advancing sim time"},
    TopicPattern{K::kResume,
                 "site",
                 "/twin/resume",
                 "std_srvs/Trigger",
                 D::kService,
                 "",
                 "",
                 {},
                 "advance again"},
    TopicPattern{K::kStep,
                 "site",
                 "/twin/step",
                 "twin_msgs/StepSimulation",
                 D::kService,
                 "",
                 "",
                 {},
                 "while paused: advance this many steps, answer when done"},
    TopicPattern{K::kPaused, "site", "/twin/paused", "std_msgs/Bool", D::kOut, "", "on change",
                 kState, "true while paused"},
    TopicPattern{K::kAutopilot,
                 "site",
                 "/twin/autopilot",
                 "std_srvs/SetBool",
                 D::kService,
                 "",
                 "",
                 {},
                 "the layout's autopilot on or off"},

    TopicPattern{K::kJointStates, "robot", "/{name}/joint_states", "sensor_msgs/JointState",
                 D::kOut, "", "state rate (100 Hz)", kStream,
                 "every AMR, forklift, arm, gripper and included model with joints"},

    TopicPattern{K::kAmrCmdVel, "amr", "/{name}/cmd_vel", "geometry_msgs/Twist", D::kIn, "",
                 "on command", kCommand,
                 "linear.x (m/s) and angular.z (rad/s), clamped to the robot's limits"},
    TopicPattern{K::kAmrLift, "amr", "/{name}/lift", "std_msgs/Float64", D::kIn, "", "on command",
                 kCommand, "lift height above lowered (m), AMRs with a lift"},
    TopicPattern{K::kAmrOdom, "amr", "/{name}/odom", "nav_msgs/Odometry", D::kOut, "{name}/odom",
                 "state rate (100 Hz)", kStream, "wheel odometry, child_frame_id {name}/base_link"},
    TopicPattern{K::kAmrWatchdog, "amr", "/{name}/watchdog", "std_msgs/Bool", D::kOut, "",
                 "on change", kState, "true while braked because commands stopped"},

    TopicPattern{K::kForkliftCmdVel, "forklift", "/{name}/cmd_vel", "geometry_msgs/Twist", D::kIn,
                 "", "on command", kCommand,
                 "linear.x (m/s) and angular.z (rad/s), steered as a bicycle"},
    TopicPattern{K::kForkliftLift, "forklift", "/{name}/lift", "std_msgs/Float64", D::kIn, "",
                 "on command", kCommand, "fork height above lowered (m)"},
    TopicPattern{K::kForkliftOdom, "forklift", "/{name}/odom", "nav_msgs/Odometry", D::kOut,
                 "{name}/odom", "state rate (100 Hz)", kStream,
                 "odometry, child_frame_id {name}/base_link"},
    TopicPattern{K::kForkliftWatchdog, "forklift", "/{name}/watchdog", "std_msgs/Bool", D::kOut, "",
                 "on change", kState, "true while braked because commands stopped"},

    TopicPattern{K::kArmTrajectory, "arm", "/{name}/joint_trajectory",
                 "trajectory_msgs/JointTrajectory", D::kIn, "", "on command", kCommand,
                 "all six joints by name, timed from header.stamp (0: on receipt)"},
    TopicPattern{K::kGripperGrip,
                 "gripper",
                 "/{name}/grip",
                 "std_srvs/SetBool",
                 D::kService,
                 "",
                 "",
                 {},
                 "suction on/off, or close/open"},

    TopicPattern{K::kCameraImage, "camera", "/{name}/image_raw", "sensor_msgs/Image", D::kOut,
                 "{name}_optical_frame", "the camera's rate:", kStream, "rgb8"},
    TopicPattern{K::kCameraInfo, "camera", "/{name}/camera_info", "sensor_msgs/CameraInfo", D::kOut,
                 "{name}_optical_frame", "with each image", kStream,
                 "K, D (plumb_bob), R, P: the renderer's camera model"},
    TopicPattern{K::kCameraDepth, "camera", "/{name}/depth/image_raw", "sensor_msgs/Image", D::kOut,
                 "{name}_optical_frame", "the camera's rate:", kStream,
                 "32FC1, metres along the optical axis, NaN where nothing was hit (REP 118)"},
    TopicPattern{K::kCameraDepthInfo, "camera", "/{name}/depth/camera_info",
                 "sensor_msgs/CameraInfo", D::kOut, "{name}_optical_frame", "with each image",
                 kStream, "the same model as camera_info"},
    TopicPattern{K::kCameraInstance, "camera", "/{name}/instance/image_raw", "sensor_msgs/Image",
                 D::kOut, "{name}_optical_frame", "the camera's rate:, with masks on", kStream,
                 "mono16 instance ids (0 = background)"},
    TopicPattern{K::kCameraSemantic, "camera", "/{name}/semantic/image_raw", "sensor_msgs/Image",
                 D::kOut, "{name}_optical_frame", "the camera's rate:, with masks on", kStream,
                 "mono16 class ids (0 = background)"},

    TopicPattern{K::kLidarPoints, "lidar", "/{name}/points", "sensor_msgs/PointCloud2", D::kOut,
                 "{name}", "the lidar's rate:", kStream,
                 "organised: height = channels, width = horizontal samples; x y z float32, m"},
    TopicPattern{K::kLidarScan, "lidar", "/{name}/scan", "sensor_msgs/LaserScan", D::kOut, "{name}",
                 "the lidar's rate:", kStream, "single-channel lidars only"},
    TopicPattern{K::kImu, "imu", "/{name}/data", "sensor_msgs/Imu", D::kOut, "{name}",
                 "the IMU's rate:", kStream, "orientation, angular velocity, linear acceleration"},
    TopicPattern{K::kBeamBroken, "beam_break", "/{name}/broken", "std_msgs/Bool", D::kOut, "",
                 "on change", kState, "true while something is in the beam"},

    TopicPattern{K::kConveyorSpeed, "conveyor", "/{name}/speed", "std_msgs/Float64", D::kOut, "",
                 "on change", kState, "belt or roller surface speed (m/s)"},
    TopicPattern{K::kConveyorSetSpeed, "conveyor", "/{name}/set_speed", "std_msgs/Float64", D::kIn,
                 "", "on command", kCommand, "surface speed (m/s)"},
    TopicPattern{K::kSpawnerCount, "spawner", "/{name}/spawned", "std_msgs/UInt32", D::kOut, "",
                 "on change", kState, "items spawned so far"},
    TopicPattern{K::kSinkCount, "sink", "/{name}/received", "std_msgs/UInt32", D::kOut, "",
                 "on change", kState, "items taken in so far"},
};

std::string Substitute(std::string_view pattern, const std::string& name) {
  std::string out(pattern);
  for (size_t at; (at = out.find("{name}")) != std::string::npos;) out.replace(at, 6, name);
  return out;
}

bool IsToken(std::string_view token) {
  if (token.empty() || !std::isalpha(static_cast<unsigned char>(token[0]))) return false;
  for (char c : token)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

struct Builder {
  const scenes::Site& site;
  std::vector<Topic> topics;

  void Add(TopicKind kind, const std::string& owner, double rate_hz = 0) {
    for (const TopicPattern& p : kPatterns) {
      if (p.kind != kind) continue;
      Topic t;
      t.pattern = &p;
      t.owner_name = owner;
      t.default_name = t.name = Substitute(p.name, owner);
      t.frame = Substitute(p.frame, owner);
      t.rate_hz = rate_hz;
      topics.push_back(std::move(t));
    }
  }
  void AddAll(std::string_view owner_kind, const std::string& owner, double rate_hz = 0) {
    for (const TopicPattern& p : kPatterns)
      if (p.owner == owner_kind) Add(p.kind, owner, rate_hz);
  }
};

void ApplyOverrides(const scenes::Site& site, std::vector<Topic>& topics) {
  std::vector<std::string> names;
  for (const Topic& t : topics) names.push_back(t.default_name);
  for (const auto& [from, to] : site.bridge_topics) {
    Topic* match = nullptr;
    for (Topic& t : topics)
      if (t.default_name == from) match = &t;
    if (!match)
      throw base::Error(site.source + ": bridge: topics: '" + from +
                        "' is not a topic of this site" + base::DidYouMean(from, names) +
                        " (twin hil --list-topics lists them)");
    match->name = to;
  }
}

void CheckNames(const scenes::Site& site, const std::vector<Topic>& topics) {
  std::map<std::string, const Topic*> seen;
  for (const Topic& t : topics) {
    const std::string whose = t.owner_name.empty() ? "the site" : "'" + t.owner_name + "'";
    if (!IsValidRosName(t.name))
      throw base::Error(site.source + ": the topic '" + t.name + "' of " + whose +
                        " is not a valid ROS name (letters, digits and '_' between '/', each part "
                        "starting with a letter): rename " +
                        whose + " or map '" + t.default_name +
                        "' to another name in the layout's bridge: topics:");
    if (!t.frame.empty() && !IsValidRosName("/" + t.frame))
      throw base::Error(site.source + ": the frame '" + t.frame + "' of " + whose +
                        " is not a valid ROS frame id: rename " + whose);
    auto [it, fresh] = seen.emplace(t.name, &t);
    if (!fresh)
      throw base::Error(site.source + ": two topics are named '" + t.name + "' ('" +
                        it->second->default_name + "' and '" + t.default_name +
                        "'): change one in the layout's bridge: topics:");
  }
}

std::string_view DirectionText(Direction d) {
  switch (d) {
    case Direction::kOut: return "out";
    case Direction::kIn: return "in";
    case Direction::kService: return "service";
  }
  return "";
}

std::string DeliveryText(const TopicPattern& p) {
  if (p.direction == Direction::kService) return "";
  std::string text = p.delivery.reliable ? "reliable" : "best effort";
  text += ", keep last " + std::to_string(p.delivery.depth);
  if (p.delivery.latched) text += ", latched";
  return text;
}

std::string Cell(std::string_view text) {
  return text.empty() ? "" : "`" + std::string(text) + "`";
}
}  // namespace

std::span<const TopicPattern> TopicPatterns() {
  return kPatterns;
}

bool IsValidRosName(std::string_view name) {
  if (name.size() < 2 || name[0] != '/' || name.back() == '/') return false;
  for (size_t begin = 1; begin <= name.size();) {
    size_t end = name.find('/', begin);
    if (end == std::string_view::npos) end = name.size();
    if (!IsToken(name.substr(begin, end - begin))) return false;
    begin = end + 1;
  }
  return true;
}

std::vector<Topic> SiteTopics(const scenes::Site& site, const TopicOptions& options) {
  Builder b{site, {}};
  b.AddAll("site", "");
  for (const scenes::AmrSpec& amr : site.amrs) {
    for (TopicKind k : {K::kAmrCmdVel, K::kAmrLift, K::kAmrOdom, K::kAmrWatchdog})
      if (k != K::kAmrLift || !amr.lift_joint.empty()) b.Add(k, amr.entity);
  }
  for (const scenes::ForkliftSpec& f : site.forklifts) b.AddAll("forklift", f.entity);
  if (options.joint_robots) {
    for (const std::string& robot : *options.joint_robots) b.Add(K::kJointStates, robot);
  } else {
    for (const scenes::AmrSpec& amr : site.amrs) b.Add(K::kJointStates, amr.entity);
    for (const scenes::ForkliftSpec& f : site.forklifts) b.Add(K::kJointStates, f.entity);
    for (const scenes::ArmSpec& arm : site.arms) b.Add(K::kJointStates, arm.entity);
  }
  for (const scenes::ArmSpec& arm : site.arms) b.AddAll("arm", arm.entity);
  for (const scenes::GripperSpec& g : site.grippers) b.AddAll("gripper", g.entity);
  for (const scenes::CameraSpec& c : site.cameras) {
    for (TopicKind k : {K::kCameraImage, K::kCameraInfo, K::kCameraDepth, K::kCameraDepthInfo})
      b.Add(k, c.name, c.rate);
    if (options.masks)
      for (TopicKind k : {K::kCameraInstance, K::kCameraSemantic}) b.Add(k, c.name, c.rate);
  }
  for (const scenes::LidarSpec& l : site.lidars) {
    b.Add(K::kLidarPoints, l.name, l.rate);
    if (l.channels == 1) b.Add(K::kLidarScan, l.name, l.rate);
  }
  for (const scenes::ImuSpec& imu : site.imus) b.Add(K::kImu, imu.name, imu.rate);
  for (const scenes::BeamBreakSpec& beam : site.beam_breaks) b.Add(K::kBeamBroken, beam.name);
  for (const scenes::ConveyorSpec& c : site.conveyors) b.AddAll("conveyor", c.entity);
  for (const scenes::SpawnerSpec& s : site.spawners) b.AddAll("spawner", s.entity);
  for (const scenes::SinkSpec& s : site.sinks) b.AddAll("sink", s.entity);
  ApplyOverrides(site, b.topics);
  CheckNames(site, b.topics);
  return std::move(b.topics);
}

std::string TopicTableMarkdown() {
  std::string md =
      "| topic | type | direction | frame_id | published | delivery | what |\n"
      "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const TopicPattern& p : kPatterns)
    md += "| " + Cell(p.name) + " | " + Cell(p.type) + " | " +
          std::string(DirectionText(p.direction)) + " | " + Cell(p.frame) + " | " +
          std::string(p.rate) + " | " + DeliveryText(p) + " | " + std::string(p.what) + " |\n";
  return md;
}

std::string SiteTopicsMarkdown(const std::vector<Topic>& topics) {
  std::string md =
      "| topic | type | direction | frame_id | rate |\n| --- | --- | --- | --- | --- |\n";
  for (const Topic& t : topics) {
    char rate[32] = "";
    if (t.rate_hz > 0) std::snprintf(rate, sizeof rate, "%g Hz", t.rate_hz);
    md += "| " + t.name + (t.name != t.default_name ? " (was " + t.default_name + ")" : "") +
          " | " + std::string(t.pattern->type) + " | " +
          std::string(DirectionText(t.pattern->direction)) + " | " + t.frame + " | " +
          (t.rate_hz > 0 ? std::string(rate) : std::string(t.pattern->rate)) + " |\n";
  }
  return md;
}

}  // namespace twin::bridge
