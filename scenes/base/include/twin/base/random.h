// Counter-based random numbers: draw k is a pure function of (seed, stream, k). Lives in twin_base,
// below every module, because layouts draw from it too (e.g. spawner pool sizes).
//
// Nothing in twin keeps a shared random stream. A consumer picks a stream (a hash of its name,
// e.g. StreamId("sensor_noise")) and an index that says *which* draw it wants (step number,
// frame number, sensor index...). Work can then be split, reordered or resumed and every draw
// still comes out the same. The generator is Philox4x32-10 (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC'11), checked against Random123's known-answer vectors.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace twin::base {

/// The seed used when the user gives none: runs are reproducible out of the box.
inline constexpr uint64_t kDefaultSeed = 0x7477696e;  // "twin"

/// Philox4x32-10: 128-bit counter, 64-bit key -> four 32-bit words.
std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key);

/// A stable 64-bit id for a stream name (FNV-1a), so each consumer draws from its own stream.
uint64_t StreamId(std::string_view name);

/// Random draws addressed by index. Cheap to copy; holds no mutable state.
class CounterRng {
 public:
  CounterRng(uint64_t seed, uint64_t stream) : seed_(seed), stream_(stream) {}

  /// The raw 128 bits of draw `index`.
  std::array<uint32_t, 4> Bits(uint64_t index) const;
  /// Uniform in [0, 1), 53 bits of resolution.
  double Uniform(uint64_t index) const;
  /// Uniform in [lo, hi).
  double Uniform(uint64_t index, double lo, double hi) const {
    return lo + (hi - lo) * Uniform(index);
  }
  /// Standard normal N(0, 1) (Box-Muller on the two halves of the draw).
  double Gaussian(uint64_t index) const;

  uint64_t seed() const { return seed_; }
  uint64_t stream() const { return stream_; }

 private:
  uint64_t seed_;
  uint64_t stream_;
};

}  // namespace twin::base
