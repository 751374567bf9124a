#include <twin/render/lidar.h>

#include <twin/base/error.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <utility>

namespace twin::render {
namespace {

constexpr double kDegree = std::numbers::pi / 180;

// Views: at most this wide around the vertical axis, and this tall in elevation, degrees.
constexpr double kViewWidthDeg = 90, kViewHeightDeg = 80;
// Pixels are never coarser than this, degrees: even a lidar of few beams sees edges sharply.
constexpr double kMaxPixelDeg = 0.25;
// Inverse depths of neighbouring pixels count as one plane when they deviate from it by less
// than this, in metres of depth.
constexpr double kCoplanarMetres = 1e-3;
// Neighbouring pixels' normals (8-bit in the renderer) that agree this well are one surface's.
constexpr double kSameNormalCos = 0.999;

std::string Num(double value) {
  char text[64];
  const auto result = std::to_chars(text, text + sizeof(text), value, std::chars_format::fixed);
  return std::string(text, result.ptr);
}

[[noreturn]] void Fail(const LidarModel& lidar, const std::string& what) {
  throw base::Error("lidar '" + lidar.name + "': " + what);
}

using Vec3 = std::array<double, 3>;

double Dot(const Vec3& a, const Vec3& b) {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
Vec3 Cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

// A depth view's axes in the sensor frame: x right, y down, z forward (OpenCV), looking at
// azimuth `yaw` and elevation `pitch` with the sensor's z up.
struct ViewAxes {
  Vec3 right, down, forward;
};

ViewAxes AxesLookingAt(double yaw, double pitch) {
  ViewAxes a;
  a.forward = {std::cos(pitch) * std::cos(yaw), std::cos(pitch) * std::sin(yaw), std::sin(pitch)};
  a.right = {std::sin(yaw), -std::cos(yaw), 0};
  a.down = Cross(a.forward, a.right);
  return a;
}

// Where one beam reads its view.
struct BeamSample {
  int view = 0;
  double u = 0, v = 0;  // continuous pixel coordinates
  double inv_cos = 1;   // range / along-axis depth
};

// One pixel of a view.
struct Pixel {
  double w = 0;  // inverse depth, 1/m; 0 = no surface
  uint16_t id = 0;
};

class ViewImage {
 public:
  explicit ViewImage(const CameraFrame& frame) : f_(frame) {}
  Pixel At(int i, int j) const {
    if (i < 0 || j < 0 || i >= f_.width || j >= f_.height) return {};
    const size_t k = Index(i, j);
    const float z = f_.depth[k];
    return z > 0 ? Pixel{1.0 / z, f_.instance[k]} : Pixel{};
  }
  // Inverse depth at pixel (i + di, j + dj) of the plane through pixel (i, j) with its normal.
  // The renderer stores normals in 8 bits, so this says which surface a neighbour is on, not
  // where exactly; 0 when the plane is edge-on or behind.
  double PlaneInverseDepth(int i, int j, int di, int dj) const {
    const size_t k = Index(i, j);
    const float* n = &f_.normal[3 * k];
    const CameraIntrinsics& in = f_.intrinsics;
    const double x = (i - in.cx) / in.fx, y = (j - in.cy) / in.fy;
    const double along = f_.depth[k] * (n[0] * x + n[1] * y + n[2]);  // n . P
    const double facing = n[0] * (i + di - in.cx) / in.fx + n[1] * (j + dj - in.cy) / in.fy + n[2];
    return std::abs(along) > 1e-12 && facing / along > 0 ? facing / along : 0;
  }
  bool SameNormal(int i, int j, int i2, int j2) const {
    const float *a = &f_.normal[3 * Index(i, j)], *b = &f_.normal[3 * Index(i2, j2)];
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2] > kSameNormalCos;
  }

 private:
  size_t Index(int i, int j) const { return static_cast<size_t>(j) * f_.width + i; }
  const CameraFrame& f_;
};

// Within kCoplanarMetres of one plane, for inverse depths whose affine combination `residual`
// vanishes on a plane, near inverse depth `w`.
bool Coplanar(double residual, double w) {
  return std::abs(residual) <= kCoplanarMetres * w * w;
}

// Whether the step in inverse depth from pixel (i, j) to (i + di, j + dj), both on one instance,
// continues a surface: it equals the step before it or the step after it. Four coplanar pixels
// may still straddle a jump (a 2x2 block constant along one axis always passes that test); this
// one catches it.
bool SmoothStep(const ViewImage& image, int i, int j, int di, int dj) {
  const Pixel a = image.At(i, j), b = image.At(i + di, j + dj);
  const double step = b.w - a.w;
  const Pixel before = image.At(i - di, j - dj), after = image.At(i + 2 * di, j + 2 * dj);
  if (before.w > 0 && before.id == a.id && Coplanar(step - (a.w - before.w), a.w)) return true;
  return after.w > 0 && after.id == a.id && Coplanar(after.w - b.w - step, b.w);
}

// Slope of inverse depth per pixel at pixel (i, j) along (di, dj), from a neighbour on the same
// plane (same instance and normal, and where that normal puts it), on the side `toward` first.
// Without one, the slope of the pixel's own (coarse) normal.
double Slope(const ViewImage& image, int i, int j, int di, int dj, int toward, const Pixel& p) {
  for (const int side : {toward, -toward}) {
    const int i1 = i + side * di, j1 = j + side * dj;
    const Pixel p1 = image.At(i1, j1);
    if (p1.w <= 0 || p1.id != p.id || !image.SameNormal(i, j, i1, j1)) continue;
    const double predicted = image.PlaneInverseDepth(i, j, side * di, side * dj);
    const double step = p1.w - p.w;
    if (predicted <= 0 ||
        std::abs(p1.w - predicted) > 0.25 * std::abs(predicted - p.w) + kCoplanarMetres * p.w * p.w)
      continue;
    return side * step;
  }
  const double predicted = image.PlaneInverseDepth(i, j, di, dj);
  return predicted > 0 ? predicted - p.w : 0;
}

// Depth along the view's axis and instance seen by a beam; depth 0 for nothing.
struct Hit {
  double depth = 0;
  uint16_t id = 0;
};

Hit SampleDepth(const ViewImage& image, const BeamSample& beam) {
  const double u = beam.u, v = beam.v;
  const int i0 = static_cast<int>(std::floor(u)), j0 = static_cast<int>(std::floor(v));
  const double a = u - i0, b = v - j0;
  const Pixel p00 = image.At(i0, j0), p10 = image.At(i0 + 1, j0);
  const Pixel p01 = image.At(i0, j0 + 1), p11 = image.At(i0 + 1, j0 + 1);
  // One plane under all four, continuing beyond them: bilinear in inverse depth, exact for a
  // plane (1/z is affine in screen space).
  if (p00.w > 0 && p10.w > 0 && p01.w > 0 && p11.w > 0 && p00.id == p10.id && p00.id == p01.id &&
      p00.id == p11.id) {
    const double mean = (p00.w + p10.w + p01.w + p11.w) / 4;
    if (Coplanar(p00.w + p11.w - p10.w - p01.w, mean) && SmoothStep(image, i0, j0, 1, 0) &&
        SmoothStep(image, i0, j0 + 1, 1, 0) && SmoothStep(image, i0, j0, 0, 1) &&
        SmoothStep(image, i0 + 1, j0, 0, 1)) {
      const double w = (1 - b) * ((1 - a) * p00.w + a * p10.w) + b * ((1 - a) * p01.w + a * p11.w);
      return {1 / w, p00.id};
    }
  }
  // A silhouette, a crease or a sliver of a surface: the nearest pixel's plane, continued to
  // the beam with the slopes of its neighbours on that plane.
  const int i = static_cast<int>(std::lround(u)), j = static_cast<int>(std::lround(v));
  const Pixel p = image.At(i, j);
  if (p.w <= 0) return {};
  const double du = u - i, dv = v - j;
  const double w = p.w + Slope(image, i, j, 1, 0, du >= 0 ? 1 : -1, p) * du +
                   Slope(image, i, j, 0, 1, dv >= 0 ? 1 : -1, p) * dv;
  return {w > 0.5 * p.w && w < 2 * p.w ? 1 / w : 1 / p.w, p.id};
}

// Beams that geoms of the lidar's own body stop nearer than min_range (or the renderer's 1 cm
// near plane): a lidar mounted on a face sees into its own housing from there, where depth
// rendering from a point on the surface would see through it. Those geoms are rigid in the
// sensor frame, so this holds for good once computed.
std::vector<char> BlockedBySelf(const mjModel* m, const mjData* d, int site,
                                const SceneLabels& labels, const LidarModel& l,
                                const std::vector<Vec3>& directions) {
  std::vector<char> blocked(directions.size(), 0);
  const int body = m->site_bodyid[site];
  const double nearest = std::max(l.min_range, 0.01);
  const mjtNum* origin = d->site_xpos + 3 * site;
  const mjtNum* r = d->site_xmat + 9 * site;
  for (int g = 0; g < m->ngeom; ++g) {
    if (m->geom_bodyid[g] != body || labels.geom_instance[g] == 0) continue;
    for (size_t beam = 0; beam < directions.size(); ++beam) {
      const Vec3& v = directions[beam];
      mjtNum world[3];
      for (int i = 0; i < 3; ++i)
        world[i] = r[3 * i] * v[0] + r[3 * i + 1] * v[1] + r[3 * i + 2] * v[2];
      mjtNum x;
      if (m->geom_type[g] == mjGEOM_MESH)
        x = mj_rayMesh(m, d, g, origin, world);
      else if (m->geom_type[g] == mjGEOM_HFIELD)
        x = mj_rayHfield(m, d, g, origin, world);
      else
        x = mju_rayGeom(d->geom_xpos + 3 * g, d->geom_xmat + 9 * g, m->geom_size + 3 * g, origin,
                        world, m->geom_type[g]);
      if (x >= 0 && x < nearest) blocked[beam] = 1;
    }
  }
  return blocked;
}

}  // namespace

double LidarModel::HorizontalStepRad() const {
  if (horizontal_samples < 2) return 0;
  const bool full_turn = horizontal_fov_deg >= 360;
  return horizontal_fov_deg * kDegree / (full_turn ? horizontal_samples : horizontal_samples - 1);
}

double LidarModel::VerticalStepRad() const {
  return channels < 2 ? 0 : vertical_fov_deg * kDegree / (channels - 1);
}

double LidarModel::ElevationRad(int channel) const {
  if (channels < 2) return 0;
  return -vertical_fov_deg * kDegree / 2 + channel * VerticalStepRad();
}

double LidarModel::AzimuthRad(int sample) const {
  if (horizontal_samples < 2) return 0;
  return -horizontal_fov_deg * kDegree / 2 + sample * HorizontalStepRad();
}

std::array<double, 3> LidarModel::Direction(int channel, int sample) const {
  const double e = ElevationRad(channel), a = AzimuthRad(sample);
  return {std::cos(e) * std::cos(a), std::cos(e) * std::sin(a), std::sin(e)};
}

LidarModel LidarFromSpec(const scenes::LidarSpec& spec) {
  LidarModel lidar;
  lidar.name = spec.name;
  lidar.site = spec.site;
  lidar.channels = spec.channels;
  lidar.horizontal_samples = spec.horizontal_samples;
  lidar.horizontal_fov_deg = spec.horizontal_fov_deg;
  lidar.vertical_fov_deg = spec.vertical_fov_deg;
  lidar.min_range = spec.min_range;
  lidar.max_range = spec.max_range;
  return lidar;
}

void ValidateLidar(const LidarModel& lidar) {
  if (lidar.channels < 1) Fail(lidar, "channels must be >= 1 (got " + Num(lidar.channels) + ")");
  if (lidar.horizontal_samples < 1)
    Fail(lidar, "horizontal_samples must be >= 1 (got " + Num(lidar.horizontal_samples) + ")");
  if (!(lidar.horizontal_fov_deg > 0 && lidar.horizontal_fov_deg <= 360))
    Fail(lidar,
         "horizontal_fov must be in (0, 360] degrees (got " + Num(lidar.horizontal_fov_deg) + ")");
  if (!(lidar.vertical_fov_deg >= 0 && lidar.vertical_fov_deg <= 180))
    Fail(lidar,
         "vertical_fov must be in [0, 180] degrees (got " + Num(lidar.vertical_fov_deg) + ")");
  if (!(lidar.min_range >= 0 && lidar.max_range > lidar.min_range &&
        std::isfinite(lidar.max_range)))
    Fail(lidar, "range must be [min, max] metres with 0 <= min < max (got [" +
                    Num(lidar.min_range) + ", " + Num(lidar.max_range) + "])");
}

struct LidarRenderer::Impl {
  Impl(Context& context, const mjModel* m, SceneLabels labels)
      : model(m), renderer(context, m, std::move(labels), RendererOptions{.shadows = false}) {}

  const mjModel* model;
  LidarModel lidar;
  int site = -1;
  Renderer renderer;
  std::vector<ViewAxes> views;
  std::vector<BeamSample> samples;  // per beam
  std::vector<Vec3> directions;     // per beam, sensor frame
  // Beams blocked at the optical centre by the lidar's own body (see BlockedBySelf).
  std::vector<char> blocked;
  bool blocked_known = false;
};

LidarRenderer::LidarRenderer(Context& context, const mjModel* m, SceneLabels labels,
                             LidarModel lidar, LidarRenderOptions options)
    : impl_(std::make_unique<Impl>(context, m, std::move(labels))) {
  ValidateLidar(lidar);
  if (!(options.oversample > 0 && std::isfinite(options.oversample)))
    Fail(lidar, "oversample must be > 0 (got " + Num(options.oversample) + ")");
  Impl& s = *impl_;
  s.site = mj_name2id(m, mjOBJ_SITE, lidar.site.c_str());
  if (s.site < 0) Fail(lidar, "its site '" + lidar.site + "' is not in the model");
  s.lidar = std::move(lidar);
  const LidarModel& l = s.lidar;

  // Views in rows of elevation, each row a fan around the vertical axis.
  const int across =
      std::max(1, static_cast<int>(std::ceil(l.horizontal_fov_deg / kViewWidthDeg - 1e-9)));
  const int rows =
      std::max(1, static_cast<int>(std::ceil(l.vertical_fov_deg / kViewHeightDeg - 1e-9)));
  for (int r = 0; r < rows; ++r)
    for (int k = 0; k < across; ++k) {
      const double yaw = (-l.horizontal_fov_deg / 2 + (k + 0.5) * l.horizontal_fov_deg / across);
      const double pitch = (-l.vertical_fov_deg / 2 + (r + 0.5) * l.vertical_fov_deg / rows);
      s.views.push_back(AxesLookingAt(yaw * kDegree, pitch * kDegree));
    }

  // Each beam to the view whose axis is nearest; its normalized image coordinates there.
  const int n_views = static_cast<int>(s.views.size());
  struct Bounds {
    double x0 = 0, x1 = 0, y0 = 0, y1 = 0;  // always containing the principal point
  };
  std::vector<Bounds> bounds(n_views);
  std::vector<std::array<double, 2>> normalized(l.beams());
  s.samples.resize(l.beams());
  s.directions.resize(l.beams());
  for (int c = 0; c < l.channels; ++c)
    for (int j = 0; j < l.horizontal_samples; ++j) {
      const int beam = c * l.horizontal_samples + j;
      const Vec3 d = l.Direction(c, j);
      int best = 0;
      for (int v = 1; v < n_views; ++v)
        if (Dot(d, s.views[v].forward) > Dot(d, s.views[best].forward)) best = v;
      const ViewAxes& a = s.views[best];
      const double z = Dot(d, a.forward);
      TWIN_DEMAND(z > 0.2);  // views are at most ~50 degrees from each of their beams
      const double x = Dot(d, a.right) / z, y = Dot(d, a.down) / z;
      Bounds& b = bounds[best];
      b.x0 = std::min(b.x0, x), b.x1 = std::max(b.x1, x);
      b.y0 = std::min(b.y0, y), b.y1 = std::max(b.y1, y);
      normalized[beam] = {x, y};
      s.samples[beam].view = best;
      s.samples[beam].inv_cos = 1 / z;
      s.directions[beam] = d;
    }

  // Square pixels: `oversample` per beam step at the view centre (finer towards its edges).
  double step = std::numeric_limits<double>::infinity();
  for (const double st : {l.HorizontalStepRad(), l.VerticalStepRad()})
    if (st > 0) step = std::min(step, st);
  const double pixel =
      std::min(std::tan(step / options.oversample), std::tan(kMaxPixelDeg * kDegree));
  const int max_dimension = static_cast<int>(context.max_image_dimension());
  for (int v = 0; v < n_views; ++v) {
    const Bounds& b = bounds[v];
    // Focal length in pixels, smaller where the device limits the image size.
    double f = 1 / pixel;
    const double span = std::max(b.x1 - b.x0, b.y1 - b.y0);
    f = std::min(f, (max_dimension - 2 - 2 * kLidarViewMargin) / std::max(span, 1e-9));
    RenderCamera camera;
    camera.name = s.lidar.name + "/view" + std::to_string(v);
    CameraIntrinsics& k = camera.intrinsics;
    k.fx = k.fy = f;
    k.cx = kLidarViewMargin - b.x0 * f;
    k.cy = kLidarViewMargin - b.y0 * f;
    k.width = static_cast<int>(std::ceil((b.x1 - b.x0) * f)) + 1 + 2 * kLidarViewMargin;
    k.height = static_cast<int>(std::ceil((b.y1 - b.y0) * f)) + 1 + 2 * kLidarViewMargin;
    s.renderer.AddCamera(camera);
  }
  for (int beam = 0; beam < l.beams(); ++beam) {
    BeamSample& sample = s.samples[beam];
    const CameraIntrinsics& k = s.renderer.camera(sample.view).intrinsics;
    sample.u = k.fx * normalized[beam][0] + k.cx;
    sample.v = k.fy * normalized[beam][1] + k.cy;
  }
}

LidarRenderer::~LidarRenderer() = default;

const LidarModel& LidarRenderer::lidar() const {
  return impl_->lidar;
}
int LidarRenderer::view_count() const {
  return impl_->renderer.camera_count();
}
const RenderCamera& LidarRenderer::view(int index) const {
  return impl_->renderer.camera(index);
}
Renderer& LidarRenderer::renderer() {
  return impl_->renderer;
}

void LidarRenderer::Submit(const mjData* d) {
  Impl& s = *impl_;
  // The views follow the site: world rotation = site rotation * view axes in the sensor frame.
  std::array<double, 3> position;
  for (int i = 0; i < 3; ++i) position[i] = d->site_xpos[3 * s.site + i];
  const mjtNum* site = d->site_xmat + 9 * s.site;
  for (size_t v = 0; v < s.views.size(); ++v) {
    const ViewAxes& a = s.views[v];
    std::array<double, 9> rotation;
    for (int i = 0; i < 3; ++i) {
      const double* row = site + 3 * i;
      rotation[3 * i + 0] = Dot({row[0], row[1], row[2]}, a.right);
      rotation[3 * i + 1] = Dot({row[0], row[1], row[2]}, a.down);
      rotation[3 * i + 2] = Dot({row[0], row[1], row[2]}, a.forward);
    }
    s.renderer.SetCameraPose(static_cast<int>(v), position, rotation);
  }
  if (!s.blocked_known) {
    s.blocked = BlockedBySelf(s.model, d, s.site, s.renderer.labels(), s.lidar, s.directions);
    s.blocked_known = true;
  }
  s.renderer.Submit(d, kDepth | kLabels | kNormal);
}

LidarScan LidarRenderer::Collect() {
  Impl& s = *impl_;
  const std::vector<CameraFrame> frames = s.renderer.Collect();
  const LidarModel& l = s.lidar;
  LidarScan scan;
  scan.lidar = l.name;
  scan.time = frames.empty() ? 0 : frames[0].time;
  scan.channels = l.channels;
  scan.horizontal_samples = l.horizontal_samples;
  scan.ranges.assign(l.beams(), 0.0f);
  scan.points.assign(3 * static_cast<size_t>(l.beams()), std::numeric_limits<float>::quiet_NaN());
  scan.instance.assign(l.beams(), 0);
  std::vector<ViewImage> images;
  for (const CameraFrame& f : frames) images.emplace_back(f);
  for (int beam = 0; beam < l.beams(); ++beam) {
    if (s.blocked[beam]) continue;
    const BeamSample& b = s.samples[beam];
    const Hit hit = SampleDepth(images[b.view], b);
    if (hit.depth <= 0) continue;
    // Depth along the view's axis -> range along the beam.
    const double range = hit.depth * b.inv_cos;
    if (range < l.min_range || range > l.max_range) continue;
    scan.ranges[beam] = static_cast<float>(range);
    for (int i = 0; i < 3; ++i)
      scan.points[3 * beam + i] = static_cast<float>(range * s.directions[beam][i]);
    scan.instance[beam] = hit.id;
  }
  return scan;
}

LidarScan LidarRenderer::Scan(const mjData* d) {
  Submit(d);
  return Collect();
}

}  // namespace twin::render
