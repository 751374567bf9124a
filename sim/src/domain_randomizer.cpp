#include <twin/sim/domain_randomizer.h>

#include <twin/base/error.h>
#include <twin/base/random.h>
#include <twin/sim/surface_below.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>

namespace twin::sim {
namespace {

using scenes::Interval;

// Draws per frame and stream: draw i of frame k is index k * kStride + i (i < kStride).
constexpr uint64_t kStride = uint64_t{1} << 20;
// Placement: tries per object before stacking it above what it overlaps.
constexpr int kPlacementTries = 24;

double Deg(double degrees) {
  return degrees * M_PI / 180.0;
}

// Draws of one kind for one frame.
class FrameRng {
 public:
  FrameRng(uint64_t seed, const std::string& stream, uint64_t frame)
      : rng_(seed, base::StreamId(stream)), base_(frame * kStride) {}
  double Uniform(uint64_t i) const {
    TWIN_DEMAND(i < kStride);
    return rng_.Uniform(base_ + i);
  }
  double In(uint64_t i, const Interval& r) const { return r.min + (r.max - r.min) * Uniform(i); }
  int Count(uint64_t i, const scenes::CountInterval& r) const {
    return std::min(r.max, r.min + static_cast<int>(Uniform(i) * (r.max - r.min + 1)));
  }
  // The first `n` items of a permutation of 0..size-1 (Fisher-Yates on draws first..first+n-1).
  std::vector<int> Choose(uint64_t first, int size, int n) const {
    std::vector<int> order(size);
    std::iota(order.begin(), order.end(), 0);
    for (int k = 0; k < n && k < size; ++k) {
      const int pick =
          k + std::min(size - k - 1, static_cast<int>(Uniform(first + k) * (size - k)));
      std::swap(order[k], order[pick]);
    }
    order.resize(std::min(n, size));
    return order;
  }

 private:
  base::CounterRng rng_;
  uint64_t base_;
};

// RGB <-> HSV, every channel in [0, 1], hue in degrees.
std::array<double, 3> RgbToHsv(const float* rgb) {
  const double r = rgb[0], g = rgb[1], b = rgb[2];
  const double mx = std::max({r, g, b}), mn = std::min({r, g, b}), delta = mx - mn;
  double h = 0;
  if (delta > 0) {
    if (mx == r)
      h = 60 * std::fmod((g - b) / delta, 6.0);
    else if (mx == g)
      h = 60 * ((b - r) / delta + 2);
    else
      h = 60 * ((r - g) / delta + 4);
  }
  if (h < 0) h += 360;
  return {h, mx > 0 ? delta / mx : 0, mx};
}
void HsvToRgb(double h, double s, double v, float* rgb) {
  h = std::fmod(std::fmod(h, 360.0) + 360.0, 360.0);
  s = std::clamp(s, 0.0, 1.0);
  v = std::clamp(v, 0.0, 1.0);
  const double c = v * s, x = c * (1 - std::abs(std::fmod(h / 60, 2.0) - 1)), m = v - c;
  double r = 0, g = 0, b = 0;
  if (h < 60)
    r = c, g = x;
  else if (h < 120)
    r = x, g = c;
  else if (h < 180)
    g = c, b = x;
  else if (h < 240)
    g = x, b = c;
  else if (h < 300)
    r = x, b = c;
  else
    r = c, b = x;
  rgb[0] = static_cast<float>(r + m);
  rgb[1] = static_cast<float>(g + m);
  rgb[2] = static_cast<float>(b + m);
}

void QuatMul(const double a[4], const double b[4], double out[4]) {
  mju_mulQuat(out, a, b);
}
void QuatFromAxisAngle(const double axis[3], double angle, double out[4]) {
  mju_axisAngle2Quat(out, axis, angle);
}

// Lowest and highest world z of a geom (exact for boxes, spheres, capsules, cylinders; the
// bounding sphere otherwise).
std::array<double, 2> GeomZExtent(const mjModel* m, const mjData* d, int g) {
  const mjtNum* R = d->geom_xmat + 9 * g;
  const mjtNum* s = m->geom_size + 3 * g;
  const double z = d->geom_xpos[3 * g + 2];
  double half = m->geom_rbound[g];
  switch (m->geom_type[g]) {
    case mjGEOM_BOX:
      half = std::abs(R[6]) * s[0] + std::abs(R[7]) * s[1] + std::abs(R[8]) * s[2];
      break;
    case mjGEOM_SPHERE: half = s[0]; break;
    case mjGEOM_CAPSULE: half = s[0] + std::abs(R[8]) * s[1]; break;
    case mjGEOM_CYLINDER:
      half = std::abs(R[8]) * s[1] + s[0] * std::sqrt(std::max(0.0, 1 - R[8] * R[8]));
      break;
    default: break;
  }
  return {z - half, z + half};
}

// One placeable entity: a root body with a free joint and the geoms of its bodies.
struct Placeable {
  std::string name;
  int body = -1;
  int qpos = -1, qvel = -1;
  double base_quat[4] = {1, 0, 0, 0};
  double below = 0, above = 0;  // origin minus lowest point, highest point minus origin (base)
  double radius = 0;            // horizontal reach from the origin
  std::vector<int> geoms;
  // Points of its horizontal footprint (x, y from the origin, base orientation): where a drop
  // looks for the surface under it.
  std::vector<std::array<double, 2>> footprint;
};

// A 5x5 grid over geom g's horizontal extent as it stands: its axis-aligned box for boxes and
// meshes (exact for a box standing square), its disc for spheres and upright cylinders.
void AddFootprint(const mjModel* m, const mjData* d, int g, const mjtNum* origin,
                  std::vector<std::array<double, 2>>& points) {
  const mjtNum* R = d->geom_xmat + 9 * g;
  const mjtNum* s = m->geom_size + 3 * g;
  double hx = m->geom_rbound[g], hy = hx;
  bool disc = true;
  if (m->geom_type[g] == mjGEOM_BOX) {
    hx = std::abs(R[0]) * s[0] + std::abs(R[1]) * s[1] + std::abs(R[2]) * s[2];
    hy = std::abs(R[3]) * s[0] + std::abs(R[4]) * s[1] + std::abs(R[5]) * s[2];
    disc = false;
  } else if (m->geom_type[g] == mjGEOM_SPHERE ||
             (m->geom_type[g] == mjGEOM_CYLINDER && std::abs(R[8]) > 0.999)) {
    hx = hy = s[0];
  } else if (m->geom_type[g] != mjGEOM_CYLINDER) {
    disc = false;  // a square around the bounding sphere
  }
  for (int i = -2; i <= 2; ++i) {
    for (int j = -2; j <= 2; ++j) {
      const double u = 0.98 * i / 2, v = 0.98 * j / 2;
      if (disc && u * u + v * v > 1) continue;
      points.push_back(
          {d->geom_xpos[3 * g] - origin[0] + u * hx, d->geom_xpos[3 * g + 1] - origin[1] + v * hy});
    }
  }
}

struct ClassGeoms {
  std::vector<std::vector<int>> instances;  // geoms per entity of the class
};

}  // namespace

struct DomainRandomizer::Impl {
  scenes::RandomizeSpec spec;
  WorldSnapshot base_state;
  // Base model fields.
  std::vector<mjtByte> light_active;
  std::vector<mjtNum> light_dir;
  std::vector<float> light_diffuse, light_specular, geom_rgba;
  std::vector<int> geom_matid, geom_contype, geom_conaffinity;
  std::vector<mjtNum> geom_friction, body_mass, body_inertia, body_subtreemass, body_invweight0,
      dof_invweight0, tendon_invweight0, cam_pos, cam_quat, body_pos, body_quat;
  mjStatistic stat{};

  std::map<std::string, Placeable> placeables;
  std::vector<bool> placeable_root;  // by body id: the root body of a placeable
  // By body id: the roots that never sit out a settle: the placeables, and a spawner's pool
  // items (it moves them in while the frame settles; see SettlePlaced).
  std::vector<bool> settle_keep_root;
  std::vector<ClassGeoms> material_geoms;          // per spec.materials item
  std::vector<std::vector<int>> material_choices;  // per spec.materials item: material ids
  std::vector<int> moving_bodies;                  // bodies not welded to the world
  std::vector<std::string> camera_names;
  // Per-entity ranges that can change at run time.
  struct EntityRange {
    std::string entity;
    scenes::RandomRange range;
    int index = 0;  // of the range in the entity's list
    std::vector<int> bodies;
    double nominal = 0;  // mass: the laid-out value
  };
  std::vector<EntityRange> entity_ranges;

  void RestoreModel(mjModel* m) const;
  void PlaceAll(World& world, const std::vector<const Placeable*>& placed,
                const std::vector<std::array<double, 7>>& poses) const;
};

namespace {

template <typename T>
std::vector<T> Save(const T* data, int n) {
  return std::vector<T>(data, data + n);
}
template <typename T>
void Load(T* data, const std::vector<T>& saved) {
  std::copy(saved.begin(), saved.end(), data);
}

}  // namespace

void DomainRandomizer::Impl::RestoreModel(mjModel* m) const {
  Load(m->light_active, light_active);
  Load(m->light_dir, light_dir);
  Load(m->light_diffuse, light_diffuse);
  Load(m->light_specular, light_specular);
  Load(m->geom_rgba, geom_rgba);
  Load(m->geom_matid, geom_matid);
  Load(m->geom_contype, geom_contype);
  Load(m->geom_conaffinity, geom_conaffinity);
  Load(m->geom_friction, geom_friction);
  Load(m->body_mass, body_mass);
  Load(m->body_inertia, body_inertia);
  Load(m->body_subtreemass, body_subtreemass);
  Load(m->body_invweight0, body_invweight0);
  Load(m->dof_invweight0, dof_invweight0);
  Load(m->tendon_invweight0, tendon_invweight0);
  Load(m->cam_pos, cam_pos);
  Load(m->cam_quat, cam_quat);
  Load(m->body_pos, body_pos);
  Load(m->body_quat, body_quat);
  m->stat = stat;
}

DomainRandomizer::DomainRandomizer(const scenes::Site& site, const scenes::RandomizeSpec& spec,
                                   World& world)
    : impl_(std::make_unique<Impl>()) {
  Impl& r = *impl_;
  r.spec = spec;
  const mjModel* m = world.model();
  world.Forward();
  r.base_state = world.Snapshot();
  r.light_active = Save(m->light_active, m->nlight);
  r.light_dir = Save(m->light_dir, 3 * m->nlight);
  r.light_diffuse = Save(m->light_diffuse, 3 * m->nlight);
  r.light_specular = Save(m->light_specular, 3 * m->nlight);
  r.geom_rgba = Save(m->geom_rgba, 4 * m->ngeom);
  r.geom_matid = Save(m->geom_matid, m->ngeom);
  r.geom_contype = Save(m->geom_contype, m->ngeom);
  r.geom_conaffinity = Save(m->geom_conaffinity, m->ngeom);
  r.geom_friction = Save(m->geom_friction, 3 * m->ngeom);
  r.body_mass = Save(m->body_mass, m->nbody);
  r.body_inertia = Save(m->body_inertia, 3 * m->nbody);
  r.body_subtreemass = Save(m->body_subtreemass, m->nbody);
  r.body_invweight0 = Save(m->body_invweight0, 2 * m->nbody);
  r.dof_invweight0 = Save(m->dof_invweight0, m->nv);
  r.tendon_invweight0 = Save(m->tendon_invweight0, m->ntendon);
  r.cam_pos = Save(m->cam_pos, 3 * m->ncam);
  r.cam_quat = Save(m->cam_quat, 4 * m->ncam);
  r.body_pos = Save(m->body_pos, 3 * m->nbody);
  r.body_quat = Save(m->body_quat, 4 * m->nbody);
  r.stat = m->stat;
  for (int c = 0; c < m->ncam; ++c) {
    const char* name = mj_id2name(m, mjOBJ_CAMERA, c);
    r.camera_names.push_back(name ? name : "camera" + std::to_string(c));
  }
  for (int b = 1; b < m->nbody; ++b)
    if (m->body_weldid[b] != 0) r.moving_bodies.push_back(b);

  auto entity_geoms = [&](const scenes::Entity& e) {
    std::vector<int> geoms;
    for (const std::string& body_name : e.bodies) {
      const int b = world.BodyId(body_name);
      for (int g = m->body_geomadr[b]; g >= 0 && g < m->body_geomadr[b] + m->body_geomnum[b]; ++g)
        geoms.push_back(g);
    }
    return geoms;
  };
  auto add_placeable = [&](const std::string& name) {
    const scenes::Entity* e = site.FindEntity(name);
    if (!e) throw base::Error("randomize: no entity '" + name + "' in the site");
    Placeable p;
    p.name = name;
    p.body = world.BodyId(name);
    if (m->body_jntnum[p.body] < 1 || m->jnt_type[m->body_jntadr[p.body]] != mjJNT_FREE) {
      throw base::Error("randomize: entity '" + name +
                        "' has no free joint; only loose entities move");
    }
    const int j = m->body_jntadr[p.body];
    p.qpos = m->jnt_qposadr[j];
    p.qvel = m->jnt_dofadr[j];
    const mjData* d = world.data();
    for (int k = 0; k < 4; ++k) p.base_quat[k] = d->xquat[4 * p.body + k];
    p.geoms = entity_geoms(*e);
    const double oz = d->xpos[3 * p.body + 2];
    double lo = 1e300, hi = -1e300;
    for (int g : p.geoms) {
      const auto [gl, gh] = GeomZExtent(m, d, g);
      lo = std::min(lo, gl);
      hi = std::max(hi, gh);
      const double dx = d->geom_xpos[3 * g] - d->xpos[3 * p.body];
      const double dy = d->geom_xpos[3 * g + 1] - d->xpos[3 * p.body + 1];
      p.radius = std::max(p.radius, std::hypot(dx, dy) + m->geom_rbound[g]);
      AddFootprint(m, d, g, d->xpos + 3 * p.body, p.footprint);
    }
    if (p.geoms.empty()) lo = hi = oz;
    p.below = oz - lo;
    p.above = hi - oz;
    r.placeables[name] = p;
  };
  if (spec.objects)
    for (const auto& o : *spec.objects)
      for (const std::string& name : o.pool) add_placeable(name);
  if (spec.distractors)
    for (const std::string& name : spec.distractors->entities) add_placeable(name);
  r.placeable_root.assign(m->nbody, false);
  for (const auto& [name, p] : r.placeables) r.placeable_root[m->body_rootid[p.body]] = true;
  r.settle_keep_root = r.placeable_root;
  for (const scenes::SpawnerSpec& spawner : site.spawners)
    for (const std::string& item : spawner.items)
      r.settle_keep_root[m->body_rootid[world.BodyId(item)]] = true;

  if (spec.materials) {
    for (const auto& item : *spec.materials) {
      ClassGeoms cg;
      for (const scenes::Entity& e : site.entities)
        if (e.class_name == item.class_name) cg.instances.push_back(entity_geoms(e));
      r.material_geoms.push_back(std::move(cg));
      std::vector<int> ids;
      for (const std::string& name : item.materials) {
        const int id = mj_name2id(m, mjOBJ_MATERIAL, name.c_str());
        if (id < 0) throw base::Error(item.where + ": the model has no material '" + name + "'");
        ids.push_back(id);
      }
      r.material_choices.push_back(std::move(ids));
    }
  }

  // Per-entity ranges: pose offsets of loose entities (not already placed by `objects`), masses.
  for (const scenes::Entity& e : site.entities) {
    for (size_t i = 0; i < e.randomize.size(); ++i) {
      const scenes::RandomRange& range = e.randomize[i];
      const std::string& p = range.parameter;
      Impl::EntityRange er{e.name, range, static_cast<int>(i), {}, 0};
      for (const std::string& b : e.bodies) er.bodies.push_back(world.BodyId(b));
      const bool pose = p == "x" || p == "y" || p == "z" || p == "yaw";
      if (pose && e.dynamic && !r.placeables.count(e.name)) {
        r.entity_ranges.push_back(er);
      } else if (p == "mass" && e.parameters.count("mass") && e.parameters.at("mass") > 0) {
        er.nominal = e.parameters.at("mass");
        r.entity_ranges.push_back(er);
      } else if (world.log()) {
        world.log()("randomize: " + e.source + ": " + e.name + ".randomize." + p +
                    " is not applied per frame (" +
                    (pose ? std::string(e.dynamic ? "its pose is set by randomize.objects"
                                                  : "fixed entities are welded into the model")
                          : std::string("changing it needs the model rebuilt")) +
                    ")");
      }
    }
  }
}

DomainRandomizer::~DomainRandomizer() = default;
DomainRandomizer::DomainRandomizer(DomainRandomizer&&) noexcept = default;
DomainRandomizer& DomainRandomizer::operator=(DomainRandomizer&&) noexcept = default;

std::array<double, 3> KelvinToRgb(double kelvin) {
  // Tanner Helland's fit to Mitchell Charity's black-body colour table ("How to Convert
  // Temperature (K) to RGB: Algorithm and Sample Code", tannerhelland.com, 2012), valid for
  // 1000-40000 K. t is the temperature in hundreds of kelvin; results are 0-255.
  const double t = std::clamp(kelvin, 1000.0, 40000.0) / 100.0;
  double r, g, b;
  if (t <= 66) {
    r = 255;
    g = 99.4708025861 * std::log(t) - 161.1195681661;
  } else {
    r = 329.698727446 * std::pow(t - 60, -0.1332047592);
    g = 288.1221695283 * std::pow(t - 60, -0.0755148492);
  }
  if (t >= 66)
    b = 255;
  else if (t <= 19)
    b = 0;
  else
    b = 138.5177312231 * std::log(t - 10) - 305.0447927307;
  return {std::clamp(r, 0.0, 255.0) / 255, std::clamp(g, 0.0, 255.0) / 255,
          std::clamp(b, 0.0, 255.0) / 255};
}

void DomainRandomizer::Impl::PlaceAll(World& world, const std::vector<const Placeable*>& placed,
                                      const std::vector<std::array<double, 7>>& poses) const {
  mjData* d = world.data();
  for (size_t i = 0; i < placed.size(); ++i) {
    for (int k = 0; k < 7; ++k) d->qpos[placed[i]->qpos + k] = poses[i][k];
    for (int k = 0; k < 6; ++k) d->qvel[placed[i]->qvel + k] = 0;
  }
}

FrameDraw DomainRandomizer::Apply(World& world, uint64_t seed, uint64_t frame) const {
  const Impl& r = *impl_;
  const scenes::RandomizeSpec& spec = r.spec;
  mjModel* m = world.mutable_model();
  FrameDraw draw;
  r.RestoreModel(m);

  // Lights: which are on, how bright, what colour, tilted how.
  draw.light_scale.assign(m->nlight, 1.0);
  draw.light_kelvin.assign(m->nlight, 0.0);
  if (spec.lights) {
    const auto& L = *spec.lights;
    const FrameRng rng(seed, "randomize/lights", frame);
    if (L.count && m->nlight > 0) {
      const int n = std::min(m->nlight, rng.Count(0, *L.count));
      std::vector<int> on = rng.Choose(1, m->nlight, n);
      for (int l = 0; l < m->nlight; ++l) m->light_active[l] = 0;
      for (int l : on) m->light_active[l] = 1;
    }
    for (int l = 0; l < m->nlight; ++l) {
      const uint64_t i = 1000 + 8 * static_cast<uint64_t>(l);
      std::array<double, 3> tint{1, 1, 1};
      double scale = 1;
      if (L.intensity) scale = rng.In(i, *L.intensity);
      if (L.temperature) {
        draw.light_kelvin[l] = rng.In(i + 1, *L.temperature);
        tint = KelvinToRgb(draw.light_kelvin[l]);
      }
      draw.light_scale[l] = scale;
      for (int c = 0; c < 3; ++c) {
        m->light_diffuse[3 * l + c] =
            static_cast<float>(r.light_diffuse[3 * l + c] * scale * tint[c]);
        m->light_specular[3 * l + c] =
            static_cast<float>(r.light_specular[3 * l + c] * scale * tint[c]);
      }
      if (L.direction) {
        // Tilt the nominal direction by a drawn angle towards a drawn azimuth.
        mjtNum* dir = m->light_dir + 3 * l;
        mjtNum n[3] = {dir[0], dir[1], dir[2]};
        const mjtNum len = mju_normalize3(n);
        mjtNum u[3], v[3];
        const mjtNum helper[3] = {std::abs(n[2]) < 0.9 ? 0.0 : 1.0, 0,
                                  std::abs(n[2]) < 0.9 ? 1.0 : 0.0};
        mju_cross(u, n, helper);
        mju_normalize3(u);
        mju_cross(v, n, u);
        const double tilt = Deg(rng.In(i + 2, *L.direction));
        const double azimuth = 2 * M_PI * rng.Uniform(i + 3);
        for (int k = 0; k < 3; ++k) {
          dir[k] = len * (std::cos(tilt) * n[k] +
                          std::sin(tilt) * (std::cos(azimuth) * u[k] + std::sin(azimuth) * v[k]));
        }
      }
    }
  }
  for (int l = 0; l < m->nlight; ++l)
    if (m->light_active[l]) draw.lights_on.push_back(l);

  // Materials and colours per instance of a class.
  if (spec.materials) {
    for (size_t c = 0; c < spec.materials->size(); ++c) {
      const auto& item = (*spec.materials)[c];
      const FrameRng rng(seed, "randomize/materials/" + item.class_name, frame);
      const auto& instances = r.material_geoms[c].instances;
      for (size_t e = 0; e < instances.size(); ++e) {
        const uint64_t i = 8 * e;
        int material = -1;
        if (!r.material_choices[c].empty()) {
          const auto& ids = r.material_choices[c];
          material =
              ids[std::min(ids.size() - 1, static_cast<size_t>(rng.Uniform(i) * ids.size()))];
        }
        const double brightness = item.brightness ? rng.In(i + 1, *item.brightness) : 1;
        const double hue = item.hue ? rng.In(i + 2, *item.hue) : 0;
        const double saturation = item.saturation ? rng.In(i + 3, *item.saturation) : 1;
        const bool recolour = item.brightness || item.hue || item.saturation;
        for (int g : instances[e]) {
          if (material >= 0) m->geom_matid[g] = material;
          if (!recolour) continue;
          float* rgba = m->geom_rgba + 4 * g;
          const int mat = m->geom_matid[g];
          const bool from_material =
              mat >= 0 && rgba[0] == 0.5f && rgba[1] == 0.5f && rgba[2] == 0.5f && rgba[3] == 1.0f;
          const float* base = from_material ? m->mat_rgba + 4 * mat : rgba;
          const float alpha = base[3];
          const auto hsv = RgbToHsv(base);
          HsvToRgb(hsv[0] + hue, hsv[1] * saturation, hsv[2] * brightness, rgba);
          rgba[3] = alpha;
        }
      }
    }
  }

  // Cameras: the MJCF camera's pose (extrinsics here), intrinsics for the caller.
  for (size_t c = 0; c < r.camera_names.size(); ++c) {
    CameraJitter jitter;
    if (spec.cameras) {
      const auto& C = *spec.cameras;
      const FrameRng rng(seed, "randomize/cameras", frame);
      const uint64_t i = 16 * c;
      if (C.position)
        for (int k = 0; k < 3; ++k) m->cam_pos[3 * c + k] += rng.In(i + k, *C.position);
      if (C.rotation) {
        // Small rotations about the camera's own x, y, z axes (MuJoCo camera frame).
        mjtNum* q = m->cam_quat + 4 * c;
        for (int k = 0; k < 3; ++k) {
          const double axis[3] = {k == 0 ? 1.0 : 0.0, k == 1 ? 1.0 : 0.0, k == 2 ? 1.0 : 0.0};
          double dq[4], out[4];
          QuatFromAxisAngle(axis, Deg(rng.In(i + 3 + k, *C.rotation)), dq);
          const double qc[4] = {q[0], q[1], q[2], q[3]};
          QuatMul(qc, dq, out);
          mju_normalize4(out);
          for (int j = 0; j < 4; ++j) q[j] = out[j];
        }
      }
      if (C.focal) jitter.focal_scale = rng.In(i + 6, *C.focal);
      if (C.principal) {
        jitter.dcx = rng.In(i + 7, *C.principal);
        jitter.dcy = rng.In(i + 8, *C.principal);
      }
    }
    draw.cameras[r.camera_names[c]] = jitter;
  }

  // Physics: one friction and one mass scale per frame; per-entity masses.
  bool masses_changed = false;
  if (spec.physics) {
    const FrameRng rng(seed, "randomize/physics", frame);
    if (spec.physics->friction) {
      draw.friction_scale = rng.In(0, *spec.physics->friction);
      for (int g = 0; g < m->ngeom; ++g) m->geom_friction[3 * g] *= draw.friction_scale;
    }
    if (spec.physics->mass) {
      draw.mass_scale = rng.In(1, *spec.physics->mass);
      for (int b : r.moving_bodies) {
        m->body_mass[b] *= draw.mass_scale;
        for (int k = 0; k < 3; ++k) m->body_inertia[3 * b + k] *= draw.mass_scale;
      }
      masses_changed = true;
    }
  }
  std::map<std::string, std::array<double, 4>> offsets;  // entity -> dx, dy, dz, dyaw (deg)
  for (const auto& er : r.entity_ranges) {
    const FrameRng rng(seed, "randomize/entity/" + er.entity, frame);
    const double value = rng.In(er.index, {er.range.min, er.range.max});
    const std::string& p = er.range.parameter;
    if (p == "mass") {
      for (int b : er.bodies) {
        const double s = value / er.nominal;
        m->body_mass[b] *= s;
        for (int k = 0; k < 3; ++k) m->body_inertia[3 * b + k] *= s;
      }
      masses_changed = true;
    } else {
      offsets[er.entity][p == "x" ? 0 : p == "y" ? 1 : p == "z" ? 2 : 3] = value;
    }
  }

  // Back to the base state under the new model (masses: recompute the derived constants).
  if (masses_changed) {
    mj_setConst(m, world.data());
    m->stat = r.stat;  // the size of the site stays (mj_setConst measures parked bodies too)
  }
  world.Restore(r.base_state);
  mjData* d = world.data();
  for (const auto& [name, off] : offsets) {
    const int b = world.BodyId(name);
    const int q = m->jnt_qposadr[m->body_jntadr[b]];
    for (int k = 0; k < 3; ++k) d->qpos[q + k] += off[k];
    const double z[3] = {0, 0, 1};
    double dq[4], out[4];
    QuatFromAxisAngle(z, Deg(off[3]), dq);
    const double qc[4] = {d->qpos[q + 3], d->qpos[q + 4], d->qpos[q + 5], d->qpos[q + 6]};
    QuatMul(dq, qc, out);
    for (int k = 0; k < 4; ++k) d->qpos[q + 3 + k] = out[k];
  }

  // Objects and distractors: how many, which, where; the rest parked far away on the floor.
  std::vector<const Placeable*> placed;
  std::vector<std::array<double, 7>> poses;
  std::vector<std::array<double, 4>> boxes;  // x, y, radius, and (below) z intervals
  std::vector<std::array<double, 2>> spans;  // lowest and highest z
  // A parked body collides with nothing this frame (it falls freely, far out of sight, while
  // the placed ones settle): resting on the floor it would add contacts to every step.
  auto park = [&](const Placeable& p, double x, double y) {
    std::array<double, 7> pose{
        x, y, p.below + 1e-3, p.base_quat[0], p.base_quat[1], p.base_quat[2], p.base_quat[3]};
    for (int k = 0; k < 7; ++k) d->qpos[p.qpos + k] = pose[k];
    for (int k = 0; k < 6; ++k) d->qvel[p.qvel + k] = 0;
    for (int g : p.geoms) m->geom_contype[g] = m->geom_conaffinity[g] = 0;
  };
  // The surface a body turned by `turn` (radians about z) would drop onto at (x, y): the highest
  // under its footprint. Bodies not placed yet are left out (they are still where the last frame
  // left them); placed ones count from the moment they are placed (dropped ones stack).
  std::vector<bool> unplaced = r.placeable_root;
  const bool drops =
      (spec.objects && std::any_of(spec.objects->begin(), spec.objects->end(),
                                   [](const auto& o) { return o.drop.has_value(); })) ||
      (spec.distractors && spec.distractors->drop);
  if (drops) mj_kinematics(m, d);  // the surfaces as the offsets above left them
  auto surface_under = [&](const Placeable& p, double x, double y, double turn,
                           const scenes::Region& region) {
    const double c = std::cos(turn), s = std::sin(turn);
    double top = -std::numeric_limits<double>::infinity();
    for (const auto& [fx, fy] : p.footprint) {
      const auto z =
          SurfaceBelow(m, d, x + c * fx - s * fy, y + s * fx + c * fy, region.max[2], unplaced);
      top = std::max(top, z.value_or(region.min[2]));
    }
    return p.footprint.empty() ? region.min[2] : top;
  };
  auto place = [&](const Placeable& p, const FrameRng& rng, uint64_t first,
                   const std::optional<scenes::Region>& region, const std::optional<Interval>& drop,
                   const std::optional<Interval>& yaw) {
    std::array<double, 7> pose;
    for (int k = 0; k < 3; ++k) pose[k] = d->qpos[p.qpos + k];
    for (int k = 0; k < 4; ++k) pose[3 + k] = p.base_quat[k];
    double turn = 0;
    if (yaw) {
      const double z[3] = {0, 0, 1};
      double dq[4], out[4];
      turn = Deg(rng.In(first, *yaw));
      QuatFromAxisAngle(z, turn, dq);
      QuatMul(dq, p.base_quat, out);
      for (int k = 0; k < 4; ++k) pose[3 + k] = out[k];
    }
    double lowest = pose[2] - p.below;
    // Overlap with a placed body's bounding cylinder (in z too unless `xy_only`).
    auto overlaps = [&](double x, double y, double low, bool xy_only, size_t* with) {
      for (size_t j = 0; j < placed.size(); ++j) {
        const bool apart_xy =
            std::hypot(x - boxes[j][0], y - boxes[j][1]) >= p.radius + boxes[j][2];
        const bool apart_z =
            !xy_only && (low >= spans[j][1] || low + p.below + p.above <= spans[j][0]);
        if (!apart_xy && !apart_z) {
          if (with) *with = j;
          return true;
        }
      }
      return false;
    };
    uint64_t draw_index = first + 1;
    if (region) {
      for (int t = 0; t < kPlacementTries; ++t) {
        draw_index = first + 1 + 3 * t;
        for (int k = 0; k < 2; ++k)
          pose[k] = rng.In(draw_index + k, {region->min[k], region->max[k]});
        if (!drop) lowest = rng.In(draw_index + 2, {region->min[2], region->max[2]});
        if (!overlaps(pose[0], pose[1], lowest, drop.has_value(), nullptr)) break;
      }
    }
    if (region && drop) {
      // Onto whatever is under it, placed bodies included: no stacking rule needed.
      lowest = surface_under(p, pose[0], pose[1], turn, *region) + rng.In(draw_index + 2, *drop);
    } else {
      // Still overlapping after every try: stack above what it overlaps.
      size_t with = 0;
      while (overlaps(pose[0], pose[1], lowest, false, &with)) lowest = spans[with][1] + 0.01;
    }
    pose[2] = lowest + p.below;
    placed.push_back(&p);
    poses.push_back(pose);
    boxes.push_back({pose[0], pose[1], p.radius, 0});
    spans.push_back({lowest, lowest + p.below + p.above});
    if (region && drop) {
      for (int k = 0; k < 7; ++k) d->qpos[p.qpos + k] = pose[k];
      mj_kinematics(m, d);
      unplaced[m->body_rootid[p.body]] = false;
    }
  };
  if (spec.objects) {
    for (size_t c = 0; c < spec.objects->size(); ++c) {
      const auto& o = (*spec.objects)[c];
      const FrameRng rng(seed, "randomize/objects/" + o.class_name, frame);
      const int size = static_cast<int>(o.pool.size());
      const int n = o.count ? rng.Count(0, *o.count) : size;
      const std::vector<int> chosen = rng.Choose(1, size, n);
      std::vector<bool> used(size, false);
      for (size_t k = 0; k < chosen.size(); ++k) {
        used[chosen[k]] = true;
        place(r.placeables.at(o.pool[chosen[k]]), rng, 10000 + 128 * k, o.region, o.drop, o.yaw);
      }
      for (int k = 0; k < size; ++k)
        if (!used[k]) park(r.placeables.at(o.pool[k]), -5000.0 - 3 * k, 5000.0 + 3 * c);
    }
  }
  if (spec.distractors) {
    const auto& D = *spec.distractors;
    const FrameRng rng(seed, "randomize/distractors", frame);
    const int size = static_cast<int>(D.entities.size());
    const std::vector<int> chosen = rng.Choose(1, size, rng.Count(0, D.count));
    std::vector<bool> used(size, false);
    const Interval full_turn{-180, 180};
    for (size_t k = 0; k < chosen.size(); ++k) {
      used[chosen[k]] = true;
      place(r.placeables.at(D.entities[chosen[k]]), rng, 10000 + 128 * k, D.region, D.drop,
            full_turn);
    }
    for (int k = 0; k < size; ++k)
      if (!used[k]) park(r.placeables.at(D.entities[k]), 5000.0 + 3 * k, -5000.0);
  }
  r.PlaceAll(world, placed, poses);

  // Whatever a placed body still starts inside (the scene's fixed things, or a placed body it
  // was stacked on) lifts it clear, so settling drops it instead of ejecting it.
  std::vector<int> bodies;
  for (const Placeable* p : placed) {
    bodies.push_back(p->body);
    draw.placed.push_back(p->name);
  }
  auto order_of = [&](int body) {
    const int root = m->body_rootid[body];
    for (size_t k = 0; k < placed.size(); ++k)
      if (placed[k]->body == root) return static_cast<int>(k);
    return -1;
  };
  for (int pass = 0; pass < 50 && !placed.empty(); ++pass) {
    world.Forward();
    std::vector<double> lift(placed.size(), 0);
    for (int c = 0; c < d->ncon; ++c) {
      const mjContact& con = d->contact[c];
      if (con.dist >= -1e-3) continue;
      const int a = order_of(m->geom_bodyid[con.geom1]), b = order_of(m->geom_bodyid[con.geom2]);
      const int mover = std::max(a, b);  // the later placed one; -1 for fixed things
      if (mover < 0) continue;
      lift[mover] = std::max(lift[mover], -con.dist + 0.005);
    }
    bool any = false;
    for (size_t k = 0; k < placed.size(); ++k) {
      if (lift[k] <= 0) continue;
      d->qpos[placed[k]->qpos + 2] += lift[k];
      any = true;
    }
    if (!any) break;
  }
  world.Forward();
  if (!bodies.empty())
    draw.settle_time = SettlePlaced(world, bodies, spec.settle, r.settle_keep_root, &draw.settled);
  world.Forward();
  return draw;
}

}  // namespace twin::sim
