#include "mobile_parts.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace twin::scenes::internal {

void FailAt(const EquipmentContext& ctx, std::initializer_list<const char*> keys,
            const std::string& message) {
  for (const char* key : keys) {
    if (ctx.item.Has(key)) ctx.item.Required(key).Fail(message);
  }
  ctx.item.Fail(message);
}

std::string Format(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

double Radians(double degrees) {
  return degrees * M_PI / 180.0;
}

Xml* AddJoint(EquipmentContext& ctx, Xml* body, const std::string& name, const char* type,
              const Vec3& axis, double lower, double upper, double damping, double armature) {
  Xml* joint = Add(body, "joint");
  Set(joint, "name", ctx.Name(name));
  Set(joint, "type", std::string(type));
  Set(joint, "axis", axis);
  Set(joint, "limited", std::string("true"));
  Set(joint, "range", {lower, upper});  // radians: the document's compiler angle
  if (damping > 0) Set(joint, "damping", damping);
  if (armature > 0) Set(joint, "armature", armature);
  return joint;
}

Xml* AddWheel(EquipmentContext& ctx, const std::string& part, const Vec3& centre, double radius,
              double width, double mass, double armature, const std::string& material,
              Xml* parent) {
  Xml* body = ctx.AddPartBody(part, {centre, {1, 0, 0, 0}}, parent);
  Xml* joint = Add(body, "joint");
  Set(joint, "name", ctx.Name(part + "_spin"));
  Set(joint, "type", std::string("hinge"));
  Set(joint, "axis", std::string("0 1 0"));
  Set(joint, "armature", armature);
  Xml* tyre = Add(body, "geom");
  Set(tyre, "name", ctx.Name(part + "_tyre"));
  Set(tyre, "type", std::string("ellipsoid"));
  Set(tyre, "size", {radius, width / 2, radius});
  Set(tyre, "mass", mass);
  Set(tyre, "material", material);
  // Rubber on concrete; sliding friction only (condim 3): a point contact has no scrub torque.
  Set(tyre, "condim", 3.0);
  Set(tyre, "friction", {1.0, 0.005, 0.0001});
  return body;
}

void AddWheelMotor(EquipmentContext& ctx, const std::string& part, double kv, double max_speed,
                   double max_torque) {
  Xml* motor = Add(ctx.build.mjcf.actuator(), "velocity");
  Set(motor, "name", ctx.Name(part + "_motor"));
  Set(motor, "joint", ctx.Name(part + "_spin"));
  Set(motor, "kv", kv);
  Set(motor, "ctrllimited", std::string("true"));
  Set(motor, "ctrlrange", {-max_speed, max_speed});
  Set(motor, "forcelimited", std::string("true"));
  Set(motor, "forcerange", {-max_torque, max_torque});
}

double WheelServoGain(double mass_share, double radius, double timestep, double tau) {
  // On the floor the servo drives the wheel's share of the vehicle plus the armature:
  // m_eff r^2 / kv = tau. Off the floor it drives the armature alone, explicitly integrated:
  // kv dt / armature = (1 + k) / k * dt / tau (k = kDriveArmatureShare, 7.7 dt / tau) must stay
  // well below 2, so tau is at least 8 timesteps.
  const double effective = mass_share * (1 + kDriveArmatureShare) * radius * radius;
  return effective / std::max(tau, 8 * timestep);
}

void AddPositionServo(EquipmentContext& ctx, const std::string& actuator, const std::string& joint,
                      double kp, double lower, double upper, double max_force) {
  Xml* servo = Add(ctx.build.mjcf.actuator(), "position");
  Set(servo, "name", ctx.Name(actuator));
  Set(servo, "joint", ctx.Name(joint));
  Set(servo, "kp", kp);
  Set(servo, "ctrllimited", std::string("true"));
  Set(servo, "ctrlrange", {lower, upper});
  Set(servo, "forcelimited", std::string("true"));
  Set(servo, "forcerange", {-max_force, max_force});
}

void AddVelocityAxis(EquipmentContext& ctx, const std::string& actuator, const std::string& joint,
                     double damping, double max_speed) {
  Xml* axis = Add(ctx.build.mjcf.actuator(), "general");
  Set(axis, "name", ctx.Name(actuator));
  Set(axis, "joint", ctx.Name(joint));
  Set(axis, "gainprm", damping);
  Set(axis, "ctrllimited", std::string("true"));
  Set(axis, "ctrlrange", {-max_speed, max_speed});
}

double VelocityAxisDamping(double rated_force, double max_speed) {
  return 4 * rated_force / max_speed;
}

void AddCaster(EquipmentContext& ctx, const std::string& part, double x, double y, double radius,
               double mass, const std::string& material) {
  Xml* ball = Add(ctx.root, "geom");
  Set(ball, "name", ctx.Name(part));
  Set(ball, "type", std::string("sphere"));
  Set(ball, "size", radius);
  Set(ball, "pos", Vec3{x, y, radius});
  Set(ball, "mass", mass);
  Set(ball, "material", material);
  Set(ball, "condim", 1.0);
  Set(ball, "priority", 1.0);
}

void AddPartMount(EquipmentContext& ctx, const std::string& suffix, Xml* body, const Pose& in_body,
                  const Pose& in_root) {
  ctx.AddMount(suffix, in_root);
  MountPoint& mount =
      ctx.build.mounts[suffix.empty() ? ctx.entity.name : ctx.entity.name + "/" + suffix];
  mount.body = body;
  mount.in_body = in_body;
}

void ExcludeSelfContacts(EquipmentContext& ctx) {
  std::vector<Xml*> bodies;
  for (const std::string& name : ctx.entity.bodies) bodies.push_back(ctx.build.bodies.at(name));
  for (size_t i = 0; i < bodies.size(); ++i) {
    for (size_t j = i + 1; j < bodies.size(); ++j) {
      if (bodies[i]->Parent() == bodies[j] || bodies[j]->Parent() == bodies[i]) continue;
      Xml* exclude = Add(ctx.build.mjcf.contact(), "exclude");
      Set(exclude, "body1", ctx.entity.bodies[i]);
      Set(exclude, "body2", ctx.entity.bodies[j]);
    }
  }
}

}  // namespace twin::scenes::internal
