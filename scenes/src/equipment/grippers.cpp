// End effectors for an arm's tool flange: a vacuum suction cup and a parallel-jaw gripper. Both
// are placed with `parent: <arm>/flange`; their origin is the flange centre and their +z axis
// points out of the flange, the way tools are drawn on a UR flange.
//
// Suction: MuJoCo's adhesion actuator pulls whatever touches the cup's pad towards it with up to
// `max_force` newtons, which is what a vacuum cup does once it seals. The pad is a thin box (box
// against box gives MuJoCo several contacts, so a held carton cannot pivot on one point) with a
// 4 mm contact margin: the pull acts on things up to 4 mm away, as suction draws a carton in, and
// the gap keeps those near contacts from pushing back.
//
// Parallel jaws: two fingers on slide joints kept symmetric by an equality, and one servo on the
// opening between the pads (a fixed tendon, the sum of the two slides). Its force range is the
// grip force: closing on an object squeezes it with `max_force`, as an electric gripper does.
#include <twin/base/suggest.h>

#include "../equipment.h"

#include <cmath>

namespace twin::scenes::internal {
namespace {

// Margin within which the vacuum pulls, metres.
constexpr double kSuctionReach = 0.004;

Pose Inverse(const Pose& p) {
  const Quat conj{p.orientation[0], -p.orientation[1], -p.orientation[2], -p.orientation[3]};
  const Vec3 back = Rotate(conj, p.position);
  return {{-back[0], -back[1], -back[2]}, conj};
}

// The arm whose tool flange the gripper is placed on; fails naming `parent` otherwise.
const ArmSpec& FlangeArm(EquipmentContext& ctx) {
  std::vector<std::string> flanges;
  for (const ArmSpec& arm : ctx.build.site.arms) {
    if (ctx.entity.parent == arm.entity + "/flange") return arm;
    flanges.push_back(arm.entity + "/flange");
  }
  const std::string what = "a " + ctx.entity.type + " goes on an arm's tool flange";
  const std::string fix = flanges.empty() ? "declare an arm above it and set parent: <arm>/flange"
                                          : "set parent: to one of " + base::JoinNames(flanges);
  if (const auto parent = ctx.item.Optional("parent")) {
    parent->Fail(what + ", and '" + ctx.entity.parent + "' is not one; " + fix);
  }
  ctx.item.Fail(what + " but has no parent; " + fix);
}

// Where a frame of the gripper (given in its root body) is in the arm's flange frame.
Pose InFlange(EquipmentContext& ctx, const Pose& in_root) {
  const MountPoint& flange = ctx.build.mounts.at(ctx.entity.parent);
  return Compose(Compose(Inverse(flange.world), ctx.entity.pose), in_root);
}

Xml* AddZCylinder(Xml* body, const std::string& name, double radius, double z0, double z1) {
  return AddCylinder(body, name, radius, (z1 - z0) / 2, {0, 0, (z0 + z1) / 2}, 'z', "");
}

void AddTcp(EquipmentContext& ctx, Xml* body, const Vec3& pos) {
  Xml* site = Add(body, "site");
  Set(site, "name", ctx.Name("tcp"));
  Set(site, "pos", pos);
  Set(site, "size", {0.005});
}

// MjcfDocument has no <tendon> section; MuJoCo reads it before the actuators that use it.
Xml* TendonSection(MjcfDocument& mjcf) {
  if (Xml* tendon = mjcf.root()->FirstChildElement("tendon")) return tendon;
  Xml* tendon = mjcf.doc().NewElement("tendon");
  mjcf.root()->InsertAfterChild(mjcf.equality(), tendon);
  return tendon;
}

}  // namespace

const Block& SuctionGripperSchema() {
  static const Block block{
      "suction_gripper",
      "a vacuum suction cup for an arm's flange (parent: ARM/flange)",
      {
          Number("cup_radius", 0.04, schema::kPositive, "m", "of the cup"),
          Number("length", 0.12, schema::kPositive, "m",
                 "flange to cup face (at least 0.04: adapter plate, tube and cup)"),
          Number("max_force", 150, schema::kPositive, "N", "the vacuum's pull"),
      }};
  return block;
}

const Block& ParallelGripperSchema() {
  static const Block block{
      "parallel_gripper",
      "a parallel-jaw gripper for an arm's flange (parent: ARM/flange; Robotiq 2F-85-like)",
      {
          Number("stroke", 0.085, {0.005, 0.5}, "m", "opening between the pads, fully open"),
          Number("max_force", 40, schema::kPositive, "N", "grip force"),
          Number("finger_length", 0.05, {0.01, 0.5}, "m", "of the fingers"),
      }};
  return block;
}

void BuildSuctionGripper(EquipmentContext& ctx) {
  const ArmSpec& arm = FlangeArm(ctx);
  const double radius = ctx.Number("cup_radius");
  const double length = ctx.Number("length");
  const double max_force = ctx.Number("max_force");
  if (length < 0.04) {
    ctx.item.Required("length").Fail("must be at least 0.04 m (adapter plate, tube and cup)");
  }
  const std::string metal = ctx.build.Material("tool_aluminium", "0.7 0.72 0.75 1", 0.6);
  const std::string rubber = ctx.build.Material("suction_rubber", "0.1 0.1 0.1 1", 0.1);

  // Adapter plate on the flange and the vacuum tube down to the cup.
  Xml* adapter = AddZCylinder(ctx.root, ctx.Name("adapter"), 0.04, 0, 0.012);
  Xml* tube = AddZCylinder(ctx.root, ctx.Name("tube"), 0.015, 0.012, length - 0.024);
  for (Xml* geom : {adapter, tube}) {
    Set(geom, "material", metal);
    Set(geom, "mass", geom == adapter ? 0.15 : 0.1);
    CollideWithSiteOnly(geom);
  }
  // The cup: its body frame is on the cup face, where the tcp is.
  Xml* cup = ctx.AddPartBody("cup", {{0, 0, length}, {1, 0, 0, 0}});
  Xml* bellows = AddZCylinder(cup, ctx.Name("bellows"), radius, -0.024, -0.004);
  Set(bellows, "material", rubber);
  Set(bellows, "mass", 0.05);
  Set(bellows, "contype", 0.0);  // looks only; the pad below does the touching
  Set(bellows, "conaffinity", 0.0);
  const double half = radius / std::sqrt(2.0);
  Xml* pad = AddBox(cup, ctx.Name("pad"), {half, half, 0.002}, {0, 0, -0.002}, "");
  Set(pad, "material", rubber);
  Set(pad, "mass", 0.02);
  Set(pad, "friction", {1.0, 0.01, 0.0001});
  // A stiff, hard contact (time constant 5 ms, impedance 0.99-0.999; MuJoCo's default is 20 ms
  // and 0.9-0.95): a carried carton creeps about half as far across the pad during fast moves.
  Set(pad, "solref", {0.005, 1});
  Set(pad, "solimp", {0.99, 0.999, 0.001});
  Set(pad, "margin", kSuctionReach);
  Set(pad, "gap", kSuctionReach);
  CollideWithSiteOnly(pad);
  AddTcp(ctx, cup, {0, 0, 0});

  Xml* vacuum = Add(ctx.build.mjcf.actuator(), "adhesion");
  Set(vacuum, "name", ctx.Name("vacuum"));
  Set(vacuum, "body", ctx.Name("cup"));
  Set(vacuum, "ctrlrange", {0, 1});
  Set(vacuum, "gain", max_force);

  GripperSpec spec;
  spec.entity = ctx.entity.name;
  spec.kind = GripperKind::kSuction;
  spec.arm = arm.entity;
  spec.actuators = {ctx.Name("vacuum")};
  spec.tcp_site = ctx.Name("tcp");
  spec.tcp_in_flange = InFlange(ctx, {{0, 0, length}, {1, 0, 0, 0}});
  spec.contact_geoms = {ctx.Name("pad")};
  spec.max_force = max_force;
  ctx.build.site.grippers.push_back(spec);
}

void BuildParallelGripper(EquipmentContext& ctx) {
  const ArmSpec& arm = FlangeArm(ctx);
  const double stroke = ctx.Number("stroke");        // Robotiq 2F-85: 85 mm
  const double max_force = ctx.Number("max_force");  // gentle on cartons
  const double finger_length = ctx.Number("finger_length");
  const std::string metal = ctx.build.Material("tool_aluminium", "0.7 0.72 0.75 1", 0.6);
  const std::string rubber = ctx.build.Material("suction_rubber", "0.1 0.1 0.1 1", 0.1);

  // The palm: the drive housing, wide enough for the fingers' whole stroke.
  const double palm = 0.08, pad_thickness = 0.01, pad_width = 0.022;
  Xml* housing = AddBox(ctx.root, ctx.Name("palm"),
                        {0.035, stroke / 2 + pad_thickness + 0.01, palm / 2}, {0, 0, palm / 2}, "");
  Set(housing, "material", metal);
  Set(housing, "mass", 0.8);
  CollideWithSiteOnly(housing);

  // Each finger's pad has its inner face on the finger body's origin plane, so the slide joint's
  // value is that face's distance from the centre line and the opening is their sum.
  Xml* tendon = Add(TendonSection(ctx.build.mjcf), "fixed");
  Set(tendon, "name", ctx.Name("opening"));
  GripperSpec spec;
  for (const double side : {1.0, -1.0}) {
    const std::string finger = side > 0 ? "finger_left" : "finger_right";
    // Built open: the slide's reference is the open position, so the jaws start open.
    Xml* body = ctx.AddPartBody(finger, {{0, side * stroke / 2, palm}, {1, 0, 0, 0}});
    Xml* slide = Add(body, "joint");
    Set(slide, "name", ctx.Name(finger + "_slide"));
    Set(slide, "type", std::string("slide"));
    Set(slide, "axis", Vec3{0, side, 0});
    Set(slide, "limited", std::string("true"));
    Set(slide, "range", {0, stroke / 2});
    Set(slide, "ref", stroke / 2);
    Set(slide, "armature", 0.05);  // the drive's reflected inertia
    // Viscous drive friction sets the closing speed: 0.1 m/s per finger at full force.
    Set(slide, "damping", max_force / 0.1);
    Xml* pad = AddBox(body, ctx.Name(finger + "_pad"),
                      {pad_width / 2, pad_thickness / 2, finger_length / 2},
                      {0, side * pad_thickness / 2, finger_length / 2}, "");
    Set(pad, "material", rubber);
    Set(pad, "mass", 0.05);
    Set(pad, "condim", 4.0);  // torsional friction, so a gripped box does not spin
    // Stiffer and harder than MuJoCo's default contact (time constant 20 ms, impedance
    // 0.9-0.95): a box squeezed with 40 N gives way by 0.7 mm a side rather than 1.5 mm, and
    // a held weight creeps down the pads a little slower (2 rather than 2.7 mm/s for 0.3 kg;
    // MuJoCo's soft friction, which only the site-wide noslip solver removes).
    Set(pad, "solref", {0.01, 1});
    Set(pad, "solimp", {0.99, 0.999, 0.001});
    Set(pad, "friction", {1.0, 0.01, 0.0001});
    CollideWithSiteOnly(pad);
    Xml* part = Add(tendon, "joint");
    Set(part, "joint", ctx.Name(finger + "_slide"));
    Set(part, "coef", 1.0);
    spec.contact_geoms.push_back(ctx.Name(finger + "_pad"));
  }
  Xml* mirror = Add(ctx.build.mjcf.equality(), "joint");
  Set(mirror, "name", ctx.Name("mirror"));
  Set(mirror, "joint1", ctx.Name("finger_right_slide"));
  Set(mirror, "joint2", ctx.Name("finger_left_slide"));
  const double tcp_z = palm + finger_length / 2;  // between the centres of the pads
  AddTcp(ctx, ctx.root, {0, 0, tcp_z});

  // The servo reaches full force 5 mm short of its target: closing on an object squeezes it with
  // max_force, and an open or closed gripper stays put.
  const double kp = max_force / 0.005;
  Xml* servo = Add(ctx.build.mjcf.actuator(), "general");
  Set(servo, "name", ctx.Name("fingers"));
  Set(servo, "tendon", ctx.Name("opening"));
  Set(servo, "ctrllimited", std::string("true"));
  Set(servo, "ctrlrange", {0, stroke});
  Set(servo, "forcelimited", std::string("true"));
  Set(servo, "forcerange", {-max_force, max_force});
  Set(servo, "gaintype", std::string("fixed"));
  Set(servo, "gainprm", {kp});
  Set(servo, "biastype", std::string("affine"));
  Set(servo, "biasprm", {0, -kp, 0});

  spec.entity = ctx.entity.name;
  spec.kind = GripperKind::kParallel;
  spec.arm = arm.entity;
  spec.actuators = {ctx.Name("fingers")};
  spec.tcp_site = ctx.Name("tcp");
  spec.tcp_in_flange = InFlange(ctx, {{0, 0, tcp_z}, {1, 0, 0, 0}});
  spec.max_force = max_force;
  spec.stroke = stroke;
  ctx.build.site.grippers.push_back(spec);
}

}  // namespace twin::scenes::internal
