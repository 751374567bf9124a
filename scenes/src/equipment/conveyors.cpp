// Belt and roller conveyors. The origin is on the floor under the centre of the conveying
// surface; material travels along +x at a positive speed.
//
// A belt is modelled as a flat body on a slide joint along the conveyor. The sim's conveyor
// behaviour holds the joint at 0 and its velocity at the belt speed every step, so contact
// friction drags whatever lies on it at belt speed without the belt ever moving away.
#include "../equipment.h"

#include <cmath>

namespace twin::scenes::internal {
namespace {

// Legs at both ends and at most every 1.5 m, plus two side members under the conveying surface.
void AddFrame(EquipmentContext& ctx, double length, double width, double top,
              const std::string& material) {
  const double member = 0.05;
  for (double side : {-1.0, 1.0}) {
    Set(AddBox(ctx.root, ctx.Name(side < 0 ? "frame_left" : "frame_right"),
               {length / 2, member / 2, 0.06}, {0, side * (width / 2 + member / 2), top - 0.06},
               ""),
        "material", material);
  }
  const int spans = std::max(1, static_cast<int>(std::ceil(length / 1.5)));
  for (int i = 0; i <= spans; ++i) {
    const double x = -length / 2 + member + i * (length - 2 * member) / spans;
    for (double side : {-1.0, 1.0}) {
      Set(AddBox(ctx.root, ctx.Name("leg" + std::to_string(i) + (side < 0 ? "_left" : "_right")),
                 {member / 2, member / 2, (top - 0.12) / 2},
                 {x, side * (width / 2 + member / 2), (top - 0.12) / 2}, ""),
          "material", material);
    }
  }
}

void AddRailsAndStop(EquipmentContext& ctx, double length, double width, double top,
                     const std::string& material) {
  if (ctx.item.Bool("side_rails")) {
    const double rail_height = ctx.Number("rail_height");
    for (double side : {-1.0, 1.0}) {
      Set(AddBox(ctx.root, ctx.Name(side < 0 ? "rail_left" : "rail_right"),
                 {length / 2, 0.01, rail_height / 2},
                 {0, side * (width / 2 + 0.01), top + rail_height / 2}, ""),
          "material", material);
    }
  }
  if (ctx.item.Bool("end_stop")) {
    Set(AddBox(ctx.root, ctx.Name("end_stop"), {0.01, width / 2 + 0.02, 0.05},
               {length / 2 + 0.01, 0, top + 0.05}, ""),
        "material", material);
  }
  ctx.AddMount("", {{0, 0, top}, {1, 0, 0, 0}});
  ctx.AddMount("start", {{-length / 2, 0, top}, {1, 0, 0, 0}});
  ctx.AddMount("end", {{length / 2, 0, top}, {1, 0, 0, 0}});
}

// The frame is welded to the world, and MuJoCo filters parent-child contacts only between moving
// bodies, so a belt or roller touching its own frame or rails would be held back by it.
void ExcludeFrameContacts(EquipmentContext& ctx, const std::string& moving_body) {
  Xml* exclude = Add(ctx.build.mjcf.contact(), "exclude");
  Set(exclude, "body1", ctx.entity.name);
  Set(exclude, "body2", moving_body);
}

// The keys both kinds of conveyor have.
std::vector<Param> Frame() {
  return {
      Number("length", 3.0, schema::kPositive, "m", "along x, the direction of travel"),
      Number("width", 0.6, schema::kPositive, "m", "of the conveying surface"),
      Number("height", 0.8, schema::kPositive, "m", "of the conveying surface above the floor"),
  };
}
std::vector<Param> Rails() {
  return {
      Bool("side_rails", true, "guide rails along both sides"),
      Number("rail_height", 0.06, schema::kPositive, "m", "of the side rails above the surface"),
      Bool("end_stop", false, "a plate across the end that stops what arrives"),
  };
}
Param Speed() {
  return Number("speed", 0.3, {-5, 5}, "m/s", "surface speed; + carries towards +x");
}
std::vector<Param> Concat(std::vector<std::vector<Param>> parts) {
  std::vector<Param> out;
  for (auto& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace

const Block& BeltConveyorSchema() {
  static const Block block{
      "conveyor", "a belt conveyor",
      Concat({Frame(),
              {Speed(), Number("friction", 1.0, {0, 5}, "1", "belt friction coefficient")},
              Rails()})};
  return block;
}

const Block& RollerConveyorSchema() {
  static const Block block = [] {
    Param speed = Speed();
    speed.needs = "powered";  // gravity rollers have no speed
    return Block{"roller_conveyor", "a roller conveyor: gravity rollers, or powered ones",
                 Concat({Frame(),
                         {Number("roller_radius", 0.025, schema::kPositive, "m", "of each roller"),
                          Number("roller_pitch", 0.075, schema::kPositive, "m",
                                 "between roller centres (at least twice roller_radius)"),
                          Bool("powered", false, "driven rollers; false: gravity rollers"), speed},
                         Rails()})};
  }();
  return block;
}

void BuildBeltConveyor(EquipmentContext& ctx) {
  const double length = ctx.Number("length");
  const double width = ctx.Number("width");
  const double height = ctx.Number("height");
  const double speed = ctx.Number("speed");
  const double friction = ctx.Number("friction");
  const std::string frame = ctx.build.Material("conveyor_frame", "0.55 0.57 0.6 1", 0.5);
  const std::string rubber = ctx.build.Material("belt_rubber", "0.12 0.12 0.13 1", 0.1);

  AddFrame(ctx, length, width, height - 0.02, frame);
  const double thickness = 0.02;
  Xml* belt = ctx.AddPartBody("belt", {{0, 0, height - thickness / 2}, {1, 0, 0, 0}});
  Xml* slide = Add(belt, "joint");
  Set(slide, "name", ctx.Name("belt_slide"));
  Set(slide, "type", std::string("slide"));
  Set(slide, "axis", std::string("1 0 0"));
  Xml* surface =
      AddBox(belt, ctx.Name("belt_surface"), {length / 2, width / 2, thickness / 2}, {0, 0, 0}, "");
  Set(surface, "material", rubber);
  // Heavy, so the load on it barely changes its speed within one step.
  Set(surface, "mass", 200.0);
  Set(surface, "friction", {friction, 0.005, 0.0001});
  ExcludeFrameContacts(ctx, ctx.Name("belt"));
  AddRailsAndStop(ctx, length, width, height, frame);

  ConveyorSpec spec;
  spec.entity = ctx.entity.name;
  spec.belt_joint = ctx.Name("belt_slide");
  spec.speed = speed;
  spec.length = length;
  spec.width = width;
  spec.height = height;
  ctx.build.site.conveyors.push_back(spec);
}

void BuildRollerConveyor(EquipmentContext& ctx) {
  const double length = ctx.Number("length");
  const double width = ctx.Number("width");
  const double height = ctx.Number("height");
  const double radius = ctx.Number("roller_radius");
  const double pitch = ctx.Number("roller_pitch");
  const bool powered = ctx.item.Bool("powered");
  if (!powered && ctx.item.Has("speed")) {
    ctx.item.Required("speed").Fail(
        "gravity rollers have no speed; set powered: true to drive them");
  }
  const double speed = powered ? ctx.Number("speed") : 0.0;
  if (pitch < 2 * radius) {
    ctx.item.Required("roller_pitch")
        .Fail("rollers overlap: roller_pitch must be at least twice roller_radius (" +
              std::to_string(2 * radius) + " m)");
  }
  const std::string frame = ctx.build.Material("conveyor_frame", "0.55 0.57 0.6 1", 0.5);
  const std::string roller = ctx.build.Material("roller_zinc", "0.75 0.77 0.8 1", 0.8);

  AddFrame(ctx, length, width, height - 2 * radius, frame);
  ConveyorSpec spec;
  spec.entity = ctx.entity.name;
  spec.roller_radius = radius;
  const int count = std::max(2, static_cast<int>(std::floor(length / pitch)));
  for (int i = 0; i < count; ++i) {
    const double x = -length / 2 + pitch / 2 + i * (length - pitch) / (count - 1);
    const std::string part = "roller" + std::to_string(i);
    Xml* body = ctx.AddPartBody(part, {{x, 0, height - radius}, {1, 0, 0, 0}});
    Xml* hinge = Add(body, "joint");
    Set(hinge, "name", ctx.Name(part + "_spin"));
    Set(hinge, "type", std::string("hinge"));
    Set(hinge, "axis", std::string("0 1 0"));
    Set(hinge, "damping", powered ? 0.0 : 0.002);
    Xml* geom =
        AddCylinder(body, ctx.Name(part + "_surface"), radius, width / 2, {0, 0, 0}, 'y', "");
    Set(geom, "material", roller);
    Set(geom, "mass", 1.0);
    Set(geom, "friction", {0.9, 0.005, 0.0001});
    ExcludeFrameContacts(ctx, ctx.Name(part));
    if (powered) spec.roller_joints.push_back(ctx.Name(part + "_spin"));
  }
  AddRailsAndStop(ctx, length, width, height, frame);
  spec.speed = speed;
  spec.length = length;
  spec.width = width;
  spec.height = height;
  ctx.build.site.conveyors.push_back(spec);
}

}  // namespace twin::scenes::internal
