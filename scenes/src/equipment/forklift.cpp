// Counterbalanced forklift. Defaults follow a 1.5 t electric three-wheel truck: wheelbase 1.4 m,
// 2.8 t, 3 m/s, 1.15 m forks, a two-stage mast of 2.0 m lowered that lifts the forks 3 m.
//
// The origin is on the floor under the middle of the front axle, x from the counterweight
// towards the forks, z up. That point is the kinematic centre of a rear-steered truck: it never
// slips sideways, so the sim's drive commands its speed there.
//
// Running gear: two front drive wheels (velocity servos; the sim's drive gives them different
// speeds in a curve, as an electronic differential does) and one steered rear wheel that rolls
// freely under a vertical steer hinge (a position servo). One steered wheel on the centre line is
// the exact Ackermann geometry a three-wheel truck has: every wheel's axle points at the same
// turning centre on the front axle line. Wheels are single-contact ellipsoid tyres (see
// mobile_parts.h).
//
// Mast: a tilt hinge at the front axle height carries the outer mast; the inner mast slides in it
// and the fork carriage slides on the inner mast. The carriage rises first (free lift), then the
// inner mast extends. Tilt, mast and carriage are velocity-controlled axes like the hydraulic
// cylinders behind them (see mobile_parts.h); the sim's drive holds their positions. The forks
// fit an EUR pallet entered from its short side: two 100 x 40 mm tines 350 mm apart that pass
// between the pallet's blocks, 20 mm above the floor when lowered, under its 100 mm deck.
#include "mobile_parts.h"

#include <cmath>

namespace twin::scenes::internal {
namespace {

constexpr double kGravity = 9.81;

struct Box {
  const char* part;
  Vec3 low, high;     // corners in the body's frame
  double mass_share;  // of the body's mass
};

// Adds boxes given by their corners, sharing `mass` by `mass_share`.
void AddBoxes(EquipmentContext& ctx, Xml* body, const std::vector<Box>& boxes, double mass,
              const std::string& material) {
  for (const Box& b : boxes) {
    Xml* geom = AddBox(
        body, ctx.Name(b.part),
        {(b.high[0] - b.low[0]) / 2, (b.high[1] - b.low[1]) / 2, (b.high[2] - b.low[2]) / 2},
        {(b.high[0] + b.low[0]) / 2, (b.high[1] + b.low[1]) / 2, (b.high[2] + b.low[2]) / 2}, "");
    Set(geom, "material", material);
    Set(geom, "mass", mass * b.mass_share);
  }
}

}  // namespace

const Block& ForkliftSchema() {
  static const Block block{
      "forklift",
      "a counterbalanced three-wheel forklift (1.5 t electric truck by default)",
      {
          Number("wheelbase", 1.4, {0.8, 4.0}, "m", "front axle to rear wheel"),
          Number("track", 0.9, schema::kPositive, "m", "between the front wheels' centres"),
          Number("width", 1.08, {0.6, 3.0}, "m", "of the truck"),
          Number("height", 2.1, {1.3, 4.0}, "m", "top of the overhead guard"),
          Number("mass", 2800.0, schema::kPositive, "kg", "its mass"),
          Number("capacity", 1500.0, schema::kPositive, "kg", "rated load"),
          Number("wheel_radius", 0.23, schema::kPositive, "m", "of the front drive wheels"),
          Number("wheel_width", 0.18, schema::kPositive, "m", "of the wheels"),
          Number("rear_wheel_radius", 0.19, schema::kPositive, "m", "of the steered rear wheel"),
          Number("max_speed", 3.0, schema::kPositive, "m/s", "speed limit"),
          Number("max_acceleration", 1.0, schema::kPositive, "m/s^2", "acceleration limit"),
          Number("max_steer", 80.0, {1.0, 85.0}, "deg", "steering angle limit"),
          Number("steer_rate", 90.0, schema::kPositive, "deg/s", "steering speed"),
          Number("mast_height", 2.0, {1.2, 8.0}, "m", "of the mast, lowered"),
          Number("lift_height", 3.0, schema::kPositive, "m", "highest fork lift"),
          Number("lift_speed", 0.5, schema::kPositive, "m/s", "lifting speed"),
          Number("tilt_forward", 6.0, {0.0, 15.0}, "deg", "mast tilt forward"),
          Number("tilt_back", 10.0, {0.0, 15.0}, "deg", "mast tilt back"),
          Number("tilt_speed", 5.0, schema::kPositive, "deg/s", "tilting speed"),
          Number("fork_length", 1.15, schema::kPositive, "m", "of the tines"),
          Number("fork_width", 0.1, schema::kPositive, "m", "of a tine"),
          Number("fork_thickness", 0.04, schema::kPositive, "m", "of a tine"),
          Number("fork_spread", 0.35, schema::kPositive, "m", "between the tines' centres"),
      }};
  return block;
}

void BuildForklift(EquipmentContext& ctx) {
  // Truck and running gear.
  const double wheelbase = ctx.Number("wheelbase");
  const double track = ctx.Number("track");
  const double width = ctx.Number("width");
  const double height = ctx.Number("height");  // top of the overhead guard
  const double mass = ctx.Number("mass");
  const double capacity = ctx.Number("capacity");  // rated load, kg
  const double wheel_radius = ctx.Number("wheel_radius");
  const double wheel_width = ctx.Number("wheel_width");
  const double rear_wheel_radius = ctx.Number("rear_wheel_radius");
  const double max_speed = ctx.Number("max_speed");
  const double max_acceleration = ctx.Number("max_acceleration");
  const double max_steer = ctx.Number("max_steer");    // degrees
  const double steer_rate = ctx.Number("steer_rate");  // deg/s
  // Mast and forks.
  const double mast_height = ctx.Number("mast_height");  // lowered
  const double lift_height = ctx.Number("lift_height");
  const double lift_speed = ctx.Number("lift_speed");
  const double tilt_forward = ctx.Number("tilt_forward");  // degrees
  const double tilt_back = ctx.Number("tilt_back");
  const double tilt_speed = ctx.Number("tilt_speed");  // deg/s
  const double fork_length = ctx.Number("fork_length");
  const double fork_width = ctx.Number("fork_width");
  const double fork_thickness = ctx.Number("fork_thickness");
  const double fork_spread = ctx.Number("fork_spread");  // between the tines' centres

  if (track < wheel_width + 0.2) {
    FailAt(ctx, {"track", "wheel_width"},
           "the frame needs room between the front wheels: track (between their centres) must "
           "exceed wheel_width by 0.2 m");
  }
  if (fork_spread <= fork_width) {
    FailAt(ctx, {"fork_spread", "fork_width"},
           "the tines overlap: fork_spread (between their centres) must exceed fork_width");
  }
  if (wheelbase < wheel_radius + rear_wheel_radius + 0.1) {
    FailAt(ctx, {"wheelbase", "wheel_radius", "rear_wheel_radius"},
           "the front and rear wheels overlap: the wheelbase must exceed the sum of their radii "
           "by 0.1 m");
  }
  // Two stages: the carriage (0.6 m tall with its plate) rises on the inner mast by the free
  // lift, then the inner mast rises out of the outer one, keeping 0.3 m of overlap.
  const double free_lift = std::min(mast_height - 0.6, lift_height / 2);
  const double mast_stroke = lift_height - free_lift;
  if (mast_stroke > mast_height - 0.3 + 1e-9) {
    FailAt(ctx, {"lift_height", "mast_height"},
           "a two-stage mast " + Format(mast_height) + " m high lifts at most " +
               Format(2 * mast_height - 0.9) + " m; raise mast_height or lower lift_height");
  }

  const std::string paint = ctx.build.Material("forklift_yellow", "0.95 0.7 0.05 1", 0.4);
  const std::string iron = ctx.build.Material("counterweight_grey", "0.25 0.25 0.27 1", 0.3);
  const std::string steel = ctx.build.Material("mast_steel", "0.2 0.2 0.22 1", 0.6);
  const std::string rubber = ctx.build.Material("tyre_rubber", "0.08 0.08 0.08 1", 0.1);
  const double dt = ctx.build.site.timestep;

  // Chassis (the root body): counterweight, body, the frame between the front wheels, overhead
  // guard. 76 % of the mass; most of it in the counterweight, which puts 45 % of the unloaded
  // truck's weight on the front axle.
  const double half_w = width / 2;
  const double inner_y = track / 2 - wheel_width / 2 - 0.02;
  const double mast_x = wheel_radius + 0.05;  // rear face of the outer mast
  AddBoxes(ctx, ctx.root,
           {{"counterweight",
             {-(wheelbase + 0.45), -half_w, 0.15},
             {-(wheelbase - 0.2), half_w, 1.05},
             0.43}},
           mass, iron);
  AddBoxes(ctx, ctx.root,
           {{"body", {-(wheelbase - 0.2), -half_w, 0.15}, {-0.35, half_w, 0.75}, 0.22},
            {"front_frame", {-0.35, -inner_y, 0.12}, {mast_x - 0.02, inner_y, 0.6}, 0.08}},
           mass, paint);
  // Overhead guard: posts behind the mast (clear of it at full back tilt) and in front of the
  // counterweight.
  const double guard_rear = -(wheelbase - 0.15), guard_top = height - 0.05;
  AddBoxes(
      ctx, ctx.root,
      {{"guard_roof",
        {guard_rear, -half_w + 0.04, guard_top},
        {-0.1, half_w - 0.04, height},
        0.013},
       {"guard_post_fl", {-0.25, half_w - 0.1, 0.6}, {-0.17, half_w - 0.04, guard_top}, 0.005},
       {"guard_post_fr", {-0.25, -half_w + 0.04, 0.6}, {-0.17, -half_w + 0.1, guard_top}, 0.005},
       {"guard_post_rl",
        {guard_rear, half_w - 0.1, 1.05},
        {guard_rear + 0.08, half_w - 0.04, guard_top},
        0.005},
       {"guard_post_rr",
        {guard_rear, -half_w + 0.04, 1.05},
        {guard_rear + 0.08, -half_w + 0.1, guard_top},
        0.005}},
      mass, steel);

  // Front drive wheels: each carries about half of the front axle load (45 % of the truck and
  // half the rated load on the forks).
  const double mass_share = (0.45 * mass + 0.5 * capacity) / 2;
  const double armature = kDriveArmatureShare * mass_share * wheel_radius * wheel_radius;
  const double kv = WheelServoGain(mass_share, wheel_radius, dt);
  const double max_yaw_per_speed = std::tan(Radians(max_steer)) / wheelbase;
  const double max_wheel_speed =
      1.1 * max_speed * (1 + max_yaw_per_speed * track / 2) / wheel_radius;
  const double max_torque = (mass + capacity) * std::max(max_acceleration, 1.0) * wheel_radius;
  for (const auto& [part, side] : {std::pair{"left_wheel", 1.0}, {"right_wheel", -1.0}}) {
    AddWheel(ctx, part, {0, side * track / 2, wheel_radius}, wheel_radius, wheel_width,
             0.015 * mass, armature, rubber);
    AddWheelMotor(ctx, part, kv, max_wheel_speed, max_torque);
  }

  // Steered rear wheel: the steer hinge passes through the tyre's contact point, so steering
  // needs no torque against the floor. Servo: 30 rad/s bandwidth, critically damped.
  Xml* steer = ctx.AddPartBody("steer", {{-wheelbase, 0, rear_wheel_radius}, {1, 0, 0, 0}});
  const double steer_inertia = 1.5e-3 * mass;  // steer column, wheel and steering motor
  const double steer_kp = steer_inertia * 30 * 30;
  const double steer_limit = Radians(max_steer);
  AddJoint(ctx, steer, "steer", "hinge", {0, 0, 1}, -steer_limit - Radians(5),
           steer_limit + Radians(5), 2 * steer_inertia * 30, 1.2e-3 * mass);
  AddBoxes(ctx, steer,
           {{"steer_fork",
             {-0.1, -0.12, rear_wheel_radius * 0.6},
             {0.1, 0.12, rear_wheel_radius + 0.1},
             1.0}},
           0.01 * mass, iron);
  AddPositionServo(ctx, "steer_servo", "steer", steer_kp, -steer_limit, steer_limit, 0.5 * mass);
  AddWheel(ctx, "rear_wheel", {0, 0, 0}, rear_wheel_radius, 0.15, 0.007 * mass, 0.0, rubber, steer);

  // Outer mast on the tilt hinge (at the front axle's height, just ahead of the tyres).
  // + tilts back. Rated for the rated load 0.5 m ahead of the fork heels.
  const double carriage_half = std::max(0.4, (fork_spread + fork_width) / 2 + 0.05);
  const Vec3 pivot{mast_x + 0.05, 0, wheel_radius};
  Xml* mast = ctx.AddPartBody("mast", {pivot, {1, 0, 0, 0}});
  // The fork carriage's plate sits 0.12 m ahead of the outer mast; the tines' vertical faces
  // (their heels, where a load rests against) are 0.05 m plate + one fork thickness ahead of it.
  const double carriage_x = mast_x + 0.12;
  const double heel_x = carriage_x + 0.05 + fork_thickness;
  const double tilt_rated = capacity * kGravity * (heel_x + 0.5 - pivot[0]);
  const double tilt_damping = VelocityAxisDamping(tilt_rated, Radians(tilt_speed));
  AddJoint(ctx, mast, "tilt", "hinge", {0, -1, 0}, -Radians(tilt_forward), Radians(tilt_back),
           tilt_damping, 0);
  AddVelocityAxis(ctx, "tilt_drive", "tilt", tilt_damping, Radians(tilt_speed));
  const double outer_y = carriage_half - 0.07, inner_rail_y = carriage_half - 0.14;
  const double z0 = pivot[2];
  AddBoxes(ctx, mast,
           {{"outer_rail_left",
             {-0.05, outer_y - 0.03, 0.06 - z0},
             {0.05, outer_y + 0.03, mast_height - z0},
             0.4},
            {"outer_rail_right",
             {-0.05, -outer_y - 0.03, 0.06 - z0},
             {0.05, -outer_y + 0.03, mast_height - z0},
             0.4},
            {"outer_crossbar",
             {-0.05, -outer_y, mast_height - 0.1 - z0},
             {0.05, outer_y, mast_height - z0},
             0.2}},
           0.09 * mass, steel);

  // Inner mast: slides up the outer mast, carrying the carriage and the load.
  Xml* inner = ctx.AddPartBody("inner_mast", {{0, 0, 0}, {1, 0, 0, 0}}, mast);
  const double carriage_mass = 0.05 * mass, inner_mass = 0.05 * mass;
  const double mast_damping =
      VelocityAxisDamping((capacity + carriage_mass + inner_mass) * kGravity, lift_speed);
  AddJoint(ctx, inner, "mast_extend", "slide", {0, 0, 1}, 0, mast_stroke, mast_damping, 0);
  AddVelocityAxis(ctx, "mast_drive", "mast_extend", mast_damping, lift_speed);
  AddBoxes(ctx, inner,
           {{"inner_rail_left",
             {-0.04, inner_rail_y - 0.03, 0.08 - z0},
             {0.04, inner_rail_y + 0.03, mast_height - 0.02 - z0},
             0.4},
            {"inner_rail_right",
             {-0.04, -inner_rail_y - 0.03, 0.08 - z0},
             {0.04, -inner_rail_y + 0.03, mast_height - 0.02 - z0},
             0.4},
            {"inner_crossbar",
             {-0.04, -inner_rail_y, mast_height - 0.2 - z0},
             {0.04, inner_rail_y, mast_height - 0.14 - z0},
             0.2}},
           inner_mass, steel);

  // Fork carriage: its origin is on the tines' underside at the plate's rear face.
  const double fork_bottom = 0.02;
  const Vec3 carriage_at{carriage_x, 0, fork_bottom};
  Xml* carriage = ctx.AddPartBody(
      "carriage", {{carriage_at[0] - pivot[0], 0, carriage_at[2] - pivot[2]}, {1, 0, 0, 0}}, inner);
  const double lift_damping =
      VelocityAxisDamping((capacity + carriage_mass) * kGravity, lift_speed);
  AddJoint(ctx, carriage, "lift", "slide", {0, 0, 1}, 0, free_lift, lift_damping, 0);
  AddVelocityAxis(ctx, "lift_drive", "lift", lift_damping, lift_speed);
  const double heel = 0.05 + fork_thickness, tip = heel + fork_length;
  const double ty = fork_spread / 2, tw = fork_width / 2;
  AddBoxes(ctx, carriage,
           {{"carriage_plate", {0, -carriage_half, 0.1}, {0.05, carriage_half, 0.5}, 0.5},
            {"backrest", {0, -carriage_half, 0.5}, {0.03, carriage_half, 1.2}, 0.15},
            {"fork_left_shank", {0.05, ty - tw, 0}, {heel, ty + tw, 0.5}, 0.08},
            {"fork_right_shank", {0.05, -ty - tw, 0}, {heel, -ty + tw, 0.5}, 0.08},
            {"fork_left", {0.05, ty - tw, 0}, {tip, ty + tw, fork_thickness}, 0.095},
            {"fork_right", {0.05, -ty - tw, 0}, {tip, -ty + tw, fork_thickness}, 0.095}},
           carriage_mass, steel);

  // Mount points: the forks' top at the load centre, and the overhead guard's roof.
  const Pose forks_in_carriage{{heel + fork_length / 2, 0, fork_thickness}, {1, 0, 0, 0}};
  AddPartMount(
      ctx, "forks", carriage, forks_in_carriage,
      {{carriage_at[0] + forks_in_carriage.position[0], 0, carriage_at[2] + fork_thickness},
       {1, 0, 0, 0}});
  ctx.AddMount("roof", {{(guard_rear - 0.1) / 2, 0, height}, {1, 0, 0, 0}});
  ExcludeSelfContacts(ctx);

  ForkliftSpec spec;
  spec.entity = ctx.entity.name;
  spec.free_joint = ctx.entity.name + "/free";
  spec.left_wheel_joint = ctx.Name("left_wheel_spin");
  spec.right_wheel_joint = ctx.Name("right_wheel_spin");
  spec.left_wheel_actuator = ctx.Name("left_wheel_motor");
  spec.right_wheel_actuator = ctx.Name("right_wheel_motor");
  spec.steer_joint = ctx.Name("steer");
  spec.steer_actuator = ctx.Name("steer_servo");
  spec.rear_wheel_joint = ctx.Name("rear_wheel_spin");
  spec.tilt_joint = ctx.Name("tilt");
  spec.tilt_actuator = ctx.Name("tilt_drive");
  spec.mast_joint = ctx.Name("mast_extend");
  spec.mast_actuator = ctx.Name("mast_drive");
  spec.lift_joint = ctx.Name("lift");
  spec.lift_actuator = ctx.Name("lift_drive");
  spec.wheel_radius = wheel_radius;
  spec.rear_wheel_radius = rear_wheel_radius;
  spec.wheelbase = wheelbase;
  spec.track = track;
  spec.max_speed = max_speed;
  spec.max_acceleration = max_acceleration;
  spec.max_steer = steer_limit;
  spec.steer_rate = Radians(steer_rate);
  spec.lift_height = lift_height;
  spec.free_lift = free_lift;
  spec.lift_speed = lift_speed;
  spec.tilt_forward = Radians(tilt_forward);
  spec.tilt_back = Radians(tilt_back);
  spec.tilt_speed = Radians(tilt_speed);
  spec.fork_length = fork_length;
  spec.fork_spread = fork_spread;
  spec.fork_bottom = fork_bottom;
  ctx.build.site.forklifts.push_back(spec);
}

}  // namespace twin::scenes::internal
