// A 6-axis industrial arm with the kinematics of a Universal Robots arm, by default a UR5e: the
// published DH table, joint limits, link masses and centres of mass, UR's torque ratings, and
// cylinder inertias the way UR's own robot description approximates its links.
//
// The body chain follows the DH table exactly, so the flange's MuJoCo pose equals forward
// kinematics from the table (tests/sim/arm_kinematics_test.cpp checks this). Body k (the link
// joint k moves) has its frame at DH frame k-1 turned by joint k about its z axis; its child sits
// at Tz(d_k) Tx(a_k) Rx(alpha_k) in it. The home angles are the joints' `ref`, so the model is
// built in the home pose, qpos0 is home, and qpos is still the DH joint angle.
//
// The origin is on the floor (or on whatever it is placed on) at the centre of the base; DH frame
// 0 is on top of the pedestal, `pedestal_height` above it. The servos are MuJoCo position
// actuators (a <general> with an affine bias: what <position kp kv> expands to in later MuJoCo).
#include "../equipment.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

namespace twin::scenes::internal {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kRadToDeg = 180.0 / kPi;
constexpr int kJoints = 6;

// UR5e datasheet values: link masses (kg) and centres of mass in DH frame k (m). The centres
// along a link scale with its length; the offsets across it are kept.
constexpr double kBaseMass = 4.0;
constexpr std::array<double, kJoints> kLinkMass{3.761, 8.058, 2.846, 1.37, 1.3, 0.365};
// Cylinders that stand for each link's inertia (radius, length), as in UR's robot description.
constexpr std::array<double, kJoints> kInertiaRadius{0.06, 0.06, 0.06, 0.06, 0.06, 0.0375};
// UR torque ratings: size-3 joints (base, shoulder, elbow) 150 N m, size-1 wrists 28 N m.
constexpr std::array<double, kJoints> kMaxTorque{150, 150, 150, 28, 28, 28};
// Reflected rotor inertia of the harmonic drives (kg m^2) and gearbox viscous friction.
constexpr std::array<double, kJoints> kArmature{0.2, 0.2, 0.2, 0.1, 0.1, 0.1};
constexpr std::array<double, kJoints> kDamping{2.0, 2.0, 2.0, 0.5, 0.5, 0.5};
// Servo gains: stiff enough that gravity compensation plus feedforward keeps tracking errors far
// below a degree, and damped enough for MuJoCo's explicit actuator damping at a 2 ms step.
constexpr std::array<double, kJoints> kKp{2000, 2000, 2000, 500, 500, 500};
constexpr std::array<double, kJoints> kKv{80, 80, 80, 20, 20, 20};
// Lateral offsets of the upper arm and forearm along the joint axes (UR5e shoulder and elbow
// offsets, 138 and 131 mm): they only shape the links, the DH table already sums them in d4.
constexpr double kUpperArmOffset = 0.138, kForearmOffset = 0.007;

std::string Format(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

Quat Rx(double rad) {
  return QuatFromRpyDeg({rad * kRadToDeg, 0, 0});
}
Quat Rz(double rad) {
  return QuatFromYawDeg(rad * kRadToDeg);
}

// a2 and a3 are negative in UR's DH convention; a positive value is almost surely a sign slip.
double ReadLinkA(EquipmentContext& ctx, const std::string& key, const std::string& link) {
  const Param& param = ctx.item.Param(key);
  double value = param.number;
  if (const auto node = ctx.item.Optional(key)) {
    value = node->AsNumber();
    if (!param.range.Contains(value)) {
      node->Fail("must be < 0: " + key + " is the DH parameter, negative in UR's convention (the " +
                 link + " length is -" + key + "), got " + Format(value) +
                 (value > 0 ? "; did you mean -" + Format(value) + "?" : ""));
    }
  }
  ctx.entity.parameters[key] = value;
  return value;
}

std::array<double, kJoints> PerJoint(const std::vector<double>& values) {
  std::array<double, kJoints> out{};
  std::copy(values.begin(), values.end(), out.begin());
  return out;
}

// A solid cylinder's inertia about its centre; `axis` is the cylinder's axis in the body frame.
void AddInertial(Xml* body, double mass, const Vec3& com, double radius, double length, char axis) {
  const double axial = mass * radius * radius / 2;
  const double across = mass * (3 * radius * radius + length * length) / 12;
  Xml* inertial = Add(body, "inertial");
  Set(inertial, "pos", com);
  Set(inertial, "mass", mass);
  Set(inertial, "diaginertia",
      axis == 'x' ? Vec3{axial, across, across} : Vec3{across, across, axial});
}

Xml* AddCapsule(Xml* body, const std::string& name, double radius, const Vec3& from,
                const Vec3& to) {
  Xml* geom = Add(body, "geom");
  Set(geom, "name", name);
  Set(geom, "type", std::string("capsule"));
  Set(geom, "size", {radius});
  Set(geom, "fromto", {from[0], from[1], from[2], to[0], to[1], to[2]});
  return geom;
}

// A cylinder along z from z0 to z1 at (x, y) of `body`.
Xml* AddZCylinder(Xml* body, const std::string& name, double radius, double x, double y, double z0,
                  double z1) {
  return AddCylinder(body, name, radius, std::max(0.005, (z1 - z0) / 2), {x, y, (z0 + z1) / 2}, 'z',
                     "");
}

struct ArmLook {
  std::string cap, link, dark;
};

// The link shapes, each in the frame of the body that carries it (see the file comment).
void AddLinkGeoms(EquipmentContext& ctx, const std::array<Xml*, kJoints>& body, const UrDhTable& dh,
                  const ArmLook& look) {
  const double u = kUpperArmOffset, f = kForearmOffset;
  auto styled = [&](Xml* geom, const std::string& material) {
    Set(geom, "material", material);
    CollideWithSiteOnly(geom);
  };
  // Shoulder: a column up joint 1 and the joint-2 drive across it (joint 2 runs along -y here).
  styled(AddZCylinder(body[0], ctx.Name("shoulder_column"), 0.06, 0, 0, 0.05, dh.d1), look.link);
  styled(AddCylinder(body[0], ctx.Name("shoulder_drive"), 0.06, u / 2, {0, (0.12 - u) / 2, dh.d1},
                     'y', ""),
         look.cap);
  // Upper arm, offset u along joint 2, from the shoulder drive to the elbow drive.
  styled(AddZCylinder(body[1], ctx.Name("upper_arm_cap"), 0.06, 0, 0, u - 0.06, u + 0.06),
         look.cap);
  styled(AddCapsule(body[1], ctx.Name("upper_arm_tube"), 0.045, {0, 0, u}, {dh.a2, 0, u}),
         look.link);
  styled(AddZCylinder(body[1], ctx.Name("elbow_drive"), 0.05, dh.a2, 0, f - 0.05, u + 0.05),
         look.cap);
  // Forearm, offset f along joint 3, ending in the wrist-1 drive that reaches out to d4.
  styled(AddCapsule(body[2], ctx.Name("forearm_tube"), 0.038, {0, 0, f}, {dh.a3, 0, f}), look.link);
  styled(AddZCylinder(body[2], ctx.Name("forearm_end"), 0.04, dh.a3, 0, f - 0.04, dh.d4 - 0.05),
         look.link);
  // Wrist housings, each around its joint axis where the next joint axis crosses it.
  styled(AddZCylinder(body[3], ctx.Name("wrist1_drive"), 0.045, 0, 0, dh.d4 - 0.05, dh.d4 + 0.05),
         look.cap);
  styled(AddZCylinder(body[4], ctx.Name("wrist2_drive"), 0.045, 0, 0, dh.d5 - 0.05, dh.d5 + 0.05),
         look.cap);
  styled(AddZCylinder(body[5], ctx.Name("wrist3_drive"), 0.0375, 0, 0, std::min(0.045, dh.d6 / 2),
                      dh.d6),
         look.dark);
}

// The pedestal (a steel column on a foot plate) and the base housing, on the root body.
void AddBase(EquipmentContext& ctx, double pedestal, const ArmLook& look) {
  if (pedestal > 0) {
    const std::string steel = ctx.build.Material("pedestal_steel", "0.3 0.32 0.35 1", 0.4);
    Xml* foot =
        AddBox(ctx.root, ctx.Name("pedestal_foot"), {0.2, 0.2, std::min(0.01, pedestal / 2)},
               {0, 0, std::min(0.01, pedestal / 2)}, "");
    Set(foot, "material", steel);
    CollideWithSiteOnly(foot);
    Xml* column = AddZCylinder(ctx.root, ctx.Name("pedestal"), 0.1, 0, 0, 0, pedestal);
    Set(column, "material", steel);
    CollideWithSiteOnly(column);
  }
  Xml* base = AddZCylinder(ctx.root, ctx.Name("base"), 0.075, 0, 0, pedestal, pedestal + 0.05);
  Set(base, "material", look.dark);
  Set(base, "mass", kBaseMass);
  CollideWithSiteOnly(base);
}

Param PerJointParam(std::string key, const std::array<double, kJoints>& fallback, Range range,
                    std::string unit, std::string description) {
  return {.key = std::move(key),
          .type = Type::kPerJoint,
          .unit = std::move(unit),
          .description = std::move(description),
          .numbers = {fallback.begin(), fallback.end()},
          .range = range,
          .size = kJoints};
}

}  // namespace

const Block& ArmSchema() {
  static const Block block = [] {
    const UrDhTable ur5e;
    const Range negative{-std::numeric_limits<double>::infinity(), 0, false, true};
    return Block{
        "arm",
        "a 6-axis arm with Universal Robots kinematics (UR5e by default)",
        {
            Number("d1", ur5e.d1, schema::kPositive, "m", "DH d1: base to shoulder"),
            Number("a2", ur5e.a2, negative, "m", "DH a2: minus the upper arm's length"),
            Number("a3", ur5e.a3, negative, "m", "DH a3: minus the forearm's length"),
            Number("d4", ur5e.d4, schema::kPositive, "m", "DH d4: shoulder-to-wrist offset"),
            Number("d5", ur5e.d5, schema::kPositive, "m", "DH d5: wrist 1 to wrist 2"),
            Number("d6", ur5e.d6, schema::kPositive, "m", "DH d6: wrist 2 to the flange"),
            Number("pedestal_height", 0.0, {0.0, 5.0}, "m", "the base's pedestal"),
            PerJointParam("kp", kKp, schema::kPositive, "N m/rad",
                          "servo stiffness: one for all joints or one per joint"),
            PerJointParam("kv", kKv, schema::kNonNegative, "N m s/rad",
                          "servo damping: one for all joints or one per joint"),
            Vector("home", {0, -90, 90, -90, -90, 0}, schema::kAny, "deg",
                   "joint angles it starts at (within +-360, the elbow +-180)"),
        }};
  }();
  return block;
}

void BuildArm(EquipmentContext& ctx) {
  ArmSpec spec;
  spec.entity = ctx.entity.name;
  UrDhTable& dh = spec.dh;
  dh.d1 = ctx.Number("d1");
  dh.a2 = ReadLinkA(ctx, "a2", "upper arm");
  dh.a3 = ReadLinkA(ctx, "a3", "forearm");
  dh.d4 = ctx.Number("d4");
  dh.d5 = ctx.Number("d5");
  dh.d6 = ctx.Number("d6");
  const double pedestal = ctx.Number("pedestal_height");
  spec.kp = PerJoint(ctx.item.Numbers("kp"));
  spec.kv = PerJoint(ctx.item.Numbers("kv"));
  spec.damping = kDamping;
  spec.max_torque = kMaxTorque;
  for (int k = 0; k < kJoints; ++k) {
    const double limit = k == 2 ? kPi : 2 * kPi;  // the elbow turns +-180 deg, the others +-360
    spec.lower[k] = -limit;
    spec.upper[k] = limit;
  }
  // Home: tool down, elbow up by default.
  const std::vector<double> home_deg = ctx.item.Param("home").numbers;
  for (int k = 0; k < kJoints; ++k) spec.home[k] = home_deg[k] / kRadToDeg;
  if (const auto home = ctx.item.Optional("home")) {
    const std::vector<double> angles = home->AsNumbers();
    if (angles.size() != kJoints) {
      home->Fail("expected 6 joint angles in degrees (joint1..joint6), got " +
                 std::to_string(angles.size()));
    }
    for (int k = 0; k < kJoints; ++k) {
      const double rad = angles[k] / kRadToDeg;
      if (rad < spec.lower[k] || rad > spec.upper[k]) {
        home->Fail("joint" + std::to_string(k + 1) + " at " + Format(angles[k]) +
                   " deg is outside its limits [" + Format(spec.lower[k] * kRadToDeg) + ", " +
                   Format(spec.upper[k] * kRadToDeg) + "] deg");
      }
      spec.home[k] = rad;
    }
  }

  const ArmLook look{ctx.build.Material("ur_cap_blue", "0.45 0.62 0.78 1", 0.5),
                     ctx.build.Material("ur_link_silver", "0.78 0.8 0.82 1", 0.7),
                     ctx.build.Material("ur_dark_grey", "0.22 0.23 0.25 1", 0.3)};
  AddBase(ctx, pedestal, look);

  // The chain, body k placed in body k-1 by link k-1 of the DH table (see the file comment).
  const std::array<double, kJoints> d{dh.d1, 0, 0, dh.d4, dh.d5, dh.d6};
  const std::array<double, kJoints> a{0, dh.a2, dh.a3, 0, 0, 0};
  const std::array<double, kJoints> alpha{kPi / 2, 0, 0, kPi / 2, -kPi / 2, 0};
  const std::array<const char*, kJoints> parts{"shoulder", "upper_arm", "forearm",
                                               "wrist1",   "wrist2",    "wrist3"};
  spec.base_body = ctx.entity.name;
  spec.base_in_body = {{0, 0, pedestal}, {1, 0, 0, 0}};
  spec.base = Compose(ctx.entity.pose, spec.base_in_body);
  std::array<Xml*, kJoints> body{};
  Pose in_parent = spec.base_in_body;  // body k in body k-1, at home
  Pose in_root{};                      // body k in the root body, at home
  Xml* parent = ctx.root;
  for (int k = 0; k < kJoints; ++k) {
    const Pose placed{in_parent.position, Multiply(in_parent.orientation, Rz(spec.home[k]))};
    in_root = Compose(in_root, placed);
    body[k] = ctx.AddPartBody(parts[k], placed, parent);
    parent = body[k];
    const std::string n = std::to_string(k + 1);
    spec.joints[k] = ctx.Name("joint" + n);
    spec.actuators[k] = ctx.Name("servo" + n);

    Xml* joint = Add(body[k], "joint");
    Set(joint, "name", spec.joints[k]);
    Set(joint, "type", std::string("hinge"));
    Set(joint, "axis", std::string("0 0 1"));
    // The document's angles are radians (see MjcfDocument), like ctrlrange below.
    Set(joint, "limited", std::string("true"));
    Set(joint, "range", {spec.lower[k], spec.upper[k]});
    Set(joint, "ref", spec.home[k]);
    Set(joint, "armature", kArmature[k]);
    Set(joint, "damping", spec.damping[k]);

    Xml* servo = Add(ctx.build.mjcf.actuator(), "general");
    Set(servo, "name", spec.actuators[k]);
    Set(servo, "joint", spec.joints[k]);
    Set(servo, "ctrllimited", std::string("true"));
    Set(servo, "ctrlrange", {spec.lower[k], spec.upper[k]});
    Set(servo, "forcelimited", std::string("true"));
    Set(servo, "forcerange", {-spec.max_torque[k], spec.max_torque[k]});
    Set(servo, "gaintype", std::string("fixed"));
    Set(servo, "gainprm", {spec.kp[k]});
    Set(servo, "biastype", std::string("affine"));
    Set(servo, "biasprm", {0, -spec.kp[k], -spec.kv[k]});

    in_parent = {{a[k], 0, d[k]}, Rx(alpha[k])};  // DH frame k in body k: where body k+1 goes
  }

  // Masses and centres of mass (UR5e values in DH frame k, moved into body k's frame).
  const double upper_scale = dh.a2 / -0.425, fore_scale = dh.a3 / -0.3922;  // vs the UR5e
  AddInertial(body[0], kLinkMass[0], {0, -0.00193, dh.d1 - 0.02561}, kInertiaRadius[0], 0.15, 'z');
  AddInertial(body[1], kLinkMass[1], {dh.a2 + 0.2125 * upper_scale, 0, 0.11336}, kInertiaRadius[1],
              -dh.a2, 'x');
  AddInertial(body[2], kLinkMass[2], {dh.a3 + 0.15 * fore_scale, 0, 0.0265}, kInertiaRadius[2],
              -dh.a3, 'x');
  AddInertial(body[3], kLinkMass[3], {0, -0.01634, dh.d4 - 0.0018}, kInertiaRadius[3], 0.12, 'z');
  AddInertial(body[4], kLinkMass[4], {0, 0.01634, dh.d5 - 0.0018}, kInertiaRadius[4], 0.12, 'z');
  AddInertial(body[5], kLinkMass[5], {0, 0, dh.d6 - 0.001159}, kInertiaRadius[5], 0.0345, 'z');
  AddLinkGeoms(ctx, body, dh, look);

  // The tool flange: a site for the sim and a mount point for a gripper (`parent: <arm>/flange`).
  const Pose flange{{0, 0, dh.d6}, {1, 0, 0, 0}};
  spec.flange_site = ctx.Name("flange");
  Xml* site = Add(body[5], "site");
  Set(site, "name", spec.flange_site);
  Set(site, "pos", flange.position);
  Set(site, "size", {0.01});
  ctx.AddMount("flange", body[5], flange, Compose(ctx.entity.pose, Compose(in_root, flange)));
  ctx.build.site.arms.push_back(spec);
}

}  // namespace twin::scenes::internal
