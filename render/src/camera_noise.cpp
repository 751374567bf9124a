// Sensor noise drawn from counter-based random numbers: every draw is addressed by (camera, frame,
// pixel, what for), so a frame comes out the same whatever the order, split or thread count.
#include <twin/render/camera_noise.h>

#include <twin/base/error.h>
#include <twin/base/random.h>

#include <algorithm>
#include <cmath>

namespace twin::render {
namespace {

// The draws of one pixel: index = pixel * kDrawsPerPixel + slot; slots kRgb + 0..2 are R, G, B.
constexpr uint64_t kRgb = 0, kDepth = 3, kDropout = 4;
constexpr uint64_t kDrawsPerPixel = 5;

// The rng of one frame of one camera: its stream is draw `frame_index` of the camera's stream, so
// frames of a camera (and cameras) never share draws, without a second hash to maintain.
base::CounterRng FrameRng(uint64_t seed, uint64_t stream, uint64_t frame_index) {
  const auto bits = base::CounterRng(seed, stream).Bits(frame_index);
  return base::CounterRng(seed, (uint64_t{bits[1]} << 32) | bits[0]);
}

}  // namespace

void ApplyCameraNoise(const CameraNoise& noise, uint64_t seed, uint64_t stream,
                      uint64_t frame_index, CameraFrame& frame) {
  const size_t pixels = frame.pixels();
  // A modality the camera does not render is empty; one it renders has every pixel.
  TWIN_DEMAND(frame.rgb.empty() || frame.rgb.size() == 3 * pixels);
  TWIN_DEMAND(frame.depth.empty() || frame.depth.size() == pixels);
  const base::CounterRng rng = FrameRng(seed, stream, frame_index);

  if (noise.rgb_sigma > 0) {
    for (size_t i = 0; i < frame.rgb.size(); ++i) {
      const uint64_t pixel = i / 3, channel = kRgb + i % 3;
      const double value =
          frame.rgb[i] + noise.rgb_sigma * rng.Gaussian(pixel * kDrawsPerPixel + channel);
      frame.rgb[i] = static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
    }
  }

  if (noise.depth_sigma <= 0 && noise.dropout <= 0) return;
  for (size_t i = 0; i < frame.depth.size(); ++i) {
    float& z = frame.depth[i];
    if (!(z > 0) || !std::isfinite(z)) continue;  // no surface: nothing to perturb or drop
    if (noise.dropout > 0 && rng.Uniform(i * kDrawsPerPixel + kDropout) < noise.dropout) {
      z = 0;
      continue;
    }
    if (noise.depth_sigma > 0) {
      const double sigma = noise.depth_sigma * double{z} * z;
      const double noisy = z + sigma * rng.Gaussian(i * kDrawsPerPixel + kDepth);
      // A reading at or behind the sensor is no reading: report it as no return.
      z = noisy > 0 ? static_cast<float>(noisy) : 0.0f;
    }
  }
}

}  // namespace twin::render
