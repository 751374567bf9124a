#include "pixel_truth.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "render_support.h"

namespace twin::testing {
namespace {

// What one ray shows: a geom's ids and depth, or nothing (ids 0, depth 0).
struct Seen {
  int geom = -1;
  int instance = 0, semantic = 0;
  double depth = 0;
};

Seen Cast(const mjModel* m, const mjData* d, const render::CameraIntrinsics& k,
          const std::array<double, 3>& position, const std::array<double, 9>& rotation,
          const render::SceneLabels& labels, double u, double v) {
  Seen s;
  s.depth = RayDepth(m, d, k, position, rotation, u, v, &s.geom);
  if (s.geom >= 0) {
    s.instance = labels.geom_instance[s.geom];
    s.semantic = labels.geom_class[s.geom];
  }
  return s;
}

}  // namespace

void GeomDepthError::Add(const GeomDepthError& other) {
  pixels += other.pixels;
  worst_near = std::max(worst_near, other.worst_near);
  worst_far_relative = std::max(worst_far_relative, other.worst_far_relative);
  nearest = std::min(nearest, other.nearest);
  farthest = std::max(farthest, other.farthest);
  errors.insert(errors.end(), other.errors.begin(), other.errors.end());
}

double GeomDepthError::Quantile(double q) const {
  if (errors.empty()) return 0;
  std::vector<float> sorted = errors;
  const size_t k = std::min(sorted.size() - 1, static_cast<size_t>(q * sorted.size()));
  std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end());
  return sorted[k];
}

PixelTruth ComparePixels(const mjModel* m, const mjData* d, const render::CameraFrame& frame,
                         const std::array<double, 3>& position,
                         const std::array<double, 9>& rotation, const render::SceneLabels& labels,
                         const PixelTruthOptions& options) {
  PixelTruth truth;
  const render::CameraIntrinsics& k = frame.intrinsics;
  auto tolerance = [&](double z) {
    return z <= options.near_limit ? options.near_tolerance : options.far_tolerance * z;
  };
  auto report = [&](int u, int v, const char* what, double z, int id, const Seen& centre) {
    if (truth.failures.size() >= 10) return;
    std::ostringstream line;
    line.precision(9);
    line << what << " at (" << u << ", " << v << "): rendered depth " << z << " instance " << id
         << ", mj_ray depth " << centre.depth << " geom " << centre.geom << " instance "
         << centre.instance;
    truth.failures.push_back(line.str());
  };
  for (int v = 0; v < frame.height; ++v)
    for (int u = 0; u < frame.width; ++u) {
      const size_t i = static_cast<size_t>(v) * frame.width + u;
      const double z = frame.depth[i];
      const int id = frame.instance[i], semantic = frame.semantic[i];
      ++truth.pixels;
      if ((z > 0) != (id != 0)) {
        ++truth.wrong_empty;
        report(u, v, "depth without ids or ids without depth", z, id, {});
        continue;
      }
      const Seen centre = Cast(m, d, k, position, rotation, labels, u, v);
      truth.surface += centre.geom >= 0;
      const bool same_ids = id == centre.instance && semantic == centre.semantic;
      const double raw_error = std::abs(z - centre.depth);
      double error = raw_error;
      bool steep = false;
      if (same_ids && id != 0 && error > tolerance(centre.depth)) {
        // The depth change over slope_px, from mj_ray 0.01 pixel either side (on the same geom).
        const double h = 0.01;
        double slope = 0;
        for (const auto& [du, dv] : {std::pair{h, 0.0}, {0.0, h}}) {
          const Seen a = Cast(m, d, k, position, rotation, labels, u + du, v + dv);
          const Seen b = Cast(m, d, k, position, rotation, labels, u - du, v - dv);
          if (a.geom != centre.geom || b.geom != centre.geom) slope = 1e300;  // a silhouette
          slope = std::max(slope, std::abs(a.depth - b.depth) / (2 * h));
        }
        if (slope < 1e300) {
          error = std::max(0.0, error - options.slope_px * slope);
          steep = true;
        }
      }
      if (same_ids && (id == 0 || error <= tolerance(centre.depth))) {
        if (id == 0) continue;
        truth.steep += steep;
        GeomDepthError one;
        one.pixels = 1;
        one.nearest = one.farthest = centre.depth;
        one.errors.push_back(static_cast<float>(raw_error));
        if (centre.depth <= options.near_limit)
          one.worst_near = error;
        else
          one.worst_far_relative = error / centre.depth;
        truth.by_geom[centre.geom].Add(one);
        truth.worst_near = std::max(truth.worst_near, one.worst_near);
        truth.worst_far_relative = std::max(truth.worst_far_relative, one.worst_far_relative);
        continue;
      }
      // A silhouette (or crease) pixel: rays up to slack_px away show what the pixel shows. Its
      // depth may be any along the way, up to where the surface ends (a curved one is deepest
      // there): where a ray slack_px away and the centre's disagree, the boundary between them is
      // bisected. Or, where a face ends within slack_px, the depth of that face continued to the
      // centre (the rasterizer's coverage and mj_ray decide the edge in different arithmetic):
      // the plane through the hits slack_px / 2 and slack_px away, in inverse depth.
      const double s = options.slack_px;
      std::vector<double> continued;
      auto shows = [&](const Seen& seen) {
        return seen.instance == id && seen.semantic == semantic;
      };
      bool shown = false;
      double lo = same_ids ? centre.depth : 1e300, hi = same_ids ? centre.depth : -1e300;
      auto include = [&](const Seen& seen) {
        shown = true;
        lo = std::min(lo, seen.depth);
        hi = std::max(hi, seen.depth);
      };
      for (int a = -1; a <= 1; ++a)
        for (int b = -1; b <= 1; ++b) {
          if (a == 0 && b == 0) continue;
          const Seen outer = Cast(m, d, k, position, rotation, labels, u + a * s, v + b * s);
          if (shows(outer)) {
            include(outer);
            const Seen half =
                Cast(m, d, k, position, rotation, labels, u + a * s / 2, v + b * s / 2);
            if (shows(half) && 2 / half.depth > 1 / outer.depth)
              continued.push_back(1 / (2 / half.depth - 1 / outer.depth));
          }
          if (shows(outer) == same_ids) continue;
          double in = same_ids ? 0 : s, out = same_ids ? s : 0;  // showing / not showing
          Seen last = same_ids ? centre : outer;
          for (int step = 0; step < 40; ++step) {
            const double mid = (in + out) / 2;
            const Seen seen = Cast(m, d, k, position, rotation, labels, u + a * mid, v + b * mid);
            if (shows(seen)) {
              in = mid;
              last = seen;
            } else {
              out = mid;
            }
          }
          include(last);
        }
      bool on_continued = false;
      for (const double c : continued)
        on_continued = on_continued || std::abs(z - c) <= tolerance(c);
      if (shown &&
          (id == 0 || (z >= lo - tolerance(lo) && z <= hi + tolerance(hi)) || on_continued)) {
        ++truth.silhouette;
        continue;
      }
      if (!same_ids) {
        ++truth.wrong_ids;
        report(u, v, "ids differ", z, id, centre);
      } else {
        ++truth.wrong_depth;
        report(u, v, "depth differs", z, id, centre);
      }
    }
  return truth;
}

std::string Summary(const PixelTruth& truth) {
  std::ostringstream s;
  s << truth.pixels << " pixels, " << truth.surface << " on a surface (" << truth.steep
    << " steep), " << truth.silhouette << " silhouette; wrong: ids " << truth.wrong_ids
    << ", depth " << truth.wrong_depth << ", empty " << truth.wrong_empty
    << "; worst depth error less the slope term " << truth.worst_near * 1e6
    << " um up to the near limit, " << truth.worst_far_relative << " relative beyond";
  return s.str();
}

}  // namespace twin::testing
