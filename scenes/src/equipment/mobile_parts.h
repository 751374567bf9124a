// Parts shared by the mobile equipment (AMRs, forklifts): wheels that roll on the floor, motors
// and servos as MuJoCo actuators, mount points on moving parts, and the contacts a vehicle's own
// parts must not make with each other.
//
// Wheel contact. Every wheel is one ellipsoid with semi-axes (radius, width / 2, radius) about
// its axle: its section in the wheel plane is the exact rolling circle, so it rolls like a tyre,
// and MuJoCo 2.2.2 gives an ellipsoid on the floor plane a single contact point under the axle
// (a cylinder lying on its side gets two, a sphere of the wheel's radius would bulge far
// beyond the tyre's width). One contact per wheel keeps a fleet of AMRs cheap and the traction
// honest: the wheel drives the vehicle only through friction at that point.
#pragma once

#include "../equipment.h"

#include <initializer_list>
#include <string>

namespace twin::scenes::internal {

/// Armature (reflected rotor inertia) of a wheel drive, as a fraction of the vehicle mass the
/// wheel carries times radius^2: traction motors behind a gearbox typically add 10-20 %.
constexpr double kDriveArmatureShare = 0.15;

/// A wheel body "<entity>/<part>" at `centre` (in `parent`'s frame, the root when null) with a
/// hinge "<entity>/<part>_spin" about its +y axis (positive rolls it towards +x) and one
/// ellipsoid tyre. Returns the wheel body.
Xml* AddWheel(EquipmentContext& ctx, const std::string& part, const Vec3& centre, double radius,
              double width, double mass, double armature, const std::string& material,
              Xml* parent = nullptr);

/// A wheel motor "<entity>/<part>_motor": a velocity servo (ctrl = wheel speed in rad/s) with
/// gain `kv` (N m s/rad) and a torque limit. Its speed command is limited to +-max_speed.
void AddWheelMotor(EquipmentContext& ctx, const std::string& part, double kv, double max_speed,
                   double max_torque);

/// Velocity-servo gain for a wheel that carries `mass_share` kg: the wheel speed follows its
/// command with the time constant `tau` on the floor. `tau` is raised to 8 timesteps when needed,
/// so that the explicit servo force stays stable even for a wheel off the floor (where only its
/// armature resists), at any timestep.
double WheelServoGain(double mass_share, double radius, double timestep, double tau = 0.03);

/// A position servo "<entity>/<actuator>" on "<entity>/<joint>": ctrl is the target angle or
/// position, gain `kp`, force limit `max_force`. Its damping lives on the joint (AddJoint), which
/// MuJoCo integrates implicitly, so it is stable at any gain.
void AddPositionServo(EquipmentContext& ctx, const std::string& actuator, const std::string& joint,
                      double kp, double lower, double upper, double max_force);

/// A velocity-controlled axis "<entity>/<actuator>" on "<entity>/<joint>", the way a hydraulic
/// cylinder behind a proportional valve (or an electric spindle lift) moves: ctrl is the commanded
/// speed (m/s or rad/s, within +-max_speed) and the force is damping * (ctrl - speed). The
/// "- damping * speed" half is the joint's damping (give AddJoint VelocityAxisDamping()), which
/// MuJoCo integrates implicitly, so a stiff axis is stable at any timestep; the actuator adds
/// damping * ctrl. With ctrl = 0 the axis holds its load as a closed valve does, creeping at
/// load / damping. The sim's drives close the position loop around it.
void AddVelocityAxis(EquipmentContext& ctx, const std::string& actuator, const std::string& joint,
                     double damping, double max_speed);
/// Damping for a velocity axis rated for `rated_force` (N or N m) at `max_speed`: its stall
/// force is 4 x the rated force, so it moves the rated load at 3/4 of full speed, and left alone
/// under that load it creeps at max_speed / 4.
double VelocityAxisDamping(double rated_force, double max_speed);

/// A joint on `body`: type "hinge" or "slide", named "<entity>/<name>", limited to
/// [lower, upper] (metres, or radians - written in MJCF's degrees), with damping and armature.
Xml* AddJoint(EquipmentContext& ctx, Xml* body, const std::string& name, const char* type,
              const Vec3& axis, double lower, double upper, double damping, double armature);

/// A frictionless caster on the root body: a sphere of `radius` touching the floor at `x, y`.
/// It carries load but adds no friction, as a free-swivelling caster wheel on a smooth floor
/// does; `priority` makes its condim 1 win over the floor's condim 3.
void AddCaster(EquipmentContext& ctx, const std::string& part, double x, double y, double radius,
               double mass, const std::string& material);

/// Offers the mount "<entity>/<suffix>" ("<entity>" when `suffix` is empty) on a moving part:
/// `in_body` is the frame in `body`'s coordinates, `in_root` the same frame in the root body's
/// coordinates as laid out.
void AddPartMount(EquipmentContext& ctx, const std::string& suffix, Xml* body, const Pose& in_body,
                  const Pose& in_root);

/// Excludes contacts between any two bodies of the entity (MuJoCo already skips parent-child
/// pairs; wheels under the chassis, masts and carriages sliding along each other are the rest).
void ExcludeSelfContacts(EquipmentContext& ctx);

/// Fails at the first of `keys` the layout item gives (at the item itself when it gives none):
/// for geometry that cannot be built from several parameters together.
[[noreturn]] void FailAt(const EquipmentContext& ctx, std::initializer_list<const char*> keys,
                         const std::string& message);

/// A number as people write it in messages ("3.1", not "3.100000").
std::string Format(double value);

/// Degrees (as layouts give angles) to radians.
double Radians(double degrees);

}  // namespace twin::scenes::internal
