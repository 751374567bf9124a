// The palletize cell step by step: the state machine that waits for cartons, picks, carries,
// places and recovers (see palletize_cell.h).
#include "palletize_cell.h"

#include <twin/sim/beam_break.h>
#include <twin/sim/behaviour.h>

namespace twin::sim::internal::palletize {

void Palletize::Queue(const Target& to, double speed) {
  state_.segments.emplace_back(to, speed);
}

// Starts the next queued segment: inverse kinematics every few centimetres along it (in
// cylindrical coordinates about the arm), timed by a smooth profile, followed as one spline.
bool Palletize::StartNext(const mjData&) {
  auto [to, speed] = state_.segments.front();
  state_.segments.pop_front();
  Target from = state_.commanded;
  // The shorter way round.
  const double turn = WrapToPi(to.theta - from.theta);
  const double wrist_yaw = WristYaw(to.yaw, from.theta + turn);
  to.yaw =
      to.exact_yaw ? to.yaw + 2 * kPi * std::round((wrist_yaw - to.yaw) / (2 * kPi)) : wrist_yaw;
  const double arc = std::hypot(to.r - from.r, 0.5 * (to.r + from.r) * turn, to.z - from.z);
  const int n = std::max(3, static_cast<int>(std::ceil(arc / kPathStep)));
  std::vector<JointVector> q;
  JointVector seed = arm_->reference();
  for (int i = 1; i <= n; ++i) {
    const double s = static_cast<double>(i) / n;
    const Target t{from.r + s * (to.r - from.r), from.theta + s * turn,
                   from.z + s * (to.z - from.z), from.yaw + s * (to.yaw - from.yaw)};
    const auto solution = Solve(t, seed);
    if (!solution) {
      const Vec3 p = ToPoint(t);
      Fault("no inverse kinematics for the tcp at (" + Fmt(p[0]) + ", " + Fmt(p[1]) + ", " +
            Fmt(p[2]) + ")");
      return false;
    }
    for (int j = 0; j < 5; ++j) {
      if (std::abs((*solution)[j] - seed[j]) > kMaxJointJump) {
        const Vec3 p = ToPoint(t);
        Fault("the path to the tcp at (" + Fmt(p[0]) + ", " + Fmt(p[1]) + ", " + Fmt(p[2]) +
              ") would flip the arm (joint " + std::to_string(j + 1) + " jumps " +
              Fmt(((*solution)[j] - seed[j]) * 180 / kPi) + " deg)");
        return false;
      }
    }
    q.push_back(*solution);
    seed = *solution;
  }
  // The joint that travels farthest sets a lower bound on the time.
  JointVector travel{};
  JointVector previous = arm_->reference();
  for (const JointVector& point : q) {
    for (int j = 0; j < 6; ++j) travel[j] += std::abs(point[j] - previous[j]);
    previous = point;
  }
  const double widest = *std::max_element(travel.begin(), travel.end());
  const double duration = std::max({kMinMove, arc / speed, widest / kJointSpeed});
  // Smoothstep timing: the points are equally spaced along the path, so point i is reached when
  // 3 tau^2 - 2 tau^3 = i / n.
  std::vector<TrajectoryPoint> points;
  for (int i = 1; i <= n; ++i) {
    const double s = static_cast<double>(i) / n;
    double tau = s;
    for (int k = 0; k < 30; ++k)
      tau = std::clamp(
          tau - (3 * tau * tau - 2 * tau * tau * tau - s) / std::max(1e-6, 6 * tau - 6 * tau * tau),
          0.0, 1.0);
    TrajectoryPoint p;
    p.time = std::max(tau, 1e-3 * i) * duration;
    p.positions.assign(q[i - 1].begin(), q[i - 1].end());
    points.push_back(std::move(p));
  }
  for (size_t i = 1; i < points.size(); ++i) {
    points[i].time = std::max(points[i].time, points[i - 1].time + 1e-3);
  }
  arm_->Follow(JointTrajectory(std::move(points)));
  state_.commanded = {to.r, from.theta + turn, to.z, to.yaw};
  return true;
}

// True while a segment runs or more are queued; starts the next one when the last has ended.
bool Palletize::Moving(const mjData& data) {
  if (!arm_->done()) return true;
  if (state_.segments.empty()) return false;
  StartNext(data);
  return state_.phase != Phase::kFault;
}

bool Palletize::BeamBroken(const mjModel& model, const mjData& data) const {
  const mjtNum range = data.sensordata[model.sensor_adr[beam_sensor_]];
  return IsBeamBroken(range, beam_length_);
}

// The carton resting at the pick point, or -1.
int Palletize::CartonAtPick(const mjModel&, const mjData& data) const {
  for (size_t i = 0; i < cartons_.size(); ++i) {
    const mjtNum* x = data.xpos + 3 * cartons_[i].body;
    if (std::hypot(x[0] - pick_[0], x[1] - pick_[1]) > kPickRadius) continue;
    if (std::abs(x[2] - belt_top_) > 0.05) continue;
    const mjtNum* v = data.qvel + cartons_[i].qvel;
    if (std::hypot(v[0], v[1], v[2]) > kAtRest) return -1;
    return static_cast<int>(i);
  }
  return -1;
}

// The carton nearest the pick point that lies on the belt near it (not on the cup), or -1.
int Palletize::CartonNearPick(const mjData& data) const {
  int nearest = -1;
  double best = kNearRadius;
  for (size_t i = 0; i < cartons_.size(); ++i) {
    const mjtNum* x = data.xpos + 3 * cartons_[i].body;
    const double d = std::hypot(x[0] - pick_[0], x[1] - pick_[1]);
    if (d > best || std::abs(x[2] - belt_top_) > 0.15) continue;
    best = d;
    nearest = static_cast<int>(i);
  }
  return nearest;
}

bool Palletize::Upright(const mjData& data, int carton) const {
  return data.xmat[9 * cartons_[carton].body + 8] > kUpright;
}

// Stops the belt and goes down onto the top of `carton` where it lies, the vacuum on.
void Palletize::Pick(const mjData& data, int carton, double now) {
  state_.carton = carton;
  conveyors_->SetSpeed(conveyor_, 0);
  const Carton& c = cartons_[state_.carton];
  const mjtNum* x = data.xpos + 3 * c.body;
  const mjtNum* r = data.xmat + 9 * c.body;
  const Vec3 top{x[0] + r[2] * c.size[2], x[1] + r[5] * c.size[2], x[2] + r[8] * c.size[2]};
  const double yaw = YawOf(r);
  Queue(ToTarget({top[0], top[1], top[2] + kApproachAbove}, yaw), kCruise);
  gripper_->SetVacuum(true);
  Queue(ToTarget({top[0], top[1], top[2] + kGripAbove}, yaw), kCareful);
  Enter(Phase::kGrip, now);
}

// The cell cannot go on by itself: the belt stops, the arm waits above the pick point, one line
// goes to the log and the status says why. It goes on once the carton `carton` has been moved.
void Palletize::Jam(const mjData& data, int carton, const std::string& why, double now) {
  ++state_.jams;
  state_.jam = why;
  state_.jam_carton = carton;
  for (int i = 0; i < 3; ++i) state_.jam_at[i] = data.xpos[3 * cartons_[carton].body + i];
  state_.attempts = 0;
  state_.near_since = -1;
  conveyors_->SetSpeed(conveyor_, 0);
  log_("autopilot palletize: jammed at t = " + Seconds(now) + " s: " + why +
       "; the belt stays stopped until that carton is moved");
  Enter(Phase::kJammed, now);
}

void Palletize::Fault(const std::string& why) {
  state_.fault = why;
  state_.phase = Phase::kFault;
  state_.segments.clear();
  arm_->Stop();
  log_("autopilot palletize: stopped: " + why);
}

void Palletize::Enter(Phase phase, double time) {
  state_.phase = phase;
  state_.phase_start = time;
}

// Back to the beginning (the world was reset; a Restore brings the saved state back instead).
void Palletize::Restart() {
  state_.phase = Phase::kStart;
  state_.segments.clear();
  state_.next_slot = 0;
  state_.carton = -1;
  state_.settle_start = -1;
  state_.missed = state_.dropped = state_.retried = state_.jams = state_.attempts = 0;
  state_.near_since = -1;
  state_.fault.clear();
  state_.jam.clear();
  state_.jam_carton = -1;
  gripper_->SetVacuum(false);
  arm_->SetPayload(0, {});
  conveyors_->SetSpeed(conveyor_, belt_speed_);
}

void Palletize::Apply(const mjModel& model, mjData& data) {
  if (!enabled()) return;
  const double now = data.time;
  if (now < state_.last_time) Restart();
  state_.last_time = now;
  if (state_.phase == Phase::kFault || state_.phase == Phase::kFull) return;
  if (Moving(data)) {
    state_.moving = true;
    return;
  }
  if (state_.phase == Phase::kFault) return;
  // Waits count from the end of the phase's moves.
  if (state_.moving) state_.phase_start = now;
  state_.moving = false;

  const double top_of_pick = belt_top_ + carton_size_[2];
  const double lift = belt_top_ + kStopHeight + clearance_ + carton_size_[2];
  // Above the pick point, the cup square to the arm's bearing (StartNext picks the half turn).
  Target ready = ToTarget({pick_[0], pick_[1], top_of_pick + kApproachAbove}, 0);
  ready.yaw = WristYaw(ready.theta, ready.theta);
  switch (state_.phase) {
    case Phase::kStart: {
      // From wherever the arm is, straight to the ready pose in joint space, joint 6 mid-range.
      JointVector seed = arm_->reference();
      seed[5] = 0.5 * (arm_->spec().lower[5] + arm_->spec().upper[5]);
      const auto q = Solve(ready, seed);
      if (!q) return Fault("cannot reach the pick point");
      arm_->MoveTo(*q, 3.0);
      state_.commanded = ready;
      Enter(Phase::kRetreat, now);
      return;
    }
    case Phase::kWaitCarton: {
      const int carton = BeamBroken(model, data) ? CartonAtPick(model, data) : -1;
      if (carton >= 0 && Upright(data, carton)) {
        state_.near_since = -1;
        if (state_.settle_start < 0) state_.settle_start = now;
        if (now - state_.settle_start < kSettleTime) return;
        state_.settle_start = -1;
        return Pick(data, carton, now);
      }
      state_.settle_start = -1;
      // Nothing ready at the pick point. That is normal while the belt brings the next carton;
      // with one lying near the pick point for long, it is stuck (pushed aside, tilted, caught).
      const int near = CartonNearPick(data);
      if (near < 0) {
        state_.near_since = -1;
        return;
      }
      if (state_.near_since < 0) state_.near_since = now;
      if (now - state_.near_since < kJamWait) return;
      state_.near_since = -1;
      const mjtNum* x = data.xpos + 3 * cartons_[near].body;
      const mjtNum* v = data.qvel + cartons_[near].qvel;
      const std::string where = "a carton at (" + Fmt(x[0]) + ", " + Fmt(x[1]) + ", " + Fmt(x[2]) +
                                "), " + Fmt(std::hypot(x[0] - pick_[0], x[1] - pick_[1])) +
                                " m from the pick point";
      if (!Upright(data, near)) {
        const double tilt =
            std::acos(std::clamp<double>(data.xmat[9 * cartons_[near].body + 8], -1, 1));
        return Jam(data, near, where + ", lies tilted " + Fmt(tilt * 180 / kPi) + " deg", now);
      }
      if (std::hypot(v[0], v[1], v[2]) > kAtRest)
        return Jam(data, near, where + ", does not come to rest", now);
      // Upright and at rest where the belt cannot bring it on: pick it where it lies.
      ++state_.retried;
      return Pick(data, near, now);
    }
    case Phase::kGrip: {
      const Carton& c = cartons_[state_.carton];
      if (gripper_->HeldBody(model, data) == c.body) {
        state_.attempts = 0;
        const Vec3 tcp = gripper_->spec().tcp_in_flange.position;
        arm_->SetPayload(c.mass, {tcp[0], tcp[1], tcp[2] + c.size[2] / 2});
        state_.grip_delta = YawOf(data.xmat + 9 * c.body) - YawOf(data.site_xmat + 9 * tcp_site_);
        // Up clear of the end stop, round at full height, then over the slot above the stack.
        const Pose slot = SlotPose(data, state_.next_slot);
        const double slot_yaw = 2 * std::atan2(slot.orientation[3], slot.orientation[0]);
        const double hover = slot.position[2] + 2 * c.size[2] + clearance_;
        Target up = state_.commanded;
        up.z = lift;
        Queue(up, kCruise);
        const Target over = ToTarget(slot.position, 0);
        Target swing = up;
        swing.theta =
            state_.commanded.theta + std::copysign(kSwing, WrapToPi(over.theta - up.theta));
        Queue(swing, kCruise);
        Target above = over;
        above.z = hover;
        above.yaw = slot_yaw - state_.grip_delta;
        Queue(above, kCruise);
        return Enter(Phase::kCarry, now);
      }
      if (now - state_.phase_start < kGripTimeout) return;
      // Not held: let go, back up and try again on where the carton lies now (kWaitCarton reads
      // its pose afresh), or report the cell jammed after a few failures in a row.
      ++state_.missed;
      ++state_.attempts;
      gripper_->SetVacuum(false);
      Queue(ready, kCruise);
      if (state_.attempts >= kMaxAttempts) {
        const mjtNum* x = data.xpos + 3 * c.body;
        Jam(data, state_.carton,
            "the cup failed " + std::to_string(state_.attempts) +
                " times in a row to hold the carton at (" + Fmt(x[0]) + ", " + Fmt(x[1]) + ", " +
                Fmt(x[2]) + ")",
            now);
        return;
      }
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kRetreat, now);
    }
    case Phase::kCarry: {
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kDwell, now);
    }
    case Phase::kDwell: {
      if (now - state_.phase_start < kDwell) return;
      const Carton& c = cartons_[state_.carton];
      if (gripper_->HeldBody(model, data) != c.body) {
        ++state_.dropped;
        gripper_->SetVacuum(false);
        arm_->SetPayload(0, {});
        Queue(ready, kCruise);
        return Enter(Phase::kRetreat, now);
      }
      // Where the carton hangs now (it creeps on the cup while carried): move the tcp so that
      // the carton, not the cup, lands on the slot, squared to the pallet.
      const Pose slot = SlotPose(data, state_.next_slot);
      const double slot_yaw = 2 * std::atan2(slot.orientation[3], slot.orientation[0]);
      const mjtNum* cx = data.xpos + 3 * c.body;
      const mjtNum* px = data.site_xpos + 3 * tcp_site_;
      const double tcp_yaw = YawOf(data.site_xmat + 9 * tcp_site_);
      const double delta = YawOf(data.xmat + 9 * c.body) - tcp_yaw;
      const double yaw = WristYaw(slot_yaw - delta, state_.commanded.theta);
      const double turn = yaw - tcp_yaw;
      const double ox = cx[0] - px[0], oy = cx[1] - px[1];
      const Vec3 tcp{slot.position[0] - (std::cos(turn) * ox - std::sin(turn) * oy),
                     slot.position[1] - (std::sin(turn) * ox + std::cos(turn) * oy),
                     slot.position[2] + release_height_ + (px[2] - cx[2])};
      Target place = ToTarget(tcp, yaw);
      place.exact_yaw = true;
      // Squared above the slot first, then straight down into it.
      Target above = place;
      above.z = state_.commanded.z;
      Queue(above, kCareful);
      Queue(place, kCareful);
      return Enter(Phase::kPlace, now);
    }
    case Phase::kPlace: {
      gripper_->SetVacuum(false);
      arm_->SetPayload(0, {});
      return Enter(Phase::kRelease, now);
    }
    case Phase::kRelease: {
      if (now - state_.phase_start < kReleaseWait) return;
      ++state_.next_slot;
      state_.carton = -1;
      Target up = state_.commanded;
      up.z += cartons_.front().size[2] + clearance_;
      Queue(up, kCareful);
      Target swing = ready;
      swing.z = lift;
      swing.theta = ready.theta + std::copysign(kSwing, WrapToPi(up.theta - ready.theta));
      swing.r = ready.r;
      Queue(swing, kCruise);
      Queue(ready, kCruise);
      return Enter(Phase::kRetreat, now);
    }
    case Phase::kRetreat: {
      if (state_.next_slot >= slots_.size()) {
        conveyors_->SetSpeed(conveyor_, 0);
        return Enter(Phase::kFull, now);
      }
      return Enter(Phase::kWaitCarton, now);
    }
    case Phase::kJammed: {
      // Someone has cleared the jam once the carton that caused it has been moved.
      const mjtNum* x = data.xpos + 3 * cartons_[state_.jam_carton].body;
      if (std::hypot(x[0] - state_.jam_at[0], x[1] - state_.jam_at[1], x[2] - state_.jam_at[2]) <
          0.05)
        return;
      log_("autopilot palletize: jam cleared at t = " + Seconds(now) + " s, going on");
      state_.jam.clear();
      state_.carton = -1;
      conveyors_->SetSpeed(conveyor_, belt_speed_);
      return Enter(Phase::kWaitCarton, now);
    }
    case Phase::kFull:
    case Phase::kFault: return;
  }
}

std::string Palletize::Status() const {
  const size_t per_layer = static_cast<size_t>(columns_ * rows_);
  const size_t layer = std::min(state_.next_slot / per_layer + 1, static_cast<size_t>(layers_));
  std::string text = "palletized " + std::to_string(state_.next_slot) + " of " +
                     std::to_string(slots_.size()) + " slots (layer " + std::to_string(layer) +
                     " of " + std::to_string(layers_) + ")";
  if (state_.phase == Phase::kFull) text += "; pallet full, conveyor stopped";
  if (state_.missed > 0) text += "; " + std::to_string(state_.missed) + " picks missed";
  if (state_.dropped > 0) text += "; " + std::to_string(state_.dropped) + " cartons dropped";
  if (state_.retried > 0)
    text += "; " + std::to_string(state_.retried) + " picked off the pick point";
  if (state_.jams > 0) text += "; " + std::to_string(state_.jams) + " jams";
  if (state_.phase == Phase::kJammed) text += "; jammed: " + state_.jam;
  if (state_.phase == Phase::kFault) text += "; stopped: " + state_.fault;
  return text;
}

}  // namespace twin::sim::internal::palletize

namespace twin::sim::internal {

std::shared_ptr<Autopilot> MakePalletizeAutopilot(SiteWorld& site,
                                                  const scenes::AutopilotSpec& spec) {
  auto autopilot = std::make_shared<palletize::Palletize>(site, spec);
  AttachBehaviour(site.world, "autopilot palletize", autopilot);
  return autopilot;
}

}  // namespace twin::sim::internal
