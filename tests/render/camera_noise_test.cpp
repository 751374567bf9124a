#include <twin/base/random.h>
#include <twin/render/camera_noise.h>

#include <catch2/catch.hpp>

#include <cmath>

using twin::render::CameraFrame;
using twin::render::CameraNoise;

namespace {

// A flat mid-grey frame at `z` metres with instance 7 and a normal facing the camera everywhere.
CameraFrame Flat(int width, int height, float z) {
  CameraFrame frame;
  frame.camera = "overhead";
  frame.width = width, frame.height = height;
  frame.rgb.assign(3 * frame.pixels(), 128);
  frame.depth.assign(frame.pixels(), z);
  frame.instance.assign(frame.pixels(), 7);
  frame.semantic.assign(frame.pixels(), 3);
  frame.normal.assign(3 * frame.pixels(), 0.0f);
  for (size_t i = 0; i < frame.pixels(); ++i) frame.normal[3 * i + 2] = -1;
  return frame;
}

CameraNoise Noisy() {
  CameraNoise noise;
  noise.rgb_sigma = 5;
  noise.depth_sigma = 0.01;
  noise.dropout = 0.1;
  return noise;
}

const uint64_t kStream = twin::base::StreamId("overhead");

CameraFrame Noised(CameraFrame frame, const CameraNoise& noise, uint64_t seed, uint64_t stream,
                   uint64_t index) {
  twin::render::ApplyCameraNoise(noise, seed, stream, index, frame);
  return frame;
}

struct Moments {
  double mean = 0, stddev = 0;
  size_t n = 0;
};

template <typename Values, typename Pick>
Moments MomentsOf(const Values& values, Pick pick) {
  Moments m;
  double sum = 0, sum2 = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    double x = 0;
    if (!pick(i, &x)) continue;
    sum += x, sum2 += x * x, ++m.n;
  }
  m.mean = sum / m.n;
  m.stddev = std::sqrt(sum2 / m.n - m.mean * m.mean);
  return m;
}

}  // namespace

TEST_CASE("Camera noise is reproducible from seed, camera and frame", "[render][noise]") {
  const CameraFrame clean = Flat(48, 32, 2.0f);
  const CameraFrame a = Noised(clean, Noisy(), 42, kStream, 5);
  const CameraFrame b = Noised(clean, Noisy(), 42, kStream, 5);
  CHECK(a.rgb == b.rgb);
  CHECK(a.depth == b.depth);  // bit-identical floats
  CHECK(a.rgb != clean.rgb);
  CHECK(Noised(clean, Noisy(), 42, kStream, 6).rgb != a.rgb);
  CHECK(Noised(clean, Noisy(), 42, kStream, 6).depth != a.depth);
  CHECK(Noised(clean, Noisy(), 43, kStream, 5).rgb != a.rgb);
  CHECK(Noised(clean, Noisy(), 42, twin::base::StreamId("side"), 5).rgb != a.rgb);
}

TEST_CASE("A pixel's noise does not depend on the other pixels", "[render][noise]") {
  // With one shared stream, a pixel without depth (which draws nothing) would shift every later
  // pixel's draws. Addressed by pixel, only the pixel changed differs.
  const CameraFrame clean = Flat(16, 8, 1.5f);
  CameraFrame holed = clean;
  holed.depth[3] = 0;
  holed.rgb[3 * 3] = 10;
  const CameraFrame a = Noised(clean, Noisy(), 1, kStream, 0);
  const CameraFrame b = Noised(holed, Noisy(), 1, kStream, 0);
  CHECK(b.depth[3] == 0);
  for (size_t i = 0; i < clean.pixels(); ++i) {
    if (i == 3) continue;
    CHECK(a.depth[i] == b.depth[i]);
    CHECK(a.rgb[3 * i] == b.rgb[3 * i]);
  }
}

TEST_CASE("RGB noise has the configured spread and no bias", "[render][noise]") {
  CameraNoise noise;
  noise.rgb_sigma = 5;
  const CameraFrame out = Noised(Flat(200, 200, 2.0f), noise, 7, kStream, 0);
  const Moments m = MomentsOf(out.rgb, [&](size_t i, double* x) {
    *x = out.rgb[i] - 128.0;
    return true;
  });
  // Rounding to whole levels adds a uniform error of variance 1/12. n = 120000: the mean's
  // standard error is 0.014 and the stddev's 0.010; the bounds are over 5 of them.
  CHECK(m.mean == Approx(0).margin(0.075));
  CHECK(m.stddev == Approx(std::sqrt(25 + 1.0 / 12)).margin(0.05));
}

TEST_CASE("RGB noise is clamped to the 8-bit range", "[render][noise]") {
  CameraFrame frame = Flat(64, 64, 1.0f);
  for (size_t i = 0; i < frame.rgb.size(); ++i) frame.rgb[i] = i % 2 ? 255 : 0;
  CameraNoise noise;
  noise.rgb_sigma = 20;
  const CameraFrame out = Noised(frame, noise, 3, kStream, 0);
  // Half of the draws push past the range and stay at the bound; the other half move inwards.
  size_t at_bound = 0;
  for (size_t i = 0; i < out.rgb.size(); ++i) at_bound += out.rgb[i] == frame.rgb[i];
  CHECK(static_cast<double>(at_bound) / out.rgb.size() == Approx(0.5).margin(0.03));
}

TEST_CASE("Depth noise grows with the square of the depth", "[render][noise]") {
  // Top half at 1 m, bottom half at 3 m: sigma = 0.01 * z^2 = 1 cm and 9 cm.
  CameraFrame frame = Flat(200, 200, 1.0f);
  for (size_t i = frame.pixels() / 2; i < frame.pixels(); ++i) frame.depth[i] = 3.0f;
  CameraNoise noise;
  noise.depth_sigma = 0.01;
  const CameraFrame out = Noised(frame, noise, 11, kStream, 2);
  for (const float z : {1.0f, 3.0f}) {
    const Moments m = MomentsOf(out.depth, [&](size_t i, double* x) {
      *x = out.depth[i] - z;
      return frame.depth[i] == z;
    });
    const double sigma = 0.01 * z * z;
    REQUIRE(m.n == 20000);
    // Standard errors: mean sigma / 141, stddev sigma / 200; the bounds are 5 of them.
    CHECK(m.mean == Approx(0).margin(5 * sigma / 141));
    CHECK(m.stddev == Approx(sigma).margin(5 * sigma / 200));
  }
}

TEST_CASE("Depth dropout removes the configured fraction and keeps ids and normals",
          "[render][noise]") {
  const CameraFrame clean = Flat(200, 200, 2.0f);
  CameraNoise noise;
  noise.dropout = 0.1;
  const CameraFrame out = Noised(clean, noise, 5, kStream, 9);
  size_t dropped = 0;
  for (size_t i = 0; i < out.pixels(); ++i) {
    if (out.depth[i] == 0) {
      ++dropped;
    } else {
      CHECK(out.depth[i] == 2.0f);  // no depth noise configured
    }
  }
  // n = 40000: the fraction's standard error is 0.0015; the bound is 4 of them.
  CHECK(static_cast<double>(dropped) / out.pixels() == Approx(0.1).margin(0.006));
  CHECK(out.instance == clean.instance);
  CHECK(out.semantic == clean.semantic);
  CHECK(out.normal == clean.normal);
  CHECK(out.rgb == clean.rgb);
}

TEST_CASE("Pixels without a surface stay without depth", "[render][noise]") {
  CameraFrame frame = Flat(32, 32, 0.0f);
  const CameraFrame out = Noised(frame, Noisy(), 5, kStream, 0);
  CHECK(out.depth == frame.depth);
}

TEST_CASE("Zero noise leaves the frame as rendered", "[render][noise]") {
  CameraFrame frame = Flat(40, 30, 2.5f);
  for (size_t i = 0; i < frame.rgb.size(); ++i) frame.rgb[i] = static_cast<uint8_t>(i * 13);
  for (size_t i = 0; i < frame.depth.size(); ++i) frame.depth[i] = 0.5f + 0.01f * (i % 100);
  const CameraFrame out = Noised(frame, CameraNoise{}, 42, kStream, 0);
  CHECK(out.rgb == frame.rgb);
  CHECK(out.depth == frame.depth);
  CHECK(out.instance == frame.instance);
  CHECK(out.normal == frame.normal);
}

TEST_CASE("Modalities the camera does not render are left empty", "[render][noise]") {
  CameraFrame frame = Flat(8, 8, 1.0f);
  frame.depth.clear();
  const CameraFrame out = Noised(frame, Noisy(), 1, kStream, 0);
  CHECK(out.depth.empty());
  CHECK(out.rgb != frame.rgb);
}
