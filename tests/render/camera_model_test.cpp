#include <twin/render/camera_model.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <sstream>

#include "error_message.h"
#include "python_cv.h"

using twin::render::CameraIntrinsics;
using twin::render::DistortionMap;

namespace {

CameraIntrinsics Camera(int width, int height, double fx, double fy, double cx, double cy,
                        std::array<double, 5> d = {}) {
  CameraIntrinsics k;
  k.width = width, k.height = height;
  k.fx = fx, k.fy = fy, k.cx = cx, k.cy = cy;
  k.k1 = d[0], k.k2 = d[1], k.p1 = d[2], k.p2 = d[3], k.k3 = d[4];
  return k;
}

// Lenses that exercise every term: barrel, pincushion, tangential, all together with an
// off-centre principal point, and mixed signs.
std::vector<CameraIntrinsics> Lenses() {
  return {
      Camera(640, 480, 500, 500, 319.5, 239.5, {-0.35, 0.12, 0, 0, -0.02}),      // strong barrel
      Camera(640, 480, 600, 580, 300, 260, {0.25, 0.08, 0, 0, 0.01}),            // pincushion
      Camera(800, 600, 700, 700, 390, 310, {0, 0, 0.02, -0.015, 0}),             // tangential
      Camera(320, 240, 260, 250, 120.25, 150.75, {-0.2, 0.05, 0.01, 0.008, 0}),  // off-centre
      Camera(640, 480, 450, 450, 330, 230, {0.15, -0.08, -0.006, 0.004, 0.02}),  // mixed
  };
}

}  // namespace

TEST_CASE("Undistorted points follow the pinhole equation", "[render][camera]") {
  const CameraIntrinsics k = Camera(640, 480, 500, 400, 320.5, 240.25);
  for (const std::array<double, 3> p :
       {std::array<double, 3>{0, 0, 1}, {1, 2, 4}, {-0.3, 0.7, 2}, {2.5, -1.5, 10}}) {
    const auto [u, v] = twin::render::ProjectPoint(k, p);
    CHECK(u == Approx(500 * p[0] / p[2] + 320.5).margin(1e-12));
    CHECK(v == Approx(400 * p[1] / p[2] + 240.25).margin(1e-12));
  }
  CHECK_FALSE(twin::render::HasDistortion(k));
}

TEST_CASE("IntrinsicsFromFovy spans the image edge to edge", "[render][camera]") {
  const CameraIntrinsics k = twin::render::IntrinsicsFromFovy(640, 480, 90);
  CHECK(k.fy == Approx(240));
  CHECK(k.fx == Approx(240));
  CHECK(k.cx == 319.5);
  CHECK(k.cy == 239.5);
  // A ray at half the field of view above the axis meets the top edge of the image (v = -0.5).
  const double half = 30.0 * std::numbers::pi / 180;
  const CameraIntrinsics narrow = twin::render::IntrinsicsFromFovy(100, 50, 60);
  CHECK(twin::render::ProjectPoint(narrow, {0, -std::tan(half), 1})[1] == Approx(-0.5));
  CHECK(twin::render::ProjectPoint(narrow, {0, std::tan(half), 1})[1] == Approx(49.5));
}

TEST_CASE("ProjectPoint and Distort match cv2.projectPoints", "[render][camera]") {
  // Points across each lens' field of view (normalized radius up to ~0.75) at several depths.
  std::ostringstream input;
  input.precision(17);
  std::vector<std::pair<CameraIntrinsics, std::array<double, 3>>> cases;
  for (const CameraIntrinsics& k : Lenses()) {
    for (int i = 0; i < 25; ++i) {
      const double x = -0.6 + 0.05 * i, y = 0.5 - 0.043 * i, z = 0.5 + 0.37 * i;
      cases.push_back({k, {x * z, y * z, z}});
      cases.push_back({k, {y * z, -x * z, z}});
    }
  }
  for (const auto& [k, p] : cases) {
    input << k.fx << ' ' << k.fy << ' ' << k.cx << ' ' << k.cy << ' ' << k.k1 << ' ' << k.k2 << ' '
          << k.p1 << ' ' << k.p2 << ' ' << k.k3 << ' ' << p[0] << ' ' << p[1] << ' ' << p[2]
          << '\n';
  }
  twin::testing::TempDir dir;
  twin::testing::WriteText(dir / "points.txt", input.str());
  // For each line: u v with the camera's K, then xd yd with K = I (what Distort gives).
  const std::string out = twin::testing::RunPython(R"(
import sys, numpy as np, cv2
for line in open(sys.argv[1]):
    fx, fy, cx, cy, k1, k2, p1, p2, k3, X, Y, Z = map(float, line.split())
    K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]])
    D = np.array([k1, k2, p1, p2, k3])
    P = np.array([[X, Y, Z]])
    uv, _ = cv2.projectPoints(P, np.zeros(3), np.zeros(3), K, D)
    xy, _ = cv2.projectPoints(P, np.zeros(3), np.zeros(3), np.eye(3), D)
    print(*(repr(float(a)) for a in (uv[0, 0, 0], uv[0, 0, 1], xy[0, 0, 0], xy[0, 0, 1])))
)",
                                                   {dir / "points.txt"});
  std::istringstream results(out);
  for (const auto& [k, p] : cases) {
    double u = 0, v = 0, xd = 0, yd = 0;
    REQUIRE(results >> u >> v >> xd >> yd);
    const auto ours = twin::render::ProjectPoint(k, p);
    CHECK(ours[0] == Approx(u).margin(1e-9));
    CHECK(ours[1] == Approx(v).margin(1e-9));
    const auto distorted = twin::render::Distort(k, p[0] / p[2], p[1] / p[2]);
    CHECK(distorted[0] == Approx(xd).margin(1e-12));
    CHECK(distorted[1] == Approx(yd).margin(1e-12));
  }
  double extra = 0;
  CHECK_FALSE(results >> extra);
}

TEST_CASE("Undistort inverts Distort within the field of view", "[render][camera]") {
  for (const CameraIntrinsics& k : Lenses()) {
    for (double x = -0.7; x <= 0.7; x += 0.05) {
      for (double y = -0.55; y <= 0.55; y += 0.05) {
        const auto [xd, yd] = twin::render::Distort(k, x, y);
        const auto [xu, yu] = twin::render::Undistort(k, xd, yd);
        CHECK(xu == Approx(x).margin(1e-12));
        CHECK(yu == Approx(y).margin(1e-12));
      }
    }
  }
}

TEST_CASE("Bad intrinsics are rejected with a message naming the camera", "[render][camera]") {
  using twin::testing::ErrorMessage;
  const CameraIntrinsics good = Camera(640, 480, 500, 500, 319.5, 239.5);
  auto message = [&](auto change) {
    CameraIntrinsics k = good;
    change(k);
    return ErrorMessage([&] { twin::render::ValidateIntrinsics(k, "overhead", 16384); });
  };
  CHECK(message([](CameraIntrinsics&) {}) == "(no error)");
  CHECK(message([](CameraIntrinsics& k) { k.fx = -5; }) ==
        "camera 'overhead': fx must be > 0 (got -5)");
  CHECK(message([](CameraIntrinsics& k) { k.fy = 0; }) ==
        "camera 'overhead': fy must be > 0 (got 0)");
  CHECK(message([](CameraIntrinsics& k) { k.fy = std::numeric_limits<double>::infinity(); }) ==
        "camera 'overhead': fy must be finite (got inf)");
  CHECK(message([](CameraIntrinsics& k) { k.fx = std::numeric_limits<double>::quiet_NaN(); }) ==
        "camera 'overhead': fx must be finite (got nan)");
  CHECK(message([](CameraIntrinsics& k) { k.cx = 700, k.cy = 240; }) ==
        "camera 'overhead': principal point (700, 240) is outside the 640x480 image");
  CHECK(message([](CameraIntrinsics& k) { k.cy = -0.75; }) ==
        "camera 'overhead': principal point (319.5, -0.75) is outside the 640x480 image");
  CHECK(message([](CameraIntrinsics& k) { k.width = 100000; }) ==
        "camera 'overhead': 100000x480 is larger than the device limit 16384 pixels per side");
  CHECK(message([](CameraIntrinsics& k) { k.width = 0; }) ==
        "camera 'overhead': width must be >= 1 (got 0)");
  CHECK(message([](CameraIntrinsics& k) { k.height = -3; }) ==
        "camera 'overhead': height must be >= 1 (got -3)");
  CHECK(message([](CameraIntrinsics& k) { k.k2 = std::numeric_limits<double>::infinity(); }) ==
        "camera 'overhead': distortion k2 must be finite (got inf)");
  // The edges of the image are allowed: it spans [-0.5, size - 0.5).
  CHECK(message([](CameraIntrinsics& k) { k.cx = -0.5, k.cy = 479.25; }) == "(no error)");
}

namespace {

// The source coordinate of output pixel (u, v), pushed through the canvas pinhole back to a ray,
// then through the lens: the output pixel it lands on.
std::array<double, 2> LensImageOfSource(const CameraIntrinsics& k, const DistortionMap& map,
                                        size_t i) {
  const CameraIntrinsics& c = map.canvas;
  const double x = (map.map_x[i] - c.cx) / c.fx, y = (map.map_y[i] - c.cy) / c.fy;
  const auto [xd, yd] = twin::render::Distort(k, x, y);
  return {k.fx * xd + k.cx, k.fy * yd + k.cy};
}

// Every output pixel's source lands back on it and lies inside the canvas with both bilinear
// neighbours (so no output pixel is black or clamped).
void CheckMapCoversEveryPixel(const CameraIntrinsics& k, const DistortionMap& map) {
  REQUIRE(map.width == k.width);
  REQUIRE(map.height == k.height);
  REQUIRE(map.map_x.size() == static_cast<size_t>(k.width) * k.height);
  REQUIRE(map.map_y.size() == map.map_x.size());
  CHECK_FALSE(twin::render::HasDistortion(map.canvas));
  double worst = 0;
  int outside = 0;
  for (int v = 0; v < k.height; ++v) {
    for (int u = 0; u < k.width; ++u) {
      const size_t i = static_cast<size_t>(v) * k.width + u;
      const auto [lu, lv] = LensImageOfSource(k, map, i);
      worst = std::max(worst, std::hypot(lu - u, lv - v));
      if (!(map.map_x[i] >= 0 && map.map_x[i] <= map.canvas.width - 1 && map.map_y[i] >= 0 &&
            map.map_y[i] <= map.canvas.height - 1)) {
        ++outside;
      }
    }
  }
  CHECK(worst < 1e-3);
  CHECK(outside == 0);
  // The canvas is a valid camera of its own: principal point inside.
  CHECK(twin::testing::ErrorMessage([&] {
          twin::render::ValidateIntrinsics(map.canvas, "canvas", 16384);
        }) == "(no error)");
}

}  // namespace

TEST_CASE("The distortion map sends every output pixel to its ray on the canvas",
          "[render][camera]") {
  for (CameraIntrinsics k : Lenses()) {
    // Small images keep the sanitizer build quick; the lens is the same in normalized terms.
    k.width /= 4, k.height /= 4, k.fx /= 4, k.fy /= 4, k.cx = (k.cx + 0.5) / 4 - 0.5,
                                                       k.cy = (k.cy + 0.5) / 4 - 0.5;
    CAPTURE(k.k1, k.k2, k.p1, k.p2, k.k3);
    const DistortionMap map = twin::render::MakeDistortionMap(k, 16384);
    // Oversampled twice, and its grid aligned with the output's on the optical axis.
    CHECK(map.canvas.fx == 2 * k.fx);
    CHECK(map.canvas.fy == 2 * k.fy);
    CHECK(map.canvas.cx - 2 * k.cx == std::round(map.canvas.cx - 2 * k.cx));
    CHECK(map.canvas.cy - 2 * k.cy == std::round(map.canvas.cy - 2 * k.cy));
    CheckMapCoversEveryPixel(k, map);
  }
}

TEST_CASE("The canvas grows where the lens needs it: barrel at the corners, pincushion mid-edge",
          "[render][camera]") {
  // Barrel: the corners' rays lie farther out than the mid-edges'; the canvas must reach them.
  const CameraIntrinsics barrel = Camera(160, 120, 100, 100, 79.5, 59.5, {-0.1, 0, 0, 0, 0});
  const DistortionMap b = twin::render::MakeDistortionMap(barrel, 16384);
  const auto corner = twin::render::Undistort(barrel, -79.5 / 100, -59.5 / 100);
  CHECK(b.canvas.cx >= -corner[0] * 100);
  CHECK(b.canvas.cy >= -corner[1] * 100);
  CheckMapCoversEveryPixel(barrel, b);
  // Pincushion: the mid-edge rays lie farther out than the corners' in x; a canvas sized from the
  // corners alone would crop the middle of the left and right edges.
  const CameraIntrinsics pin = Camera(160, 120, 100, 100, 79.5, 59.5, {0.4, 0, 0, 0, 0});
  const DistortionMap p = twin::render::MakeDistortionMap(pin, 16384);
  const double corner_x = -twin::render::Undistort(pin, -79.5 / 100, -59.5 / 100)[0] * 100;
  const double edge_x = -twin::render::Undistort(pin, -79.5 / 100, 0)[0] * 100;
  REQUIRE(edge_x > corner_x + 1);
  CHECK(p.canvas.cx >= edge_x);
  CheckMapCoversEveryPixel(pin, p);
}

TEST_CASE("A canvas above the device limit is rendered coarser, not cropped", "[render][camera]") {
  const CameraIntrinsics k = Camera(160, 120, 60, 60, 79.5, 59.5, {-0.2, 0.02, 0.01, 0, 0});
  const DistortionMap full = twin::render::MakeDistortionMap(k, 16384);
  REQUIRE(full.canvas.width > 180);
  const DistortionMap capped = twin::render::MakeDistortionMap(k, 180);
  CHECK(capped.canvas.width <= 180);
  CHECK(capped.canvas.height <= 180);
  CHECK(capped.canvas.fx < k.fx);
  CHECK(capped.canvas.fx / k.fx == Approx(capped.canvas.fy / k.fy));
  CheckMapCoversEveryPixel(k, capped);
}

TEST_CASE("Output pixels beyond the fold of a strong lens see nothing", "[render][camera]") {
  // r_d = r (1 + k1 r^2) with k1 = -0.5 peaks at r = sqrt(2/3), r_d = 0.5443: no ray is seen
  // farther out. The corners of this image lie at r_d = 0.8.
  const CameraIntrinsics k = Camera(64, 48, 40, 40, 31.5, 23.5, {-0.5, 0, 0, 0, 0});
  const double fold = std::sqrt(2.0 / 3) * (1 - 0.5 * 2.0 / 3);
  const DistortionMap map = twin::render::MakeDistortionMap(k, 16384);
  int seen = 0, unseen = 0;
  for (int v = 0; v < k.height; ++v) {
    for (int u = 0; u < k.width; ++u) {
      const size_t i = static_cast<size_t>(v) * k.width + u;
      const double rd = std::hypot((u - k.cx) / k.fx, (v - k.cy) / k.fy);
      if (rd < fold - 1e-6) {
        ++seen;
        const auto [lu, lv] = LensImageOfSource(k, map, i);
        CHECK(std::hypot(lu - u, lv - v) < 1e-3);
      } else if (rd > fold + 1e-6) {
        ++unseen;
        CHECK(map.map_x[i] < 0);
      }
    }
  }
  CHECK(seen > 0);
  CHECK(unseen > 0);
}

TEST_CASE("Without distortion the canvas is the camera and the map is empty", "[render][camera]") {
  const CameraIntrinsics k = Camera(64, 48, 50, 55, 30, 20);
  const DistortionMap map = twin::render::MakeDistortionMap(k, 16384);
  CHECK(map.map_x.empty());
  CHECK(map.map_y.empty());
  CHECK(map.canvas.width == 64);
  CHECK(map.canvas.height == 48);
  CHECK(map.canvas.fx == 50);
  CHECK(map.canvas.cx == 30);
  std::vector<uint8_t> src(64 * 48 * 3), dst(src.size());
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7);
  twin::render::RemapBilinearRgb8(map, src.data(), dst.data());
  CHECK(dst == src);
}

namespace {

// A 3x2 RGB canvas and a 1-row output whose sources are given by hand.
DistortionMap HandMap(const std::vector<std::array<float, 2>>& sources) {
  DistortionMap map;
  map.canvas.width = 3, map.canvas.height = 2;
  map.width = static_cast<int>(sources.size()), map.height = 1;
  for (const auto& s : sources) map.map_x.push_back(s[0]), map.map_y.push_back(s[1]);
  return map;
}

}  // namespace

TEST_CASE("RemapBilinearRgb8 interpolates between pixel centres", "[render][camera]") {
  // Canvas pixels (x, y): red = 100 x + 10, green = 80 y + 20, blue = 7 at (1, 1) else 3.
  std::vector<uint8_t> canvas(3 * 2 * 3);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      uint8_t* p = canvas.data() + 3 * (y * 3 + x);
      p[0] = static_cast<uint8_t>(100 * x + 10);
      p[1] = static_cast<uint8_t>(80 * y + 20);
      p[2] = (x == 1 && y == 1) ? 7 : 3;
    }
  }
  const DistortionMap map = HandMap({
      {0, 0},        // a centre: that pixel
      {0.5, 0},      // halfway between (0,0) and (1,0)
      {1.25, 0.75},  // red 10 + 125 = 135, green 20 + 60 = 80, blue 3 + 4 * 0.75*0.75 = 5.25
      {-0.25, 1},    // within the first pixel but left of its centre: the edge value
      {2.4, 1.4},    // the same at the bottom right
      {-0.6, 0},     // outside: black
      {2.5, 0},      // outside (the canvas ends at 2.5): black
      {1, std::numeric_limits<float>::quiet_NaN()},  // no source: black
  });
  std::vector<uint8_t> out(3 * map.width, 99);
  twin::render::RemapBilinearRgb8(map, canvas.data(), out.data());
  const std::vector<uint8_t> expected = {
      10,  20,  3,  //
      60,  20,  3,  //
      135, 80,  5,  //
      10,  100, 3,  //
      210, 100, 3,  //
      0,   0,   0,  //
      0,   0,   0,  //
      0,   0,   0,  //
  };
  CHECK(out == expected);
}

TEST_CASE("RemapNearest copies the pixel under the sample", "[render][camera]") {
  // 16-bit ids 1..6 and float depths 0.5..3.0, pixel (x, y) = y * 3 + x + 1.
  std::vector<uint16_t> ids = {1, 2, 3, 4, 5, 6};
  std::vector<float> depth = {0.5f, 1.0f, 1.5f, 2.0f, 2.5f, 3.0f};
  const DistortionMap map = HandMap({
      {0.49f, 0},      // pixel (0, 0)
      {0.5f, 0},       // on the border: the pixel to the right, (1, 0)
      {1.6f, 1.2f},    // (2, 1)
      {-0.5f, -0.5f},  // the corner of the canvas: (0, 0)
      {2.49f, 1.49f},  // the other corner: (2, 1)
      {2.5f, 1},       // outside: 0
      {1, -0.51f},     // outside: 0
  });
  std::vector<uint16_t> out_ids(map.width, 77);
  std::vector<float> out_depth(map.width, 77);
  twin::render::RemapNearest(map, ids.data(), out_ids.data(), sizeof(uint16_t));
  twin::render::RemapNearest(map, depth.data(), out_depth.data(), sizeof(float));
  CHECK(out_ids == std::vector<uint16_t>{1, 2, 6, 1, 6, 0, 0});
  CHECK(out_depth == std::vector<float>{0.5f, 1.0f, 3.0f, 0.5f, 3.0f, 0, 0});
}
