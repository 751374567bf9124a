// The Site record: what a layout means, beyond the MJCF it expands to. The other modules read it
// to find the things they act on (belts to drive, cameras to render, robots to command) by the
// names the layout gave them.
#pragma once

#include <twin/scenes/pose.h>
#include <twin/scenes/randomize.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace twin::scenes {

/// A parameter range for domain randomization ("randomize: {speed: [0.2, 0.4]}").
struct RandomRange {
  std::string parameter;
  double min = 0, max = 0;
};

/// One placed piece of equipment (or included model). Its MJCF bodies are named "<name>" (the
/// root) and "<name>/<part>"; every geom of those bodies belongs to it.
struct Entity {
  std::string name;
  std::string type;                 ///< equipment type, e.g. "carton"; "mjcf"/"urdf" for includes
  std::string class_name;           ///< semantic class, e.g. "carton"
  int class_id = 0;                 ///< 1-based index into Site::classes (0 is the background)
  int instance_id = 0;              ///< 1-based, in order of declaration, stable across loads
  std::string parent;               ///< the entity or mount point it was placed on, or ""
  bool dynamic = false;             ///< has its own free joint (loose and not `fixed: true`)
  Pose pose;                        ///< world pose of the root body as laid out
  std::vector<std::string> bodies;  ///< its MJCF bodies, root first
  std::map<std::string, double> parameters;  ///< numeric parameters after defaults
  std::vector<RandomRange> randomize;
  std::string source;  ///< "file:line" of its declaration
};

/// A belt conveyor: the belt surface is a body on a slide joint along the belt; the sim keeps the
/// joint at 0 and its velocity at `speed`, so friction carries what lies on it.
struct ConveyorSpec {
  std::string entity;
  std::string belt_joint;  ///< slide joint of the belt surface ("" for gravity rollers)
  std::vector<std::string> roller_joints;  ///< powered roller conveyors: hinge joints
  double roller_radius = 0;
  double speed = 0;  ///< m/s along the conveyor's +x axis
  double length = 0, width = 0, height = 0;
};

/// Brings cartons into the scene, from a preallocated pool of bodies parked far outside it
/// (MuJoCo models are static: bodies cannot be created while running).
struct SpawnerSpec {
  std::string entity;
  Pose spawn;                      ///< world pose where an item's bottom centre appears
  bool poisson = false;            ///< Poisson arrivals at `rate`, else one every `interval`
  double interval = 5;             ///< seconds
  double rate = 0.2;               ///< items per second (Poisson)
  double start = 0;                ///< time of the first arrival (fixed interval)
  std::vector<std::string> items;  ///< pool entities, in order of use
  std::vector<Pose> parking;       ///< where each item waits, out of the scene
  std::vector<double> clearance;   ///< radius around the spawn point each item needs free
};

/// Removes whatever arrives in a box-shaped region and counts it (end of a line, a dock door).
struct SinkSpec {
  std::string entity;
  Pose region;  ///< world pose of the region's centre
  Vec3 half_size{0.5, 0.5, 0.5};
};

/// A differential-drive AMR (scenes/src/equipment/amr.cpp): two driven wheels on hinge joints
/// with velocity actuators (ctrl = wheel angular velocity, rad/s; positive drives forward) and
/// frictionless casters. The root body "<entity>" has the free joint; x is forward, the origin is
/// on the floor midway between the drive wheels.
struct AmrSpec {
  std::string entity;
  std::string free_joint;                                 ///< "<entity>/free"
  std::string left_wheel_joint, right_wheel_joint;        ///< hinges about the body's +y axis
  std::string left_wheel_actuator, right_wheel_actuator;  ///< velocity actuators
  /// Payload lift: a slide joint and a velocity-controlled axis (ctrl in m/s; it holds its load
  /// at ctrl 0); "" without a lift.
  std::string lift_joint, lift_actuator;
  double wheel_radius = 0.1;                   ///< m
  double track = 0.5;                          ///< distance between the drive wheels' centres, m
  double max_speed = 1.5;                      ///< m/s, forward and backward
  double max_acceleration = 0.5;               ///< m/s^2
  double max_angular_speed = M_PI / 3;         ///< rad/s
  double max_angular_acceleration = M_PI / 3;  ///< rad/s^2
  double lift_stroke = 0;                      ///< m; 0 without a lift
  double lift_speed = 0;                       ///< m/s
  double deck_height = 0.352;  ///< top of the deck above the floor (lift lowered), m
};

/// A counterbalanced forklift (scenes/src/equipment/forklift.cpp): front drive wheels with
/// velocity actuators, one steered rear wheel (position servo on a vertical hinge), a tilting
/// two-stage mast (inner mast and fork carriage on slide joints). Tilt, mast and carriage are
/// velocity-controlled axes (ctrl in m/s or rad/s), like the hydraulic cylinders behind them. The
/// root body "<entity>" has the free joint; x points from the counterweight to the forks and the
/// origin is on the floor under the middle of the front axle.
struct ForkliftSpec {
  std::string entity;
  std::string free_joint;
  std::string left_wheel_joint, right_wheel_joint;        ///< front drive wheels, about +y
  std::string left_wheel_actuator, right_wheel_actuator;  ///< velocity actuators, rad/s
  std::string steer_joint, steer_actuator;  ///< rear wheel about +z; + turns the wheel left
  std::string rear_wheel_joint;             ///< free-rolling rear wheel
  std::string tilt_joint, tilt_actuator;    ///< mast tilt; + tilts the mast back
  std::string mast_joint, mast_actuator;    ///< inner mast extension (second stage)
  std::string lift_joint, lift_actuator;    ///< fork carriage on the inner mast (free lift)
  double wheel_radius = 0.23;               ///< front wheels, m
  double rear_wheel_radius = 0.19;          ///< m
  double wheelbase = 1.4;                   ///< front axle to the steered wheel, m
  double track = 0.9;                       ///< between the front wheels' centres, m
  double max_speed = 3.0;                   ///< m/s
  double max_acceleration = 1.0;            ///< m/s^2
  double max_steer = 80 * M_PI / 180;       ///< rad, either way
  double steer_rate = M_PI / 2;             ///< rad/s
  double lift_height = 3.0;                 ///< highest fork position above the lowest, m
  double free_lift = 1.4;                   ///< carriage stroke before the inner mast extends, m
  double lift_speed = 0.5;                  ///< m/s
  double tilt_forward = 6 * M_PI / 180, tilt_back = 10 * M_PI / 180;  ///< rad
  double tilt_speed = 5 * M_PI / 180;                                 ///< rad/s
  double fork_length = 1.15, fork_spread = 0.35;  ///< m (spread: between the tines' centres)
  double fork_bottom = 0.02;  ///< underside of the tines above the floor, lowered, m
};

struct CameraSpec {
  std::string name;   ///< also the MJCF camera name
  std::string mount;  ///< body it is attached to ("world" for the site)
  int width = 640, height = 480;
  double fx = 0, fy = 0, cx = 0, cy = 0;          ///< pixels; OpenCV/ROS convention
  double k1 = 0, k2 = 0, p1 = 0, p2 = 0, k3 = 0;  ///< Brown-Conrady, OpenCV order
  double rgb_noise = 0;                           ///< Gaussian sigma, in 8-bit levels
  double depth_noise = 0;                         ///< sigma = depth_noise * z^2, metres
  double dropout = 0;                             ///< fraction of pixels with no depth
  double rate = 30;                               ///< Hz
};

struct LidarSpec {
  std::string name;
  std::string site;  ///< MJCF site at the optical centre (x forward, z up)
  int channels = 16;
  int horizontal_samples = 1024;
  double horizontal_fov_deg = 360, vertical_fov_deg = 30;
  double min_range = 0.1, max_range = 30;
  double rate = 10;
};

struct ImuSpec {
  std::string name;
  std::string site;
  std::string accelerometer, gyro;  ///< MJCF sensor names
  double rate = 200;
};

struct BeamBreakSpec {
  std::string name;
  std::string site;    ///< beam origin, pointing along its +z axis
  std::string sensor;  ///< MJCF rangefinder along the beam
  double length = 1;   ///< the beam is broken when something is nearer than this
};

/// Standard Denavit-Hartenberg table of a Universal Robots type arm, metres (defaults: UR5e as
/// published by Universal Robots). The rest of the table is fixed by the geometry:
/// alpha = (pi/2, 0, 0, pi/2, -pi/2, 0), a1 = a4 = a5 = a6 = 0, d2 = d3 = 0. a2 and a3 are
/// negative in UR's convention (the upper arm and forearm lengths are -a2 and -a3).
struct UrDhTable {
  double d1 = 0.1625, a2 = -0.425, a3 = -0.3922, d4 = 0.1333, d5 = 0.0997, d6 = 0.0996;
};

/// A 6-axis arm: a chain of hinge joints, each driven by a position servo. Joint k is
/// "<entity>/joint<k>", its servo "<entity>/servo<k>" (ctrl = joint angle target, radians).
struct ArmSpec {
  std::string entity;
  std::array<std::string, 6> joints;
  std::array<std::string, 6> actuators;
  std::string flange_site;  ///< "<entity>/flange": DH frame 6, z out of the tool flange
  std::string base_body;    ///< the body that carries DH frame 0 (the arm's root body)
  Pose base_in_body;        ///< DH frame 0 in base_body: on top of the pedestal
  Pose base;                ///< DH frame 0 in world coordinates, as laid out
  UrDhTable dh;
  std::array<double, 6> lower{}, upper{};  ///< joint limits, radians
  std::array<double, 6> home{};            ///< radians; the arm starts here (qpos0)
  std::array<double, 6> kp{}, kv{};        ///< servo gains, N m/rad and N m s/rad
  std::array<double, 6> damping{};         ///< joint damping, N m s/rad
  std::array<double, 6> max_torque{};      ///< servo force range, N m
};

enum class GripperKind { kSuction, kParallel };

/// An end effector on an arm's tool flange.
struct GripperSpec {
  std::string entity;
  GripperKind kind = GripperKind::kSuction;
  std::string arm;  ///< the arm whose flange carries it
  /// suction: {"<entity>/vacuum"}, an adhesion actuator (ctrl 0 = off, 1 = full vacuum);
  /// parallel: {"<entity>/fingers"}, a servo on the finger opening (ctrl = opening, metres).
  std::vector<std::string> actuators;
  std::string tcp_site;  ///< "<entity>/tcp": centre of the cup face, or between the finger pads
  Pose tcp_in_flange;    ///< the tcp in the arm's flange frame
  std::vector<std::string> contact_geoms;  ///< geoms that touch what is gripped
  double max_force = 0;                    ///< N: vacuum pull, or finger squeeze
  double stroke = 0;                       ///< parallel: full opening, metres
};

/// The scripted logic that makes a twin do something useful out of the box (no ROS needed):
/// `autopilot: {type: palletize, arm: robot, ...}`. The sim looks `type` up in its autopilot
/// table; each autopilot reads and checks its own parameters.
struct AutopilotSpec {
  struct Value {
    std::string text;   ///< the scalar as written, or the items of a list joined by ' '
    std::string where;  ///< "file:line:column: autopilot.key", for messages
  };
  std::string type;                     ///< "" when the layout has no autopilot
  std::string where;                    ///< where `autopilot:` was declared
  std::map<std::string, Value> params;  ///< every other key

  /// A parameter's text; throws twin::base::Error naming the autopilot when it is missing.
  const Value& Require(const std::string& key) const;
  /// Throws twin::base::Error at the parameter's location: "<where>: <message>".
  [[noreturn]] void Fail(const std::string& key, const std::string& message) const;
};

struct Site {
  std::string name;
  std::string source;  ///< the layout file
  uint64_t seed = 0;
  bool has_seed = false;  ///< the layout gave `site: seed:`
  double timestep = 0.002;
  std::array<double, 2> floor_size{20, 20};
  std::vector<Entity> entities;
  std::vector<std::string> classes;  ///< class id k is classes[k - 1]
  std::vector<ConveyorSpec> conveyors;
  std::vector<SpawnerSpec> spawners;
  std::vector<SinkSpec> sinks;
  std::vector<AmrSpec> amrs;
  std::vector<ForkliftSpec> forklifts;
  std::vector<CameraSpec> cameras;
  std::vector<LidarSpec> lidars;
  std::vector<ImuSpec> imus;
  std::vector<BeamBreakSpec> beam_breaks;
  std::vector<ArmSpec> arms;
  std::vector<GripperSpec> grippers;
  std::map<std::string, std::string> bridge_topics;  ///< default topic -> override
  std::vector<std::string> notes;  ///< things a person should know about the expansion
  AutopilotSpec autopilot;
  /// The layout's top-level `randomize:` section (empty when it has none); `--randomize FILE`
  /// overlays replace its sub-sections (ApplyRandomizeOverlay).
  RandomizeSpec randomize;
  std::vector<std::string> materials;  ///< the model's material names ("twin/cardboard")

  const Entity* FindEntity(const std::string& name) const;
};

}  // namespace twin::scenes
