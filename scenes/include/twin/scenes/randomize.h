// Domain randomization of a whole scene, for synthetic datasets (`twin datagen`): the layout's
// top-level `randomize:` section, or a `--randomize FILE` overlay of the same schema. Flat data;
// twin::sim::DomainRandomizer draws frame k of it from (seed, k) and applies it.
//
// clang-format off
//   randomize:
//     lights:      {count: [1, 3], intensity: [0.6, 1.4], temperature: [3000, 7500], direction: [0, 15]}
//     materials:   [{class: carton, brightness: [0.7, 1.2], hue: [-15, 15], saturation: [0.8, 1.2],
//                    materials: [cardboard, cardboard_printed]}]
//     cameras:     {position: [-0.05, 0.05], rotation: [-2, 2], focal: [0.97, 1.03], principal: [-4, 4]}
//     objects:     [{class: carton, count: [2, 6], region: {min: [..], max: [..]}, drop: [0.02, 0.3],
//                    yaw: [-180, 180]}]
//     distractors: {count: [0, 6], size: [0.08, 0.35], region: {min: [..], max: [..]}, drop: [0.02, 0.3]}
//     physics:     {friction: [0.7, 1.3], mass: [0.8, 1.2]}
//     settle:      {max_time: 3, speed: 0.01, timestep: 0.004}
// clang-format on
//
// Every range is [min, max]; every field is optional and an absent one is not randomized.
#pragma once

#include <twin/scenes/pose.h>

#include <optional>
#include <string>
#include <vector>

namespace twin::scenes {

struct Site;

/// A closed interval [min, max] to draw from uniformly.
struct Interval {
  double min = 0, max = 0;
};
/// A whole-number interval [min, max], min >= 0.
struct CountInterval {
  int min = 0, max = 0;
};
/// An axis-aligned box in world coordinates.
struct Region {
  Vec3 min{0, 0, 0}, max{0, 0, 0};
};

struct LightsRandomization {
  std::optional<CountInterval> count;   ///< how many of the scene's lights are on
  std::optional<Interval> intensity;    ///< scale on each light's diffuse and specular
  std::optional<Interval> temperature;  ///< colour temperature, kelvin (RGB tint)
  std::optional<Interval> direction;    ///< tilt from the nominal direction, degrees
};

/// Colours (and optionally the material) of every entity of one semantic class, per instance.
struct MaterialRandomization {
  std::string class_name;
  std::optional<Interval> brightness;  ///< scale on HSV value
  std::optional<Interval> hue;         ///< degrees added to the hue
  std::optional<Interval> saturation;  ///< scale on HSV saturation
  std::vector<std::string> materials;  ///< model material names ("twin/cardboard") to pick from
  std::string where;                   ///< "file:line:col" for messages
};

struct CamerasRandomization {
  std::optional<Interval> position;   ///< metres added to each axis of every camera
  std::optional<Interval> rotation;   ///< degrees about each camera axis
  std::optional<Interval> focal;      ///< scale on fx and fy
  std::optional<Interval> principal;  ///< pixels added to cx and cy
};

/// Poses and the number of the loose (dynamic) entities of a class: `count` of the pool are placed
/// in `region` (the body origin's x, y and the object's lowest point z), the rest are parked out
/// of sight.
///
/// With `drop`, the lowest point is instead drawn `drop` metres above the surface under the
/// object: the highest colliding surface below the region's top (the region's bottom when there
/// is none) over the object's footprint, as a ray cast straight down finds it. Objects then fall
/// a few centimetres onto what is really there (a pallet, a shelf, the floor) rather than from
/// a fixed height, which is also what keeps settling short.
struct ObjectsRandomization {
  std::string class_name;
  std::optional<CountInterval> count;  ///< absent: every entity of the pool is placed
  std::optional<Region> region;        ///< absent: placed at their layout pose
  std::optional<Interval> drop;        ///< metres above the surface below (needs a region)
  std::optional<Interval> yaw;         ///< degrees about world z; absent: the layout yaw
  std::vector<std::string> pool;       ///< the loose entities of the class, layout order
  std::string where;
};

/// Free bodies of class "distractor" (boxes, cylinders, spheres) added when the layout is
/// expanded; max(count) of them exist, parked out of sight until placed.
struct DistractorsRandomization {
  CountInterval count;
  Interval size{0.08, 0.35};          ///< metres: box sides, cylinder/sphere diameters
  Region region;                      ///< where placed ones appear (as for objects)
  std::optional<Interval> drop;       ///< metres above the surface below (as for objects)
  std::vector<std::string> entities;  ///< the distractor entities ("distractor0", ...)
};

struct PhysicsRandomization {
  std::optional<Interval> friction;  ///< scale on the sliding friction of every geom
  std::optional<Interval> mass;      ///< scale on the mass and inertia of every moving body
};

/// After a draw, physics runs until every randomized body moves slower than `speed` (m/s and
/// rad/s) or `max_time` seconds have passed, with time steps of `timestep` seconds (default: the
/// site's). Settling is after the rest pose, not the path to it, so a coarser step than the
/// site's (within what keeps contacts stable) buys speed for nothing.
struct SettleSpec {
  double max_time = 3;
  double speed = 0.01;
  std::optional<double> timestep;
};

struct RandomizeSpec {
  std::optional<LightsRandomization> lights;
  std::optional<std::vector<MaterialRandomization>> materials;
  std::optional<CamerasRandomization> cameras;
  std::optional<std::vector<ObjectsRandomization>> objects;
  std::optional<DistractorsRandomization> distractors;
  std::optional<PhysicsRandomization> physics;
  SettleSpec settle;
  std::string source;  ///< where the section was read ("file:line:col"), "" when none

  /// True when nothing is randomized.
  bool empty() const {
    return !lights && !materials && !cameras && !objects && !distractors && !physics;
  }
};

/// Reads the YAML file `path`, whose top level is `randomize:` with the schema above, and
/// replaces each of `spec`'s sub-sections (lights, materials, cameras, objects, distractors,
/// physics, settle) that the file has by the file's one of the same name; the others stay.
/// Classes, materials and pools are checked against `site`. Distractor bodies exist only when
/// the layout declared distractors: an overlay may change their count (up to the bodies there
/// are) and region, never their sizes. Throws twin::base::Error naming file:line:col and the key.
void ApplyRandomizeOverlay(const std::string& path, RandomizeSpec& spec, const Site& site);

}  // namespace twin::scenes
