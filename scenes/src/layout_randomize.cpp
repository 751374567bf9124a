// The `randomize:` section of a layout and `--randomize FILE` overlays (randomize.h), and the
// distractor bodies a layout gets when it asks for them.
#include <twin/base/error.h>
#include <twin/base/random.h>
#include <twin/base/suggest.h>
#include <twin/scenes/randomize.h>
#include <twin/scenes/site.h>

#include "layout_parts.h"
#include "layout_schema_tables.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace twin::scenes {
namespace internal {
namespace {

// An interval of a randomize table (checked against its param's range), when given.
std::optional<Interval> OptionalInterval(const LayoutNode& map, const std::string& key) {
  if (const auto r = map.Interval(key)) return Interval{(*r)[0], (*r)[1]};
  return std::nullopt;
}

CountInterval ReadCount(const LayoutNode& map, const std::string& key) {
  const std::vector<double> r = map.Numbers(key);
  return {static_cast<int>(r[0]), static_cast<int>(r[1])};
}

Param Count(std::string description) {
  return {.key = "count",
          .type = Type::kInterval,
          .description = std::move(description),
          .has_default = false,
          .refers_to = "count"};
}

Param ClassParam(std::string description) {
  return {.key = "class",
          .type = Type::kName,
          .description = std::move(description),
          .required = true,
          .has_default = false,
          .refers_to = "class"};
}

const Block& RegionSchema() {
  static const Block block{"region",
                           "a region like {min: [x, y, z], max: [x, y, z]}",
                           {
                               {.key = "min",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "its lowest corner",
                                .required = true,
                                .has_default = false,
                                .size = 3},
                               {.key = "max",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "its highest corner (each >= min's)",
                                .required = true,
                                .has_default = false,
                                .size = 3},
                           }};
  return block;
}

Param DropParam() {
  return RangeParam("drop", {0, 10}, "m", "start this far above what is under the footprint",
                    "drop heights are metres within [0, 10]");
}

const Block& LightsRandomSchema() {
  static const Block block{
      "randomize_lights",
      "light ranges like {count: [1, 3], intensity: [0.6, 1.4]}",
      {
          Count("lights switched on, of the layout's"),
          RangeParam("intensity", schema::kNonNegative, "1", "intensity scale",
                     "intensity scales must be >= 0"),
          RangeParam("temperature", {1000, 40000}, "K", "colour temperature",
                     "colour temperatures are kelvin within [1000, 40000]"),
          RangeParam("direction", {0, 90}, "deg", "tilt from the light's direction",
                     "the tilt is degrees within [0, 90]"),
      }};
  return block;
}

const Block& MaterialsRandomSchema() {
  static const Block block{
      "randomize_materials",
      "material ranges like {class: carton, brightness: [0.7, 1.2]}",
      {
          ClassParam("the semantic class whose instances change"),
          RangeParam("brightness", schema::kNonNegative, "1", "brightness scale",
                     "brightness scales must be >= 0"),
          RangeParam("hue", {-180, 180}, "deg", "hue shift",
                     "the hue shift is degrees within [-180, 180]"),
          RangeParam("saturation", schema::kNonNegative, "1", "saturation scale",
                     "saturation scales must be >= 0"),
          {.key = "materials",
           .type = Type::kNames,
           .description = "pick one of these materials of the layout per instance",
           .has_default = false,
           .refers_to = "material"},
      }};
  return block;
}

const Block& CamerasRandomSchema() {
  static const Block block{
      "randomize_cameras",
      "camera ranges like {position: [-0.05, 0.05], focal: [0.97, 1.03]}",
      {
          RangeParam("position", schema::kAny, "m", "offset of each coordinate"),
          RangeParam("rotation", {-45, 45}, "deg", "turn about each axis",
                     "rotations are degrees within [-45, 45]"),
          RangeParam("focal", {1e-3, 1e3}, "1", "focal length scale", "focal scales must be > 0"),
          RangeParam("principal", schema::kAny, "px", "principal point offset"),
      }};
  return block;
}

const Block& ObjectsRandomSchema() {
  static const Block block{
      "randomize_objects",
      "object ranges like {class: carton, count: [2, 6], region: {...}}",
      {
          ClassParam("the class whose loose items are placed"),
          Count("items placed (the others wait parked)"),
          Nested("region", Type::kBlock, RegionSchema(), "where they go (lowest point inside)"),
          DropParam(),
          RangeParam("yaw", {-360, 360}, "deg", "heading", "yaw is degrees within [-360, 360]"),
      }};
  return block;
}

const Block& DistractorsRandomSchema() {
  static const Block block{
      "randomize_distractors",
      "distractor ranges like {count: [0, 6], size: [0.08, 0.35], region: {...}}",
      {
          [] {
            Param count = Count("distractor bodies placed; max(count) are made");
            count.required = true;
            return count;
          }(),
          {.key = "size",
           .type = Type::kInterval,
           .unit = "m",
           .description = "their sizes, drawn when the layout is loaded",
           .numbers = {0.08, 0.35},
           .range = {1e-3, 10},
           .range_message = "distractor sizes are metres within [0.001, 10]"},
          Nested("region", Type::kBlock, RegionSchema(), "where they go", /*required=*/true),
          DropParam(),
      }};
  return block;
}

const Block& PhysicsRandomSchema() {
  static const Block block{
      "randomize_physics",
      "physics ranges like {friction: [0.7, 1.3], mass: [0.8, 1.2]}",
      {
          RangeParam("friction", {1e-6, 1e3}, "1", "scale of every geom's friction",
                     "friction scales must be > 0"),
          RangeParam("mass", {1e-3, 1e3}, "1", "scale of every moving body's mass",
                     "mass scales must be > 0"),
      }};
  return block;
}

const Block& SettleSchema() {
  static const Block block{
      "randomize_settle",
      "settling like {max_time: 3, speed: 0.01, timestep: 0.004}",
      {
          Number("max_time", SettleSpec{}.max_time, {0, 600}, "s", "longest settling"),
          Number("speed", SettleSpec{}.speed, {0, 100, true}, "m/s, rad/s",
                 "settled when everything is slower"),
          {.key = "timestep",
           .type = Type::kNumber,
           .unit = "s",
           .description = "the step settling uses",
           .has_default = false,
           .default_note = "the site's",
           .range = {0, 0.1, true}},
      }};
  return block;
}

Region ReadRegion(const LayoutNode& node) {
  node.ExpectMap(RegionSchema().description);
  Region region;
  region.min = node.Vector3("min");
  region.max = node.Vector3("max");
  for (int i = 0; i < 3; ++i) {
    if (region.min[i] > region.max[i]) {
      node.Required("max").Fail("every coordinate of max must be >= the one of min");
    }
  }
  node.CheckNoUnknownKeys();
  return region;
}

void CheckClass(const LayoutNode& node, const std::string& name, const Site& site) {
  if (std::find(site.classes.begin(), site.classes.end(), name) != site.classes.end()) return;
  node.Fail("unknown class '" + name + "'" +
            base::UnknownNameHint(name, site.classes, "; the classes of this layout are: "));
}

LightsRandomization ReadLightsSection(const LayoutNode& node) {
  node.ExpectMap(LightsRandomSchema().description);
  LightsRandomization lights;
  if (node.Has("count")) lights.count = ReadCount(node, "count");
  lights.intensity = OptionalInterval(node, "intensity");
  lights.temperature = OptionalInterval(node, "temperature");
  lights.direction = OptionalInterval(node, "direction");
  node.CheckNoUnknownKeys();
  return lights;
}

std::vector<MaterialRandomization> ReadMaterialsSection(const LayoutNode& node, const Site& site) {
  std::vector<MaterialRandomization> out;
  for (const LayoutNode& item : node.Items("material ranges per class")) {
    item.ExpectMap(MaterialsRandomSchema().description);
    MaterialRandomization m;
    m.where = item.Where();
    m.class_name = item.Text("class");
    CheckClass(item.Required("class"), m.class_name, site);
    m.brightness = OptionalInterval(item, "brightness");
    m.hue = OptionalInterval(item, "hue");
    m.saturation = OptionalInterval(item, "saturation");
    if (const auto materials = item.Optional("materials")) {
      for (const LayoutNode& name_node : materials->Items("material names")) {
        const std::string name = name_node.AsString();
        const std::string full = name.rfind("twin/", 0) == 0 ? name : "twin/" + name;
        if (std::find(site.materials.begin(), site.materials.end(), full) == site.materials.end()) {
          std::vector<std::string> short_names;
          for (const std::string& s : site.materials)
            short_names.push_back(s.rfind("twin/", 0) == 0 ? s.substr(5) : s);
          name_node.Fail(
              "unknown material '" + name + "'" +
              base::UnknownNameHint(name, short_names, "; the materials of this layout are: "));
        }
        m.materials.push_back(full);
      }
      if (m.materials.empty()) materials->Fail("list at least one material to pick from");
    }
    item.CheckNoUnknownKeys();
    out.push_back(std::move(m));
  }
  return out;
}

CamerasRandomization ReadCamerasSection(const LayoutNode& node) {
  node.ExpectMap(CamerasRandomSchema().description);
  CamerasRandomization cameras;
  cameras.position = OptionalInterval(node, "position");
  cameras.rotation = OptionalInterval(node, "rotation");
  cameras.focal = OptionalInterval(node, "focal");
  cameras.principal = OptionalInterval(node, "principal");
  node.CheckNoUnknownKeys();
  return cameras;
}

std::vector<ObjectsRandomization> ReadObjectsSection(const LayoutNode& node, const Site& site) {
  std::vector<ObjectsRandomization> out;
  std::vector<std::string> seen;
  for (const LayoutNode& item : node.Items("object ranges per class")) {
    item.ExpectMap(ObjectsRandomSchema().description);
    ObjectsRandomization o;
    o.where = item.Where();
    o.class_name = item.Text("class");
    CheckClass(item.Required("class"), o.class_name, site);
    if (std::find(seen.begin(), seen.end(), o.class_name) != seen.end()) {
      item.Required("class").Fail("class '" + o.class_name + "' is listed twice");
    }
    seen.push_back(o.class_name);
    // A spawner's pool items are its own: it parks them and brings them in (sim's LogisticsFlow),
    // so placing one would be undone by the next step.
    std::set<std::string> spawner_items;
    for (const SpawnerSpec& spawner : site.spawners)
      spawner_items.insert(spawner.items.begin(), spawner.items.end());
    bool spawner_class = false;
    for (const Entity& e : site.entities) {
      if (!e.dynamic || e.class_name != o.class_name || e.type == "distractor") continue;
      if (spawner_items.count(e.name)) {
        spawner_class = true;
        continue;
      }
      o.pool.push_back(e.name);
    }
    if (o.pool.empty()) {
      item.Required("class").Fail(
          "no loose entity has class '" + o.class_name + "' (fixed ones cannot move" +
          (spawner_class ? "; a spawner's pool items are placed by the spawner, not randomized"
                         : "") +
          "); declare some without fixed: true");
    }
    if (item.Has("count")) {
      o.count = ReadCount(item, "count");
      if (o.count->max > static_cast<int>(o.pool.size())) {
        item.Required("count").Fail("at most " + std::to_string(o.count->max) +
                                    " placed but the layout has " + std::to_string(o.pool.size()) +
                                    " loose '" + o.class_name +
                                    "' entities; declare more or lower the count");
      }
    }
    if (const auto region = item.Optional("region")) o.region = ReadRegion(*region);
    o.drop = OptionalInterval(item, "drop");
    if (o.drop && !o.region) {
      item.Required("drop").Fail(
          "a drop height needs a region to drop into; add region: {min: [..], max: [..]}");
    }
    o.yaw = OptionalInterval(item, "yaw");
    item.CheckNoUnknownKeys();
    out.push_back(std::move(o));
  }
  return out;
}

DistractorsRandomization ReadDistractorsSection(const LayoutNode& node, const Site& site,
                                                bool overlay) {
  node.ExpectMap(DistractorsRandomSchema().description);
  DistractorsRandomization d;
  d.count = ReadCount(node, "count");
  if (node.Has("size")) {
    if (overlay) {
      node.Required("size").Fail(
          "distractor sizes are drawn when the layout is loaded; change them in the "
          "layout's randomize section");
    }
    d.size = *OptionalInterval(node, "size");
  }
  d.region = ReadRegion(node.Required("region"));
  d.drop = OptionalInterval(node, "drop");
  node.CheckNoUnknownKeys();
  if (overlay) {
    for (const Entity& e : site.entities)
      if (e.type == "distractor") d.entities.push_back(e.name);
    if (d.count.max > static_cast<int>(d.entities.size())) {
      node.Required("count").Fail(
          "the layout has " + std::to_string(d.entities.size()) +
          " distractor bodies; an overlay cannot add bodies (raise distractors.count in the "
          "layout)");
    }
  }
  return d;
}

PhysicsRandomization ReadPhysicsSection(const LayoutNode& node) {
  node.ExpectMap(PhysicsRandomSchema().description);
  PhysicsRandomization p;
  p.friction = OptionalInterval(node, "friction");
  p.mass = OptionalInterval(node, "mass");
  node.CheckNoUnknownKeys();
  return p;
}

SettleSpec ReadSettleSection(const LayoutNode& node) {
  node.ExpectMap(SettleSchema().description);
  SettleSpec s;
  s.max_time = node.Number("max_time");
  s.speed = node.Number("speed");
  if (node.Has("timestep")) s.timestep = node.Number("timestep");
  node.CheckNoUnknownKeys();
  return s;
}

// Reads every sub-section present into `spec`, replacing what was there.
void ReadInto(const LayoutNode& node, const Site& site, bool overlay, RandomizeSpec& spec) {
  node.ExpectMap(
      "the randomize section: lights, materials, cameras, objects, distractors, physics, settle");
  if (const auto n = node.Optional("lights")) spec.lights = ReadLightsSection(*n);
  if (const auto n = node.Optional("materials")) spec.materials = ReadMaterialsSection(*n, site);
  if (const auto n = node.Optional("cameras")) spec.cameras = ReadCamerasSection(*n);
  if (const auto n = node.Optional("objects")) spec.objects = ReadObjectsSection(*n, site);
  if (const auto n = node.Optional("distractors")) {
    spec.distractors = ReadDistractorsSection(*n, site, overlay);
  }
  if (const auto n = node.Optional("physics")) spec.physics = ReadPhysicsSection(*n);
  if (const auto n = node.Optional("settle")) spec.settle = ReadSettleSection(*n);
  node.CheckNoUnknownKeys();
  spec.source = node.Where();
}

// Free bodies of class "distractor": shape and size drawn from the site seed, so every load of
// the layout gets the same ones; parked in a row far outside the site, resting on the floor.
void AddDistractors(DistractorsRandomization& d, LayoutBuild& build) {
  Site& site = build.site;
  const uint64_t seed = site.has_seed ? site.seed : base::kDefaultSeed;
  const base::CounterRng rng(seed, base::StreamId("layout/distractors"));
  const int class_id = ClassId(site, "distractor");
  static const char* const kColours[] = {"0.8 0.2 0.2 1", "0.2 0.6 0.3 1", "0.2 0.3 0.8 1",
                                         "0.9 0.8 0.2 1", "0.6 0.3 0.7 1", "0.1 0.1 0.1 1"};
  for (int k = 0; k < d.count.max; ++k) {
    const int shape = std::min(2, static_cast<int>(rng.Uniform(4 * k) * 3));  // box/cyl/sphere
    const double a = rng.Uniform(4 * k + 1, d.size.min, d.size.max);
    const double b = rng.Uniform(4 * k + 2, d.size.min, d.size.max);
    const double c = rng.Uniform(4 * k + 3, d.size.min, d.size.max);
    Vec3 half{a / 2, b / 2, c / 2};
    std::string type = "box";
    if (shape == 1) {
      type = "cylinder";
      half = {a / 2, a / 2, c / 2};
    } else if (shape == 2) {
      type = "sphere";
      half = {a / 2, a / 2, a / 2};
    }
    Entity e;
    e.name = "distractor" + std::to_string(k);
    if (build.declared_at.count(e.name)) {
      throw base::Error(site.source + ": the name '" + e.name + "' is taken (at " +
                        build.declared_at[e.name] + ") but distractors need it; rename that item");
    }
    e.type = "distractor";
    e.class_name = "distractor";
    e.class_id = class_id;
    e.dynamic = true;
    e.source = site.source;
    e.bodies = {e.name};
    e.pose = {{5000.0 + 3.0 * k, -5000.0, half[2]}, {1, 0, 0, 0}};
    Xml* body = AddBody(build.mjcf.worldbody(), e.name, e.pose);
    Set(Add(body, "freejoint"), "name", e.name + "/free");
    Xml* geom = Add(body, "geom");
    Set(geom, "name", e.name + "/geom");
    Set(geom, "type", type);
    if (type == "box")
      Set(geom, "size", half);
    else if (type == "cylinder")
      Set(geom, "size", {half[0], half[2]});
    else
      Set(geom, "size", {half[0]});
    Set(geom, "density", 300.0);
    Set(geom, "rgba", std::string(kColours[k % 6]));
    // Rolling friction (condim 6), so a ball or a cylinder on its side comes to rest.
    Set(geom, "condim", 6.0);
    Set(geom, "friction", {0.6, 0.02, 0.02});
    build.bodies[e.name] = body;
    build.declared_at[e.name] = site.source;
    d.entities.push_back(e.name);
    site.entities.push_back(std::move(e));
  }
}

}  // namespace

const Block& RandomizeSchema() {
  static const Block block{
      "randomize",
      "the randomize section: lights, materials, cameras, objects, distractors, physics, settle",
      {
          Nested("lights", Type::kBlock, LightsRandomSchema(), "the layout's lights"),
          Nested("materials", Type::kBlockList, MaterialsRandomSchema(), "per semantic class"),
          Nested("cameras", Type::kBlock, CamerasRandomSchema(), "every camera's pose and lens"),
          Nested("objects", Type::kBlockList, ObjectsRandomSchema(), "loose items per class"),
          Nested("distractors", Type::kBlock, DistractorsRandomSchema(),
                 "free bodies of class distractor"),
          Nested("physics", Type::kBlock, PhysicsRandomSchema(), "friction and mass scales"),
          Nested("settle", Type::kBlock, SettleSchema(), "how a frame settles"),
      }};
  return block;
}

const Block& RandomizeOverlaySchema() {
  static const Block block{
      "randomize_overlay",
      "an overlay with one top-level section, randomize:",
      {Nested("randomize", Type::kBlock, RandomizeSchema(), "replaces the layout's sub-sections",
              /*required=*/true)}};
  return block;
}

void ReadRandomizeSection(const LayoutNode& node, LayoutBuild& build) {
  build.site.materials.assign(build.materials.begin(), build.materials.end());
  RandomizeSpec spec;
  ReadInto(node, build.site, /*overlay=*/false, spec);
  if (spec.distractors) AddDistractors(*spec.distractors, build);
  build.site.randomize = std::move(spec);
}

}  // namespace internal

void ApplyRandomizeOverlay(const std::string& path, RandomizeSpec& spec, const Site& site) {
  const internal::LayoutNode root =
      internal::ParseLayoutFile(path).Bound(internal::RandomizeOverlaySchema());
  root.ExpectMap(internal::RandomizeOverlaySchema().description);
  internal::ReadInto(root.Required("randomize"), site, /*overlay=*/true, spec);
  root.CheckNoUnknownKeys();
}

}  // namespace twin::scenes
