// Every topic and service `twin hil` offers for a site: its name (namespaced by robot or sensor,
// overridable in the layout's `bridge: topics:` block), message type, direction, frame, rate and
// delivery options. One table, read by the transports, printed by `twin hil --list-topics`, and
// rendered into bridge/README.md (a test keeps the two equal).
//
// Types are named as in ROS 1 ("sensor_msgs/Image"); a ROS 2 transport maps them to
// "sensor_msgs/msg/Image". Frames follow REP 105 (`map`, `<robot>/odom`, `<robot>/base_link`) and
// REP 103 (camera frames `<camera>_optical_frame`: x right, y down, z forward).
#pragma once

#include <twin/scenes/site.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twin::bridge {

enum class Direction { kOut, kIn, kService };

/// What a topic carries, for code that serves it (one per row of the table).
enum class TopicKind {
  kClock,
  kTf,
  kTfStatic,
  kReset,
  kPause,
  kResume,
  kStep,
  kPaused,
  kAutopilot,
  kAmrCmdVel,
  kAmrLift,
  kAmrOdom,
  kAmrWatchdog,
  kForkliftCmdVel,
  kForkliftLift,
  kForkliftOdom,
  kForkliftWatchdog,
  kJointStates,
  kArmTrajectory,
  kGripperGrip,
  kCameraImage,
  kCameraInfo,
  kCameraDepth,
  kCameraDepthInfo,
  kCameraInstance,
  kCameraSemantic,
  kLidarPoints,
  kLidarScan,
  kImu,
  kBeamBroken,
  kConveyorSpeed,
  kConveyorSetSpeed,
  kSpawnerCount,
  kSinkCount,
};

/// QoS-like delivery options, the part ROS 1 and ROS 2 share.
struct Delivery {
  bool reliable = true;  ///< ROS 1 is always reliable (TCP); ROS 2 RELIABLE vs BEST_EFFORT
  int depth = 1;         ///< queue length per subscriber (keep last)
  bool latched = false;  ///< a late subscriber gets the last message (ROS 2 TRANSIENT_LOCAL)
};

/// One row of the table, with `{name}` standing for the owner's name.
struct TopicPattern {
  TopicKind kind;
  std::string_view owner;  ///< "site", "amr", "forklift", "arm", "gripper", "camera", ...
  std::string_view name;   ///< e.g. "/{name}/cmd_vel"
  std::string_view type;   ///< ROS 1 type, e.g. "geometry_msgs/Twist"
  Direction direction;
  std::string_view frame;  ///< header.frame_id ("" when the message has none)
  std::string_view rate;   ///< when it is published, in words (sim time)
  Delivery delivery;
  std::string_view what;
};

/// The whole table, in the order of bridge/README.md.
std::span<const TopicPattern> TopicPatterns();

/// One topic of a site.
struct Topic {
  const TopicPattern* pattern = nullptr;
  std::string owner_name;    ///< the robot, sensor or equipment ("" for the site's own)
  std::string default_name;  ///< the pattern with the owner's name
  std::string name;          ///< after the layout's overrides
  std::string frame;         ///< header.frame_id
  double rate_hz = 0;        ///< sensors: their `rate:`; 0: see pattern->rate
};

struct TopicOptions {
  bool masks = false;  ///< also instance and semantic masks per camera
  /// The entities with joint states (sim::FindRobotJoints); none given: the AMRs, forklifts and
  /// arms.
  std::optional<std::vector<std::string>> joint_robots;
};

/// Every topic of `site`. Throws twin::base::Error when an override in `bridge: topics:` names no
/// topic of the site (with the closest names), when a name or frame is not a valid ROS graph name
/// (naming the layout entity and how to rename it), or when two topics end up with one name.
std::vector<Topic> SiteTopics(const scenes::Site& site, const TopicOptions& options = {});

/// The table as Markdown, with `{name}` placeholders (what bridge/README.md holds).
std::string TopicTableMarkdown();
/// The topics of one site as Markdown (`twin hil --list-topics`).
std::string SiteTopicsMarkdown(const std::vector<Topic>& topics);

/// True for a valid ROS graph resource name: '/'-separated tokens, each a letter followed by
/// letters, digits and '_' (ROS 2 is stricter than ROS 1 about '//' and trailing '/': both hold).
bool IsValidRosName(std::string_view name);

}  // namespace twin::bridge
