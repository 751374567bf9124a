// Spawners and sinks: the ends of a logistics flow. A spawner preallocates its pool of cartons
// (sizes and masses drawn from the layout's ranges with the site's seed) and parks them far
// outside the scene; the sim's LogisticsFlow brings them in one by one and sinks send them back.
#include "../equipment.h"

#include <twin/base/random.h>

#include <cmath>

namespace twin::scenes::internal {
namespace {

constexpr const char* kMassMessage = "mass is [min, max] kilograms with 0 < min <= max";

// The range of the cartons' sizes: `size_min` and `size_max`.
std::pair<Vec3, Vec3> SizeRange(EquipmentContext& ctx) {
  const Vec3 min = ctx.item.Vector3("size_min");
  const Vec3 max = ctx.item.Vector3("size_max");
  for (int i = 0; i < 3; ++i) {
    if (max[i] < min[i]) {
      ctx.item.Required("size_max").Fail("each side of size_max must be >= the one of size_min");
    }
  }
  return {min, max};
}

}  // namespace

const Block& SpawnerSchema() {
  static const Block block{
      "spawner",
      "the start of a logistics flow: brings cartons from a preallocated pool onto its pose",
      {
          {.key = "rate",
           .type = Type::kNumber,
           .unit = "1/s",
           .description = "mean arrivals per second, at Poisson-distributed times",
           .number = 0.2,
           .range = schema::kPositive,
           .excludes = {"interval"}},
          {.key = "interval",
           .type = Type::kNumber,
           .unit = "s",
           .description = "between arrivals, regular (unless rate is given)",
           .number = 5.0,
           .range = schema::kPositive,
           .excludes = {"rate"}},
          Number("start", 0.0, schema::kNonNegative, "s", "the time of the first arrival"),
          Integer("pool", 20, 1, 5000, "cartons preallocated (parked far away until used)"),
          Vector("size_min", {0.3, 0.2, 0.15}, schema::kPositive, "m",
                 "the smallest carton: length, width, height", "every side must be > 0 metres"),
          // size_min is > 0, so a side of size_max that is not is also below size_min's.
          Vector("size_max", {0.5, 0.4, 0.3}, schema::kPositive, "m",
                 "the largest carton (each side >= size_min's)",
                 "each side of size_max must be >= the one of size_min"),
          Vector("mass", {1.0, 8.0}, schema::kPositive, "kg", "[min, max] of the cartons' masses",
                 kMassMessage),
          Number("friction", 0.5, {0, 5}, "1", "the cartons' friction coefficient"),
          Enum("texture", "plain", {"plain", "printed", "taped"}, "the cartons' look"),
      }};
  return block;
}

const Block& SinkSchema() {
  static const Block block{
      "sink",
      "the end of a logistics flow: what enters its region goes back to its spawner's pool",
      {
          Vector("size", {1.0, 1.0, 1.0}, schema::kPositive, "m",
                 "the region: length, width, height, standing on the pose",
                 "every side must be > 0 metres"),
      }};
  return block;
}

void BuildSpawner(EquipmentContext& ctx) {
  SpawnerSpec spec;
  spec.entity = ctx.entity.name;
  spec.spawn = ctx.entity.pose;
  const bool has_rate = ctx.item.Has("rate"), has_interval = ctx.item.Has("interval");
  if (has_rate && has_interval) ctx.item.Required("rate").Fail("give interval or rate, not both");
  spec.poisson = has_rate;
  spec.rate = ctx.Number("rate");
  spec.interval = ctx.Number("interval");
  spec.start = ctx.Number("start");
  const int pool = ctx.item.Integer("pool");
  ctx.entity.parameters["pool"] = pool;
  const auto [size_min, size_max] = SizeRange(ctx);
  const std::vector<double> mass = ctx.item.Numbers("mass");
  if (mass[1] < mass[0]) ctx.item.Required("mass").Fail(kMassMessage);
  const double friction = ctx.Number("friction");
  const std::string texture = ctx.item.Text("texture");

  // Item k's size is draw k of the spawner's own stream: the pool is the same on every load.
  const uint64_t seed = ctx.build.site.has_seed ? ctx.build.site.seed : base::kDefaultSeed;
  const base::CounterRng rng(seed, base::StreamId("spawner/" + ctx.entity.name));
  const int spawner_index = static_cast<int>(ctx.build.site.spawners.size());
  for (int k = 0; k < pool; ++k) {
    Vec3 size;
    for (int i = 0; i < 3; ++i) size[i] = rng.Uniform(4 * k + i, size_min[i], size_max[i]);
    const double item_mass = rng.Uniform(4 * k + 3, mass[0], mass[1]);

    Entity item;
    item.name = ctx.entity.name + "_item" + std::to_string(k);
    item.type = "carton";
    item.class_name = ctx.entity.class_name;
    item.class_id = ctx.entity.class_id;
    item.parent = ctx.entity.name;
    item.dynamic = true;
    item.source = ctx.entity.source;
    item.bodies = {item.name};
    item.parameters = {
        {"size_x", size[0]}, {"size_y", size[1]}, {"size_z", size[2]}, {"mass", item_mass}};
    // Parked on a grid far from the site, one row per spawner, never touching each other.
    item.pose = {{1000.0 + 2.0 * k, 1000.0 + 2.0 * spawner_index, 1.0}, {1, 0, 0, 0}};
    Xml* body = AddBody(ctx.build.mjcf.worldbody(), item.name, item.pose);
    Set(Add(body, "freejoint"), "name", item.name + "/free");
    AddCartonBox(ctx.build, body, item.name + "/box", size, item_mass, friction, texture);
    ctx.build.bodies[item.name] = body;
    ctx.build.declared_at[item.name] = ctx.entity.source;
    spec.items.push_back(item.name);
    spec.parking.push_back(item.pose);
    spec.clearance.push_back(0.5 * std::hypot(size[0], size[1]) + 0.02);
    ctx.build.site.entities.push_back(std::move(item));
  }
  ctx.build.site.spawners.push_back(std::move(spec));
}

void BuildSink(EquipmentContext& ctx) {
  SinkSpec spec;
  spec.entity = ctx.entity.name;
  const Vec3 size = ctx.Size("size");
  spec.half_size = {size[0] / 2, size[1] / 2, size[2] / 2};
  // The region stands on the sink's pose: its centre is half its height above it.
  spec.region = Compose(ctx.entity.pose, {{0, 0, size[2] / 2}, {1, 0, 0, 0}});
  ctx.build.site.sinks.push_back(spec);
}

}  // namespace twin::scenes::internal
