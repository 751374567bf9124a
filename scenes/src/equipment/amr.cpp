// Autonomous mobile robot with differential drive. Defaults follow a MiR100-class AMR: 890 x 580
// mm footprint, deck at 352 mm, 70 kg, 100 kg payload, 1.5 m/s, 0.5 m/s^2.
//
// The origin is on the floor midway between the two drive wheels, x forward, z up. Two driven
// wheels on hinge joints (velocity servos, see mobile_parts.h) carry it with two or four casters;
// the casters are frictionless spheres: a swivel caster on a smooth floor resists neither rolling
// nor swivelling, and a sphere costs one contact instead of a swivel joint, an axle joint and a
// cylinder. So an AMR makes four to six contacts with the floor, all of them sphere/ellipsoid on a
// plane, and a site can run many. The optional payload lift is a deck plate on a slide joint.
#include "mobile_parts.h"

#include <cmath>

namespace twin::scenes::internal {

const Block& AmrSchema() {
  static const Block block = [] {
    Param stroke = Number("lift_stroke", 0.05, schema::kPositive, "m", "travel of the lift");
    Param lift_speed = Number("lift_speed", 0.05, schema::kPositive, "m/s", "lift speed");
    stroke.needs = lift_speed.needs = "lift";
    return Block{
        "amr",
        "an autonomous mobile robot with differential drive (MiR100-class by default)",
        {
            Number("length", 0.89, {0.2, 5.0}, "m", "along x (forward)"),
            Number("width", 0.58, {0.2, 5.0}, "m", "along y"),
            Number("height", 0.352, {0.1, 3.0}, "m", "top of the deck above the floor"),
            Number("mass", 70.0, schema::kPositive, "kg", "its mass"),
            Number("payload", 100.0, schema::kNonNegative, "kg", "rated load (sizes the motors)"),
            Number("wheel_radius", 0.1, schema::kPositive, "m", "of the drive wheels"),
            Number("wheel_width", 0.05, schema::kPositive, "m", "of the drive wheels"),
            Number("track", 0.5, schema::kPositive, "m", "between the drive wheels' centres"),
            Number("max_speed", 1.5, schema::kPositive, "m/s", "forward speed limit"),
            Number("max_acceleration", 0.5, schema::kPositive, "m/s^2", "acceleration limit"),
            Number("max_angular_speed", 60.0, schema::kPositive, "deg/s", "turning speed limit"),
            Number("max_angular_acceleration", 60.0, schema::kPositive, "deg/s^2",
                   "turning acceleration limit"),
            Integer("casters", 4, 2, 4, "2 (front and rear) or 4 (near the corners)"),
            Bool("lift", false, "a payload lift (the deck on a slide joint)"),
            stroke,
            lift_speed,
        }};
  }();
  return block;
}

void BuildAmr(EquipmentContext& ctx) {
  const double length = ctx.Number("length");
  const double width = ctx.Number("width");
  const double height = ctx.Number("height");  // top of the deck
  const double mass = ctx.Number("mass");
  const double payload = ctx.Number("payload");
  const double wheel_radius = ctx.Number("wheel_radius");
  const double wheel_width = ctx.Number("wheel_width");
  const double track = ctx.Number("track");
  const double max_speed = ctx.Number("max_speed");
  const double max_acceleration = ctx.Number("max_acceleration");
  const double max_angular_speed = ctx.Number("max_angular_speed");  // deg/s
  const double max_angular_acceleration = ctx.Number("max_angular_acceleration");
  const int casters = ctx.item.Integer("casters");
  ctx.entity.parameters["casters"] = casters;
  const bool lift = ctx.item.Bool("lift");
  ctx.entity.parameters["lift"] = lift ? 1 : 0;
  if (!lift) {
    for (const char* key : {"lift_stroke", "lift_speed"}) {
      if (ctx.item.Has(key)) {
        FailAt(ctx, {key},
               std::string(key) +
                   " is a setting of the payload lift and this AMR has "
                   "none; add lift: true");
      }
    }
  }
  const double lift_stroke = lift ? ctx.Number("lift_stroke") : 0.0;
  const double lift_speed = lift ? ctx.Number("lift_speed") : 0.0;

  // Geometry that cannot be built.
  if (casters == 3) FailAt(ctx, {"casters"}, "an AMR has 2 casters (front and rear) or 4");
  if (2 * wheel_radius >= height) {
    FailAt(ctx, {"wheel_radius", "height"},
           "the drive wheels (diameter " + Format(2 * wheel_radius) +
               " m) must fit under the deck (height " + Format(height) + " m)");
  }
  if (track <= wheel_width) {
    FailAt(ctx, {"track", "wheel_width"},
           "the wheels overlap: track (between the wheel centres) must exceed wheel_width");
  }
  if (length < 4 * wheel_radius) {
    FailAt(ctx, {"length", "wheel_radius"},
           "the casters need room before and behind the drive wheels: length must be at least "
           "4 x wheel_radius");
  }

  const std::string body_grey = ctx.build.Material("amr_body", "0.80 0.81 0.83 1", 0.3);
  const std::string rubber = ctx.build.Material("tyre_rubber", "0.08 0.08 0.08 1", 0.1);
  const std::string caster_grey = ctx.build.Material("caster_grey", "0.3 0.3 0.32 1", 0.5);
  const std::string lift_blue = ctx.build.Material("amr_lift_blue", "0.15 0.3 0.6 1", 0.4);

  // Masses: wheels 3 %, casters 1 % each, lift plate 7 %, the chassis the rest.
  const double wheel_mass = 0.03 * mass, caster_mass = 0.01 * mass;
  const double plate_mass = lift ? 0.07 * mass : 0.0;
  const double chassis_mass = mass - 2 * wheel_mass - casters * caster_mass - plate_mass;

  // Chassis: one box from just above the casters to the deck (or to the lift plate).
  const double plate_thickness = 0.02;
  const double clearance = std::min(0.05, wheel_radius);
  const double chassis_top = lift ? height - plate_thickness : height;
  Xml* chassis =
      AddBox(ctx.root, ctx.Name("chassis"), {length / 2, width / 2, (chassis_top - clearance) / 2},
             {0, 0, (clearance + chassis_top) / 2}, "");
  Set(chassis, "material", body_grey);
  Set(chassis, "mass", chassis_mass);

  // Casters near the corners (or front and rear on the centre line).
  const double caster_radius = std::min(0.04, clearance);
  const double caster_x = length / 2 - 2 * caster_radius;
  const double caster_y = casters == 4 ? width / 2 - 2 * caster_radius : 0.0;
  int caster = 0;
  for (double sx : {1.0, -1.0}) {
    for (double sy : casters == 4 ? std::vector<double>{1.0, -1.0} : std::vector<double>{0.0}) {
      AddCaster(ctx, "caster" + std::to_string(caster++), sx * caster_x, sy * caster_y,
                caster_radius, caster_mass, caster_grey);
    }
  }

  // Drive wheels and their motors. The wheel speed limit leaves room to turn at full speed.
  const double mass_share = (mass + payload / 2) / 2;
  const double armature = kDriveArmatureShare * mass_share * wheel_radius * wheel_radius;
  const double kv = WheelServoGain(mass_share, wheel_radius, ctx.build.site.timestep);
  const double max_wheel_speed =
      1.1 * (max_speed + Radians(max_angular_speed) * track / 2) / wheel_radius;
  // Twice the torque that accelerates the loaded robot at its limit (at least 1 m/s^2): room to
  // correct the servo's lag, not enough to spin the wheels on the floor.
  const double max_torque = (mass + payload) * std::max(max_acceleration, 1.0) * wheel_radius;
  for (const auto& [part, side] : {std::pair{"left_wheel", 1.0}, {"right_wheel", -1.0}}) {
    AddWheel(ctx, part, {0, side * track / 2, wheel_radius}, wheel_radius, wheel_width, wheel_mass,
             armature, rubber);
    AddWheelMotor(ctx, part, kv, max_wheel_speed, max_torque);
  }

  AmrSpec spec;
  spec.entity = ctx.entity.name;
  spec.free_joint = ctx.entity.name + "/free";
  spec.left_wheel_joint = ctx.Name("left_wheel_spin");
  spec.right_wheel_joint = ctx.Name("right_wheel_spin");
  spec.left_wheel_actuator = ctx.Name("left_wheel_motor");
  spec.right_wheel_actuator = ctx.Name("right_wheel_motor");
  spec.wheel_radius = wheel_radius;
  spec.track = track;
  spec.max_speed = max_speed;
  spec.max_acceleration = max_acceleration;
  spec.max_angular_speed = Radians(max_angular_speed);
  spec.max_angular_acceleration = Radians(max_angular_acceleration);
  spec.deck_height = height;

  // Payload lift: the deck plate on a slide joint, moved like an electric spindle lift (a
  // velocity-controlled axis that holds its load when stopped, see mobile_parts.h).
  const Pose deck_in_root{{0, 0, height}, {1, 0, 0, 0}};
  if (lift) {
    Xml* plate = ctx.AddPartBody("lift_plate", {{0, 0, chassis_top}, {1, 0, 0, 0}});
    Xml* box =
        AddBox(plate, ctx.Name("lift_top"), {0.45 * length, 0.45 * width, plate_thickness / 2},
               {0, 0, plate_thickness / 2}, "");
    Set(box, "material", lift_blue);
    Set(box, "mass", plate_mass);
    const double damping = VelocityAxisDamping((plate_mass + payload) * 9.81, lift_speed);
    AddJoint(ctx, plate, "lift", "slide", {0, 0, 1}, 0, lift_stroke, damping, 0);
    AddVelocityAxis(ctx, "lift_drive", "lift", damping, lift_speed);
    AddPartMount(ctx, "deck", plate, {{0, 0, plate_thickness}, {1, 0, 0, 0}}, deck_in_root);
    AddPartMount(ctx, "", plate, {{0, 0, plate_thickness}, {1, 0, 0, 0}}, deck_in_root);
    spec.lift_joint = ctx.Name("lift");
    spec.lift_actuator = ctx.Name("lift_drive");
    spec.lift_stroke = lift_stroke;
    spec.lift_speed = lift_speed;
  } else {
    ctx.AddMount("deck", deck_in_root);
    ctx.AddMount("", deck_in_root);
  }
  // Where a safety laser scanner sits: the middle of the front face, facing forward.
  ctx.AddMount("front", {{length / 2, 0, 0.6 * height}, {1, 0, 0, 0}});
  ExcludeSelfContacts(ctx);
  ctx.build.site.amrs.push_back(spec);
}

}  // namespace twin::scenes::internal
