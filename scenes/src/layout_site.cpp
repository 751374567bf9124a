// The site section (global settings, floor, walls, columns), lights and bridge overrides.
#include "layout_parts.h"
#include "layout_schema_tables.h"

#include <cmath>

namespace twin::scenes::internal {

const Block& FloorSchema() {
  static const Block block{
      "floor",
      "the floor settings",
      {
          Vector("size", {20, 20}, schema::kPositive, "m", "length and width of the floor plane",
                 "the floor size must be > 0"),
          Enum("material", "concrete", {"concrete", "epoxy", "asphalt"}, "its look"),
      }};
  return block;
}

const Block& WallSchema() {
  static const Block block{"wall",
                           "a wall like {from: [x, y], to: [x, y], height: 4}",
                           {
                               {.key = "from",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "x, y of one end",
                                .required = true,
                                .has_default = false,
                                .size = 2},
                               {.key = "to",
                                .type = Type::kVector,
                                .unit = "m",
                                .description = "x, y of the other end",
                                .required = true,
                                .has_default = false,
                                .size = 2},
                               Number("height", 4.0, schema::kPositive, "m", "its height"),
                               Number("thickness", 0.2, schema::kPositive, "m", "its thickness"),
                           }};
  return block;
}

const Block& ColumnSchema() {
  static const Block block{
      "column",
      "a column like {position: [x, y], size: 0.4, height: 6}",
      {
          {.key = "position",
           .type = Type::kVector,
           .unit = "m",
           .description = "x, y of its centre",
           .required = true,
           .has_default = false,
           .size = 2},
          Number("size", 0.4, schema::kPositive, "m", "side of its square section"),
          Number("height", 6.0, schema::kPositive, "m", "its height"),
      }};
  return block;
}

const Block& SiteSchema() {
  static const Block block{
      "site",
      "the site settings",
      {
          {.key = "name",
           .type = Type::kString,
           .description = "the site's name",
           .has_default = false,
           .default_note = "the file's name"},
          Number("timestep", 0.002, {0, 0.1, true}, "s", "the physics step"),
          Vector("gravity", {0, 0, -9.81}, schema::kAny, "m/s^2", "gravity"),
          {.key = "seed",
           .type = Type::kInteger,
           .description = "fixes everything random (pools, distractors, datasets)",
           .has_default = false,
           .default_note = "twin's default seed",
           .range = {0, 9e15},
           .range_message = "the seed must be a whole number >= 0"},
          Enum("integrator", "Euler", {"Euler", "implicit", "RK4"}, "MuJoCo's integrator"),
          Enum("cone", "pyramidal", {"pyramidal", "elliptic"}, "MuJoCo's friction cone"),
          Integer("noslip_iterations", 0, 0, 100,
                  "MuJoCo's no-slip passes (removes the creep of things held by friction)"),
          Nested("floor", Type::kBlock, FloorSchema(), "the floor plane"),
          Nested("walls", Type::kBlockList, WallSchema(), "walls"),
          Nested("columns", Type::kBlockList, ColumnSchema(), "columns"),
      }};
  return block;
}

void ReadSiteSection(const LayoutNode& site, LayoutBuild& build) {
  site.ExpectMap("the site settings");
  Site& s = build.site;
  if (site.Has("name")) s.name = site.Text("name");
  s.timestep = site.Number("timestep");
  const Vec3 gravity = site.Vector3("gravity");
  if (site.Has("seed")) {
    s.seed = static_cast<uint64_t>(site.Number("seed"));
    s.has_seed = true;
  }

  // Solver settings a site may need: implicit integration for stiff drives, and MuJoCo's no-slip
  // pass, which removes the slow creep of objects held by friction (grippers, stacked goods).
  const std::string integrator = site.Text("integrator");
  const std::string cone = site.Text("cone");
  const int noslip = site.Integer("noslip_iterations");

  Xml* option = build.mjcf.option();
  Set(option, "timestep", s.timestep);
  Set(option, "gravity", gravity);
  if (integrator != "Euler") Set(option, "integrator", integrator);
  if (cone != "pyramidal") Set(option, "cone", cone);
  if (noslip > 0) Set(option, "noslip_iterations", static_cast<double>(noslip));

  // Floor: a plane (collides everywhere), sized for the renderer.
  Vec3 floor_size{20, 20, 0};
  std::string floor_material = "concrete";
  if (const auto floor = site.Optional("floor")) {
    floor->ExpectMap("the floor settings");
    const std::vector<double> size = floor->Numbers("size");
    floor_size = {size[0], size[1], 0};
    floor_material = floor->Text("material");
    floor->CheckNoUnknownKeys();
  }
  const std::string rgba = floor_material == "epoxy"     ? "0.55 0.6 0.55 1"
                           : floor_material == "asphalt" ? "0.25 0.25 0.27 1"
                                                         : "0.62 0.62 0.6 1";
  const std::string material = build.Material("floor_" + floor_material, rgba, 0.1);
  Xml* plane = Add(build.mjcf.worldbody(), "geom");
  Set(plane, "name", std::string("floor"));
  Set(plane, "type", std::string("plane"));
  Set(plane, "size", {floor_size[0] / 2, floor_size[1] / 2, 0.1});
  Set(plane, "material", material);
  s.floor_size = {floor_size[0], floor_size[1]};

  const std::string wall_material = build.Material("wall_white", "0.85 0.85 0.82 1", 0.1);
  if (const auto walls = site.Optional("walls")) {
    int index = 0;
    for (const LayoutNode& wall : walls->Items("walls")) {
      wall.ExpectMap("a wall like {from: [x, y], to: [x, y], height: 4}");
      const std::vector<double> from = wall.Numbers("from");
      const std::vector<double> to = wall.Numbers("to");
      const double height = wall.Number("height");
      const double thickness = wall.Number("thickness");
      const double dx = to[0] - from[0], dy = to[1] - from[1];
      const double length = std::hypot(dx, dy);
      if (length < 1e-6) wall.Required("to").Fail("a wall needs different from and to points");
      Pose pose{{(from[0] + to[0]) / 2, (from[1] + to[1]) / 2, height / 2},
                QuatFromYawDeg(std::atan2(dy, dx) * 180.0 / M_PI)};
      Xml* geom = AddBox(build.mjcf.worldbody(), "wall" + std::to_string(index++),
                         {length / 2, thickness / 2, height / 2}, {0, 0, 0}, "");
      SetPose(geom, pose);
      Set(geom, "material", wall_material);
      wall.CheckNoUnknownKeys();
    }
  }
  if (const auto columns = site.Optional("columns")) {
    int index = 0;
    for (const LayoutNode& column : columns->Items("columns")) {
      column.ExpectMap("a column like {position: [x, y], size: 0.4, height: 6}");
      const std::vector<double> at = column.Numbers("position");
      const double size = column.Number("size");
      const double height = column.Number("height");
      Xml* geom = AddBox(build.mjcf.worldbody(), "column" + std::to_string(index++),
                         {size / 2, size / 2, height / 2}, {at[0], at[1], height / 2}, "");
      Set(geom, "material", wall_material);
      column.CheckNoUnknownKeys();
    }
  }
  site.CheckNoUnknownKeys();
}

const Block& LightSchema() {
  static const Block block{
      "light",
      "a light like {name: sun, type: directional, direction: [0, 0, -1]}",
      {
          {.key = "name",
           .type = Type::kString,
           .description = "a unique name",
           .required = true,
           .has_default = false},
          Enum("type", "spot", {"directional", "spot"}, "a spot light, or a directional one"),
          Vector("position", {0, 0, 5}, schema::kAny, "m", "where it is"),
          Vector("direction", {0, 0, -1}, schema::kAny, "1", "where it points (not zero)"),
          Vector("diffuse", {0.7, 0.7, 0.7}, schema::kAny, "1", "diffuse colour, r g b"),
          Number("cutoff", 45, {0, 90, true}, "deg", "a spot's cone half-angle"),
          Bool("cast_shadow", true, "whether it casts shadows"),
      }};
  return block;
}

void ReadLights(const LayoutNode& lights, const Placement& at, LayoutBuild& build) {
  for (const LayoutNode& item : lights.Items("lights")) {
    item.ExpectMap(LightSchema().description);
    const std::string name = at.prefix + item.Text("name");
    ClaimName(item, name, build);
    const std::string type = item.Text("type");
    const Vec3 position = item.Vector3("position");
    const Vec3 direction = item.Vector3("direction");
    if (std::hypot(direction[0], direction[1], direction[2]) < 1e-9) {
      item.Required("direction").Fail("the direction must not be zero");
    }
    const Vec3 diffuse = item.Vector3("diffuse");
    const double cutoff = item.Number("cutoff");
    const bool shadows = item.Bool("cast_shadow");
    item.CheckNoUnknownKeys();

    Xml* light = Add(build.mjcf.worldbody(), "light");
    Set(light, "name", name);
    Set(light, "pos", Compose(at.pose, {position, {1, 0, 0, 0}}).position);
    Set(light, "dir", Rotate(at.pose.orientation, direction));
    Set(light, "diffuse", diffuse);
    Set(light, "directional", std::string(type == "directional" ? "true" : "false"));
    Set(light, "cutoff", cutoff);
    Set(light, "castshadow", std::string(shadows ? "true" : "false"));
  }
}

const Block& BridgeSchema() {
  static const Block block{"bridge",
                           "the bridge settings",
                           {
                               {.key = "topics",
                                .type = Type::kTextMap,
                                .description = "topic-name overrides, like {/clock: /sim/clock}",
                                .has_default = false},
                           }};
  return block;
}

// The autopilot's own keys are read and checked by the autopilot (sim/src/autopilot_*.cpp), with
// the messages it has always given; this table describes them for editors and the reference.
const Block& AutopilotSchema() {
  static const Block block{
      "autopilot",
      "the autopilot, like {type: palletize, arm: robot}",
      {
          {.key = "type",
           .type = Type::kEnum,
           .description = "the scripted logic",
           .required = true,
           .has_default = false,
           .choices = {"palletize", "warehouse"}},
          {.key = "arm",
           .type = Type::kName,
           .description = "palletize: the arm",
           .has_default = false,
           .refers_to = "equipment"},
          {.key = "gripper",
           .type = Type::kName,
           .description = "palletize: the suction gripper on its flange",
           .has_default = false,
           .refers_to = "equipment"},
          {.key = "conveyor",
           .type = Type::kName,
           .description = "palletize: the infeed conveyor (stopped while a carton is picked)",
           .has_default = false,
           .refers_to = "equipment"},
          {.key = "beam_break",
           .type = Type::kName,
           .description = "palletize: the beam break at the pick point",
           .has_default = false,
           .refers_to = "sensor"},
          {.key = "pallet",
           .type = Type::kName,
           .description = "palletize: the pallet to fill; warehouse: the pallet the forklift moves",
           .has_default = false,
           .refers_to = "equipment"},
          {.key = "pattern",
           .type = Type::kVector,
           .unit = "1",
           .description = "palletize: columns x rows x layers",
           .has_default = false,
           .range = {1, 1000},
           .size = 3},
          Number("gap", 0.03, schema::kNonNegative, "m", "palletize: between neighbouring cartons"),
          Number("clearance", 0.05, schema::kNonNegative, "m",
                 "palletize: a carried carton above the stack"),
          Number("release_height", 0.005, schema::kNonNegative, "m",
                 "palletize: above its slot a carton is let go"),
          {.key = "forklift",
           .type = Type::kName,
           .description = "warehouse: the forklift of the pallet task",
           .has_default = false,
           .refers_to = "equipment"},
          {.key = "pick",
           .type = Type::kVector,
           .unit = "m, m, deg",
           .description = "warehouse: where the pallet stands: x, y, heading of the forks",
           .has_default = false,
           .size = 3},
          {.key = "place",
           .type = Type::kVector,
           .unit = "m, m, deg",
           .description = "warehouse: where it goes (at least 1.5 m from pick)",
           .has_default = false,
           .size = 3},
          Integer("cycles", 0, 0, 1e9, "warehouse: moves before the truck stops; 0: for ever"),
          Number("carry_height", 0.12, {0.02, 1}, "m",
                 "warehouse: the pallet is carried this far above the floor"),
      },
      /*open=*/true,
      /*open_prefix=*/"patrol_"};
  return block;
}

void ReadBridge(const LayoutNode& bridge, LayoutBuild& build) {
  bridge.ExpectMap("the bridge settings");
  if (const auto topics = bridge.Optional("topics")) {
    for (const auto& [from, to] : topics->Entries("topic overrides like {/clock: /sim/clock}")) {
      const std::string target = to.AsString();
      if (from.empty() || from[0] != '/' || target.empty() || target[0] != '/') {
        to.Fail("topic names are absolute ROS names starting with '/', got '" + from + "' -> '" +
                target + "'");
      }
      build.site.bridge_topics[from] = target;
    }
  }
  bridge.CheckNoUnknownKeys();
}

void ReadAutopilot(const LayoutNode& autopilot, LayoutBuild& build) {
  autopilot.ExpectMap("the autopilot, like {type: palletize, arm: robot}");
  AutopilotSpec& spec = build.site.autopilot;
  spec.type = autopilot.Required("type").AsString();
  spec.where = autopilot.Where() + ": autopilot";
  for (const auto& [key, value] : autopilot.Entries("autopilot settings")) {
    if (key == "type") continue;
    std::string text;
    if (value.IsSequence()) {
      for (const LayoutNode& item : value.Items("values")) {
        text += (text.empty() ? "" : " ") + item.AsString();
      }
    } else {
      text = value.AsString();
    }
    spec.params[key] = {text, value.Where() + ": " + value.path()};
  }
}

}  // namespace twin::scenes::internal
