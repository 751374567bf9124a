// Domain randomization for synthetic datasets: frame k of a dataset is the scene's initial state
// randomized by draws addressed by (seed, k) only (twin::base::CounterRng), so any frame can be
// made alone, in any order, on any shard, and comes out bit-identical.
//
//   twin::sim::DomainRandomizer randomizer(site, site.randomize, world);
//   for (uint64_t k = first; k < last; ++k) {
//     const twin::sim::FrameDraw draw = randomizer.Apply(world, seed, k);
//     ... set each camera's intrinsics from draw.cameras, render, write ...
//   }
#pragma once

#include <twin/scenes/randomize.h>
#include <twin/scenes/site.h>
#include <twin/sim/settle.h>
#include <twin/sim/world.h>

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace twin::sim {

/// Per-frame intrinsic jitter of one camera; the caller applies it to the renderer
/// (fx, fy *= focal_scale; cx += dcx; cy += dcy).
struct CameraJitter {
  double focal_scale = 1, dcx = 0, dcy = 0;
};

/// What frame k drew and how settling went (tests and the dataset log read this).
struct FrameDraw {
  std::vector<int> lights_on;                     ///< MuJoCo light ids switched on
  std::vector<double> light_scale, light_kelvin;  ///< per light id (1 / 0 when not randomized)
  std::vector<std::string> placed;  ///< entities placed this frame (objects + distractors)
  std::map<std::string, CameraJitter> cameras;  ///< by camera name
  double friction_scale = 1, mass_scale = 1;
  double settle_time = 0;
  bool settled = true;
};

class DomainRandomizer {
 public:
  /// Saves the model parameters it may change and the world's current state as the base.
  /// Per-entity `randomize:` ranges it cannot apply without reloading the model (e.g. sizes)
  /// are reported once through world.log().
  DomainRandomizer(const scenes::Site& site, const scenes::RandomizeSpec& spec, World& world);
  ~DomainRandomizer();
  DomainRandomizer(DomainRandomizer&&) noexcept;
  DomainRandomizer& operator=(DomainRandomizer&&) noexcept;

  /// Restores the base model parameters and state, draws frame `frame`'s randomization from
  /// `seed`, applies it (model fields and qpos), settles, and leaves the world ready to render
  /// (mj_forward done).
  FrameDraw Apply(World& world, uint64_t seed, uint64_t frame) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// RGB tint (each channel in [0, 1], the largest 1) of a black body at `kelvin`.
std::array<double, 3> KelvinToRgb(double kelvin);

}  // namespace twin::sim
