#include <twin/bridge/command_checks.h>

#include <twin/base/error.h>
#include <twin/base/suggest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace twin::bridge {

namespace {
std::string Number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// Adds a problem about `field`; returns false when `value` is not a number.
bool Finite(std::vector<CommandProblem>& problems, const std::string& topic,
            const std::string& field, double value) {
  if (std::isfinite(value)) return true;
  problems.push_back({topic + " " + field,
                      topic + ": " + field + " is " + Number(value) + "; the command is ignored"});
  return false;
}

double Clamp(std::vector<CommandProblem>& problems, const std::string& topic,
             const std::string& field, double value, double low, double high, const char* unit) {
  if (value >= low && value <= high) return value;
  const double clamped = std::clamp(value, low, high);
  problems.push_back({topic + " " + field, topic + ": " + field + " " + Number(value) + " " + unit +
                                               " is beyond the limit; clamped to " +
                                               Number(clamped)});
  return clamped;
}

void Unused(std::vector<CommandProblem>& problems, const std::string& topic,
            const std::string& field, double value, const char* why) {
  if (value != 0)
    problems.push_back(
        {topic + " " + field, topic + ": " + field + " " + Number(value) + " ignored: " + why});
}

bool AllFinite(std::vector<CommandProblem>& problems, const std::string& topic, const Twist& t) {
  const std::pair<const char*, double> fields[] = {
      {"linear.x", t.linear.x},   {"linear.y", t.linear.y},   {"linear.z", t.linear.z},
      {"angular.x", t.angular.x}, {"angular.y", t.angular.y}, {"angular.z", t.angular.z}};
  bool ok = true;
  for (const auto& [field, value] : fields) ok = Finite(problems, topic, field, value) && ok;
  return ok;
}

std::string JointField(size_t point, const char* array, size_t joint) {
  return "points[" + std::to_string(point) + "]." + array + "[" + std::to_string(joint) + "]";
}
}  // namespace

Checked<sim::Twist2d> CheckAmrTwist(const std::string& topic, const Twist& twist,
                                    const scenes::AmrSpec& amr) {
  Checked<sim::Twist2d> out;
  if (!AllFinite(out.problems, topic, twist)) return out;
  const char* planar = "a differential drive moves only along x and turns only about z";
  Unused(out.problems, topic, "linear.y", twist.linear.y, planar);
  Unused(out.problems, topic, "linear.z", twist.linear.z, planar);
  Unused(out.problems, topic, "angular.x", twist.angular.x, planar);
  Unused(out.problems, topic, "angular.y", twist.angular.y, planar);
  sim::Twist2d cmd;
  cmd.v =
      Clamp(out.problems, topic, "linear.x", twist.linear.x, -amr.max_speed, amr.max_speed, "m/s");
  cmd.omega = Clamp(out.problems, topic, "angular.z", twist.angular.z, -amr.max_angular_speed,
                    amr.max_angular_speed, "rad/s");
  out.value = cmd;
  return out;
}

Checked<ForkliftCommand> CheckForkliftTwist(const std::string& topic, const Twist& twist,
                                            const scenes::ForkliftSpec& f) {
  Checked<ForkliftCommand> out;
  if (!AllFinite(out.problems, topic, twist)) return out;
  const char* planar = "a forklift moves only along x and turns only about z";
  Unused(out.problems, topic, "linear.y", twist.linear.y, planar);
  Unused(out.problems, topic, "linear.z", twist.linear.z, planar);
  Unused(out.problems, topic, "angular.x", twist.angular.x, planar);
  Unused(out.problems, topic, "angular.y", twist.angular.y, planar);
  ForkliftCommand cmd;
  cmd.speed =
      Clamp(out.problems, topic, "linear.x", twist.linear.x, -f.max_speed, f.max_speed, "m/s");
  const double omega = twist.angular.z;
  double steer = 0;
  if (std::abs(cmd.speed) > 1e-6) {
    steer = std::atan(-omega * f.wheelbase / cmd.speed);
  } else if (omega != 0) {
    steer = omega > 0 ? -f.max_steer : f.max_steer;  // turns left once it rolls forward
  }
  if (std::abs(steer) > f.max_steer) {
    out.problems.push_back(
        {topic + " angular.z", topic + ": angular.z " + Number(omega) + " rad/s at " +
                                   Number(cmd.speed) + " m/s needs more steering than the " +
                                   Number(f.max_steer) + " rad the forklift has; clamped"});
    steer = std::clamp(steer, -f.max_steer, f.max_steer);
  }
  cmd.steer = steer;
  out.value = cmd;
  return out;
}

Checked<double> CheckSetPoint(const std::string& topic, double value, double low, double high,
                              const char* unit) {
  Checked<double> out;
  if (!Finite(out.problems, topic, "data", value)) return out;
  out.value = Clamp(out.problems, topic, "data", value, low, high, unit);
  return out;
}

Checked<ArmTrajectory> CheckArmTrajectory(const std::string& topic, const JointTrajectory& msg,
                                          const scenes::ArmSpec& arm, double now) {
  Checked<ArmTrajectory> out;
  auto reject = [&](const std::string& field, const std::string& text) {
    out.problems.push_back({topic + " " + field, topic + ": " + text +
                                                     "; the trajectory is "
                                                     "ignored"});
    out.value.reset();
    return out;
  };
  // Where each of the message's joints goes in the arm's order.
  const size_t n = arm.joints.size();
  std::vector<size_t> slot(msg.joint_names.size());
  std::vector<bool> seen(n, false);
  for (size_t i = 0; i < msg.joint_names.size(); ++i) {
    const std::string& name = msg.joint_names[i];
    size_t k = 0;
    for (; k < n; ++k) {
      const std::string& full = arm.joints[k];
      const std::string short_name = full.substr(full.rfind('/') + 1);
      if (name == full || name == short_name) break;
    }
    const std::string field = "joint_names[" + std::to_string(i) + "]";
    if (k == n) {
      std::vector<std::string> known;
      for (const std::string& full : arm.joints) known.push_back(full.substr(full.rfind('/') + 1));
      return reject(field, field + " '" + name + "' is not a joint of " + arm.entity + " (" +
                               base::JoinNames(known) + ")");
    }
    if (seen[k]) return reject(field, field + " '" + name + "' appears twice");
    seen[k] = true;
    slot[i] = k;
  }
  if (msg.joint_names.size() != n)
    return reject("joint_names", "joint_names has " + std::to_string(msg.joint_names.size()) +
                                     " joints; " + arm.entity + " needs all " + std::to_string(n));
  if (msg.points.empty()) return reject("points", "points is empty");

  const double stamp = msg.header.stamp.Seconds();
  out.value.emplace();
  out.value->start = stamp <= 0 || stamp < now ? now : stamp;
  double last_time = -1;
  for (size_t p = 0; p < msg.points.size(); ++p) {
    const JointTrajectoryPoint& in = msg.points[p];
    const std::string where = "points[" + std::to_string(p) + "]";
    const double t = in.time_from_start.Seconds();
    if (t < 0 || t <= last_time)
      return reject(where + ".time_from_start",
                    where + ".time_from_start " + Number(t) + " s does not increase from " +
                        (p == 0 ? std::string("0") : Number(last_time) + " s"));
    last_time = t;
    if (in.positions.size() != n)
      return reject(where + ".positions", where + ".positions has " +
                                              std::to_string(in.positions.size()) + " values for " +
                                              std::to_string(n) + " joints");
    for (const auto* array : {&in.velocities, &in.accelerations})
      if (!array->empty() && array->size() != n)
        return reject(where, where + (array == &in.velocities ? ".velocities" : ".accelerations") +
                                 " has " + std::to_string(array->size()) + " values for " +
                                 std::to_string(n) + " joints");
    sim::TrajectoryPoint point;
    point.time = t;
    point.positions.assign(n, 0);
    if (!in.velocities.empty()) point.velocities.assign(n, 0);
    if (!in.accelerations.empty()) point.accelerations.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const size_t k = slot[i];
      if (!Finite(out.problems, topic, JointField(p, "positions", i), in.positions[i]))
        return {std::nullopt, out.problems};
      const double q = in.positions[i];
      if (q < arm.lower[k] || q > arm.upper[k])
        return reject(JointField(p, "positions", i),
                      JointField(p, "positions", i) + " = " + Number(q) + " rad is outside " +
                          msg.joint_names[i] + "'s limits [" + Number(arm.lower[k]) + ", " +
                          Number(arm.upper[k]) + "]");
      point.positions[k] = q;
      if (!in.velocities.empty()) {
        if (!Finite(out.problems, topic, JointField(p, "velocities", i), in.velocities[i]))
          return {std::nullopt, out.problems};
        point.velocities[k] = in.velocities[i];
      }
      if (!in.accelerations.empty()) {
        if (!Finite(out.problems, topic, JointField(p, "accelerations", i), in.accelerations[i]))
          return {std::nullopt, out.problems};
        point.accelerations[k] = in.accelerations[i];
      }
    }
    out.value->points.push_back(std::move(point));
  }
  // The points must be of one kind (sim::JointTrajectory joins them by what they give).
  try {
    sim::JointTrajectory check(out.value->points);
  } catch (const base::Error& e) {
    return reject("points", e.what());
  }
  return out;
}

}  // namespace twin::bridge
