#include <twin/base/random.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using twin::base::CounterRng;
using twin::base::Philox4x32;

// Known-answer vectors of Philox4x32-10 from Random123's kat_vectors (the reference
// implementation of Salmon et al.): counter, key -> output.
TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors", "[base][random]") {
  CHECK(Philox4x32({0, 0, 0, 0}, {0, 0}) ==
        std::array<uint32_t, 4>{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(Philox4x32({0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {0xffffffff, 0xffffffff}) ==
        std::array<uint32_t, 4>{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(Philox4x32({0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, {0xa4093822, 0x299f31d0}) ==
        std::array<uint32_t, 4>{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("A draw depends only on (seed, stream, index)", "[base][random]") {
  const CounterRng a(42, 7), b(42, 7);
  // Ask in different orders: same answers.
  const double a5 = a.Uniform(5), a0 = a.Uniform(0);
  CHECK(b.Uniform(0) == a0);
  CHECK(b.Uniform(5) == a5);
  CHECK(CounterRng(43, 7).Uniform(5) != a5);
  CHECK(CounterRng(42, 8).Uniform(5) != a5);
  CHECK(twin::base::StreamId("sensor_noise") != twin::base::StreamId("lights"));
}

TEST_CASE("Uniform draws fill the unit interval evenly", "[base][random]") {
  const CounterRng rng(1, 2);
  constexpr int kN = 100000;
  int bins[10] = {};
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const double u = rng.Uniform(i);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    ++bins[static_cast<int>(u * 10)];
  }
  CHECK(sum / kN == Approx(0.5).margin(0.005));  // 5 sigma of the mean is 0.0046
  for (int count : bins) CHECK(std::abs(count - kN / 10) < 5 * std::sqrt(kN * 0.1 * 0.9));
  CHECK(rng.Uniform(3, -2.0, -1.0) >= -2.0);
  CHECK(rng.Uniform(3, -2.0, -1.0) < -1.0);
}

TEST_CASE("Gaussian draws have mean 0 and variance 1", "[base][random]") {
  const CounterRng rng(9, 9);
  constexpr int kN = 200000;
  double sum = 0, sum_sq = 0;
  int beyond_3_sigma = 0;
  for (int i = 0; i < kN; ++i) {
    const double g = rng.Gaussian(i);
    REQUIRE(std::isfinite(g));
    sum += g;
    sum_sq += g * g;
    beyond_3_sigma += std::abs(g) > 3;
  }
  const double mean = sum / kN, var = sum_sq / kN - mean * mean;
  CHECK(std::abs(mean) < 5 / std::sqrt(kN));
  CHECK(var == Approx(1.0).margin(5 * std::sqrt(2.0 / kN)));
  CHECK(beyond_3_sigma == Approx(kN * 0.0027).margin(5 * std::sqrt(kN * 0.0027)));
}
