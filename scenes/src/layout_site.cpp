// The site section (global settings, floor, walls, columns), lights and bridge overrides.
#include "layout_parts.h"

#include <cmath>

namespace twin::scenes::internal {

void ReadSiteSection(const LayoutNode& site, LayoutBuild& build) {
  site.ExpectMap("the site settings");
  Site& s = build.site;
  s.name = site.String("name", s.name);
  s.timestep = site.Number("timestep", 0.002, 0, 0.1, /*exclusive_min=*/true);
  const Vec3 gravity = site.Vector3("gravity", {0, 0, -9.81});
  if (const auto seed = site.Optional("seed")) {
    const double value = seed->AsNumber();
    if (value < 0 || value != std::floor(value) || value > 9e15) {
      seed->Fail("the seed must be a whole number >= 0");
    }
    s.seed = static_cast<uint64_t>(value);
    s.has_seed = true;
  }

  // Solver settings a site may need: implicit integration for stiff drives, and MuJoCo's no-slip
  // pass, which removes the slow creep of objects held by friction (grippers, stacked goods).
  const std::string integrator = site.Choice("integrator", "Euler", {"Euler", "implicit", "RK4"});
  const std::string cone = site.Choice("cone", "pyramidal", {"pyramidal", "elliptic"});
  const int noslip = site.Integer("noslip_iterations", 0, 0, 100);

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
    const std::array<double, 2> size = floor->Optional("size")
                                           ? floor->Required("size").AsVector<2>()
                                           : std::array<double, 2>{20, 20};
    if (!(size[0] > 0 && size[1] > 0)) floor->Required("size").Fail("the floor size must be > 0");
    floor_size = {size[0], size[1], 0};
    floor_material = floor->Choice("material", "concrete", {"concrete", "epoxy", "asphalt"});
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
      const auto from = wall.Required("from").AsVector<2>();
      const auto to = wall.Required("to").AsVector<2>();
      const double height = wall.Positive("height", 4.0);
      const double thickness = wall.Positive("thickness", 0.2);
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
      const auto at = column.Required("position").AsVector<2>();
      const double size = column.Positive("size", 0.4);
      const double height = column.Positive("height", 6.0);
      Xml* geom = AddBox(build.mjcf.worldbody(), "column" + std::to_string(index++),
                         {size / 2, size / 2, height / 2}, {at[0], at[1], height / 2}, "");
      Set(geom, "material", wall_material);
      column.CheckNoUnknownKeys();
    }
  }
  site.CheckNoUnknownKeys();
}

void ReadLights(const LayoutNode& lights, const Placement& at, LayoutBuild& build) {
  for (const LayoutNode& item : lights.Items("lights")) {
    item.ExpectMap("a light like {name: sun, type: directional, direction: [0, 0, -1]}");
    const std::string name = at.prefix + item.RequiredString("name");
    ClaimName(item, name, build);
    const std::string type = item.Choice("type", "spot", {"directional", "spot"});
    const Vec3 position = item.Vector3("position", {0, 0, 5});
    const Vec3 direction = item.Vector3("direction", {0, 0, -1});
    if (std::hypot(direction[0], direction[1], direction[2]) < 1e-9) {
      item.Required("direction").Fail("the direction must not be zero");
    }
    const Vec3 diffuse = item.Vector3("diffuse", {0.7, 0.7, 0.7});
    const double cutoff = item.Number("cutoff", 45, 0, 90, /*exclusive_min=*/true);
    const bool shadows = item.Bool("cast_shadow", true);
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
  spec.type = autopilot.RequiredString("type");
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
