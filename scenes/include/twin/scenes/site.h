// The Site record: what a layout means, beyond the MJCF it expands to. The other modules read it
// to find the things they act on (belts to drive, cameras to render, robots to command) by the
// names the layout gave them.
#pragma once

#include <twin/scenes/pose.h>

#include <array>
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
  bool dynamic = false;  ///< has its own free joint (loose and not `fixed: true`)
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
  std::vector<CameraSpec> cameras;
  std::vector<LidarSpec> lidars;
  std::vector<ImuSpec> imus;
  std::vector<BeamBreakSpec> beam_breaks;
  std::map<std::string, std::string> bridge_topics;  ///< default topic -> override
  std::vector<std::string> notes;  ///< things a person should know about the expansion

  const Entity* FindEntity(const std::string& name) const;
};

}  // namespace twin::scenes
