// Pinhole + Brown-Conrady (OpenCV) camera model. Ours rather than OpenCV's because the renderer
// needs it at runtime without OpenCV; the tests check it against cv2.projectPoints.
#include <twin/render/camera_model.h>

#include <twin/base/error.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <string>
#include <utility>

namespace twin::render {
namespace {

// Shortest text that reads back as the same number ("-5", "0.25", "700", "inf", "nan").
std::string Num(double value) {
  char text[64];
  // Shortest round-trip digits, never an exponent: "700", not "7e+02".
  const auto result = std::to_chars(text, text + sizeof(text), value, std::chars_format::fixed);
  return std::string(text, result.ptr);
}

[[noreturn]] void Fail(std::string_view camera, const std::string& what) {
  throw base::Error("camera '" + std::string(camera) + "': " + what);
}

// The distortion of (x, y) and its Jacobian d(xd, yd)/d(x, y), which is symmetric.
struct DistortionAt {
  double xd, yd;
  double j_xx, j_xy, j_yy;
};

DistortionAt Evaluate(const CameraIntrinsics& k, double x, double y) {
  const double r2 = x * x + y * y;
  const double radial = 1 + r2 * (k.k1 + r2 * (k.k2 + r2 * k.k3));
  const double d_radial = k.k1 + r2 * (2 * k.k2 + 3 * r2 * k.k3);  // d radial / d r2
  DistortionAt d;
  d.xd = x * radial + 2 * k.p1 * x * y + k.p2 * (r2 + 2 * x * x);
  d.yd = y * radial + k.p1 * (r2 + 2 * y * y) + 2 * k.p2 * x * y;
  d.j_xx = radial + 2 * x * x * d_radial + 2 * k.p1 * y + 6 * k.p2 * x;
  d.j_xy = 2 * x * y * d_radial + 2 * k.p1 * x + 2 * k.p2 * y;
  d.j_yy = radial + 2 * y * y * d_radial + 6 * k.p1 * y + 2 * k.p2 * x;
  return d;
}

// Newton on Distort(x, y) = (xd, yd), halving a step that does not reduce the residual so that a
// strong lens does not throw the iteration past the fold of the distortion curve.
struct UndistortResult {
  double x, y;
  bool valid;  // converged, and the lens is not folded there (the ray is really seen at xd, yd)
};

UndistortResult Solve(const CameraIntrinsics& k, double xd, double yd) {
  double x = xd, y = yd;
  DistortionAt d = Evaluate(k, x, y);
  double residual = std::hypot(d.xd - xd, d.yd - yd);
  for (int iteration = 0; iteration < 100 && residual > 1e-15; ++iteration) {
    const double det = d.j_xx * d.j_yy - d.j_xy * d.j_xy;
    if (det == 0 || !std::isfinite(det)) break;
    const double ex = d.xd - xd, ey = d.yd - yd;
    const double step_x = (d.j_yy * ex - d.j_xy * ey) / det;
    const double step_y = (d.j_xx * ey - d.j_xy * ex) / det;
    double scale = 1;
    bool improved = false;
    for (int halving = 0; halving < 30; ++halving, scale *= 0.5) {
      const double nx = x - scale * step_x, ny = y - scale * step_y;
      const DistortionAt nd = Evaluate(k, nx, ny);
      const double n_residual = std::hypot(nd.xd - xd, nd.yd - yd);
      if (n_residual < residual) {
        x = nx, y = ny, d = nd, residual = n_residual;
        improved = true;
        break;
      }
    }
    if (!improved) break;
  }
  const double det = d.j_xx * d.j_yy - d.j_xy * d.j_xy;
  const double tolerance = 1e-12 * std::max(1.0, std::hypot(xd, yd));
  return {x, y, residual <= tolerance && det > 0 && d.j_xx > 0};
}

}  // namespace

CameraIntrinsics IntrinsicsFromFovy(int width, int height, double fovy_degrees) {
  // fovy spans the full image height, edge to edge: `height` pixels. Square pixels. The centre of
  // an image that spans [-0.5, size - 0.5) is (size - 1) / 2.
  CameraIntrinsics k;
  k.width = width;
  k.height = height;
  k.fy = 0.5 * height / std::tan(0.5 * fovy_degrees * std::numbers::pi / 180);
  k.fx = k.fy;
  k.cx = 0.5 * (width - 1);
  k.cy = 0.5 * (height - 1);
  return k;
}

void ValidateIntrinsics(const CameraIntrinsics& k, std::string_view camera, int max_dimension) {
  if (k.width < 1) Fail(camera, "width must be >= 1 (got " + std::to_string(k.width) + ")");
  if (k.height < 1) Fail(camera, "height must be >= 1 (got " + std::to_string(k.height) + ")");
  if (k.width > max_dimension || k.height > max_dimension) {
    Fail(camera, std::to_string(k.width) + "x" + std::to_string(k.height) +
                     " is larger than the device limit " + std::to_string(max_dimension) +
                     " pixels per side");
  }
  const std::pair<const char*, double> focal[] = {{"fx", k.fx}, {"fy", k.fy}};
  for (const auto& [name, value] : focal) {
    if (!std::isfinite(value)) {
      Fail(camera, std::string(name) + " must be finite (got " + Num(value) + ")");
    }
    if (value <= 0) Fail(camera, std::string(name) + " must be > 0 (got " + Num(value) + ")");
  }
  // Written so that NaN fails too.
  if (!(k.cx >= -0.5 && k.cx < k.width - 0.5 && k.cy >= -0.5 && k.cy < k.height - 0.5)) {
    Fail(camera, "principal point (" + Num(k.cx) + ", " + Num(k.cy) + ") is outside the " +
                     std::to_string(k.width) + "x" + std::to_string(k.height) + " image");
  }
  const std::pair<const char*, double> coefficients[] = {
      {"k1", k.k1}, {"k2", k.k2}, {"p1", k.p1}, {"p2", k.p2}, {"k3", k.k3}};
  for (const auto& [name, value] : coefficients) {
    if (!std::isfinite(value)) {
      Fail(camera, std::string("distortion ") + name + " must be finite (got " + Num(value) + ")");
    }
  }
}

bool HasDistortion(const CameraIntrinsics& k) {
  return k.k1 != 0 || k.k2 != 0 || k.p1 != 0 || k.p2 != 0 || k.k3 != 0;
}

std::array<double, 2> Distort(const CameraIntrinsics& k, double x, double y) {
  const DistortionAt d = Evaluate(k, x, y);
  return {d.xd, d.yd};
}

std::array<double, 2> Undistort(const CameraIntrinsics& k, double xd, double yd) {
  const UndistortResult r = Solve(k, xd, yd);
  return {r.x, r.y};
}

std::array<double, 2> ProjectPoint(const CameraIntrinsics& k, const std::array<double, 3>& p) {
  const auto [xd, yd] = Distort(k, p[0] / p[2], p[1] / p[2]);
  return {k.fx * xd + k.cx, k.fy * yd + k.cy};
}

DistortionMap MakeDistortionMap(const CameraIntrinsics& k, int max_dimension) {
  TWIN_DEMAND(k.width >= 1 && k.height >= 1 && k.fx > 0 && k.fy > 0);
  TWIN_DEMAND(k.width <= max_dimension && k.height <= max_dimension);
  DistortionMap map;
  map.width = k.width;
  map.height = k.height;
  map.canvas = k;
  map.canvas.k1 = map.canvas.k2 = map.canvas.p1 = map.canvas.p2 = map.canvas.k3 = 0;
  if (!HasDistortion(k)) return map;

  // The undistorted normalized ray of every output pixel (not only the border: with mixed-sign
  // coefficients or tangential terms the extremes can lie inside), and their bounding box, which
  // also holds the optical axis so that the canvas' principal point lies inside the canvas.
  const size_t pixels = static_cast<size_t>(k.width) * k.height;
  std::vector<double> ray_x(pixels), ray_y(pixels);
  std::vector<bool> seen(pixels);
  double x_min = 0, x_max = 0, y_min = 0, y_max = 0;
  for (int v = 0; v < k.height; ++v) {
    for (int u = 0; u < k.width; ++u) {
      const size_t i = static_cast<size_t>(v) * k.width + u;
      const UndistortResult r = Solve(k, (u - k.cx) / k.fx, (v - k.cy) / k.fy);
      ray_x[i] = r.x, ray_y[i] = r.y, seen[i] = r.valid;
      if (!r.valid) continue;
      x_min = std::min(x_min, r.x), x_max = std::max(x_max, r.x);
      y_min = std::min(y_min, r.y), y_max = std::max(y_max, r.y);
    }
  }

  // Twice the focal lengths (below), unless the canvas would exceed the device limit: then both
  // shrink by the same factor (square pixels stay square). A margin of one canvas pixel on each
  // side keeps every bilinear sample's four neighbours inside.
  constexpr double kMargin = 1;
  const double span = std::max(k.fx * (x_max - x_min), k.fy * (y_max - y_min));
  const double room = max_dimension - 2 * kMargin - 1;
  // The canvas is drawn at twice the output's resolution: nearest sampling of depth and ids then
  // moves an edge by at most a quarter of an output pixel instead of a half.
  constexpr double kOversample = 2;
  const double scale = kOversample * span > room ? room / span * (1 - 1e-12) : kOversample;
  CameraIntrinsics& canvas = map.canvas;
  canvas.fx = k.fx * scale;
  canvas.fy = k.fy * scale;
  // At full scale the canvas grid is the (oversampled) output grid shifted by whole pixels, so that
  // near the optical axis (where the lens barely bends rays) every output pixel centre falls
  // exactly on a canvas pixel centre and nearest sampling moves nothing.
  const double shift_x = kMargin - canvas.fx * x_min - k.cx * scale;
  const double shift_y = kMargin - canvas.fy * y_min - k.cy * scale;
  canvas.cx = k.cx * scale + (scale == kOversample ? std::ceil(shift_x) : shift_x);
  canvas.cy = k.cy * scale + (scale == kOversample ? std::ceil(shift_y) : shift_y);
  canvas.width = static_cast<int>(std::ceil(canvas.cx + canvas.fx * x_max + kMargin)) + 1;
  canvas.height = static_cast<int>(std::ceil(canvas.cy + canvas.fy * y_max + kMargin)) + 1;
  TWIN_DEMAND(canvas.width <= max_dimension && canvas.height <= max_dimension);

  // A pixel no ray reaches (beyond the fold of a strong lens) gets source -1: outside, so black.
  map.map_x.resize(pixels);
  map.map_y.resize(pixels);
  for (size_t i = 0; i < pixels; ++i) {
    map.map_x[i] = seen[i] ? static_cast<float>(canvas.fx * ray_x[i] + canvas.cx) : -1.0f;
    map.map_y[i] = seen[i] ? static_cast<float>(canvas.fy * ray_y[i] + canvas.cy) : -1.0f;
  }
  return map;
}

void RemapBilinearRgb8(const DistortionMap& map, const uint8_t* src, uint8_t* dst) {
  const size_t pixels = static_cast<size_t>(map.width) * map.height;
  if (map.map_x.empty()) {
    std::copy(src, src + 3 * pixels, dst);
    return;
  }
  const int w = map.canvas.width, h = map.canvas.height;
  for (size_t i = 0; i < pixels; ++i) {
    const float sx = map.map_x[i], sy = map.map_y[i];
    uint8_t* out = dst + 3 * i;
    // The canvas spans [-0.5, size - 0.5); written so that NaN falls outside too.
    if (!(sx >= -0.5f && sx < w - 0.5f && sy >= -0.5f && sy < h - 0.5f)) {
      out[0] = out[1] = out[2] = 0;
      continue;
    }
    // Within half a pixel of the edge the missing neighbour is the edge pixel (clamp to edge).
    const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
    const float fx = sx - x0, fy = sy - y0;
    const int xa = std::max(x0, 0), xb = std::min(x0 + 1, w - 1);
    const int ya = std::max(y0, 0), yb = std::min(y0 + 1, h - 1);
    const uint8_t* p00 = src + 3 * (static_cast<size_t>(ya) * w + xa);
    const uint8_t* p10 = src + 3 * (static_cast<size_t>(ya) * w + xb);
    const uint8_t* p01 = src + 3 * (static_cast<size_t>(yb) * w + xa);
    const uint8_t* p11 = src + 3 * (static_cast<size_t>(yb) * w + xb);
    for (int c = 0; c < 3; ++c) {
      const float top = p00[c] + fx * (p10[c] - p00[c]);
      const float bottom = p01[c] + fx * (p11[c] - p01[c]);
      const float value = top + fy * (bottom - top);
      out[c] = static_cast<uint8_t>(std::clamp(std::lround(value), 0L, 255L));
    }
  }
}

void RemapNearest(const DistortionMap& map, const void* src, void* dst, int bytes_per_pixel) {
  const size_t pixels = static_cast<size_t>(map.width) * map.height;
  const size_t bpp = static_cast<size_t>(bytes_per_pixel);
  const auto* in = static_cast<const uint8_t*>(src);
  auto* out = static_cast<uint8_t*>(dst);
  if (map.map_x.empty()) {
    std::copy(in, in + bpp * pixels, out);
    return;
  }
  const int w = map.canvas.width, h = map.canvas.height;
  for (size_t i = 0; i < pixels; ++i) {
    const float sx = map.map_x[i], sy = map.map_y[i];
    if (!(sx >= -0.5f && sx < w - 0.5f && sy >= -0.5f && sy < h - 0.5f)) {
      std::fill(out + bpp * i, out + bpp * (i + 1), uint8_t{0});
      continue;
    }
    // The pixel whose square holds the sample: the nearest centre.
    const int x = std::min(static_cast<int>(std::floor(sx + 0.5f)), w - 1);
    const int y = std::min(static_cast<int>(std::floor(sy + 0.5f)), h - 1);
    const uint8_t* from = in + bpp * (static_cast<size_t>(y) * w + x);
    std::copy(from, from + bpp, out + bpp * i);
  }
}

}  // namespace twin::render
