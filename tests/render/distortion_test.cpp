// Lens distortion against OpenCV: a checkerboard is rendered through a distorted camera, OpenCV
// finds its corners in our PNG, and they must land where cv2.projectPoints puts the true corners
// with the same K and D.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <sstream>
#include <string>

#include <twin/render/image_io.h>
#include <twin/render/renderer.h>
#include <twin/sim/world.h>

#include "python_cv.h"
#include "render_support.h"

namespace {

constexpr int kSquaresX = 8, kSquaresY = 7;  // 7 x 6 inner corners
constexpr double kSquare = 0.06;             // metres
// Thickness of the black squares: thin as printed ink, so their sides add no visible border.
constexpr double kInk = 2e-5;

// A white board with black squares as thin boxes on top (exact edges, no texture filtering).
std::string CheckerboardXml() {
  std::ostringstream xml;
  const double half_x = kSquaresX * kSquare / 2, half_y = kSquaresY * kSquare / 2;
  xml << "<mujoco><visual><headlight ambient='0.6 0.6 0.6' diffuse='0.4 0.4 0.4' "
         "specular='0 0 0'/></visual><worldbody>"
      << "<geom type='box' pos='0 0 -0.005' size='" << half_x + 2 * kSquare << " "
      << half_y + 2 * kSquare << " 0.005' rgba='1 1 1 1'/>";
  for (int i = 0; i < kSquaresX; ++i)
    for (int j = 0; j < kSquaresY; ++j) {
      if ((i + j) % 2) continue;
      xml << "<geom type='box' pos='" << -half_x + (i + 0.5) * kSquare << " "
          << -half_y + (j + 0.5) * kSquare << " " << kInk / 2 << "' size='" << kSquare / 2 << " "
          << kSquare / 2 << " " << kInk / 2 << "' rgba='0 0 0 1'/>";
    }
  xml << "</worldbody></mujoco>";
  return xml.str();
}

}  // namespace

TEST_CASE("Checkerboard corners found by OpenCV match cv2.projectPoints with K and D",
          "[render][distortion]") {
  twin::sim::World world = twin::sim::World::FromXml(CheckerboardXml());
  mj_forward(world.model(), world.data());
  auto& context = twin::testing::ValidatedContext();

  struct Lens {
    const char* name;
    twin::render::CameraIntrinsics k;
  };
  const Lens lenses[] = {
      {"none", {640, 480, 520, 515, 330.2, 236.9, 0, 0, 0, 0, 0}},
      {"barrel", {640, 480, 520, 515, 330.2, 236.9, -0.28, 0.09, 0.0012, -0.0008, 0}},
      {"pincushion", {640, 480, 480, 482, 312.4, 244.1, 0.12, 0.02, -0.001, 0.0015, 0}},
      {"k3 and tangential", {800, 600, 640, 640, 405.0, 290.0, -0.15, 0.05, 0.003, 0.002, -0.01}},
  };
  for (const Lens& lens : lenses) {
    CAPTURE(lens.name);
    twin::render::Renderer renderer(context, world.model(),
                                    twin::render::LabelsFromModel(world.model()));
    twin::render::RenderCamera camera;
    camera.name = "lens";
    camera.intrinsics = lens.k;
    camera.position = {0.06, -0.27, 0.43};
    camera.rotation = twin::testing::LookAt(camera.position, {0.01, 0.02, 0});
    renderer.AddCamera(camera);
    const twin::render::CameraFrame frame = renderer.Render(world.data(), twin::render::kRgb)[0];

    twin::testing::TempDir dir;
    twin::render::Image image;
    image.width = frame.width;
    image.height = frame.height;
    image.channels = 3;
    image.pixels8 = frame.rgb;
    twin::render::WritePng(dir / "board.png", image);
    // The true inner corners in the camera frame, and K, D.
    std::ostringstream points;
    points.precision(17);
    const auto& k = lens.k;
    points << k.fx << " " << k.fy << " " << k.cx << " " << k.cy << " " << k.k1 << " " << k.k2 << " "
           << k.p1 << " " << k.p2 << " " << k.k3 << "\n";
    for (int i = 1; i < kSquaresX; ++i)
      for (int j = 1; j < kSquaresY; ++j) {
        const std::array<double, 3> corner{-kSquaresX * kSquare / 2 + i * kSquare,
                                           -kSquaresY * kSquare / 2 + j * kSquare, kInk};
        const auto p = twin::testing::ToCamera(camera.position, camera.rotation, corner);
        points << p[0] << " " << p[1] << " " << p[2] << "\n";
      }
    twin::testing::WriteText(dir / "points.txt", points.str());

    const std::string out = twin::testing::RunPython(R"(
import sys, numpy as np, cv2
lines = open(sys.argv[2]).read().split("\n")
fx, fy, cx, cy, k1, k2, p1, p2, k3 = map(float, lines[0].split())
K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]])
D = np.array([k1, k2, p1, p2, k3])
P = np.array([list(map(float, l.split())) for l in lines[1:] if l.strip()])
truth, _ = cv2.projectPoints(P, np.zeros(3), np.zeros(3), K, D)
truth = truth.reshape(-1, 2)
gray = cv2.cvtColor(cv2.imread(sys.argv[1]), cv2.COLOR_BGR2GRAY)
found, corners = cv2.findChessboardCorners(gray, (7, 6))
if not found:
    print("found 0 worst -1")
    sys.exit(0)
corners = cv2.cornerSubPix(gray, corners, (11, 11), (-1, -1),
                           (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 100, 1e-4))
corners = corners.reshape(-1, 2)
nearest = np.array([truth[np.argmin(np.linalg.norm(truth - c, axis=1))] for c in corners])
error = np.linalg.norm(nearest - corners, axis=1)
print("found", len(corners), "p90", float(np.percentile(error, 90)), "worst", float(error.max()),
      "mean", *(corners - nearest).mean(axis=0))
)",
                                                     {dir / "board.png", dir / "points.txt"});
    std::istringstream result(out);
    std::string word;
    int found = 0;
    double p90 = -1, worst = -1, mean_du = 0, mean_dv = 0;
    result >> word >> found >> word >> p90 >> word >> worst >> word >> mean_du >> mean_dv;
    WARN(lens.name << ": OpenCV found " << found << " corners; distance to the truth: 90% within "
                   << p90 << " px, worst " << worst << " px, mean offset (" << mean_du << ", "
                   << mean_dv << ") px");
    CHECK(found == 42);
    // The model itself: no systematic offset. Single corners scatter by the aliasing of a
    // one-sample-per-pixel render (the undistorted lens scatters as much), so 90% of them must
    // be within 0.5 px and every one within 0.75 px; the sphere test below checks every point.
    CHECK(std::hypot(mean_du, mean_dv) < 0.1);
    CHECK(p90 >= 0);
    CHECK(p90 < 0.5);
    CHECK(worst < 0.75);
  }
  twin::testing::RequireNoValidationMessages(context);
}

TEST_CASE("Through a distorted lens, small spheres land where cv2.projectPoints puts them",
          "[render][distortion]") {
  // A grid of 3 cm spheres filling the view, corners included (where distortion is largest).
  std::ostringstream xml;
  xml << "<mujoco><worldbody>";
  std::vector<std::array<double, 3>> centres;
  for (int i = -4; i <= 4; ++i)
    for (int j = -3; j <= 3; ++j) {
      centres.push_back({2.5 + 0.05 * (i + j), 0.36 * i, 0.34 * j});
      xml << "<geom type='sphere' size='0.03' pos='" << centres.back()[0] << " "
          << centres.back()[1] << " " << centres.back()[2] << "'/>";
    }
  xml << "</worldbody></mujoco>";
  twin::sim::World world = twin::sim::World::FromXml(xml.str());
  mj_forward(world.model(), world.data());
  auto& context = twin::testing::ValidatedContext();
  const twin::render::CameraIntrinsics lenses[] = {
      {640, 480, 420, 418, 330.2, 236.9, -0.28, 0.09, 0.0012, -0.0008, 0},
      {640, 480, 400, 402, 312.4, 244.1, 0.12, 0.02, -0.001, 0.0015, 0},
      {800, 600, 520, 520, 405.0, 290.0, -0.15, 0.05, 0.003, 0.002, -0.01},
  };
  for (const auto& k : lenses) {
    CAPTURE(k.k1, k.k2, k.p1, k.p2, k.k3);
    twin::render::Renderer renderer(context, world.model(),
                                    twin::render::LabelsFromModel(world.model()));
    twin::render::RenderCamera camera;
    camera.name = "lens";
    camera.intrinsics = k;
    camera.position = {0, 0, 0};
    camera.rotation = twin::testing::LookAt(camera.position, {1, 0, 0});
    renderer.AddCamera(camera);
    const auto frame = renderer.Render(world.data(), twin::render::kLabels)[0];

    twin::testing::TempDir dir;
    std::ostringstream points;
    points.precision(17);
    points << k.fx << " " << k.fy << " " << k.cx << " " << k.cy << " " << k.k1 << " " << k.k2 << " "
           << k.p1 << " " << k.p2 << " " << k.k3 << "\n";
    for (const auto& c : centres) {
      const auto p = twin::testing::ToCamera(camera.position, camera.rotation, c);
      points << p[0] << " " << p[1] << " " << p[2] << "\n";
    }
    twin::testing::WriteText(dir / "points.txt", points.str());
    const std::string out = twin::testing::RunPython(R"(
import sys, numpy as np, cv2
lines = open(sys.argv[1]).read().split("\n")
fx, fy, cx, cy, k1, k2, p1, p2, k3 = map(float, lines[0].split())
K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]])
P = np.array([list(map(float, l.split())) for l in lines[1:] if l.strip()])
uv, _ = cv2.projectPoints(P, np.zeros(3), np.zeros(3), K, np.array([k1, k2, p1, p2, k3]))
for u, v in uv.reshape(-1, 2):
    print(repr(float(u)), repr(float(v)))
)",
                                                     {dir / "points.txt"});
    std::istringstream expected(out);
    std::map<int, std::array<double, 3>> sums;
    for (int v = 0; v < frame.height; ++v)
      for (int u = 0; u < frame.width; ++u)
        if (const int id = frame.instance[v * frame.width + u]) {
          sums[id][0] += u;
          sums[id][1] += v;
          sums[id][2] += 1;
        }
    double worst = 0;
    int seen = 0;
    for (size_t i = 0; i < centres.size(); ++i) {
      double u = 0, v = 0;
      expected >> u >> v;
      const auto it = sums.find(static_cast<int>(i) + 1);  // geom order = instance order
      if (u < 2 || v < 2 || u > frame.width - 3 || v > frame.height - 3) continue;
      REQUIRE(it != sums.end());
      const auto& s = it->second;
      worst = std::max(worst, std::hypot(s[0] / s[2] - u, s[1] / s[2] - v));
      ++seen;
    }
    WARN("spheres seen " << seen << ", worst centroid distance " << worst << " px");
    CHECK(seen > 40);
    CHECK(worst < 0.5);
  }
  twin::testing::RequireNoValidationMessages(context);
}
