#include <twin/base/random.h>

#include <cmath>
#include <numbers>

namespace twin::base {

std::array<uint32_t, 4> Philox4x32(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  constexpr uint32_t kMul0 = 0xD2511F53, kMul1 = 0xCD9E8D57;
  constexpr uint32_t kWeyl0 = 0x9E3779B9, kWeyl1 = 0xBB67AE85;
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += kWeyl0;
      k[1] += kWeyl1;
    }
    const uint64_t p0 = uint64_t{kMul0} * c[0];
    const uint64_t p1 = uint64_t{kMul1} * c[2];
    c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
         static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
  }
  return c;
}

uint64_t StreamId(std::string_view name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char ch : name) {
    hash ^= ch;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::array<uint32_t, 4> CounterRng::Bits(uint64_t index) const {
  return Philox4x32({static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32),
                     static_cast<uint32_t>(stream_), static_cast<uint32_t>(stream_ >> 32)},
                    {static_cast<uint32_t>(seed_), static_cast<uint32_t>(seed_ >> 32)});
}

namespace {
// 53 random bits from two words -> [0, 1).
double ToUnit(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (uint64_t{hi} << 21) ^ (lo >> 11);
  return static_cast<double>(bits) * 0x1.0p-53;
}
}  // namespace

double CounterRng::Uniform(uint64_t index) const {
  const auto w = Bits(index);
  return ToUnit(w[0], w[1]);
}

double CounterRng::Gaussian(uint64_t index) const {
  const auto w = Bits(index);
  const double u1 = 1.0 - ToUnit(w[0], w[1]);  // (0, 1]: log() stays finite
  const double u2 = ToUnit(w[2], w[3]);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

}  // namespace twin::base
