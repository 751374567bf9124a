// What `twin hil` takes in: each command is checked on the transport thread it arrives on
// (command_checks.h), then handed to the simulation thread through the World's inbox, where it
// is applied at the start of the next step and feeds its robot's watchdog.
#include <twin/base/error.h>

#include "hil_session_impl.h"

#include <algorithm>

namespace twin::bridge {

void HilSession::Impl::Warn(const std::vector<CommandProblem>& problems) {
  std::lock_guard lock(log_mutex);  // from transport threads and the simulation thread
  for (const CommandProblem& p : problems) log.Warn(p.key, p.text);
}

void HilSession::Impl::Tell(const std::string& line) {
  std::lock_guard lock(log_mutex);
  if (options.log) options.log(line);
}

template <class T>
void HilSession::Impl::Accept(const std::string& topic, const std::string& robot,
                              Checked<T> checked, std::function<void(const T&)> apply) {
  Warn(checked.problems);
  if (!checked.value) {
    ++rejected;
    return;
  }
  ++commands;
  world.Post(
      [this, robot, apply = std::move(apply), value = std::move(*checked.value)](sim::World& w) {
        apply(value);
        if (!robot.empty()) watchdog.Fed(robot, w.time());
      });
  answers.Received(topic);
}

void HilSession::Impl::StartDueTrajectories() {
  const double now = world.time();
  for (auto it = pending_trajectories.begin(); it != pending_trajectories.end();) {
    if (it->trajectory.start > now + 0.5 * world.timestep()) {
      ++it;
      continue;
    }
    // A start in the past joins the trajectory where it would be now, as ROS's
    // joint_trajectory_controller does: points already passed are dropped, the rest keep their
    // times on the stamp's time line (the arm moves from its reference to the next one).
    const double late = std::max(0.0, now - it->trajectory.start);
    std::vector<sim::TrajectoryPoint> points;
    for (sim::TrajectoryPoint p : it->trajectory.points) {
      p.time -= late;
      if (p.time > 0.5 * world.timestep()) points.push_back(std::move(p));
    }
    if (points.empty()) {  // all passed: go to the last point now
      points.push_back(it->trajectory.points.back());
      points.back().time = world.timestep();
    }
    try {
      it->arm->Follow(sim::JointTrajectory(std::move(points)));
    } catch (const base::Error& e) {  // e.g. a limit the check could not see: a broken invariant
      ++rejected;
      Warn({{it->topic + " points", it->topic + ": " + e.what() + "; the trajectory is ignored"}});
    }
    it = pending_trajectories.erase(it);
  }
}

void HilSession::Impl::SubscribeCommands() {
  const Qos qos = Qos::Commands();
  const scenes::Site& s = site.scene.site;
  for (size_t i = 0; i < s.amrs.size(); ++i) {
    const scenes::AmrSpec& spec = s.amrs[i];
    sim::DiffDrive* drive = site.amrs[i].get();
    const std::string cmd_vel = Name(TopicKind::kAmrCmdVel, spec.entity);
    command_topics.insert(cmd_vel);
    Subscribe<Twist>(transport, cmd_vel, qos, [=, this](const Twist& t) {
      Accept<sim::Twist2d>(cmd_vel, spec.entity, CheckAmrTwist(cmd_vel, t, spec),
                           [drive](const sim::Twist2d& v) { drive->SetVelocity(v.v, v.omega); });
    });
    if (Has(TopicKind::kAmrLift, spec.entity)) {
      const std::string lift = Name(TopicKind::kAmrLift, spec.entity);
      command_topics.insert(lift);
      Subscribe<Float64>(transport, lift, qos, [=, this](const Float64& h) {
        Accept<double>(lift, "", CheckSetPoint(lift, h.data, 0, spec.lift_stroke, "m"),
                       [drive](const double& height) { drive->SetLift(height); });
      });
    }
  }
  for (size_t i = 0; i < s.forklifts.size(); ++i) {
    const scenes::ForkliftSpec& spec = s.forklifts[i];
    sim::ForkliftDrive* drive = site.forklifts[i].get();
    const std::string cmd_vel = Name(TopicKind::kForkliftCmdVel, spec.entity);
    const std::string lift = Name(TopicKind::kForkliftLift, spec.entity);
    command_topics.insert(cmd_vel);
    command_topics.insert(lift);
    Subscribe<Twist>(transport, cmd_vel, qos, [=, this](const Twist& t) {
      Accept<ForkliftCommand>(cmd_vel, spec.entity, CheckForkliftTwist(cmd_vel, t, spec),
                              [drive](const ForkliftCommand& c) {
                                drive->SetSpeed(c.speed);
                                drive->SetSteer(c.steer);
                              });
    });
    Subscribe<Float64>(transport, lift, qos, [=, this](const Float64& h) {
      Accept<double>(lift, "", CheckSetPoint(lift, h.data, 0, spec.lift_height, "m"),
                     [drive](const double& height) { drive->SetLift(height); });
    });
  }
  for (const scenes::ArmSpec& spec : s.arms) {
    sim::ArmController* arm = site.arms.at(spec.entity).get();
    const std::string topic = Name(TopicKind::kArmTrajectory, spec.entity);
    command_topics.insert(topic);
    Subscribe<JointTrajectory>(transport, topic, qos, [=, this](const JointTrajectory& msg) {
      // Checked here against the stamp alone (now = 0: this thread must not read the sim's
      // time); the simulation thread starts it at the stamp, or at once when that has passed.
      // Not watched: a trajectory runs to its end and the arm holds there, as ROS's
      // joint_trajectory_controller does (the watchdog is for velocity commands).
      Accept<ArmTrajectory>(topic, "", CheckArmTrajectory(topic, msg, spec, 0),
                            [this, arm, topic](const ArmTrajectory& trajectory) {
                              pending_trajectories.push_back({arm, topic, trajectory});
                            });
    });
  }
  for (const scenes::GripperSpec& spec : s.grippers) {
    sim::GripperControl* gripper = site.grippers.at(spec.entity).get();
    const scenes::GripperKind kind = spec.kind;
    Serve<SetBool>(transport, Name(TopicKind::kGripperGrip, spec.entity),
                   [this, gripper, kind](const SetBool::Request& request) {
                     const bool on = request.data;
                     const std::string failure = Control([=](Impl&) -> std::string {
                       if (kind == scenes::GripperKind::kSuction) {
                         gripper->SetVacuum(on);
                       } else if (on) {
                         gripper->Close();
                       } else {
                         gripper->Open();
                       }
                       return std::string();
                     });
                     ++commands;
                     return SetBool::Response{failure.empty(), failure.empty()
                                                                   ? (on ? "gripping" : "released")
                                                                   : failure};
                   });
  }
  if (site.conveyors)
    for (const scenes::ConveyorSpec& spec : s.conveyors) {
      const std::string topic = Name(TopicKind::kConveyorSetSpeed, spec.entity);
      command_topics.insert(topic);
      sim::ConveyorDrive* conveyors = site.conveyors.get();
      const std::string name = spec.entity;
      Subscribe<Float64>(transport, topic, qos, [=, this](const Float64& v) {
        Accept<double>(
            topic, "", CheckSetPoint(topic, v.data, -kMaxConveyorSpeed, kMaxConveyorSpeed, "m/s"),
            [conveyors, name](const double& speed) { conveyors->SetSpeed(name, speed); });
      });
    }
}

}  // namespace twin::bridge
